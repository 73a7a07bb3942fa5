"""What can happen to a referral: the kinds of event the transition table is keyed by, and the
municipality's local actions.

Three sources feed a record: the protocol's messages (sent or received), the municipality's own
actions (which carry what DDAS monitoring needs and what must never reach the creditor), and the
clock (:class:`Tik`). :func:`soort_van` turns any of them into a :class:`Soort`, the event kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import ClassVar, TypeAlias

from ..models.berichten import (
    Bericht,
    Betaalgedragmelding,
    Doorzending,
    Foutbericht,
    Incassostopwijziging,
    Intrekking,
    NietOpgepakt,
    Ontvangstbevestiging,
    Statusbericht,
    Statusverzoek,
    Verwijzing,
)
from ..models.enums import Advies, Contactsoort, Dagdeel, Mijlpaal, NietOpgepaktReden
from .ddas import DdasEindresultaat
from .errors import InvalidEvent
from .states import Tijdfeit

__all__ = [
    "STATUS_SOORT",
    "Afsluiting",
    "ContactGestaakt",
    "Contactpoging",
    "Gebeurtenis",
    "HulpAangeboden",
    "Hulpbesluit",
    "LokaleActie",
    "NietOppakken",
    "Oppakken",
    "Soort",
    "Tijdgebeurtenis",
    "Tik",
    "soort_van",
]


class Soort(str, Enum):
    """The kind of an event: what the transition table is keyed by.

    A Statusbericht counts as one kind per milestone, and some local actions as two kinds (a contact
    attempt that reached the person or not), so that every guard stays a small check.
    """

    # Messages, creditor to municipality.
    VERWIJZING = "Verwijzing"
    STATUSVERZOEK = "Statusverzoek"
    INTREKKING = "Intrekking"
    INCASSOSTOPWIJZIGING = "Incassostopwijziging"
    BETAALGEDRAGMELDING = "Betaalgedragmelding"
    # Messages, municipality to creditor.
    ONTVANGSTBEVESTIGING = "Ontvangstbevestiging"
    NIET_OPGEPAKT = "NietOpgepakt"
    DOORZENDING = "Doorzending"
    STATUS_OPGEPAKT = "Statusbericht Opgepakt"
    STATUS_BEREIKT = "Statusbericht Bereikt"
    STATUS_HULP_AANGEBODEN = "Statusbericht Hulp aangeboden"
    STATUS_HULP_AANVAARD = "Statusbericht Hulp aanvaard"
    STATUS_HULP_AFGEWEZEN = "Statusbericht Hulp afgewezen"
    STATUS_AFGESLOTEN = "Statusbericht Afgesloten"
    # Messages, either way.
    FOUTBERICHT = "Foutbericht"
    # The municipality's local actions.
    OPPAKKEN = "oppakken"
    NIET_OPPAKKEN = "niet oppakken"
    CONTACTPOGING_BEREIKT = "contactpoging bereikt"
    CONTACTPOGING_NIET_BEREIKT = "contactpoging niet bereikt"
    CONTACT_GESTAAKT = "contact gestaakt"
    HULP_AANBIEDEN = "hulp aanbieden"
    HULP_AANVAARD = "hulp aanvaard"
    HULP_AFGEWEZEN = "hulp afgewezen"
    AFSLUITEN = "afsluiten"
    AFSLUITEN_AL_BEKEND = "afsluiten al bekend"
    # The clock.
    CONTACTDEADLINE_VERSTREKEN = "contactdeadline verstreken"
    INCASSOSTOP_AFGELOPEN = "incassostop afgelopen"


def _is_datum(waarde: object, wat: str) -> None:
    # A datetime is a date subclass: refuse it, its local day would be a guess.
    if type(waarde) is not date:
        raise InvalidEvent(f"{wat} must be a date, got {type(waarde).__name__}")


@dataclass(frozen=True, slots=True)
class Oppakken:
    """The municipality takes the referral up (DDAS ``datumOpgepakt``)."""

    gebeurtenissoort: ClassVar[Soort] = Soort.OPPAKKEN
    datum: date
    advies_incassostop: Advies | None = None

    def __post_init__(self) -> None:
        _is_datum(self.datum, "datum")


@dataclass(frozen=True, slots=True)
class NietOppakken:
    """The municipality does not take the referral up.

    ``toelichting`` is the municipality's own note (for "andere reden", the reason behind it): it
    stays in the municipality's record and never reaches the creditor.
    """

    gebeurtenissoort: ClassVar[Soort] = Soort.NIET_OPPAKKEN
    datum: date
    reden: NietOpgepaktReden
    toelichting: str | None = None

    def __post_init__(self) -> None:
        _is_datum(self.datum, "datum")


@dataclass(frozen=True, slots=True)
class Contactpoging:
    """One attempt to contact the help-seeker, as DDAS records it (kind, day part, reached)."""

    datum: date
    soort: Contactsoort
    dagdeel: Dagdeel
    bereikt: bool

    def __post_init__(self) -> None:
        _is_datum(self.datum, "datum")

    @property
    def gebeurtenissoort(self) -> Soort:
        return Soort.CONTACTPOGING_BEREIKT if self.bereikt else Soort.CONTACTPOGING_NIET_BEREIKT


@dataclass(frozen=True, slots=True)
class ContactGestaakt:
    """The municipality stops trying: the help-seeker could not be reached."""

    gebeurtenissoort: ClassVar[Soort] = Soort.CONTACT_GESTAAKT
    datum: date

    def __post_init__(self) -> None:
        _is_datum(self.datum, "datum")


@dataclass(frozen=True, slots=True)
class HulpAangeboden:
    """Help was offered. ``omschrijving`` (what help) stays with the municipality."""

    gebeurtenissoort: ClassVar[Soort] = Soort.HULP_AANBIEDEN
    datum: date
    omschrijving: str | None = None
    advies_incassostop: Advies | None = None

    def __post_init__(self) -> None:
        _is_datum(self.datum, "datum")


@dataclass(frozen=True, slots=True)
class Hulpbesluit:
    """The help-seeker accepted or declined the help offered."""

    datum: date
    aanvaard: bool
    advies_incassostop: Advies | None = None

    def __post_init__(self) -> None:
        _is_datum(self.datum, "datum")

    @property
    def gebeurtenissoort(self) -> Soort:
        return Soort.HULP_AANVAARD if self.aanvaard else Soort.HULP_AFGEWEZEN


@dataclass(frozen=True, slots=True)
class Afsluiting:
    """The municipality closes the referral with its DDAS final result.

    The creditor learns only the coarse result (``ddas.SCHULDEISER_EINDRESULTAAT``); ``toelichting``
    never leaves the municipality. The result "Inwoner al bekend bij schuldhulpverlening" leads to
    the state AL_BEKEND, every other one to AFGESLOTEN.
    """

    datum: date
    resultaat: DdasEindresultaat
    toelichting: str | None = None
    advies_incassostop: Advies | None = None

    def __post_init__(self) -> None:
        _is_datum(self.datum, "datum")
        if not isinstance(self.resultaat, DdasEindresultaat):
            raise InvalidEvent(f"resultaat must be a DdasEindresultaat, got {self.resultaat!r}")

    @property
    def gebeurtenissoort(self) -> Soort:
        if self.resultaat is DdasEindresultaat.AL_BEKEND:
            return Soort.AFSLUITEN_AL_BEKEND
        return Soort.AFSLUITEN


def _is_bewust(moment: object, wat: str) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise InvalidEvent(f"{wat} must be an aware datetime (with a UTC offset), got {moment!r}")


@dataclass(frozen=True, slots=True)
class Tik:
    """A clock tick: the record never reads the clock, the caller tells it the time."""

    nu: datetime

    def __post_init__(self) -> None:
        _is_bewust(self.nu, "nu")


@dataclass(frozen=True, slots=True)
class Tijdgebeurtenis:
    """A time fact that a tick made true: what the table sees of the clock."""

    tijdfeit: Tijdfeit
    nu: datetime

    @property
    def gebeurtenissoort(self) -> Soort:
        return _TIJDFEIT_SOORT[self.tijdfeit]


LokaleActie: TypeAlias = (
    Oppakken
    | NietOppakken
    | Contactpoging
    | ContactGestaakt
    | HulpAangeboden
    | Hulpbesluit
    | Afsluiting
)
"""A municipality's own action on a referral."""

