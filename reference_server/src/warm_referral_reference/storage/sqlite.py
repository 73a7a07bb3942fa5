"""SQLite storage: WAL, synchronous=FULL, and group commit.

One writer thread owns the write connection. Requests queue their transaction functions; the writer
takes everything queued, runs each inside its own SAVEPOINT (so one failure rolls back only that
one), commits once, and only then answers every request. Under load many requests share one fsync,
which is how durable throughput can approach the disk's single-commit rate times the batch size.
Reads use a pool of read connections; WAL gives them a consistent snapshot while the writer works.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from .base import Antwoord, DossierIndex, Gebeurtenisregel, Postvakbericht, Verwerking

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS antwoorden (
    bericht_id TEXT PRIMARY KEY,
    body_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS gebeurtenissen (
    conversatie_id TEXT NOT NULL,
    volgnummer INTEGER NOT NULL,
    soort TEXT NOT NULL,
    inhoud BLOB NOT NULL,
    tijdstip TEXT NOT NULL,
    PRIMARY KEY (conversatie_id, volgnummer)
);
CREATE TABLE IF NOT EXISTS dossiers (
    conversatie_id TEXT PRIMARY KEY,
    verwijzing_id TEXT NOT NULL,
    gemeentecode TEXT NOT NULL,
    schuldeiser TEXT NOT NULL,
    toestand TEXT NOT NULL,
    contactdeadline TEXT,
    incassostop_einde TEXT NOT NULL,
    afgerond INTEGER NOT NULL,
    bijgewerkt_op TEXT NOT NULL,
    volgende_tik TEXT
);
CREATE INDEX IF NOT EXISTS dossiers_tik ON dossiers (volgende_tik);
CREATE INDEX IF NOT EXISTS dossiers_gemeente ON dossiers (gemeentecode, afgerond);
CREATE INDEX IF NOT EXISTS dossiers_schuldeiser ON dossiers (schuldeiser);
CREATE TABLE IF NOT EXISTS postvak (
    volgnummer INTEGER PRIMARY KEY AUTOINCREMENT,
    ontvanger TEXT NOT NULL,
    bericht_id TEXT NOT NULL UNIQUE,
    berichttype TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS postvak_ontvanger ON postvak (ontvanger, volgnummer);
CREATE TABLE IF NOT EXISTS verwerkingen (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tijdstip TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    activiteit TEXT NOT NULL,
    betrokkene TEXT NOT NULL,
    actor TEXT NOT NULL,
    conversatie_id TEXT
);
CREATE TABLE IF NOT EXISTS klok (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    nu TEXT
);
"""

_MAX_BATCH = 256


