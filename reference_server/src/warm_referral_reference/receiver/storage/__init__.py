"""Durable storage behind one contract (:mod:`.contract`), two backends: SQLite (:mod:`.sqlite`,
the default: one machine, one file) and PostgreSQL (:mod:`.postgresql`: several receiver
instances on one database). Both pass the same contract suite; the database argument chooses (a
``postgresql://`` URL means PostgreSQL, anything else is a SQLite file path). The schema of both
comes from one list of versioned migrations (:mod:`.migrations`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .contract import (
    Antwoord,
    DossierIndex,
    Gebeurtenisregel,
    Historieregel,
    Opslag,
    Postvakbericht,
    Transactie,
    Verwerking,
)
from .migrations import LATEST, MIGRATIONS, Migration, SchemaState

__all__ = [
    "LATEST",
    "Antwoord",
    "DossierIndex",
    "Gebeurtenisregel",
    "Historieregel",
    "Migration",
    "Opslag",
    "Postvakbericht",
    "SchemaState",
    "Transactie",
    "Verwerking",
    "beschrijf",
    "is_postgresql",
    "migreer",
    "open_opslag",
    "schemastand",
]


def is_postgresql(db: str | Path) -> bool:
    """Whether ``db`` names a PostgreSQL database (a ``postgresql://`` or ``postgres://`` URL)."""
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def beschrijf(db: str | Path) -> str:
    """``db`` as it may be shown in messages and logs (a URL's password masked)."""
    if is_postgresql(db):
        from .postgresql import zonder_wachtwoord

        return zonder_wachtwoord(str(db))
    return str(db)


def open_opslag(db: str | Path, *, pool: int | None = None) -> Opslag:
    """The store ``db`` names: a ``postgresql://`` URL (its schema must be migrated: see
    :func:`migreer`; ``pool`` connections at most) or a file path (SQLite; a new file is created
    and migrated)."""
    if is_postgresql(db):
        from .postgresql import DEFAULT_POOL, PostgresOpslag

        return PostgresOpslag(str(db), pool or DEFAULT_POOL)
    from .sqlite import SqliteOpslag

    return SqliteOpslag(db)


def migreer(db: str | Path, migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """Bring ``db``'s schema to this receiver's version (:data:`LATEST`); the migrations applied.
    (``migrations`` is for the tests of the mechanism: another list than the receiver's.)"""
    if is_postgresql(db):
        from .postgresql import migrate_postgresql

        return migrate_postgresql(str(db), migrations)
    from .sqlite import migrate_sqlite

    return migrate_sqlite(db, migrations)


def schemastand(db: str | Path) -> SchemaState:
    """The schema version ``db`` has now (0: empty, or a SQLite file that does not exist yet)."""
    if is_postgresql(db):
        from .postgresql import schema_state

        return schema_state(str(db))
    if not Path(db).exists():
        return SchemaState(0)
    from .sqlite import schema_state as sqlite_state

    return sqlite_state(db)
