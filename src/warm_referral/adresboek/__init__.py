"""The address book (adresboek): which organisation serves which municipality, and how to reach it.

NVVK publishes the address book as a versioned edition signed with a JWS; every reader verifies
the signature on every load (:func:`~.boek.laad_adresboek`). Per gemeentecode it names the
serving organisation (naam, OIN, KvK), its endpoints and binding, its certificate fingerprints,
the spec versions it accepts, the agreement profile and validity dates. :class:`~.router.Router`
combines it with :mod:`warm_referral.adressen` to route a referral from the customer's address.

Names load on first use; the JOSE library (joserfc) only when a signature is made or checked.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .boek import Adresboek, Vermelding, laad_adresboek, lees_document
    from .diff import Wijziging, verschillen
    from .errors import (
        AddressBookExpired,
        AdresboekError,
        InvalidAddressBook,
        InvalidKey,
        InvalidSignature,
        NoReceiver,
        NoUsableEndpoint,
        OutdatedEdition,
        UnknownKey,
    )
    from .handtekening import (
        Ondertekensleutel,
        Sleutelbos,
        laad_ondertekensleutel,
        laad_sleutelbos,
        onderteken,
        verifieer,
    )
    from .model import (
        AdresboekDocument,
        Binding,
        Eindpunt,
        Gemeentevermelding,
        Organisatie,
        PubliekeSleutel,
    )
    from .router import Route, Router

_WAAR = {
    **dict.fromkeys(("Adresboek", "Vermelding", "laad_adresboek", "lees_document"), ".boek"),
    **dict.fromkeys(("Wijziging", "verschillen"), ".diff"),
    **dict.fromkeys(
        (
            "AdresboekError",
            "AddressBookExpired",
            "NoUsableEndpoint",
            "NoReceiver",
            "InvalidSignature",
            "UnknownKey",
            "InvalidAddressBook",
            "InvalidKey",
            "OutdatedEdition",
        ),
        ".errors",
    ),
    **dict.fromkeys(
        (
            "Ondertekensleutel",
            "Sleutelbos",
            "laad_ondertekensleutel",
            "laad_sleutelbos",
            "onderteken",
            "verifieer",
        ),
        ".handtekening",
    ),
    **dict.fromkeys(
        (
            "AdresboekDocument",
            "Binding",
            "Eindpunt",
            "Gemeentevermelding",
            "Organisatie",
            "PubliekeSleutel",
        ),
        ".model",
    ),
    **dict.fromkeys(("Route", "Router"), ".router"),
}

__all__ = [
    "AddressBookExpired",
    "Adresboek",
    "AdresboekDocument",
    "AdresboekError",
    "Binding",
    "Eindpunt",
    "Gemeentevermelding",
    "InvalidAddressBook",
    "InvalidKey",
    "InvalidSignature",
    "NoReceiver",
    "NoUsableEndpoint",
    "Ondertekensleutel",
    "Organisatie",
    "OutdatedEdition",
    "PubliekeSleutel",
    "Route",
    "Router",
    "Sleutelbos",
    "UnknownKey",
    "Vermelding",
    "Wijziging",
    "laad_adresboek",
    "laad_ondertekensleutel",
    "laad_sleutelbos",
    "lees_document",
    "onderteken",
    "verifieer",
    "verschillen",
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
