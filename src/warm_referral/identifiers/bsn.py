"""BSN (burgerservicenummer): 9 digits that pass the 11-test (weights 9..2 and -1).

Unlike python-stdnum, which pads short numbers with leading zeros, the wire form is always exactly
9 digits; ``compact`` pads what people type, ``validate`` checks the result. Only ever use synthetic
numbers in tests (:func:`warm_referral.testing.strategies.bsns` makes them).

>>> validate("111 222 333")
'111222333'
>>> format("111222333")
'1112.22.333'
>>> is_valid("123456789")
False
"""

from __future__ import annotations

from stdnum.exceptions import InvalidChecksum, InvalidFormat, ValidationError
from stdnum.nl import bsn as _bsn

from ._digits import validate_digits

__all__ = ["checksum", "compact", "format", "is_valid", "validate"]


def compact(number: str) -> str:
    return str(_bsn.compact(number))


def checksum(number: str) -> int:
    """The 11-test remainder; 0 for a valid BSN."""
    return int(_bsn.checksum(number))


def validate(number: str) -> str:
    number = validate_digits(compact(number), 9)
    if number == "000000000":
        raise InvalidFormat()
    if checksum(number) != 0:
        raise InvalidChecksum()
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    return str(_bsn.format(compact(number)))
