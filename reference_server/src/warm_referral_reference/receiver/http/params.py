"""Reading a request's input: its body (media type, size cap) and its path and query parameters,
each refused with a specific error and the violation that says where. A query parameter the
operation does not know, or one given twice, is refused (400) rather than ignored: a filter the
caller believes applied must be."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TypeVar
from uuid import UUID

from starlette.requests import Request

from warm_referral.errors import Violation

from ..errors import InvalidRequest, PayloadTooLarge, UnsupportedMediaType

__all__ = [
    "JSON_TYPES",
    "XML_TYPES",
    "alleen_bekende_parameters",
    "body",
    "conversatie_id",
    "gemeentecode",
    "query_datum",
    "query_int",
    "query_keuze",
]

E = TypeVar("E", bound=Enum)

JSON_TYPES = ("application/json",)
XML_TYPES = ("application/xml", "text/xml")


async def body(request: Request, toegestaan: tuple[str, ...], maximum: int) -> tuple[bytes, str]:
    """The body and its media type; refused before reading when the type or the size is wrong,
    and while reading as soon as it grows past ``maximum``."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in toegestaan:
        raise UnsupportedMediaType(
            f"Content-Type must be one of {', '.join(toegestaan)}; got {media_type or 'none'}"
        )
    lengte = request.headers.get("content-length")
    if lengte is not None and lengte.isascii() and lengte.isdigit() and int(lengte) > maximum:
        raise PayloadTooLarge(f"at most {maximum} bytes")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > maximum:
            raise PayloadTooLarge(f"at most {maximum} bytes")
    return bytes(data), media_type


def conversatie_id(request: Request) -> UUID:
    waarde = request.path_params["conversatieId"]
    try:
        uuid = UUID(waarde)
        if str(uuid) != waarde.lower():  # UUID() also takes braces, urn:uuid:, no hyphens
            raise ValueError(waarde)
        return uuid
    except ValueError:
        raise InvalidRequest(
            "conversatieId is not a UUID",
            [Violation("/conversatieId", "uuid_ongeldig", "not a UUID")],
        ) from None


def alleen_bekende_parameters(request: Request, *bekend: str) -> None:
    """Refuse every query parameter the operation does not know, and every one given twice,
    all of them listed."""
    namen = [naam for naam, _ in request.query_params.multi_items()]
    fouten = [
        Violation(
            _pointer(naam),
            "onbekende_parameter",
            f"not a parameter of this operation{_lijst(bekend)}",
        )
        for naam in dict.fromkeys(namen)
        if naam not in bekend
    ]
    fouten += [
        Violation(_pointer(naam), "herhaalde_parameter", "given more than once")
        for naam in dict.fromkeys(namen)
        if naam in bekend and namen.count(naam) > 1
    ]
    if fouten:
        raise InvalidRequest(
            f"{len(fouten)} query parameter(s) refused; nothing was filtered or done", fouten
        )


def _lijst(bekend: tuple[str, ...]) -> str:
    return f" (it knows {', '.join(bekend)})" if bekend else " (it has none)"


def _pointer(naam: str) -> str:
    naam = naam if len(naam) <= 100 else naam[:100] + "..."
    return "/" + naam.replace("~", "~0").replace("/", "~1")


def query_int(request: Request, naam: str, standaard: int, laag: int, hoog: int) -> int:
    waarde = request.query_params.get(naam)
    if waarde is None:
        return standaard
    # isascii: '²'.isdigit() is true, and int() refuses it. The length first: int() refuses
    # more than 4300 digits (a ValueError), and a number longer than the bound is out of range.
    if (
        not (waarde.isascii() and waarde.isdigit())
        or len(waarde) > len(str(hoog))
        or not laag <= int(waarde) <= hoog
    ):
        raise InvalidRequest(
            f"{naam} must be a whole number {laag}..{hoog}",
            [Violation(f"/{naam}", "ongeldig", f"{_kort(waarde)} is not in {laag}..{hoog}")],
        )
    return int(waarde)


def gemeentecode(request: Request) -> str | None:
    code = request.query_params.get("gemeentecode")
    if code is not None and not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise InvalidRequest(
            "gemeentecode is 4 digits",
            [Violation("/gemeentecode", "patroon", f"{_kort(code)} is not 4 digits")],
        )
    return code


def _kort(waarde: str) -> str:
    """The value as the caller sent it, cut short: an error must not echo megabytes."""
    return (
        repr(waarde) if len(waarde) <= 40 else repr(waarde[:40]) + f"... ({len(waarde)} characters)"
    )


def query_keuze(request: Request, naam: str, soort: type[E], standaard: E) -> E:
    """One of an enumeration's values."""
    waarde = request.query_params.get(naam)
    if waarde is None:
        return standaard
    try:
        return soort(waarde)
    except ValueError:
        opties = ", ".join(str(o.value) for o in soort)
        raise InvalidRequest(
            f"{naam} must be one of {opties}",
            [Violation(f"/{naam}", "ongeldig", f"{waarde!r} is not one of {opties}")],
        ) from None


def query_datum(request: Request, naam: str) -> date | None:
    """A full date, YYYY-MM-DD."""
    waarde = request.query_params.get(naam)
    if waarde is None:
        return None
    try:
        if len(waarde) != 10 or not waarde.isascii():  # fromisoformat also takes 20260401
            raise ValueError(waarde)
        return date.fromisoformat(waarde)
    except ValueError:
        raise InvalidRequest(
            f"{naam} must be a date YYYY-MM-DD",
            [Violation(f"/{naam}", "datum_ongeldig", f"{waarde!r} is not a date YYYY-MM-DD")],
        ) from None
