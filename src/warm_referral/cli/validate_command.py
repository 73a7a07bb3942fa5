"""``warm-referral validate FILE...``: is each file a valid message, and if not, why not?"""

from __future__ import annotations

import argparse
import json
from typing import Any

from . import EXIT_INVALID, EXIT_OK, read_input


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check message files (JSON or XML, detected by content)",
        description="Validate warm-referral messages. Exit 0 when all are valid, 1 when any is "
        "invalid (every violation is listed), 2 on a usage error. '-' reads standard input.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..codec.detect import parse_any
    from ..errors import MessageValidationError

    results: list[dict[str, Any]] = []
    for name in args.files:
        data = read_input(name)
        try:
            bericht = parse_any(data)
        except MessageValidationError as exc:
            results.append(
                {
                    "bestand": name,
                    "geldig": False,
                    "fouten": [
                        {"pointer": v.pointer, "code": v.code, "melding": v.melding}
                        for v in exc.violations
                    ],
                }
            )
        else:
            results.append({"bestand": name, "geldig": True, "berichttype": bericht.berichttype})
    if args.format == "json":
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for result in results:
            if result["geldig"]:
                print(f"{result['bestand']}: valid {result['berichttype']}")
            else:
                n = len(result["fouten"])
                print(f"{result['bestand']}: INVALID ({n} violation{'s' if n != 1 else ''})")
                for fout in result["fouten"]:
                    print(f"  {fout['pointer'] or '/'}: {fout['melding']} [{fout['code']}]")
    return EXIT_OK if all(r["geldig"] for r in results) else EXIT_INVALID
