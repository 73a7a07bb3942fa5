"""The knooppunt's store (SQLite): envelopes as delivered, and the envelope fields of every
delivery, so that a delivery repeated after confirmation or expiry is still recognised.

Only what the profile allows (WD-KNP-06): the envelope's fields, times, a SHA-256 of the envelope
and, until it is confirmed or expires, the envelope itself (whose content is a JWE). The content is
dropped at confirmation or expiry and SQLite's ``secure_delete`` overwrites the freed pages, so
no ciphertext outlives its mailbox either (a rollback journal, not WAL: a write-ahead log would keep
old pages until the next checkpoint). Timestamps are stored fixed-width (RFC 3339, UTC), so
they compare as text.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from warm_referral import format_tijdstip, parse_tijdstip
from warm_referral.knooppunt import Envelop

__all__ = ["Aflevering", "Opslag", "Status"]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS aflevering (
    volgnummer INTEGER PRIMARY KEY AUTOINCREMENT,
    bericht_id TEXT NOT NULL UNIQUE,
    berichttype TEXT NOT NULL,
    spec_versie TEXT NOT NULL,
    conversatie_id TEXT NOT NULL,
    afzender TEXT NOT NULL,
    ontvanger TEXT NOT NULL,
    vingerafdruk TEXT NOT NULL,
    afgeleverd_op TEXT NOT NULL,
    vervalt_op TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('wacht', 'bevestigd', 'vervallen')),
    envelop BLOB,
    CHECK ((status = 'wacht') = (envelop IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS postbus ON aflevering (ontvanger, status, volgnummer);
CREATE TABLE IF NOT EXISTS testklok (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    nu TEXT NOT NULL
);
"""


class Status:
    WACHT = "wacht"
    BEVESTIGD = "bevestigd"
    VERVALLEN = "vervallen"


@dataclass(frozen=True, slots=True)
class Aflevering:
    """One delivery: the envelope's fields, its times and its state."""

    bericht_id: str
    berichttype: str
    spec_versie: str
    conversatie_id: str
    afzender: str
    ontvanger: str
    vingerafdruk: str
    afgeleverd_op: datetime
    vervalt_op: datetime
    status: str
    data: bytes | None
    """The envelope as delivered, while it waits; None once confirmed or expired."""


def _tijd(moment: datetime) -> str:
    return format_tijdstip(moment, vaste_breedte=True)


class Opslag:
    """One SQLite connection behind a lock; :meth:`transactie` runs a function in a
    transaction (callers run it in a worker thread)."""

    def __init__(self, pad: Path | str) -> None:
        self._db = sqlite3.connect(str(pad), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def transactie(self, werk: Callable[[Transactie], T]) -> T:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                resultaat = werk(Transactie(self._db))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return resultaat


_KOLOMMEN = (
    "bericht_id, berichttype, spec_versie, conversatie_id, afzender, ontvanger, vingerafdruk, "
    "afgeleverd_op, vervalt_op, status, envelop"
)


def _rij(rij: tuple[object, ...]) -> Aflevering:
    (bid, soort, versie, conv, afz, ontv, vinger, op, tot, status, data) = rij
    return Aflevering(
        bericht_id=str(bid),
        berichttype=str(soort),
        spec_versie=str(versie),
        conversatie_id=str(conv),
        afzender=str(afz),
        ontvanger=str(ontv),
        vingerafdruk=str(vinger),
        afgeleverd_op=parse_tijdstip(str(op)),
        vervalt_op=parse_tijdstip(str(tot)),
        status=str(status),
        data=bytes(data) if isinstance(data, (bytes, memoryview)) else None,
    )


class Transactie:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def klok(self) -> datetime | None:
        rij = self._db.execute("SELECT nu FROM testklok WHERE id = 1").fetchone()
        return None if rij is None else parse_tijdstip(rij[0])

    def zet_klok(self, nu: datetime) -> None:
        self._db.execute(
            "INSERT INTO testklok (id, nu) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET nu = ?",
            (_tijd(nu), _tijd(nu)),
        )

    def laat_vervallen(self, nu: datetime) -> int:
        """Drop every waiting envelope whose time is up; how many."""
        cursor = self._db.execute(
            "UPDATE aflevering SET status = 'vervallen', envelop = NULL "
            "WHERE status = 'wacht' AND vervalt_op <= ?",
            (_tijd(nu),),
        )
        return cursor.rowcount

    def zoek(self, bericht_id: str) -> Aflevering | None:
        rij = self._db.execute(
            f"SELECT {_KOLOMMEN} FROM aflevering WHERE bericht_id = ?", (bericht_id,)
        ).fetchone()
        return None if rij is None else _rij(rij)

    def bewaar(
        self,
        envelop: Envelop,
        data: bytes,
        vingerafdruk: str,
        afgeleverd_op: datetime,
        vervalt_op: datetime,
    ) -> None:
        self._db.execute(
            f"INSERT INTO aflevering ({_KOLOMMEN}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'wacht', ?)",
            (
                str(envelop.bericht_id),
                envelop.berichttype,
                envelop.spec_versie,
                str(envelop.conversatie_id),
                envelop.afzender,
                envelop.ontvanger,
                vingerafdruk,
                _tijd(afgeleverd_op),
                _tijd(vervalt_op),
                data,
            ),
        )

    def postbus(self, ontvanger: str, limiet: int) -> list[Aflevering]:
        rijen = self._db.execute(
            f"SELECT {_KOLOMMEN} FROM aflevering WHERE ontvanger = ? AND status = 'wacht' "
            "ORDER BY volgnummer LIMIT ?",
            (ontvanger, limiet),
        ).fetchall()
        return [_rij(r) for r in rijen]

    def bevestig(self, bericht_id: str) -> None:
        self._db.execute(
            "UPDATE aflevering SET status = 'bevestigd', envelop = NULL "
            "WHERE bericht_id = ? AND status = 'wacht'",
            (bericht_id,),
        )
