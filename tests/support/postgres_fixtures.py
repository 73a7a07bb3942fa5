"""A real PostgreSQL server for the tests (a pytest plugin, loaded by the root conftest.py).

``postgres_server`` starts one throwaway server per test session
(:class:`warm_referral_reference.temporary_postgres.TemporaryPostgres`: the machine's PostgreSQL
binaries, a temporary folder, a Unix socket, run as the ``postgres`` user when the tests run as
root) and skips, saying why, where the binaries or psycopg are missing. ``postgres_database``
gives each test a database of its own, migrated to the receiver's schema and empty. Nothing here
is a mock: the tests talk to the server as a receiver in production would.

A new database costs PostgreSQL about 8 MB written twice (files and WAL), and removing a hundred
of them at the end of a session took half a minute on a busy disk. So a migrated database is used
again by a later test once every table but ``schema_migrations`` is emptied (``TRUNCATE``): to the
test it is a fresh database. An unmigrated one (``migreer_=False``: the migration tests, which
change schemas) is always new and never used again.
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
    # A deadlock is detected after deadlock_timeout (1 s by default); the contract suite makes a
    # few on purpose, and waiting a second for each is time, not coverage.
    server = TemporaryPostgres(settings={"deadlock_timeout": "100ms"})
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _gebruikte_databases() -> list[str]:
    """Migrated databases a finished test handed back, for the next test to empty and use."""
    return []


def _leeg(url: str) -> bool:
    """Empty every table of the receiver's schema; False when that cannot be done at once (a
    connection of an earlier test still holds a lock: the database is then left alone)."""
    import psycopg
    from psycopg import sql
    from warm_referral_reference.receiver.storage import LATEST, schemastand

    if schemastand(url).version != LATEST:
        return False
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '2s'")
        tabellen = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'schema_migrations'"
            )
        ]
        try:
            conn.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
                    sql.SQL(", ").join(map(sql.Identifier, tabellen))
                )
            )
        except psycopg.errors.LockNotAvailable:
            return False
    return True


@pytest.fixture
def nieuwe_postgres(
    postgres_server: Any, _gebruikte_databases: list[str]
) -> Iterator[Callable[..., str]]:
    """Makes databases of their own for a test: migrated and empty, or (``migreer_=False``)
    new and unmigrated."""
    from warm_referral_reference.receiver.storage import migreer

    uitgegeven: list[str] = []

    def maak(*, migreer_: bool = True) -> str:
        if not migreer_:
            return str(postgres_server.create_database())
        while _gebruikte_databases:
            url = _gebruikte_databases.pop()
            if _leeg(url):
                uitgegeven.append(url)
                return url
        url = str(postgres_server.create_database())
        migreer(url)
        uitgegeven.append(url)
        return url

    yield maak
    _gebruikte_databases.extend(uitgegeven)


@pytest.fixture
def postgres_database(nieuwe_postgres: Callable[..., str]) -> str:
    """A database of its own, migrated to the receiver's schema, empty: its URL."""
    return nieuwe_postgres()
