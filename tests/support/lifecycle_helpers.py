"""Test support for the lifecycle: synthetic messages, a creditor-municipality pair that delivers
each other's messages, a record in any state, and an event of any kind for any record.

Everything here is synthetic: parties, names and numbers are made up.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from warm_referral import amsterdamse_datum
from warm_referral.deadlines import Afsprakenprofiel, afsprakenprofielen
from warm_referral.lifecycle import (
    Afsluiting,
    ContactGestaakt,
    Contactpoging,
    DdasEindresultaat,
    Effect,
    HerhaalBericht,
    HulpAangeboden,
    Hulpbesluit,
    NietOppakken,
    Oppakken,
    Rol,
    Soort,
    Toestand,
    Verwijzingsdossier,
    Wijziging,
)
from warm_referral.lifecycle._table import AFZENDER, LOKALE_ACTIES, STATUS_MIJLPAAL
from warm_referral.lifecycle.effects import _Stuur
from warm_referral.models import (
    Achterstand,
    Adres,
    Advies,
    Bericht,
    Betaalgedragmelding,
    Contactpersoon,
    Contactsoort,
    Crisis,
    Crisissoort,
    Dagdeel,
    Doorzending,
    Eindresultaat,
    Fout,
    Foutbericht,
    Geldbedrag,
    Grondslag,
    Hulpvrager,
    Incassostopwijziging,
    Incassostopwijzigingsreden,
    Intrekking,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepakt,
    NietOpgepaktReden,
    Ontvangstbevestiging,
    Partij,
    Periode,
    SoortIncassostopwijziging,
    SoortVerwijzer,
    Statusbericht,
    Statusverzoek,
    Toestemming,
    Toestemmingskanaal,
    Toestemmingsreikwijdte,
    Verwijzing,
    nieuwe_envelop,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

#: The profile the lifecycle's own mechanics are tested under: nvvk-pilot 1.0 reports every
#: milestone (unless a consent leaves out Statusterugmelding), so every transition is visible to
#: the creditor's copy. The current profile's narrower feedback has tests of its own
#: (tests/library/test_terugmeldbeleid.py).
PROFIEL_ALLES: Afsprakenprofiel = afsprakenprofielen().versie("nvvk-pilot", "1.0")

SCHULDEISER = Partij(naam="Waterbedrijf Voorbeeld", kvk_nummer="12345678")
GEMEENTE = Partij(naam="Gemeente Voorbeeld", gemeentecode="0718")
NIEUWE_GEMEENTE = Partij(naam="Gemeente Elders", gemeentecode="0687")

#: A Thursday before Easter 2026: the contact term skips Good Friday, the weekend and Easter Monday.
VERWEZEN_OP = datetime(2026, 4, 2, 8, 0, tzinfo=timezone.utc)
ONTVANGEN_OP = datetime(2026, 4, 2, 9, 0, tzinfo=timezone.utc)

#: Strings that live only in the municipality's record; the creditor must never see them.
GEHEIME_REDEN = "GEHEIM-reden-achter-andere-reden"
GEHEIME_HULP = "GEHEIM-inhoud-van-de-hulp"
GEHEIME_TOELICHTING = "GEHEIM-toelichting-bij-afsluiting"


def verwijzing(
    *,
    verwijzing_id: str = "WB-2026-0001",
    verwezen_op: datetime = VERWEZEN_OP,
    soort: SoortVerwijzer = SoortVerwijzer.WATER,
    grondslag: Grondslag = Grondslag.AFSLUITREGELING,
    statusterugmelding: bool = True,
    crisis: Crisissoort | None = None,
    ontvanger: Partij = GEMEENTE,
) -> Verwijzing:
    """A valid Verwijzing; with ``grondslag=TOESTEMMING`` the consent covers Statusterugmelding
    only when ``statusterugmelding``."""
    verwijsdatum = amsterdamse_datum(verwezen_op)
    toestemming = None
    if grondslag is Grondslag.TOESTEMMING:
        reikwijdte = [
            Toestemmingsreikwijdte.CONTACTGEGEVENS,
            Toestemmingsreikwijdte.BETALINGSACHTERSTAND,
        ]
        if statusterugmelding:
            reikwijdte.append(Toestemmingsreikwijdte.STATUSTERUGMELDING)
        toestemming = Toestemming(
            vastgelegd_op=verwezen_op - timedelta(minutes=5),
            kanaal=Toestemmingskanaal.TELEFOON,
            tekstversie="toestemming-v1",
            reikwijdte=reikwijdte,
        )
    return Verwijzing(
        **nieuwe_envelop(SCHULDEISER, ontvanger, nu=verwezen_op + timedelta(seconds=2)),
        verwijzing_id=verwijzing_id,
        verwezen_op=verwezen_op,
        soort_verwijzer=soort,
        grondslag=grondslag,
        toestemming=toestemming,
        hulpvrager=Hulpvrager(
            geslachtsnaam="Testpersoon",
            adres=Adres(
                straatnaam="Voorbeeldstraat", huisnummer=1, postcode="1234AB", woonplaats="Stad"
            ),
            telefoonnummer="0612345678",
        ),
        achterstand=Achterstand(
            bedrag=Geldbedrag(waarde=Decimal("123.45"), valuta="EUR"),
            ontstaansdatum=verwijsdatum - timedelta(days=60),
            klantnummer="K-1",
        ),
        crisissignaal=crisis is not None,
        crisis=Crisis(soort=crisis) if crisis is not None else None,
        incassostop=Periode(ingangsdatum=verwijsdatum, einddatum=verwijsdatum + timedelta(days=30)),
        contactpersoon=Contactpersoon(naam="Team Incasso", telefoonnummer="0101234567"),
    )


def _envelop(
    dossier: Verwijzingsdossier, van_gemeente: bool, nu: datetime, cross: UUID | None = None
) -> dict[str, Any]:
    afzender, ontvanger = (
        (dossier.gemeente, SCHULDEISER) if van_gemeente else (SCHULDEISER, dossier.gemeente)
    )
    velden = nieuwe_envelop(
        afzender, ontvanger, conversatie_id=dossier.conversatie_id, cross_referentie=cross, nu=nu
    )
    return {**velden, "verwijzing_id": dossier.verwijzing_id}


def middag(d: date) -> datetime:
    """Noon in Amsterdam on ``d``."""
    return datetime(d.year, d.month, d.day, 12, tzinfo=AMSTERDAM)


def intrekking(
    dossier: Verwijzingsdossier, op: date, reden: Intrekkingsreden = Intrekkingsreden.BETAALD
) -> Intrekking:
    return Intrekking(**_envelop(dossier, False, middag(op)), reden=reden)


def statusverzoek(dossier: Verwijzingsdossier, op: date) -> Statusverzoek:
    return Statusverzoek(**_envelop(dossier, False, middag(op)))


def incassostopwijziging(
    dossier: Verwijzingsdossier,
    op: date,
    einddatum: date,
    soort: SoortIncassostopwijziging = SoortIncassostopwijziging.VERLENGEN,
) -> Incassostopwijziging:
    return Incassostopwijziging(
        **_envelop(dossier, False, middag(op)),
        soort=soort,
        einddatum=einddatum,
        reden=Incassostopwijzigingsreden.ADVIES_GEMEENTE,
    )


def betaalgedragmelding(
    dossier: Verwijzingsdossier, op: date, regulier_betaald: bool = True
) -> Betaalgedragmelding:
    return Betaalgedragmelding(
        **_envelop(dossier, False, middag(op)), peildatum=op, regulier_betaald=regulier_betaald
    )


def foutbericht(dossier: Verwijzingsdossier, op: date, van_gemeente: bool) -> Foutbericht:
    return Foutbericht(
        **_envelop(dossier, van_gemeente, middag(op)),
        type="https://example.org/fout",
        title="Bericht geweigerd",
        status=422,
        fouten=[Fout(pointer="", code="test", melding="test")],
    )


def ontvangstbevestiging(
    dossier: Verwijzingsdossier, ontvangen_op: datetime, contactdeadline: datetime
) -> Ontvangstbevestiging:
    from warm_referral.models import Afsprakenprofielverwijzing

    return Ontvangstbevestiging(
        **_envelop(dossier, True, ontvangen_op, cross=dossier.verwijzing_bericht_id),
        ontvangen_op=ontvangen_op,
        contactdeadline=contactdeadline,
        incassostop=Periode(ingangsdatum=dossier.incassostop[0], einddatum=dossier.incassostop[1]),
        afsprakenprofiel=Afsprakenprofielverwijzing(naam="nvvk-pilot", versie="1.0"),
    )


def niet_opgepakt(
    dossier: Verwijzingsdossier, op: date, reden: NietOpgepaktReden = NietOpgepaktReden.ANDERE_REDEN
) -> NietOpgepakt:
    return NietOpgepakt(**_envelop(dossier, True, middag(op)), reden=reden, datum=op)


def doorzending(
    dossier: Verwijzingsdossier, op: date, naar: Partij = NIEUWE_GEMEENTE
) -> Doorzending:
    return Doorzending(**_envelop(dossier, True, middag(op)), nieuwe_gemeente=naar, datum=op)


def statusbericht(
    dossier: Verwijzingsdossier,
    mijlpaal: Mijlpaal,
    op: date,
    eindresultaat: Eindresultaat | None = None,
) -> Statusbericht:
    if mijlpaal is Mijlpaal.AFGESLOTEN and eindresultaat is None:
        eindresultaat = Eindresultaat.OVERIG
    return Statusbericht(
        **_envelop(dossier, True, middag(op)),
        mijlpaal=mijlpaal,
        datum=op,
        eindresultaat=eindresultaat,
    )


# --- a creditor and a municipality talking -----------------------------------------------------------


@dataclass
class Paar:
    """A municipality's record and the creditor's copy of one referral.

    Messages from the creditor reach the municipality at once; messages from the municipality wait
    in ``onderweg`` until :meth:`bezorg` (so tests can let messages cross). Every message the
    municipality's record asks for is built from its effect, fed back to that record (as sent) and
    queued for the creditor.
    """

    gemeente: Verwijzingsdossier
    schuldeiser: Verwijzingsdossier
    nu: datetime
    onderweg: deque[Bericht] = field(default_factory=deque)
    verstuurd: dict[UUID, Bericht] = field(default_factory=dict)
    effecten: list[Effect] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        v: Verwijzing | None = None,
        ontvangen_op: datetime = ONTVANGEN_OP,
        *,
        bevestig: bool = True,
        profiel: Afsprakenprofiel | str | None = PROFIEL_ALLES,
    ) -> Paar:
        v = v if v is not None else verwijzing()
        schuldeiser, _ = Verwijzingsdossier.voor_schuldeiser(v, profiel)
        gemeente, wijziging = Verwijzingsdossier.voor_gemeente(v, ontvangen_op, profiel)
        paar = cls(gemeente, schuldeiser, ontvangen_op)
        if bevestig:
            paar.verwerk(wijziging)
            paar.bezorg()
        return paar

    @property
    def vandaag(self) -> date:
        return amsterdamse_datum(self.nu)

    def verwerk(self, wijziging: Wijziging) -> Wijziging:
        """Carry out a municipality's Wijziging: build, feed back and queue each message."""
        for effect in wijziging.effecten:
            self.effecten.append(effect)
            if isinstance(effect, _Stuur):
                bericht = effect.als_bericht(
                    afzender=self.gemeente.gemeente,
                    ontvanger=SCHULDEISER,
                    conversatie_id=self.gemeente.conversatie_id,
                    nu=max(self.nu, middag(self.vandaag)),
                )
                self.gemeente_stuurt(bericht)
            elif isinstance(effect, HerhaalBericht):
                self.onderweg.append(self.verstuurd[effect.bericht_id])
        return wijziging

    def gemeente_stuurt(self, bericht: Bericht) -> Wijziging:
        wijziging = self.gemeente.verstuur(bericht)
        self.verstuurd[bericht.bericht_id] = bericht
        self.onderweg.append(bericht)
        return wijziging

    def gemeente_doet(self, actie: Any) -> Wijziging:
        return self.verwerk(self.gemeente.registreer(actie))

    def schuldeiser_stuurt(self, bericht: Bericht) -> Wijziging:
        self.schuldeiser.verstuur(bericht)
        return self.verwerk(self.gemeente.ontvang(bericht))

    def bezorg(self, aantal: int | None = None) -> list[Wijziging]:
        """Deliver waiting messages to the creditor, oldest first."""
        wijzigingen: list[Wijziging] = []
        while self.onderweg and (aantal is None or len(wijzigingen) < aantal):
            wijzigingen.append(self.schuldeiser.ontvang(self.onderweg.popleft()))
        return wijzigingen

    def tik(self, nu: datetime) -> tuple[Wijziging, Wijziging]:
        self.nu = nu
        return self.gemeente.tik(nu), self.schuldeiser.tik(nu)


