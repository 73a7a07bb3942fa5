"""Monitoring and evaluation: from referral histories to the pilot's figures (sans-IO).

The floor above the lifecycle. A municipality's record becomes a :class:`Verwijzingshistorie`
(:func:`historie_van`, or JSON Lines from another implementation via :func:`lees_historie`);
:func:`bereken` turns any number of histories into every indicator of :data:`INDICATOREN` per
period and grouping (:func:`bereken_bestand` does so for a JSON Lines file, with DuckDB when the
``analyse`` extra is installed); :func:`publiceerbaar` applies the suppression threshold that every
published output goes through.
"""

from __future__ import annotations

from .berekening import (
    DIMENSIES,
    PERIODESOORTEN,
    Monitoringresultaat,
    Uitkomst,
    bereken,
    bereken_bestand,
    percentiel,
)
from .errors import InvalidDelivery, InvalidHistory
from .historie import (
    HISTORIE_FORMAAT,
    Doorzendingsfeit,
    Eindresultaatfeit,
    Evaluatie,
    Intrekkingsfeit,
    NietOpgepaktfeit,
    Verwijzingshistorie,
    historie_van,
    lees_historie,
    schrijf_historie,
)
from .indicatoren import (
    CATEGORIEEN,
    DUREN,
    INDICATOREN,
    TELLINGEN,
    Indicator,
    Indicatorsoort,
    indicator,
)
from .kenmerken import Kenmerken, kenmerken
from .publicatie import STANDAARD_DREMPEL, Publicatierij, publiceerbaar, schrijf_csv

__all__ = [
    "CATEGORIEEN",
    "DIMENSIES",
    "DUREN",
    "HISTORIE_FORMAAT",
    "INDICATOREN",
    "PERIODESOORTEN",
    "STANDAARD_DREMPEL",
    "TELLINGEN",
    "Doorzendingsfeit",
    "Eindresultaatfeit",
    "Evaluatie",
    "Indicator",
    "Indicatorsoort",
    "Intrekkingsfeit",
    "InvalidDelivery",
    "InvalidHistory",
    "Kenmerken",
    "Monitoringresultaat",
    "NietOpgepaktfeit",
    "Publicatierij",
    "Uitkomst",
    "Verwijzingshistorie",
    "bereken",
    "bereken_bestand",
    "historie_van",
    "indicator",
    "kenmerken",
    "lees_historie",
    "percentiel",
    "publiceerbaar",
    "schrijf_csv",
    "schrijf_historie",
]
