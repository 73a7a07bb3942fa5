"""The storage contract. The service runs each request as one function over a :class:`Transactie`;
:meth:`Opslag.transactie` runs it atomically and returns only after the commit is durable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Antwoord:
    """The answer given to a message, kept so a retry with the same berichtId gets it again."""

    status: int
    media_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Gebeurtenisregel:
    """One entry of a referral's event log: what happened, in the order it was applied.

    ``soort`` is ``ontvangen`` or ``verstuurd`` (a message, ``inhoud`` its canonical JSON),
    ``actie`` (a local action, ``inhoud`` its JSON) or ``tik`` (``inhoud`` an RFC 3339 time).
    """

    soort: str
    inhoud: bytes
    tijdstip: datetime


@dataclass(frozen=True, slots=True)
class DossierIndex:
    """What listing, access control and the deadline monitor need without replaying the log."""

    conversatie_id: UUID
    verwijzing_id: str
    gemeentecode: str
    schuldeiser: str
    toestand: str
    contactdeadline: datetime | None
    incassostop_einde: datetime
    afgerond: bool
    bijgewerkt_op: datetime
    volgende_tik: datetime | None
    """When the next time fact (contact deadline passed, incassostop ended) becomes due."""


@dataclass(frozen=True, slots=True)
class Postvakbericht:
    volgnummer: int
    bericht_id: UUID
    berichttype: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Verwerking:
    """One processing of personal data about one data subject (Logboek dataverwerkingen)."""

    tijdstip: datetime
    trace_id: str
    activiteit: str
    betrokkene: str
    """A keyed hash of the data subject's identity: never the BSN or name in clear."""
    actor: str
    conversatie_id: UUID | None


class Transactie(Protocol):
    def eerder_antwoord(self, bericht_id: UUID) -> tuple[str, Antwoord] | None:
        """The (body hash, answer) stored for a berichtId, if any."""

    def bewaar_antwoord(self, bericht_id: UUID, body_hash: str, antwoord: Antwoord) -> None: ...

    def gebeurtenissen(self, conversatie_id: UUID) -> list[Gebeurtenisregel]: ...

    def voeg_toe(self, conversatie_id: UUID, regel: Gebeurtenisregel) -> None: ...

    def dossier(self, conversatie_id: UUID) -> DossierIndex | None: ...

    def bewaar_dossier(self, index: DossierIndex) -> None: ...

    def dossiers(
        self,
        gemeentecodes: Sequence[str] | None = None,
        schuldeiser: str | None = None,
        tik_voor: datetime | None = None,
    ) -> list[DossierIndex]:
        """Index entries, filtered; ``tik_voor`` keeps those with a time fact due by then."""

    def in_postvak(
        self, ontvanger: str, bericht_id: UUID, berichttype: str, body: bytes
    ) -> None: ...

    def postvak(self, ontvanger: str, na: int, limiet: int) -> list[Postvakbericht]: ...

    def postvakbericht(self, bericht_id: UUID) -> tuple[str, bytes] | None:
        """(ontvanger, body) of a message we sent, for resending it unchanged."""

    def log(self, verwerking: Verwerking) -> None: ...

    def klok(self) -> datetime | None:
        """The test clock's time, if one is set."""

    def zet_klok(self, nu: datetime | None) -> None: ...


class Opslag(Protocol):
    async def transactie(self, werk: Callable[[Transactie], T]) -> T:
        """Run ``werk`` atomically; return after a durable commit. An exception rolls back."""

    async def lees(self, werk: Callable[[Transactie], T]) -> T:
        """Run ``werk`` on a consistent snapshot, without writing."""

    def sluit(self) -> None: ...
