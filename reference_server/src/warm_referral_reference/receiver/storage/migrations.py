"""Versioned schema migrations: one numbered list for both backends, one runner.

Each :class:`Migration` has a number, a description and its SQL for each backend (the dialects
differ in types: SQLite stores text and blobs, PostgreSQL uuid, timestamptz and bytea). A table in
the database, ``schema_migrations``, records every migration applied, so the schema version of a
database is the highest number in it. :func:`migrate` applies what is missing, all in one
transaction, under a lock that keeps a second migrating process out; ``warm-referral migrate --db
DB`` runs it (:mod:`warm_referral_reference.receiver.cli`).

A receiver serves a database only at exactly the version it knows (:func:`check`): an older one is
"not migrated" (run the command), a newer one was made by a later receiver (upgrade the receiver).
A brand-new SQLite file is migrated when it is opened (the development default: one file on one
machine); a PostgreSQL database never is, because with several instances on one database the
operator decides when the schema changes.

To change the schema: append a Migration with the next number and the SQL for both backends (a
backend that needs no change gets an empty string), never edit one that has shipped. Its tests
(``tests/reference/storage/test_migrations.py``) upgrade a database of every earlier version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..errors import StoreSchemaError

__all__ = [
    "LATEST",
    "MIGRATIONS",
    "Dialect",
    "Migration",
    "SchemaState",
    "SchemaTarget",
    "check",
    "migrate",
    "statements",
]

Dialect = Literal["sqlite", "postgresql"]

#: How to ask for the migration on the command line (in every refusal).
MIGRATE_COMMAND = "warm-referral migrate --db"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sqlite: str = field(repr=False)
    postgresql: str = field(repr=False)

    def sql(self, dialect: Dialect) -> str:
        return self.sqlite if dialect == "sqlite" else self.postgresql


_SQLITE_1 = """
CREATE TABLE antwoorden (
    bericht_id TEXT PRIMARY KEY,
    body_hash TEXT NOT NULL,
    uitkomst TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE gebeurtenissen (
    conversatie_id TEXT NOT NULL,
    volgnummer INTEGER NOT NULL,
    type TEXT NOT NULL,
    inhoud BLOB NOT NULL,
    tijdstip TEXT NOT NULL,
    PRIMARY KEY (conversatie_id, volgnummer)
);
CREATE TABLE dossiers (
    conversatie_id TEXT PRIMARY KEY,
    verwijzing_id TEXT NOT NULL,
    gemeentecode TEXT NOT NULL,
    schuldeiser TEXT NOT NULL,
    toestand TEXT NOT NULL,
    wacht_op_contact INTEGER NOT NULL,
    contactdeadline TEXT,
    incassostop_einde TEXT NOT NULL,
    afgerond INTEGER NOT NULL,
    bijgewerkt_op TEXT NOT NULL,
    volgende_tik TEXT
);
CREATE INDEX dossiers_tik ON dossiers (volgende_tik);
CREATE INDEX dossiers_gemeente ON dossiers (gemeentecode, afgerond);
CREATE INDEX dossiers_schuldeiser ON dossiers (schuldeiser);
CREATE TABLE postvak (
    ontvanger TEXT NOT NULL,
    volgnummer INTEGER NOT NULL,
    bericht_id TEXT NOT NULL UNIQUE,
    berichttype TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (ontvanger, volgnummer)
);
CREATE TABLE verwerkingen (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tijdstip TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    activiteit TEXT NOT NULL,
    betrokkene TEXT NOT NULL,
    actor TEXT NOT NULL,
    conversatie_id TEXT
);
CREATE TABLE klok (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    nu TEXT
);
"""

# The same tables in PostgreSQL's types, plus the postvak's counter per creditor: a row updated in
# the transaction that numbers a message (a sequence would leave gaps when a transaction rolls back,
# and MAX + 1 would hand one number to two instances at once).
_POSTGRESQL_1 = """
CREATE TABLE antwoorden (
    bericht_id uuid PRIMARY KEY,
    body_hash text NOT NULL,
    uitkomst text NOT NULL,
    body bytea NOT NULL
);
CREATE TABLE gebeurtenissen (
    conversatie_id uuid NOT NULL,
    volgnummer integer NOT NULL,
    type text NOT NULL,
    inhoud bytea NOT NULL,
    tijdstip timestamptz NOT NULL,
    PRIMARY KEY (conversatie_id, volgnummer)
);
CREATE TABLE dossiers (
    conversatie_id uuid PRIMARY KEY,
    verwijzing_id text NOT NULL,
    gemeentecode text NOT NULL,
    schuldeiser text NOT NULL,
    toestand text NOT NULL,
    wacht_op_contact boolean NOT NULL,
    contactdeadline timestamptz,
    incassostop_einde timestamptz NOT NULL,
    afgerond boolean NOT NULL,
    bijgewerkt_op timestamptz NOT NULL,
    volgende_tik timestamptz
);
CREATE INDEX dossiers_tik ON dossiers (volgende_tik) WHERE volgende_tik IS NOT NULL;
CREATE INDEX dossiers_gemeente ON dossiers (gemeentecode, afgerond);
CREATE INDEX dossiers_schuldeiser ON dossiers (schuldeiser);
CREATE TABLE postvak_tellers (
    ontvanger text PRIMARY KEY,
    laatste integer NOT NULL
);
CREATE TABLE postvak (
    ontvanger text NOT NULL,
    volgnummer integer NOT NULL,
    bericht_id uuid NOT NULL UNIQUE,
    berichttype text NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (ontvanger, volgnummer)
);
CREATE TABLE verwerkingen (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tijdstip timestamptz NOT NULL,
    trace_id text NOT NULL,
    activiteit text NOT NULL,
    betrokkene text NOT NULL,
    actor text NOT NULL,
    conversatie_id uuid
);
CREATE TABLE klok (
    id integer PRIMARY KEY CHECK (id = 1),
    nu timestamptz
);
"""

# Each referral's monitoring history beside its index (issue 15): no personal data, so it is kept
# when the referral's log and dossier are erased; selected by municipality and referral date.
_SQLITE_2 = """
CREATE TABLE historien (
    conversatie_id TEXT PRIMARY KEY,
    gemeentecode TEXT NOT NULL,
    verwijsdatum TEXT NOT NULL,
    inhoud BLOB NOT NULL
);
CREATE INDEX historien_gemeente ON historien (gemeentecode, verwijsdatum);
"""

_POSTGRESQL_2 = """
CREATE TABLE historien (
    conversatie_id uuid PRIMARY KEY,
    gemeentecode text NOT NULL,
    verwijsdatum date NOT NULL,
    inhoud bytea NOT NULL
);
CREATE INDEX historien_gemeente ON historien (gemeentecode, verwijsdatum);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the receiver's tables", sqlite=_SQLITE_1, postgresql=_POSTGRESQL_1),
    Migration(2, "monitoring histories", sqlite=_SQLITE_2, postgresql=_POSTGRESQL_2),
)

