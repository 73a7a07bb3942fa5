"""Benchmark: a full conformance run (role ontvanger) against the reference receiver, and the
mutation score of the kit against every mutant in conformance/tests/mutanten.py, and of role
knooppunt against the reference knooppunt's mutants (conformance/tests/knooppunt_mutanten.py).

Goal (issue 11): a full ontvanger run under 60 s on the 2-core development machine; the kit fails
every mutant and names the requirement each one breaks (score 100%). Prints the machine's load
average before and after, since the machine is shared.

    python bench/bench_conformance.py [--alleen-run] [--voorbeelden N] [--mutant NAAM ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conformance" / "tests"))

import referentie
import referentie_knooppunt
from knooppunt_mutanten import KNOOPPUNT_MUTANTEN
from mutanten import MUTANTEN, Mutant, proxy
from warm_referral_conformance.catalogus import catalogus
from warm_referral_conformance.knooppunt.run import draai_knooppunt_tegen
from warm_referral_conformance.ontvanger_run import draai_tegen
from warm_referral_conformance.resultaten import Status
from warm_referral_conformance.vrijstellingen import lees_vrijstellingen

GOAL_SECONDS = 60.0


def _belasting() -> str:
    een, vijf, _ = os.getloadavg()
    return f"load average {een:.1f} (1 min), {vijf:.1f} (5 min) on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--alleen-run", action="store_true", help="only the timed run, no mutants")
    parser.add_argument(
        "--voorbeelden",
        type=int,
        default=25,
        help="generated messages per generating check (the CLI default is 25)",
    )
    parser.add_argument("--mutant", action="append", default=[], help="only these mutants")
    args = parser.parse_args(argv)
    vrijstellingen = lees_vrijstellingen(referentie.VRIJSTELLINGEN, catalogus())
    print(f"before: {_belasting()}")
    with tempfile.TemporaryDirectory() as tmp, referentie.ontvanger(Path(tmp)) as url:
        begin = time.perf_counter()
        run = draai_tegen(
            referentie.doelwit(url, voorbeelden=args.voorbeelden),
            vrijstellingen=vrijstellingen,
            limiet=600,
        )
        duur = time.perf_counter() - begin
        aantal = sum(len(c.uitwisselingen) for c in run.controles)
        print(
            f"full ontvanger run against the reference receiver: {duur:.1f} s "
            f"({len(run.controles)} checks, {aantal} HTTP exchanges; goal < {GOAL_SECONDS:.0f} s: "
            f"{'met' if duur < GOAL_SECONDS else 'NOT met'}); {'passed' if run.geslaagd else 'FAILED'}: {run.samenvatting}"
        )
        if args.alleen_run:
            print(f"after: {_belasting()}")
            return 0 if run.geslaagd and duur < GOAL_SECONDS else 1
        gekozen = [m for m in MUTANTEN if not args.mutant or m.naam in args.mutant]
        gedood = 0
        for mutant in gekozen:
            t0 = time.perf_counter()
            if mutant.lancering is not None:
                with referentie.ontvanger(Path(tmp), mutant=mutant.lancering) as mutant_url:
                    uitslag = draai_tegen(
                        referentie.doelwit(mutant_url, voorbeelden=3),
                        vrijstellingen=vrijstellingen,
                        limiet=600,
                    )
            else:
                with proxy(mutant, url) as mutant_url:
                    uitslag = draai_tegen(
                        referentie.doelwit(mutant_url, voorbeelden=3),
                        vrijstellingen=vrijstellingen,
                        limiet=600,
                    )
            gefaald = sorted(e.eis for e in uitslag.eisen if e.status is Status.GEFAALD)
            raak = not uitslag.geslaagd and mutant.eis in gefaald
            gedood += raak
            print(
                f"  {'killed' if raak else 'SURVIVED':8} {mutant.naam:28} breaks {mutant.eis:11} "
                f"kit failed {', '.join(gefaald) or 'nothing'} ({time.perf_counter() - t0:.1f} s)"
            )
        if gekozen:
            print(
                f"mutation score: {gedood}/{len(gekozen)} = {100 * gedood / len(gekozen):.0f}% (each with the right requirement id)"
            )
        knooppunt_gekozen = [
            m for m in KNOOPPUNT_MUTANTEN if not args.mutant or m.naam in args.mutant
        ]
        knooppunt_gedood = _knooppunt(Path(tmp), knooppunt_gekozen)
    print(f"after: {_belasting()}")
    return 0 if gedood == len(gekozen) and knooppunt_gedood == len(knooppunt_gekozen) else 1


def _knooppunt(tmp: Path, gekozen: list[Mutant]) -> int:
    """Role knooppunt: a run against the reference knooppunt, then its mutants; how many died."""
    if not gekozen:
        return 0
    with referentie_knooppunt.knooppunt(tmp) as url:
        begin = time.perf_counter()
        run = draai_knooppunt_tegen(referentie_knooppunt.doelwit(url))
        print(
            f"knooppunt run against the reference knooppunt: {time.perf_counter() - begin:.1f} s; "
            f"{'passed' if run.geslaagd else 'FAILED'}: {run.samenvatting}"
        )
        gedood = 0
        for mutant in KNOOPPUNT_MUTANTEN:
            if mutant not in gekozen:
                continue
            t0 = time.perf_counter()
            with proxy(mutant, url) as mutant_url:
                uitslag = draai_knooppunt_tegen(referentie_knooppunt.doelwit(mutant_url))
            gefaald = sorted(e.eis for e in uitslag.eisen if e.status is Status.GEFAALD)
            raak = not uitslag.geslaagd and mutant.eis in gefaald
            gedood += raak
            print(
                f"  {'killed' if raak else 'SURVIVED':8} {mutant.naam:28} breaks {mutant.eis:11} "
                f"kit failed {', '.join(gefaald) or 'nothing'} ({time.perf_counter() - t0:.1f} s)"
            )
    print(f"knooppunt mutation score: {gedood}/{len(gekozen)} = {100 * gedood / len(gekozen):.0f}%")
    return gedood


if __name__ == "__main__":
    sys.exit(main())
