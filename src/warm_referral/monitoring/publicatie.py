"""Publication safety: what may leave the building, and the CSV every published figure goes into.

Every published output (the CSV, the HTML report, later the receiver's ``GET /v1/monitoring``)
takes its figures from :func:`publiceerbaar`, never from :class:`~.berekening.Uitkomst` directly:

- a count below the threshold (default 5) is not shown, zero included;
- a percentage is shown only when both its numerator and its denominator are at or above it (with
  a published denominator a percentage would give the hidden numerator away);
- a median or percentile is shown only when it rests on at least that many referrals.

The rows hold no personal data by construction: only indicator codes, period labels, groupings
(gemeentecode, organisation, kind of referrer, ground, creditor) and numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from .berekening import Uitkomst
from .indicatoren import indicator

__all__ = [
    "CSV_KOLOMMEN",
    "STANDAARD_DREMPEL",
    "Publicatierij",
    "publiceerbaar",
    "schrijf_csv",
]

#: The default suppression threshold (configurable everywhere it applies).
STANDAARD_DREMPEL = 5


@dataclass(frozen=True, slots=True)
class Publicatierij:
    """One figure as it may be published: hidden values are None and ``onderdrukt`` says so."""

    indicator: str
    periodesoort: str
    periode: str
    dimensie: str
    groep: str
    categorie: str
    teller: int | None
    noemer: int | None
    aandeel: float | None
    mediaan: int | None
    p75: int | None
    p90: int | None
    onderdrukt: bool


def _drempel(drempel: int) -> int:
    if isinstance(drempel, bool) or not isinstance(drempel, int) or drempel < 1:
        raise ValueError(f"the suppression threshold is a whole number >= 1, got {drempel!r}")
    return drempel


def publiceerbaar(
    uitkomsten: Iterable[Uitkomst], drempel: int = STANDAARD_DREMPEL
) -> list[Publicatierij]:
    """The figures with every value below ``drempel`` hidden (see the module docstring)."""
    t = _drempel(drempel)
    rijen: list[Publicatierij] = []
    for u in uitkomsten:
        teller = u.teller if u.teller is not None and u.teller >= t else None
        noemer = u.noemer if u.noemer is not None and u.noemer >= t else None
        aandeel = u.aandeel if teller is not None and noemer is not None else None
        verdeling_ok = u.mediaan is not None and noemer is not None
        rij = Publicatierij(
            indicator=u.indicator,
            periodesoort=u.periodesoort,
            periode=u.periode,
            dimensie=u.dimensie,
            groep=u.groep,
            categorie=u.categorie,
            teller=teller,
            noemer=noemer,
            aandeel=aandeel,
            mediaan=u.mediaan if verdeling_ok else None,
            p75=u.p75 if verdeling_ok else None,
            p90=u.p90 if verdeling_ok else None,
            onderdrukt=(teller is None and u.teller is not None)
            or (noemer is None and u.noemer is not None)
            or (u.aandeel is not None and aandeel is None)
            or (u.mediaan is not None and not verdeling_ok),
        )
        rijen.append(rij)
    return rijen


#: The CSV columns, in order.
CSV_KOLOMMEN: tuple[str, ...] = (
    "indicator",
    "naam",
    "eenheid",
    "periodesoort",
    "periode",
    "dimensie",
    "groep",
    "categorie",
    "teller",
    "noemer",
    "waarde",
    "mediaan",
    "p75",
    "p90",
    "onderdrukt",
)


def _tekst(waarde: int | float | None) -> str:
    if waarde is None:
        return ""
    if isinstance(waarde, float):
        return f"{waarde:.1f}"
    return str(waarde)


def schrijf_csv(rijen: Iterable[Publicatierij], uit: IO[str]) -> int:
    """Write published rows as CSV (comma, UTF-8, header row); returns the number of rows.

    ``waarde`` is the percentage for shares and splits, the count for counts, and empty for
    distributions (see ``mediaan``, ``p75``, ``p90``); hidden values are empty with ``onderdrukt``
    ``ja``.
    """
    schrijver = csv.writer(uit, lineterminator="\n")
    schrijver.writerow(CSV_KOLOMMEN)
    n = 0
    for r in rijen:
        ind = indicator(r.indicator)
        waarde: int | float | None
        if ind.soort.value == "aantal":
            waarde = r.teller
        elif ind.soort.value == "verdeling":
            waarde = None
        else:
            waarde = r.aandeel
        schrijver.writerow(
            [
                r.indicator,
                ind.naam,
                ind.eenheid,
                r.periodesoort,
                r.periode,
                r.dimensie,
                r.groep,
                r.categorie,
                _tekst(r.teller),
                _tekst(r.noemer),
                _tekst(waarde),
                _tekst(r.mediaan),
                _tekst(r.p75),
                _tekst(r.p90),
                "ja" if r.onderdrukt else "nee",
            ]
        )
        n += 1
    return n
