"""The knooppunt's refusals: the receiver's categories (so one mapping gives the HTTP status, see
:mod:`warm_referral_reference.receiver.http.problems`), with the profile's codes (WD-KNP)."""

from __future__ import annotations

from ..receiver.errors import InvalidRequest, NotFound, Refused

__all__ = ["EnvelopeNotFound", "InvalidEnvelope", "UnknownRecipient"]


class InvalidEnvelope(InvalidRequest):
    """Not an envelope of the profile (its schema, WD-VSL-03): nothing is stored."""

    code = "envelop-ongeldig"


class UnknownRecipient(Refused):
    """The envelope's ontvanger has no mailbox here."""

    code = "onbekende-ontvanger"


class EnvelopeNotFound(NotFound):
    """No envelope with this berichtId in the caller's mailbox (another's does not exist for it)."""

    code = "niet-gevonden"
