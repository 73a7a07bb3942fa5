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

from .._tijd import DATUM_PATTERN, TIJDSTIP_PATTERN, format_tijdstip
from ..identifiers import bsn as _bsn
from ..identifiers import postcode as _postcode

__all__ = [
    "BEDRAG_PATTERN",
    "DATUM_PATTERN",
    "POSTCODE_SCHEMA_PATTERN",
    "REGEL_PATTERN",
    "TEKST_PATTERN",
    "TIJDSTIP_PATTERN",
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
#: The postcode as the published schemas say it: the wire form without the letter pairs that are
#: never issued (SA, SD, SS), so that a schema validator refuses what the models refuse. The models
#: check the plain pattern and then the pairs, to give the pairs their own violation code.
POSTCODE_SCHEMA_PATTERN = r"^[1-9][0-9]{3}([A-RT-Z][A-Z]|S[BCE-RT-Z])$"

Postcode = Annotated[
    str,
    Field(
        pattern=_postcode.PATTERN,
        description="Dutch postcode without a space, capital letters; the letter pairs SA, SD and "
        "SS are never issued.",
        examples=["2601DC"],
        json_schema_extra={"pattern": POSTCODE_SCHEMA_PATTERN},
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
    "RFC 3339 date-time with seconds and an offset, upper-case T and Z (the pattern says so, for "
    "validators that treat format as an annotation); any offset is accepted, senders emit UTC. "
    "Leap seconds (:60) are not accepted, nor times outside 0001-01-02..9999-12-30 UTC."
)

_TIJDSTIP_RE = re.compile(TIJDSTIP_PATTERN)
_ZONDER_ZONE_RE = re.compile(
    TIJDSTIP_PATTERN.removesuffix(r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$") + "$"
)


def _lees_tijdstip(value: Any) -> Any:
    """A date-time from the wire in the one RFC 3339 form the schema's pattern gives (pydantic
    alone also reads one without seconds, with a space or a lower-case t, or with an offset
    without a colon); read here, so that strict validation sees a datetime."""
    if not isinstance(value, str):
        return value  # a datetime built in Python; anything else fails the strict check
    if not _TIJDSTIP_RE.fullmatch(value):
        if _ZONDER_ZONE_RE.fullmatch(value):
            raise PydanticCustomError(
                "tijdzone_ontbreekt", "a date-time needs an offset (Z for UTC)"
            )
        raise PydanticCustomError(
            "tijdstip_ongeldig",
            "{waarde!r} is not an RFC 3339 date-time with seconds, upper-case T and an offset, "
            "such as 2026-04-01T08:30:00Z",
            {"waarde": value[:50]},
        )
    tekst = value[:-1] + "+00:00" if value.endswith("Z") else value
    punt = tekst.find(".")
    if punt != -1:  # Python 3.10 reads 3 or 6 digits only: microseconds, the rest cut off
        zone = tekst.index("+" if "+" in tekst[punt:] else "-", punt)
        tekst = tekst[: punt + 1] + tekst[punt + 1 : zone][:6].ljust(6, "0") + tekst[zone:]
    try:
        return datetime.fromisoformat(tekst)
    except ValueError:  # 2026-02-30, year 0
        raise PydanticCustomError(
            "tijdstip_ongeldig", "{waarde!r} is not a date-time that exists", {"waarde": value[:50]}
        ) from None


Tijdstip = Annotated[
    AwareDatetime,
    BeforeValidator(_lees_tijdstip),
    AfterValidator(_to_utc),
    PlainSerializer(format_tijdstip, return_type=str, when_used="json"),
    Field(description=_TIJDSTIP_BESCHRIJVING, json_schema_extra={"pattern": TIJDSTIP_PATTERN}),
    # What is written is a date-time too (a schema of answers, e.g. an API's, says so).
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": TIJDSTIP_PATTERN,
            "description": _TIJDSTIP_BESCHRIJVING,
        },
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
