"""The XML vocabulary: namespace, schema file, and each model's elements as the binder needs them.

The element names are the JSON member names, so the table is read off the models themselves
(aliases, list and object types); nothing here is written by hand per message type.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AwareDatetime, BaseModel

__all__ = [
    "COLLAPSED_TEXT",
    "NAMESPACE",
    "OBJECT",
    "TEXT",
    "XSD_FILENAME",
    "Element",
    "Shape",
    "shape_of",
]

#: The target namespace of the XSD; every element of a message is in it.
NAMESPACE = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1"
#: The schema's file name, in ``spec/v1/xsd/`` and inside this package.
XSD_FILENAME = "warme-doorverwijzing.xsd"

#: Scalar types whose XSD type collapses white space (xs:date, xs:dateTime, xs:int, xs:boolean,
#: xs:decimal): the binder strips their text as the XSD validator did before checking it.
_COLLAPSED = (date, datetime, AwareDatetime, int, bool, Decimal)


@dataclass(frozen=True, slots=True)
class Element:
    """One member of an object as an XML element."""

    wire: str
    """The member's JSON name, which is also the element's local name."""
    repeated: bool
    """A JSON array: the element repeats, once per item."""
    shape: Shape | None
    """For an object member, its own shape; ``None`` for text."""
    collapse: bool
    """Strip surrounding white space from the text (see ``_COLLAPSED``)."""
    json_type: type | None = None
    """``bool`` or ``int`` when the JSON form is not a string (the lenient binder needs it)."""


#: How the binder treats an element's content (``Shape.table``).
TEXT, COLLAPSED_TEXT, OBJECT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Shape:
    """The elements of one model class, keyed by qualified tag ``{namespace}name``."""

    model: type[BaseModel]
    elements: dict[str, Element] = field(default_factory=dict)
    required_lists: tuple[str, ...] = ()
    """Required arrays that may be empty: absent elements mean ``[]``."""
    table: dict[str, tuple[str, int, bool, Shape | None]] = field(default_factory=dict)
    """``elements`` as plain tuples (wire, content kind, repeated, shape): the binder's hot loop."""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The item type behind Optional, Annotated and list, and whether it was a list."""
    repeated = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                raise TypeError(f"no XML mapping for the union {annotation!r}")
            annotation = options[0]
        elif origin is list:
            if repeated:
                raise TypeError("no XML mapping for a list of lists")
            repeated = True
            annotation = get_args(annotation)[0]
        else:
            return annotation, repeated


_SHAPES: dict[type[BaseModel], Shape] = {}


def shape_of(model: type[BaseModel]) -> Shape:
    """The (cached) shape of a model class; ``berichttype`` is the root's name, not an element."""
    known = _SHAPES.get(model)
    if known is not None:
        return known
    shape = Shape(model)
    _SHAPES[model] = shape
    required_lists: list[str] = []
    for name, info in model.model_fields.items():
        if name == "berichttype":
            continue
        wire = info.alias or name
        item, repeated = _unwrap(info.annotation)
        nested = shape_of(item) if isinstance(item, type) and issubclass(item, BaseModel) else None
        collapse = isinstance(item, type) and issubclass(item, _COLLAPSED)
        tag = f"{{{NAMESPACE}}}{wire}"
        json_type = next(
            (t for t in (bool, int) if isinstance(item, type) and issubclass(item, t)), None
        )
        shape.elements[tag] = Element(wire, repeated, nested, collapse, json_type)
        kind = OBJECT if nested is not None else COLLAPSED_TEXT if collapse else TEXT
        shape.table[tag] = (wire, kind, repeated, nested)
        if repeated and info.is_required():
            required_lists.append(wire)
    object.__setattr__(shape, "required_lists", tuple(required_lists))
    return shape
