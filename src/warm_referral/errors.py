"""Typed errors that say which side is at fault.

As in h11, a :class:`LocalProtocolError` means *we* (the caller of this library) asked for something
the protocol does not allow, and a :class:`RemoteProtocolError` means the *peer* sent something the
protocol does not allow. Callers can react (fix their code, or answer the peer with a Foutbericht)
without parsing messages.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "InvalidLocalMessage",
    "InvalidPeerMessage",
    "LocalProtocolError",
    "MessageValidationError",
    "ProtocolError",
    "RemoteProtocolError",
    "Violation",
    "WarmReferralError",
]


class WarmReferralError(Exception):
    """Base class of every exception this library raises on purpose."""


class ProtocolError(WarmReferralError):
    """Something the protocol does not allow. ``fault`` names the side that is to blame."""

    fault: str = "unknown"


class LocalProtocolError(ProtocolError):
    """Our own side broke the protocol (a bug or wrong input in the calling code)."""

    fault = "local"


class RemoteProtocolError(ProtocolError):
    """The peer broke the protocol (its message is invalid or not allowed now)."""

    fault = "remote"


@dataclass(frozen=True, slots=True)
class Violation:
    """One reason a document is not a valid message.

    ``pointer`` is an RFC 6901 JSON pointer into the document ("" for the whole document), ``code`` a
    stable machine-readable code (documented in the requirement catalogue), ``melding`` a sentence a
    person can act on.
    """

    pointer: str
    code: str
    melding: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.melding} [{self.code}]"


class MessageValidationError(ProtocolError):
    """A document or object is not a valid warm-referral message; ``violations`` lists every reason.

    Catch this to handle both sides; the two subclasses say who is at fault.
    """

    def __init__(self, violations: list[Violation] | tuple[Violation, ...]) -> None:
        if not violations:
            raise ValueError("a MessageValidationError needs at least one violation")
        self.violations = tuple(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        n = len(self.violations)
        super().__init__(f"invalid message ({n} violation{'s' if n != 1 else ''}):\n{lines}")


class InvalidPeerMessage(MessageValidationError, RemoteProtocolError):
    """Bytes we received do not form a valid message: answer the peer with a Foutbericht."""


class InvalidLocalMessage(MessageValidationError, LocalProtocolError):
    """A message we are building is not valid: fix the calling code or its input."""
