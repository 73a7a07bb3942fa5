"""Vestigingsnummer (KvK establishment number): 12 digits, form only.

>>> validate("0000 1234 5678")
'000012345678'
>>> format("000012345678")
'0000 1234 5678'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError

from ._digits import compact_digits, validate_digits

__all__ = ["LENGTH", "compact", "format", "is_valid", "validate"]

LENGTH = 12


def compact(number: str) -> str:
    return compact_digits(number)


def validate(number: str) -> str:
    return validate_digits(compact(number), LENGTH)


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    number = compact(number)
    return f"{number[:4]} {number[4:8]} {number[8:]}"
