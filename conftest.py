"""Repository-wide pytest hook: every ``@pytest.mark.eis("WD-...")`` names a requirement that exists
in the catalogue (spec/v1/eisen.yaml), or collection fails. Tests name the requirements they check
so that the catalogue, the kit and the tests cannot drift apart."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parent / "spec" / "v1" / "eisen.yaml"


@cache
def _known_ids() -> frozenset[str]:
    # A plain scan keeps this hook free of a YAML dependency; the catalogue's own test parses it.
    text = CATALOGUE.read_text(encoding="utf-8")
    return frozenset(re.findall(r"^\s*- id: (WD-[A-Z]+-\d\d)\s*$", text, re.MULTILINE))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unknown: list[str] = []
    for item in items:
        for marker in item.iter_markers("eis"):
            unknown += [f"{item.nodeid}: {eis}" for eis in marker.args if eis not in _known_ids()]
    if unknown:
        raise pytest.UsageError(
            "tests name requirement ids that spec/v1/eisen.yaml does not have:\n  "
            + "\n  ".join(unknown)
        )


# A real PostgreSQL server for the tests that run on both storage backends (tests/support).
pytest_plugins = ["postgres_fixtures"]
