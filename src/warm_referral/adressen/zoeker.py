"""From an address and a date to the gemeentecode valid on that date, over pluggable sources.

A source (:class:`Adresbron`) answers in the municipal classification of its own date: a CBS
index in that of 1 January of its year, PDOK in today's. The :class:`Gemeentezoeker` asks its
sources in order, carries the first answer to the date asked with the merger table, and raises
the most useful typed error when no source can answer::

    >>> from datetime import date
    >>> from warm_referral.adressen.voorbeeld import voorbeeldindex
    >>> zoeker = Gemeentezoeker([voorbeeldindex()])
    >>> zoeker.gemeentecode("4381 AB", 1, op=date(2026, 3, 2))
    '0718'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from .adres import AdresLike, Zoekadres, uit_adres, zoekadres
from .errors import (
    AdresError,
    AmbiguousAddress,
    DivisionOutOfRange,
    InvalidAddress,
    SourceError,
    UnknownAddress,
    UnknownHouseNumber,
    UnknownPostcode,
)
from .herindelingen import Herindelingen, standaard_herindelingen

__all__ = ["Adresbron", "Gemeentevondst", "Gemeentezoeker", "controleer_datum"]


class Adresbron(Protocol):
    """A source of gemeentecodes: a CBS index, an online service, a test double."""

    @property
    def naam(self) -> str: ...

    @property
    def indeling(self) -> date:
        """The date whose municipal classification the answers are in."""
        ...

    def zoek(self, adres: Zoekadres) -> str:
        """The gemeentecode of the address, or a typed :class:`AdresError`."""
        ...


@dataclass(frozen=True, slots=True)
class Gemeentevondst:
    """An answer and where it came from (for logs and for the operator's "why this one?")."""

    gemeentecode: str
    """The code on ``datum``."""
    datum: date
    adres: Zoekadres
    bron: str
    bron_gemeentecode: str
    """The code as the source gave it (differs after a merger between the two dates)."""
    bron_indeling: date


#: Which failure to report when every source failed: the one the caller can act on best.
_VOORRANG: tuple[type[AdresError], ...] = (
    AmbiguousAddress,
    DivisionOutOfRange,
    SourceError,
    UnknownHouseNumber,
    UnknownPostcode,
    UnknownAddress,
)


def controleer_datum(op: object) -> date:
    """A calendar date, not a timestamp: the caller decides which day (Europe/Amsterdam)."""
    if isinstance(op, datetime) or not isinstance(op, date):
        raise InvalidAddress(
            "datum",
            op,
            "give the calendar date (a datetime.date; for a timestamp use "
            "warm_referral._tijd.amsterdamse_datum)",
        )
    return op


class Gemeentezoeker:
    """Ask the sources in order; the first answer wins, carried to the date asked."""

    def __init__(
        self,
        bronnen: Sequence[Adresbron],
        herindelingen: Herindelingen | None = None,
    ) -> None:
        if not bronnen:
            raise ValueError("a Gemeentezoeker needs at least one source")
        self.bronnen = tuple(bronnen)
        self.herindelingen = (
            herindelingen if herindelingen is not None else standaard_herindelingen()
        )

    def gemeentecode(
        self,
        postcode: str,
        huisnummer: int,
        huisletter: str | None = None,
        huisnummertoevoeging: str | None = None,
        *,
        op: date,
    ) -> str:
        """The gemeentecode of the address on date ``op``."""
        adres = zoekadres(postcode, huisnummer, huisletter, huisnummertoevoeging)
        return self.zoek(adres, op=op).gemeentecode

    def zoek(self, adres: AdresLike | Zoekadres, *, op: date) -> Gemeentevondst:
        """The answer with its provenance; raises the most useful :class:`AdresError`."""
        datum = controleer_datum(op)
        adres = uit_adres(adres)
        fouten: list[AdresError] = []
        for bron in self.bronnen:
            try:
                code = bron.zoek(adres)
                op_datum = self.vertaal(code, bron.indeling, datum)
            except InvalidAddress:
                raise
            except AdresError as exc:
                fouten.append(exc)
                continue
            return Gemeentevondst(op_datum, datum, adres, bron.naam, code, bron.indeling)
        raise _beste(fouten)

    def vertaal(self, gemeentecode: str, indeling: date, op: date) -> str:
        """Carry a code from a source's classification to date ``op`` (for async callers too)."""
        if indeling == op or self.herindelingen.ongewijzigd_tussen(indeling, op):
            return gemeentecode
        return self.herindelingen.vertaal(gemeentecode, indeling, op)


def _beste(fouten: list[AdresError]) -> AdresError:
    for soort in _VOORRANG:
        for fout in fouten:
            if isinstance(fout, soort):
                return fout
    return fouten[0]
