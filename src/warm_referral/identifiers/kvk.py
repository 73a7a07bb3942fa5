"""KvK number (Kamer van Koophandel): 8 digits.

The KvK does not promise an 11-test for new numbers, so only the form is checked.

>>> validate("1234 5678")
'12345678'
>>> format("12345678")
'1234 5678'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError

from ._digits import compact_digits, validate_digits

__all__ = ["LENGTH", "compact", "format", "is_valid", "validate"]

LENGTH = 8


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
    return f"{number[:4]} {number[4:]}"
