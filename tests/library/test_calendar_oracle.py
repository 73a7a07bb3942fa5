"""An independent oracle: workalendar's Netherlands calendar, adjusted to the Atw, agrees with
warm_referral.calendar on every day from 2014 to 2100.

What workalendar 17 ``workalendar.europe.Netherlands`` holds (read from its source, checked below):
New Year, Good Friday, Easter Sunday, Easter Monday, King's Day (27 April, 26 April when the 27th
is a Sunday, from 2014), Liberation Day 5 May every year, Ascension, Whit Sunday, Whit Monday,
Christmas and Boxing Day; carnival only on request (off by default). Saturdays and Sundays are
non-working days.

Adjustments to make it the Atw calendar, each explicit:
1. Add the days equated by decree under Atw art. 3 lid 3: workalendar knows no decrees. The list
   is written out here from shared/domain.md, not read from the shipped data file.
2. Nothing to remove: Easter Sunday and Whit Sunday are not in the Atw list, but they are always
   Sundays, so they never change whether a day is a werkdag (asserted below).
3. Nothing to add for Good Friday (Atw art. 3 lid 2) or 5 May (every year under the Atw): this
   workalendar version has both. Both facts are asserted, so an upgrade that drops them fails
   here instead of weakening the oracle.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from warm_referral.calendar import standaard_kalender, werkdag_na, werkdagen_tussen

workalendar_europe = pytest.importorskip("workalendar.europe")

FIRST, LAST = date(2014, 1, 1), date(2100, 12, 31)

# Adjustment 1: the decree days from shared/domain.md, section 4.
EQUATED_BY_DECREE = {
    date(2022, 5, 27),
    date(2023, 4, 28),
    date(2023, 5, 19),
    date(2024, 5, 10),
    date(2024, 12, 27),
    date(2025, 5, 30),
    date(2026, 1, 2),
    date(2026, 5, 15),
    date(2027, 5, 7),
    date(2028, 4, 28),
    date(2028, 5, 26),
}


def oracle_non_working_days() -> set[date]:
    cal = workalendar_europe.Netherlands()
    days: set[date] = set()
    for year in range(FIRST.year, LAST.year + 1):
        holidays = dict(cal.holidays(year))
        names = set(holidays.values())
        # Adjustment 3 relies on these; fail loudly if workalendar changes.
        assert "Good Friday" in names, year
        assert holidays.get(date(year, 5, 5)) == "Liberation Day", year
        for day, name in holidays.items():
            if name in ("Easter Sunday", "Whit Sunday"):
                assert day.weekday() == 6  # adjustment 2: always a Sunday anyway
        days.update(holidays)
    return days | EQUATED_BY_DECREE


@pytest.fixture(scope="module")
def oracle_werkdagen() -> list[date]:
    non_working = oracle_non_working_days()
    werkdagen = []
    d = FIRST - timedelta(days=1)
    while d <= LAST + timedelta(days=30):
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in non_working:
            werkdagen.append(d)
    return werkdagen


def test_every_day_from_2014_to_2100(oracle_werkdagen: list[date]) -> None:
    kalender = standaard_kalender()
    werk = set(oracle_werkdagen)
    d = FIRST
    mismatches = []
    while d <= LAST:
        if kalender.is_werkdag(d) != (d in werk):
            mismatches.append(d)
        d += timedelta(days=1)
    assert mismatches == []


def test_werkdag_na_and_werkdagen_tussen_agree(oracle_werkdagen: list[date]) -> None:
    # For every day d, the oracle's n-th werkdag after d is found by walking its sorted list;
    # compare for several n, and the running count at every day.
    index_after: dict[date, int] = {}
    i = 0
    d = FIRST - timedelta(days=1)
    while d <= LAST:
        while oracle_werkdagen[i] <= d:
            i += 1
        index_after[d] = i  # oracle_werkdagen[i] is the first werkdag after d
        d += timedelta(days=1)
    mismatches = []
    for d, i in index_after.items():
        for n in (1, 3, 5, 10):
            if werkdag_na(d, n) != oracle_werkdagen[i + n - 1]:
                mismatches.append((d, n))
        if werkdagen_tussen(FIRST - timedelta(days=1), d) != i:
            mismatches.append((d, 0))
    assert mismatches == []


def test_add_working_days_agrees_on_a_sample() -> None:
    # workalendar's own counting function, with the decree days passed as extra holidays.
    cal = workalendar_europe.Netherlands()
    extra = sorted(EQUATED_BY_DECREE)
    d = date(2020, 1, 1)
    while d <= date(2032, 12, 31):
        assert werkdag_na(d, 3) == cal.add_working_days(d, 3, extra_holidays=extra), d
        d += timedelta(days=5)