Gebeurtenis: TypeAlias = Bericht | LokaleActie | Tijdgebeurtenis
"""Anything the transition table takes: a message, a local action or a time fact."""

_TIJDFEIT_SOORT = {
    Tijdfeit.CONTACTDEADLINE_VERSTREKEN: Soort.CONTACTDEADLINE_VERSTREKEN,
    Tijdfeit.INCASSOSTOP_AFGELOPEN: Soort.INCASSOSTOP_AFGELOPEN,
}

#: The kind of each Statusbericht, by milestone.
STATUS_SOORT: dict[Mijlpaal, Soort] = {
    Mijlpaal.OPGEPAKT: Soort.STATUS_OPGEPAKT,
    Mijlpaal.BEREIKT: Soort.STATUS_BEREIKT,
    Mijlpaal.HULP_AANGEBODEN: Soort.STATUS_HULP_AANGEBODEN,
    Mijlpaal.HULP_AANVAARD: Soort.STATUS_HULP_AANVAARD,
    Mijlpaal.HULP_AFGEWEZEN: Soort.STATUS_HULP_AFGEWEZEN,
    Mijlpaal.AFGESLOTEN: Soort.STATUS_AFGESLOTEN,
}

_BERICHT_SOORT: dict[type[Bericht], Soort] = {
    Verwijzing: Soort.VERWIJZING,
    Ontvangstbevestiging: Soort.ONTVANGSTBEVESTIGING,
    NietOpgepakt: Soort.NIET_OPGEPAKT,
    Doorzending: Soort.DOORZENDING,
    Statusverzoek: Soort.STATUSVERZOEK,
    Intrekking: Soort.INTREKKING,
    Incassostopwijziging: Soort.INCASSOSTOPWIJZIGING,
    Betaalgedragmelding: Soort.BETAALGEDRAGMELDING,
    Foutbericht: Soort.FOUTBERICHT,
}


def soort_van(gebeurtenis: Gebeurtenis) -> Soort:
    """The event kind of a message, local action or time fact."""
    if isinstance(gebeurtenis, Bericht):
        if isinstance(gebeurtenis, Statusbericht):
            return STATUS_SOORT[gebeurtenis.mijlpaal]
        soort = _BERICHT_SOORT.get(type(gebeurtenis))
        if soort is None:
            raise InvalidEvent(f"unknown message class {type(gebeurtenis).__name__}")
        return soort
    return gebeurtenis.gebeurtenissoort