def _ts(value: datetime) -> str:
    """Fixed width in UTC, so that text order is time order (queries compare them as text).

    ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``; isoformat writes that several times faster than strftime.
    """
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection with the durability settings every connection to the store must use."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class _SqliteTransactie:
    """The storage operations, over one connection that is inside a transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def eerder_antwoord(self, bericht_id: UUID) -> tuple[str, Antwoord] | None:
        row = self.conn.execute(
            "SELECT body_hash, status, media_type, body FROM antwoorden WHERE bericht_id = ?",
            (str(bericht_id),),
        ).fetchone()
        return None if row is None else (row[0], Antwoord(row[1], row[2], bytes(row[3])))

    def bewaar_antwoord(self, bericht_id: UUID, body_hash: str, antwoord: Antwoord) -> None:
        self.conn.execute(
            "INSERT INTO antwoorden VALUES (?, ?, ?, ?, ?)",
            (str(bericht_id), body_hash, antwoord.status, antwoord.media_type, antwoord.body),
        )

    def gebeurtenissen(self, conversatie_id: UUID) -> list[Gebeurtenisregel]:
        rows = self.conn.execute(
            "SELECT soort, inhoud, tijdstip FROM gebeurtenissen WHERE conversatie_id = ? "
            "ORDER BY volgnummer",
            (str(conversatie_id),),
        ).fetchall()
        return [Gebeurtenisregel(r[0], bytes(r[1]), datetime.fromisoformat(r[2])) for r in rows]

    def voeg_toe(self, conversatie_id: UUID, regel: Gebeurtenisregel) -> None:
        self.conn.execute(
            "INSERT INTO gebeurtenissen SELECT ?, COALESCE(MAX(volgnummer), 0) + 1, ?, ?, ? "
            "FROM gebeurtenissen WHERE conversatie_id = ?",
            (
                str(conversatie_id),
                regel.soort,
                regel.inhoud,
                _ts(regel.tijdstip),
                str(conversatie_id),
            ),
        )

    def dossier(self, conversatie_id: UUID) -> DossierIndex | None:
        row = self.conn.execute(
            "SELECT * FROM dossiers WHERE conversatie_id = ?", (str(conversatie_id),)
        ).fetchone()
        return None if row is None else _index(row)

    def bewaar_dossier(self, index: DossierIndex) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO dossiers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(index.conversatie_id),
                index.verwijzing_id,
                index.gemeentecode,
                index.schuldeiser,
                index.toestand,
                None if index.contactdeadline is None else _ts(index.contactdeadline),
                _ts(index.incassostop_einde),
                int(index.afgerond),
                _ts(index.bijgewerkt_op),
                None if index.volgende_tik is None else _ts(index.volgende_tik),
            ),
        )

    def dossiers(
        self,
        gemeentecodes: Sequence[str] | None = None,
        schuldeiser: str | None = None,
        tik_voor: datetime | None = None,
    ) -> list[DossierIndex]:
        sql, args = "SELECT * FROM dossiers WHERE 1 = 1", []
        if tik_voor is not None:
            sql += " AND volgende_tik <= ?"
            args.append(_ts(tik_voor))
        if gemeentecodes is not None:
            sql += f" AND gemeentecode IN ({', '.join('?' * len(gemeentecodes))})"
            args += list(gemeentecodes)
        if schuldeiser is not None:
            sql += " AND schuldeiser = ?"
            args.append(schuldeiser)
        return [_index(r) for r in self.conn.execute(sql + " ORDER BY bijgewerkt_op", args)]

    def in_postvak(self, ontvanger: str, bericht_id: UUID, berichttype: str, body: bytes) -> int:
        cursor = self.conn.execute(
            "INSERT INTO postvak (ontvanger, bericht_id, berichttype, body) VALUES (?, ?, ?, ?)",
            (ontvanger, str(bericht_id), berichttype, body),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def postvak(self, ontvanger: str, na: int, limiet: int) -> list[Postvakbericht]:
        rows = self.conn.execute(
            "SELECT volgnummer, bericht_id, berichttype, body FROM postvak "
            "WHERE ontvanger = ? AND volgnummer > ? ORDER BY volgnummer LIMIT ?",
            (ontvanger, na, limiet),
        ).fetchall()
        return [Postvakbericht(r[0], UUID(r[1]), r[2], bytes(r[3])) for r in rows]

    def postvakbericht(self, bericht_id: UUID) -> tuple[str, bytes] | None:
        row = self.conn.execute(
            "SELECT ontvanger, body FROM postvak WHERE bericht_id = ?", (str(bericht_id),)
        ).fetchone()
        return None if row is None else (row[0], bytes(row[1]))

    def log(self, verwerking: Verwerking) -> None:
        self.conn.execute(
            "INSERT INTO verwerkingen (tijdstip, trace_id, activiteit, betrokkene, actor, "
            "conversatie_id) VALUES (?, ?, ?, ?, ?, ?)",
            (
                _ts(verwerking.tijdstip),
                verwerking.trace_id,
                verwerking.activiteit,
                verwerking.betrokkene,
                verwerking.actor,
                None if verwerking.conversatie_id is None else str(verwerking.conversatie_id),
            ),
        )

    def klok(self) -> datetime | None:
        row = self.conn.execute("SELECT nu FROM klok WHERE id = 1").fetchone()
        return None if row is None else _dt(row[0])

    def zet_klok(self, nu: datetime | None) -> None:
        if nu is None:
            self.conn.execute("DELETE FROM klok")
        else:
            self.conn.execute("INSERT OR REPLACE INTO klok VALUES (1, ?)", (_ts(nu),))


def _index(row: Any) -> DossierIndex:
    contactdeadline = _dt(row[5])
    einde = _dt(row[6])
    bijgewerkt = _dt(row[8])
    assert einde is not None and bijgewerkt is not None
    return DossierIndex(
        conversatie_id=UUID(row[0]),
        verwijzing_id=row[1],
        gemeentecode=row[2],
        schuldeiser=row[3],
        toestand=row[4],
        contactdeadline=contactdeadline,
        incassostop_einde=einde,
        afgerond=bool(row[7]),
        bijgewerkt_op=bijgewerkt,
        volgende_tik=_dt(row[9]),
    )


_Job = tuple[Callable[[Any], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]
_STOP = object()


class SqliteOpslag:
    """The default store. ``path`` may be ``:memory:``-free only: WAL needs a file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._open_lock = threading.Lock()
        self.commits = 0
        self.batched = 0
        self._open()

    def _open(self) -> None:
        """Open the write connection and start the writer. Also after :meth:`sluit`: an app's
        lifespan may run more than once (one test client after another), and a closed store must
        then reopen rather than queue transactions that no writer will ever run."""
        self._writer_conn = connect(self.path)
        self._writer_conn.executescript(_SCHEMA)
        self._thread = threading.Thread(target=self._write_loop, name="sqlite-writer", daemon=True)
        self._thread.start()

    async def transactie(self, werk: Callable[[Any], T]) -> T:
        if not self._thread.is_alive():
            with self._open_lock:
                if not self._thread.is_alive():
                    self._open()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((werk, loop, future))
        return await future

    async def lees(self, werk: Callable[[Any], T]) -> T:
        return await asyncio.to_thread(self._read, werk)

    def _read(self, werk: Callable[[Any], T]) -> T:
        try:
            conn = self._readers.get_nowait()
        except queue.Empty:
            conn = connect(self.path)
        try:
            conn.execute("BEGIN")
            try:
                return werk(_SqliteTransactie(conn))
            finally:
                conn.execute("ROLLBACK")
        finally:
            self._readers.put(conn)

    def _write_loop(self) -> None:
        conn = self._writer_conn
        tx = _SqliteTransactie(conn)
        while True:
            first = self._jobs.get()
            if first is _STOP:
                return
            batch: list[_Job] = [first]
            while len(batch) < _MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is _STOP:
                    self._jobs.put(_STOP)
                    break
                batch.append(job)
            outcomes: list[tuple[bool, Any]] = []
            try:
                conn.execute("BEGIN IMMEDIATE")
                for werk, _, _ in batch:
                    conn.execute("SAVEPOINT werk")
                    try:
                        outcomes.append((True, werk(tx)))
                        conn.execute("RELEASE werk")
                    except BaseException as exc:  # one failing request must not sink the batch
                        conn.execute("ROLLBACK TO werk")
                        conn.execute("RELEASE werk")
                        outcomes.append((False, exc))
                conn.execute("COMMIT")
                self.commits += 1
                self.batched += len(batch)
            except BaseException as exc:  # the commit itself failed: nothing of the batch is stored
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                outcomes = [(False, exc)] * len(batch)
            # One wake-up per event loop for the whole batch, not one per request.
            per_loop: dict[
                asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], bool, Any]]
            ] = {}
            for (_, loop, future), (ok, value) in zip(batch, outcomes, strict=True):
                per_loop.setdefault(loop, []).append((future, ok, value))
            for loop, results in per_loop.items():
                # A closed loop (RuntimeError) has nobody waiting: the writer must live on.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle_all, results)

    def sluit(self) -> None:
        with self._open_lock:
            if self._thread.is_alive():  # a second sluit() must not leave a _STOP for a reopen
                self._jobs.put(_STOP)
                self._thread.join(timeout=10)
            self._writer_conn.close()
        while True:
            try:
                self._readers.get_nowait().close()
            except queue.Empty:
                break


def _settle_all(results: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
    for future, ok, value in results:
        _settle(future, ok, value)


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
