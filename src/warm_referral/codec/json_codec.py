"""The JSON wire form: ``parse_json`` for anything that arrives, ``Bericht.to_json`` to send."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import InvalidPeerMessage, Violation
from ..models import Message
from ..models._base import WIRE_CONTEXT
from .violations import violations_from_pydantic

__all__ = ["MAX_JSON_BYTES", "parse_json"]

#: Larger documents are refused before parsing: a Verwijzing is a few kilobytes.
MAX_JSON_BYTES = 1_000_000

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Message)


def parse_json(data: bytes | bytearray | memoryview | str) -> Message:
    """Parse and validate one message of any type; the peer is blamed for anything wrong.

    Raises :class:`~warm_referral.errors.InvalidPeerMessage` listing every violation, whatever the
    input; no other exception escapes.
    """
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
        bericht: Message = _ADAPTER.validate_json(data, strict=True, context=context)
    except ValidationError as exc:
        raise InvalidPeerMessage(violations_from_pydantic(exc, tagged_union=True)) from None
    except RecursionError:
        raise InvalidPeerMessage(
            [Violation("", "te_diep_genest", "the document is nested too deeply")]
        ) from None
    return bericht
