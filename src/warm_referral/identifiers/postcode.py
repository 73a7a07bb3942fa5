"""Dutch postcode: four digits (no leading zero) and two capital letters, no space on the wire.

python-stdnum does the checks (including the letter pairs PostNL never issues: SA, SD, SS); this
module only fixes the wire form ``1234AB`` and the reading form ``1234 AB``.

>>> validate(" 2601 dc")
'2601DC'
>>> format("2601DC")
'2601 DC'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.nl import postcode as _postcode

__all__ = ["NOOIT_UITGEGEVEN", "PATTERN", "compact", "format", "is_valid", "validate"]

#: The wire form as a regular expression (what the JSON Schema and XSD say).
PATTERN = r"^[1-9][0-9]{3}[A-Z]{2}$"

#: Letter pairs PostNL never issues (python-stdnum's list; a test keeps the two equal). The
#: message models check only these after the pattern, which is much cheaper than validate().
NOOIT_UITGEGEVEN = frozenset(("SA", "SD", "SS"))


def compact(number: str) -> str:
    return "".join(number.split()).upper().removeprefix("NL-")


def validate(number: str) -> str:
    return str(_postcode.validate(compact(number))).replace(" ", "")


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    number = compact(number)
    return f"{number[:4]} {number[4:]}"
