"""``warm-referral monitor``: the quarterly report, a sample report, and the DDAS export.

- ``monitor rapport``: histories (JSON Lines) -> ``monitoring.csv`` and ``monitoring.html``;
- ``monitor demo``: the same from synthetic pilot data (and writes that data beside it);
- ``monitor ddas``: one municipality's warm referrals of a period as a DDAS v1.2 delivery;
- ``monitor export``: the histories of an installed source as JSON Lines.

Besides a JSON Lines file (``--historie``), ``rapport`` reads any installed history source, such
as the reference receiver's database (``--ontvanger-db``): see :mod:`.historiebronnen`.

Charts need matplotlib and DDAS validation jsonschema: ``pip install 'warm-referral[rapport]'``.
``monitor rapport`` sums the histories with DuckDB when it is installed
(``pip install 'warm-referral[analyse]'``; ``--engine`` chooses), after validating every line
(``--vertrouwd`` skips that for a file this library wrote itself).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from . import EXIT_INVALID, EXIT_OK, UsageError
from .historiebronnen import BronFout, Historiebron, laad_bronnen

__all__ = ["register"]

_KWARTAAL = re.compile(r"^(\d{4})-K([1-4])$")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "monitor",
        help="monitoring: the quarterly report, a sample report, the DDAS export",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="monitor_command", metavar="SUBCOMMAND", required=True)

    bronnen = laad_bronnen()
    rapport = sub.add_parser("rapport", help="write the CSV and HTML report from histories")
    rapport.add_argument("--historie", metavar="FILE", help="JSON Lines histories")
    _bronopties(rapport, bronnen)
    rapport.add_argument(
        "--basislijn", metavar="FILE", help="a DDAS v1.2 delivery of ordinary signals"
    )
    rapport.add_argument(
        "--engine",
        choices=("auto", "duckdb", "python"),
        default="auto",
        help="sum with DuckDB (the [analyse] extra) or pure Python; auto: DuckDB when installed",
    )
    rapport.add_argument(
        "--vertrouwd",
        action="store_true",
        help="the file was written by this library from validated histories: DuckDB skips the "
        "validation pass (it still checks types, codes and required members)",
    )
    _gemeenschappelijk(rapport)
    rapport.set_defaults(handler=_rapport)

    demo = sub.add_parser("demo", help="write a sample report from synthetic pilot data")
    demo.add_argument("--aantal", type=int, default=6000, help="number of referrals (6000)")
    demo.add_argument("--seed", type=int, default=15, help="random seed (15)")
    _gemeenschappelijk(demo)
    demo.set_defaults(handler=_demo)

    ddas = sub.add_parser("ddas", help="one municipality's warm referrals as a DDAS v1.2 delivery")
    ddas.add_argument("--historie", required=True, metavar="FILE")
    ddas.add_argument(
        "--clienten",
        required=True,
        metavar="FILE",
        help="JSON object: verwijzingId -> DDAS client object (BSN or postcode and huisnummer)",
    )
    ddas.add_argument("--gemeente", required=True, metavar="CODE", help="CBS gemeentecode")
    ddas.add_argument("--kwartaal", required=True, metavar="YYYY-KN")
    ddas.add_argument("--organisatie", required=True, help="name of the delivering organisation")
    ddas.add_argument("--leverancier", default="WARM-REFERRAL", help="codeGegevensleverancier")
    ddas.add_argument("--uit", metavar="FILE", help="write here instead of stdout")
    ddas.set_defaults(handler=_ddas)

    export = sub.add_parser(
        "export",
        help="write the histories of an installed source (e.g. --ontvanger-db) as JSON Lines",
    )
    _bronopties(export, bronnen)
    export.add_argument("--uit", metavar="FILE", help="write here instead of stdout")
    export.set_defaults(handler=_export, historie=None, historie_optie=False)


def _bronopties(parser: argparse.ArgumentParser, bronnen: list[Historiebron]) -> None:
    """Each installed source's options; a source whose options clash is left out, with a warning."""
    werkend = []
    for bron in bronnen:
        try:
            bron.voeg_opties_toe(parser)
            werkend.append(bron)
        except Exception as exc:  # a broken plugin must not take the command down
            print(
                f"warm-referral monitor: history source {bron.naam!r} left out: "
                f"{type(exc).__name__}: {exc}",
                file=sys.stderr,
            )
    parser.set_defaults(bronnen=werkend)


