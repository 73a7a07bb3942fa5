"""Typed errors that say which side is at fault: the home of every error below the lifecycle.

As in h11, a :class:`LocalProtocolError` means *we* (the caller of this library) asked for something
the protocol does not allow, and a :class:`RemoteProtocolError` means the *peer* sent something the
protocol does not allow. Callers can react (fix their code, or answer the peer with a Foutbericht)
without parsing messages.

One home per floor: this module holds the errors of the identifiers, time, model, codec, calendar
and deadline floors (``warm_referral.calendar`` and ``warm_referral.deadlines`` re-export theirs);
the lifecycle's are in :mod:`warm_referral.lifecycle.errors`, the monitoring floor's in
:mod:`warm_referral.monitoring.errors`, the CLI's ``UsageError`` in :mod:`warm_referral.cli`.

One error language: class names and messages are English (errors are infrastructure, and a
developer anywhere must be able to read them); the stable, machine-readable codes a peer sees
(violation codes such as ``bsn_niet_toegestaan``, problem types such as ``bericht-id-hergebruikt``)
are Dutch, part of the protocol's vocabulary and listed in the requirement catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "AtwNotApplicableError",
    "CalendarDataError",
    "CalendarInputError",
    "DateOutOfRangeError",
    "DeadlineInputError",
    "InvalidLocalMessage",
    "InvalidPeerMessage",
    "InvalidTimestamp",
    "LocalProtocolError",
    "MessageValidationError",
    "PeerVersionError",
    "ProfileDataError",
    "ProtocolError",
    "RemoteProtocolError",
    "TimeInputError",
    "UnknownProfileError",
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


class PeerVersionError(LocalProtocolError):
    """A message needs a specVersie the peer does not know (e.g. a UWV referral to a peer that
    only accepts 1.0): it cannot go to that peer. ``nodig`` is the version it needs."""

    def __init__(self, melding: str, nodig: str) -> None:
        self.nodig = nodig
        super().__init__(melding)


# --- time, calendar and deadlines -----------------------------------------------------------------


class TimeInputError(LocalProtocolError, ValueError):
    """A time value the caller passed cannot be used (a naive datetime where an aware one is
    needed: its meaning would depend on the machine)."""


class InvalidTimestamp(WarmReferralError, ValueError):
    """Text that is not an RFC 3339 date-time. ``code`` is the stable violation code
    (``tijdstip_ongeldig`` or ``tijdzone_ontbreekt``); who is at fault depends on where the text came
    from, so the caller decides (a pydantic validator turns it into a violation)."""

    def __init__(self, code: str, melding: str) -> None:
        self.code = code
        self.melding = melding
        super().__init__(melding)


class CalendarInputError(LocalProtocolError, ValueError):
    """The caller asked the calendar something it cannot answer (e.g. ``n < 1``, a datetime)."""


class DateOutOfRangeError(CalendarInputError):
    """The date lies outside the years the calendar covers."""


class AtwNotApplicableError(CalendarInputError):
    """Atw art. 1 and 2 do not apply to this term (art. 1 lid 2 or art. 4)."""


class CalendarDataError(WarmReferralError):
    """A calendar data file or entry is broken; ``bron`` names the file and line."""

    def __init__(self, bron: str, reden: str) -> None:
        self.bron = bron
        self.reden = reden
        super().__init__(f"{bron}: {reden}")


class DeadlineInputError(TimeInputError):
    """The caller passed something a deadline cannot be computed from (e.g. a naive datetime)."""


class UnknownProfileError(LocalProtocolError, KeyError):
    """No afsprakenprofiel has this name; ``bekend`` lists the names that exist."""

    def __init__(self, naam: str, bekend: Iterable[str]) -> None:
        self.naam = naam
        self.bekend = tuple(sorted(bekend))
        super().__init__(
            f"unknown afsprakenprofiel {naam!r}; known: {', '.join(self.bekend) or '(none)'}"
        )

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ProfileDataError(WarmReferralError):
    """A profile data file is broken; ``bron`` names the file (and the profile)."""

    def __init__(self, bron: str, reden: str) -> None:
        self.bron = bron
        self.reden = reden
        super().__init__(f"{bron}: {reden}")
