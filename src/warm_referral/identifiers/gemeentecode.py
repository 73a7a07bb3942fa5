"""Gemeentecode: the 4-digit CBS municipality code. Only the form is checked: the list of
municipalities changes every year through mergers, so membership is the receiver's business.

CBS tables often write the code as ``GM0344``; ``compact`` accepts that.

>>> validate("GM0344")
'0344'
>>> format("0344")
'GM0344'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError

from ._digits import compact_digits, validate_digits

__all__ = ["LENGTH", "compact", "format", "is_valid", "validate"]

LENGTH = 4


def compact(number: str) -> str:
    number = compact_digits(number)
    return number[2:] if number[:2].upper() == "GM" else number


def validate(number: str) -> str:
    return validate_digits(compact(number), LENGTH)


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    return "GM" + compact(number)
