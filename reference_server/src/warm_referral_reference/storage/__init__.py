"""Durable storage behind an interface: SQLite now, PostgreSQL can follow with the same contract."""

from .base import (
    Antwoord,
    DossierIndex,
    Gebeurtenisregel,
    Opslag,
    Postvakbericht,
    Transactie,
    Verwerking,
)

__all__ = [
    "Antwoord",
    "DossierIndex",
    "Gebeurtenisregel",
    "Opslag",
    "Postvakbericht",
    "Transactie",
    "Verwerking",
]
