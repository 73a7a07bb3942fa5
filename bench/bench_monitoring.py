"""Every monitoring indicator for 1,000,000 histories: histories/s, the ratio to a plain read of
the same JSON Lines, and peak memory.

    python bench/bench_monitoring.py                 # 1,000,000 histories (generated once, cached)
    python bench/bench_monitoring.py --aantal 200000 --rondes 3

The plain read is what any consumer of the file must do at least: read each line and json.loads it.
The monitoring run reads the same lines, validates each into a Verwijzingshistorie and computes
every indicator for every month, quarter and year and every grouping, in one streaming pass. The two
alternate, so load on this shared machine hits both alike. Peak memory is the process's maximum
resident set (the data file is streamed, never held).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path


def _genereer(pad: Path, aantal: int, seed: int) -> None:
    from warm_referral.monitoring.synthetisch import synthetische_historien

    t = time.perf_counter()
    tijdelijk = pad.with_suffix(".tmp")
    with open(tijdelijk, "w", encoding="utf-8") as f:
        for h in synthetische_historien(
            aantal, seed=seed, van=date(2023, 2, 1), tot=date(2025, 12, 31), uitbreiding=True
        ):
            f.write(h.naar_json())
            f.write("\n")
    tijdelijk.rename(pad)
    print(f"generated {aantal:,} histories in {time.perf_counter() - t:.0f} s -> {pad}")


def _plain(pad: Path) -> int:
    n = 0
    loads = json.loads
    with open(pad, encoding="utf-8") as f:
        for regel in f:
            loads(regel)
            n += 1
    return n


def _monitoring(pad: Path) -> int:
    from warm_referral.monitoring import bereken, lees_historie, publiceerbaar

    with open(pad, encoding="utf-8") as f:
        resultaat = bereken(lees_historie(f), peildatum=date(2026, 1, 15))
    publiceerbaar(resultaat.uitkomsten)
    return resultaat.aantal_historien


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--aantal", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rondes", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path("/tmp"), help="where the file is cached")
    args = parser.parse_args()
    pad = args.data / f"warm_referral_monitoring_{args.aantal}_{args.seed}.jsonl"
    if not pad.exists():
        _genereer(pad, args.aantal, args.seed)
    mb = pad.stat().st_size / 1e6
    print(f"data: {pad} ({mb:,.0f} MB, {args.aantal:,} histories)")
    beste_plain = beste_mon = float("inf")
    for ronde in range(1, args.rondes + 1):
        t = time.perf_counter()
        n_plain = _plain(pad)
        plain = time.perf_counter() - t
        t = time.perf_counter()
        n_mon = _monitoring(pad)
        mon = time.perf_counter() - t
        assert n_plain == n_mon == args.aantal, (n_plain, n_mon)
        beste_plain, beste_mon = min(beste_plain, plain), min(beste_mon, mon)
        print(
            f"round {ronde}: plain read {n_plain / plain:,.0f} histories/s, "
            f"every indicator {n_mon / mon:,.0f} histories/s, ratio {plain / mon:.2f}"
        )
    piek = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"best: plain read {args.aantal / beste_plain:,.0f}/s, every indicator "
        f"{args.aantal / beste_mon:,.0f}/s, ratio {beste_plain / beste_mon:.2f}; "
        f"peak memory {piek:,.0f} MB (max RSS)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
