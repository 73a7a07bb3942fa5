"""Monitoring in the receiver: each referral's history kept beside its index, and the figures
``GET /v1/monitoring`` publishes from them.

- Write side: :func:`historieregel` is the referral's monitoring history
  (:func:`warm_referral.monitoring.historie_van`) as a storage row; :class:`~.dossiers.Werkdossier`
  stores it with the index in every transaction that changes the referral. It holds no personal
  data, so it outlives the erasure of the dossier after the retention term, and reading figures
  never replays an event log.
- Read side: :func:`monitoringcijfers` sums the histories the caller may see with the library
  (:func:`~warm_referral.monitoring.bereken`) and publishes them only through
  :func:`~warm_referral.monitoring.publiceerbaar`, at a threshold of at least
  :data:`~..config.MINIMUM_MONITORINGDREMPEL` (WD-MON-01). Reading figures processes no personal
  data, so it is not in the processing log.
- :func:`organisaties` says which organisation serves each municipality. That is the seam for the
  participants register (issue 12): today the configuration's operators, tomorrow the register.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from warm_referral.errors import Violation
from warm_referral.models import WireModel

from ...deelnemers import Rol
from ..errors import RangeRefused
from ..storage import Historieregel, Transactie

if TYPE_CHECKING:
    from warm_referral.lifecycle import Verwijzingsdossier
    from warm_referral.models import Verwijzing
    from warm_referral.monitoring import Verwijzingshistorie

    from ..config import Instellingen

__all__ = [
    "Dimensie",
    "Monitoring",
    "Monitoringcijfer",
    "Monitoringvraag",
    "Periodesoort",
    "historieregel",
    "monitoringcijfers",
    "organisaties",
]


class Periodesoort(str, Enum):
    """The periods figures are given per (``warm_referral.monitoring.PERIODESOORTEN``)."""

    MAAND = "maand"
    KWARTAAL = "kwartaal"
    JAAR = "jaar"


class Dimensie(str, Enum):
    """What figures are grouped by (``warm_referral.monitoring.DIMENSIES``)."""

    TOTAAL = "totaal"
    GEMEENTE = "gemeente"
    ORGANISATIE = "organisatie"
    SOORT_VERWIJZER = "soort_verwijzer"
    GRONDSLAG = "grondslag"
    SCHULDEISER = "schuldeiser"


@dataclass(frozen=True)
class Monitoringvraag:
    """What the caller asks for: one kind of period, one grouping, and a range of referral
    dates (inclusive) of whole periods of that kind. A range that cut a period would give a
    figure over part of it, and the difference between two such figures could reveal a count
    the threshold hides (the referrals of one day, say), so it is refused."""

    periodesoort: Periodesoort = Periodesoort.KWARTAAL
    dimensie: Dimensie = Dimensie.TOTAAL
    van: date | None = None
    tot: date | None = None

    def __post_init__(self) -> None:
        soort = self.periodesoort.value
        if self.van is not None and self.van != _begin(self.van, self.periodesoort):
            raise RangeRefused(
                f"van must be the first day of a {soort} (whole periods only), "
                f"e.g. {_begin(self.van, self.periodesoort).isoformat()}",
                [Violation("/van", "geen_periodegrens", f"not the first day of a {soort}")],
            )
        if self.tot is not None and self.tot != _einde(self.tot, self.periodesoort):
            raise RangeRefused(
                f"tot must be the last day of a {soort} (whole periods only), "
                f"e.g. {_einde(self.tot, self.periodesoort).isoformat()}",
                [Violation("/tot", "geen_periodegrens", f"not the last day of a {soort}")],
            )
        if self.van is not None and self.tot is not None and self.van > self.tot:
            raise RangeRefused(
                f"van ({self.van.isoformat()}) lies after tot ({self.tot.isoformat()})",
                [Violation("/tot", "volgorde", "tot must not lie before van")],
            )


_MAANDEN = {Periodesoort.MAAND: 1, Periodesoort.KWARTAAL: 3, Periodesoort.JAAR: 12}


def _begin(dag: date, soort: Periodesoort) -> date:
    """The first day of the period of ``soort`` that holds ``dag``."""
    maanden = _MAANDEN[soort]
    return date(dag.year, (dag.month - 1) // maanden * maanden + 1, 1)


def _einde(dag: date, soort: Periodesoort) -> date:
    """The last day of the period of ``soort`` that holds ``dag``."""
    begin = _begin(dag, soort)
    maand = begin.month - 1 + _MAANDEN[soort]
    if begin.year + maand // 12 > date.max.year:
        return date.max
    volgende = date(begin.year + maand // 12, maand % 12 + 1, 1)
    return volgende - timedelta(days=1)


class Monitoringcijfer(WireModel):
    """One published figure; a value below the threshold is left out and ``onderdrukt`` is true."""

    indicator: str
    """The indicator's code (docs/monitoring.md defines each)."""
    periode: str
    """``2026-04``, ``2026-K2`` or ``2026``: the referrals' cohort."""
    groep: str | None = None
    """The value of the grouping (a gemeentecode, an organisation, ...); absent for ``totaal``
    and for referrals whose organisation is not known."""
    categorie: str | None = None
    """For a split, the category's code (a DDAS final result, a reason)."""
    teller: int | None = None
    noemer: int | None = None
    aandeel: float | None = None
    """``teller`` as a percentage of ``noemer``, to one decimal."""
    mediaan: int | None = None
    p75: int | None = None
    p90: int | None = None
    onderdrukt: bool
    """A value was left out because it rests on fewer referrals than the threshold."""


