"""The sender's durable store: the outbox (uitgaand), the inbox (inkomend) and the postvak cursor.

A message is stored before it is sent, and every outcome (acknowledged, refused, try again at a
given time) is stored before the sender moves on, so a crash of the sender or the receiver at any
moment loses nothing: on restart the outbox still holds every message that was not acknowledged,
with the same berichtId, and the receiver's idempotency turns the resend into the original answer.
The inbox is keyed by berichtId, so a message that arrives twice (in the HTTP answer and again in
the postvak, or a page fetched twice) is kept once. The postvak cursor advances in the same
transaction that stores the page, so a crash between the two cannot skip or lose a message.

SQLite in WAL mode with ``synchronous=FULL``: a commit survives power loss, not only a process
crash. One connection behind a lock; every method is one transaction.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from warm_referral import parse_json
from warm_referral.errors import MessageValidationError
from warm_referral.models import Bericht, Ontvangstbevestiging

from .errors import BerichtIdReused, OutboxError

__all__ = ["Inkomend", "Outbox", "Status", "Uitgaand"]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uitgaand (
    volgnummer INTEGER PRIMARY KEY AUTOINCREMENT,
    bericht_id TEXT NOT NULL UNIQUE,
    conversatie_id TEXT NOT NULL,
    berichttype TEXT NOT NULL,
    verwijzing_id TEXT,
    body BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'acknowledged', 'refused')),
    pogingen INTEGER NOT NULL DEFAULT 0,
    volgende_poging REAL NOT NULL,
    laatste_fout TEXT,
    antwoord_status INTEGER,
    antwoord BLOB,
    aangeboden_op REAL NOT NULL,
    afgerond_op REAL
);
CREATE INDEX IF NOT EXISTS uitgaand_wachtrij ON uitgaand (status, volgende_poging);
CREATE INDEX IF NOT EXISTS uitgaand_conversatie ON uitgaand (conversatie_id, volgnummer);
CREATE TABLE IF NOT EXISTS inkomend (
    volgnummer INTEGER PRIMARY KEY AUTOINCREMENT,
    bericht_id TEXT NOT NULL UNIQUE,
    conversatie_id TEXT,
    berichttype TEXT NOT NULL,
    cross_referentie TEXT,
    bron TEXT NOT NULL,
    body BLOB NOT NULL,
    fout TEXT,
    ontvangen_op REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS inkomend_conversatie ON inkomend (conversatie_id, volgnummer);
CREATE TABLE IF NOT EXISTS postvakcursor (
    postvak TEXT PRIMARY KEY,
    na INTEGER NOT NULL
);
"""


class Status(str, Enum):
    """Where an outgoing message stands."""

    PENDING = "pending"
    """Stored, not yet acknowledged: the sender keeps trying."""
    ACKNOWLEDGED = "acknowledged"
    """The receiver answered 2xx (or its Ontvangstbevestiging arrived in the postvak)."""
    REFUSED = "refused"
    """The receiver refused it definitively (a 4xx other than 408/425/429); see laatste_fout."""


@dataclass(frozen=True, slots=True)
class Uitgaand:
    """One outgoing message and where it stands."""

    volgnummer: int
    bericht_id: UUID
    conversatie_id: UUID
    berichttype: str
    verwijzing_id: str | None
    body: bytes
    status: Status
    pogingen: int
    volgende_poging: float
    laatste_fout: str | None
    antwoord_status: int | None
    antwoord: bytes | None
    aangeboden_op: float
    afgerond_op: float | None

    def bericht(self) -> Bericht:
        return parse_json(self.body)


@dataclass(frozen=True, slots=True)
class Inkomend:
    """One message the municipality sent us. ``bron`` is ``antwoord`` (the body of an HTTP answer)
    or ``postvak``; ``fout`` is set when it did not parse (kept anyway, for a person to look at)."""

    volgnummer: int
    bericht_id: str
    conversatie_id: UUID | None
    berichttype: str
    cross_referentie: UUID | None
    bron: str
    body: bytes
    fout: str | None
    ontvangen_op: float

    def bericht(self) -> Bericht:
        return parse_json(self.body)


