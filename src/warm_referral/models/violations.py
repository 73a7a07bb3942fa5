"""Translate pydantic's errors into the protocol's violations: JSON pointer, stable code, message.

It sits with the models (not the codecs) because models raise violations too: an object built
wrongly in Python is an :class:`~warm_referral.errors.InvalidLocalMessage` listing them. The codecs
build on it; the models import no codec.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import ValidationError

from ..errors import Violation
from ._base import REGEL_ERROR_TYPE, Regelfout

__all__ = ["MAX_VIOLATIONS", "cap", "json_pointer", "violations_from_pydantic"]

#: A Foutbericht lists at most this many violations; beyond it the last entry says how many more.
MAX_VIOLATIONS = 1000


def cap(violations: list[Violation]) -> list[Violation]:
    """At most MAX_VIOLATIONS: a flood of errors must not become a flood of memory or bytes."""
    if len(violations) <= MAX_VIOLATIONS:
        return violations
    rest = len(violations) - (MAX_VIOLATIONS - 1)
    return [
        *violations[: MAX_VIOLATIONS - 1],
        Violation("", "te_veel_fouten", f"{rest} more violations are not listed"),
    ]


# Error types renamed to the protocol's own codes, because they are part of the published contract
# (the requirement catalogue lists them) and pydantic may rename its types between releases.
_CODES = {
    "missing": "verplicht",
    "extra_forbidden": "onbekend_veld",
    "json_invalid": "geen_json",
    "union_tag_not_found": "berichttype_ontbreekt",
    "union_tag_invalid": "berichttype_onbekend",
    "literal_error": "waarde_niet_toegestaan",
    "enum": "waarde_niet_toegestaan",
    "string_pattern_mismatch": "patroon",
    "string_too_short": "te_kort",
    "string_too_long": "te_lang",
    "too_short": "te_weinig",
    "too_long": "te_veel",
    "model_type": "object_verwacht",
    "model_attributes_type": "object_verwacht",
    "dict_type": "object_verwacht",
    "list_type": "lijst_verwacht",
    "string_type": "tekst_verwacht",
    "int_type": "geheel_getal_verwacht",
    "bool_type": "boolean_verwacht",
    "date_parsing": "datum_ongeldig",
    "date_from_datetime_parsing": "datum_ongeldig",
    "date_type": "datum_ongeldig",
    "datetime_parsing": "tijdstip_ongeldig",
    "datetime_from_date_parsing": "tijdstip_ongeldig",
    "datetime_type": "tijdstip_ongeldig",
    "timezone_aware": "tijdzone_ontbreekt",
    "uuid_parsing": "uuid_ongeldig",
    "uuid_type": "uuid_ongeldig",
    "uuid_version": "uuid_ongeldig",
    "greater_than_equal": "te_klein",
    "less_than_equal": "te_groot",
    "int_parsing": "geheel_getal_verwacht",
    "int_from_float": "geheel_getal_verwacht",
    "string_unicode": "tekst_verwacht",
    "recursion_loop": "te_diep_genest",
}


def json_pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901: ``~`` and ``/`` inside a member name are escaped."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def violations_from_pydantic(
    exc: ValidationError, *, tagged_union: bool = False
) -> list[Violation]:
    """Every error in ``exc`` as a violation, in document order, duplicates dropped.

    With ``tagged_union`` the first location element is the discriminator value pydantic inserts
    for a discriminated union; it is not part of the document and is dropped.
    """
    violations: list[Violation] = []
    for error in exc.errors(include_url=False, include_input=False):
        loc: Sequence[str | int] = error["loc"]
        if tagged_union and loc:
            loc = loc[1:]
        base = json_pointer(loc)
        kind = error["type"]
        if kind == REGEL_ERROR_TYPE:
            fouten: list[Regelfout] = (error.get("ctx") or {}).get("fouten", [])
            for fout in fouten:
                pointer = base + ("/" + fout.pad if fout.pad else "")
                violations.append(Violation(pointer, fout.code, fout.melding))
            continue
        if kind in ("union_tag_not_found", "union_tag_invalid"):
            base = "/berichttype"
            message = (
                "berichttype is missing"
                if kind == "union_tag_not_found"
                else "berichttype {!r} is not a message type of specVersie 1.0".format(
                    (error.get("ctx") or {}).get("tag", "")
                )
            )
        else:
            message = error["msg"]
        violations.append(Violation(base, _CODES.get(kind, kind), message))
    return cap(list(dict.fromkeys(violations)))
