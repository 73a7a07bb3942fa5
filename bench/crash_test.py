"""Crash test, script variant: stream COUNT referrals while the receiver is killed and restarted.

    python bench/crash_test.py --count 10000 [--kills 20] [--gelijktijdig 32] [--seed N] [--map DIR]
                               [--backend sqlite|postgresql] [--instances N]

Prints sent / stored / duplicates / lost (counted in the receiver's database itself) and the
duration; exit code 0 when every referral was stored exactly once and acknowledged, 1 otherwise.
``--backend postgresql`` starts a throwaway PostgreSQL server (the machine's binaries, see
``warm_referral_reference.temporary_postgres``) and migrates a database on it; ``--instances 2``
runs two ``serve receiver`` processes on that one database behind a round-robin load balancer, and
each kill hits one of them. The same harness runs in the test suite
(tests/reference/test_crash.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
from pathlib import Path

from warm_referral_reference.sender.crashproef import draai_crashproef


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="referrals (default 10000)")
    parser.add_argument(
        "--kills",
        type=int,
        default=None,
        help="SIGKILLs at random moments (default: 1 per 500 referrals, 5..40)",
    )
    parser.add_argument("--gelijktijdig", type=int, default=32, help="in flight (default 32)")
    parser.add_argument(
        "--tempo",
        type=float,
        default=400.0,
        help="referrals enqueued per second at most (default 400)",
    )
    parser.add_argument("--seed", type=int, help="random seed, to repeat a run")
    parser.add_argument("--map", type=Path, help="keep the databases here (default: temporary)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--instances", type=int, default=1, help="receiver processes on one database (default 1)"
    )
    args = parser.parse_args(argv)
    kills = args.kills if args.kills is not None else max(5, min(40, args.count // 500))

    async def draai(map: Path, db: str | None) -> int:
        print(
            f"streaming {args.count} referrals to {args.instances} receiver instance(s) on "
            f"{args.backend}, killing one {kills}x (files in {map})"
        )
        resultaat = await draai_crashproef(
            args.count, map, db=db, instanties=args.instances, kills=kills, tempo=args.tempo,
            gelijktijdig=args.gelijktijdig, seed=args.seed, melding=print,
        )  # fmt: skip
        print(resultaat.samenvatting())
        for probleem in resultaat.problemen:
            print(f"PROBLEM: {probleem}")
        print("OK: exactly once" if resultaat.ok else "FAILED")
        return 0 if resultaat.ok else 1

    with contextlib.ExitStack() as stack:
        if args.map is not None:
            args.map.mkdir(parents=True, exist_ok=True)
            map = args.map
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="warm-referral-crash-"))
            map = Path(tmp)
        db = None
        if args.backend == "postgresql":
            from warm_referral_reference.receiver.storage import migreer
            from warm_referral_reference.temporary_postgres import TemporaryPostgres

            db = stack.enter_context(TemporaryPostgres()).create_database("ontvanger")
            migreer(db)
        return asyncio.run(draai(map, db))
    return 1  # unreachable (mypy: ExitStack may swallow exceptions)


if __name__ == "__main__":
    sys.exit(main())
