"""The creditor's copy of a referral's lifecycle, rebuilt from what the sender stored.

The stores are the truth (as in the receiver, which replays its event log): the copy is the
library's :class:`~warm_referral.lifecycle.Verwijzingsdossier` fed the Verwijzing, then the
follow-up messages we sent and the messages the municipality sent, in the order we stored them.
Messages can arrive out of order: a Statusbericht fetched from the postvak before the
Ontvangstbevestiging was recorded (the 201 was lost in a crash, say) is not applicable yet. It is
kept (the inbox never drops it) and applied again after every later step, so it counts as soon as
the acknowledgement is in; until then it is listed as ``wachtend``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from warm_referral.errors import MessageValidationError
from warm_referral.lifecycle import (
    InvalidEvent,
    InvalidTransition,
    Schuldeiserbeeld,
    Verwijzingsdossier,
    schuldeiserbeeld,
)
from warm_referral.models import Bericht, Verwijzing

from .outbox import Inkomend, Status, Uitgaand

__all__ = ["Schuldeiserkopie", "bouw_kopie"]


@dataclass(frozen=True, slots=True)
class Schuldeiserkopie:
    """A referral as the creditor's own records show it."""

    dossier: Verwijzingsdossier
    beeld: Schuldeiserbeeld
    toegepast: tuple[Bericht, ...]
    """The messages applied, in the order they were applied (the Verwijzing not included)."""
    wachtend: tuple[Bericht, ...]
    """Messages kept but not applicable (yet), e.g. a Statusbericht before the acknowledgement."""


def bouw_kopie(
    verwijzing: Verwijzing,
    uitgaand: Sequence[Uitgaand],
    inkomend: Sequence[Inkomend],
    nu: datetime | None = None,
) -> Schuldeiserkopie:
    """Replay a referral's stored messages into the creditor's copy.

    Follow-ups the receiver refused are left out (they never happened there); pending ones count,
    as the lifecycle asks (a message is applied when it is committed to, before it is sent).
    """
    stappen: list[tuple[float, int, bool, Bericht]] = []
    for uit in uitgaand:
        if uit.bericht_id == verwijzing.bericht_id or uit.status is Status.REFUSED:
            continue
        stappen.append((uit.aangeboden_op, uit.volgnummer, False, uit.bericht()))
    for binnen in inkomend:
        if binnen.fout is None:
            stappen.append((binnen.ontvangen_op, binnen.volgnummer, True, binnen.bericht()))
    stappen.sort(key=lambda s: (s[0], s[2], s[1]))

    dossier, _ = Verwijzingsdossier.voor_schuldeiser(verwijzing)
    toegepast: list[Bericht] = []
    wachtend: list[tuple[bool, Bericht]] = []

    def probeer(van_peer: bool, bericht: Bericht) -> bool:
        try:
            if van_peer:
                dossier.ontvang(bericht)
            else:
                dossier.verstuur(bericht)
        except (InvalidTransition, InvalidEvent, MessageValidationError):
            return False
        toegepast.append(bericht)
        return True

    for _, _, van_peer, bericht in stappen:
        if not probeer(van_peer, bericht):
            wachtend.append((van_peer, bericht))
            continue
        # A step went through: messages that waited for it may fit now (repeat until none does).
        verder = True
        while verder and wachtend:
            verder = False
            for item in list(wachtend):
                if probeer(*item):
                    wachtend.remove(item)
                    verder = True
    if nu is not None:
        dossier.tik(nu)
    return Schuldeiserkopie(
        dossier=dossier,
        beeld=schuldeiserbeeld(dossier),
        toegepast=tuple(toegepast),
        wachtend=tuple(b for _, b in wachtend),
    )
