"""``warm-referral convert --to json|xml FILE``: one message from either wire form into the other.

The input form is detected by content (see :mod:`warm_referral.codec.detect`), so converting to
the form it already has normalises it (canonical JSON, or XML in schema order). The message is
validated fully on the way in; an invalid one is not converted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import EXIT_INVALID, EXIT_OK, UsageError, read_input


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "convert",
        help="convert a message between JSON and XML (input detected by content)",
        description="Convert one warm-referral message to JSON or XML. The input (JSON or XML) is "
        "detected by content and fully validated. Exit 0 on success, 1 when the input is invalid "
        "(every violation is listed on stderr), 2 on a usage error. '-' reads standard input.",
    )
    parser.add_argument("--to", required=True, choices=("json", "xml"), help="output form")
    parser.add_argument("file", metavar="FILE", help="the message to convert, or '-'")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write here instead of to standard output"
    )
    parser.add_argument(
        "--compact",
        action="store_true",
        help="the wire form without indentation (default: indented for reading)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..codec.detect import parse_any
    from ..codec.xml import to_xml
    from ..errors import MessageValidationError

    data = read_input(args.file)
    try:
        bericht = parse_any(data)
        if args.to == "xml":
            output = to_xml(bericht, pretty=not args.compact)
        else:
            output = bericht.to_json()
            if not args.compact:
                text = json.dumps(json.loads(output), indent=2, ensure_ascii=False) + "\n"
                output = text.encode("utf-8")
    except MessageValidationError as exc:
        n = len(exc.violations)
        print(f"{args.file}: INVALID ({n} violation{'s' if n != 1 else ''})", file=sys.stderr)
        for violation in exc.violations:
            print(f"  {violation}", file=sys.stderr)
        return EXIT_INVALID
    if args.output:
        try:
            Path(args.output).write_bytes(output)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
    return EXIT_OK
