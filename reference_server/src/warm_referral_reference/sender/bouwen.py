"""Building a creditor's messages: the envelope from the library, the incassostop from the profile.

A creditor states the incassostop in its Verwijzing (the receiver computes the same one and
confirms it in its Ontvangstbevestiging), so it must come from the same agreement profile the
receiver uses: :func:`bouw_verwijzing` computes it with :func:`warm_referral.deadlines.incassostop`
rather than letting callers type dates. The synthetic helpers make valid test referrals whose BSNs
lie in the 9999xxxxx range reserved for test persons, for the demo and the crash test.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from warm_referral import amsterdamse_datum, deadlines
from warm_referral.identifiers import bsn as _bsn
from warm_referral.models import (
    BSN_TOEGESTAAN,
    Achterstand,
    Adres,
    Contactpersoon,
    Contactsoort,
    Crisis,
    Dagdeel,
    Geldbedrag,
    Grondslag,
    Hulpvrager,
    Intrekking,
    Intrekkingsreden,
    Partij,
    Periode,
    SoortVerwijzer,
    Statusverzoek,
    Toestemming,
    Verwijzing,
    nieuwe_envelop,
)

__all__ = [
    "EVIDES",
    "VLISSINGEN",
    "ZORGVERZEKERAAR",
    "bouw_intrekking",
    "bouw_statusverzoek",
    "bouw_verwijzing",
    "synthetische_bsn",
    "synthetische_verwijzing",
]

#: The development participants of the reference receiver (see ``config.DEV_DEELNEMERS``), as
#: they appear in messages.
EVIDES = Partij(naam="Evides Waterbedrijf", oin="00000003241234560000", kvk_nummer="24123456")
ZORGVERZEKERAAR = Partij(naam="Zorgverzekeraar Voorbeeld", kvk_nummer="30123456")
VLISSINGEN = Partij(naam="Gemeente Vlissingen", oin="00000001001234567000", gemeentecode="0718")

_TEAM = Contactpersoon(
    naam="Team Betalingsregelingen", functie="Klantadviseur", telefoonnummer="0880203040"
)


def bouw_verwijzing(
    *,
    afzender: Partij,
    ontvanger: Partij,
    verwijzing_id: str,
    verwezen_op: datetime,
    soort_verwijzer: SoortVerwijzer,
    grondslag: Grondslag,
    hulpvrager: Hulpvrager,
    achterstand: Achterstand,
    contactpersoon: Contactpersoon = _TEAM,
    crisis: Crisis | None = None,
    toestemming: Toestemming | None = None,
    toelichting: str | None = None,
    profiel: deadlines.Afsprakenprofiel | str | None = None,
    nu: datetime | None = None,
    conversatie_id: UUID | None = None,
) -> Verwijzing:
    """A new Verwijzing (fresh berichtId and conversatieId) with the incassostop of ``profiel``
    (a profile, its name, or None for the default NVVK pilot profile).

    ``nu`` is the creation time (default: ``verwezen_op``). Invalid input raises
    :class:`~warm_referral.errors.InvalidLocalMessage` listing every violation.
    """
    ingang, einde = deadlines.incassostop(amsterdamse_datum(verwezen_op), profiel)
    return Verwijzing(
        **nieuwe_envelop(afzender, ontvanger, conversatie_id=conversatie_id, nu=nu or verwezen_op),
        verwijzing_id=verwijzing_id,
        verwezen_op=verwezen_op,
        soort_verwijzer=soort_verwijzer,
        grondslag=grondslag,
        toestemming=toestemming,
        hulpvrager=hulpvrager,
        achterstand=achterstand,
        crisissignaal=crisis is not None,
        crisis=crisis,
        incassostop=Periode(ingangsdatum=ingang, einddatum=einde),
        contactpersoon=contactpersoon,
        toelichting=toelichting,
    )


def bouw_intrekking(
    verwijzing: Verwijzing,
    reden: Intrekkingsreden,
    *,
    toelichting: str | None = None,
    nu: datetime | None = None,
) -> Intrekking:
    """The creditor withdraws ``verwijzing`` (same conversation, a fresh berichtId)."""
    return Intrekking(
        **nieuwe_envelop(
            verwijzing.afzender,
            verwijzing.ontvanger,
            conversatie_id=verwijzing.conversatie_id,
            nu=nu,
        ),
        verwijzing_id=verwijzing.verwijzing_id,
        reden=reden,
        toelichting=toelichting,
    )


def bouw_statusverzoek(verwijzing: Verwijzing, *, nu: datetime | None = None) -> Statusverzoek:
    """Ask the municipality for the creditor-safe status of ``verwijzing``."""
    return Statusverzoek(
        **nieuwe_envelop(
            verwijzing.afzender,
            verwijzing.ontvanger,
            conversatie_id=verwijzing.conversatie_id,
            nu=nu,
        ),
        verwijzing_id=verwijzing.verwijzing_id,
    )


# --- synthetic test data ---------------------------------------------------------------------------

_VOORNAMEN = ("Anna", "Bram", "Chaima", "Daan", "Eva", "Fenna", "Gijs", "Hatice", "Iris", "Jesse")
_ACHTERNAMEN = (
    ("", "Jansen"),
    ("de", "Vries"),
    ("van", "Dijk"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("van den", "Berg"),
    ("", "Yilmaz"),
)
_STRATEN = ("Walstraat", "Bellamypark", "Coosje Buskenstraat", "Badhuisstraat", "Paul Krugerstraat")


def synthetische_bsn(nummer: int) -> str:
    """A valid BSN in the test range 9999xxxxx, different for each ``nummer`` mod 10,000
    (about one in eleven numbers has no valid check digit; the next one is taken)."""
    for stap in range(11):
        kandidaat = f"9999{(nummer + stap) % 10_000:04d}"
        som = sum(int(c) * w for c, w in zip(kandidaat, range(9, 1, -1), strict=True))
        if som % 11 != 10:
            waarde = kandidaat + str(som % 11)
            assert _bsn.is_valid(waarde)
            return waarde
    raise AssertionError("unreachable: some number in eleven consecutive ones has a check digit")


def synthetische_verwijzing(
    nummer: int,
    *,
    verwezen_op: datetime,
    afzender: Partij = EVIDES,
    ontvanger: Partij = VLISSINGEN,
    soort_verwijzer: SoortVerwijzer = SoortVerwijzer.WATER,
    grondslag: Grondslag = Grondslag.AFSLUITREGELING,
    verwijzing_id: str | None = None,
    toelichting: str | None = None,
    rng: random.Random | None = None,
) -> Verwijzing:
    """A valid referral of a synthetic person; the BSN (test range) only where the kind of
    referrer may carry one. Deterministic for a given ``nummer`` and ``rng`` seed."""
    kies = rng or random.Random(nummer)
    voorvoegsel, achternaam = kies.choice(_ACHTERNAMEN)
    voornaam = kies.choice(_VOORNAMEN)
    verwijsdatum = amsterdamse_datum(verwezen_op)
    geboren = date(1950, 1, 1) + timedelta(days=kies.randrange(365 * 50))
    hulpvrager = Hulpvrager(
        voorletters=f"{voornaam[0]}.",
        voornamen=voornaam,
        voorvoegsel=voorvoegsel or None,
        geslachtsnaam=achternaam,
        geboortedatum=geboren,
        bsn=synthetische_bsn(nummer) if soort_verwijzer in BSN_TOEGESTAAN else None,
        adres=Adres(
            straatnaam=kies.choice(_STRATEN),
            huisnummer=kies.randrange(1, 200),
            postcode=f"43{kies.randrange(81, 90)}{kies.choice('ABCDEGHJKLMNPRTVWXZ')}"
            f"{kies.choice('ABCDEGHJKLMNPRTVWXZ')}",
            woonplaats="Vlissingen",
        ),
        telefoonnummer=f"06{kies.randrange(10**8):08d}",
        voorkeur_contactsoort=Contactsoort.TELEFOON,
        voorkeur_dagdeel=kies.choice(list(Dagdeel)),
    )
    achterstand = Achterstand(
        bedrag=Geldbedrag(waarde=Decimal(kies.randrange(5_000, 250_000)).scaleb(-2), valuta="EUR"),
        ontstaansdatum=verwijsdatum - timedelta(days=kies.randrange(30, 200)),
        klantnummer=f"K{nummer:09d}",
    )
    prefix = "".join(c for c in afzender.naam.upper() if c.isalpha())[:3]
    return bouw_verwijzing(
        afzender=afzender,
        ontvanger=ontvanger,
        verwijzing_id=verwijzing_id or f"{prefix}-{verwijsdatum.year}-{nummer:06d}",
        verwezen_op=verwezen_op,
        soort_verwijzer=soort_verwijzer,
        grondslag=grondslag,
        hulpvrager=hulpvrager,
        achterstand=achterstand,
        toelichting=toelichting,
    )
