"""Typed errors of the sealed envelope, each with a stable code and the side at fault.

An envelope that cannot be opened, or whose outside does not match its inside, is the sender's (or
the intermediary's) fault: ``fault == "remote"``, refuse it with the ``code`` (the requirement
catalogue lists every code under WD-VSL). A signature inside that fails raises the signing
errors of :mod:`warm_referral.ondertekening.errors` unchanged. Our own input that cannot be sealed
is :class:`SealingError` (``fault == "local"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ..errors import LocalProtocolError, RemoteProtocolError, Violation

__all__ = [
    "CODES",
    "DecryptionFailed",
    "EnvelopeError",
    "EnvelopeMismatch",
    "MalformedEnvelope",
    "SealingError",
    "UnknownRecipientKey",
]


class EnvelopeError(RemoteProtocolError):
    """An envelope that cannot be accepted. ``code`` is the stable code to answer with."""

    code: ClassVar[str] = "envelop_ongeldig"

    def __str__(self) -> str:
        return f"{self.args[0] if self.args else self.__class__.__name__} [{self.code}]"


class MalformedEnvelope(EnvelopeError):
    """Not an envelope of this profile: its JSON breaks the schema (``violations`` lists every
    reason), its JWE header is not the profile's, or the decrypted content is not an Inhoud."""

    code = "envelop_ongeldig"

    def __init__(self, melding: str, violations: Sequence[Violation] = ()) -> None:
        self.violations = tuple(violations)
        regels = "".join(f"\n  - {v}" for v in self.violations)
        super().__init__(melding + regels)


class UnknownRecipientKey(EnvelopeError):
    """The content is encrypted to a key id (``kid``) we hold no private key for: the sender used
    another organisation's key, or a key we have retired."""

    code = "sleutel_onbekend"


class DecryptionFailed(EnvelopeError):
    """The content does not decrypt with our key: the ciphertext or its header was altered, or it
    was encrypted to another key under our key id."""

    code = "ontsleutelen_mislukt"


class EnvelopeMismatch(EnvelopeError):
    """The envelope's fields (what the intermediary routes by) differ from the sealed message's.
    ``afwijkingen`` lists ``(field, outside, inside)`` for each difference."""

    code = "envelop_wijkt_af"

    def __init__(self, afwijkingen: Sequence[tuple[str, str, str]]) -> None:
        self.afwijkingen = tuple(afwijkingen)
        regels = "; ".join(
            f"{veld}: envelope {buiten!r}, message {binnen!r}"
            for veld, buiten, binnen in afwijkingen
        )
        super().__init__(f"the envelope does not match the sealed message: {regels}")


class SealingError(LocalProtocolError, ValueError):
    """The message, the recipient's key or our signing key cannot be sealed (our input)."""


#: Every stable code, with the error that carries it (the catalogue and the docs list them).
CODES: dict[str, type[EnvelopeError]] = {
    cls.code: cls
    for cls in (MalformedEnvelope, UnknownRecipientKey, DecryptionFailed, EnvelopeMismatch)
}
