"""The record: every (state x event) pair gives a valid state or the typed error, and a refusal
changes nothing; duplicates, ordering, roles, the clock and the consent scope."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lifecycle_helpers import (
    D0,
    DAG,
    GEMEENTE,
    ONTVANGEN_OP,
    SCHULDEISER_TOESTANDEN,
    Paar,
    betaalgedragmelding,
    gebeurtenis,
    incassostopwijziging,
    intrekking,
    middag,
    niet_opgepakt,
    paar_in,
    pas_toe,
    statusbericht,
    statusverzoek,
    van_peer,
    verwijzing,
)

from warm_referral.errors import LocalProtocolError, RemoteProtocolError
from warm_referral.lifecycle import (
    Afsluiting,
    Contactpoging,
    ContactTeLaat,
    DdasEindresultaat,
    HerhaalBericht,
    IncassostopVoorbij,
    InvalidEvent,
    InvalidTransition,
    LocalInvalidTransition,
    NietOppakken,
    Oppakken,
    Plan,
    RemoteInvalidTransition,
    Rol,
    Schuldeiserstatus,
    Soort,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Tijdfeit,
    Toestand,
    Verwijzingsdossier,
    WrongReferral,
    schuldeiserbeeld,
)
from warm_referral.lifecycle._table import TABEL
from warm_referral.models import (
    Contactsoort,
    Dagdeel,
    Grondslag,
    Intrekking,
    Mijlpaal,
    NietOpgepaktReden,
    SoortIncassostopwijziging,
    SoortVerwijzer,
)


@cache
def _paar(toestand: Toestand) -> Paar:
    return paar_in(toestand)


def _dossier(rol: Rol, toestand: Toestand) -> Verwijzingsdossier:
    paar = _paar(toestand)
    bron = paar.gemeente if rol is Rol.GEMEENTE else paar.schuldeiser
    return copy.deepcopy(bron)


def _momentopname(dossier: Verwijzingsdossier) -> dict[str, Any]:
    return copy.deepcopy(
        {k: v for k, v in vars(dossier).items() if k not in ("schuldeiser", "gemeente")}
    )


_PAREN = [(Rol.GEMEENTE, t) for t in Toestand] + [
    (Rol.SCHULDEISER, t) for t in Toestand if t in SCHULDEISER_TOESTANDEN
]


@pytest.mark.parametrize(("rol", "toestand"), _PAREN, ids=lambda x: x.name)
@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(soort=st.sampled_from(Soort), data=st.data())
def test_every_state_and_event_gives_a_valid_state_or_the_typed_error(
    rol: Rol, toestand: Toestand, soort: Soort, data: st.DataObject
) -> None:
    dossier = _dossier(rol, toestand)
    if rol is Rol.SCHULDEISER:
        assert dossier.toestand in SCHULDEISER_TOESTANDEN
    toestand = dossier.toestand
    if soort in (Soort.CONTACTDEADLINE_VERSTREKEN, Soort.INCASSOSTOP_AFGELOPEN):
        nu = data.draw(st.datetimes(timezones=st.just(timezone.utc)).filter(lambda d: d.year > 1))
        wijziging = dossier.tik(nu)
        assert wijziging.naar is toestand  # the clock never changes the state
        return
    g = data.draw(gebeurtenis(soort, dossier))
    voor = _momentopname(dossier)
    try:
        wijziging = pas_toe(dossier, soort, g)
    except InvalidTransition as fout:
        peer = van_peer(dossier, soort, g)
        assert isinstance(fout, RemoteInvalidTransition if peer else LocalInvalidTransition)
        assert isinstance(fout, RemoteProtocolError if peer else LocalProtocolError)
        assert fout.toestand is toestand and fout.soort is soort
        assert _momentopname(dossier) == voor, "a refusal must change nothing"
        return
    assert isinstance(wijziging.naar, Toestand)
    assert wijziging.van is toestand and dossier.toestand is wijziging.naar
    regel = TABEL[toestand].get(soort)
    assert regel is not None, f"{soort} in {toestand} was applied without a rule"
    assert wijziging.naar is (regel.doel or toestand)
    assert wijziging.genegeerd == (regel.doel is None)
    if wijziging.genegeerd:
        assert not wijziging.effecten
    assert dossier.laatste_datum >= voor["laatste_datum"]


# --- duplicates and ordering -------------------------------------------------------------------------


def test_the_same_bericht_id_again_is_a_no_op() -> None:
    paar = Paar.start()
    verzoek = statusverzoek(paar.schuldeiser, D0)
    eerste = paar.gemeente.ontvang(verzoek)
    assert eerste.effecten and not eerste.dubbel
    tweede = paar.gemeente.ontvang(verzoek)
    assert tweede.dubbel and not tweede.effecten and not tweede.veranderd


def test_the_verwijzing_delivered_again_is_a_no_op() -> None:
    v = verwijzing()
    gemeente, _ = Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP)
    assert gemeente.ontvang(v).dubbel


def test_a_bericht_id_reused_for_another_type_is_refused() -> None:
    paar = Paar.start()
    verzoek = statusverzoek(paar.schuldeiser, D0)
    paar.gemeente.ontvang(verzoek)
    andere = intrekking(paar.schuldeiser, D0).model_copy(update={"bericht_id": verzoek.bericht_id})
    with pytest.raises(RemoteInvalidTransition, match="already used"):
        paar.gemeente.ontvang(andere)
    assert paar.gemeente.toestand is Toestand.ONTVANGEN


def test_a_second_verwijzing_in_a_record_is_refused() -> None:
    paar = Paar.start()
    with pytest.raises(RemoteInvalidTransition) as info:
        paar.gemeente.ontvang(verwijzing(verwijzing_id=paar.gemeente.verwijzing_id))
    assert info.value.soort is Soort.VERWIJZING


def test_milestone_dates_never_go_backwards() -> None:
    paar = Paar.start()
    paar.gemeente_doet(Oppakken(D0 + 2 * DAG))
    with pytest.raises(LocalInvalidTransition, match="never go backwards"):
        paar.gemeente.registreer(Contactpoging(D0 + DAG, Contactsoort.BRIEF, Dagdeel.OCHTEND, True))
    paar.bezorg()
    with pytest.raises(RemoteInvalidTransition, match="never go backwards"):
        paar.schuldeiser.ontvang(statusbericht(paar.schuldeiser, Mijlpaal.BEREIKT, D0 + DAG))


def test_an_older_milestone_arriving_late_is_absorbed() -> None:
    paar = Paar.start()
    paar.gemeente_doet(Oppakken(D0))
    paar.gemeente_doet(Contactpoging(D0 + DAG, Contactsoort.TELEFOON, Dagdeel.AVOND, True))
    opgepakt, bereikt = paar.onderweg
    assert paar.schuldeiser.ontvang(bereikt).naar is Toestand.BEREIKT
    laat = paar.schuldeiser.ontvang(opgepakt)
    assert laat.genegeerd and paar.schuldeiser.toestand is Toestand.BEREIKT


def test_a_message_about_another_referral_is_refused() -> None:
    paar = Paar.start()
    ander = intrekking(paar.schuldeiser, D0).model_copy(update={"verwijzing_id": "ANDER-1"})
    with pytest.raises(WrongReferral):
        paar.gemeente.ontvang(ander)


# --- roles --------------------------------------------------------------------------------------------


def test_only_the_municipality_takes_local_actions() -> None:
    paar = Paar.start()
    with pytest.raises(LocalInvalidTransition, match="only the municipality"):
        paar.schuldeiser.registreer(Oppakken(D0))


def test_a_message_in_the_wrong_direction_blames_the_right_side() -> None:
    paar = Paar.start()
    with pytest.raises(RemoteInvalidTransition, match="only the schuldeiser sends"):
        paar.schuldeiser.ontvang(intrekking(paar.schuldeiser, D0))
    with pytest.raises(LocalInvalidTransition, match="only the gemeente sends"):
        paar.schuldeiser.verstuur(niet_opgepakt(paar.schuldeiser, D0))
    with pytest.raises(RemoteInvalidTransition, match="only the gemeente sends"):
        paar.gemeente.ontvang(niet_opgepakt(paar.gemeente, D0))


def test_local_actions_need_an_acknowledgement_first() -> None:
    v = verwijzing()
    gemeente, _ = Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP)
    with pytest.raises(LocalInvalidTransition) as info:
        gemeente.registreer(Oppakken(D0))
    assert Soort.ONTVANGSTBEVESTIGING in info.value.toegestaan
    # Declining is possible without acknowledging.
    gemeente.registreer(NietOppakken(D0, NietOpgepaktReden.ONTERECHT_SIGNAAL))
    assert gemeente.toestand is Toestand.NIET_OPGEPAKT


def test_a_closing_result_must_fit_the_state() -> None:
    paar = paar_in(Toestand.CONTACTPOGINGEN)
    with pytest.raises(LocalInvalidTransition, match="does not fit"):
        paar.gemeente.registreer(Afsluiting(D0 + 2 * DAG, DdasEindresultaat.VERVOLGHULP))
    with pytest.raises(LocalInvalidTransition, match="does not fit"):
        paar.gemeente.registreer(
            Afsluiting(D0 + 2 * DAG, DdasEindresultaat.NIET_OPGEPAKT_ANDERE_REDEN)
        )
    paar.gemeente_doet(Afsluiting(D0 + 2 * DAG, DdasEindresultaat.DEFINITIEF_GEEN_CONTACT))
    assert paar.gemeente.toestand is Toestand.AFGESLOTEN


# --- building records -----------------------------------------------------------------------------------


def test_the_municipality_record_asks_for_the_acknowledgement_and_two_ticks() -> None:
    v = verwijzing()
    gemeente, wijziging = Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP, "nvvk-pilot")
    bevestiging, plan_contact, plan_stop = wijziging.effecten
    deadline = gemeente.contactdeadline
    assert isinstance(bevestiging, StuurOntvangstbevestiging) and deadline is not None
    assert bevestiging.contactdeadline == deadline
    assert deadline.isoformat() == "2026-04-09T23:59:59+02:00"  # Easter skipped
    assert bevestiging.cross_referentie == v.bericht_id
    assert plan_contact == Plan(
        deadline + timedelta(seconds=1), Tijdfeit.CONTACTDEADLINE_VERSTREKEN
    )
    assert plan_stop == Plan(gemeente.incassostop_voorbij_om, Tijdfeit.INCASSOSTOP_AFGELOPEN)
    assert gemeente.incassostop_voorbij_om.date() == v.incassostop.einddatum + DAG


def test_the_municipality_record_needs_an_aware_receipt_time_after_the_referral() -> None:
    v = verwijzing()
    with pytest.raises(InvalidEvent):
        Verwijzingsdossier.voor_gemeente(v, datetime(2026, 4, 2, 9))
    with pytest.raises(InvalidEvent, match="before verwezenOp"):
        Verwijzingsdossier.voor_gemeente(v, v.verwezen_op - timedelta(hours=1))


def test_local_actions_refuse_a_datetime_for_a_date() -> None:
    with pytest.raises(InvalidEvent):
        Oppakken(middag(D0))  # a datetime is a date subclass, so only a runtime check helps


# --- the clock ------------------------------------------------------------------------------------------


def test_each_time_fact_fires_exactly_once() -> None:
    paar = Paar.start()
    deadline = paar.gemeente.contactdeadline
    assert deadline is not None
    gemeente, schuldeiser = paar.tik(deadline)
    assert not gemeente.effecten and not schuldeiser.effecten
    gemeente, schuldeiser = paar.tik(deadline + timedelta(seconds=1))
    assert gemeente.effecten == (ContactTeLaat(deadline),)
    assert not schuldeiser.effecten  # the creditor cannot see contact attempts
    assert gemeente.soorten == (Soort.CONTACTDEADLINE_VERSTREKEN,)
    assert paar.gemeente.contact_te_laat is True
    assert paar.tik(deadline + timedelta(days=1))[0].effecten == ()
    einde = paar.gemeente.incassostop_voorbij_om
    for dossier in (paar.gemeente, paar.schuldeiser):
        assert dossier.tik(einde - timedelta(seconds=1)).effecten == ()
        assert dossier.tik(einde).effecten == (IncassostopVoorbij(dossier.incassostop[1]),)
        assert dossier.tik(einde + timedelta(days=9)).effecten == ()


def test_a_contact_attempt_in_time_means_no_alarm() -> None:
    paar = Paar.start()
    paar.gemeente_doet(Contactpoging(D0 + DAG, Contactsoort.BRIEF, Dagdeel.OCHTEND, False))
    assert paar.gemeente.toestand is Toestand.CONTACTPOGINGEN
    assert paar.gemeente.opgepakt_op == D0 + DAG  # the first attempt took it up
    deadline = paar.gemeente.contactdeadline
    assert deadline is not None
    assert paar.tik(deadline + timedelta(hours=1))[0].effecten == ()
    assert paar.gemeente.contact_te_laat is False


def test_a_naive_tick_is_refused() -> None:
    paar = Paar.start()
    with pytest.raises(InvalidEvent):
        paar.gemeente.tik(datetime(2026, 5, 1))


def test_an_extension_moves_the_end_of_the_incassostop_and_rearms_it() -> None:
    paar = Paar.start()
    einde = paar.gemeente.incassostop_voorbij_om
    paar.tik(einde)
    assert Tijdfeit.INCASSOSTOP_AFGELOPEN in paar.gemeente.tijdfeiten
    nieuw = paar.gemeente.incassostop[1] + timedelta(days=30)
    wijziging = paar.schuldeiser_stuurt(incassostopwijziging(paar.schuldeiser, paar.vandaag, nieuw))
    assert Plan(paar.gemeente.incassostop_voorbij_om, Tijdfeit.INCASSOSTOP_AFGELOPEN) in (
        wijziging.effecten
    )
    assert Tijdfeit.INCASSOSTOP_AFGELOPEN not in paar.gemeente.tijdfeiten
    assert paar.tik(paar.gemeente.incassostop_voorbij_om)[0].effecten == (
        IncassostopVoorbij(nieuw),
    )
    with pytest.raises(LocalInvalidTransition, match="must end after"):
        paar.schuldeiser.verstuur(incassostopwijziging(paar.schuldeiser, paar.vandaag, nieuw))


def test_moving_the_end_back_gives_no_second_alarm() -> None:
    paar = Paar.start()
    oud = paar.gemeente.incassostop[1]
    assert IncassostopVoorbij(oud) in paar.tik(paar.gemeente.incassostop_voorbij_om)[0].effecten
    paar.schuldeiser_stuurt(incassostopwijziging(paar.schuldeiser, paar.vandaag, oud + 30 * DAG))
    paar.schuldeiser_stuurt(
        incassostopwijziging(
            paar.schuldeiser, paar.vandaag, oud, SoortIncassostopwijziging.OPHEFFEN
        )
    )
    gemeente, schuldeiser = paar.tik(paar.nu + timedelta(hours=1))
    assert gemeente.soorten == (Soort.INCASSOSTOP_AFGELOPEN,)  # the fact is true again
    assert gemeente.effecten == schuldeiser.effecten == ()  # but this end was reported already


# --- consent scope --------------------------------------------------------------------------------------


def _zonder_statusterugmelding() -> Paar:
    v = verwijzing(
        soort=SoortVerwijzer.HYPOTHEEK, grondslag=Grondslag.TOESTEMMING, statusterugmelding=False
    )
    return Paar.start(v)


def test_without_consent_for_status_no_milestone_is_sent() -> None:
    paar = _zonder_statusterugmelding()
    assert not paar.gemeente.statusterugmelding
    wijziging = paar.gemeente_doet(
        Contactpoging(D0 + DAG, Contactsoort.TELEFOON, Dagdeel.OCHTEND, True)
    )
    assert wijziging.naar is Toestand.BEREIKT
    assert not any(isinstance(e, StuurStatusbericht) for e in wijziging.effecten)
    with pytest.raises(LocalInvalidTransition, match="does not report the milestone"):
        paar.gemeente.verstuur(statusbericht(paar.gemeente, Mijlpaal.BEREIKT, D0 + DAG))
    with pytest.raises(RemoteInvalidTransition, match="does not report the milestone"):
        paar.schuldeiser.ontvang(statusbericht(paar.gemeente, Mijlpaal.BEREIKT, D0 + DAG))
    # A status request is answered with the acknowledgement again.
    antwoord = paar.schuldeiser_stuurt(statusverzoek(paar.schuldeiser, D0 + DAG))
    assert [type(e) for e in antwoord.effecten] == [HerhaalBericht]
    assert paar.bezorg()[0].dubbel


def test_without_consent_for_status_not_taken_up_still_reaches_the_creditor() -> None:
    paar = _zonder_statusterugmelding()
    paar.gemeente_doet(NietOppakken(D0 + DAG, NietOpgepaktReden.GEEN_INWONER))
    paar.bezorg()
    assert paar.schuldeiser.toestand is Toestand.NIET_OPGEPAKT
    assert paar.schuldeiser.niet_opgepakt_reden is NietOpgepaktReden.GEEN_INWONER


def test_a_legal_ground_allows_status_feedback() -> None:
    assert Paar.start(
        verwijzing(grondslag=Grondslag.BESLUIT_SCHULDHULPVERLENING, soort=SoortVerwijzer.HUUR)
    ).gemeente.statusterugmelding


# --- answering a Statusverzoek -------------------------------------------------------------------------


@pytest.mark.parametrize("toestand", list(Toestand), ids=lambda t: t.name)
def test_a_status_request_gets_the_answer_that_fits_the_state(toestand: Toestand) -> None:
    paar = paar_in(toestand)
    verzoek = statusverzoek(paar.schuldeiser, paar.gemeente.laatste_datum + DAG)
    if toestand is Toestand.INGETROKKEN:
        with pytest.raises(LocalInvalidTransition):
            paar.schuldeiser.verstuur(verzoek)
        with pytest.raises(RemoteInvalidTransition):
            paar.gemeente.ontvang(verzoek)
        return
    voor = paar.schuldeiser.toestand
    wijziging = paar.schuldeiser_stuurt(verzoek)
    if toestand is Toestand.VERZONDEN:
        assert wijziging.effecten == ()  # the pending acknowledgement answers
        return
    (antwoord,) = wijziging.effecten
    if isinstance(antwoord, StuurStatusbericht):
        assert antwoord.cross_referentie == verzoek.bericht_id
    for ontvangen in paar.bezorg():
        assert ontvangen.dubbel or ontvangen.genegeerd
    assert paar.schuldeiser.toestand is voor


def test_a_withdrawal_crossing_a_closing_leaves_both_showing_withdrawn() -> None:
    paar = paar_in(Toestand.BEREIKT)
    paar.gemeente_doet(Afsluiting(D0 + 3 * DAG, DdasEindresultaat.REGELT_HET_ZELF))
    # The creditor has not seen the closing yet and withdraws.
    trek_in: Intrekking = intrekking(paar.schuldeiser, D0 + 3 * DAG)
    paar.schuldeiser.verstuur(trek_in)
    assert not paar.gemeente.ontvang(trek_in).veranderd  # recorded, the ending stands
    (afgesloten,) = paar.bezorg()
    assert afgesloten.genegeerd
    assert paar.gemeente.toestand is Toestand.AFGESLOTEN
    assert paar.schuldeiser.toestand is Toestand.INGETROKKEN
    # Both show the creditor what it knows: it withdrew.
    beeld = schuldeiserbeeld(paar.gemeente)
    assert beeld == schuldeiserbeeld(paar.schuldeiser)
    assert beeld.status is Schuldeiserstatus.INGETROKKEN


def test_only_the_first_withdrawal_counts() -> None:
    paar = paar_in(Toestand.AFGESLOTEN)
    eerste = intrekking(paar.schuldeiser, D0 + 5 * DAG)
    paar.schuldeiser_stuurt(eerste)
    paar.schuldeiser_stuurt(intrekking(paar.schuldeiser, D0 + 6 * DAG))
    assert paar.gemeente.ingetrokken_op == paar.schuldeiser.ingetrokken_op == D0 + 5 * DAG
    assert schuldeiserbeeld(paar.gemeente) == schuldeiserbeeld(paar.schuldeiser)


def test_payment_behaviour_is_recorded_in_every_state() -> None:
    for toestand in Toestand:
        paar = paar_in(toestand)
        wijziging = paar.schuldeiser_stuurt(betaalgedragmelding(paar.schuldeiser, D0 + 40 * DAG))
        assert not wijziging.veranderd
        assert paar.gemeente.betaalgedrag[-1].regulier_betaald


def test_the_record_holds_no_personal_data() -> None:
    paar = Paar.start()
    tekst = repr(vars(paar.gemeente)) + repr(vars(paar.schuldeiser))
    for persoonlijk in ("Testpersoon", "0612345678", "1234AB", "Voorbeeldstraat"):
        assert persoonlijk not in tekst
    assert GEMEENTE.naam in tekst  # the parties are organisations, not people
