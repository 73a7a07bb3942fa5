"""From a customer's address to the municipality responsible on a given date.

A creditor knows its customer's postcode and house number, not which municipality's debt help is
responsible. This package answers that, sans-IO, from pluggable sources:

- :func:`~.cbs.index_uit_cbs`: the yearly CBS table (postcode + house number -> buurt, wijk,
  gemeente) packed into a small, fast :class:`~.index.Adresindex`, saved and loaded as a file;
- :class:`~.pdok.PdokOpzoeking`: the PDOK Locatieserver's requests and answers (the HTTP itself
  is the caller's, or the optional :mod:`~.pdok_httpx`);
- :class:`~.herindelingen.Herindelingen`: municipal reorganisations as data, so a code is carried
  to the date asked;
- :class:`~.zoeker.Gemeentezoeker`: asks the sources in order and raises typed errors
  (:mod:`~.errors`) for unknown, ambiguous and invalid addresses.

Names load on first use, so ``import warm_referral.adressen`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .adres import Zoekadres, zoekadres
    from .cbs import index_uit_cbs
    from .errors import (
        AdresError,
        AmbiguousAddress,
        DivisionOutOfRange,
        IndexFileError,
        InvalidAddress,
        InvalidSourceData,
        SourceError,
        SplitMunicipality,
        UnknownAddress,
        UnknownHouseNumber,
        UnknownPostcode,
    )
    from .herindelingen import (
        Herindeling,
        Herindelingen,
        laad_herindelingen,
        standaard_herindelingen,
    )
    from .index import Adresindex, IndexBouwer, laad_index
    from .pdok import HttpVerzoek, PdokOpzoeking
    from .zoeker import Adresbron, Gemeentevondst, Gemeentezoeker

_WAAR = {
    "Zoekadres": ".adres",
    "zoekadres": ".adres",
    "index_uit_cbs": ".cbs",
    **dict.fromkeys(
        (
            "AdresError",
            "SourceError",
            "AmbiguousAddress",
            "SplitMunicipality",
            "DivisionOutOfRange",
            "IndexFileError",
            "UnknownAddress",
            "UnknownPostcode",
            "UnknownHouseNumber",
            "InvalidAddress",
            "InvalidSourceData",
        ),
        ".errors",
    ),
    **dict.fromkeys(
        ("Herindeling", "Herindelingen", "laad_herindelingen", "standaard_herindelingen"),
        ".herindelingen",
    ),
    **dict.fromkeys(("Adresindex", "IndexBouwer", "laad_index"), ".index"),
    **dict.fromkeys(("HttpVerzoek", "PdokOpzoeking"), ".pdok"),
    **dict.fromkeys(("Adresbron", "Gemeentevondst", "Gemeentezoeker"), ".zoeker"),
}

__all__ = [
    "AdresError",
    "Adresbron",
    "Adresindex",
    "AmbiguousAddress",
    "DivisionOutOfRange",
    "Gemeentevondst",
    "Gemeentezoeker",
    "Herindeling",
    "Herindelingen",
    "HttpVerzoek",
    "IndexBouwer",
    "IndexFileError",
    "InvalidAddress",
    "InvalidSourceData",
    "PdokOpzoeking",
    "SourceError",
    "SplitMunicipality",
    "UnknownAddress",
    "UnknownHouseNumber",
    "UnknownPostcode",
    "Zoekadres",
    "index_uit_cbs",
    "laad_herindelingen",
    "laad_index",
    "standaard_herindelingen",
    "zoekadres",
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
