"""From histories to indicator figures: one pass, any number of histories, little memory.

Each history is reduced to its :class:`~.kenmerken.Kenmerken` and added to the accumulator of its
finest cell (month x municipality x organisation x kind of referrer x ground x creditor). Counts
add up and durations are kept as histograms of whole days, so the cells roll up exactly into every
period and grouping, and the median and percentiles stay exact. Memory depends on the number of
cells, not of histories.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..calendar import Werkdagkalender, standaard_kalender
from .historie import Verwijzingshistorie
from .indicatoren import CATEGORIEEN, DUREN, INDICATOREN, TELLINGEN, Indicator, Indicatorsoort
from .kenmerken import BIT, kenmerken

__all__ = [
    "DIMENSIES",
    "PERIODESOORTEN",
    "Accumulator",
    "Monitoringresultaat",
    "Uitkomst",
    "bereken",
    "percentiel",
    "periode_van",
]

#: Period kinds, finest first.
PERIODESOORTEN: tuple[str, ...] = ("maand", "kwartaal", "jaar")
#: Groupings: the whole set, then one characteristic at a time.
DIMENSIES: tuple[str, ...] = (
    "totaal",
    "gemeente",
    "organisatie",
    "soort_verwijzer",
    "grondslag",
    "schuldeiser",
)
_DIMENSIE_INDEX = {d: i for i, d in enumerate(DIMENSIES[1:], start=1)}
_CATEGORIE_INDEX = {c: i for i, c in enumerate(CATEGORIEEN)}
_DUUR_INDEX = {d: i for i, d in enumerate(DUREN)}


def periode_van(jaar: int, maand: int, soort: str) -> str:
    """The label of the period of ``soort`` that holds the month: ``2025-03``, ``2025-K1``,
    ``2025``."""
    if soort == "maand":
        return f"{jaar:04d}-{maand:02d}"
    if soort == "kwartaal":
        return f"{jaar:04d}-K{(maand - 1) // 3 + 1}"
    if soort == "jaar":
        return f"{jaar:04d}"
    raise ValueError(f"unknown period kind {soort!r}; known: {', '.join(PERIODESOORTEN)}")


def percentiel(histogram: Counter[int], p: float) -> int | None:
    """The nearest-rank percentile: the smallest value with at least ``p`` percent of the
    observations at or below it (None without observations)."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rang = max(1, math.ceil(p / 100 * n))
    cum = 0
    for waarde in sorted(histogram):
        cum += histogram[waarde]
        if cum >= rang:
            return waarde
    raise AssertionError("unreachable: the ranks add up to n")


@dataclass
class Accumulator:
    """The sum of many histories' contributions (mergeable)."""

    tellen: Counter[tuple[int, tuple[str | None, str | None]]] = field(default_factory=Counter)
    duren: tuple[Counter[int], ...] = field(default_factory=lambda: tuple(Counter() for _ in DUREN))

    def voeg_samen(self, ander: Accumulator) -> None:
        self.tellen.update(ander.tellen)
        for mijn, hun in zip(self.duren, ander.duren, strict=True):
            mijn.update(hun)

    def tellingen(self) -> dict[str, int]:
        """The number of histories with each fact."""
        uit = dict.fromkeys(TELLINGEN, 0)
        per_bit = [(naam, BIT[naam]) for naam in TELLINGEN]
        for (bits, _), n in self.tellen.items():
            for naam, bit in per_bit:
                if bits & bit:
                    uit[naam] += n
        return uit

    def categorieen(self, categorie: str) -> Counter[str]:
        """The number of histories per code of a category."""
        i = _CATEGORIE_INDEX[categorie]
        uit: Counter[str] = Counter()
        for (_, codes), n in self.tellen.items():
            code = codes[i]
            if code is not None:
                uit[code] += n
        return uit


@dataclass(frozen=True, slots=True)
class Uitkomst:
    """One computed figure, before any suppression (never publish these directly)."""

    indicator: str
    periodesoort: str
    periode: str
    dimensie: str
    groep: str
    """The value of the grouping (a gemeentecode, a kind of referrer, ...); empty for totaal."""
    categorie: str
    """For an UITSPLITSING, the category code; else empty."""
    teller: int | None
    noemer: int | None
    aandeel: float | None = None
    """Percentage, unrounded."""
    mediaan: int | None = None
    p75: int | None = None
    p90: int | None = None


@dataclass(frozen=True)
class Monitoringresultaat:
    """Every figure for every period and grouping, with what it was computed from."""

    uitkomsten: tuple[Uitkomst, ...]
    peildatum: date
    aantal_historien: int
    eerste_verwijsdatum: date | None
    laatste_verwijsdatum: date | None
    groepen: dict[tuple[str, str, str, str], Accumulator] = field(repr=False)
    """(periodesoort, periode, dimensie, groep) -> accumulator, for charts."""

    def selecteer(
        self,
        indicator: str | None = None,
        *,
        periodesoort: str | None = None,
        periode: str | None = None,
        dimensie: str | None = None,
        groep: str | None = None,
    ) -> list[Uitkomst]:
        return [
            u
            for u in self.uitkomsten
            if (indicator is None or u.indicator == indicator)
            and (periodesoort is None or u.periodesoort == periodesoort)
            and (periode is None or u.periode == periode)
            and (dimensie is None or u.dimensie == dimensie)
            and (groep is None or u.groep == groep)
        ]