# --- a record in any state ---------------------------------------------------------------------------

DAG = timedelta(days=1)
D0 = amsterdamse_datum(ONTVANGEN_OP)


def pad_naar(toestand: Toestand) -> list[Any]:
    """Local actions (and markers for messages) that bring a fresh, acknowledged pair to
    ``toestand``; "niet opgepakt", "doorzending" and "intrekking" stand for those messages."""
    poging = Contactpoging(D0 + DAG, Contactsoort.TELEFOON, Dagdeel.OCHTEND, False)
    bereikt = Contactpoging(D0 + DAG, Contactsoort.TELEFOON, Dagdeel.MIDDAG, True)
    aanbod = HulpAangeboden(D0 + 2 * DAG, omschrijving=GEHEIME_HULP)
    paden: dict[Toestand, list[Any]] = {
        Toestand.VERZONDEN: [],
        Toestand.ONTVANGEN: [],
        Toestand.NIET_OPGEPAKT: [NietOppakken(D0, NietOpgepaktReden.ANDERE_REDEN, GEHEIME_REDEN)],
        Toestand.DOORGEZONDEN: ["doorzending"],
        Toestand.OPGEPAKT: [Oppakken(D0)],
        Toestand.CONTACTPOGINGEN: [Oppakken(D0), poging],
        Toestand.NIET_BEREIKT: [Oppakken(D0), poging, ContactGestaakt(D0 + 2 * DAG)],
        Toestand.BEREIKT: [Oppakken(D0), poging, bereikt],
        Toestand.HULP_AANGEBODEN: [Oppakken(D0), poging, bereikt, aanbod],
        Toestand.HULP_AANVAARD: [Oppakken(D0), bereikt, aanbod, Hulpbesluit(D0 + 2 * DAG, True)],
        Toestand.HULP_AFGEWEZEN: [Oppakken(D0), bereikt, aanbod, Hulpbesluit(D0 + 2 * DAG, False)],
        Toestand.AL_BEKEND: [Oppakken(D0), Afsluiting(D0, DdasEindresultaat.AL_BEKEND)],
        Toestand.AFGESLOTEN: [
            Oppakken(D0),
            poging,
            bereikt,
            aanbod,
            Afsluiting(D0 + 3 * DAG, DdasEindresultaat.VERVOLGHULP_FINANCIEEL, GEHEIME_TOELICHTING),
        ],
        Toestand.INGETROKKEN: [Oppakken(D0), "intrekking"],
    }
    return paden[toestand]


