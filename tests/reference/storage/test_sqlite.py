"""What only the SQLite backend does (the contract suite covers what every backend does): group
commit, the OS lock between worker processes, durable settings, and the schema of a new file (the
migrations themselves: ``test_migrations.py``)."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from warm_referral_reference.receiver.errors import StoreSchemaError
from warm_referral_reference.receiver.storage import (
    LATEST,
    Gebeurtenisregel,
    Transactie,
    schemastand,
)
from warm_referral_reference.receiver.storage.sqlite import SqliteOpslag, connect

T0 = datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ontvanger.sqlite3"


@pytest.fixture
def opslag(db: Path) -> Iterator[SqliteOpslag]:
    store = SqliteOpslag(db)
    try:
        yield store
    finally:
        store.sluit()


def test_concurrent_transactions_share_commits(opslag: SqliteOpslag) -> None:
    """Group commit: transactions queued together are committed with one fsync."""
    conv = uuid.uuid4()

    def werk(tx: Transactie) -> None:
        tx.voeg_toe(conv, Gebeurtenisregel("Getikt", b"{}", T0))

    async def veel() -> None:
        await asyncio.gather(*(opslag.transactie(werk) for _ in range(200)))

    asyncio.run(veel())
    assert opslag.batched == 200
    assert opslag.commits < 200


def test_every_connection_is_durable(opslag: SqliteOpslag, db: Path) -> None:
    assert opslag._writer_conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert opslag._writer_conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    eigen = connect(db)
    try:
        assert eigen.execute("PRAGMA synchronous").fetchone() == (2,)
    finally:
        eigen.close()


def test_timestamps_are_fixed_width_utc_text(opslag: SqliteOpslag, db: Path) -> None:
    """Queries compare timestamps as text: one width, UTC, so text order is time order."""
    conv = uuid.uuid4()
    asyncio.run(opslag.transactie(lambda tx: tx.voeg_toe(conv, Gebeurtenisregel("a", b"", T0))))
    conn = sqlite3.connect(str(db))
    try:
        (tijdstip,) = conn.execute("SELECT tijdstip FROM gebeurtenissen").fetchone()
    finally:
        conn.close()
    assert tijdstip == "2026-04-01T08:30:00.000000Z"


def test_a_new_file_is_migrated_when_first_opened(db: Path) -> None:
    """The development default: ``serve receiver`` on a new file needs no migrate command."""
    assert schemastand(db).version == 0
    SqliteOpslag(db).sluit()
    assert schemastand(db).version == LATEST


def test_a_file_that_is_not_the_receivers_is_refused(db: Path) -> None:
    conn = sqlite3.connect(str(db))
    conn.execute("CREATE TABLE gebeurtenissen (conversatie_id TEXT, soort TEXT)")  # version 1
    conn.close()
    with pytest.raises(StoreSchemaError, match="not a database of the reference receiver"):
        SqliteOpslag(db)


def test_stores_on_one_file_take_turns_through_the_lock_file(db: Path) -> None:
    """The OS lock beside the database is taken per write transaction and released after it."""
    fcntl: Any = pytest.importorskip("fcntl")
    first, second = SqliteOpslag(db), SqliteOpslag(db)
    try:
        lock = Path(str(db) + ".schrijfslot")
        assert lock.exists()
        held = open(lock, "rb")  # noqa: SIM115 - closed below
        try:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # a third process holds the write lock

            conv = uuid.uuid4()

            def werk(tx: Transactie) -> int:
                tx.voeg_toe(conv, Gebeurtenisregel("Getikt", b"{}", T0))
                return 1

            async def both() -> list[int]:
                tasks = [asyncio.ensure_future(s.transactie(werk)) for s in (first, second)]
                await asyncio.sleep(0.3)
                assert not any(t.done() for t in tasks)  # both wait for the lock
                fcntl.flock(held.fileno(), fcntl.LOCK_UN)
                return list(await asyncio.gather(*tasks))

            assert asyncio.run(both()) == [1, 1]
        finally:
            held.close()
    finally:
        first.sluit()
        second.sluit()
