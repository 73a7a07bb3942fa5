"""The route through an intermediary (a knooppunt): the sealed envelope, signed and encrypted.

A sender without a direct link to the receiver (a bailiff, say, reaching a municipality) hands
its message to an intermediary, a store-and-forward router such as the Schuldenknooppunt. The
router must route it without reading it: :func:`verzegel` signs the message
(:mod:`warm_referral.ondertekening`) and encrypts it end to end to the receiver's key from the
address book, in an :class:`Envelop` that names only the message type, the spec version, the
message and conversation ids and the OINs of sender and receiver; :func:`ontzegel` opens it at the
receiver and proves that the envelope told the truth. :mod:`.verzegeling` describes the format.

:mod:`.profiel` holds the numbers of an intermediary's profile (how long it keeps a message).

Sans-IO: bytes and keys in, an envelope or a typed error (:mod:`.errors`) out. Names load on
first use; pydantic, ``cryptography`` and joserfc only when an envelope is handled.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .envelop import Envelop, Inhoud
    from .errors import (
        CODES,
        DecryptionFailed,
        EnvelopeError,
        EnvelopeMismatch,
        MalformedEnvelope,
        SealingError,
        UnknownRecipientKey,
    )
    from .profiel import PROFIELEN, SCHULDENKNOOPPUNT, Knooppuntprofiel
    from .verzegeling import (
        Geopend,
        kies_versleutelsleutel,
        laad_ontsleutelsleutels,
        lees_envelop,
        ontzegel,
        partij_oin,
        verzegel,
    )

_WAAR = {
    **dict.fromkeys(("Envelop", "Inhoud"), ".envelop"),
    **dict.fromkeys(("Knooppuntprofiel", "PROFIELEN", "SCHULDENKNOOPPUNT"), ".profiel"),
    **dict.fromkeys(
        (
            "CODES",
            "DecryptionFailed",
            "EnvelopeError",
            "EnvelopeMismatch",
            "MalformedEnvelope",
            "SealingError",
            "UnknownRecipientKey",
        ),
        ".errors",
    ),
    **dict.fromkeys(
        (
            "Geopend",
            "kies_versleutelsleutel",
            "laad_ontsleutelsleutels",
            "lees_envelop",
            "ontzegel",
            "partij_oin",
            "verzegel",
        ),
        ".verzegeling",
    ),
}

__all__ = [
    "CODES",
    "PROFIELEN",
    "SCHULDENKNOOPPUNT",
    "DecryptionFailed",
    "Envelop",
    "EnvelopeError",
    "EnvelopeMismatch",
    "Geopend",
    "Inhoud",
    "Knooppuntprofiel",
    "MalformedEnvelope",
    "SealingError",
    "UnknownRecipientKey",
    "kies_versleutelsleutel",
    "laad_ontsleutelsleutels",
    "lees_envelop",
    "ontzegel",
    "partij_oin",
    "verzegel",
]


def __getattr__(naam: str) -> Any:
    module = _WAAR.get(naam)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {naam!r}")
    waarde = getattr(import_module(module, __name__), naam)
    globals()[naam] = waarde
    return waarde


def __dir__() -> list[str]:
    return sorted(__all__)
