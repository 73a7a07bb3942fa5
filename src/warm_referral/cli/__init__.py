"""The ``warm-referral`` command line.

Subcommands are plugins: each is an entry point in the group ``warm_referral.commands`` that names a
``register(subparsers)`` function. The library registers its own commands the same way, so the
reference server and the conformance kit add ``serve``, ``send``, ``demo`` and ``conformance``
just by being installed. A command's handler returns the process exit code:
0 success, 1 the input is invalid or a check failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from .._version import SPEC_VERSIE, __version__

__all__ = [
    "COMMAND_GROUP",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "build_parser",
    "main",
    "read_input",
]

COMMAND_GROUP = "warm_referral.commands"
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="warm-referral",
        description="Warm referral (warme doorverwijzing): validate, convert and compute deadlines.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"warm-referral {__version__} (specVersie {SPEC_VERSIE})",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for entry in sorted(entry_points(group=COMMAND_GROUP), key=lambda e: e.name):
        try:
            register = entry.load()
            register(subparsers)
        except Exception as exc:  # a broken plugin must not take the other commands down
            print(
                f"warm-referral: command {entry.name!r} from {entry.value} is unavailable: "
                f"{type(exc).__name__}: {exc}",
                file=sys.stderr,
            )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except UsageError as exc:
        parser.error(str(exc))  # exits with EXIT_USAGE
    except BrokenPipeError:  # e.g. `warm-referral schema | head`
        return EXIT_OK


class UsageError(Exception):
    """The command line itself is wrong (exit code 2, message on stderr)."""


def read_input(name: str) -> bytes:
    """The bytes of file ``name``, or of standard input for ``-``; unreadable is a usage error."""
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


if __name__ == "__main__":
    sys.exit(main())
