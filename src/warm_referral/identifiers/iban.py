"""IBAN (ISO 13616, mod-97), delegated to python-stdnum, with the country-specific checks on.

>>> validate("NL91 ABNA 0417 1643 00")
'NL91ABNA0417164300'
>>> format("NL91ABNA0417164300")
'NL91 ABNA 0417 1643 00'
"""

from __future__ import annotations

from stdnum import iban as _iban
from stdnum.exceptions import ValidationError

__all__ = ["compact", "format", "is_valid", "validate"]


def compact(number: str) -> str:
    return str(_iban.compact(number))


def validate(number: str) -> str:
    return str(_iban.validate(number, check_country=True))


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    return str(_iban.format(number))
