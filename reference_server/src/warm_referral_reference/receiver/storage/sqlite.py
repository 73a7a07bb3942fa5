"""SQLite storage: WAL, synchronous=FULL, group commit, and an OS lock between worker processes.

One writer thread owns the write connection. Requests queue their transaction functions; the writer
takes everything queued, runs each inside its own SAVEPOINT (so one failure rolls back only that
one), commits once, and only then answers every request. Under load many requests share one fsync,
which is how durable throughput can approach the disk's single-commit rate times the batch size.
Reads use a pool of read connections; WAL gives them a consistent snapshot while the writer works.

Worker processes sharing one database take an OS file lock (``<database>.schrijfslot``) around each
write transaction, so they queue in the kernel and wake as soon as the lock is free, instead of
polling in SQLite's busy handler (which sleeps 1, 2, 5, 10... ms between tries).

Both earn their place by measurement (``docs/referentie-ontvanger.md``, "Wat de machinerie
oplevert"): without group commit the receiver managed 0.56-0.77 of the rate, and without the lock its
latency under contention grew several times. An earlier optimistic scheme, which decided each
transaction outside the writer and replayed its reads inside, gained nothing measurable and is gone.

Timestamps are stored as fixed-width RFC 3339 text in UTC (``format_tijdstip(...,
vaste_breedte=True)``), so that text order is time order in the queries. The tables come from the
versioned migrations (:mod:`.migrations`); a new file is migrated when it is first opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from warm_referral import format_tijdstip, parse_tijdstip

from ..errors import StoreSchemaError
from .contract import (
    Antwoord,
    DossierIndex,
    Gebeurtenisregel,
    Historieregel,
    Postvakbericht,
    Verwerking,
)
from .migrations import MIGRATIONS, Dialect, Migration, SchemaState, check, migrate

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's busy handler serialises the writers
    fcntl = None  # type: ignore[assignment]

__all__ = ["SqliteOpslag", "connect", "migrate_sqlite", "schema_state"]

T = TypeVar("T")

_MAX_BATCH = 256


def _ts(value: datetime) -> str:
    return format_tijdstip(value, vaste_breedte=True)


def _dt(value: str | None) -> datetime | None:
    return None if value is None else parse_tijdstip(value)


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection with the durability settings every connection to the store must use."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")  # erased personal data are overwritten, not freed
    return conn


class _SqliteSchema:
    """The migration runner's view of a SQLite connection (:mod:`.migrations`)."""

    dialect: Dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.where = str(path)

    def begin_exclusive(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def state(self) -> SchemaState:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        if "schema_migrations" in tables:
            (version,) = self.conn.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
            ).fetchone()
            return SchemaState(int(version))
        if not tables:
            return SchemaState(0)
        (user_version,) = self.conn.execute("PRAGMA user_version").fetchone()
        if user_version in _USER_VERSIONS_BEFORE_MIGRATIONS:
            return SchemaState(_USER_VERSIONS_BEFORE_MIGRATIONS[user_version], unrecorded=True)
        raise StoreSchemaError(
            f"{self.where}: not a database of the reference receiver, or one made by a version "
            "before the first release (start with a new file)"
        )

    def run(self, sql: str) -> None:
        self.conn.execute(sql)

    def record(self, migration: Migration) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "description TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        self.conn.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
            (migration.version, migration.description, _ts(datetime.now(timezone.utc))),
        )


#: Before versioned migrations the schema was marked by ``PRAGMA user_version``: 2 for the tables
#: of migration 1, 3 for those plus the monitoring histories (migration 2). The migration each
#: stands for.
_USER_VERSIONS_BEFORE_MIGRATIONS = {2: 1, 3: 2}


def schema_state(path: str | Path) -> SchemaState:
    """The schema version of the SQLite file ``path`` (0: new or empty)."""
    conn = connect(path)
    try:
        return _SqliteSchema(conn, Path(path)).state()
    finally:
        conn.close()