def paar_in(toestand: Toestand, v: Verwijzing | None = None) -> Paar:
    """A pair whose municipality's record is in ``toestand``, every message delivered."""
    paar = Paar.start(v, bevestig=toestand is not Toestand.VERZONDEN)
    for stap in pad_naar(toestand):
        if stap == "doorzending":
            paar.gemeente_stuurt(doorzending(paar.gemeente, D0))
        elif stap == "intrekking":
            paar.schuldeiser_stuurt(intrekking(paar.schuldeiser, D0 + DAG))
        else:
            paar.gemeente_doet(stap)
    paar.bezorg()
    assert paar.gemeente.toestand is toestand, (paar.gemeente.toestand, toestand)
    return paar


#: The states a creditor's copy can reach (it never learns the municipality-only ones).
SCHULDEISER_TOESTANDEN = frozenset(Toestand) - {
    Toestand.CONTACTPOGINGEN,
    Toestand.NIET_BEREIKT,
    Toestand.AL_BEKEND,
}


# --- an event of any kind ----------------------------------------------------------------------------


def datums_rond(d: date) -> st.SearchStrategy[date]:
    """Mostly on or after ``d``, sometimes before it (to hit the date guards)."""
    return st.integers(-2, 4).map(lambda n: d + timedelta(days=n))


