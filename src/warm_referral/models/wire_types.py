"""Constrained wire types shared by the messages.

Patterns and lengths are checked by pydantic-core (fast, and exported to the JSON Schema); the
checks JSON Schema cannot express (BSN 11-test, postcode letter pairs, amounts as exact decimals)
are Python validators that raise a ``PydanticCustomError`` whose type is the stable violation code.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
)
from pydantic.json_schema import WithJsonSchema
from pydantic_core import PydanticCustomError

from .._tijd import format_tijdstip
from ..identifiers import bsn as _bsn
from ..identifiers import postcode as _postcode

__all__ = [
    "BEDRAG_PATTERN",
    "REGEL_PATTERN",
    "TEKST_PATTERN",
    "Bedrag",
    "Bsn",
    "Email",
    "Gemeentecode",
    "Huisletter",
    "Huisnummer",
    "Huisnummertoevoeging",
    "KvkNummer",
    "Naam",
    "Oin",
    "Postcode",
    "Referentie",
    "Tekst",
    "Telefoonnummer",
    "Tijdstip",
    "Uuid",
    "Vestigingsnummer",
]


def _check_bsn(value: str) -> str:
    if _bsn.checksum(value) != 0 or value == "000000000":
        raise PydanticCustomError("bsn_checksum", "BSN {bsn} fails the 11-test", {"bsn": "*****"})
    return value


def _check_postcode(value: str) -> str:
    if value[4:] in _postcode.NOOIT_UITGEGEVEN:  # the pattern already holds
        raise PydanticCustomError(
            "postcode_reeks",
            "postcode {postcode} uses a letter pair that is never issued",
            {"postcode": value},
        )
    return value


Bsn = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{9}$",
        description="Burgerservicenummer: 9 digits passing the 11-test (weights 9..2 and -1).",
    ),
    AfterValidator(_check_bsn),
]
Postcode = Annotated[
    str,
    Field(
        pattern=_postcode.PATTERN,
        description="Dutch postcode without a space, capital letters; the letter pairs SA, SD and "
        "SS are never issued.",
        examples=["2601DC"],
    ),
    AfterValidator(_check_postcode),
]
Oin = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{20}$", description="Organisatie-identificatienummer (Logius): 20 digits."
    ),
]
KvkNummer = Annotated[str, Field(pattern=r"^[0-9]{8}$", description="KvK number: 8 digits.")]
Vestigingsnummer = Annotated[
    str, Field(pattern=r"^[0-9]{12}$", description="KvK establishment number: 12 digits.")
]
Gemeentecode = Annotated[
    str, Field(pattern=r"^[0-9]{4}$", description="CBS municipality code: 4 digits, without 'GM'.")
]
Referentie = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$",
        description="The sender's own reference: 1 to 64 characters, letters, digits and . _ : / -.",
    ),
]
Telefoonnummer = Annotated[
    str,
    Field(
        pattern=r"^(\+[1-9][0-9]{7,14}|0[1-9][0-9]{8})$",
        description="Phone number: 10 digits starting with 0 (national) or E.164 (+31...).",
        examples=["0612345678", "+31612345678"],
    ),
]
Email = Annotated[
    str,
    Field(
        max_length=254,
        pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$",
        description="E-mail address.",
        json_schema_extra={"format": "email"},
    ),
]
#: Control characters (C0, DEL, C1) never occur in text: XML 1.0 cannot carry most of them, and
#: refusing them in every encoding keeps JSON and XML accepting exactly the same documents.
_STUURTEKENS = r"\x00-\x1F\x7F-\x9F"
#: One line of text: no control characters at all.
REGEL_PATTERN = rf"^[^{_STUURTEKENS}]*$"
#: Free text: tab, line feed and carriage return allowed, other control characters not.
TEKST_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"

Naam = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=rf"^[^\s{_STUURTEKENS}]([^{_STUURTEKENS}]*[^\s{_STUURTEKENS}])?$",
        description="A name: no leading or trailing white space, no control characters.",
    ),
]
Tekst = Annotated[str, Field(min_length=1, max_length=1000, pattern=TEKST_PATTERN)]
Huisnummer = Annotated[int, Field(ge=1, le=99999)]
Huisletter = Annotated[str, Field(pattern=r"^[A-Za-z]$")]
Huisnummertoevoeging = Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,4}$")]

BEDRAG_PATTERN = r"^(0\.(0[1-9]|[1-9][0-9])|[1-9][0-9]{0,8}\.[0-9]{2})$"
_BEDRAG_RE = re.compile(BEDRAG_PATTERN)
_CENT = Decimal("0.01")


def _parse_bedrag(value: Any) -> Decimal:
    """Amounts travel as strings with exactly two decimals, never as a binary float."""
    if isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        raise PydanticCustomError(
            "bedrag_type",
            'an amount is a string with two decimals such as "123.45", not a {soort}',
            {"soort": type(value).__name__},
        )
    if not _BEDRAG_RE.fullmatch(text):
        raise PydanticCustomError(
            "bedrag_formaat",
            "amount {waarde!r} must be more than 0 and at most 999999999.99, written with "
            'exactly two decimals and a point, such as "123.45"',
            {"waarde": text},
        )
    return Decimal(text)


def _dump_bedrag(value: Decimal) -> str:
    return str(value.quantize(_CENT))


Bedrag = Annotated[
    Decimal,
    PlainValidator(_parse_bedrag),
    PlainSerializer(_dump_bedrag, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": BEDRAG_PATTERN,
            "description": "Amount as decimal text with exactly two decimals, more than 0 "
            "(never a binary number).",
            "examples": ["123.45"],
        }
    ),
]


#: A day's margin at both ends of Python's range, so that every offset and the conversion to
#: Europe/Amsterdam dates (which the rules do) stay representable.
_EERSTE = datetime(1, 1, 2, tzinfo=timezone.utc)
_LAATSTE = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=timezone.utc)


def _to_utc(value: datetime) -> datetime:
    try:
        utc = value.astimezone(timezone.utc)
    except OverflowError:
        utc = None
    if utc is None or not _EERSTE <= utc <= _LAATSTE:
        raise PydanticCustomError(
            "tijdstip_buiten_bereik",
            "a date-time must lie between 0001-01-02 and 9999-12-30 (UTC)",
        )
    return utc


_TIJDSTIP_BESCHRIJVING = (
    "RFC 3339 date-time with an offset; any offset is accepted, senders emit UTC with upper-case T "
    "and Z. Leap seconds (:60) are not accepted, nor times outside 0001-01-02..9999-12-30 UTC."
)

Tijdstip = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    PlainSerializer(format_tijdstip, return_type=str, when_used="json"),
    Field(description=_TIJDSTIP_BESCHRIJVING),
    # What is written is a date-time too (a schema of answers, e.g. an API's, says so).
    WithJsonSchema(
        {"type": "string", "format": "date-time", "description": _TIJDSTIP_BESCHRIJVING},
        mode="serialization",
    ),
]


UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID_RE = re.compile(UUID_PATTERN)


def _check_uuid_text(value: Any) -> Any:
    """pydantic also reads UUIDs without hyphens or as URNs; the wire has one form only."""
    if isinstance(value, str) and not _UUID_RE.fullmatch(value):
        raise PydanticCustomError(
            "uuid_ongeldig",
            "{waarde!r} is not a UUID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
            {"waarde": value[:50]},
        )
    return value


Uuid = Annotated[
    UUID,
    BeforeValidator(_check_uuid_text),
    WithJsonSchema({"type": "string", "format": "uuid", "pattern": UUID_PATTERN}),
]
