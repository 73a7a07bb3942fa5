"""What only the PostgreSQL backend does (the contract suite covers what every backend does):
durable settings on every connection, a server that cannot make commits durable is refused, the
pool's bound, the password never shown, the advisory locks as other sessions see them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from warm_referral_reference.receiver.errors import StoreUnavailable
from warm_referral_reference.receiver.storage import (
    Gebeurtenisregel,
    Transactie,
    beschrijf,
    open_opslag,
)

psycopg = pytest.importorskip("psycopg")

T0 = datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc)


def test_every_connection_commits_durably(postgres_database: str) -> None:
    opslag = open_opslag(postgres_database)
    try:

        def instellingen(tx: Any) -> tuple[str, str]:
            sync = tx.conn.execute("SHOW synchronous_commit").fetchone()[0]
            zone = tx.conn.execute("SHOW TimeZone").fetchone()[0]
            return sync, zone

        assert asyncio.run(opslag.transactie(instellingen)) == ("on", "UTC")
    finally:
        opslag.sluit()


def test_a_role_whose_commits_are_asynchronous_still_commits_durably(
    nieuwe_postgres: Callable[..., str],
) -> None:
    """``synchronous_commit = off`` as a database default would acknowledge before the WAL is on
    disk; every connection of the store sets it back."""
    from warm_referral_reference.receiver.storage import migreer

    postgres_database = nieuwe_postgres(migreer_=False)  # changed below: used by no other test
    migreer(postgres_database)
    with psycopg.connect(postgres_database, autocommit=True) as conn:
        naam = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(f'ALTER DATABASE "{naam}" SET synchronous_commit = off')
    opslag = open_opslag(postgres_database)
    try:
        sync = asyncio.run(
            opslag.transactie(lambda tx: tx.conn.execute("SHOW synchronous_commit").fetchone()[0])
        )
        assert sync == "on"
    finally:
        opslag.sluit()


def test_the_pool_bounds_the_connections(postgres_database: str) -> None:
    opslag = open_opslag(postgres_database, pool=2)
    conv = uuid.uuid4()

    def werk(tx: Any) -> int:
        tx.voeg_toe(conv, Gebeurtenisregel("Getikt", b"{}", T0))
        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        return int(tx.conn.execute(sql).fetchone()[0])

    async def veel() -> list[int]:
        return list(await asyncio.gather(*(opslag.transactie(werk) for _ in range(30))))

    try:
        assert max(asyncio.run(veel())) <= 2
        assert len(asyncio.run(opslag.lees(lambda tx: tx.gebeurtenissen(conv)))) == 30
    finally:
        opslag.sluit()


def test_the_password_is_never_shown() -> None:
    url = "postgresql://ontvanger:s3cr3t@db.example:5432/warm?sslmode=require"
    assert beschrijf(url) == "postgresql://ontvanger:***@db.example:5432/warm?sslmode=require"
    assert beschrijf("postgresql:///warm?host=/run/postgresql") == (
        "postgresql:///warm?host=/run/postgresql"
    )


def test_a_waiting_transaction_holds_the_referral_until_its_commit(postgres_database: str) -> None:
    """Another session sees the lock of a referral being worked on (pg_locks, our namespace), and
    a second transaction on that referral waits for the first to commit, then reads its work."""
    opslag = open_opslag(postgres_database)
    conv = uuid.uuid4()
    volgorde: list[str] = []

    def eerste(tx: Transactie) -> None:
        tx.voeg_toe(conv, Gebeurtenisregel("een", b"{}", T0))
        with psycopg.connect(postgres_database) as ander:
            sloten = ander.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
                "AND granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())",
                (0x5752_0002,),
            ).fetchone()[0]
        assert sloten == 1
        volgorde.append("eerste klaar")

    def tweede(tx: Transactie) -> int:
        n = len(tx.gebeurtenissen(conv))
        volgorde.append(f"tweede zag {n}")
        return n

    async def beide() -> list[Any]:
        een = asyncio.ensure_future(opslag.transactie(eerste))
        await asyncio.sleep(0)
        return list(await asyncio.gather(een, opslag.transactie(tweede)))

    try:
        asyncio.run(beide())
        assert volgorde in (["eerste klaar", "tweede zag 1"], ["tweede zag 0", "eerste klaar"])
    finally:
        opslag.sluit()


@pytest.mark.slow
def test_a_server_without_fsync_is_refused() -> None:
    """A server of its own (a few seconds to start), with fsync off."""
    from warm_referral_reference.receiver.storage import migreer
    from warm_referral_reference.temporary_postgres import TemporaryPostgres

    with TemporaryPostgres(settings={"fsync": "off"}) as server:
        url = server.create_database()
        migreer(url)
        with pytest.raises(StoreUnavailable, match="fsync off"):
            open_opslag(url)


@pytest.mark.slow
def test_the_store_carries_on_after_the_server_restarts() -> None:
    """The server crashes and comes back (a server of its own): the pool's connections are dead,
    the next transaction gets a new one, and what was committed before is there."""
    from warm_referral_reference.receiver.storage import migreer
    from warm_referral_reference.temporary_postgres import TemporaryPostgres

    with TemporaryPostgres() as server:
        url = server.create_database()
        migreer(url)
        opslag = open_opslag(url, pool=3)
        conv = uuid.uuid4()
        try:
            for soort in ("voor", "na"):
                asyncio.run(
                    opslag.transactie(
                        lambda tx, s=soort: tx.voeg_toe(conv, Gebeurtenisregel(s, b"{}", T0))
                    )
                )
                if soort == "voor":
                    server.restart()
            regels = asyncio.run(opslag.lees(lambda tx: tx.gebeurtenissen(conv)))
            assert [r.type for r in regels] == ["voor", "na"]
        finally:
            opslag.sluit()


def test_a_log_can_be_replaced_and_appending_continues_after_it(postgres_database: str) -> None:
    """The erasure issue 12 adds to the contract (``vervang_gebeurtenissen``), ready on this
    backend: the old entries are gone, the new ones in order, the next append after them."""
    opslag = open_opslag(postgres_database)
    conv = uuid.uuid4()

    def vul(tx: Any) -> None:
        for soort in ("VerwijzingOntvangen", "BerichtVerstuurd", "Getikt"):
            tx.voeg_toe(conv, Gebeurtenisregel(soort, b'{"naam": "Vries"}', T0))

    def vervang(tx: Any) -> None:
        tx.vervang_gebeurtenissen(conv, [Gebeurtenisregel("Gewist", b"{}", T0)])
        tx.voeg_toe(conv, Gebeurtenisregel("Getikt", b"{}", T0))

    try:
        asyncio.run(opslag.transactie(vul))
        asyncio.run(opslag.transactie(vervang))
        regels = asyncio.run(opslag.lees(lambda tx: tx.gebeurtenissen(conv)))
        assert [(r.type, r.inhoud) for r in regels] == [("Gewist", b"{}"), ("Getikt", b"{}")]
        with psycopg.connect(postgres_database) as conn:
            rijen = conn.execute(
                "SELECT volgnummer FROM gebeurtenissen WHERE conversatie_id = %s "
                "ORDER BY volgnummer",
                (conv,),
            ).fetchall()
        assert [r[0] for r in rijen] == [1, 2]
    finally:
        opslag.sluit()
