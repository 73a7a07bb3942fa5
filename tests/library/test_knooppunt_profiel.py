"""The knooppunt profile's terms (WD-KNP-05, WD-KNP-08): werkdagen on the Atw calendar, counted
from the Europe/Amsterdam date of delivery; an envelope expires at midnight in Amsterdam."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warm_referral import amsterdamse_datum
from warm_referral.calendar import is_werkdag, werkdagen_tussen
from warm_referral.knooppunt import PROFIELEN, SCHULDENKNOOPPUNT, Knooppuntprofiel

AMSTERDAM_MIDDERNACHT = {timedelta(hours=22), timedelta(hours=23)}  # CEST, CET in UTC


@pytest.mark.eis("WD-KNP-05")
def test_easter_does_not_count() -> None:
    # Wed 1 April 2026; Good Friday 3 April and Easter Monday 6 April are no werkdagen.
    afgeleverd = datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc)
    assert SCHULDENKNOOPPUNT.vervalt_op(afgeleverd) == datetime(
        2026, 4, 10, 22, 0, tzinfo=timezone.utc
    )
    assert SCHULDENKNOOPPUNT.antwoord_uiterlijk(afgeleverd) == date(2026, 4, 17)


def test_the_amsterdam_date_counts_not_the_utc_date() -> None:
    # 23:30 UTC on Monday is already Tuesday in Amsterdam.
    maandagavond = datetime(2027, 1, 4, 23, 30, tzinfo=timezone.utc)
    assert SCHULDENKNOOPPUNT.vervalt_op(maandagavond) == datetime(
        2027, 1, 12, 23, 0, tzinfo=timezone.utc
    )


@pytest.mark.eis("WD-KNP-05")
@given(
    st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2030, 12, 31),
        timezones=st.just(timezone.utc),
    ),
    st.integers(min_value=1, max_value=15),
)
def test_expiry_is_midnight_after_the_nth_werkdag(afgeleverd: datetime, n: int) -> None:
    profiel = Knooppuntprofiel("proef", n, n + 5)
    vervalt = profiel.vervalt_op(afgeleverd)
    laatste = amsterdamse_datum(vervalt - timedelta(seconds=1))
    assert vervalt > afgeleverd
    assert vervalt - datetime.combine(vervalt.date(), datetime.min.time(), timezone.utc) in (
        AMSTERDAM_MIDDERNACHT
    )
    assert amsterdamse_datum(vervalt) == laatste + timedelta(days=1)
    assert is_werkdag(laatste)
    assert werkdagen_tussen(amsterdamse_datum(afgeleverd), laatste) == n


@pytest.mark.parametrize("fout", [0, -1, True, 2.5])
def test_a_term_of_less_than_one_werkdag_is_refused(fout: object) -> None:
    with pytest.raises(ValueError, match="bewaartermijn_werkdagen"):
        Knooppuntprofiel("fout", fout, 10)  # type: ignore[arg-type]


def test_the_schuldenknooppunt_profile() -> None:
    assert PROFIELEN["schuldenknooppunt"] is SCHULDENKNOOPPUNT
    assert (
        SCHULDENKNOOPPUNT.bewaartermijn_werkdagen,
        SCHULDENKNOOPPUNT.antwoordtermijn_werkdagen,
    ) == (5, 10)
