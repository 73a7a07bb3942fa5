"""Build the published JSON Schemas (Draft 2020-12) from the message models.

The models are the single source: pydantic generates the schema, and this module post-processes it
into the published form: optional members are absent-or-valid (never ``null``), ``berichttype`` is
required, the cross-field rules are added where JSON Schema can express them and described in words
everywhere, and the result is split into one file per message type plus ``gedeeld.json`` (shared
definitions) and ``bericht.json`` (any message). ``tools/generate.py`` writes them to
``spec/v1/schemas/``; a test fails when the committed files drift.

The schemas are written for every validator, not only lenient ones: ``format`` is never the only
check (Draft 2020-12 makes it an annotation, and many validators skip it), so dates, date-times,
e-mail addresses and UUIDs carry a pattern too; and every subschema under ``allOf``, ``then`` or
``not`` names the ``type`` it constrains (strict modes, such as ajv's, warn otherwise).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping
from typing import Any

from ._version import SPEC_VERSIE

__all__ = [
    "SCHEMA_BASE_URI",
    "build_schemas",
    "component_schemas",
    "dump_schema",
    "voor_elke_validator",
]

#: Where NVVK publishes the schemas; every ``$id`` is relative to it.
SCHEMA_BASE_URI = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/schemas/"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SHARED = "gedeeld.json"
#: The rule on member names that no schema can state (a parser has dropped the repetition by
#: the time a validator sees the document), said in every message schema's description.
_I_JSON = (
    "The document is I-JSON (RFC 7493): within one object a member name occurs at most once; a "
    "receiver refuses a repeated name (violation dubbele_naam), which a schema validator cannot "
    "see."
)


def _strip_null(prop: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, {type: null}]`` with ``default: null`` becomes plain X: absent, or a valid X."""
    options = prop.get("anyOf")
    if options and {"type": "null"} in options and prop.get("default", ...) is None:
        rest = [o for o in options if o != {"type": "null"}]
        merged = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
        if len(rest) == 1:
            merged = {**rest[0], **merged}
        else:
            merged["anyOf"] = rest
        return merged
    return prop


def _clean_model(name: str, schema: dict[str, Any], cls: type[Any] | None) -> dict[str, Any]:
    schema = dict(schema)
    schema.pop("title", None)
    props: dict[str, Any] = {}
    for key, prop in schema.get("properties", {}).items():
        prop = _strip_null(dict(prop))
        prop.pop("title", None)
        if key == "berichttype":
            prop.pop("default", None)
        props[key] = prop
    schema["properties"] = props
    required = list(schema.get("required", []))
    if "berichttype" in props and "berichttype" not in required:
        required.insert(0, "berichttype")
    if required:
        schema["required"] = required
    regels: tuple[str, ...] = getattr(cls, "regels_beschrijving", ())
    if regels:
        text = schema.get("description", "").strip()
        schema["description"] = (
            text + "\n\nRules:\n" + "\n".join(f"- {r}" for r in regels)
        ).strip()
    extra: dict[str, Any] = copy.deepcopy(getattr(cls, "schema_regels", {}))
    extra_props = extra.pop("properties", {})
    for key, addition in extra_props.items():
        base = props[key]
        if "$ref" in base and len(base) == 1:
            props[key] = {"allOf": [base, addition]}
        else:
            props[key] = {**base, **addition}
    for key in extra.pop("required", []):
        if key not in schema.setdefault("required", []):
            schema["required"].append(key)
    schema.update(extra)
    schema["title"] = name
    return schema


def _rewrite_refs(node: Any, target: str) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/$defs/", target + "#/$defs/")
                if k == "$ref"
                else _rewrite_refs(v, target)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(v, target) for v in node]
    return node


