"""Typed errors of the lifecycle: each names the state, the event and what was allowed instead.

As everywhere in this library the subclass says who is at fault: a local action or a message we
send that the protocol does not allow now is a :class:`LocalInvalidTransition` (fix the calling
code); a message the peer sent that is not allowed now is a :class:`RemoteInvalidTransition` (answer
with a Foutbericht).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..errors import LocalProtocolError, ProtocolError, RemoteProtocolError, Violation

if TYPE_CHECKING:
    from .events import Soort
    from .states import Toestand

__all__ = [
    "AgreementViolation",
    "InvalidEvent",
    "InvalidTransition",
    "LocalAgreementViolation",
    "LocalInvalidTransition",
    "RemoteAgreementViolation",
    "RemoteInvalidTransition",
    "Weigering",
    "WrongReferral",
]


class Weigering(NamedTuple):
    """Why a guard refuses, with a stable code and the member at fault (a wire path), for the
    refusals a peer must be able to tell apart (a consent withdrawal without consent, an
    incassostop moved before its agreed minimum). Other guards give a plain sentence."""

    code: str
    pad: str
    melding: str


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
        reden: str | Weigering | None = None,
    ) -> None:
        self.toestand = toestand
        self.soort = soort
        self.toegestaan = toegestaan
        #: The stable code and wire path when the guard gave them (a :class:`Weigering`).
        self.code: str | None = None
        self.pad: str | None = None
        if isinstance(reden, Weigering):
            self.code, self.pad, reden = reden.code, reden.pad, reden.melding
        self.reden: str | None = reden
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


class AgreementViolation(ProtocolError):
    """A Verwijzing breaks the agreement profile it is held to (an incassostop shorter than the
    agreed term, a late referral, a kind of referrer or ground the profile does not allow):
    ``violations`` lists each breach with a stable code. Catch this to handle both sides."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = tuple(violations)
        if not self.violations:
            raise ValueError("an AgreementViolation needs at least one violation")
        super().__init__("; ".join(str(v) for v in self.violations))


class LocalAgreementViolation(AgreementViolation, LocalProtocolError):
    """A Verwijzing we are about to send breaks the agreements: do not send it."""


class RemoteAgreementViolation(AgreementViolation, RemoteProtocolError):
    """The peer's Verwijzing breaks the agreements: refuse it."""
