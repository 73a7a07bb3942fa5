"""Deadlines: incassostop, contact term, Wgs art. 4, Schuldenknooppunt; golden cases by hand.

Every expected date below was reasoned day by day from the agreements and the Atw calendar (see
the comment on each case), not produced by the implementation.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warm_referral import amsterdamse_datum
from warm_referral.calendar import (
    AtwKalender,
    DagSoort,
    DateOutOfRangeError,
    VrijeDag,
    is_werkdag,
    standaard_kalender,
    werkdagen_tussen,
)
from warm_referral.deadlines import (
    AMSTERDAM,
    Afsprakenprofiel,
    DeadlineInputError,
    ProfileDataError,
    UnknownProfileError,
    afsprakenprofielen,
    contact_deadline,
    contact_deadline_uitleg,
    incassostop,
    incassostop_uitleg,
    knooppunt_antwoord_uiterlijk,
    knooppunt_ophalen_uiterlijk,
    laad_afsprakenprofielen,
    standaard_afsprakenprofiel,
    wgs_eerste_gesprek_uiterlijk,
)
from warm_referral.errors import LocalProtocolError, WarmReferralError

UTC = timezone.utc


# A profile that applies Atw art. 1 to the incassostop end (the flag on).
ATW_AAN = Afsprakenprofiel(
    naam="test-atw",
    versie="0",
    incassostop_dagen=30,
    contacttermijn_werkdagen=3,
    atw_verlenging_incassostop=True,
    kalender=standaard_kalender(),
)


# --- profiles -------------------------------------------------------------------------------------


def test_default_profile_is_the_nvvk_pilot() -> None:
    p = standaard_afsprakenprofiel()
    assert (p.naam, p.incassostop_dagen, p.contacttermijn_werkdagen) == ("nvvk-pilot", 30, 3)
    assert p.atw_verlenging_incassostop is False  # covenant term, not statutory
    assert p.kalender is standaard_kalender()
    assert afsprakenprofielen()["nvvk-pilot"] is p
    assert "nvvk-pilot" in afsprakenprofielen()
    assert "onbekend" not in afsprakenprofielen()


def test_unknown_profile() -> None:
    with pytest.raises(UnknownProfileError, match="'regio-x'; known: nvvk-pilot") as info:
        incassostop(date(2026, 4, 1), "regio-x")
    assert isinstance(info.value, LocalProtocolError)
    assert isinstance(info.value, KeyError)
    assert info.value.bekend == ("nvvk-pilot",)


def profielen_json(**overrides: object) -> dict[str, object]:
    profiel: dict[str, object] = {
        "naam": "regio-zeeland",
        "versie": "2.1",
        "incassostop_dagen": 45,
        "contacttermijn_werkdagen": 5,
        "atw_verlenging_incassostop": True,
        "kalender": "atw",
    }
    profiel.update(overrides)
    return {
        "formaat": "warm_referral.afsprakenprofielen/1",
        "standaardprofiel": "regio-zeeland",
        "profielen": [profiel],
    }


def test_load_own_profiles(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profielen_json()), encoding="utf-8")
    profielen = laad_afsprakenprofielen(path)
    p = profielen.standaard
    assert p.naam == "regio-zeeland"
    assert len(profielen) == 1
    assert list(profielen) == ["regio-zeeland"]
    # 45 days from Thursday 2 April 2026 is Sunday 17 May; Atw on -> Monday 18 May.
    assert incassostop(date(2026, 4, 2), p) == (date(2026, 4, 2), date(2026, 5, 18))
    # A profile's own calendar by name.
    weert = standaard_kalender().met_extra_dagen(
        [VrijeDag(date(2026, 4, 7), "sluiting", "gemeente Weert", DagSoort.EIGEN)], naam="weert"
    )
    path.write_text(json.dumps(profielen_json(kalender="weert")), encoding="utf-8")
    p = laad_afsprakenprofielen(path, kalenders={"weert": weert}).standaard
    assert p.kalender is weert
    # Receipt Thu 2 April; Fri GV, weekend, Mon TP, Tue closed; werkdag 1..5 = 8, 9, 10, 13, 14.
    ontvangen = datetime(2026, 4, 2, 10, tzinfo=AMSTERDAM)
    assert contact_deadline(ontvangen, p) == datetime(2026, 4, 14, 23, 59, 59, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "top level"),
        ({**profielen_json(), "extra": 1}, "unknown top-level keys: extra"),
        ({**profielen_json(), "formaat": "x"}, "'formaat'"),
        ({**profielen_json(), "profielen": []}, "non-empty list"),
        ({**profielen_json(), "standaardprofiel": "nee"}, "'standaardprofiel' is 'nee'"),
        (profielen_json(incassostop_dagen="30"), r"\(regio-zeeland\): 'incassostop_dagen' must"),
        (profielen_json(incassostop_dagen=True), "'incassostop_dagen' must be a int, got true"),
        (profielen_json(incassostop_dagen=0), "at least 1"),
        (profielen_json(contacttermijn_werkdagen=-1), "at least 1"),
        (profielen_json(atw_verlenging_incassostop="ja"), "must be a bool"),
        (profielen_json(kalender="maan"), "kalender 'maan' is not one of"),
        (profielen_json(naam="Regio X"), "lower case"),
        (profielen_json(contacttermijn=3), "unknown keys: contacttermijn"),
        (
            {**profielen_json(), "profielen": [{"naam": "x"}]},
            "missing keys: atw_verlenging_incassostop",
        ),
        (
            {**profielen_json(), "profielen": profielen_json()["profielen"] * 2},  # type: ignore[operator]
            r"profielen\[1\].*listed twice",
        ),
    ],
)
def test_broken_profile_files(tmp_path: Path, data: object, message: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProfileDataError, match=message) as info:
        laad_afsprakenprofielen(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, WarmReferralError)


def test_unreadable_profile_files(tmp_path: Path) -> None:
    with pytest.raises(ProfileDataError, match="cannot read"):
        laad_afsprakenprofielen(tmp_path / "missing.json")
    path = tmp_path / "bad.json"
    path.write_text('{\n  "formaat": \n}', encoding="utf-8")
    with pytest.raises(ProfileDataError, match=r"bad.json:3: not valid JSON"):
        laad_afsprakenprofielen(path)


# --- incassostop ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verwijsdatum", "einddatum"),
    [
        (date(2026, 4, 1), date(2026, 5, 1)),  # 30 days after Wednesday 1 April: Friday 1 May
        (date(2026, 3, 27), date(2026, 4, 26)),  # a Sunday: the covenant term does not move
        (date(2024, 11, 26), date(2024, 12, 26)),  # Tweede Kerstdag: does not move either
        (date(2028, 2, 1), date(2028, 3, 2)),  # leap year: 28 days to 29 Feb, then 2 more
        (date(2027, 2, 1), date(2027, 3, 3)),
        (date(2025, 12, 15), date(2026, 1, 14)),  # across the year boundary
    ],
)
def test_incassostop_nvvk_pilot(verwijsdatum: date, einddatum: date) -> None:
    assert incassostop(verwijsdatum) == (verwijsdatum, einddatum)
    uitleg = incassostop_uitleg(verwijsdatum)
    assert (uitleg.ingangsdatum, uitleg.einddatum) == (verwijsdatum, einddatum)
    assert uitleg.hervatten_vanaf == einddatum + timedelta(days=1)
    assert uitleg.overgeslagen == ()


@pytest.mark.parametrize(
    ("verwijsdatum", "einddatum", "skipped"),
    [
        # Sunday 26 April, Monday 27 April Koningsdag -> Tuesday 28 April.
        (date(2026, 3, 27), date(2026, 4, 28), ["2026-04-26", "2026-04-27"]),
        # Thursday 26 Dec (Tweede Kerstdag), Friday 27 (decree), weekend -> Monday 30 December.
        (
            date(2024, 11, 26),
            date(2024, 12, 30),
            ["2024-12-26", "2024-12-27", "2024-12-28", "2024-12-29"],
        ),
        # Nieuwjaarsdag, equated Friday 2 January, weekend -> Monday 5 January 2026.
        (
            date(2025, 12, 2),
            date(2026, 1, 5),
            ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
        ),
        (date(2026, 4, 1), date(2026, 5, 1), []),  # already a werkdag
    ],
)
def test_incassostop_with_atw_extension(
    verwijsdatum: date, einddatum: date, skipped: list[str]
) -> None:
    assert incassostop(verwijsdatum, ATW_AAN) == (verwijsdatum, einddatum)
    uitleg = incassostop_uitleg(verwijsdatum, ATW_AAN)
    assert uitleg.einddatum == einddatum
    assert [s.datum.isoformat() for s in uitleg.overgeslagen] == skipped
    assert all(s.redenen for s in uitleg.overgeslagen)


def test_incassostop_explains_a_weekend_end_without_moving_it() -> None:
    uitleg = incassostop_uitleg(date(2026, 3, 27))
    assert uitleg.einddatum == uitleg.kalender_einddatum == date(2026, 4, 26)
    assert [r.omschrijving for r in uitleg.einddatum_redenen] == ["zondag"]


def test_incassostop_input() -> None:
    # An aware datetime counts as its Amsterdam date: 23:30 UTC on 31 March is 1 April locally.
    moment = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    assert incassostop(moment) == (date(2026, 4, 1), date(2026, 5, 1))
    with pytest.raises(DeadlineInputError, match="no UTC offset"):
        incassostop(datetime(2026, 4, 1, 12))
    with pytest.raises(DeadlineInputError, match="must be a date"):
        incassostop("2026-04-01")  # type: ignore[arg-type]
    with pytest.raises(DateOutOfRangeError):
        incassostop(date(2013, 5, 1))
    with pytest.raises(DeadlineInputError, match="profiel must be"):
        incassostop(date(2026, 4, 1), 3)  # type: ignore[arg-type]


# --- contact deadline -----------------------------------------------------------------------------

CONTACT_GOLDEN = [
    # Easter 2026: Thu receipt; Fri Goede Vrijdag, weekend, Mon Tweede Paasdag; Tue, Wed, Thu.
    ("2026-04-02T10:00:00+02:00", "2026-04-09T23:59:59+02:00"),
    # Fri receipt; weekend, Mon Koningsdag; Tue 28, Wed 29, Thu 30 April.
    ("2026-04-24T12:00:00+02:00", "2026-04-30T23:59:59+02:00"),
    # Mon receipt; Tue 5 May skipped (every year under the Atw); Wed, Thu, Fri.
    ("2026-05-04T09:00:00+02:00", "2026-05-08T23:59:59+02:00"),
    # Tue receipt; Wed 13 (1), Thu Hemelvaartsdag, Fri equated, weekend, Mon 18 (2), Tue 19 (3).
    ("2026-05-12T09:00:00+02:00", "2026-05-19T23:59:59+02:00"),
    # Christmas Eve: 25, 26, 27 (decree), weekend; Mon 30, Tue 31, 1 Jan skipped, Thu 2 Jan.
    ("2024-12-24T12:00:00+01:00", "2025-01-02T23:59:59+01:00"),
    # New Year's Eve 2025: 1 Jan, 2 Jan (decree), weekend; Mon 5, Tue 6, Wed 7.
    ("2025-12-31T16:00:00+01:00", "2026-01-07T23:59:59+01:00"),
    # Christmas 2027 on a weekend: nothing moves. Fri 24 (1), Mon 27 (2), Tue 28 (3).
    ("2027-12-23T10:00:00+01:00", "2027-12-28T23:59:59+01:00"),
    # Wed before Koningsdag 2028: Thu 27, Fri 28 (decree), weekend; Mon 1, Tue 2, Wed 3 May.
    ("2028-04-26T10:00:00+02:00", "2028-05-03T23:59:59+02:00"),
    # 2029: no decree known yet, so Friday 11 May counts: Fri (1), Mon (2), Tue (3).
    ("2029-05-09T10:00:00+02:00", "2029-05-15T23:59:59+02:00"),
    # Spring DST (29 March 2026). 22:59:59Z on Thursday is 23:59:59 CET Thursday -> Fri 27,
    # Mon 30, Tue 31; the deadline is in summer time.
    ("2026-03-26T22:59:59Z", "2026-03-31T23:59:59+02:00"),
    # One second later it is Friday 00:00 CET locally -> Mon 30, Tue 31, Wed 1 April.
    ("2026-03-26T23:00:00Z", "2026-04-01T23:59:59+02:00"),
    # During the DST night itself: 01:30 CET and 03:30 CEST on Sunday 29 March.
    ("2026-03-29T00:30:00Z", "2026-04-01T23:59:59+02:00"),
    ("2026-03-29T01:30:00Z", "2026-04-01T23:59:59+02:00"),
    # Autumn DST (25 October 2026): Thursday 23:59:59 CEST -> Fri 23, Mon 26, Tue 27, in CET.
    ("2026-10-22T21:59:59Z", "2026-10-27T23:59:59+01:00"),
    ("2026-10-22T22:00:00Z", "2026-10-28T23:59:59+01:00"),  # Friday 00:00 CEST
    # The repeated hour 02:00-03:00 on Sunday 25 October, first in CEST, then in CET.
    ("2026-10-25T00:30:00Z", "2026-10-28T23:59:59+01:00"),
    ("2026-10-25T01:30:00Z", "2026-10-28T23:59:59+01:00"),
    # Winter, around local midnight given in UTC.
    ("2026-01-15T22:59:59Z", "2026-01-20T23:59:59+01:00"),
    ("2026-01-15T23:00:00Z", "2026-01-21T23:59:59+01:00"),
    # Other offsets: Wed 20:00 in New York is Thu 03:00 in Amsterdam -> Fri 1 May (1),
    # Mon 4 (2), Tue 5 May skipped, Wed 6 (3).
    ("2026-04-29T20:00:00-05:00", "2026-05-06T23:59:59+02:00"),
    # Fri 08:00 at +14:00 is still Thu 1 January 19:00 in Amsterdam (Nieuwjaarsdag).
    ("2026-01-02T08:00:00+14:00", "2026-01-07T23:59:59+01:00"),
]


@pytest.mark.parametrize(("ontvangen", "deadline"), CONTACT_GOLDEN)
def test_contact_deadline_golden(ontvangen: str, deadline: str) -> None:
    got = contact_deadline(datetime.fromisoformat(ontvangen.replace("Z", "+00:00")))
    assert got.isoformat() == deadline
    assert got.tzinfo is AMSTERDAM


def test_contact_deadline_with_zoneinfo_input() -> None:
    # Thursday 23:59:59 local vs Friday 00:00 local, given as Amsterdam time directly.
    voor = datetime(2026, 7, 9, 23, 59, 59, tzinfo=AMSTERDAM)
    na = datetime(2026, 7, 10, 0, 0, tzinfo=AMSTERDAM)
    assert contact_deadline(voor) == datetime(2026, 7, 14, 23, 59, 59, tzinfo=AMSTERDAM)
    assert contact_deadline(na) == datetime(2026, 7, 15, 23, 59, 59, tzinfo=AMSTERDAM)
    # Fold: the same wall time twice on 25 October; both are Sunday.
    eerste = datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=AMSTERDAM)
    tweede = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=AMSTERDAM)
    assert eerste.utcoffset() != tweede.utcoffset()
    assert contact_deadline(eerste) == contact_deadline(tweede)
    # Another zone entirely.
    tokyo = datetime(2026, 4, 3, 6, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # Thu 23:00 CEST
    assert contact_deadline(tokyo).date() == date(2026, 4, 9)


def test_contact_deadline_refuses_naive_and_dates() -> None:
    with pytest.raises(DeadlineInputError, match="no UTC offset"):
        contact_deadline(datetime(2026, 4, 2, 10, 0))
    with pytest.raises(DeadlineInputError, match="aware datetime"):
        contact_deadline(date(2026, 4, 2))  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError):
        amsterdamse_datum(datetime(2026, 4, 2))


def test_contact_deadline_explanation() -> None:
    uitleg = contact_deadline_uitleg(datetime(2026, 4, 2, 8, 0, tzinfo=UTC))
    assert uitleg.ontvangen_lokaal.isoformat() == "2026-04-02T10:00:00+02:00"
    assert uitleg.ontvangstdatum == date(2026, 4, 2)
    assert [(s.datum.day, s.werkdagnummer) for s in uitleg.dagen] == [
        (3, None),
        (4, None),
        (5, None),
        (6, None),
        (7, 1),
        (8, 2),
        (9, 3),
    ]
    assert uitleg.dagen[0].redenen[0].omschrijving == "Goede Vrijdag"
    assert uitleg.deadline == contact_deadline(uitleg.ontvangen_op)


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)
moments = st.datetimes(
    min_value=datetime(2014, 1, 2), max_value=datetime(2150, 1, 1), timezones=offsets
)


@given(moments)
def test_contact_deadline_properties(ontvangen: datetime) -> None:
    deadline = contact_deadline(ontvangen)
    lokaal = ontvangen.astimezone(AMSTERDAM).date()
    assert deadline > ontvangen
    assert deadline.tzinfo is AMSTERDAM
    assert (deadline.hour, deadline.minute, deadline.second) == (23, 59, 59)
    assert is_werkdag(deadline.date())
    assert werkdagen_tussen(lokaal, deadline.date()) == 3
    # The same instant in another notation gives the same deadline.
    assert contact_deadline(ontvangen.astimezone(UTC)) == deadline


# --- Wgs art. 4 and the Schuldenknooppunt ---------------------------------------------------------


def test_wgs_eerste_gesprek() -> None:
    # 4 weeks from Thursday 16 April 2026 is Hemelvaartsdag; Friday is equated -> Monday 18 May.
    assert wgs_eerste_gesprek_uiterlijk(date(2026, 4, 16)) == date(2026, 5, 18)
    assert wgs_eerste_gesprek_uiterlijk(date(2026, 4, 8)) == date(2026, 5, 6)
    # Threatening situation: 3 werkdagen; from Thursday before Easter -> Thursday 9 April.
    assert wgs_eerste_gesprek_uiterlijk(date(2026, 4, 2), dreigende_situatie=True) == date(
        2026, 4, 9
    )
    # An aware timestamp counts as its Amsterdam date.
    moment = datetime(2026, 4, 15, 22, 30, tzinfo=UTC)  # 00:30 on the 16th in Amsterdam
    assert wgs_eerste_gesprek_uiterlijk(moment) == date(2026, 5, 18)


def test_knooppunt_terms() -> None:
    # Placed Thursday 30 April 2026: Fri 1 May (1), Mon 4 (2), Tue 5 May skipped, Wed 6 (3),
    # Thu 7 (4), Fri 8 (5); then Mon 11 (6), Tue 12 (7), Wed 13 (8), Hemelvaartsdag and the
    # equated Friday skipped, Mon 18 (9), Tue 19 (10).
    assert knooppunt_ophalen_uiterlijk(date(2026, 4, 30)) == date(2026, 5, 8)
    assert knooppunt_antwoord_uiterlijk(date(2026, 4, 30)) == date(2026, 5, 19)
    kalender = AtwKalender().met_extra_dagen({date(2026, 5, 6): "dicht"}, grondslag="eigen")
    assert knooppunt_ophalen_uiterlijk(date(2026, 4, 30), kalender=kalender) == date(2026, 5, 11)
