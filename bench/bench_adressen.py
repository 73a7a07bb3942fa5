"""Benchmark: the packed address index for the whole country against a plain dict.

A synthetic CBS table of about 9 million addresses (some 450,000 postcodes, 342 municipalities,
a few postcodes spanning two municipalities) is written in the CBS form, then, each in a fresh
process so that resident memory is measured alone:

1. build: ``index_uit_cbs`` reads the table and saves the index file (time, peak memory);
2. index: ``laad_index`` loads the file (time, resident memory), then looks up random existing
   addresses with ``index.gemeentecode(postcode, huisnummer)`` (look-ups/s);
3. dict: the same table read into ``{(postcode, huisnummer): gemeentecode}`` (resident memory),
   then the same look-ups as ``d[postcode, huisnummer]`` (the plain baseline, no function call)
   and through the index, in alternating rounds in that one process: the speed ratio is measured
   side by side under the same load;
4. batch (when numpy, the ``[snel]`` extra, is installed): the same look-ups in one call of
   ``index.zoek_veel(postcodes, huisnummers)``, in steps 2 and 3 (resident memory with numpy and
   its views in place; look-ups/s alone and interleaved with the others).

Goals (issue 17): over 1,000,000 look-ups/s and under 200 MB resident for the country.
The machine is shared: the load average is printed before and after.

    python bench/bench_adressen.py [--adressen 9000000] [--lookups 1000000] [--seed 17]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_LOOKUPS_PER_SECOND = 1_000_000.0
GOAL_RESIDENT_MB = 200.0
JAAR = 2025


def resident_mb() -> float:
    """Current resident set size (VmRSS) in MB."""
    with open("/proc/self/status", encoding="ascii") as f:
        for regel in f:
            if regel.startswith("VmRSS:"):
                return int(regel.split()[1]) / 1024
    return float("nan")  # pragma: no cover - not Linux


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_country(path: Path, adressen: int, seed: int) -> int:
    """A synthetic country in the CBS form: ~20 house numbers per postcode, odd or even or all."""
    rng = random.Random(seed)
    gemeenten = [f"{c:04d}" for c in rng.sample(range(1, 2000), 342)]
    letters = [chr(65 + i) for i in range(26)]
    paren = [a + b for a in letters for b in letters if a + b not in ("SA", "SD", "SS")]
    geschreven = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(f"PC6;Huisnummer;Buurt{JAAR};Wijk{JAAR};Gemeente{JAAR}\n")
        pc4_lijst = sorted(rng.sample(range(1000, 10000), 4100))
        per_pc4 = adressen // len(pc4_lijst)
        for n, pc4 in enumerate(pc4_lijst):
            gemeente = gemeenten[n * len(gemeenten) // len(pc4_lijst)]
            buur = gemeenten[min(len(gemeenten) - 1, n * len(gemeenten) // len(pc4_lijst) + 1)]
            regels: list[str] = []
            teller = 0
            for paar in paren:
                if teller >= per_pc4:
                    break
                grootte = rng.randint(5, 40)
                soort = rng.random()
                start = rng.randint(1, 200)
                stap = 1 if soort < 0.3 else 2
                nummers = range(start, start + stap * grootte, stap)
                gemengd = rng.random() < 0.0002  # about 100 postcodes span two municipalities
                for i, hn in enumerate(nummers):
                    code = buur if gemengd and i >= grootte // 2 else gemeente
                    regels.append(
                        f"{pc4}{paar};{hn};{code}{pc4 % 100:02d}{i % 10:02d};{code}{pc4 % 100:02d};"
                        f"{code}\n"
                    )
                teller += grootte
            f.writelines(regels)
            geschreven += len(regels)
    return geschreven


def queries(path: Path, aantal: int, seed: int) -> list[tuple[str, int]]:
    """``aantal`` existing addresses, sampled from the table."""
    rng = random.Random(seed + 1)
    with open(path, encoding="utf-8") as f:
        totaal = sum(1 for _ in f) - 1
    gekozen = sorted(rng.sample(range(totaal), min(aantal, totaal)))
    uit: list[tuple[str, int]] = []
    with open(path, encoding="utf-8") as f:
        next(f)
        doel = iter(gekozen)
        volgende = next(doel, None)
        for i, regel in enumerate(f):
            if i == volgende:
                pc, hn = regel.split(";", 2)[:2]
                uit.append((pc, int(hn)))
                volgende = next(doel, None)
                if volgende is None:
                    break
    rng.shuffle(uit)
    return uit


def have_numpy() -> bool:
    """Whether numpy is installed (without importing it, so its memory is measured later)."""
    import importlib.util

    return importlib.util.find_spec("numpy") is not None


def batch_loop(index: object) -> object:
    """One ``zoek_veel`` call over the whole work list (the lists are made outside the timing)."""
    lijsten: dict[int, tuple[list[str], list[int]]] = {}

    def loop(w: list[tuple[str, int]]) -> None:
        if id(w) not in lijsten:
            lijsten[id(w)] = ([pc for pc, _ in w], [hn for _, hn in w])
        pcs, hns = lijsten[id(w)]
        resultaat = index.zoek_veel(pcs, hns)  # type: ignore[attr-defined]
        assert not resultaat.fouten, "every bench address exists"

    return loop


def rate(fn: object, werk: list[tuple[str, int]], herhaal: int = 3) -> float:
    beste = float("inf")
    for _ in range(herhaal):
        t0 = time.perf_counter()
        fn(werk)  # type: ignore[operator]
        beste = min(beste, time.perf_counter() - t0)
    return len(werk) / beste


# --- the steps, each run in its own process ----------------------------------------------------


def step_build(table: Path, out: Path) -> dict[str, float]:
    from warm_referral.adressen.cbs import index_uit_cbs

    t0 = time.perf_counter()
    index = index_uit_cbs(table)
    gebouwd = time.perf_counter() - t0
    index.opslaan(out)
    return {
        "build_s": gebouwd,
        "addresses": float(len(index)),
        "peak_mb": peak_mb(),
        "file_mb": out.stat().st_size / 2**20,
    }


def step_index(index_file: Path, table: Path, lookups: int, seed: int) -> dict[str, float]:
    from warm_referral.adressen.index import laad_index

    voor = resident_mb()
    t0 = time.perf_counter()
    index = laad_index(index_file)
    geladen = time.perf_counter() - t0
    na = resident_mb()
    met_numpy = resident_with_numpy(index) if have_numpy() else None
    werk = queries(table, lookups, seed)
    gemeentecode = index.gemeentecode

    def loop(w: list[tuple[str, int]]) -> None:
        for pc, hn in w:
            gemeentecode(pc, hn)

    uit = {
        "load_s": geladen,
        "resident_mb": na,
        "index_mb": na - voor,
        "lookups_per_s": rate(loop, werk),
    }
    if met_numpy is not None:
        batch = batch_loop(index)
        batch(werk[:1000])  # warm up
        uit["batch_lookups_per_s"] = rate(batch, werk)
        uit["batch_resident_mb"] = met_numpy
        uit["batch_peak_mb"] = peak_mb()
    return uit


def resident_with_numpy(index: object) -> float:
    """What importing numpy and making the index's batch tables adds to the resident MB."""
    voor = resident_mb()
    index.batchzoeker()  # type: ignore[attr-defined]  # imports numpy
    return resident_mb() - voor


