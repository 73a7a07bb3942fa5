"""``warm-referral voorbeeld NAME|FILE [--nu T]``: an example message, re-dated to now.

The spec's examples are fixed-dated test vectors: a receiver refuses a Verwijzing from the future
and, per agreement profile, one that arrives too late, and it refuses a second referral in one
conversation. This prints the example moved to the present (or to ``--nu``) with fresh
identifiers (:func:`warm_referral.testing.voorbeelden.herdateer`), ready to post:

    warm-referral voorbeeld verwijzing-water-afsluitregeling | curl --json @- ...

NAME is one of the spec's valid examples, shipped in the package (``--lijst`` names them); FILE
is any message, JSON or XML, the output in the same form.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from . import EXIT_INVALID, EXIT_OK, UsageError, read_input


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "voorbeeld",
        help="print an example message re-dated to now, with fresh identifiers (ready to post)",
        description="Print one of the spec's example messages (by NAME, see --lijst) or a message "
        "file, moved to the present (or --nu) with a fresh berichtId and conversatieId (and "
        "verwijzingId): the examples are fixed-dated test vectors that a receiver refuses as they "
        "are. Exit 0 on success, 1 when the input is not a valid message, 2 on a usage error.",
    )
    parser.add_argument("bron", nargs="?", metavar="NAME|FILE", help="an example name or a file")
    parser.add_argument(
        "--nu",
        metavar="T",
        help="the new aangemaaktOp, an RFC 3339 date-time with offset (default: now)",
    )
    parser.add_argument("--lijst", action="store_true", help="list the example names and stop")
    parser.add_argument("--compact", action="store_true", help="the wire form without indentation")
    parser.set_defaults(handler=run)


def _namen() -> list[str]:
    map_ = resources.files("warm_referral") / "data" / "voorbeelden"
    return sorted(p.name.removesuffix(".json") for p in map_.iterdir() if p.name.endswith(".json"))


def _lees(bron: str) -> bytes:
    if bron == "-" or Path(bron).is_file():
        return read_input(bron)
    if bron in _namen():
        pad = resources.files("warm_referral") / "data" / "voorbeelden" / f"{bron}.json"
        return pad.read_bytes()
    raise UsageError(f"{bron!r} is neither a file nor an example; examples: {', '.join(_namen())}")


def run(args: argparse.Namespace) -> int:
    from .._tijd import parse_tijdstip
    from ..codec.detect import parse_any
    from ..codec.xml import to_xml
    from ..errors import MessageValidationError, RemoteProtocolError
    from ..testing.voorbeelden import RedateError, herdateer

    if args.lijst:
        print("\n".join(_namen()))
        return EXIT_OK
    if args.bron is None:
        raise UsageError("give an example NAME or a FILE (--lijst names the examples)")
    nu = None
    if args.nu is not None:
        try:
            nu = parse_tijdstip(args.nu)
        except (ValueError, RemoteProtocolError) as exc:
            raise UsageError(f"--nu {args.nu!r}: {exc}") from None
    data = _lees(args.bron)
    xml = data.lstrip().startswith(b"<")
    try:
        bericht = herdateer(parse_any(data), nu)
    except RedateError as exc:
        raise UsageError(str(exc)) from None
    except MessageValidationError as exc:
        print(f"{args.bron}: INVALID ({len(exc.violations)} violations)", file=sys.stderr)
        for violation in exc.violations:
            print(f"  {violation}", file=sys.stderr)
        return EXIT_INVALID
    if xml:
        sys.stdout.buffer.write(to_xml(bericht, pretty=not args.compact))
    elif args.compact:
        sys.stdout.buffer.write(bericht.to_json() + b"\n")
    else:
        tekst = json.dumps(json.loads(bericht.to_json()), indent=2, ensure_ascii=False)
        sys.stdout.write(tekst + "\n")
    return EXIT_OK
