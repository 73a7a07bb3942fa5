"""From histories to indicator figures: one pass, any number of histories, little memory.

Each history is reduced to its :class:`~.kenmerken.Kenmerken` and added to the accumulator of its
finest cell (month x municipality x organisation x kind of referrer x ground x creditor). Counts
add up and durations are kept as histograms of whole days, so the cells roll up exactly into one
accumulator per month and group, those into quarters and years, and the median and percentiles
stay exact. Memory depends on the number of cells, not of histories.

:func:`resultaat_uit_maanden` turns the month accumulators into figures: the analytical engine
(:mod:`.engine`) sums the histories its own way and hands its month accumulators to the same
function, so both paths share every indicator definition from there on.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import lru_cache, partial
from os import PathLike

from ..calendar import Werkdagkalender, standaard_kalender
from .historie import Verwijzingshistorie
from .indicatoren import CATEGORIEEN, DUREN, INDICATOREN, TELLINGEN, Indicator, Indicatorsoort
from .kenmerken import Feitenberekening

__all__ = [
    "DIMENSIES",
    "ENGINES",
    "PERIODESOORTEN",
    "Accumulator",
    "Maandgroep",
    "Monitoringresultaat",
    "Uitkomst",
    "bereken",
    "bereken_bestand",
    "controleer_indeling",
    "percentiel",
    "periode_van",
    "resultaat_uit_maanden",
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
        aantallen = [0] * len(TELLINGEN)
        for (bits, _), n in self.tellen.items():
            for i in _bit_posities(bits):
                aantallen[i] += n
        return dict(zip(TELLINGEN, aantallen, strict=True))

    def categorieen(self, categorie: str) -> Counter[str]:
        """The number of histories per code of a category."""
        i = _CATEGORIE_INDEX[categorie]
        uit: Counter[str] = Counter()
        for (_, codes), n in self.tellen.items():
            code = codes[i]
            if code is not None:
                uit[code] += n
        return uit


@lru_cache(maxsize=4096)
def _bit_posities(bits: int) -> tuple[int, ...]:
    """The positions (in the order of TELLINGEN) of the facts set in ``bits``."""
    return tuple(i for i in range(bits.bit_length()) if bits >> i & 1)


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


#: The finest cell: (jaar, maand, gemeentecode, organisatie, soort verwijzer, grondslag,
#: schuldeiser); the enum members stay members until the cells are grouped (cheaper per history).
_Cel = tuple[int, int, str, str | None, Enum, Enum, str]
#: A month's group: (jaar, maand, dimensie, groep).
Maandgroep = tuple[int, int, str, str]


def controleer_indeling(periodesoorten: Sequence[str], dimensies: Sequence[str]) -> None:
    """Refuse unknown period kinds and groupings before any work is done."""
    for soort in periodesoorten:
        periode_van(2000, 1, soort)
    for d in dimensies:
        if d not in DIMENSIES:
            raise ValueError(f"unknown grouping {d!r}; known: {', '.join(DIMENSIES)}")


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
    controleer_indeling(periodesoorten, dimensies)
    kal = kalender if kalender is not None else standaard_kalender()
    feiten = Feitenberekening(kal, peildatum)
    cellen: dict[_Cel, Accumulator] = {}
    aantal = 0
    eerste: date | None = None
    laatste: date | None = None
    for h in historien:
        bits, duren, categorieen = feiten(h)
        datum = h.verwijsdatum
        sleutel: _Cel = (
            datum.year,
            datum.month,
            h.gemeentecode,
            h.organisatie,
            h.soort_verwijzer,
            h.grondslag,
            h.schuldeiser,
        )
        acc = cellen.get(sleutel)
        if acc is None:
            acc = cellen[sleutel] = Accumulator()
        acc.tellen[(bits, categorieen)] += 1
        histogrammen = acc.duren
        for i, duur in enumerate(duren):
            if duur is not None:
                histogrammen[i][duur] += 1
        aantal += 1
        if eerste is None or datum < eerste:
            eerste = datum
        if laatste is None or datum > laatste:
            laatste = datum
    return resultaat_uit_maanden(
        _maandgroepen(cellen, dimensies),
        peildatum=peildatum,
        aantal_historien=aantal,
        eerste_verwijsdatum=eerste,
        laatste_verwijsdatum=laatste,
        periodesoorten=periodesoorten,
        dimensies=dimensies,
        indicatoren=indicatoren,
    )


#: How :func:`bereken_bestand` sums a file: DuckDB when installed, or the one asked for.
ENGINES: tuple[str, ...] = ("auto", "duckdb", "python")


def bereken_bestand(
    pad: str | PathLike[str],
    *,
    peildatum: date,
    engine: str = "auto",
    vertrouwd: bool = False,
    kalender: Werkdagkalender | None = None,
    periodesoorten: Sequence[str] = PERIODESOORTEN,
    dimensies: Sequence[str] = DIMENSIES,
    indicatoren: Sequence[Indicator] = INDICATOREN,
) -> Monitoringresultaat:
    """:func:`bereken` for a JSON Lines file of histories (:func:`~.historie.lees_historie`).

    ``engine``: ``"duckdb"`` sums the file with DuckDB (``pip install 'warm-referral[analyse]'``,
    :mod:`.engine`), ``"python"`` with :func:`bereken`, ``"auto"`` with DuckDB when it is
    installed. Both give the same result.

    Every line is validated strictly, whichever engine sums it (DuckDB sums while this thread
    validates): a bad line raises :class:`~.errors.InvalidHistory` with its line number,
    JSON pointer and code.
    ``vertrouwd=True`` lets DuckDB skip that pass for a file this library wrote itself (see
    :mod:`.engine` for what DuckDB still checks; when it refuses a line, the strict reader names
    it). The pure-Python path always validates: it needs the validated histories anyway.
    """
    from .historie import lees_historie

    controleer_indeling(periodesoorten, dimensies)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    from . import engine as analyse

    met_duckdb = engine == "duckdb" or (engine == "auto" and analyse.beschikbaar())
    if engine == "duckdb" and not analyse.beschikbaar():
        raise ImportError("the DuckDB engine needs duckdb: pip install 'warm-referral[analyse]'")
    bron = str(pad)
    if met_duckdb:
        som = partial(
            analyse.bereken_met_duckdb,
            pad,
            peildatum=peildatum,
            kalender=kalender,
            periodesoorten=periodesoorten,
            dimensies=dimensies,
            indicatoren=indicatoren,
        )
        try:
            return som() if vertrouwd else _gevalideerd_met_duckdb(pad, bron, som)
        except analyse.EngineFout:
            pass  # the strict path below names the bad line, or gives the calendar's answer
    with open(pad, "rb") as f:
        return bereken(
            lees_historie(f, bron=bron),
            peildatum=peildatum,
            kalender=kalender,
            periodesoorten=periodesoorten,
            dimensies=dimensies,
            indicatoren=indicatoren,
        )


def _gevalideerd_met_duckdb(
    pad: str | PathLike[str], bron: str, som: Callable[..., Monitoringresultaat]
) -> Monitoringresultaat:
    """Validate every line here while DuckDB sums the file in another thread (it releases the
    GIL): a bad line stops DuckDB and raises, and the figures come only after the last line."""
    from concurrent.futures import ThreadPoolExecutor

    from . import engine as analyse
    from .historie import lees_historie

    onderbreking = analyse.Onderbreking()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-referral-duckdb") as pool:
        toekomst = pool.submit(som, onderbreking=onderbreking)
        try:
            with open(pad, "rb") as f:
                for _ in lees_historie(f, bron=bron):
                    pass
        except BaseException:
            onderbreking.stop()
            raise
        return toekomst.result()


def _maandgroepen(
    cellen: dict[_Cel, Accumulator], dimensies: Sequence[str]
) -> dict[Maandgroep, Accumulator]:
    """The finest cells summed into one accumulator per month and group of each grouping."""
    posities = [(d, _DIMENSIE_INDEX.get(d, 0) + 1) for d in dimensies]
    maanden: dict[Maandgroep, Accumulator] = {}
    for sleutel, acc in cellen.items():
        jaar, maand = sleutel[0], sleutel[1]
        for dimensie, positie in posities:
            if dimensie == "totaal":
                groep = ""
            else:
                waarde = sleutel[positie]
                groep = "" if waarde is None else str(getattr(waarde, "value", waarde))
            doel = maanden.get((jaar, maand, dimensie, groep))
            if doel is None:
                doel = maanden[(jaar, maand, dimensie, groep)] = Accumulator()
            doel.voeg_samen(acc)
    return maanden


def resultaat_uit_maanden(
    maanden: Mapping[Maandgroep, Accumulator],
    *,
    peildatum: date,
    aantal_historien: int,
    eerste_verwijsdatum: date | None,
    laatste_verwijsdatum: date | None,
    periodesoorten: Sequence[str] = PERIODESOORTEN,
    dimensies: Sequence[str] = DIMENSIES,
    indicatoren: Sequence[Indicator] = INDICATOREN,
) -> Monitoringresultaat:
    """Every figure from the accumulators of each month and group: the one place where the
    indicator definitions turn into figures, whichever engine summed the histories."""
    groepen: dict[tuple[str, str, str, str], Accumulator] = {}
    for soort in periodesoorten:
        for (jaar, maand, dimensie, groep), acc in maanden.items():
            if dimensie not in dimensies:
                continue
            sleutel = (soort, periode_van(jaar, maand, soort), dimensie, groep)
            doel = groepen.get(sleutel)
            if doel is None:
                doel = groepen[sleutel] = Accumulator()
            doel.voeg_samen(acc)
    uitkomsten: list[Uitkomst] = []
    for (soort, periode, dimensie, groep), acc in sorted(groepen.items(), key=_volgorde):
        uitkomsten.extend(_uitkomsten(acc, indicatoren, soort, periode, dimensie, groep))
    return Monitoringresultaat(
        tuple(uitkomsten),
        peildatum,
        aantal_historien,
        eerste_verwijsdatum,
        laatste_verwijsdatum,
        groepen,
    )


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
            mediaan, p75, p90 = _percentielen(histogram, n, (50, 75, 90))
            yield Uitkomst(*basis, "", None, n, mediaan=mediaan, p75=p75, p90=p90)
        else:
            assert ind.categorie is not None and ind.noemer is not None
            noemer = tellingen[ind.noemer]
            for code, teller in sorted(acc.categorieen(ind.categorie).items()):
                yield Uitkomst(*basis, code, teller, noemer, _aandeel(teller, noemer))


def _percentielen(histogram: Counter[int], n: int, ps: tuple[float, ...]) -> tuple[int | None, ...]:
    """:func:`percentiel` for several ``ps`` (ascending) in one walk over the sorted values."""
    if n == 0:
        return tuple(None for _ in ps)
    rangen = [max(1, math.ceil(p / 100 * n)) for p in ps]
    uit: list[int | None] = []
    cum = 0
    for waarde in sorted(histogram):
        cum += histogram[waarde]
        while len(uit) < len(rangen) and cum >= rangen[len(uit)]:
            uit.append(waarde)
        if len(uit) == len(rangen):
            break
    return tuple(uit)


def _aandeel(teller: int, noemer: int) -> float | None:
    return 100 * teller / noemer if noemer else None