class Monitoring(WireModel):
    """The monitoring figures the caller may see: an operator's municipalities, or (NVVK) every
    municipality. Never a count, share or duration below ``drempel`` referrals, and no personal
    data or referral identifiers."""

    peildatum: date
    """The date the figures describe (a contact deadline passed before it counts as late)."""
    periodesoort: Periodesoort
    dimensie: Dimensie
    van: date | None = None
    tot: date | None = None
    drempel: int
    """The suppression threshold (at least 5)."""
    gemeentecodes: list[str] | None = None
    """The municipalities counted (an operator's); absent: every municipality."""
    cijfers: list[Monitoringcijfer]


def historieregel(dossier: Verwijzingsdossier, verwijzing: Verwijzing | None) -> Historieregel:
    """The referral's monitoring history as a storage row (no personal data)."""
    from warm_referral.monitoring import historie_van

    historie = historie_van(dossier, verwijzing)
    return Historieregel(
        conversatie_id=dossier.conversatie_id,
        gemeentecode=historie.gemeentecode,
        verwijsdatum=historie.verwijsdatum,
        inhoud=historie.naar_json().encode(),
    )


def organisaties(instellingen: Instellingen) -> dict[str, str]:
    """The organisation that serves each gemeentecode, when one does: today the configuration's
    operators (each is an organisation that lists the municipalities it serves). A municipality
    two differently named operators claim has none here. The participants register (issue 12)
    will be the source; callers see only this function."""
    namen: dict[str, set[str]] = {}
    for deelnemer in instellingen.deelnemers:
        if deelnemer.rol is Rol.OPERATOR:
            for code in deelnemer.gemeentecodes:
                namen.setdefault(code, set()).add(deelnemer.naam)
    return {code: next(iter(n)) for code, n in namen.items() if len(n) == 1}


def historien(
    regels: Iterable[Historieregel], organisaties: Mapping[str, str]
) -> Iterator[Verwijzingshistorie]:
    """The stored histories, each with the organisation that serves its municipality."""
    from warm_referral.monitoring import lees_historie

    for historie in lees_historie(r.inhoud for r in regels):
        naam = organisaties.get(historie.gemeentecode)
        if naam is not None and historie.organisatie is None:
            historie = historie.model_copy(update={"organisatie": naam})
        yield historie


def monitoringcijfers(
    tx: Transactie,
    vraag: Monitoringvraag,
    *,
    gemeentecodes: Sequence[str] | None,
    peildatum: date,
    organisaties: Mapping[str, str],
    drempel: int,
) -> Monitoring:
    """Every indicator for the histories of ``gemeentecodes`` (None: all), as published."""
    # Through the package, so that a patched publiceerbaar (the kit's mutant) is the one used.
    from warm_referral import monitoring

    resultaat = monitoring.bereken(
        historien(tx.historien(gemeentecodes, vraag.van, vraag.tot), organisaties),
        peildatum=peildatum,
        periodesoorten=(vraag.periodesoort.value,),
        dimensies=(vraag.dimensie.value,),
    )
    # Built from the library's own figures, so not validated again (a national answer has many).
    cijfers = [
        Monitoringcijfer.model_construct(
            indicator=r.indicator,
            periode=r.periode,
            groep=r.groep or None,
            categorie=r.categorie or None,
            teller=r.teller,
            noemer=r.noemer,
            aandeel=None if r.aandeel is None else round(r.aandeel, 1),
            mediaan=r.mediaan,
            p75=r.p75,
            p90=r.p90,
            onderdrukt=r.onderdrukt,
        )
        for r in monitoring.publiceerbaar(resultaat.uitkomsten, drempel)
    ]
    return Monitoring(
        peildatum=peildatum,
        periodesoort=vraag.periodesoort,
        dimensie=vraag.dimensie,
        van=vraag.van,
        tot=vraag.tot,
        drempel=drempel,
        gemeentecodes=None if gemeentecodes is None else list(gemeentecodes),
        cijfers=cijfers,
    )