def build_schemas() -> dict[str, dict[str, Any]]:
    """Every published schema by file name."""
    from pydantic.json_schema import models_json_schema

    from .models import BERICHTTYPES

    classes: dict[str, type[Any]] = {}

    def collect(cls: type[Any]) -> None:
        from pydantic import BaseModel

        if cls.__name__ in classes:
            return
        classes[cls.__name__] = cls
        for field in cls.model_fields.values():
            for arg in _type_args(field.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    collect(arg)

    for cls in BERICHTTYPES.values():
        collect(cls)

    _, top = models_json_schema(
        [(cls, "validation") for cls in BERICHTTYPES.values()], ref_template="#/$defs/{model}"
    )
    defs: dict[str, Any] = top["$defs"]
    cleaned: dict[str, dict[str, Any]] = {}
    for name, schema in defs.items():
        if name in classes:
            cleaned[name] = _clean_model(name, schema, classes[name])
        else:  # an enumeration
            schema = dict(schema)
            schema["title"] = name
            cleaned[name] = schema

    out: dict[str, dict[str, Any]] = {}
    shared = {k: v for k, v in sorted(cleaned.items()) if k not in BERICHTTYPES}
    out[_SHARED] = {
        "$schema": _DIALECT,
        "$id": SCHEMA_BASE_URI + _SHARED,
        "title": f"Warme doorverwijzing {SPEC_VERSIE}: shared definitions",
        "$defs": _rewrite_refs(shared, ""),
    }
    for berichttype in BERICHTTYPES:
        body = _rewrite_refs(cleaned[berichttype], _SHARED)
        body["description"] = (body.get("description", "") + "\n\n" + _I_JSON).strip()
        out[f"{berichttype}.json"] = {
            "$schema": _DIALECT,
            "$id": SCHEMA_BASE_URI + f"{berichttype}.json",
            **body,
        }
    for naam, inhoud in out.items():
        out[naam] = voor_elke_validator(inhoud)
    out["bericht.json"] = {
        "$schema": _DIALECT,
        "$id": SCHEMA_BASE_URI + "bericht.json",
        "title": f"Warme doorverwijzing {SPEC_VERSIE}: any message",
        "description": "Exactly one message type, chosen by berichttype. " + _I_JSON,
        "type": "object",
        "required": ["berichttype"],
        "properties": {"berichttype": {"enum": list(BERICHTTYPES)}},
        "oneOf": [{"$ref": f"{b}.json"} for b in BERICHTTYPES],
    }
    return out


def component_schemas(
    shapes: Mapping[str, tuple[Any, str]], ref_prefix: str, bestaand: Collection[str] = ()
) -> dict[str, dict[str, Any]]:
    """Schemas for other wire shapes built from :class:`~warm_referral.models.WireModel` (an API's
    bodies, say), cleaned as the published message schemas are (absent rather than null, no
    generated titles), by name: each entry of ``shapes`` is ``name: (type, mode)``, mode
    ``"validation"`` for what is read and ``"serialization"`` for what is written. Definitions
    they use are included under their class names, except those named in ``bestaand`` (the
    message schemas, say): a reference to ``ref_prefix + name`` points at those. A field can
    point at a published schema itself with ``WithJsonSchema({"$ref": SCHEMA_BASE_URI + file})``
    (an absolute URI: pydantic resolves relative ones among its own definitions)."""
    from pydantic import BaseModel, TypeAdapter

    template = ref_prefix + "{model}"
    out: dict[str, dict[str, Any]] = {}
    for name, (shape, mode) in shapes.items():
        schema = TypeAdapter(shape).json_schema(ref_template=template, mode=mode)  # type: ignore[arg-type]
        for def_name, definition in schema.pop("$defs", {}).items():
            if def_name not in bestaand and def_name not in out:
                out[def_name] = _clean_any(def_name, definition, _model_named(shape, def_name))
        cls = shape if isinstance(shape, type) and issubclass(shape, BaseModel) else None
        out[name] = _clean_any(name, schema, cls)
    return {naam: voor_elke_validator(inhoud) for naam, inhoud in out.items()}


#: The keywords that constrain one JSON type only, by that type.
_TYPE_VAN = {
    "object": ("required", "properties", "additionalProperties", "minProperties", "maxProperties"),
    "array": ("items", "minItems", "maxItems", "uniqueItems", "contains", "prefixItems"),
    "string": ("pattern", "minLength", "maxLength", "format"),
}
_SUBSCHEMA_LIJSTEN = ("allOf", "anyOf", "oneOf")
_SUBSCHEMAS = ("not", "if", "then", "else")


def voor_elke_validator(node: Any) -> Any:
    """The schema with a pattern beside each ``format`` it has one for, and in each subschema of
    a combinator that constrains one type the ``type`` it constrains (and each name it requires
    among its ``properties``)."""
    from .models.wire_types import DATUM_PATTERN, TIJDSTIP_PATTERN

    patronen = {"date": DATUM_PATTERN, "date-time": TIJDSTIP_PATTERN}

    def bij(node: Any, in_combinatie: bool) -> Any:
        if isinstance(node, list):
            return [bij(v, in_combinatie) for v in node]
        if not isinstance(node, dict):
            return node
        uit: dict[str, Any] = {}
        for sleutel, waarde in node.items():
            if sleutel in _SUBSCHEMA_LIJSTEN:
                uit[sleutel] = [bij(v, True) for v in waarde]
            elif sleutel in _SUBSCHEMAS:
                uit[sleutel] = bij(waarde, True)
            elif sleutel == "properties":
                # A combinator's subschema constrains its properties partly, as it does itself.
                uit[sleutel] = {k: bij(v, in_combinatie) for k, v in waarde.items()}
            elif sleutel in ("$defs", "patternProperties", "dependentSchemas"):
                uit[sleutel] = {k: bij(v, False) for k, v in waarde.items()}
            elif sleutel in ("items", "additionalProperties", "contains", "propertyNames"):
                uit[sleutel] = bij(waarde, False)
            else:
                uit[sleutel] = waarde
        patroon = patronen.get(uit.get("format", ""))
        if patroon is not None and "pattern" not in uit:
            uit["pattern"] = patroon
        if in_combinatie and "type" not in uit and "$ref" not in uit:
            soorten = [t for t, sleutels in _TYPE_VAN.items() if any(k in uit for k in sleutels)]
            if len(soorten) == 1:
                uit = {"type": soorten[0], **uit}
            if soorten == ["array"] and "items" not in uit:
                uit["items"] = {}  # OpenAPI linters want items beside type array; any will do
        if in_combinatie and "required" in uit:
            # Strict validators want each required name declared beside it (ajv's
            # strictRequired); the object's own properties say what the value must be.
            gedeclareerd = uit.get("properties", {})
            uit["properties"] = {
                **gedeclareerd,
                **{naam: {} for naam in uit["required"] if naam not in gedeclareerd},
            }
        return uit

    return bij(node, False)


def _clean_any(name: str, schema: dict[str, Any], cls: type[Any] | None) -> dict[str, Any]:
    if "properties" in schema:
        return _clean_model(name, schema, cls)
    schema = dict(schema)
    schema.pop("title", None)
    return schema


def _model_named(shape: Any, name: str) -> type[Any] | None:
    """The model class called ``name`` among those ``shape`` is built from (for its rules)."""
    from pydantic import BaseModel

    for arg in _type_args(shape):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            if arg.__name__ == name:
                return arg
            for field in arg.model_fields.values():
                found = _model_named(field.annotation, name)
                if found is not None:
                    return found
    return None


def _type_args(annotation: Any) -> list[Any]:
    from typing import get_args

    found = [annotation]
    for arg in get_args(annotation):
        found.extend(_type_args(arg))
    return found


def dump_schema(schema: dict[str, Any]) -> str:
    """The committed text form: stable key order as built, two-space indent, UTF-8, final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
