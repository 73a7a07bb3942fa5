"""Durable storage behind one contract (:mod:`.contract`): SQLite now (:mod:`.sqlite`); another
backend implements the same protocol, passes the same contract suite, and is chosen here by the
database argument (a file path means SQLite; a ``postgresql://`` URL can follow)."""

from __future__ import annotations

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

__all__ = [
    "Antwoord",
    "DossierIndex",
    "Gebeurtenisregel",
    "Historieregel",
    "Opslag",
    "Postvakbericht",
    "Transactie",
    "Verwerking",
    "open_opslag",
]


def open_opslag(db: str | Path) -> Opslag:
    """The store ``db`` names: a file path (SQLite, created when new)."""
    from .sqlite import SqliteOpslag

    return SqliteOpslag(db)
