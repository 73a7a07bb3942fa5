"""The agreements are binding: the incassostop's term is a minimum both records hold, a late
referral is refused or marked, grounds are a table in the profile, and history keeps its rules.

Property tests run over random verwijsdatums and periods; every case the issue names (a one-day
and a 395-day incassostop, an acknowledgement stating another period than both records keep, a
referral dated eight months back) has a test that failed before.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lifecycle_helpers import (
    ONTVANGEN_OP,
    Paar,
    incassostopwijziging,
    verwijzing,
)

from warm_referral import amsterdamse_datum, deadlines
from warm_referral.afspraken import afspraken
from warm_referral.calendar import standaard_kalender
from warm_referral.deadlines import (
    AMSTERDAM,
    Afsprakenprofiel,
    TeLaatBeleid,
    afsprakenprofielen,
    laad_afsprakenprofielen,
    standaard_afsprakenprofiel,
)
from warm_referral.errors import ProfileDataError
from warm_referral.lifecycle import (
    IncassostopVoorbij,
    LocalInvalidTransition,
    RemoteAgreementViolation,
    RemoteInvalidTransition,
    StuurOntvangstbevestiging,
    Vastlegging,
    Verwijzingsdossier,
)
from warm_referral.models import (
    Grondslag,
    Periode,
    SoortIncassostopwijziging,
    SoortVerwijzer,
    Verwijzing,
)

PILOT = standaard_afsprakenprofiel()
DAG = timedelta(days=1)


def met_stop(v: Verwijzing, einddatum: date, ingangsdatum: date | None = None) -> Verwijzing:
    data = v.model_dump(mode="python", by_alias=False, exclude_none=True)
    data["incassostop"] = Periode(
        ingangsdatum=ingangsdatum or v.incassostop.ingangsdatum, einddatum=einddatum
    )
    return Verwijzing(**data)


def codes(fout: RemoteAgreementViolation) -> set[str]:
    return {v.code for v in fout.violations}


# --- the incassostop: a minimum both records hold --------------------------------------------------


def test_the_shipped_pilot_profile_is_version_1_1_and_keeps_version_1_0() -> None:
    assert (PILOT.naam, PILOT.versie, PILOT.incassostop_dagen) == ("nvvk-pilot", "1.1", 30)
    assert afsprakenprofielen().versies("nvvk-pilot") == ("1.0", "1.1")
    assert afsprakenprofielen().versie("nvvk-pilot", "1.0").te_laat_werkdagen is None


@pytest.mark.eis("WD-TERM-08", "WD-TERM-12")
@pytest.mark.parametrize("dagen", [1, 29])
def test_a_short_incassostop_is_refused_naming_the_expected_end(dagen: int) -> None:
    v = verwijzing()
    begin = v.incassostop.ingangsdatum
    kort = met_stop(v, begin + timedelta(days=dagen))
    with pytest.raises(RemoteAgreementViolation) as fout:
        Verwijzingsdossier.voor_gemeente(kort, ONTVANGEN_OP)
    (overtreding,) = fout.value.violations
    assert (overtreding.pointer, overtreding.code) == (
        "/incassostop/einddatum",
        "incassostop_te_kort",
    )
    verwacht = deadlines.incassostop(begin, PILOT)[1]
    assert verwacht.isoformat() in overtreding.melding
    assert verwacht == begin + timedelta(days=30)


@pytest.mark.eis("WD-TERM-13", "WD-ONTV-04")
def test_a_longer_incassostop_is_what_both_records_hold_and_the_acknowledgement_states() -> None:
    v = verwijzing()
    lang = met_stop(v, v.incassostop.ingangsdatum + timedelta(days=395))
    paar = Paar.start(lang, profiel=PILOT)
    bevestiging = next(e for e in paar.effecten if isinstance(e, StuurOntvangstbevestiging))
    gehouden = (lang.incassostop.ingangsdatum, lang.incassostop.einddatum)
    assert (bevestiging.incassostop.ingangsdatum, bevestiging.incassostop.einddatum) == gehouden
    assert paar.gemeente.incassostop == paar.schuldeiser.incassostop == gehouden
    # Collection may not resume a day early: the end fires on the held period on both sides.
    dag_na = datetime.combine(gehouden[1], time(12), tzinfo=AMSTERDAM)
    assert not any(isinstance(e, IncassostopVoorbij) for w in paar.tik(dag_na) for e in w.effecten)
    volgende = datetime.combine(gehouden[1] + DAG, time(0, 0, 1), tzinfo=AMSTERDAM)
    gemeente, schuldeiser = paar.tik(volgende)
    for w in (gemeente, schuldeiser):
        assert IncassostopVoorbij(gehouden[1]) in w.effecten


def test_a_profile_may_cap_the_incassostop() -> None:
    begrensd = replace(PILOT, naam="met-maximum", incassostop_max_dagen=60)
    v = verwijzing()
    with pytest.raises(RemoteAgreementViolation) as fout:
        Verwijzingsdossier.voor_gemeente(
            met_stop(v, v.incassostop.ingangsdatum + timedelta(days=61)), ONTVANGEN_OP, begrensd
        )
    assert codes(fout.value) == {"incassostop_te_lang"}
    Verwijzingsdossier.voor_gemeente(
        met_stop(v, v.incassostop.ingangsdatum + timedelta(days=60)), ONTVANGEN_OP, begrensd
    )


@pytest.mark.eis("WD-TERM-08", "WD-TERM-12", "WD-TERM-13")
@given(
    verwijsdatum=st.dates(date(2015, 1, 1), date(2090, 12, 31)),
    lengte=st.integers(min_value=0, max_value=400),
    maximum=st.none() | st.integers(min_value=30, max_value=400),
    atw=st.booleans(),
)
def test_the_term_is_a_minimum_for_any_date_and_period(
    verwijsdatum: date, lengte: int, maximum: int | None, atw: bool
) -> None:
    profiel = replace(PILOT, incassostop_max_dagen=maximum, atw_verlenging_incassostop=atw)
    einde = verwijsdatum + timedelta(days=lengte)
    uitkomst = deadlines.toets_incassostop(verwijsdatum, einde, verwijsdatum, profiel)
    minimum = deadlines.incassostop(verwijsdatum, profiel)[1]
    if einde < minimum:
        assert uitkomst is not None and uitkomst.code == "incassostop_te_kort"
        assert minimum.isoformat() in uitkomst.melding
    elif maximum is not None and einde > verwijsdatum + timedelta(days=maximum):
        assert uitkomst is not None and uitkomst.code == "incassostop_te_lang"
    else:
        assert uitkomst is None
    # The start is always the verwijsdatum.
    verkeerd = deadlines.toets_incassostop(verwijsdatum + DAG, einde, verwijsdatum, profiel)
    assert verkeerd is not None and verkeerd.code == "incassostop_ingangsdatum"


@pytest.mark.eis("WD-TERM-13", "WD-ONTV-06")
@given(extra=st.integers(min_value=0, max_value=200))
def test_both_records_end_the_incassostop_on_the_acknowledged_period(extra: int) -> None:
    v = verwijzing()
    stop = met_stop(v, v.incassostop.ingangsdatum + timedelta(days=30 + extra))
    paar = Paar.start(stop, profiel=PILOT)
    einde = stop.incassostop.einddatum
    assert (
        paar.gemeente.incassostop
        == paar.schuldeiser.incassostop
        == (stop.incassostop.ingangsdatum, einde)
    )
    assert paar.gemeente.incassostop_voorbij_om == paar.schuldeiser.incassostop_voorbij_om
    assert paar.gemeente.incassostop_voorbij_om == datetime.combine(
        einde + DAG, time(0, 0), tzinfo=AMSTERDAM
    )


@pytest.mark.eis("WD-ONTV-06")
def test_the_creditors_copy_takes_the_acknowledged_period_over() -> None:
    """An acknowledgement that states another period than the creditor sent: its copy keeps the
    acknowledged one, and its end fires on it (it kept the sent one before)."""
    v = verwijzing()
    schuldeiser, _ = Verwijzingsdossier.voor_schuldeiser(v, PILOT)
    lang = met_stop(v, v.incassostop.ingangsdatum + timedelta(days=45))
    gemeente, wijziging = Verwijzingsdossier.voor_gemeente(lang, ONTVANGEN_OP, PILOT)
    effect = wijziging.effecten[0]
    assert isinstance(effect, StuurOntvangstbevestiging)
    bevestiging = effect.als_bericht(
        afzender=gemeente.gemeente,
        ontvanger=v.afzender,
        conversatie_id=v.conversatie_id,
        nu=ONTVANGEN_OP,
    )
    gemeente.verstuur(bevestiging)
    gezien = schuldeiser.ontvang(bevestiging)
    assert (
        schuldeiser.incassostop
        == gemeente.incassostop
        == (
            lang.incassostop.ingangsdatum,
            lang.incassostop.einddatum,
        )
    )
    assert any(
        getattr(e, "wanneer", None) == schuldeiser.incassostop_voorbij_om for e in gezien.effecten
    )


# --- changes: only extend, never below the agreed minimum ------------------------------------------


@pytest.mark.eis("WD-TERM-10")
def test_lifting_can_undo_an_extension_down_to_the_minimum_not_below() -> None:
    paar = Paar.start(profiel=PILOT)
    ingang, minimum = paar.gemeente.incassostop
    assert paar.gemeente.incassostop_minimum == minimum
    paar.schuldeiser_stuurt(
        incassostopwijziging(paar.schuldeiser, ingang + 2 * DAG, minimum + 20 * DAG)
    )
    assert paar.gemeente.incassostop[1] == minimum + 20 * DAG
    onder = incassostopwijziging(
        paar.schuldeiser, ingang + 3 * DAG, minimum - DAG, SoortIncassostopwijziging.OPHEFFEN
    )
    with pytest.raises(RemoteInvalidTransition) as fout:
        paar.gemeente.ontvang(onder)
    assert (fout.value.code, fout.value.pad) == ("incassostop_voor_minimum", "einddatum")
    with pytest.raises(LocalInvalidTransition):
        paar.schuldeiser.verstuur(onder)
    terug = incassostopwijziging(
        paar.schuldeiser, ingang + 3 * DAG, minimum, SoortIncassostopwijziging.OPHEFFEN
    )
    paar.schuldeiser_stuurt(terug)
    assert paar.gemeente.incassostop == paar.schuldeiser.incassostop == (ingang, minimum)


@pytest.mark.eis("WD-TERM-10")
@given(
    stappen=st.lists(
        st.tuples(st.sampled_from(SoortIncassostopwijziging), st.integers(-40, 120)),
        max_size=6,
    )
)
def test_no_change_ever_ends_the_incassostop_before_the_agreed_minimum(
    stappen: list[tuple[SoortIncassostopwijziging, int]],
) -> None:
    paar = Paar.start(profiel=PILOT)
    ingang, minimum = paar.gemeente.incassostop
    for i, (soort, dagen) in enumerate(stappen):
        wijziging = incassostopwijziging(
            paar.schuldeiser, ingang + (i + 1) * DAG, minimum + timedelta(days=dagen), soort
        )
        with contextlib.suppress(LocalInvalidTransition, RemoteInvalidTransition):
            paar.schuldeiser_stuurt(wijziging)
        assert paar.gemeente.incassostop[1] >= minimum
        assert paar.gemeente.incassostop == paar.schuldeiser.incassostop


# --- late referrals ----------------------------------------------------------------------------------


def _ontvangen_na(verwijsdatum: date, werkdagen: int) -> datetime:
    dag = standaard_kalender().werkdag_na(verwijsdatum, werkdagen) if werkdagen else verwijsdatum
    return datetime.combine(dag, time(10), tzinfo=AMSTERDAM)


@pytest.mark.eis("WD-TERM-14")
def test_a_referral_dated_eight_months_back_is_refused() -> None:
    v = verwijzing()
    acht_maanden = datetime(2026, 12, 2, 10, tzinfo=timezone.utc)
    with pytest.raises(RemoteAgreementViolation) as fout:
        Verwijzingsdossier.voor_gemeente(v, acht_maanden)
    assert codes(fout.value) == {"verwijzing_te_laat"}


@pytest.mark.eis("WD-TERM-14")
@given(
    verwijsdatum=st.dates(date(2020, 1, 1), date(2040, 12, 31)),
    werkdagen=st.integers(min_value=0, max_value=30),
)
def test_late_means_more_than_five_werkdagen_or_after_the_stop(
    verwijsdatum: date, werkdagen: int
) -> None:
    ontvangen = _ontvangen_na(verwijsdatum, werkdagen)
    einde = verwijsdatum + timedelta(days=30)
    uitkomst = deadlines.toets_tijdigheid(verwijsdatum, einde, ontvangen, PILOT)
    assert (uitkomst is not None) == (werkdagen > 5 or ontvangen.date() > einde)
    # Without a werkdagen limit only an incassostop already over makes it late.
    zonder = replace(PILOT, te_laat_werkdagen=None)
    assert (deadlines.toets_tijdigheid(verwijsdatum, einde, ontvangen, zonder) is not None) == (
        ontvangen.date() > einde
    )


@pytest.mark.eis("WD-TERM-14")
def test_a_profile_that_marks_late_referrals_flags_both_records() -> None:
    markeer = replace(PILOT, naam="markeren", te_laat=TeLaatBeleid.MARKEREN)
    v = verwijzing()
    laat = _ontvangen_na(amsterdamse_datum(v.verwezen_op), 9)
    paar = Paar.start(v, laat, profiel=markeer)
    assert paar.gemeente.te_laat and paar.schuldeiser.te_laat
    bevestiging = next(e for e in paar.effecten if isinstance(e, StuurOntvangstbevestiging))
    assert bevestiging.te_laat
    # A 1.0 creditor is not told (1.1 added teLaat); its acknowledgement stays valid 1.0.
    bericht = bevestiging.als_bericht(
        afzender=paar.gemeente.gemeente,
        ontvanger=v.afzender,
        conversatie_id=v.conversatie_id,
        nu=laat,
        spec_versie="1.0",
    )
    assert bericht.spec_versie == "1.0" and "teLaat" not in json.loads(bericht.to_json())


# --- grounds as data -------------------------------------------------------------------------------


@pytest.mark.eis("WD-GROND-01", "WD-GROND-03", "WD-GROND-10")
def test_the_pilot_grounds_table_is_the_law_and_names_a_source_per_row() -> None:
    from warm_referral.models import BSN_TOEGESTAAN, TOEGESTANE_GRONDSLAGEN

    a = afspraken(PILOT)
    assert set(a.grondslagen) == set(SoortVerwijzer)
    for soort, regel in a.grondslagen.items():
        assert regel.grondslagen <= TOEGESTANE_GRONDSLAGEN[soort]
        assert not regel.bsn or soort in BSN_TOEGESTAAN
        assert regel.bron.strip(), soort
    assert a.grondslagen[SoortVerwijzer.HUUR].grondslagen == {
        Grondslag.BESLUIT_SCHULDHULPVERLENING,
        Grondslag.TOESTEMMING,
    }
    for soort in (SoortVerwijzer.ENERGIE, SoortVerwijzer.WATER, SoortVerwijzer.ZORG):
        assert Grondslag.AFSLUITREGELING in a.grondslagen[soort].grondslagen
    for soort in (SoortVerwijzer.UWV, SoortVerwijzer.SVB, SoortVerwijzer.GERECHTSDEURWAARDER):
        assert a.grondslagen[soort].grondslagen == {Grondslag.TOESTEMMING}


@pytest.mark.eis("WD-GROND-10")
def test_a_profile_can_narrow_the_grounds_and_the_referral_is_refused_with_its_code() -> None:
    smal = _profiel_met(
        grondslagen=[
            {"soortVerwijzer": "Water", "grondslagen": ["Toestemming"], "bsn": False},
        ]
    )
    with pytest.raises(RemoteAgreementViolation) as fout:
        Verwijzingsdossier.voor_gemeente(verwijzing(), ONTVANGEN_OP, smal)
    assert codes(fout.value) == {"grondslag_niet_in_profiel"}
    with pytest.raises(RemoteAgreementViolation) as fout:
        Verwijzingsdossier.voor_gemeente(
            verwijzing(soort=SoortVerwijzer.ENERGIE), ONTVANGEN_OP, smal
        )
    assert codes(fout.value) == {"soort_niet_in_profiel"}


def _profiel_met(**secties: object) -> Afsprakenprofiel:
    data = {
        "formaat": "warm_referral.afsprakenprofielen/1",
        "standaardprofiel": "test",
        "profielen": [
            {
                "naam": "test",
                "versie": "1",
                "incassostop_dagen": 30,
                "contacttermijn_werkdagen": 3,
                "atw_verlenging_incassostop": False,
                "kalender": "atw",
                **secties,
            }
        ],
    }
    return _laad(data).standaard


def _laad(data: object) -> deadlines.Afsprakenprofielen:
    import tempfile

    with tempfile.TemporaryDirectory() as map_:
        pad = Path(map_) / "p.json"
        pad.write_text(json.dumps(data), encoding="utf-8")
        return laad_afsprakenprofielen(pad)


@pytest.mark.parametrize(
    ("sectie", "melding"),
    [
        (
            {
                "grondslagen": [
                    {
                        "soortVerwijzer": "Hypotheek",
                        "grondslagen": ["Afsluitregeling"],
                        "bsn": False,
                    }
                ]
            },
            "only narrows what the schemas allow",
        ),
        (
            {
                "grondslagen": [
                    {"soortVerwijzer": "Huur", "grondslagen": ["Toestemming"], "bsn": True}
                ]
            },
            "no legal ground for the BSN",
        ),
        (
            {"grondslagen": [{"soortVerwijzer": "Kabouter", "grondslagen": [], "bsn": False}]},
            "soortVerwijzer 'Kabouter'",
        ),
        ({"terugmelding": [{"grondslag": "Toestemming", "mijlpalen": []}]}, "statusterugmelding"),
        (
            {
                "terugmelding": [
                    {"grondslag": "Afsluitregeling", "statusterugmelding": True, "mijlpalen": []}
                ]
            },
            "belongs to Toestemming only",
        ),
        (
            {"terugmelding": [{"grondslag": "Afsluitregeling", "mijlpalen": ["Gebeld"]}]},
            "mijlpaal 'Gebeld'",
        ),
    ],
)
def test_a_broken_table_names_the_profile_row_and_why(
    sectie: dict[str, object], melding: str
) -> None:
    profiel = _profiel_met(**sectie)
    with pytest.raises(ProfileDataError, match=melding) as fout:
        afspraken(profiel)
    assert "afsprakenprofiel test 1" in str(fout.value)


# --- history keeps its rules -----------------------------------------------------------------------


@pytest.mark.eis("WD-TERM-15")
def test_a_record_rebuilt_from_its_vastlegging_keeps_its_dates_under_a_new_profile() -> None:
    v = verwijzing()
    gemeente, _ = Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP, PILOT)
    bewaard = json.loads(json.dumps(gemeente.vastlegging.naar_json()))
    # A later version of the profile changes the contact term.
    ander = replace(PILOT, versie="9.9", contacttermijn_werkdagen=5)
    nieuw, _ = Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP, ander)
    assert nieuw.contactdeadline != gemeente.contactdeadline
    herbouwd, _ = Verwijzingsdossier.voor_gemeente(
        v, ONTVANGEN_OP, ander, vastlegging=Vastlegging.van_json(bewaard)
    )
    assert herbouwd.contactdeadline == gemeente.contactdeadline
    assert herbouwd.incassostop == gemeente.incassostop
    assert herbouwd.afsprakenprofiel == gemeente.afsprakenprofiel
    assert herbouwd.terugmelding == gemeente.terugmelding


def test_a_recorded_rebuild_skips_the_checks_it_passed_then() -> None:
    """A referral accepted under an old profile is never refused on replay by a stricter one."""
    v = verwijzing()
    gemeente, _ = Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP, PILOT)
    streng = replace(PILOT, incassostop_dagen=60)
    with pytest.raises(RemoteAgreementViolation):
        Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP, streng)
    Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP, streng, vastlegging=gemeente.vastlegging)


def test_vastlegging_json_round_trips_and_refuses_nonsense() -> None:
    from warm_referral.lifecycle import InvalidEvent

    gemeente, _ = Verwijzingsdossier.voor_gemeente(verwijzing(), ONTVANGEN_OP, PILOT)
    assert Vastlegging.van_json(gemeente.vastlegging.naar_json()) == gemeente.vastlegging
    with pytest.raises(InvalidEvent):
        Vastlegging.van_json({"afsprakenprofiel": {}})
