"""PostgreSQL storage: several receiver instances on one database, with the guarantees of SQLite.

Each transaction runs on a connection from a psycopg pool, in a thread of its own (the domain's
work is synchronous), at READ COMMITTED, and returns after PostgreSQL's commit (``fsync`` and
``synchronous_commit`` on, as by default: the commit is durable when it returns; concurrent
commits share WAL flushes, PostgreSQL's own group commit).

Instances on one database coordinate through the database only, never through a process:

- **What a transaction works on, it locks first.** In a write transaction, reading a berichtId's
  answer takes a transaction-level advisory lock on that berichtId, and reading (or writing) a
  referral's index or log takes one on its conversatieId, each before the read. PostgreSQL holds
  them until the commit and starts every statement at READ COMMITTED from the latest commit, so a
  second transaction on the same berichtId or referral waits for the first, then reads what it
  committed: a retried message finds its stored answer; two changes to one referral never both
  build on the same old state (no lost update). This is two-phase locking on exactly what the
  domain reads and changes, so the transactions are serialisable without SERIALIZABLE, whose
  predicate locks fail many unrelated inserts under load (they share index pages).
- **The postvak counter.** Each creditor's postvak is numbered by a row per creditor
  (``postvak_tellers``) incremented in the transaction: the row lock lets the next transaction of
  that creditor take a number only after the previous one committed or rolled back, so numbers are
  handed out once, without gaps, and become visible in order.
- **The deadline monitor.** In a write transaction, ``dossiers(tik_voor=...)`` returns only the due
  referrals whose lock it could take without waiting (``pg_try_advisory_xact_lock``) and that are
  still due once locked: two instances running the monitor at the same moment split the work, and
  each dossier's time fact fires once. One that another transaction holds is due again at the next
  pass.
- **The test clock.** A write transaction that reads it takes a shared lock, setting it takes the
  exclusive lock, so the clock never goes back under two concurrent settings.
- **Retries.** A deadlock or serialisation failure rolls the transaction back; the work runs again
  (the contract allows it: work has no effect outside its transaction), at most
  :data:`MAX_POGINGEN` times.

Reads (:meth:`PostgresOpslag.lees`) run at REPEATABLE READ, READ ONLY: one snapshot for the whole
function, and no locks.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

from ..errors import StoreSchemaError, StoreUnavailable
from .contract import (
    Antwoord,
    DossierIndex,
    Gebeurtenisregel,
    Historieregel,
    Postvakbericht,
    Verwerking,
)
from .migrations import MIGRATIONS, Dialect, Migration, SchemaState, check, migrate

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

__all__ = [
    "DEFAULT_POOL",
    "MAX_POGINGEN",
    "PostgresOpslag",
    "migrate_postgresql",
    "schema_state",
    "zonder_wachtwoord",
]

T = TypeVar("T")

#: Connections (and threads) per receiver process, unless ``--db-pool`` says otherwise.
DEFAULT_POOL = 10
#: Attempts of one transaction that meets deadlocks or serialisation failures.
MAX_POGINGEN = 20

# Advisory lock namespaces (the first key of the two-key form): distinct numbers, so that another
# application's advisory locks in the same database are unlikely to meet ours.
_SLOT_BERICHT = 0x5752_0001
_SLOT_CONVERSATIE = 0x5752_0002
_SLOT_KLOK = 0x5752_0003
_SLOT_MIGRATIES = 0x5752_0004

#: Rows fetched at a time when the monitoring histories are streamed (a server-side cursor).
_HISTORIEN_PER_KEER = 2000
#: Names of the server-side cursors, unique within the process (two may be open in one
#: transaction).
_cursornummers = itertools.count(1)


def zonder_wachtwoord(url: str) -> str:
    """The URL with its password masked, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError:  # pragma: no cover - exercised by hand; the test group installs both
        raise StoreUnavailable(
            "PostgreSQL needs psycopg and psycopg_pool: pip install "
            "'warm-referral-reference[postgresql]'"
        ) from None
    return psycopg, psycopg_pool


def _sleutel(waarde: UUID) -> int:
    """The second key of an advisory lock: 32 bits of the (random) identifier. Two identifiers
    that share them only wait for each other now and then; that costs time, never correctness."""
    return int.from_bytes(waarde.bytes[:4], "big", signed=True)


