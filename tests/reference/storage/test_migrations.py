"""Versioned migrations (``storage/migrations.py``), on both backends: an empty database is
refused until migrated (SQLite: a new file is migrated when first opened), ``migrate`` is
idempotent, atomic and safe to run twice at once, a database newer than the receiver is refused
and left alone, and a SQLite file made before versioned migrations is adopted.

The receiver has one migration so far; the upgrade path is shown with made-up later ones.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from warm_referral_reference.receiver.errors import StoreSchemaError
from warm_referral_reference.receiver.storage import (
    LATEST,
    Migration,
    is_postgresql,
    migreer,
    open_opslag,
    schemastand,
)
from warm_referral_reference.receiver.storage.migrations import MIGRATIONS, check

from warm_referral.cli import main

VOLGENDE = Migration(
    LATEST + 1,
    "a later receiver's table",
    sqlite="CREATE TABLE later (x INTEGER); CREATE INDEX later_x ON later (x)",
    postgresql="CREATE TABLE later (x integer); CREATE INDEX later_x ON later (x)",
)
KAPOT = Migration(
    LATEST + 1,
    "half good, half broken",
    sqlite="CREATE TABLE half (x INTEGER); CREATE TABLE dossiers (x INTEGER)",
    postgresql="CREATE TABLE half (x integer); CREATE TABLE dossiers (x integer)",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def leeg(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend: a new file path, or an unmigrated PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "ontvanger.sqlite3")
    maak: Callable[..., str] = request.getfixturevalue("nieuwe_postgres")
    return maak(migreer_=False)


def _tabellen(db: str) -> set[str]:
    if is_postgresql(db):
        import psycopg

        with psycopg.connect(db) as conn:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            return {r[0] for r in conn.execute(sql)}
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def test_an_empty_database_is_migrated_once(leeg: str) -> None:
    assert schemastand(leeg).version == 0
    if is_postgresql(leeg):  # never migrated behind the operator's back
        with pytest.raises(StoreSchemaError, match=r"is empty.*run 'warm-referral migrate --db"):
            open_opslag(leeg)
        assert schemastand(leeg).version == 0
    assert [m.version for m in migreer(leeg)] == [m.version for m in MIGRATIONS]
    assert migreer(leeg) == []  # idempotent
    assert schemastand(leeg).version == LATEST
    assert {"antwoorden", "gebeurtenissen", "dossiers", "postvak", "schema_migrations"} <= (
        _tabellen(leeg)
    )
    open_opslag(leeg).sluit()


def test_a_later_migration_upgrades_and_a_newer_database_is_refused(leeg: str) -> None:
    migreer(leeg)
    # A receiver that knows one more migration finds this database not migrated yet.
    with pytest.raises(StoreSchemaError, match=f"version {LATEST}; this receiver needs"):
        check(schemastand(leeg), leeg, [*MIGRATIONS, VOLGENDE])
    assert migreer(leeg, [*MIGRATIONS, VOLGENDE]) == [VOLGENDE]
    assert "later" in _tabellen(leeg)
    assert schemastand(leeg).version == LATEST + 1
    # This receiver refuses to serve it, and its migrate leaves it alone.
    with pytest.raises(StoreSchemaError, match="newer than this receiver knows"):
        open_opslag(leeg)
    with pytest.raises(StoreSchemaError, match="newer than this receiver knows"):
        migreer(leeg)
    assert schemastand(leeg).version == LATEST + 1


def test_a_failing_migration_changes_nothing(leeg: str) -> None:
    migreer(leeg)
    voor = _tabellen(leeg)
    with pytest.raises(Exception, match="dossiers"):  # each backend its own error
        migreer(leeg, [*MIGRATIONS, KAPOT])
    assert _tabellen(leeg) == voor  # not even the first, good statement of the step
    assert schemastand(leeg).version == LATEST


def test_two_migrations_at_once_apply_each_step_once(leeg: str) -> None:
    """Two instances started by a deployment at the same moment, each migrating first."""
    uitkomsten: list[list[int]] = []
    fouten: list[BaseException] = []

    def draai() -> None:
        try:
            uitkomsten.append([m.version for m in migreer(leeg)])
        except BaseException as exc:
            fouten.append(exc)

    threads = [threading.Thread(target=draai) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert fouten == []
    assert sorted(uitkomsten) == [[], [m.version for m in MIGRATIONS]]
    assert schemastand(leeg).version == LATEST


@pytest.mark.parametrize(("user_version", "migrations"), [(2, 1), (3, 2)])
def test_a_sqlite_file_from_before_migrations_is_adopted(
    tmp_path: Path, user_version: int, migrations: int
) -> None:
    """Before versioned migrations a file had migration 1's tables and ``user_version`` 2, or
    those and the monitoring histories (migration 2) and ``user_version`` 3: adopting it records
    those migrations without running them (their tables hold data), then applies the rest."""
    db = tmp_path / "oud.sqlite3"
    conn = sqlite3.connect(db)
    for migration in MIGRATIONS[:migrations]:
        for statement in migration.sqlite.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("INSERT INTO klok VALUES (1, '2026-04-01T08:30:04.000000Z')")
    if migrations >= 2:
        conn.execute(
            "INSERT INTO historien VALUES ('3b241101-e2bb-4255-8caf-4136c566a962', '0718', "
            "'2026-04-01', X'7B7D')"
        )
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreSchemaError, match=r"before versioned migrations.*migrate"):
        open_opslag(db)
    assert [m.version for m in migreer(db)] == [m.version for m in MIGRATIONS[migrations:]]
    assert schemastand(db).version == LATEST
    opslag = open_opslag(db)
    try:
        import asyncio

        klok = asyncio.run(opslag.lees(lambda tx: tx.klok()))
        assert klok is not None and klok.isoformat() == "2026-04-01T08:30:04+00:00"  # kept
        historien = asyncio.run(opslag.lees(lambda tx: [h.inhoud for h in tx.historien()]))
        assert historien == ([b"{}"] if migrations >= 2 else [])  # kept, or a new empty table
    finally:
        opslag.sluit()


# --- the command ---------------------------------------------------------------------------------


def test_the_migrate_command(leeg: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--db", leeg, "--check"]) == 1
    uit = capsys.readouterr().out
    assert f"schema version 0, this receiver needs {LATEST}" in uit
    assert main(["migrate", "--db", leeg]) == 0
    uit = capsys.readouterr().out
    assert f"applied migration 1 ({MIGRATIONS[0].description})" in uit
    assert f"now at schema version {LATEST}" in uit
    assert main(["migrate", "--db", leeg, "--check"]) == 0
    assert f"schema version {LATEST}: up to date" in capsys.readouterr().out
    assert main(["migrate", "--db", leeg]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_the_migrate_command_on_a_newer_or_unreachable_database(
    leeg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    migreer(leeg, [*MIGRATIONS, VOLGENDE])
    assert main(["migrate", "--db", leeg]) == 1
    assert "newer than this receiver knows" in capsys.readouterr().err
    assert main(["migrate", "--db", leeg, "--check"]) == 1
    assert "newer than this receiver knows" in capsys.readouterr().err


def test_an_unreachable_postgresql_server_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://someone:geheim@/nergens?host={tmp_path}&port=1"
    assert main(["migrate", "--db", url]) == 1
    fout = capsys.readouterr().err
    assert "cannot connect" in fout
    assert "geheim" not in fout and "someone:***@" in fout  # the password never printed


def test_the_receiver_refuses_to_start_on_an_unmigrated_database(
    leeg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One clear line naming the command that fixes it, no traceback (a new SQLite file is the
    exception: it is migrated on first open, so it is made too new here instead)."""
    if not is_postgresql(leeg):
        migreer(leeg, [*MIGRATIONS, VOLGENDE])
    for workers in ("1", "2"):
        code = main(["serve", "receiver", "--db", leeg, "--port", "9", "--workers", workers])
        assert code == 1
        fout = capsys.readouterr().err
        assert fout.startswith("warm-referral serve: ")
        assert ("run 'warm-referral migrate --db" in fout) or ("newer than this" in fout)
        assert "Traceback" not in fout
