"""Benchmark: parse + validate one Verwijzing, side by side in one run (the machine is noisy).

    python bench/bench_parse.py [--seconds 1.0]

Prints msgs/s for the library (parse_json: JSON parse, validation, cross-field rules, the I-JSON
check for repeated member names), json.loads alone (the floor), that duplicate-name check alone,
and jsonschema's prebuilt Draft202012Validator on the already-parsed document, then the ratios.
Goals: library >= 0.2 x json.loads (0.25 before the duplicate-name check, issue 13) and >= 10 x
jsonschema; import < 300 ms. The rounds of the candidates alternate, so a noisy neighbour slows
them alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "spec" / "v1" / "examples" / "verwijzing-water-afsluitregeling.json"


def _round(fn: Callable[[], object], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            fn()
        n += 50
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def rates(fns: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Calls per second of each: the best of ten rounds, the candidates' rounds interleaved."""
    best = dict.fromkeys(fns, 0.0)
    for _ in range(10):
        for name, fn in fns.items():
            best[name] = max(best[name], _round(fn, seconds / 10))
    return best


def import_ms() -> float:
    samples = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import warm_referral"],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        line = [ln for ln in out.splitlines() if ln.rstrip().endswith("| warm_referral")][-1]
        samples.append(int(line.split("|")[1]) / 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from warm_referral import parse_json
    from warm_referral.codec.json_codec import _heeft_dubbele_naam

    data = EXAMPLE.read_bytes()
    schemas = [json.loads(p.read_text()) for p in (ROOT / "spec/v1/schemas").glob("*.json")]
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    target = next(s for s in schemas if s["$id"].endswith("/Verwijzing.json"))
    validator = Draft202012Validator(target, registry=registry)
    document = json.loads(data)
    assert not list(validator.iter_errors(document))

    gemeten = rates(
        {
            "library": lambda: parse_json(data),
            "floor": lambda: json.loads(data),
            "duplicates": lambda: _heeft_dubbele_naam(data),
        },
        args.seconds,
    )
    library, floor, duplicates = gemeten["library"], gemeten["floor"], gemeten["duplicates"]
    schema_only = rates({"s": lambda: validator.is_valid(json.loads(data))}, args.seconds)["s"]
    print(f"message: {EXAMPLE.name} ({len(data)} bytes)")
    print(f"warm_referral.parse_json : {library:12,.0f} msgs/s")
    print(f"json.loads               : {floor:12,.0f} msgs/s")
    print(f"duplicate-name check     : {duplicates:12,.0f} msgs/s (part of parse_json)")
    print(f"jsonschema (prebuilt)    : {schema_only:12,.0f} msgs/s")
    print(f"ratio library / json.loads : {library / floor:6.2f}  (goal >= 0.2)")
    print(f"ratio library / jsonschema : {library / schema_only:6.1f}  (goal >= 10)")
    print(f"import warm_referral       : {import_ms():6.1f} ms (goal < 300)")


if __name__ == "__main__":
    main()