def _bron(args: argparse.Namespace) -> Historiebron | None:
    """The one source the command line chose (None: the --historie file)."""
    gekozen = [b for b in args.bronnen if b.gekozen(args)]
    if len(gekozen) + (args.historie is not None) != 1:
        namen = [b.naam for b in args.bronnen]
        if getattr(args, "historie_optie", True):
            namen.insert(0, "--historie FILE")
        if not namen:
            raise UsageError("no history source is installed (e.g. warm-referral-reference)")
        raise UsageError(f"give exactly one source of histories: {' or '.join(namen)}")
    return gekozen[0] if gekozen else None


def _gemeenschappelijk(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--uit", required=True, metavar="DIR", help="output directory")
    parser.add_argument("--kwartaal", metavar="YYYY-KN", help="the report's quarter")
    parser.add_argument("--peildatum", metavar="YYYY-MM-DD", help="default: today")
    parser.add_argument("--drempel", type=int, default=5, help="suppression threshold (5)")


def _datum(tekst: str | None, optie: str) -> date | None:
    if tekst is None:
        return None
    try:
        return date.fromisoformat(tekst)
    except ValueError:
        raise UsageError(f"{optie}: not a date YYYY-MM-DD: {tekst!r}") from None


def _kwartaal(tekst: str | None) -> tuple[date, date] | None:
    if tekst is None:
        return None
    m = _KWARTAAL.fullmatch(tekst)
    if m is None:
        raise UsageError(f"--kwartaal: expected YYYY-KN (e.g. 2025-K2), got {tekst!r}")
    jaar, k = int(m[1]), int(m[2])
    van = date(jaar, 3 * k - 2, 1)
    tot = date(jaar + 1, 1, 1) if k == 4 else date(jaar, 3 * k + 1, 1)
    return van, tot - timedelta(days=1)


def _schrijf(args: argparse.Namespace, resultaat: Any, basislijn: Any) -> int:
    from ..monitoring.rapport import rapport_van

    uit = Path(args.uit)
    uit.mkdir(parents=True, exist_ok=True)
    rapport = rapport_van(
        resultaat, kwartaal=args.kwartaal, basislijn=basislijn, drempel=args.drempel
    )
    (uit / "monitoring.csv").write_text(rapport.csv, encoding="utf-8")
    (uit / "monitoring.html").write_text(rapport.html, encoding="utf-8")
    print(
        f"{rapport.resultaat.aantal_historien} histories -> {uit / 'monitoring.csv'}, "
        f"{uit / 'monitoring.html'} (kwartaal {rapport.kwartaal})"
    )
    return EXIT_OK


def _controleer(args: argparse.Namespace) -> None:
    if args.drempel < 1:
        raise UsageError("--drempel: must be at least 1")
    _kwartaal(args.kwartaal)


def _rapport(args: argparse.Namespace) -> int:
    from ..monitoring import InvalidHistory, bereken_bestand
    from ..monitoring.engine import beschikbaar
    from ..monitoring.errors import InvalidDelivery
    from ..monitoring.vergelijking import lees_ddas_levering, tel_levering

    peildatum = _datum(args.peildatum, "--peildatum") or date.today()
    _controleer(args)
    if args.engine == "duckdb" and not beschikbaar():
        raise UsageError("--engine duckdb needs duckdb: pip install 'warm-referral[analyse]'")
    bron = _bron(args)
    basislijn = None
    try:
        if args.basislijn:
            basislijn = tel_levering(lees_ddas_levering(Path(args.basislijn).read_bytes()))
        with tempfile.TemporaryDirectory(prefix="warm-referral-monitor-") as tijdelijk:
            pad = args.historie
            if bron is not None:  # the source writes the exchange format, read as any file
                pad = str(Path(tijdelijk) / "historie.jsonl")
                with open(pad, "w", encoding="utf-8") as uit:
                    bron.schrijf(args, uit)
            resultaat = bereken_bestand(
                pad, peildatum=peildatum, engine=args.engine, vertrouwd=args.vertrouwd
            )
    except (InvalidHistory, InvalidDelivery, BronFout, OSError) as exc:
        print(f"warm-referral monitor: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return _schrijf(args, resultaat, basislijn)


def _export(args: argparse.Namespace) -> int:
    bron = _bron(args)
    assert bron is not None  # export has no --historie
    try:
        if args.uit is None or args.uit == "-":
            aantal = bron.schrijf(args, sys.stdout)
        else:
            with open(args.uit, "w", encoding="utf-8") as uit:
                aantal = bron.schrijf(args, uit)
    except (BronFout, OSError) as exc:
        print(f"warm-referral monitor export: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{aantal} histories from {bron.naam}", file=sys.stderr)
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from ..monitoring import bereken, schrijf_historie
    from ..monitoring.synthetisch import synthetische_basislijn, synthetische_historien
    from ..monitoring.vergelijking import tel_levering, valideer_ddas

    if args.aantal < 1:
        raise UsageError("--aantal: must be at least 1")
    _controleer(args)
    van, tot = date(2024, 1, 1), date(2025, 12, 31)
    peildatum = _datum(args.peildatum, "--peildatum") or date(2026, 1, 15)
    uit = Path(args.uit)
    uit.mkdir(parents=True, exist_ok=True)
    historien = list(
        synthetische_historien(args.aantal, seed=args.seed, van=van, tot=tot, uitbreiding=True)
    )
    with open(uit / "historie.jsonl", "w", encoding="utf-8") as f:
        schrijf_historie(historien, f)
    basis = synthetische_basislijn(args.aantal * 3, seed=args.seed + 1, van=van, tot=tot)
    valideer_ddas(basis)
    (uit / "basislijn-ddas.json").write_text(json.dumps(basis, ensure_ascii=False), "utf-8")
    if args.kwartaal is None:
        args.kwartaal = "2025-K4"
    return _schrijf(args, bereken(historien, peildatum=peildatum), tel_levering(basis))


def _ddas(args: argparse.Namespace) -> int:
    from ..monitoring import InvalidHistory, lees_historie
    from ..monitoring.ddas_export import ddas_levering
    from ..monitoring.errors import InvalidDelivery

    periode = _kwartaal(args.kwartaal)
    assert periode is not None
    try:
        clienten = json.loads(Path(args.clienten).read_text(encoding="utf-8"))
        if not isinstance(clienten, dict):
            raise UsageError("--clienten: expected a JSON object verwijzingId -> client")
        with open(args.historie, encoding="utf-8") as f:
            levering = ddas_levering(
                lees_historie(f, bron=args.historie),
                gemeentecode=args.gemeente,
                van=periode[0],
                tot=periode[1],
                clienten=clienten,
                aanleverende_organisatie={"naam": args.organisatie},
                code_gegevensleverancier=args.leverancier,
                aangeleverd_op=datetime.now(timezone.utc),
            )
    except (InvalidHistory, InvalidDelivery, OSError, KeyError, ValueError) as exc:
        print(f"warm-referral monitor ddas: {exc}", file=sys.stderr)
        return EXIT_INVALID
    tekst = json.dumps(levering, ensure_ascii=False, indent=2) + "\n"
    if args.uit:
        Path(args.uit).write_text(tekst, encoding="utf-8")
    else:
        sys.stdout.write(tekst)
    return EXIT_OK