def step_dict(table: Path, index_file: Path, lookups: int, seed: int) -> dict[str, float]:
    """The dict's memory alone; then both look-ups in this one process, rounds interleaved, so the
    speed ratio is measured side by side under the same load."""
    from warm_referral.adressen.index import laad_index

    voor = resident_mb()
    t0 = time.perf_counter()
    d: dict[tuple[str, int], str] = {}
    codes: dict[str, str] = {}
    with open(table, encoding="utf-8") as f:
        next(f)
        for regel in f:
            pc, hn, _, _, gm = regel.rstrip("\n").split(";")
            d[pc, int(hn)] = codes.setdefault(gm, gm)
    gebouwd = time.perf_counter() - t0
    na = resident_mb()
    werk = queries(table, lookups, seed)
    index = laad_index(index_file)
    gemeentecode = index.gemeentecode

    def via_dict(w: list[tuple[str, int]]) -> None:
        for pc, hn in w:
            d[pc, hn]

    def via_index(w: list[tuple[str, int]]) -> None:
        for pc, hn in w:
            gemeentecode(pc, hn)

    via_batch = batch_loop(index) if have_numpy() else None
    beste = {"dict": 0.0, "index": 0.0, "batch": 0.0}
    for _ in range(3):
        beste["index"] = max(beste["index"], rate(via_index, werk, 1))
        beste["dict"] = max(beste["dict"], rate(via_dict, werk, 1))
        if via_batch is not None:
            beste["batch"] = max(beste["batch"], rate(via_batch, werk, 1))
    return {
        "build_s": gebouwd,
        "resident_mb": na,
        "index_mb": na - voor,
        "lookups_per_s": beste["dict"],
        "index_lookups_per_s": beste["index"],
        "batch_lookups_per_s": beste["batch"],
    }