@st.composite
def gebeurtenis(draw: st.DrawFn, soort: Soort, dossier: Verwijzingsdossier) -> Any:
    """A well-formed event of kind ``soort`` about ``dossier`` (allowed or not)."""
    d = draw(datums_rond(dossier.laatste_datum))
    if soort in STATUS_MIJLPAAL:
        mijlpaal = STATUS_MIJLPAAL[soort]
        resultaat = (
            draw(st.sampled_from(Eindresultaat)) if mijlpaal is Mijlpaal.AFGESLOTEN else None
        )
        return statusbericht(dossier, mijlpaal, d, resultaat)
    advies = draw(st.none() | st.sampled_from(Advies))
    maak: dict[Soort, Any] = {
        Soort.VERWIJZING: lambda: verwijzing(verwijzing_id=dossier.verwijzing_id),
        Soort.STATUSVERZOEK: lambda: statusverzoek(dossier, d),
        Soort.INTREKKING: lambda: intrekking(dossier, d, draw(st.sampled_from(Intrekkingsreden))),
        Soort.INCASSOSTOPWIJZIGING: lambda: incassostopwijziging(
            dossier,
            d,
            dossier.incassostop[1] + timedelta(days=draw(st.integers(-40, 40))),
            draw(st.sampled_from(SoortIncassostopwijziging)),
        ),
        Soort.BETAALGEDRAGMELDING: lambda: betaalgedragmelding(dossier, d, draw(st.booleans())),
        Soort.ONTVANGSTBEVESTIGING: lambda: _bevestiging(dossier, d),
        Soort.NIET_OPGEPAKT: lambda: niet_opgepakt(
            dossier, d, draw(st.sampled_from(NietOpgepaktReden))
        ),
        Soort.DOORZENDING: lambda: doorzending(dossier, d),
        Soort.FOUTBERICHT: lambda: foutbericht(dossier, d, draw(st.booleans())),
        Soort.OPPAKKEN: lambda: Oppakken(d, advies),
        Soort.NIET_OPPAKKEN: lambda: NietOppakken(
            d, draw(st.sampled_from(NietOpgepaktReden)), GEHEIME_REDEN
        ),
        Soort.CONTACTPOGING_BEREIKT: lambda: Contactpoging(
            d, draw(st.sampled_from(Contactsoort)), draw(st.sampled_from(Dagdeel)), True
        ),
        Soort.CONTACTPOGING_NIET_BEREIKT: lambda: Contactpoging(
            d, draw(st.sampled_from(Contactsoort)), draw(st.sampled_from(Dagdeel)), False
        ),
        Soort.CONTACT_GESTAAKT: lambda: ContactGestaakt(d),
        Soort.HULP_AANBIEDEN: lambda: HulpAangeboden(d, GEHEIME_HULP, advies),
        Soort.HULP_AANVAARD: lambda: Hulpbesluit(d, True, advies),
        Soort.HULP_AFGEWEZEN: lambda: Hulpbesluit(d, False, advies),
        Soort.AFSLUITEN: lambda: Afsluiting(
            d,
            draw(
                st.sampled_from(
                    [r for r in DdasEindresultaat if r is not DdasEindresultaat.AL_BEKEND]
                )
            ),
            GEHEIME_TOELICHTING,
            advies,
        ),
        Soort.AFSLUITEN_AL_BEKEND: lambda: Afsluiting(d, DdasEindresultaat.AL_BEKEND),
    }
    return maak[soort]()