_Cel = tuple[int, int, str, str, str, str, str]


def bereken(
    historien: Iterable[Verwijzingshistorie],
    *,
    peildatum: date,
    kalender: Werkdagkalender | None = None,
    periodesoorten: Sequence[str] = PERIODESOORTEN,
    dimensies: Sequence[str] = DIMENSIES,
    indicatoren: Sequence[Indicator] = INDICATOREN,
) -> Monitoringresultaat:
    """Compute ``indicatoren`` for every period and grouping (one pass over ``historien``).

    ``peildatum`` is the date the figures describe (usually the report date): a referral whose
    contact deadline passed before it without any contact attempt counts as late.
    """
    for soort in periodesoorten:
        periode_van(2000, 1, soort)  # refuses unknown kinds before the pass
    for d in dimensies:
        if d not in DIMENSIES:
            raise ValueError(f"unknown grouping {d!r}; known: {', '.join(DIMENSIES)}")
    kal = kalender if kalender is not None else standaard_kalender()
    cellen: dict[_Cel, Accumulator] = {}
    aantal = 0
    eerste: date | None = None
    laatste: date | None = None
    for h in historien:
        k = kenmerken(h, kal, peildatum)
        datum = h.verwijsdatum
        sleutel: _Cel = (
            datum.year,
            datum.month,
            h.gemeentecode,
            h.organisatie or "",
            h.soort_verwijzer.value,
            h.grondslag.value,
            h.schuldeiser,
        )
        acc = cellen.get(sleutel)
        if acc is None:
            acc = cellen[sleutel] = Accumulator()
        acc.tellen[(k.bits, k.categorieen)] += 1
        for i, duur in enumerate(k.duren):
            if duur is not None:
                acc.duren[i][duur] += 1
        aantal += 1
        if eerste is None or datum < eerste:
            eerste = datum
        if laatste is None or datum > laatste:
            laatste = datum

    groepen: dict[tuple[str, str, str, str], Accumulator] = {}
    for sleutel, acc in cellen.items():
        jaar, maand = sleutel[0], sleutel[1]
        for soort in periodesoorten:
            periode = periode_van(jaar, maand, soort)
            for dimensie in dimensies:
                groep = "" if dimensie == "totaal" else str(sleutel[_DIMENSIE_INDEX[dimensie] + 1])
                doel = groepen.get((soort, periode, dimensie, groep))
                if doel is None:
                    doel = groepen[(soort, periode, dimensie, groep)] = Accumulator()
                doel.voeg_samen(acc)

    uitkomsten: list[Uitkomst] = []
    for (soort, periode, dimensie, groep), acc in sorted(groepen.items(), key=_volgorde):
        uitkomsten.extend(_uitkomsten(acc, indicatoren, soort, periode, dimensie, groep))
    return Monitoringresultaat(tuple(uitkomsten), peildatum, aantal, eerste, laatste, groepen)


def _volgorde(item: tuple[tuple[str, str, str, str], Accumulator]) -> tuple[int, str, int, str]:
    soort, periode, dimensie, groep = item[0]
    return (PERIODESOORTEN.index(soort), periode, DIMENSIES.index(dimensie), groep)


def _uitkomsten(
    acc: Accumulator,
    indicatoren: Sequence[Indicator],
    soort: str,
    periode: str,
    dimensie: str,
    groep: str,
) -> Iterator[Uitkomst]:
    tellingen = acc.tellingen()
    for ind in indicatoren:
        basis = (ind.code, soort, periode, dimensie, groep)
        if ind.soort is Indicatorsoort.AANTAL:
            assert ind.teller is not None
            yield Uitkomst(*basis, "", tellingen[ind.teller], None)
        elif ind.soort is Indicatorsoort.AANDEEL:
            assert ind.teller is not None and ind.noemer is not None
            teller, noemer = tellingen[ind.teller], tellingen[ind.noemer]
            yield Uitkomst(*basis, "", teller, noemer, _aandeel(teller, noemer))
        elif ind.soort is Indicatorsoort.VERDELING:
            assert ind.duur is not None and ind.noemer is not None
            histogram = acc.duren[_DUUR_INDEX[ind.duur]]
            n = sum(histogram.values())
            yield Uitkomst(
                *basis,
                "",
                None,
                n,
                mediaan=percentiel(histogram, 50),
                p75=percentiel(histogram, 75),
                p90=percentiel(histogram, 90),
            )
        else:
            assert ind.categorie is not None and ind.noemer is not None
            noemer = tellingen[ind.noemer]
            for code, teller in sorted(acc.categorieen(ind.categorie).items()):
                yield Uitkomst(*basis, code, teller, noemer, _aandeel(teller, noemer))


def _aandeel(teller: int, noemer: int) -> float | None:
    return 100 * teller / noemer if noemer else None
