"""``warm-referral schema``: print one published JSON Schema, or write them all to a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import EXIT_OK, UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print or write the JSON Schemas",
        description="Print the JSON Schema of one message type (default: bericht.json, any "
        "message; it refers to the others), list them with --list, or write them all with --out.",
    )
    parser.add_argument("name", nargs="?", default="bericht", help="berichttype or file name")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write every schema into DIR")
    parser.add_argument("--list", action="store_true", help="list the schema file names")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..schemas import build_schemas, dump_schema

    schemas = build_schemas()
    if args.list:
        print("\n".join(schemas))
        return EXIT_OK
    if args.out is not None:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            for file_name, schema in schemas.items():
                (args.out / file_name).write_text(dump_schema(schema), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write to {args.out}: {exc.strerror or exc}") from None
        print(f"wrote {len(schemas)} schemas to {args.out}", file=sys.stderr)
        return EXIT_OK
    file_name = args.name if args.name.endswith(".json") else f"{args.name}.json"
    if file_name not in schemas:
        raise UsageError(f"no schema {args.name!r}; choose from: {', '.join(schemas)}")
    sys.stdout.write(dump_schema(schemas[file_name]))
    return EXIT_OK
