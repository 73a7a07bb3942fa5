"""The check shared by identifiers that are a fixed number of digits and nothing more."""

from __future__ import annotations

from stdnum.exceptions import InvalidFormat, InvalidLength
from stdnum.util import clean


def compact_digits(number: str, strip: str = " -.") -> str:
    """Remove the separators people type; what is left is returned unchecked."""
    return clean(number, strip).strip()


def validate_digits(number: str, length: int) -> str:
    """Return ``number`` if it is exactly ``length`` ASCII digits, else raise the specific error."""
    if not (number.isascii() and number.isdigit()):
        raise InvalidFormat()
    if len(number) != length:
        raise InvalidLength()
    return number
