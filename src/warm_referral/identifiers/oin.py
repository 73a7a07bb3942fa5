"""OIN (Organisatie-identificatienummer, Logius): 20 digits, form only.

The first 8 digits name the register the rest comes from (00000001 RSIN, 00000003 KvK, ...);
Digikoppeling carries it in the certificate subject serialNumber. An organisation in the Handelsregister
without an OIN of its own has the one the OIN-stelsel derives from its KvK number (prefix 00000003,
the 8 digits, suffix 0000): :func:`from_kvk`.

>>> validate("00000001001234567000")
'00000001001234567000'
>>> format("00000001001234567000")
'00000001001234567000'
>>> from_kvk("3401 2345")
'00000003340123450000'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError

from . import kvk as _kvk
from ._digits import compact_digits, validate_digits

__all__ = ["LENGTH", "compact", "format", "from_kvk", "is_valid", "validate"]

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


def from_kvk(kvk_nummer: str) -> str:
    """The OIN of an organisation known by its KvK number: 00000003, the 8 digits, 0000.

    The OIN-stelsel (Logius, "Samenstelling OIN") builds it so; PKIoverheid certificates of
    private organisations carry it in the subject serialNumber. Raises like :func:`kvk.validate`.
    """
    return f"00000003{_kvk.validate(kvk_nummer)}0000"
