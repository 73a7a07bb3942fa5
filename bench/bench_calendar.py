"""Benchmark: ``werkdag_na(d, 3)`` against workalendar's ``add_working_days(d, 3)``.

Both answer the same question on the same dates in one run: workalendar is given the decree days
as ``extra_holidays`` so that both compute the Atw calendar (and the answers are checked to agree).
Goal (issue 3): at least 50 x workalendar and at least 500k calls/s.

    python bench/bench_calendar.py [--calls N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from warm_referral.calendar import standaard_gelijkgestelde_dagen, werkdag_na

GOAL_RATIO = 50.0
GOAL_CALLS_PER_SECOND = 500_000.0


def rate(fn: Callable[[date], object], dates: list[date], repeat: int) -> float:
    """Best-of-``repeat`` calls per second over all ``dates``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for d in dates:
            fn(d)
        best = min(best, time.perf_counter() - t0)
    return len(dates) / best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=20_000, help="dates per round")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    from workalendar.europe import Netherlands  # type: ignore[import-untyped]

    rng = random.Random(args.seed)
    first = date(2024, 1, 1)
    dates = [first + timedelta(days=rng.randrange(0, 9 * 365)) for _ in range(args.calls)]
    extra = [v.datum for v in standaard_gelijkgestelde_dagen()]
    cal = Netherlands()

    def ours(d: date) -> date:
        return werkdag_na(d, 3)

    def theirs(d: date) -> date:
        result: date = cal.add_working_days(d, 3, extra_holidays=extra)
        return result

    # Warm up both (workalendar caches holidays per year; we build our tables) and check they agree.
    mismatches = [d for d in dates if ours(d) != theirs(d)]
    if mismatches:
        print(f"DISAGREE on {len(mismatches)} dates, e.g. {mismatches[0]}", file=sys.stderr)
        return 1

    workalendar_rate = rate(theirs, dates[: max(1, args.calls // 10)], repeat=3)
    our_rate = rate(ours, dates, repeat=5)
    ratio = our_rate / workalendar_rate
    print(f"dates: {args.calls} random days in 2024-2032, n = 3, Python {sys.version.split()[0]}")
    print(f"warm_referral.calendar.werkdag_na    {our_rate:>12,.0f} calls/s")
    print(f"workalendar add_working_days         {workalendar_rate:>12,.0f} calls/s")
    print(f"ratio                                {ratio:>12.1f} x")
    ok = ratio >= GOAL_RATIO and our_rate >= GOAL_CALLS_PER_SECOND
    print(
        f"goal: >= {GOAL_RATIO:.0f} x and >= {GOAL_CALLS_PER_SECOND:,.0f} calls/s: "
        f"{'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