def _bevestiging(dossier: Verwijzingsdossier, d: date) -> Ontvangstbevestiging:
    deadline = dossier.contactdeadline or middag(d + timedelta(days=5))
    return ontvangstbevestiging(dossier, min(middag(d), deadline - DAG), deadline)


def pas_toe(dossier: Verwijzingsdossier, soort: Soort, g: Any) -> Wijziging:
    """Feed ``g`` the way its sender would reach ``dossier``: a local action, a message we send,
    or one the peer sent."""
    if soort in LOKALE_ACTIES:
        return dossier.registreer(g)
    afzender = AFZENDER[soort]
    if soort is Soort.FOUTBERICHT:
        afzender = Rol.GEMEENTE if g.afzender == dossier.gemeente else Rol.SCHULDEISER
    if afzender is dossier.rol:
        return dossier.verstuur(g)
    return dossier.ontvang(g)


def van_peer(dossier: Verwijzingsdossier, soort: Soort, g: Any) -> bool:
    """Did ``g`` come from the peer, as :func:`pas_toe` feeds it?"""
    if soort in LOKALE_ACTIES:
        return False
    afzender = AFZENDER[soort]
    if soort is Soort.FOUTBERICHT:
        afzender = Rol.GEMEENTE if g.afzender == dossier.gemeente else Rol.SCHULDEISER
    return afzender is not dossier.rol


def nieuw_id() -> UUID:
    return uuid4()
