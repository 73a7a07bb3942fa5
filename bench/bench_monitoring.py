"""Every monitoring indicator for 1,000,000 histories: histories/s of each path, its ratio to a
plain read of the same JSON Lines, and the peak memory of each.

    python bench/bench_monitoring.py                 # 1,000,000 histories (generated once, cached)
    python bench/bench_monitoring.py --aantal 200000 --rondes 3

The paths, measured side by side and alternating, so load on this shared machine hits all alike:

- ``plain read``: what any consumer of the file must do at least: read each line, json.loads it;
- ``pure Python``: validate every line into a Verwijzingshistorie and compute every indicator for
  every month, quarter and year and every grouping, in one streaming pass (``engine="python"``);
- ``DuckDB``: the same figures, every line validated first, then summed by DuckDB
  (``engine="duckdb"``, needs ``pip install 'warm-referral[analyse]'``);
- ``DuckDB, trusted``: for a file the library wrote itself, without the validation pass
  (``vertrouwd=True``).

Each run is a fresh process, so its peak memory (maximum resident set, from ``wait4``) and CPU
time (all its threads: DuckDB uses every core, the others one) are its own.
Every path ends with the published figures (suppression included), and the bench checks that all
paths published the same figures. The machine's load average is printed before and after.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

PEILDATUM = date(2026, 1, 15)
PADEN: dict[str, str] = {
    "plain": "plain read (json.loads)",
    "python": "pure Python",
    "duckdb": "DuckDB (validated)",
    "duckdb-vertrouwd": "DuckDB, trusted file",
}


def _genereer(pad: Path, aantal: int, seed: int) -> None:
    from warm_referral.monitoring.synthetisch import synthetische_regels

    t = time.perf_counter()
    tijdelijk = pad.with_suffix(".tmp")
    with open(tijdelijk, "w", encoding="utf-8") as f:
        for regel in synthetische_regels(
            aantal, seed=seed, van=date(2023, 2, 1), tot=date(2025, 12, 31), uitbreiding=True
        ):
            f.write(regel)
            f.write("\n")
    tijdelijk.rename(pad)
    print(f"generated {aantal:,} histories in {time.perf_counter() - t:.0f} s -> {pad}")


# --- one measurement, in its own process -------------------------------------------------------------


def _meet(soort: str, pad: Path) -> dict[str, object]:
    t = time.perf_counter()
    if soort == "plain":
        n = 0
        loads = json.loads
        with open(pad, "rb") as f:
            for regel in f:
                loads(regel)
                n += 1
        return {"n": n, "s": time.perf_counter() - t, "cijfers": ""}
    from warm_referral.monitoring import bereken_bestand, publiceerbaar

    engine = "python" if soort == "python" else "duckdb"
    resultaat = bereken_bestand(
        pad, peildatum=PEILDATUM, engine=engine, vertrouwd=soort == "duckdb-vertrouwd"
    )
    rijen = publiceerbaar(resultaat.uitkomsten)
    seconden = time.perf_counter() - t
    cijfers = hashlib.sha256(repr(rijen).encode()).hexdigest()[:16]
    return {"n": resultaat.aantal_historien, "s": seconden, "cijfers": cijfers}


def _in_eigen_proces(soort: str, pad: Path) -> tuple[dict[str, object], float, float]:
    """Run one measurement in a child process: its result, its peak RSS in MB and the CPU
    seconds it used (all threads, start-up included)."""
    proces = subprocess.Popen(
        [sys.executable, __file__, "--meet", soort, "--bestand", str(pad)],
        stdout=subprocess.PIPE,
    )
    assert proces.stdout is not None
    uitvoer = proces.stdout.read()
    _, status, gebruik = os.wait4(proces.pid, 0)
    proces.returncode = os.waitstatus_to_exitcode(status)
    if proces.returncode != 0:
        raise SystemExit(f"the {soort} run failed (exit {proces.returncode})")
    return json.loads(uitvoer), gebruik.ru_maxrss / 1024, gebruik.ru_utime + gebruik.ru_stime


def _belasting() -> str:
    een, vijf, vijftien = os.getloadavg()
    return f"load average {een:.2f} {vijf:.2f} {vijftien:.2f} on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--aantal", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rondes", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path("/tmp"), help="where the file is cached")
    parser.add_argument("--paden", default=",".join(PADEN), help="which paths, comma-separated")
    parser.add_argument("--meet", choices=PADEN, help=argparse.SUPPRESS)
    parser.add_argument("--bestand", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.meet:
        print(json.dumps(_meet(args.meet, args.bestand)))
        return 0

    paden = [p for p in args.paden.split(",") if p]
    for p in paden:
        if p not in PADEN:
            parser.error(f"unknown path {p!r}; known: {', '.join(PADEN)}")
    if any(p.startswith("duckdb") for p in paden):
        from warm_referral.monitoring.engine import beschikbaar

        if not beschikbaar():
            print("duckdb is not installed (pip install 'warm-referral[analyse]'): skipping it")
            paden = [p for p in paden if not p.startswith("duckdb")]
    pad = args.data / f"warm_referral_monitoring_{args.aantal}_{args.seed}.jsonl"
    if not pad.exists():
        _genereer(pad, args.aantal, args.seed)
    versies = f"Python {platform.python_version()}"
    if any(p.startswith("duckdb") for p in paden):
        from importlib.metadata import version

        versies += f", duckdb {version('duckdb')}"
    print(f"data: {pad} ({pad.stat().st_size / 1e6:,.0f} MB, {args.aantal:,} histories)")
    print(f"{versies}; before: {_belasting()}")

    beste: dict[str, float] = {}
    piek: dict[str, float] = {}
    cpu: dict[str, float] = {}
    cijfers: dict[str, str] = {}
    for ronde in range(1, args.rondes + 1):
        regels = []
        for soort in paden:
            uitkomst, rss, cpu_seconden = _in_eigen_proces(soort, pad)
            n, seconden = int(str(uitkomst["n"])), float(str(uitkomst["s"]))
            if n != args.aantal:
                raise SystemExit(f"{soort} counted {n:,} histories, not {args.aantal:,}")
            beste[soort] = min(beste.get(soort, float("inf")), seconden)
            piek[soort] = max(piek.get(soort, 0.0), rss)
            cpu[soort] = min(cpu.get(soort, float("inf")), cpu_seconden)
            if uitkomst["cijfers"]:
                cijfers[soort] = str(uitkomst["cijfers"])
            regels.append(f"{soort} {n / seconden:,.0f}/s")
        print(f"round {ronde}: " + ", ".join(regels) + f" ({_belasting()})")
    if len(set(cijfers.values())) > 1:
        raise SystemExit(f"the paths published different figures: {cijfers}")

    print(f"\nbest of {args.rondes} rounds, {args.aantal:,} histories; after: {_belasting()}")
    print(
        f"{'path':<26}{'histories/s':>13}{'seconds':>10}{'vs plain read':>15}{'peak RSS':>11}"
        f"{'CPU s':>8}"
    )
    for soort in paden:
        verhouding = beste["plain"] / beste[soort] if "plain" in beste else float("nan")
        print(
            f"{PADEN[soort]:<26}{args.aantal / beste[soort]:>13,.0f}{beste[soort]:>10.1f}"
            f"{verhouding:>14.2f}x{piek[soort]:>8,.0f} MB{cpu[soort]:>8.1f}"
        )
    print(
        "(histories/s and seconds: wall clock, best round; CPU s: user + system of all threads, "
        "least of the rounds)"
    )
    if cijfers:
        print(f"every path published the same figures (digest {next(iter(cijfers.values()))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
