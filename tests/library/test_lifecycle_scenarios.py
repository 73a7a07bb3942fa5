"""Scripted scenarios: a creditor and a municipality walk a referral from start to end."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from lifecycle_helpers import (
    D0,
    DAG,
    NIEUWE_GEMEENTE,
    ONTVANGEN_OP,
    PROFIEL_ALLES,
    Paar,
    betaalgedragmelding,
    doorzending,
    incassostopwijziging,
    intrekking,
    middag,
    ontvangstbevestiging,
    paar_in,
    verwijzing,
)
from spec_support import EXAMPLES

from warm_referral import parse_json
from warm_referral.lifecycle import (
    Afsluiting,
    ContactGestaakt,
    Contactpoging,
    ContactTeLaat,
    DdasEindresultaat,
    DdasSignaalstatus,
    HulpAangeboden,
    Hulpbesluit,
    IncassostopVoorbij,
    LocalInvalidTransition,
    NietOppakken,
    Oppakken,
    Schuldeiserstatus,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Toestand,
    Verwijzingsdossier,
    ddas_eindresultaat,
    ddas_signaalstatus,
    schuldeiserbeeld,
)
from warm_referral.models import (
    Advies,
    Contactsoort,
    Crisissoort,
    Dagdeel,
    Eindresultaat,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    SoortVerwijzer,
    Verwijzing,
)


def _gelijk(paar: Paar) -> None:
    assert not paar.onderweg
    assert schuldeiserbeeld(paar.gemeente) == schuldeiserbeeld(paar.schuldeiser)


def test_happy_path() -> None:
    paar = Paar.start()
    assert paar.schuldeiser.toestand is Toestand.ONTVANGEN
    assert paar.schuldeiser.contactdeadline == paar.gemeente.contactdeadline
    assert paar.gemeente.contactdeadline == datetime(2026, 4, 9, 21, 59, 59, tzinfo=timezone.utc)
    stappen = [
        (Oppakken(D0), Toestand.OPGEPAKT, [Mijlpaal.OPGEPAKT]),
        (
            Contactpoging(D0 + DAG, Contactsoort.TELEFOON, Dagdeel.OCHTEND, True),
            Toestand.BEREIKT,
            [Mijlpaal.BEREIKT],
        ),
        (HulpAangeboden(D0 + 5 * DAG, "budgetcoaching"), Toestand.HULP_AANGEBODEN, None),
        (Hulpbesluit(D0 + 6 * DAG, True), Toestand.HULP_AANVAARD, None),
        (
            Afsluiting(
                D0 + 20 * DAG, DdasEindresultaat.VERVOLGHULP_FINANCIEEL, None, Advies.VERLENGEN
            ),
            Toestand.AFGESLOTEN,
            [Mijlpaal.AFGESLOTEN],
        ),
    ]
    for actie, toestand, mijlpalen in stappen:
        wijziging = paar.gemeente_doet(actie)
        assert wijziging.naar is toestand
        gemeld = [e.mijlpaal for e in wijziging.effecten if isinstance(e, StuurStatusbericht)]
        assert gemeld == (mijlpalen or [toestand_mijlpaal(toestand)])
        paar.bezorg()
        assert paar.schuldeiser.toestand is toestand
        _gelijk(paar)
    beeld = schuldeiserbeeld(paar.schuldeiser)
    assert beeld.eindresultaat is Eindresultaat.ONDERSTEUNING_GESTART
    assert beeld.advies_incassostop is Advies.VERLENGEN
    assert paar.gemeente.contact_te_laat is False
    # The creditor follows the advice; the closed referral still takes it.
    paar.schuldeiser_stuurt(incassostopwijziging(paar.schuldeiser, D0 + 21 * DAG, D0 + 90 * DAG))
    assert paar.gemeente.incassostop == paar.schuldeiser.incassostop == (D0, D0 + 90 * DAG)
    assert ddas_signaalstatus(paar.gemeente) is DdasSignaalstatus.OPGEPAKT
    assert ddas_eindresultaat(paar.gemeente) is DdasEindresultaat.VERVOLGHULP_FINANCIEEL


def toestand_mijlpaal(toestand: Toestand) -> Mijlpaal:
    return Mijlpaal(toestand.value)


def test_crisis() -> None:
    v = verwijzing(
        soort=SoortVerwijzer.HUUR,
        grondslag=Grondslag.BESLUIT_SCHULDHULPVERLENING,
        crisis=Crisissoort.HUISUITZETTING,
    )
    paar = Paar.start(v)
    assert paar.gemeente.crisis and paar.schuldeiser.crisis
    # Contact on the same day: the first attempt takes it up and reaches the person.
    wijziging = paar.gemeente_doet(Contactpoging(D0, Contactsoort.HUISBEZOEK, Dagdeel.MIDDAG, True))
    gemeld = [e.mijlpaal for e in wijziging.effecten if isinstance(e, StuurStatusbericht)]
    assert gemeld == [Mijlpaal.OPGEPAKT, Mijlpaal.BEREIKT]
    paar.bezorg()
    _gelijk(paar)
    assert paar.schuldeiser.mijlpalen == {Mijlpaal.OPGEPAKT: D0, Mijlpaal.BEREIKT: D0}
    assert paar.gemeente.contact_te_laat is False


def test_repeat_signal() -> None:
    eerste = Paar.start()
    eerste.gemeente_doet(Oppakken(D0))
    # The creditor refers the same person again a week later: a new referral.
    v = verwijzing(
        verwijzing_id="WB-2026-0002", verwezen_op=datetime(2026, 4, 9, 8, tzinfo=timezone.utc)
    )
    tweede = Paar.start(v, ontvangen_op=datetime(2026, 4, 9, 9, tzinfo=timezone.utc))
    tweede.gemeente_doet(NietOppakken(D0 + 7 * DAG, NietOpgepaktReden.HERHAALDE_MELDING))
    tweede.bezorg()
    _gelijk(tweede)
    assert tweede.schuldeiser.toestand is Toestand.NIET_OPGEPAKT
    assert ddas_signaalstatus(tweede.gemeente) is DdasSignaalstatus.NIET_OPGEPAKT_HERHAALDE_MELDING
    assert ddas_eindresultaat(tweede.gemeente) is DdasEindresultaat.NIET_OPGEPAKT_HERHAALDE_MELDING
    # The Verwijzing arriving twice (a retry) changes nothing.
    assert tweede.gemeente.ontvang(v).dubbel
    assert eerste.gemeente.toestand is Toestand.OPGEPAKT


def test_wrong_municipality_then_forward() -> None:
    paar = Paar.start()
    oud = paar.gemeente
    paar.gemeente_stuurt(doorzending(oud, D0 + DAG, NIEUWE_GEMEENTE))
    paar.bezorg()
    assert paar.schuldeiser.toestand is Toestand.DOORGEZONDEN
    assert paar.schuldeiser.contactdeadline is None  # the old term no longer binds
    assert schuldeiserbeeld(paar.schuldeiser).nieuwe_gemeente == NIEUWE_GEMEENTE
    _gelijk(paar)
    assert ddas_signaalstatus(oud) is DdasSignaalstatus.GEEN_INWONER
    with pytest.raises(LocalInvalidTransition):
        oud.registreer(Oppakken(D0 + DAG))
    # The old municipality has nothing left to acknowledge.
    with pytest.raises(LocalInvalidTransition, match="only the new municipality"):
        oud.verstuur(ontvangstbevestiging(oud, middag(D0 + DAG), middag(D0 + 5 * DAG)))
    # The new municipality gets the referral and answers the creditor with its own deadline.
    v = Verwijzing.model_validate(
        parse_json(_verwijzing_van(paar)).model_dump() | {"ontvanger": NIEUWE_GEMEENTE}
    )
    ontvangen = datetime(2026, 4, 7, 9, tzinfo=timezone.utc)
    nieuw, wijziging = Verwijzingsdossier.voor_gemeente(v, ontvangen, PROFIEL_ALLES)
    bevestiging = wijziging.effecten[0]
    assert isinstance(bevestiging, StuurOntvangstbevestiging)
    bericht = bevestiging.als_bericht(
        afzender=NIEUWE_GEMEENTE,
        ontvanger=paar.schuldeiser.schuldeiser,
        conversatie_id=nieuw.conversatie_id,
        nu=ontvangen,
    )
    nieuw.verstuur(bericht)
    assert paar.schuldeiser.ontvang(bericht).naar is Toestand.ONTVANGEN
    assert paar.schuldeiser.contactdeadline == nieuw.contactdeadline
    assert schuldeiserbeeld(paar.schuldeiser) == schuldeiserbeeld(nieuw)
    assert paar.schuldeiser.doorgezonden_naar == NIEUWE_GEMEENTE != paar.schuldeiser.gemeente


def _verwijzing_van(paar: Paar) -> bytes:
    # The old municipality passes on the creditor's Verwijzing unchanged (same berichtId).
    v = verwijzing()
    return v.model_copy(
        update={
            "bericht_id": paar.schuldeiser.verwijzing_bericht_id,
            "conversatie_id": paar.schuldeiser.conversatie_id,
        }
    ).to_json()


def test_not_reached() -> None:
    paar = Paar.start()
    for dag, soort, dagdeel in [
        (1, Contactsoort.TELEFOON, Dagdeel.OCHTEND),
        (1, Contactsoort.TELEFOON, Dagdeel.AVOND),
        (5, Contactsoort.HUISBEZOEK, Dagdeel.MIDDAG),
        (6, Contactsoort.BRIEF, Dagdeel.OCHTEND),
    ]:
        paar.gemeente_doet(Contactpoging(D0 + dag * DAG, soort, dagdeel, False))
    paar.gemeente_doet(ContactGestaakt(D0 + 20 * DAG))
    paar.bezorg()
    assert paar.gemeente.toestand is Toestand.NIET_BEREIKT
    assert paar.schuldeiser.toestand is Toestand.OPGEPAKT  # attempts stay with the municipality
    _gelijk(paar)
    with pytest.raises(LocalInvalidTransition, match="does not fit"):
        paar.gemeente.registreer(Afsluiting(D0 + 21 * DAG, DdasEindresultaat.REGELT_HET_ZELF))
    paar.gemeente_doet(Afsluiting(D0 + 21 * DAG, DdasEindresultaat.DEFINITIEF_GEEN_CONTACT))
    paar.bezorg()
    _gelijk(paar)
    assert schuldeiserbeeld(paar.schuldeiser).eindresultaat is Eindresultaat.GEEN_CONTACT
    assert len(paar.gemeente.contactpogingen) == 4 and not paar.schuldeiser.contactpogingen


def test_declined() -> None:
    paar = paar_in(Toestand.HULP_AANGEBODEN)
    paar.gemeente_doet(Hulpbesluit(D0 + 4 * DAG, False))
    paar.bezorg()
    assert paar.schuldeiser.toestand is Toestand.HULP_AFGEWEZEN
    with pytest.raises(LocalInvalidTransition):
        paar.gemeente.registreer(Hulpbesluit(D0 + 4 * DAG, True))  # the decision stands
    paar.gemeente_doet(Afsluiting(D0 + 5 * DAG, DdasEindresultaat.REGELT_HET_ZELF))
    paar.bezorg()
    _gelijk(paar)
    assert schuldeiserbeeld(paar.schuldeiser).eindresultaat is Eindresultaat.REGELT_HET_ZELF


def test_withdrawn() -> None:
    paar = Paar.start()
    paar.gemeente_doet(Oppakken(D0))
    paar.bezorg()
    paar.gemeente_doet(Contactpoging(D0 + DAG, Contactsoort.TELEFOON, Dagdeel.OCHTEND, True))
    # The customer paid; the creditor withdraws while the "Bereikt" report is still on its way.
    paar.schuldeiser_stuurt(intrekking(paar.schuldeiser, D0 + DAG, Intrekkingsreden.BETAALD))
    assert paar.gemeente.toestand is paar.schuldeiser.toestand is Toestand.INGETROKKEN
    (laat,) = paar.bezorg()
    assert laat.genegeerd
    _gelijk(paar)
    with pytest.raises(LocalInvalidTransition):
        paar.gemeente.registreer(Afsluiting(D0 + 2 * DAG, DdasEindresultaat.ZELF_BETAALD))
    assert ddas_signaalstatus(paar.gemeente) is DdasSignaalstatus.OPGEPAKT
    assert ddas_eindresultaat(paar.gemeente) is DdasEindresultaat.ZELF_BETAALD
    # A withdrawal before anything happened is "not taken up" for DDAS.
    vroeg = Paar.start()
    vroeg.schuldeiser_stuurt(
        intrekking(vroeg.schuldeiser, D0, Intrekkingsreden.TEN_ONRECHTE_VERZONDEN)
    )
    assert ddas_signaalstatus(vroeg.gemeente) is DdasSignaalstatus.NIET_OPGEPAKT_ANDERE_REDEN
    assert ddas_eindresultaat(vroeg.gemeente) is DdasEindresultaat.NIET_OPGEPAKT_ONTERECHT_SIGNAAL


def test_incassostop_expiry_and_an_overdue_contact() -> None:
    paar = Paar.start()
    deadline = paar.gemeente.contactdeadline
    assert deadline is not None
    effecten: list[object] = []
    moment = ONTVANGEN_OP
    while moment < paar.gemeente.incassostop_voorbij_om + timedelta(days=3):
        moment += timedelta(hours=6)
        gemeente, schuldeiser = paar.tik(moment)
        effecten += [("gemeente", e) for e in gemeente.effecten]
        effecten += [("schuldeiser", e) for e in schuldeiser.effecten]
    einde = paar.gemeente.incassostop[1]
    assert effecten == [
        ("gemeente", ContactTeLaat(deadline)),
        ("gemeente", IncassostopVoorbij(einde)),
        ("schuldeiser", IncassostopVoorbij(einde)),
    ]
    assert einde == date(2026, 5, 2)
    assert paar.gemeente.contact_te_laat is True
    # A late first attempt is still recorded, and still late.
    paar.gemeente_doet(Contactpoging(einde, Contactsoort.BRIEF, Dagdeel.OCHTEND, False))
    assert paar.gemeente.contact_te_laat is True


def test_payment_resumption_reported() -> None:
    paar = paar_in(Toestand.AFGESLOTEN)
    melding = betaalgedragmelding(paar.schuldeiser, D0 + 60 * DAG, regulier_betaald=True)
    wijziging = paar.schuldeiser_stuurt(melding)
    assert not wijziging.veranderd and not wijziging.genegeerd
    assert paar.gemeente.betaalgedrag == paar.schuldeiser.betaalgedrag
    assert paar.gemeente.betaalgedrag[0][:2] == (D0 + 60 * DAG, True)
    assert paar.gemeente.ontvang(melding).dubbel
    assert len(paar.gemeente.betaalgedrag) == 1
    assert schuldeiserbeeld(paar.schuldeiser).status is Schuldeiserstatus.AFGESLOTEN


def test_a_spec_example_verwijzing_runs_through_both_records() -> None:
    v = parse_json((EXAMPLES / "verwijzing-water-afsluitregeling.json").read_bytes())
    assert isinstance(v, Verwijzing)
    ontvangen = v.aangemaakt_op + timedelta(minutes=3)
    paar = Paar.start(v, ontvangen)
    paar.gemeente_doet(Oppakken(ontvangen.date()))
    paar.bezorg()
    _gelijk(paar)
    assert paar.schuldeiser.toestand is Toestand.OPGEPAKT
