"""Dutch identifier checks, one module per identifier, each with the python-stdnum shape.

Every module offers ``compact(number) -> str`` (the canonical wire form), ``validate(number) -> str``
(compact and check, raising a typed error), ``is_valid(number) -> bool`` and ``format(number) -> str``
(the form people read). The exceptions are python-stdnum's, so code that already handles stdnum
errors handles ours:

>>> from warm_referral.identifiers import bsn, InvalidChecksum
>>> bsn.validate("1112.22.333")
'111222333'
>>> try:
...     bsn.validate("111222334")
... except InvalidChecksum as exc:
...     print(type(exc).__name__)
InvalidChecksum
"""

from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

__all__ = [
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "ValidationError",
]
