"""Benchmark: parse + validate one Verwijzing, side by side in one run (the machine is noisy).

    python bench/bench_parse.py [--seconds 1.0]

Prints msgs/s for the library (parse_json: JSON parse, validation, cross-field rules), json.loads
alone (the floor), and jsonschema's prebuilt Draft202012Validator on the already-parsed document,
then the ratios. Goals: library >= 0.25 x json.loads and >= 10 x jsonschema; import < 300 ms.
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


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per second: the best of five rounds, so a noisy neighbour hurts less."""
    rounds = []
    for _ in range(5):
        n, start = 0, time.perf_counter()
        deadline = start + seconds / 5
        while True:
            for _ in range(50):
                fn()
            n += 50
            now = time.perf_counter()
            if now >= deadline:
                break
        rounds.append(n / (now - start))
    return max(rounds)


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

    data = EXAMPLE.read_bytes()
    schemas = [json.loads(p.read_text()) for p in (ROOT / "spec/v1/schemas").glob("*.json")]
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    target = next(s for s in schemas if s["$id"].endswith("/Verwijzing.json"))
    validator = Draft202012Validator(target, registry=registry)
    document = json.loads(data)
    assert not list(validator.iter_errors(document))

    library = rate(lambda: parse_json(data), args.seconds)
    floor = rate(lambda: json.loads(data), args.seconds)
    schema_only = rate(lambda: validator.is_valid(json.loads(data)), args.seconds)
    print(f"message: {EXAMPLE.name} ({len(data)} bytes)")
    print(f"warm_referral.parse_json : {library:12,.0f} msgs/s")
    print(f"json.loads               : {floor:12,.0f} msgs/s")
    print(f"jsonschema (prebuilt)    : {schema_only:12,.0f} msgs/s")
    print(f"ratio library / json.loads : {library / floor:6.2f}  (goal >= 0.25)")
    print(f"ratio library / jsonschema : {library / schema_only:6.1f}  (goal >= 10)")
    print(f"import warm_referral       : {import_ms():6.1f} ms (goal < 300)")


if __name__ == "__main__":
    main()
