"""Every indicator, defined once, as data.

An indicator counts *tellingen* (facts a referral has or has not), measures *duren* (whole days
between two of its steps) or splits by a *categorie* (a code such as the DDAS final result). The
facts, durations and categories are defined here with the events that count for them; the
computation of each (``kenmerken.py``) is checked against these lists by the tests, and the docs
table (``docs/monitoring.md``) is generated from them.

Periods follow the referral's cohort: a referral counts in the month, quarter and year of its
verwijsdatum, and so do all its later steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "CATEGORIEEN",
    "DUREN",
    "INDICATOREN",
    "TELLINGEN",
    "Categorie",
    "Duur",
    "Indicator",
    "Indicatorsoort",
    "Telling",
    "indicator",
]


@dataclass(frozen=True, slots=True)
class Telling:
    """A fact a referral has or has not (counted as a number of referrals)."""

    naam: str
    omschrijving: str
    """Dutch: what it means."""
    gebeurtenissen: str
    """Dutch: which events of the history count."""


@dataclass(frozen=True, slots=True)
class Duur:
    """Whole days between two steps of a referral; absent when the later step did not happen."""

    naam: str
    omschrijving: str
    eenheid: str
    """``werkdagen`` (Atw calendar, the start day not counted) or ``kalenderdagen``."""
    gebeurtenissen: str


@dataclass(frozen=True, slots=True)
class Categorie:
    """A code a referral may have, to split a count by."""

    naam: str
    omschrijving: str
    gebeurtenissen: str


class Indicatorsoort(str, Enum):
    AANTAL = "aantal"
    """A number of referrals (``teller``)."""
    AANDEEL = "aandeel"
    """``teller`` as a percentage of ``noemer``."""
    VERDELING = "verdeling"
    """The median, P75 and P90 of a duration over the referrals that have it."""
    UITSPLITSING = "uitsplitsing"
    """One row per value of a category: its count as a percentage of ``noemer``."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """One published figure. ``teller``/``noemer`` name a :class:`Telling`, ``duur`` a
    :class:`Duur`, ``categorie`` a :class:`Categorie`."""

    code: str
    naam: str
    definitie: str
    """Dutch: the definition as the docs and the report show it."""
    soort: Indicatorsoort
    eenheid: str
    teller: str | None = None
    noemer: str | None = None
    duur: str | None = None
    categorie: str | None = None


def _tellingen(*items: Telling) -> dict[str, Telling]:
    return {t.naam: t for t in items}


#: The facts, in a fixed order (the order of the bits in ``kenmerken.Kenmerken``).
TELLINGEN: dict[str, Telling] = _tellingen(
    Telling("verwezen", "De verwijzing is gedaan.", "de Verwijzing"),
    Telling(
        "doorgezonden",
        "Doorgezonden naar de gemeente waar de inwoner woont.",
        "Doorzending",
    ),
    Telling("ingetrokken", "Ingetrokken door de schuldeiser.", "Intrekking"),
    Telling(
        "niet_opgepakt",
        "De gemeente pakt de verwijzing niet op.",
        "NietOpgepakt (met redencode)",
    ),
    Telling(
        "opgepakt",
        "De gemeente heeft de verwijzing opgepakt (een vroegsignaalzaak).",
        "mijlpaal Opgepakt (ook door een eerste contactpoging)",
    ),
    Telling("contactpoging", "Er is minstens één contactpoging gedaan.", "contactpoging"),
    Telling("bereikt", "De inwoner is bereikt.", "contactpoging met bereikt = ja"),
    Telling(
        "niet_bereikt",
        "Opgepakt, maar de inwoner is definitief niet bereikt.",
        "contact gestaakt, of eindresultaat 'Definitief geen contact kunnen krijgen', "
        "zonder contactpoging met bereikt = ja",
    ),
    Telling(
        "termijn_beoordeeld",
        "De contacttermijn is te beoordelen: er is een contactpoging gedaan, of de "
        "contactdeadline is op de peildatum verstreken terwijl de verwijzing nog op contact "
        "wachtte.",
        "ontvangst (contactdeadline), eerste contactpoging; niet: verwijzingen die vóór de "
        "deadline zonder contactpoging eindigden (niet opgepakt, doorgezonden, ingetrokken, "
        "afgesloten)",
    ),
    Telling(
        "poging_binnen_termijn",
        "De eerste contactpoging viel op of vóór de datum van de contactdeadline.",
        "eerste contactpoging, contactdeadline",
    ),
    Telling(
        "bereikt_binnen_termijn",
        "De inwoner is op of vóór de datum van de contactdeadline bereikt.",
        "eerste contactpoging met bereikt = ja, contactdeadline",
    ),
    Telling("hulp_aangeboden", "Er is hulp aangeboden.", "mijlpaal Hulp aangeboden"),
    Telling("hulp_aanvaard", "De inwoner heeft de hulp aanvaard.", "mijlpaal Hulp aanvaard"),
    Telling("hulp_afgewezen", "De inwoner heeft de hulp afgewezen.", "mijlpaal Hulp afgewezen"),
    Telling(
        "met_eindresultaat",
        "De verwijzing heeft een eindresultaat in DDAS-termen.",
        "Afsluiting, NietOpgepakt, Doorzending of Intrekking",
    ),
    Telling(
        "betaling_geevalueerd",
        "De schuldeiser heeft gemeld of de reguliere betalingen zijn hervat.",
        "Betaalgedragmelding (regulierBetaald)",
    ),
    Telling(
        "betaling_hervat",
        "Volgens de laatste melding betaalt de inwoner de reguliere lasten weer.",
        "laatste Betaalgedragmelding (naar peildatum) met regulierBetaald = ja",
    ),
    Telling(
        "maatregelen_geevalueerd",
        "De schuldeiser heeft gemeld of er ingrijpende incassomaatregelen zijn genomen.",
        "Betaalgedragmelding met ingrijpendeMaatregelen (vanaf specVersie 1.1)",
    ),
    Telling(
        "maatregel_voorkomen",
        "Volgens de laatste melding is geen ingrijpende incassomaatregel genomen.",
        "laatste Betaalgedragmelding met ingrijpendeMaatregelen waarin geen maatregel genomen is",
    ),
)

DUREN: dict[str, Duur] = {
    d.naam: d
    for d in (
        Duur(
            "werkdagen_tot_poging",
            "Werkdagen van ontvangst tot de eerste contactpoging.",
            "werkdagen",
            "ontvangst (ontvangenOp, anders verwijsdatum), eerste contactpoging",
        ),
        Duur(
            "kalenderdagen_tot_poging",
            "Kalenderdagen van ontvangst tot de eerste contactpoging.",
            "kalenderdagen",
            "ontvangst (ontvangenOp, anders verwijsdatum), eerste contactpoging",
        ),
        Duur(
            "werkdagen_tot_bereikt",
            "Werkdagen van ontvangst tot de inwoner bereikt is.",
            "werkdagen",
            "ontvangst, eerste contactpoging met bereikt = ja",
        ),
        Duur(
            "kalenderdagen_tot_bereikt",
            "Kalenderdagen van ontvangst tot de inwoner bereikt is.",
            "kalenderdagen",
            "ontvangst, eerste contactpoging met bereikt = ja",
        ),
        Duur(
            "kalenderdagen_tot_aanbod",
            "Kalenderdagen van ontvangst tot het hulpaanbod.",
            "kalenderdagen",
            "ontvangst, mijlpaal Hulp aangeboden",
        ),
        Duur(
            "kalenderdagen_tot_aanvaarding",
            "Kalenderdagen van ontvangst tot de inwoner de hulp aanvaardde.",
            "kalenderdagen",
            "ontvangst, mijlpaal Hulp aanvaard",
        ),
    )
}

CATEGORIEEN: dict[str, Categorie] = {
    c.naam: c
    for c in (
        Categorie(
            "niet_opgepakt_reden",
            "De redencode van NietOpgepakt (DDAS-signaalstatus).",
            "NietOpgepakt",
        ),
        Categorie(
            "eindresultaat",
            "Het eindresultaat in DDAS-termen (EnumEindresultaat).",
            "Afsluiting, NietOpgepakt, Doorzending, Intrekking",
        ),
    )
}

_A = Indicatorsoort.AANTAL
_P = Indicatorsoort.AANDEEL
_V = Indicatorsoort.VERDELING
_U = Indicatorsoort.UITSPLITSING

#: The published indicators, in report order.
INDICATOREN: tuple[Indicator, ...] = (
    Indicator(
        "verwijzingen", "Verwijzingen", "Aantal warme verwijzingen.", _A, "aantal", "verwezen"
    ),
    Indicator(
        "doorgezonden",
        "Doorgezonden",
        "Aandeel van de verwijzingen dat naar een andere gemeente is doorgezonden.",
        _P,
        "procent",
        "doorgezonden",
        "verwezen",
    ),
    Indicator(
        "ingetrokken",
        "Ingetrokken",
        "Aandeel van de verwijzingen dat de schuldeiser heeft ingetrokken.",
        _P,
        "procent",
        "ingetrokken",
        "verwezen",
    ),
    Indicator(
        "niet_opgepakt",
        "Niet opgepakt",
        "Aandeel van de verwijzingen dat de gemeente niet heeft opgepakt.",
        _P,
        "procent",
        "niet_opgepakt",
        "verwezen",
    ),
    Indicator(
        "niet_opgepakt_naar_reden",
        "Niet opgepakt, naar reden",
        "Per redencode: aandeel van de niet opgepakte verwijzingen.",
        _U,
        "procent",
        noemer="niet_opgepakt",
        categorie="niet_opgepakt_reden",
    ),
    Indicator(
        "opgepakt",
        "Opgepakt",
        "Aandeel van de verwijzingen dat de gemeente heeft opgepakt (een zaak werd).",
        _P,
        "procent",
        "opgepakt",
        "verwezen",
    ),
    Indicator(
        "bereikt",
        "Bereikt",
        "Aandeel van de opgepakte verwijzingen waarin de inwoner is bereikt.",
        _P,
        "procent",
        "bereikt",
        "opgepakt",
    ),
    Indicator(
        "niet_bereikt",
        "Definitief niet bereikt",
        "Aandeel van de opgepakte verwijzingen waarin de inwoner definitief niet is bereikt.",
        _P,
        "procent",
        "niet_bereikt",
        "opgepakt",
    ),
    Indicator(
        "werkdagen_tot_poging",
        "Tijd tot eerste contactpoging (werkdagen)",
        "Werkdagen van ontvangst tot de eerste contactpoging: mediaan, P75 en P90.",
        _V,
        "werkdagen",
        noemer="contactpoging",
        duur="werkdagen_tot_poging",
    ),
    Indicator(
        "kalenderdagen_tot_poging",
        "Tijd tot eerste contactpoging (kalenderdagen)",
        "Kalenderdagen van ontvangst tot de eerste contactpoging: mediaan, P75 en P90.",
        _V,
        "kalenderdagen",
        noemer="contactpoging",
        duur="kalenderdagen_tot_poging",
    ),
    Indicator(
        "werkdagen_tot_bereikt",
        "Tijd tot contact (werkdagen)",
        "Werkdagen van ontvangst tot de inwoner bereikt is: mediaan, P75 en P90.",
        _V,
        "werkdagen",
        noemer="bereikt",
        duur="werkdagen_tot_bereikt",
    ),
    Indicator(
        "kalenderdagen_tot_bereikt",
        "Tijd tot contact (kalenderdagen)",
        "Kalenderdagen van ontvangst tot de inwoner bereikt is: mediaan, P75 en P90.",
        _V,
        "kalenderdagen",
        noemer="bereikt",
        duur="kalenderdagen_tot_bereikt",
    ),
    Indicator(
        "poging_binnen_termijn",
        "Contactpoging binnen de contacttermijn",
        "Aandeel van de te beoordelen verwijzingen waarin de eerste contactpoging binnen de "
        "contacttermijn (3 werkdagen in de pilot) viel.",
        _P,
        "procent",
        "poging_binnen_termijn",
        "termijn_beoordeeld",
    ),
    Indicator(
        "bereikt_binnen_termijn",
        "Bereikt binnen de contacttermijn",
        "Aandeel van de te beoordelen verwijzingen waarin de inwoner binnen de contacttermijn "
        "bereikt is.",
        _P,
        "procent",
        "bereikt_binnen_termijn",
        "termijn_beoordeeld",
    ),
    Indicator(
        "hulp_aangeboden",
        "Hulp aangeboden",
        "Aandeel van de bereikte inwoners aan wie hulp is aangeboden.",
        _P,
        "procent",
        "hulp_aangeboden",
        "bereikt",
    ),
    Indicator(
        "kalenderdagen_tot_aanbod",
        "Tijd tot hulpaanbod",
        "Kalenderdagen van ontvangst tot het hulpaanbod: mediaan, P75 en P90.",
        _V,
        "kalenderdagen",
        noemer="hulp_aangeboden",
        duur="kalenderdagen_tot_aanbod",
    ),
    Indicator(
        "hulp_aanvaard",
        "Hulp aanvaard (acceptatiegraad)",
        "Aandeel van de inwoners met een hulpaanbod dat de hulp aanvaardde.",
        _P,
        "procent",
        "hulp_aanvaard",
        "hulp_aangeboden",
    ),
    Indicator(
        "hulp_afgewezen",
        "Hulp afgewezen",
        "Aandeel van de inwoners met een hulpaanbod dat de hulp afwees.",
        _P,
        "procent",
        "hulp_afgewezen",
        "hulp_aangeboden",
    ),
    Indicator(
        "kalenderdagen_tot_aanvaarding",
        "Tijd tot aanvaarding",
        "Kalenderdagen van ontvangst tot de inwoner de hulp aanvaardde: mediaan, P75 en P90.",
        _V,
        "kalenderdagen",
        noemer="hulp_aanvaard",
        duur="kalenderdagen_tot_aanvaarding",
    ),
    Indicator(
        "eindresultaat",
        "Eindresultaat (DDAS)",
        "Per eindresultaat in DDAS-termen: aandeel van de verwijzingen met een eindresultaat.",
        _U,
        "procent",
        noemer="met_eindresultaat",
        categorie="eindresultaat",
    ),
    Indicator(
        "betaling_hervat",
        "Reguliere betalingen hervat",
        "Aandeel van de verwijzingen met een betaalgedragmelding waarin de laatste melding zegt "
        "dat de inwoner de reguliere lasten weer betaalt.",
        _P,
        "procent",
        "betaling_hervat",
        "betaling_geevalueerd",
    ),
    Indicator(
        "maatregel_voorkomen",
        "Ingrijpende maatregel voorkomen",
        "Aandeel van de verwijzingen met een evaluatie van incassomaatregelen waarin geen "
        "ingrijpende maatregel (afsluiting, ontruiming, beslag, deurwaarder) is genomen.",
        _P,
        "procent",
        "maatregel_voorkomen",
        "maatregelen_geevalueerd",
    ),
)

_PER_CODE = {i.code: i for i in INDICATOREN}


def indicator(code: str) -> Indicator:
    """The indicator with this code (KeyError names the known codes)."""
    try:
        return _PER_CODE[code]
    except KeyError:
        raise KeyError(f"unknown indicator {code!r}; known: {', '.join(_PER_CODE)}") from None


def _controleer() -> None:
    # Import-time sanity: every reference resolves, every kind has the fields it needs.
    for i in INDICATOREN:
        for naam in (i.teller, i.noemer):
            assert naam is None or naam in TELLINGEN, (i.code, naam)
        assert i.duur is None or i.duur in DUREN, i.code
        assert i.categorie is None or i.categorie in CATEGORIEEN, i.code
        if i.soort is Indicatorsoort.AANTAL:
            assert i.teller and not i.noemer, i.code
        elif i.soort is Indicatorsoort.AANDEEL:
            assert i.teller and i.noemer, i.code
        elif i.soort is Indicatorsoort.VERDELING:
            assert i.duur and i.noemer, i.code
        else:
            assert i.categorie and i.noemer, i.code
    assert len(_PER_CODE) == len(INDICATOREN)


_controleer()
