"""The base every wire object derives from: one vocabulary, closed objects, rules in one place.

Python names are the snake_case of the camelCase wire names (an alias generator, so there is one
vocabulary). Objects are closed (unknown members are an error) and frozen. On the wire an optional
member may be absent but never ``null`` (the codecs validate with :data:`WIRE_CONTEXT`); in Python,
``None`` means absent. Cross-field rules are declared per class by overriding :meth:`_regels`,
which yields :class:`Regelfout` tuples; they surface as violations with a precise JSON pointer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, NamedTuple

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

__all__ = ["REGEL_ERROR_TYPE", "WIRE_CONTEXT", "Regelfout", "WireModel"]

#: The pydantic error type that carries one or more :class:`Regelfout` in its context.
REGEL_ERROR_TYPE = "warm_referral_regels"

#: Validation context for documents from the wire: stricter than Python construction (no nulls).
WIRE_CONTEXT: dict[str, bool] = {"wire": True}


class Regelfout(NamedTuple):
    """A broken cross-field rule: where (wire path relative to the object), code and message."""

    pad: str
    code: str
    melding: str


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        frozen=True,
        regex_engine="rust-regex",
        use_attribute_docstrings=True,
    )

    #: The cross-field rules in words; copied into the schema's description.
    regels_beschrijving: ClassVar[tuple[str, ...]] = ()
    #: The part of those rules JSON Schema can express (merged into the generated schema).
    schema_regels: ClassVar[dict[str, Any]] = {}

    def __init__(self, /, **data: Any) -> None:
        # Objects built in Python are our own: a mistake there is a local error, not the peer's.
        try:
            super().__init__(**data)
        except ValidationError as exc:
            from ..errors import InvalidLocalMessage
            from .violations import violations_from_pydantic

            raise InvalidLocalMessage(violations_from_pydantic(exc)) from None

    # Tell pydantic this __init__ only wraps the base one, so validation from JSON keeps its fast
    # path (pydantic would otherwise call it for every nested object and lose error locations).
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    def _regels(self) -> Iterator[Regelfout]:
        """Yield every broken cross-field rule; the default has none."""
        return iter(())

    #: Whether the class declares cross-field rules (set once per class, read per validation).
    _heeft_regels: ClassVar[bool] = False

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._heeft_regels = cls._regels is not WireModel._regels

    @model_validator(mode="after")
    def _controleer_regels(self, info: ValidationInfo) -> WireModel:
        # The hot path of every validation: nine calls per Verwijzing, so keep the common case cheap.
        context = info.context
        if context is not None and context.get("wire"):
            waarden = self.__dict__
            fouten = [
                Regelfout(
                    to_camel(name), "null_niet_toegestaan", "may be left out, but not be null"
                )
                for name in self.__pydantic_fields_set__
                if waarden[name] is None
            ]
            if fouten:
                raise PydanticCustomError(
                    REGEL_ERROR_TYPE,
                    "; ".join(f"{f.pad}: {f.melding}" for f in fouten),
                    {"fouten": fouten},
                )
        if self._heeft_regels:
            fouten = list(self._regels())
            if fouten:
                raise PydanticCustomError(
                    REGEL_ERROR_TYPE,
                    "; ".join(f"{f.pad}: {f.melding}" for f in fouten),
                    {"fouten": fouten},
                )
        return self
