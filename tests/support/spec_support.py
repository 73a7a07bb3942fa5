"""Shared test support: the published schemas, the spec's examples and their expected errors."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from paths import EXAMPLES, SPEC
from referencing import Registry, Resource

SCHEMAS = SPEC / "schemas"
INVALID = EXAMPLES / "ongeldig"

#: Violation codes of rules that JSON Schema cannot express: a document breaking only these is
#: valid against the schema yet refused by the models. Each is described in the schema text.
NOT_IN_SCHEMA = frozenset(
    {
        "bsn_checksum",
        "periode_omgekeerd",
        "incassostop_ingangsdatum",
        "achterstand_na_verwijzing",
        "geboortedatum_toekomst",
        "toestemming_na_verwijzing",
        "verwijzing_na_aanmaak",
        "deadline_voor_ontvangst",
        "doorzending_naar_zelf",
        "dubbele_waarde",
        "tijdstip_ongeldig",  # a date-time that does not exist (02-30): the format says so
        "tijdstip_buiten_bereik",  # the first and last day of year 1..9999, see Tijdstip
        "datum_ongeldig",  # a date that does not exist (02-30): the format says so
        "dubbele_naam",  # I-JSON: the parser has dropped the repetition before validation
    }
)


@cache
def registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@cache
def schema(name: str) -> dict[str, Any]:
    file = name if name.endswith(".json") else f"{name}.json"
    loaded: dict[str, Any] = json.loads((SCHEMAS / file).read_text(encoding="utf-8"))
    return loaded


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator that also checks formats (date, date-time, uuid, email)."""
    return Draft202012Validator(
        schema(name), registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(document: Any, name: str = "bericht") -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator(name).iter_errors(document)]


def valid_examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.json"))


def invalid_examples() -> list[Path]:
    return sorted(p for p in INVALID.glob("*.json") if not p.name.endswith(".verwacht.json"))


def expected_violations(example: Path) -> set[tuple[str, str]]:
    sidecar = example.with_name(example.name.split(".")[0] + ".verwacht.json")
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    return {(f["pointer"], f["code"]) for f in data["fouten"]}
