"""Typed errors of the address look-up, each saying whose fault it is.

A creditor must know before it sends anything whether the customer's address is wrong (fix the
customer data: ``fault == "local"``), whether a source misbehaved (retry later or use another
source: ``fault == "remote"``), or whether the data cannot answer the question at all (an old
table, a municipality that was split). Callers catch the class they can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..errors import LocalProtocolError, WarmReferralError

__all__ = [
    "AdresError",
    "AmbiguousAddress",
    "DivisionOutOfRange",
    "IndexFileError",
    "InvalidAddress",
    "InvalidSourceData",
    "SourceError",
    "SplitMunicipality",
    "UnknownAddress",
    "UnknownHouseNumber",
    "UnknownPostcode",
]


class AdresError(WarmReferralError):
    """Base class: finding a municipality for an address did not give one answer."""

    fault: str = "local"


class InvalidAddress(AdresError, LocalProtocolError, ValueError):
    """The address given is not a Dutch address in form (our input: fix the calling code or data).

    ``veld`` names the part (postcode, huisnummer, huisletter, huisnummertoevoeging, datum).
    """

    def __init__(self, veld: str, waarde: object, reden: str) -> None:
        self.veld = veld
        self.waarde = waarde
        self.reden = reden
        super().__init__(f"{veld} {waarde!r}: {reden}")


class UnknownAddress(AdresError, LookupError):
    """No source knows this address. The caller should check the address with the customer."""

    def __init__(self, postcode: str, huisnummer: int, melding: str, bron: str = "") -> None:
        self.postcode = postcode
        self.huisnummer = huisnummer
        self.bron = bron
        super().__init__(melding + (f" (source: {bron})" if bron else ""))

    def __str__(self) -> str:  # LookupError would not quote, but keep it plain anyway
        return str(self.args[0])


class UnknownPostcode(UnknownAddress):
    """The postcode itself is unknown: most often a typing error or a brand-new street."""

    def __init__(self, postcode: str, huisnummer: int, bron: str = "") -> None:
        super().__init__(postcode, huisnummer, f"postcode {postcode} is unknown", bron)


class UnknownHouseNumber(UnknownAddress):
    """The postcode exists but has no such house number."""

    def __init__(self, postcode: str, huisnummer: int, bron: str = "") -> None:
        super().__init__(
            postcode,
            huisnummer,
            f"postcode {postcode} has no house number {huisnummer}",
            bron,
        )


class AmbiguousAddress(AdresError, LookupError):
    """The address maps to more than one municipality; ``kandidaten`` lists the gemeentecodes.

    A PC6 plus house number that the source lists under two municipalities, or an address whose
    letter or addition decides, given without it. Add the missing part, or ask the customer.
    """

    def __init__(self, melding: str, kandidaten: Iterable[str]) -> None:
        self.kandidaten = tuple(sorted(set(kandidaten)))
        super().__init__(f"{melding}: {', '.join(self.kandidaten)}")

    def __str__(self) -> str:
        return str(self.args[0])


class SplitMunicipality(AmbiguousAddress):
    """A merger table cannot carry this code to the date: the municipality was divided."""


class DivisionOutOfRange(AdresError, LookupError):
    """The source answers in a municipal classification that cannot be carried to the date asked.

    Typically: the table is from 2025, the date is in 2022, and the municipality the address lies
    in was formed (or grew) in between. Use a table of that period.
    """

    def __init__(self, gemeentecode: str, indeling: date, datum: date, reden: str) -> None:
        self.gemeentecode = gemeentecode
        self.indeling = indeling
        self.datum = datum
        super().__init__(
            f"gemeentecode {gemeentecode} (classification of {indeling.isoformat()}) cannot be "
            f"carried to {datum.isoformat()}: {reden}"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class SourceError(AdresError):
    """An online source failed or answered something outside its documented format (its fault)."""

    fault = "remote"


class InvalidSourceData(AdresError, ValueError):
    """A data file (CBS table, merger table) cannot be read; ``bron`` and ``regel`` say where."""

    def __init__(self, bron: str, regel: int | None, reden: str) -> None:
        self.bron = bron
        self.regel = regel
        waar = f"{bron}, line {regel}" if regel is not None else bron
        super().__init__(f"{waar}: {reden}")


class IndexFileError(InvalidSourceData):
    """A binary index file is not one this version wrote, or it is damaged."""

    def __init__(self, bron: str, reden: str) -> None:
        super().__init__(bron, None, reden)