def _configureer(conn: psycopg.Connection[Any]) -> None:
    # Timestamps come back in UTC (the store's convention). A commit returns only once its WAL is
    # on disk, whatever the server's or the role's default says: the receiver acknowledges only
    # what is durable.
    conn.execute("SET TimeZone TO 'UTC'; SET synchronous_commit TO on")


def _controleer_duurzaam(conn: psycopg.Connection[Any], where: str) -> None:
    row = conn.execute("SHOW fsync").fetchone()
    if row is None or row[0] != "on":
        raise StoreUnavailable(
            f"{where}: the server runs with fsync off, so a commit is not durable; the receiver "
            "acknowledges only durable referrals (set fsync = on)"
        )


class _PgTransactie:
    """The storage operations over one connection inside a transaction (see the module doc)."""

    def __init__(self, conn: psycopg.Connection[Any], schrijven: bool) -> None:
        self.conn = conn
        self.schrijven = schrijven
        self._vast: set[tuple[int, int]] = set()
        self._klok_gedeeld = False

    def _vergrendel(self, slot: int, sleutel: int) -> None:
        if self.schrijven and (slot, sleutel) not in self._vast:
            self.conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (slot, sleutel))
            self._vast.add((slot, sleutel))

    def _probeer(self, slot: int, sleutel: int) -> bool:
        if (slot, sleutel) in self._vast:
            return True
        row = self.conn.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", (slot, sleutel)
        ).fetchone()
        if row is not None and row[0]:
            self._vast.add((slot, sleutel))
            return True
        return False

    def _conversatie(self, conversatie_id: UUID) -> None:
        self._vergrendel(_SLOT_CONVERSATIE, _sleutel(conversatie_id))

    def eerder_antwoord(self, bericht_id: UUID) -> tuple[str, Antwoord] | None:
        self._vergrendel(_SLOT_BERICHT, _sleutel(bericht_id))
        row = self.conn.execute(
            "SELECT body_hash, uitkomst, body FROM antwoorden WHERE bericht_id = %s",
            (bericht_id,),
        ).fetchone()
        return None if row is None else (row[0], Antwoord(row[1], bytes(row[2])))

    def bewaar_antwoord(self, bericht_id: UUID, body_hash: str, antwoord: Antwoord) -> None:
        self.conn.execute(
            "INSERT INTO antwoorden VALUES (%s, %s, %s, %s)",
            (bericht_id, body_hash, antwoord.uitkomst, antwoord.body),
        )

    def gebeurtenissen(self, conversatie_id: UUID) -> list[Gebeurtenisregel]:
        self._conversatie(conversatie_id)
        rows = self.conn.execute(
            "SELECT type, inhoud, tijdstip FROM gebeurtenissen WHERE conversatie_id = %s "
            "ORDER BY volgnummer",
            (conversatie_id,),
        ).fetchall()
        return [Gebeurtenisregel(r[0], bytes(r[1]), r[2]) for r in rows]

    def voeg_toe(self, conversatie_id: UUID, regel: Gebeurtenisregel) -> None:
        self._conversatie(conversatie_id)
        self.conn.execute(
            "INSERT INTO gebeurtenissen "
            "SELECT %s, COALESCE(MAX(volgnummer), 0) + 1, %s, %s, %s "
            "FROM gebeurtenissen WHERE conversatie_id = %s",
            (conversatie_id, regel.type, regel.inhoud, regel.tijdstip, conversatie_id),
        )

    def vervang_gebeurtenissen(
        self, conversatie_id: UUID, regels: Sequence[Gebeurtenisregel]
    ) -> None:
        """Replace the referral's log (issue 12's erasure, which extends the contract on its
        branch). PostgreSQL keeps a deleted row's bytes until VACUUM reuses its space (autovacuum
        does, soon after), and in WAL and backups as long as those are kept."""
        self._conversatie(conversatie_id)
        self.conn.execute("DELETE FROM gebeurtenissen WHERE conversatie_id = %s", (conversatie_id,))
        for regel in regels:
            self.voeg_toe(conversatie_id, regel)

    def dossier(self, conversatie_id: UUID) -> DossierIndex | None:
        self._conversatie(conversatie_id)
        row = self.conn.execute(
            f"SELECT {_KOLOMMEN} FROM dossiers WHERE conversatie_id = %s", (conversatie_id,)
        ).fetchone()
        return None if row is None else DossierIndex(*row)

    def bewaar_dossier(self, index: DossierIndex) -> None:
        self._conversatie(index.conversatie_id)
        self.conn.execute(
            f"INSERT INTO dossiers ({_KOLOMMEN}) VALUES ({', '.join(['%s'] * 11)}) "
            "ON CONFLICT (conversatie_id) DO UPDATE SET "
            + ", ".join(f"{k} = EXCLUDED.{k}" for k in _KOLOMMEN.split(", ")[1:]),
            (
                index.conversatie_id,
                index.verwijzing_id,
                index.gemeentecode,
                index.schuldeiser,
                index.toestand,
                index.wacht_op_contact,
                index.contactdeadline,
                index.incassostop_einde,
                index.afgerond,
                index.bijgewerkt_op,
                index.volgende_tik,
            ),
        )

    def dossiers(
        self,
        gemeentecodes: Sequence[str] | None = None,
        schuldeiser: str | None = None,
        tik_voor: datetime | None = None,
    ) -> list[DossierIndex]:
        where, args = "TRUE", list[Any]()
        if tik_voor is not None:
            where += " AND volgende_tik <= %s"
            args.append(tik_voor)
        if gemeentecodes is not None:
            where += " AND gemeentecode = ANY(%s)"
            args.append(list(gemeentecodes))
        if schuldeiser is not None:
            where += " AND schuldeiser = %s"
            args.append(schuldeiser)
        sql = f"SELECT {_KOLOMMEN} FROM dossiers WHERE {where}"
        rows = self.conn.execute(sql + " ORDER BY bijgewerkt_op, conversatie_id", args).fetchall()
        if not (self.schrijven and tik_voor is not None):
            return [DossierIndex(*r) for r in rows]
        # The deadline monitor: claim each due referral without waiting, then read it again, now
        # that nobody else can change it (another instance may have ticked it meanwhile).
        geclaimd = []
        for row in rows:
            if self._probeer(_SLOT_CONVERSATIE, _sleutel(row[0])):
                opnieuw = self.conn.execute(
                    sql + " AND conversatie_id = %s", [*args, row[0]]
                ).fetchone()
                if opnieuw is not None:
                    geclaimd.append(DossierIndex(*opnieuw))
        return geclaimd

    def bewaar_historie(self, regel: Historieregel) -> None:
        # Under the referral's lock like its index: the domain writes both in one transaction.
        self._conversatie(regel.conversatie_id)
        self.conn.execute(
            "INSERT INTO historien VALUES (%s, %s, %s, %s) ON CONFLICT (conversatie_id) "
            "DO UPDATE SET gemeentecode = EXCLUDED.gemeentecode, "
            "verwijsdatum = EXCLUDED.verwijsdatum, inhoud = EXCLUDED.inhoud",
            (regel.conversatie_id, regel.gemeentecode, regel.verwijsdatum, regel.inhoud),
        )

    def historien(
        self,
        gemeentecodes: Sequence[str] | None = None,
        van: date | None = None,
        tot: date | None = None,
    ) -> Iterator[Historieregel]:
        where, args = "TRUE", list[Any]()
        if gemeentecodes is not None:
            where += " AND gemeentecode = ANY(%s)"
            args.append(list(gemeentecodes))
        if van is not None:
            where += " AND verwijsdatum >= %s"
            args.append(van)
        if tot is not None:
            where += " AND verwijsdatum <= %s"
            args.append(tot)
        # A server-side cursor: the rows come in batches, not all at once into memory (a hosting
        # party's database holds the histories of every municipality it serves).
        with self.conn.cursor(name=f"historien_{next(_cursornummers)}") as cur:
            cur.itersize = _HISTORIEN_PER_KEER
            cur.execute(
                "SELECT conversatie_id, gemeentecode, verwijsdatum, inhoud FROM historien "
                f"WHERE {where}",
                args,
            )
            for r in cur:
                yield Historieregel(r[0], r[1], r[2], bytes(r[3]))

    def in_postvak(self, ontvanger: str, bericht_id: UUID, berichttype: str, body: bytes) -> int:
        row = self.conn.execute(
            "WITH teller AS ("
            " INSERT INTO postvak_tellers VALUES (%s, 1) ON CONFLICT (ontvanger)"
            " DO UPDATE SET laatste = postvak_tellers.laatste + 1 RETURNING laatste) "
            "INSERT INTO postvak (ontvanger, volgnummer, bericht_id, berichttype, body) "
            "SELECT %s, laatste, %s, %s, %s FROM teller RETURNING volgnummer",
            (ontvanger, ontvanger, bericht_id, berichttype, body),
        ).fetchone()
        assert row is not None
        return int(row[0])

    def postvak(self, ontvanger: str, na: int, limiet: int) -> list[Postvakbericht]:
        rows = self.conn.execute(
            "SELECT volgnummer, bericht_id, berichttype, body FROM postvak "
            "WHERE ontvanger = %s AND volgnummer > %s ORDER BY volgnummer LIMIT %s",
            (ontvanger, na, limiet),
        ).fetchall()
        return [Postvakbericht(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    def postvakbericht(self, bericht_id: UUID) -> tuple[str, bytes] | None:
        row = self.conn.execute(
            "SELECT ontvanger, body FROM postvak WHERE bericht_id = %s", (bericht_id,)
        ).fetchone()
        return None if row is None else (row[0], bytes(row[1]))

    def log(self, verwerking: Verwerking) -> None:
        self.conn.execute(
            "INSERT INTO verwerkingen (tijdstip, trace_id, activiteit, betrokkene, actor, "
            "conversatie_id) VALUES (%s, %s, %s, %s, %s, %s)",
            (
                verwerking.tijdstip,
                verwerking.trace_id,
                verwerking.activiteit,
                verwerking.betrokkene,
                verwerking.actor,
                verwerking.conversatie_id,
            ),
        )

    def klok(self) -> datetime | None:
        if self.schrijven and not self._klok_gedeeld and (_SLOT_KLOK, 0) not in self._vast:
            self.conn.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", (_SLOT_KLOK,))
            self._klok_gedeeld = True  # zet_klok still takes the exclusive lock
        row = self.conn.execute("SELECT nu FROM klok WHERE id = 1").fetchone()
        return None if row is None else row[0]

    def zet_klok(self, nu: datetime | None) -> None:
        self._vergrendel(_SLOT_KLOK, 0)
        if nu is None:
            self.conn.execute("DELETE FROM klok")
        else:
            self.conn.execute(
                "INSERT INTO klok VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET nu = EXCLUDED.nu",
                (nu,),
            )


_KOLOMMEN = (
    "conversatie_id, verwijzing_id, gemeentecode, schuldeiser, toestand, wacht_op_contact, "
    "contactdeadline, incassostop_einde, afgerond, bijgewerkt_op, volgende_tik"
)
"""The index's columns in the order of :class:`DossierIndex`'s fields."""


class _PgSchema:
    """The migration runner's view of a PostgreSQL connection (:mod:`.migrations`)."""

    dialect: Dialect = "postgresql"

    def __init__(self, conn: psycopg.Connection[Any], where: str) -> None:
        self.conn = conn
        self.where = where

    def begin_exclusive(self) -> None:
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (_SLOT_MIGRATIES,))

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if not self.conn.closed:
            self.conn.execute("ROLLBACK")

    def state(self) -> SchemaState:
        row = self.conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        if row is None or not row[0]:
            return SchemaState(0)
        row = self.conn.execute(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
        ).fetchone()
        assert row is not None
        return SchemaState(int(row[0]))

    def run(self, sql: str) -> None:
        self.conn.execute(sql.encode())  # our own constant text, never input

    def record(self, migration: Migration) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
            "description text NOT NULL, applied_at timestamptz NOT NULL)"
        )
        self.conn.execute(
            "INSERT INTO schema_migrations VALUES (%s, %s, %s)",
            (migration.version, migration.description, datetime.now(timezone.utc)),
        )


