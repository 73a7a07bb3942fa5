"""The JSON wire form: ``parse_json`` for any message that arrives, ``parse_json_as`` for any other
wire object (an API body built from :class:`~warm_referral.models.WireModel`), ``Bericht.to_json``
to send.

Every document is I-JSON (RFC 7493): an object that names a member twice is refused (violation
``dubbele_naam``) instead of one of the values silently winning, since two readers that pick
different values would each see another message.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from ..errors import InvalidPeerMessage, Violation
from ..models import Message
from ..models._base import WIRE_CONTEXT
from ..models.violations import violations_from_pydantic

__all__ = ["DUBBELE_NAAM", "MAX_JSON_BYTES", "dubbele_namen", "parse_json", "parse_json_as"]

#: Larger documents are refused before parsing: a Verwijzing is a few kilobytes.
MAX_JSON_BYTES = 1_000_000

T = TypeVar("T")

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Message)

#: The violation code of a member name that occurs twice in one object (I-JSON, RFC 7493 2.3).
DUBBELE_NAAM = "dubbele_naam"


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
        resultaat = adapter.validate_json(data, strict=True, context=context)
    except ValidationError as exc:
        fouten = violations_from_pydantic(exc, tagged_union=tagged_union)
        raise InvalidPeerMessage([*fouten, *dubbele_namen(data)]) from None
    except RecursionError:
        raise InvalidPeerMessage(
            [Violation("", "te_diep_genest", "the document is nested too deeply")]
        ) from None
    if _heeft_dubbele_naam(data):
        raise InvalidPeerMessage(dubbele_namen(data))
    return resultaat


class _DubbeleNaam(Exception):
    """Raised by the fast check at the first repeated name (the full check says where)."""


def _uniek(paren: list[tuple[str, Any]]) -> dict[str, Any]:
    object_ = dict(paren)
    if len(object_) != len(paren):
        raise _DubbeleNaam
    return object_


#: Built once: ``json.loads(..., object_pairs_hook=...)`` would build a decoder per call.
_UNIEK = json.JSONDecoder(object_pairs_hook=_uniek)


def _heeft_dubbele_naam(data: bytes) -> bool:
    """Whether any object in the (valid) document names a member twice. The C scanner of
    :mod:`json` decodes the names (so ``"a"`` and ``"\\u0061"`` are the same name) and hands
    each object's pairs to a one-line hook: about as costly as ``json.loads`` itself
    (bench/bench_parse.py)."""
    try:
        _UNIEK.decode(data.decode("utf-8"))
    except _DubbeleNaam:
        return True
    except (ValueError, RecursionError):
        return False  # not JSON that json reads; the validation has said what is wrong
    return False


class _Object(dict[str, Any]):
    """An object of the document, with the names it repeats."""

    dubbel: dict[str, int]


def _met_dubbele(paren: list[tuple[str, Any]]) -> _Object:
    object_ = _Object(paren)
    object_.dubbel = {}
    if len(object_) != len(paren):
        for naam, _ in paren:
            object_.dubbel[naam] = object_.dubbel.get(naam, 0) + 1
        object_.dubbel = {n: k for n, k in object_.dubbel.items() if k > 1}
    return object_


_MET_DUBBELE = json.JSONDecoder(object_pairs_hook=_met_dubbele)


def dubbele_namen(data: bytes | str) -> list[Violation]:
    """One ``dubbele_naam`` violation for every member name that occurs more than once in its
    object, with the pointer to it; empty for a document without (or for one that is not JSON).

    >>> [str(v) for v in dubbele_namen(b'{"a": {"b": 1, "b": 2}}')]
    ['/a/b: the name occurs 2 times in this object; I-JSON (RFC 7493) refuses that [dubbele_naam]']
    """
    try:
        tekst = data if isinstance(data, str) else data.decode("utf-8")
        document = _MET_DUBBELE.decode(tekst)
    except (ValueError, RecursionError):
        return []
    fouten: list[Violation] = []
    stapel: list[tuple[str, Any]] = [("", document)]
    while stapel:
        pad, waarde = stapel.pop()
        if isinstance(waarde, _Object):
            fouten.extend(
                Violation(
                    f"{pad}/{_escape(naam)}",
                    DUBBELE_NAAM,
                    f"the name occurs {keer} times in this object; I-JSON (RFC 7493) refuses that",
                )
                for naam, keer in waarde.dubbel.items()
            )
            stapel.extend((f"{pad}/{_escape(k)}", v) for k, v in waarde.items())
        elif isinstance(waarde, list):
            stapel.extend((f"{pad}/{i}", v) for i, v in enumerate(waarde))
    return sorted(fouten, key=lambda v: v.pointer)


def _escape(naam: str) -> str:
    return naam.replace("~", "~0").replace("/", "~1")