def migrate_sqlite(
    path: str | Path, migrations: Sequence[Migration] = MIGRATIONS
) -> list[Migration]:
    """Bring the SQLite file ``path`` (created if new) to this receiver's schema; the
    migrations applied."""
    conn = connect(path)
    slot = _Schrijfslot(Path(path))
    try:
        with slot.vast():
            return migrate(_SqliteSchema(conn, Path(path)), migrations)
    finally:
        conn.close()
        slot.sluit()


class _SqliteTransactie:
    """The storage operations, over one connection that is inside a transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def eerder_antwoord(self, bericht_id: UUID) -> tuple[str, Antwoord] | None:
        row = self.conn.execute(
            "SELECT body_hash, uitkomst, body FROM antwoorden WHERE bericht_id = ?",
            (str(bericht_id),),
        ).fetchone()
        return None if row is None else (row[0], Antwoord(row[1], bytes(row[2])))

    def bewaar_antwoord(self, bericht_id: UUID, body_hash: str, antwoord: Antwoord) -> None:
        self.conn.execute(
            "INSERT INTO antwoorden VALUES (?, ?, ?, ?)",
            (str(bericht_id), body_hash, antwoord.uitkomst, antwoord.body),
        )

    def gebeurtenissen(self, conversatie_id: UUID) -> list[Gebeurtenisregel]:
        rows = self.conn.execute(
            "SELECT type, inhoud, tijdstip FROM gebeurtenissen WHERE conversatie_id = ? "
            "ORDER BY volgnummer",
            (str(conversatie_id),),
        ).fetchall()
        return [Gebeurtenisregel(r[0], bytes(r[1]), parse_tijdstip(r[2])) for r in rows]

    def voeg_toe(self, conversatie_id: UUID, regel: Gebeurtenisregel) -> None:
        # Two statements, not INSERT ... SELECT: reading the table it inserts into, SQLite would
        # first copy the SELECT's result into a temporary table (half again the cost).
        conv = str(conversatie_id)
        (volgnummer,) = self.conn.execute(
            "SELECT COALESCE(MAX(volgnummer), 0) + 1 FROM gebeurtenissen WHERE conversatie_id = ?",
            (conv,),
        ).fetchone()
        self.conn.execute(
            "INSERT INTO gebeurtenissen VALUES (?, ?, ?, ?, ?)",
            (conv, volgnummer, regel.type, regel.inhoud, _ts(regel.tijdstip)),
        )

    def vervang_gebeurtenissen(
        self, conversatie_id: UUID, regels: Sequence[Gebeurtenisregel]
    ) -> None:
        # secure_delete (set on every connection) overwrites the freed pages, so the erased
        # personal data do not linger in the file.
        self.conn.execute(
            "DELETE FROM gebeurtenissen WHERE conversatie_id = ?", (str(conversatie_id),)
        )
        for regel in regels:
            self.voeg_toe(conversatie_id, regel)

    def dossier(self, conversatie_id: UUID) -> DossierIndex | None:
        row = self.conn.execute(
            "SELECT * FROM dossiers WHERE conversatie_id = ?", (str(conversatie_id),)
        ).fetchone()
        return None if row is None else _index(row)

    def bewaar_dossier(self, index: DossierIndex) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO dossiers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(index.conversatie_id),
                index.verwijzing_id,
                index.gemeentecode,
                index.schuldeiser,
                index.toestand,
                int(index.wacht_op_contact),
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

    def bewaar_historie(self, regel: Historieregel) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO historien VALUES (?, ?, ?, ?)",
            (
                str(regel.conversatie_id),
                regel.gemeentecode,
                regel.verwijsdatum.isoformat(),
                regel.inhoud,
            ),
        )

    def historien(
        self,
        gemeentecodes: Sequence[str] | None = None,
        van: date | None = None,
        tot: date | None = None,
    ) -> Iterator[Historieregel]:
        sql, args = "SELECT * FROM historien WHERE 1 = 1", []
        if gemeentecodes is not None:
            sql += f" AND gemeentecode IN ({', '.join('?' * len(gemeentecodes))})"
            args += list(gemeentecodes)
        if van is not None:
            sql += " AND verwijsdatum >= ?"
            args.append(van.isoformat())
        if tot is not None:
            sql += " AND verwijsdatum <= ?"
            args.append(tot.isoformat())
        for r in self.conn.execute(sql, args):
            yield Historieregel(UUID(r[0]), r[1], date.fromisoformat(r[2]), bytes(r[3]))

    def in_postvak(self, ontvanger: str, bericht_id: UUID, berichttype: str, body: bytes) -> int:
        # Numbered per creditor without gaps: the writer (and the lock between processes)
        # serialises the writes, so the next number cannot be taken twice.
        (volgnummer,) = self.conn.execute(
            "SELECT COALESCE(MAX(volgnummer), 0) + 1 FROM postvak WHERE ontvanger = ?",
            (ontvanger,),
        ).fetchone()
        self.conn.execute(
            "INSERT INTO postvak (ontvanger, volgnummer, bericht_id, berichttype, body) "
            "VALUES (?, ?, ?, ?, ?)",
            (ontvanger, volgnummer, str(bericht_id), berichttype, body),
        )
        return int(volgnummer)

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
    einde = _dt(row[7])
    bijgewerkt = _dt(row[9])
    assert einde is not None and bijgewerkt is not None
    return DossierIndex(
        conversatie_id=UUID(row[0]),
        verwijzing_id=row[1],
        gemeentecode=row[2],
        schuldeiser=row[3],
        toestand=row[4],
        wacht_op_contact=bool(row[5]),
        contactdeadline=_dt(row[6]),
        incassostop_einde=einde,
        afgerond=bool(row[8]),
        bijgewerkt_op=bijgewerkt,
        volgende_tik=_dt(row[10]),
    )


#: (the function, the caller's loop, the caller's future)
_Job = tuple[Callable[[Any], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]
_STOP = object()


class _Schrijfslot:
    """An exclusive OS lock on a file beside the database, held around each write transaction."""

    def __init__(self, path: Path) -> None:
        self._fd = (
            os.open(str(path) + ".schrijfslot", os.O_RDWR | os.O_CREAT, 0o600) if fcntl else None
        )

    @contextlib.contextmanager
    def vast(self) -> Iterator[None]:
        if self._fd is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def sluit(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class SqliteOpslag:
    """The default store, on a file (WAL needs one: not ``:memory:``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._open_lock = threading.Lock()
        self.commits = 0
        """Write transactions committed; with ``batched``, how much group commit shares."""
        self.batched = 0
        self._open()

    def _open(self) -> None:
        """Open the write connection and start the writer. Also after :meth:`sluit`: an app's
        lifespan may run more than once (one test client after another), and a closed store must
        then reopen rather than queue transactions that no writer will ever run."""
        self._writer_conn = connect(self.path)
        self._slot = _Schrijfslot(self.path)
        try:
            with self._slot.vast():
                schema = _SqliteSchema(self._writer_conn, self.path)
                if schema.state().version == 0:  # a new file: the development default
                    migrate(schema)
                check(schema.state(), str(self.path))
        except BaseException:
            self._writer_conn.close()
            self._slot.sluit()
            raise
        self._writer_tx = _SqliteTransactie(self._writer_conn)
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
        conn, tx = self._writer_conn, self._writer_tx
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
            with self._slot.vast():
                outcomes = self._voer_uit(conn, tx, batch)
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

    def _voer_uit(
        self, conn: sqlite3.Connection, tx: _SqliteTransactie, batch: list[_Job]
    ) -> list[tuple[bool, Any]]:
        """One write transaction for the whole batch; (ok, result or exception) per job."""
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
        return outcomes

    def sluit(self) -> None:
        with self._open_lock:
            if self._thread.is_alive():  # a second sluit() must not leave a _STOP for a reopen
                self._jobs.put(_STOP)
                self._thread.join(timeout=10)
            self._writer_conn.close()
            self._slot.sluit()
        while True:
            try:
                self._readers.get_nowait().close()
            except queue.Empty:
                break


def _settle_all(results: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
    for future, ok, value in results:
        if future.cancelled():
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)
