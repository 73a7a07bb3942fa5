"""The terms of the warm referral: the incassostop, the contact term, and their legal relatives.

The numbers are agreements, not law: the NVVK pilot agreed a 30-day incassostop and contact within
3 werkdagen. Other regions or a later covenant may agree otherwise, so the numbers live in an
*afsprakenprofiel* (``data/afsprakenprofielen.json``) and every function takes the profile to use.
The law comes in through the calendar (werkdagen per the Algemene termijnenwet) and, only where a
profile says so, through Atw art. 1 for the end of the incassostop.

The profile's incassostop is a minimum: a referral may pause collection longer (up to the profile's
maximum, if it sets one), and the municipality then holds the longer period
(:func:`toets_incassostop`). A profile also says when a referral arrives too late
(:func:`toets_tijdigheid`) and how long a closed referral's personal data are kept
(:func:`bewaren_tot`). Its tables in the protocol's vocabulary (which kind of referrer may use which
ground, what a creditor learns back) are read by :mod:`warm_referral.afspraken`: this module knows
no messages.

Timestamps are interpreted in Europe/Amsterdam: the day a referral arrives is the local date there,
whatever offset the sender used, and a deadline is the end of a local day.

>>> from datetime import date, datetime, timezone
>>> incassostop(date(2026, 4, 1))
(datetime.date(2026, 4, 1), datetime.date(2026, 5, 1))
>>> contact_deadline(datetime(2026, 4, 2, 8, 0, tzinfo=timezone.utc)).isoformat()
'2026-04-09T23:59:59+02:00'
>>> wgs_eerste_gesprek_uiterlijk(date(2026, 4, 16))  # 4 weeks end on Hemelvaartsdag
datetime.date(2026, 5, 18)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from os import PathLike
from typing import TYPE_CHECKING, Any

from ._tijd import AMSTERDAM, amsterdamse_datum
from .calendar import Reden, Werkdagkalender, standaard_kalender
from .errors import (  # this module's errors, defined with the others in .errors
    DeadlineInputError,
    ProfileDataError,
    UnknownProfileError,
)

if TYPE_CHECKING:
    from importlib.abc import Traversable

__all__ = [
    "AMSTERDAM",
    "KNOOPPUNT_ANTWOORD_WERKDAGEN",
    "KNOOPPUNT_OPHAAL_WERKDAGEN",
    "PROFIELEN_BESTAND",
    "WGS_DREIGEND_WERKDAGEN",
    "WGS_EERSTE_GESPREK_WEKEN",
    "Afsprakenprofiel",
    "Afsprakenprofielen",
    "ContactDeadlineUitleg",
    "Dagstap",
    "DeadlineInputError",
    "IncassostopUitleg",
    "ProfileDataError",
    "TeLaatBeleid",
    "Termijnafwijking",
    "UnknownProfileError",
    "afsprakenprofielen",
    "bewaren_tot",
    "contact_deadline",
    "contact_deadline_uitleg",
    "incassostop",
    "incassostop_uitleg",
    "knooppunt_antwoord_uiterlijk",
    "knooppunt_ophalen_uiterlijk",
    "laad_afsprakenprofielen",
    "standaard_afsprakenprofiel",
    "toets_incassostop",
    "toets_tijdigheid",
    "wgs_eerste_gesprek_uiterlijk",
]

#: The end of a local day: the moment a deadline "on day X" runs out.
EINDE_DAG = time(23, 59, 59)

#: Wgs art. 4 lid 1: the first conversation within 4 weeks of the request for help.
WGS_EERSTE_GESPREK_WEKEN = 4
#: Wgs art. 4 lid 2: within 3 werkdagen in a threatening situation (eviction, cut-off of energy or
#: water, termination of the health insurance).
WGS_DREIGEND_WERKDAGEN = 3
#: Schuldenknooppunt: messages not fetched and confirmed are deleted after 5 werkdagen.
KNOOPPUNT_OPHAAL_WERKDAGEN = 5
#: Schuldenknooppunt: a message is answered within 10 werkdagen.
KNOOPPUNT_ANTWOORD_WERKDAGEN = 10

#: Name of the shipped data file with the agreement profiles.
PROFIELEN_BESTAND = "afsprakenprofielen.json"
_PROFIELEN_FORMAAT = "warm_referral.afsprakenprofielen/1"
_NAAM_PATROON = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


# --- agreement profiles ---------------------------------------------------------------------------


class TeLaatBeleid(str, Enum):
    """What happens to a referral that arrives too late (:func:`toets_tijdigheid`)."""

    WEIGEREN = "weigeren"
    """The municipality refuses it; the creditor learns why at once."""
    MARKEREN = "markeren"
    """The municipality takes it, and both records mark it as late."""


@dataclass(frozen=True, slots=True)
class Afsprakenprofiel:
    """The agreed numbers for one group of participants (an *afsprakenprofiel*), in one version.

    ``atw_verlenging_incassostop``: move an incassostop einddatum that is not a werkdag to the next
    werkdag (Atw art. 1). Off in the NVVK pilot: the 30 days are a covenant term, and the Atw only
    governs terms set by statute.

    ``incassostop_dagen`` is the minimum the incassostop lasts (the verwijsdatum plus that many
    calendar days, :func:`incassostop`); ``incassostop_max_dagen`` (optional) the most a referral
    may ask for. ``te_laat_werkdagen`` (optional): a referral received more werkdagen than this
    after its verwijsdatum is late, as is one whose incassostop had ended at receipt; ``te_laat``
    says what then happens. ``bewaartermijn_dagen`` (optional): how many days after a referral
    closed the municipality erases its personal data (a receiver setting may replace it).
    ``bijlagen`` holds the profile's tables in the protocol's vocabulary as canonical JSON, by
    section name; :mod:`warm_referral.afspraken` reads them.
    """

    naam: str
    versie: str
    incassostop_dagen: int
    contacttermijn_werkdagen: int
    atw_verlenging_incassostop: bool
    kalender: Werkdagkalender
    omschrijving: str = ""
    incassostop_max_dagen: int | None = None
    te_laat_werkdagen: int | None = None
    te_laat: TeLaatBeleid = TeLaatBeleid.WEIGEREN
    bewaartermijn_dagen: int | None = None
    bijlagen: tuple[tuple[str, str], ...] = ()

    def bijlage(self, naam: str) -> Any:
        """A table of the profile (parsed JSON), or None when the profile has none by that name."""
        for sleutel, tekst in self.bijlagen:
            if sleutel == naam:
                return json.loads(tekst)
        return None


class Afsprakenprofielen(Mapping[str, Afsprakenprofiel]):
    """Profiles by name (the current version of each), plus which one is the default. Unknown
    names raise :class:`UnknownProfileError`.

    A file may list older versions of a profile before its current one (the last listed): records
    made under an older version keep its rules, and :meth:`versie` finds it.
    """

    def __init__(self, profielen: Iterable[Afsprakenprofiel], standaard: str) -> None:
        self._alle: dict[tuple[str, str], Afsprakenprofiel] = {}
        self._profielen: dict[str, Afsprakenprofiel] = {}
        for p in profielen:
            self._alle[(p.naam, p.versie)] = p
            self._profielen[p.naam] = p
        if standaard not in self._profielen:
            raise UnknownProfileError(standaard, self._profielen)
        self.standaardnaam = standaard

    @property
    def standaard(self) -> Afsprakenprofiel:
        return self._profielen[self.standaardnaam]

    def __getitem__(self, naam: str) -> Afsprakenprofiel:
        try:
            return self._profielen[naam]
        except KeyError:
            raise UnknownProfileError(naam, self._profielen) from None

    def versie(self, naam: str, versie: str) -> Afsprakenprofiel:
        """The profile ``naam`` in exactly ``versie`` (:class:`UnknownProfileError` if absent)."""
        try:
            return self._alle[(naam, versie)]
        except KeyError:
            bekend = [f"{n} {v}" for n, v in self._alle]
            raise UnknownProfileError(f"{naam} {versie}", bekend) from None

    def versies(self, naam: str) -> tuple[str, ...]:
        """The versions of ``naam`` in this file, oldest first."""
        return tuple(v for n, v in self._alle if n == naam)

    def __iter__(self) -> Iterator[str]:
        return iter(self._profielen)

    def __len__(self) -> int:
        return len(self._profielen)

    def __repr__(self) -> str:
        return f"<Afsprakenprofielen {sorted(self._profielen)} standaard={self.standaardnaam!r}>"


_VELDEN: dict[str, type] = {
    "naam": str,
    "versie": str,
    "omschrijving": str,
    "incassostop_dagen": int,
    "incassostop_max_dagen": int,
    "contacttermijn_werkdagen": int,
    "atw_verlenging_incassostop": bool,
    "te_laat_werkdagen": int,
    "te_laat": str,
    "bewaartermijn_dagen": int,
    "kalender": str,
}
_VERPLICHT = frozenset(_VELDEN) - {
    "omschrijving",
    "incassostop_max_dagen",
    "te_laat_werkdagen",
    "te_laat",
    "bewaartermijn_dagen",
}
#: The profile's tables in the protocol's vocabulary: kept here as JSON, read (and checked) by
#: warm_referral.afspraken, which knows the messages.
BIJLAGEN = ("grondslagen", "terugmelding")


def laad_afsprakenprofielen(
    pad: str | PathLike[str] | Traversable,
    *,
    kalenders: Mapping[str, Werkdagkalender] | None = None,
) -> Afsprakenprofielen:
    """Read a profile file (same format as ``data/afsprakenprofielen.json``).

    A profile names its calendar; ``kalenders`` maps those names to calendars (default: ``"atw"``,
    the shared Atw calendar). Pass your own to use, say, the Atw calendar plus a municipality's
    closing days. Every problem raises :class:`ProfileDataError` naming the file and profile.
    """
    naam = str(pad)
    try:
        if isinstance(pad, (str, PathLike)):
            with open(pad, encoding="utf-8") as fh:
                tekst = fh.read()
        else:
            tekst = pad.read_text(encoding="utf-8")
        data = json.loads(tekst)
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileDataError(naam, f"cannot read the file: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ProfileDataError(f"{naam}:{exc.lineno}", f"not valid JSON: {exc.msg}") from exc
    return _profielen_uit_json(data, naam, kalenders)


def _profielen_uit_json(
    data: Any, naam: str, kalenders: Mapping[str, Werkdagkalender] | None
) -> Afsprakenprofielen:
    if not isinstance(data, dict):
        raise ProfileDataError(naam, "the top level must be a JSON object")
    onbekend = set(data) - {"formaat", "standaardprofiel", "profielen"}
    if onbekend:
        raise ProfileDataError(naam, f"unknown top-level keys: {', '.join(sorted(onbekend))}")
    if data.get("formaat") != _PROFIELEN_FORMAAT:
        raise ProfileDataError(
            naam, f"'formaat' is {data.get('formaat')!r}; expected {_PROFIELEN_FORMAAT!r}"
        )
    lijst = data.get("profielen")
    if not isinstance(lijst, list) or not lijst:
        raise ProfileDataError(naam, "'profielen' must be a non-empty list")
    profielen: dict[tuple[str, str], Afsprakenprofiel] = {}
    for index, item in enumerate(lijst):
        bron = f"{naam}: profielen[{index}]"
        profiel = _profiel_uit_json(item, bron, kalenders)
        if (profiel.naam, profiel.versie) in profielen:
            raise ProfileDataError(
                bron, f"profile {profiel.naam!r} version {profiel.versie!r} is listed twice"
            )
        profielen[(profiel.naam, profiel.versie)] = profiel
    namen = sorted({n for n, _ in profielen})
    standaard = data.get("standaardprofiel")
    if not isinstance(standaard, str) or standaard not in namen:
        raise ProfileDataError(
            naam, f"'standaardprofiel' is {standaard!r}; it must name one of {namen}"
        )
    return Afsprakenprofielen(profielen.values(), standaard)


def _profiel_uit_json(
    item: Any, bron: str, kalenders: Mapping[str, Werkdagkalender] | None
) -> Afsprakenprofiel:
    if not isinstance(item, dict):
        raise ProfileDataError(bron, "a profile must be a JSON object")
    if isinstance(item.get("naam"), str):
        bron = f"{bron} ({item['naam']})"
    onbekend = set(item) - set(_VELDEN) - set(BIJLAGEN)
    if onbekend:
        raise ProfileDataError(bron, f"unknown keys: {', '.join(sorted(onbekend))}")
    ontbreekt = _VERPLICHT - set(item)
    if ontbreekt:
        raise ProfileDataError(bron, f"missing keys: {', '.join(sorted(ontbreekt))}")
    for sleutel, soort in _VELDEN.items():
        if sleutel not in item:
            continue
        waarde = item[sleutel]
        # bool is an int in Python; a JSON true is not a number of days.
        if not isinstance(waarde, soort) or (soort is int and isinstance(waarde, bool)):
            raise ProfileDataError(
                bron, f"{sleutel!r} must be a {soort.__name__}, got {json.dumps(waarde)}"
            )
    if not _NAAM_PATROON.match(item["naam"]):
        raise ProfileDataError(
            bron, f"naam {item['naam']!r} must be lower case letters, digits, '.', '_' or '-'"
        )
    for sleutel in (
        "incassostop_dagen",
        "contacttermijn_werkdagen",
        "incassostop_max_dagen",
        "te_laat_werkdagen",
        "bewaartermijn_dagen",
    ):
        if sleutel in item and item[sleutel] < 1:
            raise ProfileDataError(bron, f"{sleutel!r} must be at least 1, got {item[sleutel]}")
    maximum = item.get("incassostop_max_dagen")
    if maximum is not None and maximum < item["incassostop_dagen"]:
        raise ProfileDataError(
            bron,
            f"'incassostop_max_dagen' ({maximum}) is less than 'incassostop_dagen' "
            f"({item['incassostop_dagen']})",
        )
    try:
        te_laat = TeLaatBeleid(item.get("te_laat", TeLaatBeleid.WEIGEREN.value))
    except ValueError:
        raise ProfileDataError(
            bron,
            f"'te_laat' is {item['te_laat']!r}; it must be one of "
            f"{[b.value for b in TeLaatBeleid]}",
        ) from None
    beschikbaar: Mapping[str, Werkdagkalender] = (
        kalenders if kalenders is not None else {"atw": standaard_kalender()}
    )
    if item["kalender"] not in beschikbaar:
        raise ProfileDataError(
            bron,
            f"kalender {item['kalender']!r} is not one of {sorted(beschikbaar)}; pass it in "
            "laad_afsprakenprofielen(..., kalenders=...)",
        )
    return Afsprakenprofiel(
        naam=item["naam"],
        versie=item["versie"],
        incassostop_dagen=item["incassostop_dagen"],
        contacttermijn_werkdagen=item["contacttermijn_werkdagen"],
        atw_verlenging_incassostop=item["atw_verlenging_incassostop"],
        kalender=beschikbaar[item["kalender"]],
        omschrijving=item.get("omschrijving", ""),
        incassostop_max_dagen=maximum,
        te_laat_werkdagen=item.get("te_laat_werkdagen"),
        te_laat=te_laat,
        bewaartermijn_dagen=item.get("bewaartermijn_dagen"),
        bijlagen=tuple(
            (sectie, json.dumps(item[sectie], ensure_ascii=False, sort_keys=True))
            for sectie in BIJLAGEN
            if sectie in item
        ),
    )


_gedeeld: Afsprakenprofielen | None = None


def afsprakenprofielen() -> Afsprakenprofielen:
    """The profiles shipped with this release."""
    global _gedeeld
    if _gedeeld is None:
        from importlib.resources import files  # slow import, only when needed

        _gedeeld = laad_afsprakenprofielen(files("warm_referral") / "data" / PROFIELEN_BESTAND)
    return _gedeeld


def standaard_afsprakenprofiel() -> Afsprakenprofiel:
    """The default profile: the NVVK pilot's agreements."""
    return afsprakenprofielen().standaard


