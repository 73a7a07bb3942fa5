"""The storage backends the contract suite runs against: one fixture each.

A backend is a way to get a fresh, empty database argument for
:func:`warm_referral_reference.receiver.storage.open_opslag` (a file path for SQLite). Adding a
backend (PostgreSQL: start a server, create a database, yield its URL) is adding an entry to
:data:`BACKENDS`; every test in ``test_contract.py`` then runs against it too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _sqlite(tmp_path: Path) -> Iterator[str]:
    yield str(tmp_path / "ontvanger.sqlite3")


BACKENDS: dict[str, Callable[[Path], Iterator[str]]] = {"sqlite": _sqlite}


@pytest.fixture(params=sorted(BACKENDS))
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each backend, as the argument ``open_opslag`` takes."""
    yield from BACKENDS[request.param](tmp_path)


@pytest.fixture(params=sorted(BACKENDS))
def nieuwe_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], str]]:
    """Makes fresh databases of each backend, as many as a test needs (a Hypothesis test needs
    one per example)."""
    with contextlib.ExitStack() as stack:

        def maak() -> str:
            return stack.enter_context(
                contextlib.contextmanager(BACKENDS[request.param])(tmp_path_factory.mktemp("db"))
            )

        yield maak