#: The schema version this receiver reads and writes.
LATEST = MIGRATIONS[-1].version


@dataclass(frozen=True)
class SchemaState:
    version: int
    """The highest migration applied; 0 for an empty database."""
    unrecorded: bool = False
    """A SQLite file made before versioned migrations (no ``schema_migrations``; ``PRAGMA
    user_version`` 2 for the tables of migration 1, 3 for those of migration 2):
    :func:`migrate` records the migrations up to ``version`` without running them, then applies
    the rest; a receiver refuses to serve it until then."""


class SchemaTarget(Protocol):
    """What the runner needs from a backend's connection. ``begin_exclusive`` starts a transaction
    that no other migrating process can run beside (SQLite: BEGIN IMMEDIATE; PostgreSQL: an
    advisory lock); everything after it up to ``commit`` is one transaction."""

    dialect: Dialect
    where: str
    """The database, for messages (a file path, or the URL without its password)."""

    def begin_exclusive(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def state(self) -> SchemaState: ...

    def run(self, sql: str) -> None:
        """Run one SQL statement."""

    def record(self, migration: Migration) -> None:
        """Add a row to ``schema_migrations`` (creating the table first if needed)."""


def statements(script: str) -> list[str]:
    """The statements of a migration script (split on ``;``; the scripts hold no literal
    semicolons)."""
    return [s.strip() for s in script.split(";") if s.strip()]


def check(state: SchemaState, where: str, migrations: Sequence[Migration] = MIGRATIONS) -> None:
    """Refuse (:class:`StoreSchemaError`) a database this receiver cannot serve as it is."""
    latest = migrations[-1].version
    if state.version > latest:
        raise StoreSchemaError(
            f"{where}: the database has schema version {state.version}, newer than this "
            f"receiver knows (version {latest}); upgrade the receiver, or use the one that "
            "migrated it"
        )
    if state.unrecorded:
        raise StoreSchemaError(
            f"{where}: the database was made before versioned migrations; run "
            f"'{MIGRATE_COMMAND} {where}' once to adopt it"
        )
    if state.version < latest:
        now = "is empty" if state.version == 0 else f"has schema version {state.version}"
        raise StoreSchemaError(
            f"{where}: the database {now}; this receiver needs version {latest}: run "
            f"'{MIGRATE_COMMAND} {where}' first"
        )


def migrate(target: SchemaTarget, migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """Apply the migrations the database lacks, in order, in one transaction; those applied.

    A database newer than ``migrations`` is refused and left as it is; a failing migration leaves
    the database at the version it had.
    """
    target.begin_exclusive()
    try:
        state = target.state()
        latest = migrations[-1].version
        if state.version > latest:
            check(state, target.where, migrations)
        if state.unrecorded:
            for migration in migrations:
                if migration.version <= state.version:
                    target.record(migration)
        applied = [m for m in migrations if m.version > state.version]
        for migration in applied:
            for statement in statements(migration.sql(target.dialect)):
                target.run(statement)
            target.record(migration)
        target.commit()
    except BaseException:
        target.rollback()
        raise
    return applied
