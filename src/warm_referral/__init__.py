"""warm_referral: the open protocol for the Dutch warm referral (warme doorverwijzing).

A sans-IO library: message models, identifier checks, JSON and XML codecs, the Algemene
termijnenwet calendar and deadline rules, the referral lifecycle and monitoring. It does no network
or database I/O, so any transport or storage can drive it.

Heavy parts load on first use, so ``import warm_referral`` stays cheap::

    import warm_referral
    bericht = warm_referral.parse_json(data)   # any message; raises InvalidPeerMessage
    data = bericht.to_json()
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import SPEC_VERSIE, __version__
from .errors import (
    InvalidLocalMessage,
    InvalidPeerMessage,
    LocalProtocolError,
    MessageValidationError,
    ProtocolError,
    RemoteProtocolError,
    Violation,
    WarmReferralError,
)

if TYPE_CHECKING:
    from .codec.json_codec import parse_json
    from .models import (
        BERICHTTYPES,
        Bericht,
        Betaalgedragmelding,
        Doorzending,
        Foutbericht,
        Incassostopwijziging,
        Intrekking,
        Message,
        NietOpgepakt,
        Ontvangstbevestiging,
        Statusbericht,
        Statusverzoek,
        Verwijzing,
        nieuwe_envelop,
    )
    from .xml import parse_xml

__all__ = [
    "BERICHTTYPES",
    "SPEC_VERSIE",
    "Bericht",
    "Betaalgedragmelding",
    "Doorzending",
    "Foutbericht",
    "Incassostopwijziging",
    "Intrekking",
    "InvalidLocalMessage",
    "InvalidPeerMessage",
    "LocalProtocolError",
    "Message",
    "MessageValidationError",
    "NietOpgepakt",
    "Ontvangstbevestiging",
    "ProtocolError",
    "RemoteProtocolError",
    "Statusbericht",
    "Statusverzoek",
    "Verwijzing",
    "Violation",
    "WarmReferralError",
    "__version__",
    "nieuwe_envelop",
    "parse_json",
    "parse_xml",
]

_LAZY = {
    "parse_json": ".codec.json_codec",
    "parse_xml": ".xml",
    **dict.fromkeys(
        (
            "BERICHTTYPES",
            "Bericht",
            "Betaalgedragmelding",
            "Doorzending",
            "Foutbericht",
            "Incassostopwijziging",
            "Intrekking",
            "Message",
            "NietOpgepakt",
            "Ontvangstbevestiging",
            "Statusbericht",
            "Statusverzoek",
            "Verwijzing",
            "nieuwe_envelop",
        ),
        ".models",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'warm_referral' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
