"""Werkdagen per the Algemene termijnenwet (Atw), with the reason every other day is not one.

Deadlines in the warm referral count *werkdagen*: days that are not a Saturday, a Sunday or a
recognised holiday (*algemeen erkende feestdag*, Atw art. 3). That list is not the public-holiday
calendar most libraries ship: 5 May counts every year (not only every fifth), Good Friday counts
(art. 3 lid 2), and the Crown equates bridge days by decree (art. 3 lid 3). The decrees come out
every few years, so the equated days are data (``data/atw_gelijkgestelde_dagen.csv``) that users
extend or replace without a new release; see :func:`lees_vrije_dagen` and
:meth:`Werkdagkalender.met_extra_dagen`.

A calendar precomputes, over a window of years that grows on demand, the running count of
werkdagen per day and the list of werkdagen, so every query is a few list look-ups instead of a
day-by-day walk.

>>> from datetime import date
>>> is_werkdag(date(2026, 4, 3))  # Goede Vrijdag
False
>>> werkdag_na(date(2026, 4, 2), 3)  # skips Goede Vrijdag, the weekend and Tweede Paasdag
datetime.date(2026, 4, 9)
>>> werkdagen_tussen(date(2026, 4, 2), date(2026, 4, 9))
3
>>> atw_einddatum(date(2026, 4, 16), date(2026, 5, 14))  # 4 weeks, ending on Hemelvaartsdag
datetime.date(2026, 5, 18)
>>> [str(r) for r in standaard_kalender().redenen(date(2026, 5, 15))]
['vrijdag na Hemelvaartsdag (Atw art. 3 lid 3, besluit gelijkstelling 2026-2028)']
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from os import PathLike
from typing import TYPE_CHECKING

from .errors import (  # this module's errors, defined with the others in .errors
    AtwNotApplicableError,
    CalendarDataError,
    CalendarInputError,
    DateOutOfRangeError,
)

if TYPE_CHECKING:
    from importlib.abc import Traversable

__all__ = [
    "EERSTE_JAAR",
    "LAATSTE_JAAR",
    "AtwKalender",
    "AtwNotApplicableError",
    "CalendarDataError",
    "CalendarInputError",
    "DagSoort",
    "DateOutOfRangeError",
    "Reden",
    "VrijeDag",
    "Werkdagkalender",
    "atw_einddatum",
    "is_werkdag",
    "lees_vrije_dagen",
    "standaard_gelijkgestelde_dagen",
    "standaard_kalender",
    "werkdag_na",
    "werkdagen_tussen",
]

#: First year the Atw calendar covers: the first year of Koningsdag on 27 April. Earlier years had
#: Koninginnedag and other rules this module does not model, so they are refused, not guessed.
EERSTE_JAAR = 2014
#: Last year a calendar covers. No term in this domain runs that far; refusing later dates (often
#: typos such as 9999-12-31) keeps the precomputed tables small.
LAATSTE_JAAR = 2199

#: Name of the shipped data file with the days equated under Atw art. 3 lid 3.
GELIJKGESTELDE_DAGEN_BESTAND = "atw_gelijkgestelde_dagen.csv"

_CSV_KOLOMMEN = ("datum", "omschrijving", "grondslag")
_SATURDAY = 5
# Years added beyond the one a query needs when the precomputed window grows.
_GROEIMARGE_JAREN = 25
_MIN_VENSTER_JAREN = 36


# --- why a day is not a werkdag -------------------------------------------------------------------


class DagSoort(str, enum.Enum):
    """The kind of reason a day is not a werkdag."""

    WEEKEND = "weekend"
    #: Atw art. 3 lid 1.
    FEESTDAG = "feestdag"
    #: Equated with a feestdag: Good Friday (Atw art. 3 lid 2) or by decree (art. 3 lid 3).
    GELIJKGESTELD = "gelijkgesteld"
    #: Not Atw: a closing day the user added (e.g. a municipality's own).
    EIGEN = "eigen"


@dataclass(frozen=True, slots=True)
class Reden:
    """One reason a day is not a werkdag, in words a user can check against the source."""

    soort: DagSoort
    omschrijving: str
    grondslag: str

    def __str__(self) -> str:
        return f"{self.omschrijving} ({self.grondslag})"


@dataclass(frozen=True, slots=True)
class VrijeDag:
    """A day that is not a werkdag on top of the weekend and the feestdagen: a decree's equated day,
    or (``soort=DagSoort.EIGEN``) a closing day of one's own. ``bron`` says where it was read from,
    for error messages."""

    datum: date
    omschrijving: str
    grondslag: str
    soort: DagSoort = DagSoort.GELIJKGESTELD
    bron: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        bron = self.bron or f"vrije dag {self.datum.isoformat()}"
        if type(self.datum) is not date:
            raise CalendarDataError(bron, f"datum must be a date, got {type(self.datum).__name__}")
        if self.soort not in (DagSoort.GELIJKGESTELD, DagSoort.EIGEN):
            raise CalendarDataError(bron, "soort must be 'gelijkgesteld' or 'eigen'")
        if not self.omschrijving.strip():
            raise CalendarDataError(bron, "omschrijving is empty")
        if self.soort is DagSoort.GELIJKGESTELD and self.datum.weekday() >= _SATURDAY:
            # A decree never equates a weekend day, so this is almost surely a typo.
            raise CalendarDataError(
                bron,
                f"{self.datum.isoformat()} is a {_DAGNAMEN[self.datum.weekday()]}; a weekend day "
                "is never a werkdag, so equating it is pointless (typo in the date?)",
            )

    @property
    def reden(self) -> Reden:
        return Reden(self.soort, self.omschrijving, self.grondslag)


_DAGNAMEN = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_WEEKEND_REDENEN = (
    Reden(DagSoort.WEEKEND, "zaterdag", "Atw art. 1 lid 1"),
    Reden(DagSoort.WEEKEND, "zondag", "Atw art. 1 lid 1"),
)


# --- data files -----------------------------------------------------------------------------------


def lees_vrije_dagen(
    pad: str | PathLike[str] | Traversable, *, soort: DagSoort | None = None
) -> tuple[VrijeDag, ...]:
    """Read a CSV file of days that are not werkdagen (same format as the shipped file).

    The format: UTF-8, one day per line, header ``datum,omschrijving,grondslag`` with an optional
    fourth column ``soort`` (``gelijkgesteld``, the default, or ``eigen``); dates as ``YYYY-MM-DD``;
    lines starting with ``#`` and blank lines are ignored. ``soort`` given here overrides the
    column. Every problem raises :class:`CalendarDataError` naming the file and line.
    """
    naam = str(pad)
    try:
        if isinstance(pad, (str, PathLike)):
            with open(pad, encoding="utf-8") as fh:
                tekst = fh.read()
        else:
            tekst = pad.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarDataError(naam, f"cannot read the file: {exc}") from exc
    return _parse_vrije_dagen(tekst, naam, soort)


def _parse_vrije_dagen(tekst: str, naam: str, soort: DagSoort | None) -> tuple[VrijeDag, ...]:
    import csv  # here, not at the top: keeps `import warm_referral.calendar` light

    kop: tuple[str, ...] | None = None
    dagen: list[VrijeDag] = []
    gezien: dict[date, str] = {}
    for nr, regel in enumerate(tekst.lstrip("\ufeff").splitlines(), start=1):
        if not regel.strip() or regel.lstrip().startswith("#"):
            continue
        bron = f"{naam}:{nr}"
        try:
            velden = [v.strip() for v in next(csv.reader([regel], strict=True))]
        except csv.Error as exc:
            raise CalendarDataError(bron, f"bad CSV: {exc}") from exc
        if kop is None:
            kop = tuple(velden)
            if kop not in (_CSV_KOLOMMEN, (*_CSV_KOLOMMEN, "soort")):
                raise CalendarDataError(
                    bron,
                    f"header is {regel.strip()!r}; expected 'datum,omschrijving,grondslag' "
                    "optionally followed by ',soort'",
                )
            continue
        if len(velden) != len(kop):
            raise CalendarDataError(bron, f"expected {len(kop)} fields, got {len(velden)}")
        rij = dict(zip(kop, velden, strict=True))
        datum = _parse_datum(rij["datum"], bron)
        if datum in gezien:
            raise CalendarDataError(
                bron, f"{datum.isoformat()} is listed twice (also on {gezien[datum]})"
            )
        gezien[datum] = bron
        if not rij["grondslag"]:
            raise CalendarDataError(bron, "grondslag is empty; name the decree or the reason")
        regelsoort = soort or _parse_soort(rij.get("soort", ""), bron)
        dagen.append(VrijeDag(datum, rij["omschrijving"], rij["grondslag"], regelsoort, bron))
    if kop is None:
        raise CalendarDataError(naam, "no header line (expected 'datum,omschrijving,grondslag')")
    return tuple(dagen)


def _parse_datum(tekst: str, bron: str) -> date:
    if len(tekst) != 10 or tekst[4] != "-" or tekst[7] != "-":
        raise CalendarDataError(bron, f"datum {tekst!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(tekst)
    except ValueError as exc:
        raise CalendarDataError(bron, f"datum {tekst!r} is not a valid date: {exc}") from exc


def _parse_soort(tekst: str, bron: str) -> DagSoort:
    if tekst in ("", DagSoort.GELIJKGESTELD.value):
        return DagSoort.GELIJKGESTELD
    if tekst == DagSoort.EIGEN.value:
        return DagSoort.EIGEN
    raise CalendarDataError(bron, f"soort {tekst!r} is not 'gelijkgesteld' or 'eigen'")


_standaard_dagen: tuple[VrijeDag, ...] | None = None


def standaard_gelijkgestelde_dagen() -> tuple[VrijeDag, ...]:
    """The equated days shipped with this release (Atw art. 3 lid 3 decrees)."""
    global _standaard_dagen
    if _standaard_dagen is None:
        from importlib.resources import files  # slow import, only when needed

        bestand = files("warm_referral") / "data" / GELIJKGESTELDE_DAGEN_BESTAND
        _standaard_dagen = lees_vrije_dagen(bestand, soort=DagSoort.GELIJKGESTELD)
    return _standaard_dagen


# --- the calendar ---------------------------------------------------------------------------------

#: Gives the feestdagen of a range of years, each with its reason.
FeestdagenBron = Callable[[range], Iterable[tuple[date, Reden]]]


def _not_a_date(d: object) -> CalendarInputError:
    return CalendarInputError(f"expected a date, got {type(d).__name__} {d!r}")


class _Tabel:
    """Precomputed look-ups over the days ``basis + 1 .. basis + len(cum) - 1``.

    ``cum[i]`` is the number of werkdagen in ``(basis, basis + i]``; ``werkdagen[k]`` is the
    ``(k + 1)``-th werkdag after ``basis``; ``vlag[i]`` says whether ``basis + i`` is a werkdag.
    """

    __slots__ = ("basis", "cum", "tot_jaar", "vlag", "werkdagen")

    def __init__(
        self, basis: int, cum: list[int], vlag: list[bool], werkdagen: list[date], tot_jaar: int
    ) -> None:
        self.basis = basis
        self.cum = cum
        self.vlag = vlag
        self.werkdagen = werkdagen
        self.tot_jaar = tot_jaar


class Werkdagkalender:
    """Weekends, feestdagen from a rule source, and extra non-working days, precomputed for speed.

    Queries are O(1): a lazily grown window of years holds the running werkdag count per day and the
    list of werkdagen. Instances are safe to share between threads.
    """

    def __init__(
        self,
        naam: str,
        *,
        feestdagen: FeestdagenBron | None = None,
        vrije_dagen: Iterable[VrijeDag] = (),
        eerste_jaar: int = EERSTE_JAAR,
        laatste_jaar: int = LAATSTE_JAAR,
    ) -> None:
        if not 1 <= eerste_jaar <= laatste_jaar <= LAATSTE_JAAR:
            raise CalendarInputError(
                f"year range {eerste_jaar}..{laatste_jaar} is not within 1..{LAATSTE_JAAR}"
            )
        self.naam = naam
        self.eerste_jaar = eerste_jaar
        self.laatste_jaar = laatste_jaar
        self._feestdagen = feestdagen
        self._vrije_dagen: tuple[VrijeDag, ...] = tuple(vrije_dagen)
        self._vrij_per_dag: dict[int, list[Reden]] = {}
        for dag in self._vrije_dagen:
            if not isinstance(dag, VrijeDag):
                raise CalendarInputError(f"vrije_dagen must hold VrijeDag objects, got {dag!r}")
            redenen = self._vrij_per_dag.setdefault(dag.datum.toordinal(), [])
            if dag.reden not in redenen:  # the same decree day from two sources counts once
                redenen.append(dag.reden)
        self._basis = date(eerste_jaar, 1, 1).toordinal() - 1
        self._redenen: dict[int, tuple[Reden, ...]] = {}
        self._tabel = _Tabel(self._basis, [0], [False], [], eerste_jaar - 1)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.naam!r} ({len(self._vrije_dagen)} vrije dagen)>"

    @property
    def vrije_dagen(self) -> tuple[VrijeDag, ...]:
        return self._vrije_dagen

    def met_extra_dagen(
        self, dagen: Iterable[VrijeDag] | Mapping[date, str], *, grondslag: str = "", naam: str = ""
    ) -> Werkdagkalender:
        """A new calendar with these extra non-working days (this one is unchanged).

        ``dagen`` is a list of :class:`VrijeDag` (e.g. from :func:`lees_vrije_dagen`), or a mapping
        date -> omschrijving for quick use, in which case ``grondslag`` is required and the days are
        of soort ``eigen``.
        """
        if isinstance(dagen, Mapping):
            if not grondslag:
                raise CalendarInputError("met_extra_dagen(mapping) needs a grondslag")
            extra = [VrijeDag(d, o, grondslag, DagSoort.EIGEN) for d, o in dagen.items()]
        else:
            extra = list(dagen)
        nieuw = Werkdagkalender.__new__(type(self))
        Werkdagkalender.__init__(
            nieuw,
            naam or f"{self.naam}+extra",
            feestdagen=self._feestdagen,
            vrije_dagen=(*self._vrije_dagen, *extra),
            eerste_jaar=self.eerste_jaar,
            laatste_jaar=self.laatste_jaar,
        )
        return nieuw

    # -- queries (hot paths: keep them to a few look-ups) ------------------------------------------

    def is_werkdag(self, d: date) -> bool:
        t = self._tabel
        try:
            i = d.toordinal() - t.basis
        except AttributeError:
            raise _not_a_date(d) from None
        if 0 < i < len(t.vlag) and type(d) is date:
            return t.vlag[i]
        t = self._tabel_voor(d, i)
        return t.vlag[i]

    def werkdag_na(self, d: date, n: int) -> date:
        """The n-th werkdag after d; d itself is not counted (``n >= 1``)."""
        t = self._tabel
        try:
            i = d.toordinal() - t.basis
        except AttributeError:
            raise _not_a_date(d) from None
        if 0 <= i < len(t.cum) and type(n) is int and n >= 1 and type(d) is date:
            k = t.cum[i] + n - 1
            if k < len(t.werkdagen):
                return t.werkdagen[k]
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise CalendarInputError(f"werkdag_na needs a whole number n >= 1, got {n!r}")
        t = self._tabel_voor(d, i, toegestaan_vanaf=0)
        k = t.cum[i] + n - 1
        while k >= len(t.werkdagen):
            extra_jaren = (k - len(t.werkdagen)) // 250 + 1
            t = self._groei(t.tot_jaar + extra_jaren, d)
        return t.werkdagen[k]

    def werkdagen_tussen(self, a: date, b: date) -> int:
        """The number of werkdagen in (a, b]; negative (minus the count of (b, a]) when b < a, so
        that counts add up: ``tussen(a, b) + tussen(b, c) == tussen(a, c)``."""
        t = self._tabel
        try:
            i = a.toordinal() - t.basis
            j = b.toordinal() - t.basis
        except AttributeError:
            raise _not_a_date(b if isinstance(a, date) else a) from None
        if 0 <= i < len(t.cum) and 0 <= j < len(t.cum) and type(a) is date and type(b) is date:
            return t.cum[j] - t.cum[i]
        self._tabel_voor(a, i, toegestaan_vanaf=0)
        t = self._tabel_voor(b, j, toegestaan_vanaf=0)
        return t.cum[j] - t.cum[i]

    def werkdag_vanaf(self, d: date) -> date:
        """d itself if it is a werkdag, else the first werkdag after it (Atw art. 1)."""
        return self.werkdag_na(d - timedelta(days=1), 1)

    def redenen(self, d: date) -> tuple[Reden, ...]:
        """Why d is not a werkdag (feestdag first, then weekend); empty for a werkdag."""
        if self.is_werkdag(d):
            return ()
        eigen = self._redenen.get(d.toordinal(), ())
        if d.weekday() >= _SATURDAY:
            return (*eigen, _WEEKEND_REDENEN[d.weekday() - _SATURDAY])
        return eigen

    def niet_werkdagen(self, a: date, b: date) -> list[tuple[date, tuple[Reden, ...]]]:
        """The days in (a, b] that are not werkdagen, each with its reasons (for explanations)."""
        uit: list[tuple[date, tuple[Reden, ...]]] = []
        d = a + timedelta(days=1)
        while d <= b:
            if not self.is_werkdag(d):
                uit.append((d, self.redenen(d)))
            d += timedelta(days=1)
        return uit

    def atw_einddatum(self, start: date, eind: date) -> date:
        """Atw art. 1 and 2 applied to a statutory term running from ``start`` (exclusive) to
        ``eind`` (inclusive).

        Art. 1: an end on a Saturday, Sunday or feestdag moves to the next werkdag. Art. 2: a term
        of 3 days or more is extended until it holds at least 2 werkdagen (the start day not
        counted).

        Only for terms the Atw covers. It does not apply (art. 4) to terms expressed in hours, to
        terms of more than 90 days, 12 weeks or 3 months, to terms in years; nor (art. 1 lid 2) to
        terms counted backwards from a moment; nor to contractual or covenant terms such as the
        incassostop of the warm referral. The caller decides which terms qualify; a term longer than
        92 days (more than any 3 months) or one that does not run forward raises
        :class:`AtwNotApplicableError`.
        """
        if type(start) is not date or type(eind) is not date:
            raise CalendarInputError("atw_einddatum takes two dates, not datetimes")
        lengte = (eind - start).days
        if lengte < 1:
            raise AtwNotApplicableError(
                f"the term {start.isoformat()} .. {eind.isoformat()} does not run forward; "
                "terms counted backwards are excluded by Atw art. 1 lid 2"
            )
        if lengte > 92:
            raise AtwNotApplicableError(
                f"the term {start.isoformat()} .. {eind.isoformat()} is {lengte} days; Atw art. 4 "
                "excludes terms of more than 90 days, 12 weeks or 3 months"
            )
        resultaat = self.werkdag_vanaf(eind)  # art. 1
        if lengte >= 3:  # art. 2
            resultaat = max(resultaat, self.werkdag_na(start, 2))
        return resultaat

    # -- precomputation ----------------------------------------------------------------------------

    def _tabel_voor(self, d: date, i: int, *, toegestaan_vanaf: int = 1) -> _Tabel:
        """The slow path: check the argument, grow the window to cover d, or raise."""
        if isinstance(d, datetime):
            raise CalendarInputError(
                f"expected a date, got the datetime {d.isoformat()}; convert it to the local "
                "date first (e.g. ts.astimezone(ZoneInfo('Europe/Amsterdam')).date())"
            )
        if not isinstance(d, date):
            raise CalendarInputError(f"expected a date, got {type(d).__name__}")
        if i < toegestaan_vanaf or d.year > self.laatste_jaar:
            raise DateOutOfRangeError(
                f"{d.isoformat()} is outside the calendar {self.naam!r}, which covers "
                f"{self.eerste_jaar}-01-01 .. {self.laatste_jaar}-12-31"
            )
        t = self._tabel
        if i < len(t.cum):
            return t
        return self._groei(d.year + _GROEIMARGE_JAREN, d)

    def _groei(self, tot_jaar: int, aanleiding: date) -> _Tabel:
        with self._lock:
            oud = self._tabel
            if tot_jaar <= oud.tot_jaar:
                return oud
            tot_jaar = max(tot_jaar, self.eerste_jaar + _MIN_VENSTER_JAREN)
            if oud.tot_jaar >= self.laatste_jaar:
                raise DateOutOfRangeError(
                    f"counting werkdagen from {aanleiding.isoformat()} runs past the end of the "
                    f"calendar {self.naam!r} ({self.laatste_jaar}-12-31)"
                )
            tot_jaar = min(tot_jaar, self.laatste_jaar)
            van_jaar = oud.tot_jaar + 1
            self._voeg_redenen_toe(range(van_jaar, tot_jaar + 1))
            cum = list(oud.cum)
            vlag = list(oud.vlag)
            werkdagen = list(oud.werkdagen)
            teller = cum[-1]
            redenen = self._redenen
            for o in range(
                date(van_jaar, 1, 1).toordinal(), date(tot_jaar, 12, 31).toordinal() + 1
            ):
                # date.fromordinal(1) is a Monday, so (o - 1) % 7 is the weekday.
                werk = (o - 1) % 7 < _SATURDAY and o not in redenen
                if werk:
                    teller += 1
                    werkdagen.append(date.fromordinal(o))
                cum.append(teller)
                vlag.append(werk)
            nieuw = _Tabel(oud.basis, cum, vlag, werkdagen, tot_jaar)
            self._tabel = nieuw
            return nieuw

    def _voeg_redenen_toe(self, jaren: range) -> None:
        per_dag: dict[int, list[Reden]] = {}
        if self._feestdagen is not None:
            for d, reden in self._feestdagen(jaren):
                per_dag.setdefault(d.toordinal(), []).append(reden)
        eerste = date(jaren.start, 1, 1).toordinal()
        laatste = date(jaren.stop - 1, 12, 31).toordinal()
        for o, redenen in self._vrij_per_dag.items():
            if eerste <= o <= laatste:
                lijst = per_dag.setdefault(o, [])
                lijst.extend(r for r in redenen if r not in lijst)
        for o, lijst in per_dag.items():
            self._redenen[o] = tuple(lijst)


# --- the Atw calendar -----------------------------------------------------------------------------

_LID_1 = "Atw art. 3 lid 1"
_ATW_NAMEN: dict[str, Reden] = {
    r.omschrijving: r
    for r in (
        Reden(DagSoort.FEESTDAG, "Nieuwjaarsdag", _LID_1),
        Reden(DagSoort.GELIJKGESTELD, "Goede Vrijdag", "Atw art. 3 lid 2"),
        Reden(DagSoort.FEESTDAG, "Tweede Paasdag", _LID_1),
        Reden(DagSoort.FEESTDAG, "Koningsdag", _LID_1),
        Reden(DagSoort.FEESTDAG, "Bevrijdingsdag", _LID_1),
        Reden(DagSoort.FEESTDAG, "Hemelvaartsdag", _LID_1),
        Reden(DagSoort.FEESTDAG, "Tweede Pinksterdag", _LID_1),
        Reden(DagSoort.FEESTDAG, "Eerste Kerstdag", _LID_1),
        Reden(DagSoort.FEESTDAG, "Tweede Kerstdag", _LID_1),
    )
}


def _atw_feestdagen(jaren: range) -> Iterator[tuple[date, Reden]]:
    """Atw art. 3 lid 1 and lid 2, built from the ``holidays`` package's date rules.

    Not from ``holidays.NL``: that is the public-holiday calendar (5 May only every fifth year,
    Easter Sunday and Whit Sunday listed, its choices may change between releases). Only the Easter
    computus and the date helpers are taken from the package; which days count is decided here, one
    line per day named in the law.
    """
    # Imported here: `holidays` takes ~100 ms to import.
    from holidays.groups.christian import ChristianHolidays
    from holidays.groups.international import InternationalHolidays
    from holidays.holiday_base import HolidayBase

    class AtwFeestdagen(HolidayBase, ChristianHolidays, InternationalHolidays):
        start_year = 1
        end_year = 9999

        def __init__(self, years: range) -> None:
            ChristianHolidays.__init__(self)
            InternationalHolidays.__init__(self)
            super().__init__(years=years, language=None)

        def _populate_public_holidays(self) -> None:
            self._add_new_years_day("Nieuwjaarsdag")
            self._add_good_friday("Goede Vrijdag")  # lid 2
            self._add_easter_monday("Tweede Paasdag")
            # "de dag waarop de verjaardag van de Koning wordt gevierd": 27 April, or Saturday
            # 26 April when 27 April is a Sunday.
            koningsdag = date(self._year, 4, 27)
            if koningsdag.weekday() == 6:
                koningsdag = date(self._year, 4, 26)
            self._add_holiday("Koningsdag", koningsdag)
            self._add_holiday(
                "Bevrijdingsdag", date(self._year, 5, 5)
            )  # every year, "de vijfde mei"
            self._add_ascension_thursday("Hemelvaartsdag")
            self._add_pentecost_monday("Tweede Pinksterdag")
            self._add_christmas_day("Eerste Kerstdag")
            self._add_christmas_day_two("Tweede Kerstdag")

    feestdagen = AtwFeestdagen(jaren)
    for d in sorted(feestdagen):
        for naam in feestdagen.get_list(d):
            yield d, _ATW_NAMEN[naam]


class AtwKalender(Werkdagkalender):
    """The werkdagen of the Algemene termijnenwet: no weekend, no feestdag, no equated day.

    ``gelijkgestelde_dagen`` replaces the shipped decree days (``None``: use them); ``extra_dagen``
    adds to them. To add next year's decree or a municipality's closing days without a new release::

        kalender = AtwKalender().met_extra_dagen(lees_vrije_dagen("mijn_dagen.csv"))
    """

    def __init__(
        self,
        gelijkgestelde_dagen: Iterable[VrijeDag] | None = None,
        *,
        extra_dagen: Iterable[VrijeDag] = (),
        naam: str = "atw",
    ) -> None:
        if gelijkgestelde_dagen is None:
            gelijkgestelde_dagen = standaard_gelijkgestelde_dagen()
        super().__init__(
            naam,
            feestdagen=_atw_feestdagen,
            vrije_dagen=(*gelijkgestelde_dagen, *extra_dagen),
            eerste_jaar=EERSTE_JAAR,
        )


_standaard: Werkdagkalender | None = None
_standaard_lock = threading.Lock()


def standaard_kalender() -> Werkdagkalender:
    """The shared default: the Atw calendar with the shipped equated days."""
    global _standaard
    if _standaard is None:
        with _standaard_lock:
            if _standaard is None:
                _standaard = AtwKalender()
    return _standaard


# --- the stable module-level API ------------------------------------------------------------------


def is_werkdag(d: date, kalender: Werkdagkalender | None = None) -> bool:
    """Whether d is a werkdag (default: the Atw calendar)."""
    return (kalender or _standaard or standaard_kalender()).is_werkdag(d)


def werkdag_na(d: date, n: int, kalender: Werkdagkalender | None = None) -> date:
    """The n-th werkdag after d, d itself not counted (n >= 1)."""
    return (kalender or _standaard or standaard_kalender()).werkdag_na(d, n)


def werkdagen_tussen(a: date, b: date, kalender: Werkdagkalender | None = None) -> int:
    """The number of werkdagen in (a, b]."""
    return (kalender or _standaard or standaard_kalender()).werkdagen_tussen(a, b)


def atw_einddatum(start: date, eind: date, kalender: Werkdagkalender | None = None) -> date:
    """Atw art. 1 and 2 applied to a statutory term; see :meth:`Werkdagkalender.atw_einddatum`."""
    return (kalender or _standaard or standaard_kalender()).atw_einddatum(start, eind)
