"""A creditor's message arrives: checked, applied to its referral, answered, all in one transaction.

A Verwijzing starts a referral and is answered with the Ontvangstbevestiging; a Statusverzoek is
answered with the message that says where the referral stands; any other message is acknowledged.
The answer is stored with the berichtId, so that a retry of the same message gets the same answer
and another message under the same berichtId is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from warm_referral import format_tijdstip
from warm_referral.lifecycle import InvalidEvent, InvalidTransition, Wijziging
from warm_referral.models import Bericht, Statusverzoek, Verwijzing

from ...deelnemers import Deelnemer
from ..errors import (
    BerichtIdReused,
    ConversationExists,
    ReferredInFuture,
    TransitionRefused,
    UnknownMunicipality,
    UnknownReferral,
)
from ..storage import Antwoord, Transactie
from .bediening import Bediening
from .dossiers import Werkdossier
from .gebeurtenissen import BerichtOntvangen
from .toegang import Toegang
from .weergaven import Ontvangst

__all__ = ["KLOKSPELING", "Aanlevering", "Uitkomst", "neem_aan"]

#: How far a creditor's clock may run ahead before a referral "from the future" is refused.
KLOKSPELING = timedelta(minutes=5)


class Uitkomst(str, Enum):
    """What kind of answer a message got (the HTTP layer gives each its status)."""

    BEVESTIGD = "bevestigd"
    """A Verwijzing accepted: the answer is the Ontvangstbevestiging."""
    BEANTWOORD = "beantwoord"
    """A Statusverzoek answered with a message."""
    ONTVANGEN = "ontvangen"
    """Another message accepted: the answer is an :class:`Ontvangst`."""


@dataclass(frozen=True)
class Aanlevering:
    """A message as it arrived, checked outside the transaction already (valid, the right
    direction, from the caller)."""

    wie: Deelnemer
    toegang: Toegang
    bericht: Bericht
    canoniek: bytes
    """Its canonical JSON: what is stored, and what a retry is compared by."""
    trace_id: str
    body_hash: str = field(init=False)
    """The hash a retry is compared by (computed here, outside the transaction)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "body_hash", hashlib.sha256(self.canoniek).hexdigest())


def neem_aan(
    tx: Transactie,
    aanlevering: Aanlevering,
    nu: datetime,
    *,
    profiel: str,
    bediend: frozenset[str] | None,
    audit_sleutel: bytes,
    bediening: Bediening | None = None,
) -> Antwoord:
    """Apply a message, or give the stored answer to its berichtId again."""
    bericht, body_hash = aanlevering.bericht, aanlevering.body_hash
    eerder = tx.eerder_antwoord(bericht.bericht_id)
    if eerder is not None:
        if eerder[0] == body_hash:
            return eerder[1]
        raise BerichtIdReused(
            f"berichtId {bericht.bericht_id} was already used for another message"
        )
    if isinstance(bericht, Verwijzing):
        dossier, wijziging = _nieuwe_verwijzing(
            tx, aanlevering, bericht, nu, profiel, bediend, bediening
        )
        uitgaand = dossier.voer_uit(wijziging, nu)
        bevestiging = next(b for b in uitgaand if b.berichttype == "Ontvangstbevestiging")
        antwoord = Antwoord(Uitkomst.BEVESTIGD.value, dossier.json(bevestiging))
        activiteit = "verwijzing ontvangen"
    else:
        dossier, uitgaand = _vervolgbericht(tx, aanlevering, nu)
        antwoord = _antwoord(dossier, bericht, uitgaand, nu)
        activiteit = f"{bericht.berichttype} ontvangen"
    dossier.bewaar_index(nu)
    dossier.log(activiteit, aanlevering.wie, aanlevering.trace_id, nu, audit_sleutel)
    tx.bewaar_antwoord(bericht.bericht_id, body_hash, antwoord)
    return antwoord


def _nieuwe_verwijzing(
    tx: Transactie,
    aanlevering: Aanlevering,
    verwijzing: Verwijzing,
    nu: datetime,
    profiel: str,
    bediend: frozenset[str] | None,
    bediening: Bediening | None = None,
) -> tuple[Werkdossier, Wijziging]:
    code = verwijzing.ontvanger.gemeentecode
    if bediend is not None and code not in bediend:
        raise UnknownMunicipality(f"this receiver does not serve gemeentecode {code}")
    if bediening is not None:
        bediening.controleer(verwijzing)
    if tx.dossier(verwijzing.conversatie_id) is not None:
        raise ConversationExists(
            f"conversatieId {verwijzing.conversatie_id} already holds a referral; "
            "a new referral starts a new conversation"
        )
    if verwijzing.verwezen_op - nu > KLOKSPELING:
        raise ReferredInFuture(
            f"verwezenOp {format_tijdstip(verwijzing.verwezen_op)} lies after now "
            f"({format_tijdstip(nu)})"
        )
    ontvangen_op = max(nu, verwijzing.verwezen_op)
    try:
        return Werkdossier.nieuw(
            tx, aanlevering.wie.sleutel, verwijzing, aanlevering.canoniek, ontvangen_op, profiel
        )
    except InvalidEvent as exc:
        raise TransitionRefused(str(exc)) from None


def _vervolgbericht(
    tx: Transactie, aanlevering: Aanlevering, nu: datetime
) -> tuple[Werkdossier, list[Bericht]]:
    bericht = aanlevering.bericht
    index = tx.dossier(bericht.conversatie_id)
    if index is None or not aanlevering.toegang.ziet(index):
        raise UnknownReferral(f"no referral of yours with conversatieId {bericht.conversatie_id}")
    dossier = Werkdossier.herbouw(tx, index)
    try:
        wijziging = dossier.dossier.ontvang(bericht)
    except (InvalidEvent, InvalidTransition) as exc:
        raise TransitionRefused(str(exc)) from None
    dossier.schrijf(BerichtOntvangen(tijdstip=nu, bericht=bericht), aanlevering.canoniek)
    return dossier, dossier.voer_uit(wijziging, nu)


def _antwoord(
    dossier: Werkdossier, bericht: Bericht, uitgaand: list[Bericht], nu: datetime
) -> Antwoord:
    if isinstance(bericht, Statusverzoek) and uitgaand:
        return Antwoord(Uitkomst.BEANTWOORD.value, dossier.json(uitgaand[-1]))
    ontvangst = Ontvangst(
        bericht_id=bericht.bericht_id, berichttype=bericht.berichttype, ontvangen_op=nu
    )
    return Antwoord(Uitkomst.ONTVANGEN.value, ontvangst.model_dump_json().encode())
