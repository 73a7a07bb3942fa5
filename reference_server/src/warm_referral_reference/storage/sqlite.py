"""SQLite storage: WAL, synchronous=FULL, group commit and optimistic transactions.

One writer thread owns the write connection. Requests queue their transaction functions; the writer
takes everything queued, runs each inside its own SAVEPOINT (so one failure rolls back only that
one), commits once, and only then answers every request. Under load many requests share one fsync,
which is how durable throughput can approach the disk's single-commit rate times the batch size.
Reads use a pool of read connections; WAL gives them a consistent snapshot while the writer works.

Optimistic transactions keep the writer's critical section down to SQL: a transaction function is
first run by the caller, outside the database, on assumptions (:class:`_Opname`): every read is
answered as if nothing were there yet (no earlier answer, no referral for this conversation) and
the clock as the writer last read it; reads are recorded and writes held back. The writer then
repeats only the reads; when they give what was assumed, the function would decide the same, so
the recorded writes are applied. Otherwise (or when the function read after writing, or raised)
the writer runs the function itself, as without speculation. So the outcome is always that of
running the function inside the writer's transaction, while for the common request, a new
referral, the deciding happens outside it: in parallel with other worker processes, and without
holding the database lock. Within one process it gains little (the GIL serialises the work anyway)
and costs about 0.1 ms per request for the checks; it is on by default all the same, so that one
path is tested and run, and ``speculatief=False`` turns it off.

Worker processes sharing one database take an OS file lock around each write transaction, so they
queue in the kernel and wake as soon as the lock is free, instead of polling in SQLite's busy
handler (which sleeps 1, 2, 5, 10... ms between tries).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's busy handler serialises the writers
    fcntl = None  # type: ignore[assignment]

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
        self.klok_gezien: datetime | None = None
        """What :meth:`klok` last returned: what speculation assumes the clock reads."""

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
        # Two statements, not INSERT ... SELECT: reading the table it inserts into, SQLite would
        # first copy the SELECT's result into a temporary table (half again the cost).
        conv = str(conversatie_id)
        (volgnummer,) = self.conn.execute(
            "SELECT COALESCE(MAX(volgnummer), 0) + 1 FROM gebeurtenissen WHERE conversatie_id = ?",
            (conv,),
        ).fetchone()
        self.conn.execute(
            "INSERT INTO gebeurtenissen VALUES (?, ?, ?, ?, ?)",
            (conv, volgnummer, regel.soort, regel.inhoud, _ts(regel.tijdstip)),
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

    def in_postvak(self, ontvanger: str, bericht_id: UUID, berichttype: str, body: bytes) -> None:
        self.conn.execute(
            "INSERT INTO postvak (ontvanger, bericht_id, berichttype, body) VALUES (?, ?, ?, ?)",
            (ontvanger, str(bericht_id), berichttype, body),
        )

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
        self.klok_gezien = None if row is None else _dt(row[0])
        return self.klok_gezien

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


_WRITES = frozenset(
    {"bewaar_antwoord", "voeg_toe", "bewaar_dossier", "in_postvak", "log", "zet_klok"}
)


class _NietTeVoorspellen(Exception):
    """The function read after it wrote: its own writes would not be seen."""


class _Opname:
    """A :class:`Transactie` that answers reads with assumptions, records them with their
    arguments, and holds back writes. No database is touched: the writer checks the assumptions
    (:meth:`geldig`) before it applies the writes (:meth:`pas_toe`)."""

    def __init__(self, klok: datetime | None) -> None:
        self.klok_aanname = klok
        self.reads: list[tuple[str, tuple[Any, ...], dict[str, Any], Any]] = []
        self.writes: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Callable[..., Any]:
        aanname = _AANNAMES.get(name)
        if aanname is not None:

            def read(*args: Any, **kwargs: Any) -> Any:
                if self.writes:
                    raise _NietTeVoorspellen(name)
                result = aanname(self)
                self.reads.append((name, args, kwargs, result))
                return result

            return read
        if name in _WRITES:

            def write(*args: Any) -> None:
                self.writes.append((name, args))

            return write
        raise AttributeError(name)

    def geldig(self, tx: _SqliteTransactie) -> bool:
        """Whether every read gives, inside ``tx``, what the speculative run assumed."""
        return all(
            getattr(tx, name)(*args, **kwargs) == result
            for name, args, kwargs, result in self.reads
        )

    def pas_toe(self, tx: _SqliteTransactie) -> None:
        for name, args in self.writes:
            getattr(tx, name)(*args)


#: What a speculative run assumes each read returns: that nothing is there yet, and the clock as the
#: writer last read it. That is the case for the common request, a new message in a new
#: conversation, and a wrong guess costs only a rerun.
_AANNAMES: dict[str, Callable[[_Opname], Any]] = {
    "eerder_antwoord": lambda opname: None,
    "gebeurtenissen": lambda opname: [],
    "dossier": lambda opname: None,
    "dossiers": lambda opname: [],
    "postvak": lambda opname: [],
    "postvakbericht": lambda opname: None,
    "klok": lambda opname: opname.klok_aanname,
}

#: (the function, its speculative run or None, the caller's loop, the caller's future)
_Job = tuple[
    Callable[[Any], Any],
    "tuple[_Opname, Any] | None",
    asyncio.AbstractEventLoop,
    "asyncio.Future[Any]",
]
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
    """The default store. ``path`` may be ``:memory:``-free only: WAL needs a file."""

    def __init__(self, path: str | Path, *, speculatief: bool = True) -> None:
        self.path = Path(path)
        self.speculatief = speculatief
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._open_lock = threading.Lock()
        self.commits = 0
        self.batched = 0
        self.speculated = 0
        """Transactions whose speculative run was confirmed and applied by the writer."""
        self.rerun = 0
        """Transactions the writer ran itself (no speculation, or its reads had changed)."""
        self._open()

    def _open(self) -> None:
        """Open the write connection and start the writer. Also after :meth:`sluit`: an app's
        lifespan may run more than once (one test client after another), and a closed store must
        then reopen rather than queue transactions that no writer will ever run."""
        self._writer_conn = connect(self.path)
        self._writer_conn.executescript(_SCHEMA)
        self._writer_tx = _SqliteTransactie(self._writer_conn)
        self._slot = _Schrijfslot(self.path)
        self._thread = threading.Thread(target=self._write_loop, name="sqlite-writer", daemon=True)
        self._thread.start()

    async def transactie(self, werk: Callable[[Any], T]) -> T:
        if not self._thread.is_alive():
            with self._open_lock:
                if not self._thread.is_alive():
                    self._open()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        voorspeld = self._speculeer(werk) if self.speculatief else None
        self._jobs.put((werk, voorspeld, loop, future))
        return await future

    def _speculeer(self, werk: Callable[[Any], T]) -> tuple[_Opname, T] | None:
        """Run ``werk`` on assumptions (see :class:`_Opname`), holding back its writes.

        None when it cannot be predicted (it read after writing) or raised: the writer then runs
        it itself, so an error is decided on the writer's state, as before.
        """
        opname = _Opname(self._writer_tx.klok_gezien)
        try:
            return opname, werk(opname)
        except Exception:
            return None

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
            for (_, _, loop, future), (ok, value) in zip(batch, outcomes, strict=True):
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
            for werk, voorspeld, _, _ in batch:
                conn.execute("SAVEPOINT werk")
                try:
                    if voorspeld is not None and voorspeld[0].geldig(tx):
                        voorspeld[0].pas_toe(tx)
                        outcomes.append((True, voorspeld[1]))
                        self.speculated += 1
                    else:
                        self.rerun += 1
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
        _settle(future, ok, value)


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