def _verbind(url: str) -> psycopg.Connection[Any]:
    pg, _ = _psycopg()
    try:
        conn: psycopg.Connection[Any] = pg.connect(url, autocommit=True, connect_timeout=10)
    except pg.OperationalError as exc:
        raise StoreUnavailable(f"{zonder_wachtwoord(url)}: cannot connect: {exc}") from None
    _configureer(conn)
    return conn


def schema_state(url: str) -> SchemaState:
    """The schema version of the PostgreSQL database at ``url`` (0: not migrated)."""
    with _verbind(url) as conn:
        return _PgSchema(conn, zonder_wachtwoord(url)).state()


def migrate_postgresql(url: str, migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """Bring the database at ``url`` to this receiver's schema; the migrations applied."""
    with _verbind(url) as conn:
        return migrate(_PgSchema(conn, zonder_wachtwoord(url)), migrations)


def _rol_terug(conn: psycopg.Connection[Any]) -> None:
    """Roll back, unless the connection is gone (the server then rolled back; the pool replaces
    a broken connection)."""
    psycopg, _ = _psycopg()
    if not conn.closed:
        with contextlib.suppress(psycopg.OperationalError):
            conn.execute("ROLLBACK")


class PostgresOpslag:
    """The store on a PostgreSQL database, ``url`` as libpq takes it (``postgresql://...``)."""

    def __init__(self, url: str, pool: int = DEFAULT_POOL) -> None:
        if pool < 1:
            raise ValueError("the pool needs at least one connection")
        self.url = url
        self.where = zonder_wachtwoord(url)
        self.grootte = pool
        self.pogingen = 0
        """Transactions run again after a deadlock or serialisation failure (for tests, bench)."""
        self._lock = threading.Lock()
        self._pool: ConnectionPool[Any] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._open()

    def _open(self) -> None:
        psycopg, psycopg_pool = _psycopg()
        pool = psycopg_pool.ConnectionPool(
            self.url,
            min_size=min(2, self.grootte),
            max_size=self.grootte,
            kwargs={"autocommit": True},
            configure=_configureer,
            open=False,
            name="warm-referral-ontvanger",
        )
        try:
            pool.open(wait=True, timeout=15)
            with pool.connection() as conn:
                _controleer_duurzaam(conn, self.where)
                check(_PgSchema(conn, self.where).state(), self.where)
        except psycopg_pool.PoolTimeout:
            pool.close()
            raise StoreUnavailable(
                f"{self.where}: cannot connect to PostgreSQL within 15 s"
            ) from None
        except (StoreSchemaError, StoreUnavailable, psycopg.Error):
            pool.close()
            raise
        self._pool = pool
        self._executor = ThreadPoolExecutor(self.grootte, thread_name_prefix="postgresql")

    def _geopend(self) -> tuple[ConnectionPool[Any], ThreadPoolExecutor]:
        with self._lock:
            if self._pool is None or self._executor is None:
                self._open()
            assert self._pool is not None and self._executor is not None
            return self._pool, self._executor

    async def transactie(self, werk: Callable[[Any], T]) -> T:
        pool, executor = self._geopend()
        return await asyncio.get_running_loop().run_in_executor(executor, self._schrijf, pool, werk)

    async def lees(self, werk: Callable[[Any], T]) -> T:
        pool, executor = self._geopend()
        return await asyncio.get_running_loop().run_in_executor(executor, self._lees, pool, werk)

    def _lees(self, pool: ConnectionPool[Any], werk: Callable[[Any], T]) -> T:
        with pool.connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                return werk(_PgTransactie(conn, schrijven=False))
            finally:
                _rol_terug(conn)

    def _schrijf(self, pool: ConnectionPool[Any], werk: Callable[[Any], T]) -> T:
        psycopg, _ = _psycopg()
        opnieuw = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
        for poging in range(1, MAX_POGINGEN + 1):
            with pool.connection() as conn:
                try:
                    conn.execute("BEGIN")
                except psycopg.OperationalError:
                    # A connection the server dropped (a restart): nothing ran yet, so another
                    # connection may try; the pool replaces this one.
                    if poging == MAX_POGINGEN:
                        raise
                    continue
                try:
                    uitkomst = werk(_PgTransactie(conn, schrijven=True))
                except opnieuw:
                    _rol_terug(conn)
                    if poging == MAX_POGINGEN:
                        raise
                    self.pogingen += 1
                except BaseException:
                    _rol_terug(conn)
                    raise
                else:
                    conn.execute("COMMIT")
                    return uitkomst
            time.sleep(random.uniform(0, 0.002 * poging))
        raise AssertionError("unreachable")

    def sluit(self) -> None:
        with self._lock:
            pool, executor = self._pool, self._executor
            self._pool = self._executor = None
        if executor is not None:
            executor.shutdown(wait=True)
        if pool is not None:
            pool.close()
