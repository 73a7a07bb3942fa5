"""The JSON wire form: ``parse_json`` for any message that arrives, ``parse_json_as`` for any other
wire object (an API body built from :class:`~warm_referral.models.WireModel`), ``Bericht.to_json``
to send."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from ..errors import InvalidPeerMessage, Violation
from ..models import Message
from ..models._base import WIRE_CONTEXT
from ..models.violations import violations_from_pydantic

__all__ = ["MAX_JSON_BYTES", "parse_json", "parse_json_as"]

#: Larger documents are refused before parsing: a Verwijzing is a few kilobytes.
MAX_JSON_BYTES = 1_000_000

T = TypeVar("T")

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Message)


def parse_json(data: bytes | bytearray | memoryview | str) -> Message:
    """Parse and validate one message of any type; the peer is blamed for anything wrong.

    Raises :class:`~warm_referral.errors.InvalidPeerMessage` listing every violation, whatever the
    input; no other exception escapes.
    """
    bericht: Message = _validate(_ADAPTER, data, tagged_union=True)
    return bericht


def parse_json_as(soort: Any, data: bytes | bytearray | memoryview | str) -> Any:
    """Parse one wire object of type ``soort`` (a WireModel, or a discriminated union of them)
    with the rules every message follows: strict types, closed objects, no ``null`` members, a
    size cap, every violation listed in an :class:`~warm_referral.errors.InvalidPeerMessage`."""
    adapter, tagged = _adapter(soort)
    return _validate(adapter, data, tagged_union=tagged)


@cache
def _adapter(soort: Any) -> tuple[TypeAdapter[Any], bool]:
    """The adapter, and whether it is a discriminated union (pydantic then puts the tag first in
    every error location, which is not part of the document)."""
    adapter: TypeAdapter[Any] = TypeAdapter(soort)
    schema: Any = adapter.core_schema
    while schema.get("type") == "definitions":
        schema = schema["schema"]
    return adapter, schema.get("type") == "tagged-union"


def _validate(
    adapter: TypeAdapter[T], data: bytes | bytearray | memoryview | str, *, tagged_union: bool
) -> T:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    elif not isinstance(data, bytes):
        data = bytes(data)
    if len(data) > MAX_JSON_BYTES:
        raise InvalidPeerMessage(
            [
                Violation(
                    "",
                    "te_groot",
                    f"the document is {len(data)} bytes; at most {MAX_JSON_BYTES} are accepted",
                )
            ]
        )
    try:
        # Only a document with a null token somewhere can hold a null member: skip that scan
        # otherwise (a false alarm, "null" inside a string, merely costs the scan).
        context = WIRE_CONTEXT if b"null" in data else None
        return adapter.validate_json(data, strict=True, context=context)
    except ValidationError as exc:
        raise InvalidPeerMessage(violations_from_pydantic(exc, tagged_union=tagged_union)) from None
    except RecursionError:
        raise InvalidPeerMessage(
            [Violation("", "te_diep_genest", "the document is nested too deeply")]
        ) from None
