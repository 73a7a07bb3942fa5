"""warm_referral: the open protocol for the Dutch warm referral (warme doorverwijzing).

A sans-IO library: message models, identifier checks, JSON and XML codecs, the Algemene
termijnenwet calendar and deadline rules, the referral lifecycle and monitoring. It does no network
or database I/O, so any transport or storage can drive it.

Heavy parts load on first use, so ``import warm_referral`` stays cheap::

    import warm_referral
    bericht = warm_referral.parse_json(data)   # any message; raises InvalidPeerMessage
    data = bericht.to_json()                   # or warm_referral.to_xml(bericht)

Every timestamp in the protocol is RFC 3339 in UTC (``format_tijdstip``, ``parse_tijdstip``) and
every date a Europe/Amsterdam calendar date (``amsterdamse_datum``): one helper each, here.
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
    from ._tijd import AMSTERDAM, amsterdamse_datum, format_tijdstip, parse_tijdstip
    from .codec.json_codec import parse_json, parse_json_as
    from .codec.xml import parse_xml, to_xml
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

__all__ = [
    "AMSTERDAM",
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
    "amsterdamse_datum",
    "format_tijdstip",
    "nieuwe_envelop",
    "parse_json",
    "parse_json_as",
    "parse_tijdstip",
    "parse_xml",
    "to_xml",
]

_LAZY = {
    "parse_json": ".codec.json_codec",
    "parse_json_as": ".codec.json_codec",
    "parse_xml": ".codec.xml",
    "to_xml": ".codec.xml",
    **dict.fromkeys(
        ("AMSTERDAM", "amsterdamse_datum", "format_tijdstip", "parse_tijdstip"), "._tijd"
    ),
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
