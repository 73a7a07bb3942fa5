"""Every error of the reference sender, in one place (English names and messages, as everywhere)."""

from __future__ import annotations

from warm_referral.errors import WarmReferralError

__all__ = [
    "BerichtIdReused",
    "CertificateMismatch",
    "InvalidReceiverUrl",
    "MunicipalityMismatch",
    "NotAllowedByAgreements",
    "OutboxError",
    "PostvakError",
    "ReceiverStartError",
    "SenderError",
]


class SenderError(WarmReferralError):
    """The sender cannot do what was asked; the message says what and why."""


class InvalidReceiverUrl(SenderError):
    """The receiver's URL cannot be used (it must be http or https with a host)."""


class MunicipalityMismatch(SenderError):
    """A Verwijzing addressed to another municipality than the one its address lies in on the
    verwijsdatum: refused before it is stored (our input, ``fault == "local"``)."""

    fault = "local"


class CertificateMismatch(SenderError):
    """The endpoint's TLS certificate is none of the address book's fingerprints (WD-ADR-06):
    nothing is sent to it (the peer's fault, or an attacker's)."""

    fault = "remote"


class NotAllowedByAgreements(SenderError):
    """The participants register or the agreement profile does not let this creditor send this
    referral (not registered for its kind or ground, no agreement with the municipality, an
    incassostop shorter than agreed): ``violations`` says each reason. Nothing was stored."""

    def __init__(self, melding: str, violations: tuple[object, ...]) -> None:
        self.violations = violations
        super().__init__(melding)


class PostvakError(SenderError):
    """Fetching the postvak failed: the receiver is unreachable or refused the request."""


class OutboxError(WarmReferralError):
    """The outbox cannot do what was asked; the message says which message and why."""


class BerichtIdReused(OutboxError):
    """A different message with a berichtId the outbox already holds: a berichtId names one
    message forever (the receiver answers 409 to the same mistake)."""


class ReceiverStartError(WarmReferralError):
    """The receiver process did not come up; the message holds the end of its log."""
