"""Typed errors of the lifecycle: each names the state, the event and what was allowed instead.

As everywhere in this library the subclass says who is at fault: a local action or a message we
send that the protocol does not allow now is a :class:`LocalInvalidTransition` (fix the calling
code); a message the peer sent that is not allowed now is a :class:`RemoteInvalidTransition` (answer
with a Foutbericht).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import LocalProtocolError, ProtocolError, RemoteProtocolError

if TYPE_CHECKING:
    from .events import Soort
    from .states import Toestand

__all__ = [
    "InvalidEvent",
    "InvalidTransition",
    "LocalInvalidTransition",
    "RemoteInvalidTransition",
    "WrongReferral",
]


class InvalidTransition(ProtocolError):
    """An event that is not allowed in the current state. Catch this to handle both sides.

    ``toestand`` and ``soort`` name the pair, ``toegestaan`` the kinds the same party could send
    now, ``reden`` why a guard refused (None when the pair is not in the table at all).
    """

    def __init__(
        self,
        toestand: Toestand,
        soort: Soort,
        toegestaan: tuple[Soort, ...],
        reden: str | None = None,
    ) -> None:
        self.toestand = toestand
        self.soort = soort
        self.toegestaan = toegestaan
        self.reden = reden
        waarom = reden if reden is not None else "the protocol does not allow it in this state"
        mogelijk = ", ".join(s.value for s in toegestaan) or "nothing"
        super().__init__(
            f"{soort.value} in state {toestand.value!r}: {waarom} (allowed now: {mogelijk})"
        )


class LocalInvalidTransition(InvalidTransition, LocalProtocolError):
    """We (our own action or a message we are about to send) broke the lifecycle."""


class RemoteInvalidTransition(InvalidTransition, RemoteProtocolError):
    """The peer sent a message the lifecycle does not allow now."""


class InvalidEvent(LocalProtocolError, ValueError):
    """A local action or tick was built wrongly (a datetime where a date belongs, a naive time)."""


class WrongReferral(InvalidEvent):
    """A message about another referral was given to this record (a routing mistake)."""
