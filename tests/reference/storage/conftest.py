"""The storage backends the contract suite runs against: one fixture each.

A backend is a way to get a fresh database argument for
:func:`warm_referral_reference.receiver.storage.open_opslag`, ready to be opened: a new file path
for SQLite (migrated when first opened), a new database migrated by ``migreer`` on the session's
real PostgreSQL server (``tests/support/postgres_fixtures.py``; skipped, saying why, without the
server binaries). Every test in ``test_contract.py`` runs against each entry of :data:`BACKENDS`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def _sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield str(tmp_path / "ontvanger.sqlite3")


def _postgresql(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    maak: Callable[..., str] = request.getfixturevalue("nieuwe_postgres")
    yield maak()


BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], Iterator[str]]] = {
    "sqlite": _sqlite,
    "postgresql": _postgresql,
}


@pytest.fixture(params=sorted(BACKENDS))
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each backend, as the argument ``open_opslag`` takes."""
    yield from BACKENDS[request.param](request, tmp_path)


@pytest.fixture(params=sorted(BACKENDS))
def nieuwe_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], str]]:
    """Makes fresh databases of each backend, as many as a test needs (a Hypothesis test needs
    one per example)."""
    with contextlib.ExitStack() as stack:

        def maak() -> str:
            backend: Any = contextlib.contextmanager(BACKENDS[request.param])
            return str(stack.enter_context(backend(request, tmp_path_factory.mktemp("db"))))

        yield maak