def _profiel(profiel: Afsprakenprofiel | str | None) -> Afsprakenprofiel:
    if profiel is None:
        return afsprakenprofielen().standaard
    if isinstance(profiel, str):
        return afsprakenprofielen()[profiel]
    if not isinstance(profiel, Afsprakenprofiel):
        raise DeadlineInputError(
            f"profiel must be an Afsprakenprofiel or a profile name, got {type(profiel).__name__}"
        )
    return profiel


# --- time zone ------------------------------------------------------------------------------------


def _lokale_datum(moment: datetime) -> date:
    """The Amsterdam date of a timestamp the caller passed, with this module's error for a value
    that is not an aware datetime."""
    if not isinstance(moment, datetime):
        raise DeadlineInputError(
            f"expected an aware datetime, got {type(moment).__name__} {moment!r}"
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DeadlineInputError(
            f"the timestamp {moment.isoformat()} has no UTC offset; pass an aware datetime "
            "(e.g. with tzinfo=ZoneInfo('Europe/Amsterdam') or timezone.utc)"
        )
    return amsterdamse_datum(moment)


def _als_datum(waarde: date, wat: str) -> date:
    if isinstance(waarde, datetime):
        return _lokale_datum(waarde)
    if not isinstance(waarde, date):
        raise DeadlineInputError(f"{wat} must be a date, got {type(waarde).__name__} {waarde!r}")
    return waarde


def _einde_van(dag: date) -> datetime:
    # 23:59:59 is never in a DST gap or fold in Europe/Amsterdam (switches happen at 02:00/03:00).
    return datetime.combine(dag, EINDE_DAG, tzinfo=AMSTERDAM)


# --- explanations ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dagstap:
    """One day of a term as the count went through it."""

    datum: date
    #: Why the day is not a werkdag; empty for a werkdag.
    redenen: tuple[Reden, ...]
    #: For a werkdag of the term: which one (1, 2, ...).
    werkdagnummer: int | None = None

    @property
    def is_werkdag(self) -> bool:
        return not self.redenen


@dataclass(frozen=True, slots=True)
class IncassostopUitleg:
    """The incassostop period and how it was computed."""

    profiel: Afsprakenprofiel
    verwijsdatum: date
    ingangsdatum: date
    #: verwijsdatum + incassostop_dagen, before any Atw extension.
    kalender_einddatum: date
    einddatum: date
    #: The first day collection may resume: the day after the einddatum.
    hervatten_vanaf: date
    #: Why kalender_einddatum is not a werkdag (empty if it is one), whether or not it moved.
    einddatum_redenen: tuple[Reden, ...]
    #: The non-werkdagen the Atw extension skipped (empty without the extension).
    overgeslagen: tuple[Dagstap, ...]


@dataclass(frozen=True, slots=True)
class ContactDeadlineUitleg:
    """The contact deadline and the day-by-day count that gives it."""

    profiel: Afsprakenprofiel
    ontvangen_op: datetime
    ontvangen_lokaal: datetime
    #: The local receipt date: not counted.
    ontvangstdatum: date
    #: Every day after the receipt date up to and including the deadline's date.
    dagen: tuple[Dagstap, ...]
    deadline: datetime


def _dagstappen(kalender: Werkdagkalender, na: date, tot: date) -> tuple[Dagstap, ...]:
    stappen: list[Dagstap] = []
    nummer = 0
    dag = na + timedelta(days=1)
    while dag <= tot:
        redenen = kalender.redenen(dag)
        if redenen:
            stappen.append(Dagstap(dag, redenen))
        else:
            nummer += 1
            stappen.append(Dagstap(dag, (), nummer))
        dag += timedelta(days=1)
    return tuple(stappen)


# --- the warm referral's own terms ----------------------------------------------------------------


def incassostop_uitleg(
    verwijsdatum: date, profiel: Afsprakenprofiel | str | None = None
) -> IncassostopUitleg:
    """:func:`incassostop` with the reasoning, for people who ask "why this date?"."""
    p = _profiel(profiel)
    begin = _als_datum(verwijsdatum, "verwijsdatum")
    p.kalender.is_werkdag(begin)  # refuses dates outside the calendar, as with the flag on
    kalender_einde = begin + timedelta(days=p.incassostop_dagen)
    einde_redenen = p.kalender.redenen(kalender_einde)
    einde = kalender_einde
    overgeslagen: tuple[Dagstap, ...] = ()
    if p.atw_verlenging_incassostop and einde_redenen:
        einde = p.kalender.werkdag_vanaf(kalender_einde)
        overgeslagen = _dagstappen(p.kalender, kalender_einde - timedelta(days=1), einde)[:-1]
    return IncassostopUitleg(
        profiel=p,
        verwijsdatum=begin,
        ingangsdatum=begin,
        kalender_einddatum=kalender_einde,
        einddatum=einde,
        hervatten_vanaf=einde + timedelta(days=1),
        einddatum_redenen=einde_redenen,
        overgeslagen=overgeslagen,
    )


def incassostop(
    verwijsdatum: date, profiel: Afsprakenprofiel | str | None = None
) -> tuple[date, date]:
    """(ingangsdatum, einddatum) of the incassostop a referral starts.

    The ingangsdatum is the verwijsdatum; the einddatum is the verwijsdatum plus the profile's
    number of calendar days (the start day not counted), moved to the next werkdag only when the
    profile applies Atw art. 1. Collection may resume the day after the einddatum. An aware
    datetime counts as its Europe/Amsterdam date.
    """
    p = _profiel(profiel)
    begin = _als_datum(verwijsdatum, "verwijsdatum")
    p.kalender.is_werkdag(begin)  # refuses dates outside the calendar, as with the flag on
    einde = begin + timedelta(days=p.incassostop_dagen)
    if p.atw_verlenging_incassostop:
        einde = p.kalender.werkdag_vanaf(einde)
    return begin, einde


def contact_deadline_uitleg(
    ontvangen_op: datetime, profiel: Afsprakenprofiel | str | None = None
) -> ContactDeadlineUitleg:
    """:func:`contact_deadline` with the day-by-day count."""
    p = _profiel(profiel)
    ontvangstdatum = _lokale_datum(ontvangen_op)
    deadline = contact_deadline(ontvangen_op, p)
    return ContactDeadlineUitleg(
        profiel=p,
        ontvangen_op=ontvangen_op,
        ontvangen_lokaal=ontvangen_op.astimezone(AMSTERDAM),
        ontvangstdatum=ontvangstdatum,
        dagen=_dagstappen(p.kalender, ontvangstdatum, deadline.date()),
        deadline=deadline,
    )


def contact_deadline(
    ontvangen_op: datetime, profiel: Afsprakenprofiel | str | None = None
) -> datetime:
    """The moment the municipality must have contacted the hulpvrager.

    The receipt day is the Europe/Amsterdam date of ``ontvangen_op`` (aware; naive is an error) and
    is not counted; the deadline is 23:59:59 local time on the profile's n-th werkdag after it
    (3 in the NVVK pilot), returned aware in Europe/Amsterdam, so across a DST change the offset of
    the deadline may differ from the receipt's.
    """
    p = _profiel(profiel)
    dag = p.kalender.werkdag_na(_lokale_datum(ontvangen_op), p.contacttermijn_werkdagen)
    return _einde_van(dag)


@dataclass(frozen=True, slots=True)
class Termijnafwijking:
    """A referral's dates break the profile: ``code`` is the stable violation code, ``pad`` the
    wire path of the member at fault, ``melding`` says what was expected."""

    code: str
    pad: str
    melding: str


def toets_incassostop(
    ingangsdatum: date,
    einddatum: date,
    verwijsdatum: date,
    profiel: Afsprakenprofiel | str | None = None,
) -> Termijnafwijking | None:
    """Does a referral's incassostop keep the profile? None when it does.

    It must start on the verwijsdatum and end no earlier than :func:`incassostop` computes (the
    profile's term is a minimum, ``incassostop_te_kort``), and no later than the profile's maximum
    when it sets one (``incassostop_te_lang``). The message names the expected end date.
    """
    p = _profiel(profiel)
    begin, minimum = incassostop(verwijsdatum, p)
    if ingangsdatum != begin:
        return Termijnafwijking(
            "incassostop_ingangsdatum",
            "incassostop/ingangsdatum",
            f"the incassostop starts on the verwijsdatum {begin.isoformat()}",
        )
    if einddatum < minimum:
        return Termijnafwijking(
            "incassostop_te_kort",
            "incassostop/einddatum",
            f"the incassostop lasts at least {p.incassostop_dagen} days under afsprakenprofiel "
            f"{p.naam} {p.versie}: it ends on {minimum.isoformat()} or later, not on "
            f"{einddatum.isoformat()}",
        )
    if p.incassostop_max_dagen is not None:
        maximum = begin + timedelta(days=p.incassostop_max_dagen)
        if einddatum > maximum:
            return Termijnafwijking(
                "incassostop_te_lang",
                "incassostop/einddatum",
                f"the incassostop lasts at most {p.incassostop_max_dagen} days under "
                f"afsprakenprofiel {p.naam} {p.versie}: it ends on {maximum.isoformat()} at the "
                f"latest, not on {einddatum.isoformat()}",
            )
    return None


def toets_tijdigheid(
    verwijsdatum: date,
    incassostop_einde: date,
    ontvangen_op: datetime,
    profiel: Afsprakenprofiel | str | None = None,
) -> Termijnafwijking | None:
    """Did a referral arrive in time? None when it did; else why it is late
    (``verwijzing_te_laat``).

    Late is a referral whose incassostop had already ended on the day of receipt (Europe/Amsterdam),
    or, when the profile sets ``te_laat_werkdagen``, one received after that many werkdagen after
    its verwijsdatum. What follows is the profile's ``te_laat`` (refuse, or mark on both sides).
    """
    p = _profiel(profiel)
    ontvangstdatum = _lokale_datum(ontvangen_op)
    begin = _als_datum(verwijsdatum, "verwijsdatum")
    if ontvangstdatum > incassostop_einde:
        return Termijnafwijking(
            "verwijzing_te_laat",
            "verwezenOp",
            f"received on {ontvangstdatum.isoformat()}, after its incassostop ended on "
            f"{incassostop_einde.isoformat()}",
        )
    if p.te_laat_werkdagen is not None:
        uiterlijk = p.kalender.werkdag_na(begin, p.te_laat_werkdagen)
        if ontvangstdatum > uiterlijk:
            return Termijnafwijking(
                "verwijzing_te_laat",
                "verwezenOp",
                f"received on {ontvangstdatum.isoformat()}: a referral of "
                f"{begin.isoformat()} arrives within {p.te_laat_werkdagen} werkdagen (by "
                f"{uiterlijk.isoformat()}) under afsprakenprofiel {p.naam} {p.versie}",
            )
    return None


def bewaren_tot(
    afgerond_op: date, profiel: Afsprakenprofiel | str | None = None, *, dagen: int | None = None
) -> date | None:
    """The last day a closed referral's personal data are kept: ``afgerond_op`` plus the
    retention term (``dagen``, else the profile's ``bewaartermijn_dagen``). None: no term set."""
    p = _profiel(profiel)
    termijn = dagen if dagen is not None else p.bewaartermijn_dagen
    if termijn is None:
        return None
    return _als_datum(afgerond_op, "afgerond_op") + timedelta(days=termijn)


# --- related terms: Wgs art. 4 and the Schuldenknooppunt ------------------------------------------


def wgs_eerste_gesprek_uiterlijk(
    aanvraag: date,
    *,
    dreigende_situatie: bool = False,
    kalender: Werkdagkalender | None = None,
) -> date:
    """The last day for the first conversation after a request for debt help (Wgs art. 4).

    Normally 4 weeks after the request, a statutory term to which Atw art. 1 and 2 apply; in a
    threatening situation (eviction, cut-off of gas, electricity, heat or water, termination of the
    health insurance) the 3rd werkdag after it. The request day is not counted.
    """
    k = kalender or standaard_kalender()
    dag = _als_datum(aanvraag, "aanvraag")
    if dreigende_situatie:
        return k.werkdag_na(dag, WGS_DREIGEND_WERKDAGEN)
    return k.atw_einddatum(dag, dag + timedelta(weeks=WGS_EERSTE_GESPREK_WEKEN))


def knooppunt_ophalen_uiterlijk(
    geplaatst_op: date, *, kalender: Werkdagkalender | None = None
) -> date:
    """The last day to fetch and confirm a Schuldenknooppunt message placed on ``geplaatst_op``:
    the 5th werkdag after it. The router deletes messages still unconfirmed after that day."""
    k = kalender or standaard_kalender()
    return k.werkdag_na(_als_datum(geplaatst_op, "geplaatst_op"), KNOOPPUNT_OPHAAL_WERKDAGEN)


def knooppunt_antwoord_uiterlijk(
    ontvangen_op: date, *, kalender: Werkdagkalender | None = None
) -> date:
    """The last day to answer a Schuldenknooppunt message received on ``ontvangen_op``: the 10th
    werkdag after it."""
    k = kalender or standaard_kalender()
    return k.werkdag_na(_als_datum(ontvangen_op, "ontvangen_op"), KNOOPPUNT_ANTWOORD_WERKDAGEN)