def _uitgaand(row: Any) -> Uitgaand:
    return Uitgaand(
        volgnummer=row[0],
        bericht_id=UUID(row[1]),
        conversatie_id=UUID(row[2]),
        berichttype=row[3],
        verwijzing_id=row[4],
        body=bytes(row[5]),
        status=Status(row[6]),
        pogingen=row[7],
        volgende_poging=row[8],
        laatste_fout=row[9],
        antwoord_status=row[10],
        antwoord=None if row[11] is None else bytes(row[11]),
        aangeboden_op=row[12],
        afgerond_op=row[13],
    )


def _inkomend(row: Any) -> Inkomend:
    return Inkomend(
        volgnummer=row[0],
        bericht_id=row[1],
        conversatie_id=None if row[2] is None else UUID(row[2]),
        berichttype=row[3],
        cross_referentie=None if row[4] is None else UUID(row[4]),
        bron=row[5],
        body=bytes(row[6]),
        fout=row[7],
        ontvangen_op=row[8],
    )


_UITGAAND = (
    "SELECT volgnummer, bericht_id, conversatie_id, berichttype, verwijzing_id, body, status, "
    "pogingen, volgende_poging, laatste_fout, antwoord_status, antwoord, aangeboden_op, "
    "afgerond_op FROM uitgaand"
)
_INKOMEND = (
    "SELECT volgnummer, bericht_id, conversatie_id, berichttype, cross_referentie, bron, body, "
    "fout, ontvangen_op FROM inkomend"
)


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection with the durability settings every connection to the outbox must use."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


