"""OIN (Organisatie-identificatienummer, Logius): 20 digits, form only.

The first 8 digits name the register the rest comes from (00000001 RSIN, 00000003 KvK, ...);
Digikoppeling carries it in the certificate subject serialNumber.

>>> validate("00000001001234567000")
'00000001001234567000'
>>> format("00000001001234567000")
'00000001001234567000'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError

from ._digits import compact_digits, validate_digits

__all__ = ["LENGTH", "compact", "format", "is_valid", "validate"]

LENGTH = 20


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
    return number