def run_step(*args: str) -> dict[str, float]:
    uit = subprocess.run(
        [sys.executable, __file__, "--step", *args], check=True, capture_output=True, text=True
    ).stdout
    resultaat: dict[str, float] = json.loads(uit.strip().splitlines()[-1])
    return resultaat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--adressen", type=int, default=9_000_000)
    parser.add_argument("--lookups", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--skip-dict", action="store_true", help="leave out the dict baseline")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.step:
        naam, *rest = args.step
        if naam == "build":
            resultaat = step_build(Path(rest[0]), Path(rest[1]))
        elif naam == "index":
            resultaat = step_index(Path(rest[0]), Path(rest[1]), int(rest[2]), int(rest[3]))
        else:
            resultaat = step_dict(Path(rest[0]), Path(rest[1]), int(rest[2]), int(rest[3]))
        print(json.dumps(resultaat))
        return 0

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-adressen-") as tmp:
        table = Path(tmp) / f"pc6hnr{JAAR}0801_gwb.csv"
        index_file = Path(tmp) / "adressen.idx"
        t0 = time.perf_counter()
        rijen = write_country(table, args.adressen, args.seed)
        print(
            f"synthetic table: {rijen:,} addresses, {table.stat().st_size / 2**20:.0f} MB, "
            f"written in {time.perf_counter() - t0:.1f}s"
        )
        bouw = run_step("build", str(table), str(index_file))
        print(
            f"build:  {bouw['build_s']:.1f}s for {bouw['addresses']:,.0f} addresses "
            f"({bouw['addresses'] / bouw['build_s']:,.0f} rows/s), peak {bouw['peak_mb']:.0f} MB, "
            f"file {bouw['file_mb']:.0f} MB"
        )
        ix = run_step("index", str(index_file), str(table), str(args.lookups), str(args.seed))
        print(
            f"index:  load {ix['load_s']:.2f}s, resident {ix['resident_mb']:.0f} MB "
            f"(index {ix['index_mb']:.0f} MB), {ix['lookups_per_s']:,.0f} look-ups/s"
        )
        if "batch_lookups_per_s" in ix:
            print(
                f"batch:  zoek_veel over {args.lookups:,} addresses: "
                f"{ix['batch_lookups_per_s']:,.0f} look-ups/s; numpy and its views add "
                f"{ix['batch_resident_mb']:.0f} MB: resident "
                f"{ix['resident_mb'] + ix['batch_resident_mb']:.0f} MB without the work list, "
                f"peak {ix['batch_peak_mb']:.0f} MB with it"
            )
        else:
            print("batch:  numpy is not installed (pip install 'warm-referral[snel]'): skipped")
        if not args.skip_dict:
            dk = run_step("dict", str(table), str(index_file), str(args.lookups), str(args.seed))
            print(
                f"dict:   build {dk['build_s']:.1f}s, resident {dk['resident_mb']:.0f} MB "
                f"(dict {dk['index_mb']:.0f} MB), {dk['lookups_per_s']:,.0f} look-ups/s; "
                f"index in the same process, rounds interleaved: "
                f"{dk['index_lookups_per_s']:,.0f} look-ups/s"
                + (
                    f", batch {dk['batch_lookups_per_s']:,.0f} look-ups/s"
                    if dk["batch_lookups_per_s"]
                    else ""
                )
            )
            print(
                f"ratio index/dict: speed {dk['index_lookups_per_s'] / dk['lookups_per_s']:.2f} x "
                f"(side by side), memory {ix['resident_mb'] / dk['resident_mb']:.2f} x"
            )
            if dk["batch_lookups_per_s"]:
                print(
                    f"ratio batch/scalar: {dk['batch_lookups_per_s'] / dk['index_lookups_per_s']:.1f}"
                    f" x, batch/dict: {dk['batch_lookups_per_s'] / dk['lookups_per_s']:.1f} x "
                    "(side by side)"
                )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # The goals hold for the batch look-up (with numpy in memory) when numpy is installed.
    snelheid = ix.get("batch_lookups_per_s", ix["lookups_per_s"])
    geheugen = ix["resident_mb"] + ix.get("batch_resident_mb", 0.0)
    soort = "batch" if "batch_lookups_per_s" in ix else "scalar"
    ok_speed = snelheid >= GOAL_LOOKUPS_PER_SECOND
    ok_memory = geheugen <= GOAL_RESIDENT_MB
    print(
        f"goal {GOAL_LOOKUPS_PER_SECOND:,.0f} look-ups/s ({soort}: {snelheid:,.0f}): "
        f"{'met' if ok_speed else 'MISSED'}; goal under {GOAL_RESIDENT_MB:.0f} MB resident "
        f"({geheugen:.0f} MB): {'met' if ok_memory else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
