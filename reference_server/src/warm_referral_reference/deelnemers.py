"""Who takes part: the participants the reference services know, and the development set.

Shared by the receiver (who may call it, in which role) and the sender (which development token
belongs to a message's afzender), so that neither imports the other. The participants register of
the agreement system (afsprakenstelsel) will grow from here: per participant its identity, role
and the municipalities it serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from warm_referral.models import Partij

__all__ = ["DEV_DEELNEMERS", "Deelnemer", "Rol", "dev_deelnemer_voor"]


class Rol(str, Enum):
    """What a participant is to the receiver; the access policy is keyed by it."""

    SCHULDEISER = "schuldeiser"
    """A creditor: sends referrals, sees only its own, and only creditor-safe fields."""
    OPERATOR = "operator"
    """A debt-help worker: acts on the referrals of the municipalities it serves."""
    NVVK = "nvvk"
    """The standard's owner: monitoring aggregates across every municipality, and no referral."""


@dataclass(frozen=True)
class Deelnemer:
    naam: str
    rol: Rol
    oin: str | None = None
    kvk_nummer: str | None = None
    gemeentecodes: frozenset[str] = frozenset()
    token: str | None = None

    @property
    def sleutel(self) -> str:
        """A stable key for tenancy: the OIN when known, else the KvK number."""
        return f"oin:{self.oin}" if self.oin else f"kvk:{self.kvk_nummer}"

    def is_partij(self, partij: Partij) -> bool:
        """Does a message's party (its afzender) name this participant (by OIN or KvK number)?"""
        return bool(
            (partij.oin is not None and partij.oin == self.oin)
            or (partij.kvk_nummer is not None and partij.kvk_nummer == self.kvk_nummer)
        )


#: The parties of the spec's examples, with development tokens: the built-in participants of
#: development mode, so that the examples can be posted as they are.
DEV_DEELNEMERS: tuple[Deelnemer, ...] = (
    Deelnemer(
        "Evides Waterbedrijf",
        Rol.SCHULDEISER,
        oin="00000003241234560000",
        kvk_nummer="24123456",
        token="dev-evides",
    ),
    Deelnemer("Woongoed Zeeland", Rol.SCHULDEISER, kvk_nummer="22012345", token="dev-woongoed"),
    Deelnemer(
        "Zorgverzekeraar Voorbeeld", Rol.SCHULDEISER, kvk_nummer="30123456", token="dev-zorg"
    ),
    Deelnemer("Hypotheekbank Voorbeeld", Rol.SCHULDEISER, kvk_nummer="33012345", token="dev-bank"),
    Deelnemer(
        "Gerechtsdeurwaarderskantoor Voorbeeld",
        Rol.SCHULDEISER,
        kvk_nummer="34012345",
        token="dev-deurwaarder",
    ),
    Deelnemer(
        "Schuldhulp Walcheren",
        Rol.OPERATOR,
        oin="00000001001234567000",
        gemeentecodes=frozenset({"0718", "0687"}),
        token="dev-operator",
    ),
    Deelnemer("NVVK", Rol.NVVK, kvk_nummer="40123456", token="dev-nvvk"),
)


def dev_deelnemer_voor(partij: Partij) -> Deelnemer | None:
    """The development creditor a message's afzender names, if any."""
    return next(
        (d for d in DEV_DEELNEMERS if d.rol is Rol.SCHULDEISER and d.token and d.is_partij(partij)),
        None,
    )
