"""The address a look-up starts from, checked once and normalised to the wire form.

Every source answers on postcode and house number. The CBS table has no letters or additions, so
they are checked (a typing error is caught early) and passed on to the sources that know them
(PDOK). Anything with the attributes of the message model ``Adres`` can be looked up directly::

    >>> zoekadres("2601 dc", 12, "a")
    Zoekadres(postcode='2601DC', huisnummer=12, huisletter='A', huisnummertoevoeging=None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from stdnum.exceptions import ValidationError

from ..identifiers import postcode as _postcode
from .errors import InvalidAddress

__all__ = [
    "HUISNUMMER_MAX",
    "AdresLike",
    "Zoekadres",
    "postcode_sleutel",
    "postcode_uit_sleutel",
    "zoekadres",
]

#: The BAG's largest house number (and the protocol's, see ``wire_types.Huisnummer``).
HUISNUMMER_MAX = 99999
_TOEVOEGING = re.compile(r"[A-Za-z0-9]{1,4}")


class AdresLike(Protocol):
    """What a look-up needs of an address (the message model ``Adres`` has these)."""

    @property
    def postcode(self) -> str: ...
    @property
    def huisnummer(self) -> int: ...
    @property
    def huisletter(self) -> str | None: ...
    @property
    def huisnummertoevoeging(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Zoekadres:
    """A checked address: postcode ``1234AB``, house number 1..99999, letter upper case."""

    postcode: str
    huisnummer: int
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None

    def __str__(self) -> str:
        letter = self.huisletter or ""
        toevoeging = f"-{self.huisnummertoevoeging}" if self.huisnummertoevoeging else ""
        return f"{self.postcode} {self.huisnummer}{letter}{toevoeging}"


def zoekadres(
    postcode: str,
    huisnummer: int,
    huisletter: str | None = None,
    huisnummertoevoeging: str | None = None,
) -> Zoekadres:
    """Check and normalise an address; raise :class:`InvalidAddress` naming the wrong part."""
    if not isinstance(postcode, str):
        raise InvalidAddress("postcode", postcode, "a postcode is text such as '2601DC'")
    try:
        pc = _postcode.validate(postcode)
    except ValidationError:
        raise InvalidAddress(
            "postcode", postcode, "not a Dutch postcode (four digits, no leading zero, two letters)"
        ) from None
    if type(huisnummer) is not int:  # bool is an int, and is still a mistake
        raise InvalidAddress("huisnummer", huisnummer, "a house number is a whole number")
    if not 1 <= huisnummer <= HUISNUMMER_MAX:
        raise InvalidAddress("huisnummer", huisnummer, f"must lie between 1 and {HUISNUMMER_MAX}")
    if huisletter is not None:
        if not (
            isinstance(huisletter, str)
            and len(huisletter) == 1
            and huisletter.isascii()
            and huisletter.isalpha()
        ):
            raise InvalidAddress("huisletter", huisletter, "a house letter is one letter A-Z")
        huisletter = huisletter.upper()
    if huisnummertoevoeging is not None and not (
        isinstance(huisnummertoevoeging, str) and _TOEVOEGING.fullmatch(huisnummertoevoeging)
    ):
        raise InvalidAddress(
            "huisnummertoevoeging",
            huisnummertoevoeging,
            "an addition is 1 to 4 letters or digits",
        )
    return Zoekadres(pc, huisnummer, huisletter, huisnummertoevoeging)


def uit_adres(adres: AdresLike | Zoekadres) -> Zoekadres:
    """A :class:`Zoekadres` from any object with the four address attributes."""
    if isinstance(adres, Zoekadres):
        return adres
    return zoekadres(adres.postcode, adres.huisnummer, adres.huisletter, adres.huisnummertoevoeging)


_LETTERS = 26


def postcode_sleutel(postcode: str) -> int:
    """A checked postcode as a dense integer 0..6,083,999: ``(digits - 1000) * 676 + letters``.

    >>> postcode_sleutel("1000AA"), postcode_sleutel("9999ZZ")
    (0, 6083999)
    """
    cijfers = int(postcode[:4]) - 1000
    return (cijfers * _LETTERS + ord(postcode[4]) - 65) * _LETTERS + ord(postcode[5]) - 65


def postcode_uit_sleutel(sleutel: int) -> str:
    """The inverse of :func:`postcode_sleutel`.

    >>> postcode_uit_sleutel(postcode_sleutel("4381AB"))
    '4381AB'
    """
    rest, tweede = divmod(sleutel, _LETTERS)
    cijfers, eerste = divmod(rest, _LETTERS)
    return f"{cijfers + 1000}{chr(eerste + 65)}{chr(tweede + 65)}"
