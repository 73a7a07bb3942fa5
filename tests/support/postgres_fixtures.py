"""A real PostgreSQL server for the tests (a pytest plugin, loaded by the root conftest.py).

``postgres_server`` starts one throwaway server per test session
(:class:`warm_referral_reference.temporary_postgres.TemporaryPostgres`: the machine's PostgreSQL
binaries, a temporary folder, a Unix socket, run as the ``postgres`` user when the tests run as
root) and skips, saying why, where the binaries or psycopg are missing. ``postgres_database``
gives each test a fresh database, migrated to the receiver's schema. Databases are not dropped
one by one (PostgreSQL takes a second or two for each DROP DATABASE): the server and its folder
go at the end of the session.
Nothing here is a mock: the tests talk to the server as a receiver in production would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    from warm_referral_reference.temporary_postgres import TemporaryPostgres, unavailable

    reason = unavailable()
    if reason:
        pytest.skip(f"no PostgreSQL: {reason}")
    server = TemporaryPostgres()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def nieuwe_postgres(postgres_server: Any) -> Callable[..., str]:
    """Makes fresh databases on the session's server (migrated unless ``migreer=False``)."""
    from warm_referral_reference.receiver.storage import migreer

    def maak(*, migreer_: bool = True) -> str:
        url: str = postgres_server.create_database()
        if migreer_:
            migreer(url)
        return url

    return maak


@pytest.fixture
def postgres_database(nieuwe_postgres: Callable[..., str]) -> str:
    """A fresh database, migrated to the receiver's schema: its URL."""
    return nieuwe_postgres()
