"""The SQLite store's optimistic transactions and cross-process writer lock (issue 6, item 4).

A speculative run must never change an outcome: whatever the store does, the result and the stored
state are those of running the transaction function inside the writer's transaction. Two stores on
one file stand in for two worker processes (each has its own writer thread and connections, and
they share only the file and its lock, as processes do).
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warm_referral_reference.storage import Antwoord, Gebeurtenisregel, Transactie
from warm_referral_reference.storage.sqlite import SqliteOpslag, connect

T0 = datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ontvanger.sqlite3"


@pytest.fixture
def opslag(db: Path) -> Iterator[SqliteOpslag]:
    store = SqliteOpslag(db, speculatief=True)
    try:
        yield store
    finally:
        store.sluit()


def _klok_op(db: Path, nu: datetime) -> None:
    """Another process moves the test clock (a plain connection: commits at once)."""
    conn = sqlite3.connect(str(db), isolation_level=None, timeout=30)
    try:
        conn.execute("INSERT OR REPLACE INTO klok VALUES (1, ?)", (nu.isoformat(),))
    finally:
        conn.close()


def _events(db: Path, conv: uuid.UUID) -> list[tuple[str, str]]:
    conn = connect(db)
    try:
        rows = conn.execute(
            "SELECT soort, tijdstip FROM gebeurtenissen WHERE conversatie_id = ? "
            "ORDER BY volgnummer",
            (str(conv),),
        ).fetchall()
        return [(r[0], r[1]) for r in rows]
    finally:
        conn.close()


def test_a_confirmed_speculation_is_applied_without_running_again(
    opslag: SqliteOpslag, db: Path
) -> None:
    calls: list[int] = []
    conv = uuid.uuid4()

    def werk(tx: Transactie) -> str:
        calls.append(1)
        assert tx.eerder_antwoord(uuid.UUID(int=1)) is None
        tx.voeg_toe(conv, Gebeurtenisregel("tik", b"", T0))
        tx.bewaar_antwoord(uuid.UUID(int=1), "hash", Antwoord(201, "application/json", b"{}"))
        return "klaar"

    assert asyncio.run(opslag.transactie(werk)) == "klaar"
    assert len(calls) == 1  # decided once, outside the writer
    assert (opslag.speculated, opslag.rerun) == (1, 0)
    assert _events(db, conv) == [("tik", T0.isoformat(timespec="microseconds"))]


def test_a_read_that_changed_meanwhile_makes_the_writer_decide_again(
    opslag: SqliteOpslag, db: Path
) -> None:
    """The speculative run assumes the clock the writer last read; before the writer gets to the
    transaction, another process moves the clock. The writer's check sees the difference and runs
    the function itself."""
    conv = uuid.uuid4()
    later = T0 + timedelta(hours=1)
    seen: list[datetime | None] = []

    def werk(tx: Transactie) -> datetime:
        nu = tx.klok() or T0
        seen.append(nu)
        if len(seen) == 1:
            _klok_op(db, later)  # between the speculative run and the writer
        tx.voeg_toe(conv, Gebeurtenisregel("tik", b"", nu))
        return nu

    assert asyncio.run(opslag.transactie(werk)) == later
    assert seen == [T0, later]
    assert (opslag.speculated, opslag.rerun) == (0, 1)
    assert _events(db, conv) == [("tik", later.isoformat(timespec="microseconds"))]


def test_reading_after_writing_is_not_speculated(opslag: SqliteOpslag, db: Path) -> None:
    conv = uuid.uuid4()

    def werk(tx: Transactie) -> int:
        tx.voeg_toe(conv, Gebeurtenisregel("tik", b"", T0))
        return len(tx.gebeurtenissen(conv))  # must see its own write

    assert asyncio.run(opslag.transactie(werk)) == 1
    assert (opslag.speculated, opslag.rerun) == (0, 1)


def test_an_error_is_decided_by_the_writer_and_stores_nothing(
    opslag: SqliteOpslag, db: Path
) -> None:
    conv = uuid.uuid4()
    calls: list[int] = []

    def werk(tx: Transactie) -> None:
        calls.append(1)
        tx.voeg_toe(conv, Gebeurtenisregel("tik", b"", T0))
        raise LookupError("no such referral")

    with pytest.raises(LookupError, match="no such referral"):
        asyncio.run(opslag.transactie(werk))
    assert len(calls) == 2  # the speculative run's error is not trusted: the writer's is
    assert _events(db, conv) == []


async def _increments(stores: list[SqliteOpslag], n: int, conv: uuid.UUID) -> None:
    """Each transaction reads the number of events and appends one carrying the next number."""

    def werk(tx: Transactie) -> int:
        volgende = len(tx.gebeurtenissen(conv)) + 1
        tx.voeg_toe(conv, Gebeurtenisregel(f"n{volgende}", b"", T0))
        return volgende

    results = await asyncio.gather(*(stores[i % len(stores)].transactie(werk) for i in range(n)))
    assert sorted(results) == list(range(1, n + 1))  # every number handed out exactly once


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 60), speculatief=st.lists(st.booleans(), min_size=1, max_size=3))
def test_concurrent_read_modify_write_from_several_processes_loses_no_update(
    tmp_path_factory: pytest.TempPathFactory, n: int, speculatief: list[bool]
) -> None:
    """Lost updates are what optimistic schemes get wrong. One to three stores on one file (as
    worker processes), speculating or not, run ``n`` concurrent read-modify-write transactions:
    the log must read n1, n2, ... nn, each number once."""
    db = tmp_path_factory.mktemp("werkers") / "ontvanger.sqlite3"
    stores = [SqliteOpslag(db, speculatief=s) for s in speculatief]
    conv = uuid.uuid4()
    try:
        asyncio.run(_increments(stores, n, conv))
    finally:
        for store in stores:
            store.sluit()
    assert [soort for soort, _ in _events(db, conv)] == [f"n{i}" for i in range(1, n + 1)]


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
                tx.voeg_toe(conv, Gebeurtenisregel("tik", b"", T0))
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


def test_the_receiver_speculates_on_new_referrals_and_reruns_the_rest(db: Path) -> None:
    """Through the service: a new referral is decided outside the writer; a duplicate and a
    follow-up contradict the assumptions (an earlier answer, a known conversation) and are
    decided by the writer, with the same outcome as without speculation."""
    from receiver_support import EVIDES_VERWIJZING, encode, example, fresh
    from warm_referral_reference.config import Instellingen
    from warm_referral_reference.service import Ontvanger

    instellingen = Instellingen()
    wie = instellingen.per_token()["dev-evides"]
    klok = datetime(2026, 4, 1, 8, 30, 4, tzinfo=timezone.utc)
    verwijzing = fresh(example(EVIDES_VERWIJZING))
    verzoek = dict(
        example("statusverzoek"),
        berichtId=str(uuid.uuid4()),
        conversatieId=verwijzing["conversatieId"],
        verwijzingId=verwijzing["verwijzingId"],
    )

    async def scenario(opslag: SqliteOpslag) -> list[tuple[int, bytes]]:
        ontvanger = Ontvanger(instellingen, opslag, klok=lambda: klok)
        out = []
        for body in (verwijzing, verwijzing, verzoek):
            antwoord = await ontvanger.ontvang_bericht(
                wie, encode(body), xml=False, trace_id="0" * 32
            )
            out.append((antwoord.status, antwoord.body))
        return out

    speculating = SqliteOpslag(db)
    plain = SqliteOpslag(db.with_name("plain.sqlite3"), speculatief=False)
    try:
        met, zonder = asyncio.run(scenario(speculating)), asyncio.run(scenario(plain))
        assert (speculating.speculated, speculating.rerun) == (1, 2)
        assert (plain.speculated, plain.rerun) == (0, 3)
    finally:
        speculating.sluit()
        plain.sluit()
    assert [s for s, _ in met] == [s for s, _ in zonder] == [201, 201, 200]
    assert met[0][1] == met[1][1]  # the duplicate gets the stored answer
