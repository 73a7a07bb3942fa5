"""The storage contract: what the receiver's domain needs from a database, and nothing more.

The domain runs each request as one function over a :class:`Transactie`; :meth:`Opslag.transactie`
runs it atomically and returns only after the commit is durable. The records here are plain data
(the store knows no domain types: an event is its type and its JSON), so a backend is a small
translation to tables. Every backend passes the same contract suite
(``tests/reference/storage/test_contract.py``): idempotency on berichtId, concurrency without lost
updates or doubles, crash consistency, and a gap-free, ordered postvak per creditor.

Beside each referral's index the store keeps its monitoring history (:class:`Historieregel`):
written in the same transaction as every change of the referral, and holding no personal data, so
that it outlives the erasure of the referral's personal data after the retention term.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar
from uuid import UUID

__all__ = [
    "Antwoord",
    "DossierIndex",
    "Gebeurtenisregel",
    "Historieregel",
    "Opslag",
    "Postvakbericht",
    "Transactie",
    "Verwerking",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Antwoord:
    """The answer given to a message, kept so a retry with the same berichtId gets it again:
    ``uitkomst`` says what kind of answer it was (the domain's word), ``body`` its bytes."""

    uitkomst: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Gebeurtenisregel:
    """One entry of a referral's event log, in the order it was applied: the event's ``type``
    (for queries), its full JSON document (``inhoud``, which names type and version too) and the
    moment it was recorded."""

    type: str
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
    wacht_op_contact: bool
    """Nobody has contacted the help-seeker yet (the record's ``wacht_op_contact``)."""
    contactdeadline: datetime | None
    incassostop_einde: datetime
    afgerond: bool
    bijgewerkt_op: datetime
    volgende_tik: datetime | None
    """When the next time fact (contact deadline passed, incassostop ended) becomes due."""


@dataclass(frozen=True, slots=True)
class Historieregel:
    """A referral's monitoring history (``warm_referral.monitoring.Verwijzingshistorie`` as one
    JSON document, ``inhoud``), with the two columns monitoring queries select by. No personal
    data: it is kept when the referral's personal data are erased (the event log, the dossier),
    and it is the only trace of the referral monitoring needs."""

    conversatie_id: UUID
    gemeentecode: str
    """The municipality the referral was addressed to."""
    verwijsdatum: date
    """The referral's cohort: the period it counts in."""
    inhoud: bytes


@dataclass(frozen=True, slots=True)
class Postvakbericht:
    """A message in a creditor's postvak. ``volgnummer`` counts per creditor from 1, without gaps:
    a creditor that stores the last one it saw never misses or doubles a message."""

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
    """The operations of one transaction. Reads see the transaction's own writes."""

    def eerder_antwoord(self, bericht_id: UUID) -> tuple[str, Antwoord] | None:
        """The (body hash, answer) stored for a berichtId, if any."""

    def bewaar_antwoord(self, bericht_id: UUID, body_hash: str, antwoord: Antwoord) -> None:
        """Store the answer to a berichtId; a berichtId is answered once (a second store of the
        same berichtId fails, and the transaction with it)."""

    def gebeurtenissen(self, conversatie_id: UUID) -> list[Gebeurtenisregel]:
        """The referral's event log, oldest first."""

    def voeg_toe(self, conversatie_id: UUID, regel: Gebeurtenisregel) -> None:
        """Append to the referral's event log."""

    def vervang_gebeurtenissen(
        self, conversatie_id: UUID, regels: Sequence[Gebeurtenisregel]
    ) -> None:
        """Replace the referral's whole event log by ``regels`` (erasing its personal data: the
        old entries must be gone from the store, not only hidden). Appending continues after
        them."""

    def dossier(self, conversatie_id: UUID) -> DossierIndex | None: ...

    def bewaar_dossier(self, index: DossierIndex) -> None:
        """Insert or replace the index entry of a referral."""

    def dossiers(
        self,
        gemeentecodes: Sequence[str] | None = None,
        schuldeiser: str | None = None,
        tik_voor: datetime | None = None,
    ) -> list[DossierIndex]:
        """Index entries, filtered, least recently changed first; ``tik_voor`` keeps those with
        a time fact due by then. In a write transaction ``tik_voor`` claims them (the deadline
        monitor's pattern): a backend that runs transactions side by side leaves out the entries
        another transaction is working on, so that two monitors never tick one referral twice;
        those are due again at the next pass."""

    def bewaar_historie(self, regel: Historieregel) -> None:
        """Insert or replace the monitoring history of a referral (the latest wins)."""

    def historien(
        self,
        gemeentecodes: Sequence[str] | None = None,
        van: date | None = None,
        tot: date | None = None,
    ) -> Iterator[Historieregel]:
        """The monitoring histories of ``gemeentecodes`` (None: all) with a verwijsdatum from
        ``van`` to ``tot`` inclusive (None: unbounded), in no particular order. Consume the
        iterator inside the transaction: a backend may stream the rows."""

    def in_postvak(self, ontvanger: str, bericht_id: UUID, berichttype: str, body: bytes) -> int:
        """Put a message in a creditor's postvak; returns its volgnummer (the creditor's next)."""

    def postvak(self, ontvanger: str, na: int, limiet: int) -> list[Postvakbericht]:
        """At most ``limiet`` of the creditor's messages after volgnummer ``na``, in order."""

    def postvakbericht(self, bericht_id: UUID) -> tuple[str, bytes] | None:
        """(ontvanger, body) of a message we sent, for resending it unchanged."""

    def log(self, verwerking: Verwerking) -> None: ...

    def klok(self) -> datetime | None:
        """The test clock's time, if one is set."""

    def zet_klok(self, nu: datetime | None) -> None: ...


class Opslag(Protocol):
    """A store. Open one with :func:`warm_referral_reference.receiver.storage.open_opslag`."""

    async def transactie(self, werk: Callable[[Transactie], T]) -> T:
        """Run ``werk`` atomically; return after a durable commit. An exception rolls back
        everything ``werk`` wrote and is raised here. Concurrent transactions behave as if they
        ran one after the other. A backend that runs them side by side may roll ``werk`` back
        after a conflict (a deadlock) and run it again, so ``werk`` must have no effect outside
        its transaction."""

    async def lees(self, werk: Callable[[Transactie], T]) -> T:
        """Run ``werk`` on a consistent snapshot, without writing."""

    def sluit(self) -> None:
        """Release connections and threads; the store may be used again afterwards (it reopens)."""
