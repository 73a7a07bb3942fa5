"""Regenerate every generated artifact of the repository, or check that none has drifted.

    python tools/generate.py           # write them all
    python tools/generate.py --check   # exit 1 and name the stale files (CI and tests/test_drift.py)

Each artifact is a function returning ``{relative path: text}``; this file is the one registry.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

Artifact = Callable[[], dict[str, str]]


def json_schemas() -> dict[str, str]:
    from warm_referral.schemas import build_schemas, dump_schema

    return {f"spec/v1/schemas/{name}": dump_schema(s) for name, s in build_schemas().items()}


#: Every generator, by name. Add new artifacts here (XSD, XML bindings, diagrams, OpenAPI parts).
ARTIFACTS: dict[str, Artifact] = {
    "json-schemas": json_schemas,
}


def render_all(only: list[str] | None = None) -> dict[Path, str]:
    files: dict[Path, str] = {}
    for name, artifact in ARTIFACTS.items():
        if only and name not in only:
            continue
        for rel, text in artifact().items():
            files[ROOT / rel] = text
    return files


def stale_files(only: list[str] | None = None) -> list[Path]:
    """Generated files whose committed text differs from what the generators produce now."""
    return [
        path
        for path, text in render_all(only).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report drift; write nothing")
    parser.add_argument("only", nargs="*", choices=[*ARTIFACTS, []], help="artifacts to handle")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.only)
        for path in stale:
            print(
                f"stale: {path.relative_to(ROOT)} (run: python tools/generate.py)", file=sys.stderr
            )
        return 1 if stale else 0
    for path, text in render_all(args.only).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
