"""The facts' shortcuts give the calendar's and the time zone's own answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from warm_referral._tijd import amsterdamse_datum
from warm_referral.calendar import standaard_kalender
from warm_referral.monitoring.kenmerken import Feitenberekening

KALENDER = standaard_kalender()
_MOMENT = st.datetimes(
    datetime(2014, 1, 2), datetime(2199, 12, 30), timezones=st.just(timezone.utc)
)
_DATUM = st.dates(date(2014, 1, 1), date(2199, 12, 31))


@given(st.lists(_MOMENT | _MOMENT.map(lambda m: m.replace(hour=1, minute=0)), max_size=30))
def test_the_amsterdam_date_of_a_utc_moment(momenten: list[datetime]) -> None:
    feiten = Feitenberekening(KALENDER, date(2026, 1, 15))
    for moment in momenten:
        assert feiten._datum(moment) == amsterdamse_datum(moment), moment


@given(st.datetimes(timezones=st.sampled_from([timezone(timedelta(hours=-5)), timezone.utc])))
def test_other_offsets_take_the_long_way(moment: datetime) -> None:
    feiten = Feitenberekening(KALENDER, date(2026, 1, 15))
    if date(1, 1, 3) <= moment.astimezone(timezone.utc).date() <= date(9999, 12, 29):
        assert feiten._datum(moment) == amsterdamse_datum(moment)


@given(st.lists(st.tuples(_DATUM, _DATUM), min_size=1, max_size=30))
def test_werkdagen_are_differences_of_running_counts(paren: list[tuple[date, date]]) -> None:
    feiten = Feitenberekening(KALENDER, date(2026, 1, 15))
    for a, b in paren:
        assert feiten._cum(b) - feiten._cum(a) == KALENDER.werkdagen_tussen(a, b)
