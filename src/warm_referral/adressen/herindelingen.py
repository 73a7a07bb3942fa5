"""Municipal reorganisations as data: carry a gemeentecode from one date to another.

Gemeentecodes change when municipalities merge or are renamed (a new code), and a code vanishes
when a municipality is divided among its neighbours. Most changes take effect on 1 January, but
not all (Weesp joined Amsterdam on 24 March 2022), so every row has its own date. A source (a CBS
table, PDOK) answers in the classification of its own date; this table carries that answer to the
date a referral needs:

- forward (the date is later than the source): follow every change, unless the municipality was
  divided, which only address-level data can resolve (:class:`SplitMunicipality`);
- backward (the date is earlier): only a code that no change touched in between can be trusted;
  a merged or grown municipality needs a source from that period (:class:`DivisionOutOfRange`).

The shipped table covers the changes since 2021 (see the CSV header for the source); a user adds
later ones with :meth:`Herindelingen.met` or a file of their own.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from ..identifiers import gemeentecode as _gemeentecode
from .errors import DivisionOutOfRange, InvalidSourceData, SplitMunicipality

__all__ = ["Herindeling", "Herindelingen", "laad_herindelingen", "standaard_herindelingen"]

_KOLOMMEN = ("datum", "oude_code", "oude_naam", "nieuwe_code", "nieuwe_naam")


@dataclass(frozen=True, slots=True)
class Herindeling:
    """From ``datum`` on, addresses that had ``oude_code`` carry ``nieuwe_code`` (one row each)."""

    datum: date
    oude_code: str
    oude_naam: str
    nieuwe_code: str
    nieuwe_naam: str


class Herindelingen:
    """The reorganisations, ordered by date, with the two translations."""

    def __init__(self, rijen: Iterable[Herindeling]) -> None:
        self.rijen = tuple(sorted(rijen, key=lambda r: (r.datum, r.oude_code, r.nieuwe_code)))
        per_datum: dict[date, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for rij in self.rijen:
            per_datum[rij.datum][rij.oude_code].add(rij.nieuwe_code)
        #: (date, old code -> new codes, codes formed or grown on that date), oldest first
        self._stappen: tuple[tuple[date, dict[str, frozenset[str]], frozenset[str]], ...] = tuple(
            (
                datum,
                {oud: frozenset(nieuw) for oud, nieuw in wijzigingen.items()},
                frozenset(c for nieuw in wijzigingen.values() for c in nieuw),
            )
            for datum, wijzigingen in sorted(per_datum.items())
        )
        self.wijzigingsdata: tuple[date, ...] = tuple(s[0] for s in self._stappen)

    def __len__(self) -> int:
        return len(self.rijen)

    def met(self, extra: Iterable[Herindeling]) -> Herindelingen:
        """This table plus more rows (a reorganisation this release does not know yet)."""
        return Herindelingen((*self.rijen, *extra))

    def ongewijzigd_tussen(self, van: date, naar: date) -> bool:
        """Whether no change at all takes effect between the two dates (the fast path)."""
        laag, hoog = (van, naar) if van <= naar else (naar, van)
        return not any(laag < d <= hoog for d in self.wijzigingsdata)

    def vertaal(self, gemeentecode: str, van: date, naar: date) -> str:
        """The code on ``naar`` of the area that had ``gemeentecode`` on ``van``.

        >>> h = standaard_herindelingen()
        >>> h.vertaal("0530", date(2022, 8, 1), date(2023, 3, 1))
        '1992'
        >>> h.vertaal("0718", date(2025, 1, 1), date(2020, 1, 1))
        '0718'
        """
        code = gemeentecode
        if naar >= van:
            for datum, wijzigingen, _ in self._stappen:
                if van < datum <= naar and code in wijzigingen:
                    nieuw = wijzigingen[code]
                    if len(nieuw) > 1:
                        raise SplitMunicipality(
                            f"gemeentecode {code} was divided on {datum.isoformat()}; only "
                            "address-level data can say which municipality an address went to",
                            nieuw,
                        )
                    (code,) = nieuw
            return code
        for datum, wijzigingen, gevormd in reversed(self._stappen):
            if not naar < datum <= van:
                continue
            if code in gevormd:
                raise DivisionOutOfRange(
                    gemeentecode,
                    van,
                    naar,
                    f"municipality {code} was formed or grew on {datum.isoformat()}; "
                    "use a source from before that date",
                )
            if code in wijzigingen:
                raise DivisionOutOfRange(
                    gemeentecode,
                    van,
                    naar,
                    f"municipality {code} no longer existed after {datum.isoformat()}, yet the "
                    "source still uses it; the source and the merger table disagree",
                )
        return code


def _lees(tekst: str, bron: str) -> list[Herindeling]:
    regels = [r for r in tekst.splitlines() if r.strip() and not r.lstrip().startswith("#")]
    lezer = csv.reader(io.StringIO("\n".join(regels)))
    kop = next(lezer, None)
    if kop is None or tuple(k.strip() for k in kop) != _KOLOMMEN:
        raise InvalidSourceData(bron, None, f"expected the columns {', '.join(_KOLOMMEN)}")
    rijen: list[Herindeling] = []
    for nummer, rij in enumerate(lezer, start=2):
        if len(rij) != len(_KOLOMMEN):
            raise InvalidSourceData(bron, nummer, f"expected {len(_KOLOMMEN)} fields")
        datum_tekst, oud, oude_naam, nieuw, nieuwe_naam = (v.strip() for v in rij)
        try:
            datum = date.fromisoformat(datum_tekst)
        except ValueError:
            raise InvalidSourceData(bron, nummer, f"{datum_tekst!r} is not a date") from None
        for code in (oud, nieuw):
            if not _gemeentecode.is_valid(code):
                raise InvalidSourceData(bron, nummer, f"{code!r} is not a gemeentecode")
        oud, nieuw = _gemeentecode.validate(oud), _gemeentecode.validate(nieuw)
        if oud == nieuw:
            raise InvalidSourceData(bron, nummer, f"gemeentecode {oud} maps to itself")
        rijen.append(Herindeling(datum, oud, oude_naam, nieuw, nieuwe_naam))
    return rijen


def laad_herindelingen(pad: str | Path) -> Herindelingen:
    """Read a merger table in the shipped CSV form (header line, ``#`` comments allowed)."""
    try:
        tekst = Path(pad).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidSourceData(str(pad), None, f"cannot read: {exc}") from None
    return Herindelingen(_lees(tekst, str(pad)))


@cache
def standaard_herindelingen() -> Herindelingen:
    """The table shipped with this release (``warm_referral/data/gemeentelijke_herindelingen.csv``)."""
    tekst = (
        resources.files("warm_referral")
        .joinpath("data/gemeentelijke_herindelingen.csv")
        .read_text(encoding="utf-8")
    )
    return Herindelingen(_lees(tekst, "gemeentelijke_herindelingen.csv"))