class Outbox:
    """The durable outbox and inbox of one creditor's sender (one SQLite file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._conn = connect(self.path)
            self._conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise OutboxError(f"{self.path}: cannot open the outbox: {exc}") from None
        self._lock = threading.Lock()

    def sluit(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transactie(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # also when the COMMIT itself failed
                    self._conn.execute("ROLLBACK")
                raise

    def _lees(self, werk: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return werk(self._conn)

    # --- the outbox ---------------------------------------------------------------------------

    def voeg_toe(
        self, berichten: Sequence[Bericht], nu: float, *, opnieuw: bool = False
    ) -> list[Uitgaand]:
        """Store messages to send, all in one transaction (durable when this returns).

        A message already held with the same body is not stored again (so enqueueing is
        idempotent); ``opnieuw`` puts a refused one back in the queue. A different message under a
        known berichtId raises :class:`BerichtIdReused` and nothing is stored.
        """
        uit: list[Uitgaand] = []
        with self._transactie() as conn:
            for bericht in berichten:
                body = bericht.to_json()
                sleutel = str(bericht.bericht_id)
                rij = conn.execute(f"{_UITGAAND} WHERE bericht_id = ?", (sleutel,)).fetchone()
                if rij is None:
                    conn.execute(
                        "INSERT INTO uitgaand (bericht_id, conversatie_id, berichttype, "
                        "verwijzing_id, body, status, volgende_poging, aangeboden_op) "
                        "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                        (
                            sleutel,
                            str(bericht.conversatie_id),
                            bericht.berichttype,
                            getattr(bericht, "verwijzing_id", None),
                            body,
                            nu,
                            nu,
                        ),
                    )
                else:
                    bestaand = _uitgaand(rij)
                    if bestaand.body != body:
                        raise BerichtIdReused(
                            f"berichtId {sleutel} already names another "
                            f"{bestaand.berichttype} in the outbox; a changed message needs a "
                            "new berichtId"
                        )
                    if opnieuw and bestaand.status is Status.REFUSED:
                        conn.execute(
                            "UPDATE uitgaand SET status = 'pending', volgende_poging = ?, "
                            "afgerond_op = NULL WHERE bericht_id = ?",
                            (nu, sleutel),
                        )
                rij = conn.execute(f"{_UITGAAND} WHERE bericht_id = ?", (sleutel,)).fetchone()
                uit.append(_uitgaand(rij))
        return uit

    def te_verzenden(self, nu: float, limiet: int, behalve: Collection[str] = ()) -> list[Uitgaand]:
        """Pending messages due at ``nu``, oldest first; never one whose conversation has an
        earlier message still pending (a withdrawal must not overtake its referral)."""
        uitsluiten = list(behalve)
        sql = (
            f"{_UITGAAND} AS u WHERE status = 'pending' AND volgende_poging <= ? "
            "AND NOT EXISTS (SELECT 1 FROM uitgaand AS e WHERE e.conversatie_id = u.conversatie_id "
            "AND e.volgnummer < u.volgnummer AND e.status = 'pending')"
        )
        if uitsluiten:
            sql += f" AND bericht_id NOT IN ({', '.join('?' * len(uitsluiten))})"
        sql += " ORDER BY volgende_poging, volgnummer LIMIT ?"
        return self._lees(
            lambda conn: [
                _uitgaand(r) for r in conn.execute(sql, (nu, *uitsluiten, limiet)).fetchall()
            ]
        )

    def volgende_poging(self) -> float | None:
        """When the earliest pending message is due; None when nothing is pending."""
        row = self._lees(
            lambda conn: conn.execute(
                "SELECT MIN(volgende_poging) FROM uitgaand WHERE status = 'pending'"
            ).fetchone()
        )
        return None if row[0] is None else float(row[0])

    def bevestig(
        self,
        bericht_id: UUID,
        status: int,
        antwoord: bytes,
        nu: float,
        inkomend: Bericht | None = None,
        fout: str | None = None,
    ) -> None:
        """The receiver accepted the message; keep its answer, and the message in it (the
        Ontvangstbevestiging of a Verwijzing, the Statusbericht of a Statusverzoek) in the inbox."""
        with self._transactie() as conn:
            conn.execute(
                "UPDATE uitgaand SET status = 'acknowledged', pogingen = pogingen + 1, "
                "antwoord_status = ?, antwoord = ?, laatste_fout = ?, afgerond_op = ? "
                "WHERE bericht_id = ?",
                (status, antwoord, fout, nu, str(bericht_id)),
            )
            if inkomend is not None:
                _bewaar_inkomend(conn, inkomend, "antwoord", nu)

    def weiger(self, bericht_id: UUID, status: int, fout: str, antwoord: bytes, nu: float) -> None:
        """The receiver refused the message for good: stop, and keep why."""
        with self._transactie() as conn:
            conn.execute(
                "UPDATE uitgaand SET status = 'refused', pogingen = pogingen + 1, "
                "antwoord_status = ?, antwoord = ?, laatste_fout = ?, afgerond_op = ? "
                "WHERE bericht_id = ? AND status = 'pending'",
                (status, antwoord, fout, nu, str(bericht_id)),
            )

    def later(self, bericht_id: UUID, fout: str, volgende_poging: float) -> None:
        """The attempt failed in a way worth retrying; try again at ``volgende_poging``."""
        with self._transactie() as conn:
            conn.execute(
                "UPDATE uitgaand SET pogingen = pogingen + 1, laatste_fout = ?, "
                "volgende_poging = ? WHERE bericht_id = ? AND status = 'pending'",
                (fout, volgende_poging, str(bericht_id)),
            )

    def uitgaand(self, bericht_id: UUID) -> Uitgaand | None:
        row = self._lees(
            lambda conn: conn.execute(
                f"{_UITGAAND} WHERE bericht_id = ?", (str(bericht_id),)
            ).fetchone()
        )
        return None if row is None else _uitgaand(row)

    def alle_uitgaand(
        self, status: Status | None = None, conversatie_id: UUID | None = None
    ) -> list[Uitgaand]:
        sql, args = f"{_UITGAAND} WHERE 1 = 1", []
        if status is not None:
            sql += " AND status = ?"
            args.append(status.value)
        if conversatie_id is not None:
            sql += " AND conversatie_id = ?"
            args.append(str(conversatie_id))
        return self._lees(
            lambda conn: [
                _uitgaand(r) for r in conn.execute(sql + " ORDER BY volgnummer", args).fetchall()
            ]
        )

    def aantal(self, status: Status) -> int:
        """How many outgoing messages have ``status`` (cheap: read from the index)."""
        row = self._lees(
            lambda conn: conn.execute(
                "SELECT COUNT(*) FROM uitgaand WHERE status = ?", (status.value,)
            ).fetchone()
        )
        return int(row[0])

    def tellingen(self) -> dict[Status, int]:
        """How many outgoing messages stand where."""
        rows = self._lees(
            lambda conn: conn.execute(
                "SELECT status, COUNT(*) FROM uitgaand GROUP BY status"
            ).fetchall()
        )
        uit = dict.fromkeys(Status, 0)
        uit.update({Status(s): n for s, n in rows})
        return uit

    # --- the inbox ----------------------------------------------------------------------------

    def cursor(self, postvak: str) -> int:
        """The volgnummer of the last postvak message stored (0 before the first)."""
        row = self._lees(
            lambda conn: conn.execute(
                "SELECT na FROM postvakcursor WHERE postvak = ?", (postvak,)
            ).fetchone()
        )
        return 0 if row is None else int(row[0])

    def bewaar_postvak(
        self, postvak: str, pagina: Sequence[tuple[int, Any]], laatste: int, nu: float
    ) -> list[Inkomend]:
        """Store one postvak page and move the cursor past it, in one transaction.

        Returns the messages that were new. An Ontvangstbevestiging also acknowledges the pending
        Verwijzing it answers: the receiver has it, whether or not the 201 ever reached us.
        """
        nieuw: list[Inkomend] = []
        with self._transactie() as conn:
            for volgnummer, document in pagina:
                bekend = (
                    isinstance(document, dict)
                    and conn.execute(
                        "SELECT 1 FROM inkomend WHERE bericht_id = ?",
                        (str(document.get("berichtId")),),
                    ).fetchone()
                )
                if bekend:  # usually the Ontvangstbevestiging that came with its 201
                    continue
                body = json.dumps(document, ensure_ascii=False).encode()
                try:
                    bericht = parse_json(body)
                except MessageValidationError as exc:
                    soort = document.get("berichttype") if isinstance(document, dict) else None
                    rij = _bewaar_ongeldig(
                        conn,
                        f"ongeldig:{postvak}:{volgnummer}",
                        str(soort) if soort else "?",
                        body,
                        "; ".join(str(v) for v in exc.violations),
                        nu,
                    )
                else:
                    rij = _bewaar_inkomend(conn, bericht, "postvak", nu)
                    if isinstance(bericht, Ontvangstbevestiging) and bericht.cross_referentie:
                        conn.execute(
                            "UPDATE uitgaand SET status = 'acknowledged', antwoord_status = 201, "
                            "antwoord = ?, afgerond_op = ? "
                            "WHERE bericht_id = ? AND status = 'pending'",
                            (bericht.to_json(), nu, str(bericht.cross_referentie)),
                        )
                if rij is not None:
                    nieuw.append(rij)
            conn.execute(
                "INSERT INTO postvakcursor VALUES (?, ?) "
                "ON CONFLICT (postvak) DO UPDATE SET na = MAX(na, excluded.na)",
                (postvak, laatste),
            )
        return nieuw

    def inkomend(self, conversatie_id: UUID | None = None) -> list[Inkomend]:
        sql, args = _INKOMEND, []
        if conversatie_id is not None:
            sql += " WHERE conversatie_id = ?"
            args.append(str(conversatie_id))
        return self._lees(
            lambda conn: [
                _inkomend(r) for r in conn.execute(sql + " ORDER BY volgnummer", args).fetchall()
            ]
        )


def _bewaar_inkomend(
    conn: sqlite3.Connection, bericht: Bericht, bron: str, nu: float
) -> Inkomend | None:
    """Insert unless the berichtId is known; the new row, or None for a duplicate."""
    cross = bericht.cross_referentie
    cursor = conn.execute(
        "INSERT OR IGNORE INTO inkomend (bericht_id, conversatie_id, berichttype, "
        "cross_referentie, bron, body, ontvangen_op) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            str(bericht.bericht_id),
            str(bericht.conversatie_id),
            bericht.berichttype,
            None if cross is None else str(cross),
            bron,
            bericht.to_json(),
            nu,
        ),
    )
    if cursor.rowcount == 0:
        return None
    row = conn.execute(f"{_INKOMEND} WHERE volgnummer = ?", (cursor.lastrowid,)).fetchone()
    return _inkomend(row)


def _bewaar_ongeldig(
    conn: sqlite3.Connection, sleutel: str, soort: str, body: bytes, fout: str, nu: float
) -> Inkomend | None:
    cursor = conn.execute(
        "INSERT OR IGNORE INTO inkomend (bericht_id, berichttype, bron, body, fout, ontvangen_op) "
        "VALUES (?, ?, 'postvak', ?, ?, ?)",
        (sleutel, soort, body, fout, nu),
    )
    if cursor.rowcount == 0:
        return None
    row = conn.execute(f"{_INKOMEND} WHERE volgnummer = ?", (cursor.lastrowid,)).fetchone()
    return _inkomend(row)
