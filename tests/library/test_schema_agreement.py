"""The published schemas and the models agree, in both directions.

Model instances (hypothesis strategies) validate against the schema; documents generated from the
schema (hypothesis-jsonschema) are accepted by the models unless they break a rule JSON Schema
cannot express (NOT_IN_SCHEMA, each described in the schema text).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from spec_support import NOT_IN_SCHEMA, schema, schema_errors

from warm_referral import InvalidPeerMessage, parse_json
from warm_referral.models import BERICHTTYPES, onderdelen
from warm_referral.models._base import WIRE_CONTEXT, WireModel
from warm_referral.models.violations import violations_from_pydantic
from warm_referral.testing.strategies import berichten

SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


def _bundled(ref: str) -> dict[str, Any]:
    """A self-contained schema: message or shared definition with gedeeld.json's $defs inlined."""
    defs = json.loads(json.dumps(schema("gedeeld")["$defs"]))
    if ref in BERICHTTYPES:
        body = json.loads(json.dumps(schema(ref)).replace("gedeeld.json#/$defs/", "#/$defs/"))
        body.pop("$id")
        body.pop("$schema")
        return {**body, "$defs": defs}
    return {"$ref": f"#/$defs/{ref}", "$defs": defs}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(berichten())
def test_every_model_instance_validates_against_the_schema(bericht: Any) -> None:
    document = json.loads(bericht.to_json())
    assert schema_errors(document) == []
    assert schema_errors(document, bericht.berichttype) == []


def _accepted_or_documented(errors: list[tuple[str, str]]) -> None:
    undocumented = [e for e in errors if e[1] not in NOT_IN_SCHEMA]
    assert not undocumented, f"the schema allows what the models refuse: {undocumented}"


PARTS = [
    name
    for name in onderdelen.__all__
    if isinstance(getattr(onderdelen, name), type)
    and issubclass(getattr(onderdelen, name), WireModel)
]


@pytest.mark.parametrize("name", PARTS)
def test_parts_generated_from_the_schema_are_accepted(name: str) -> None:
    model: type[WireModel] = getattr(onderdelen, name)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(_bundled(name)))
    def check(document: Any) -> None:
        from pydantic import ValidationError

        try:
            model.model_validate_json(json.dumps(document), strict=True, context=WIRE_CONTEXT)
        except ValidationError as exc:
            _accepted_or_documented([(v.pointer, v.code) for v in violations_from_pydantic(exc)])

    check()


@pytest.mark.slow
@pytest.mark.parametrize("berichttype", list(BERICHTTYPES))
def test_messages_generated_from_the_schema_are_accepted(berichttype: str) -> None:
    @SLOW
    @given(from_schema(_bundled(berichttype)))
    def check(document: Any) -> None:
        try:
            parse_json(json.dumps(document))
        except InvalidPeerMessage as exc:
            _accepted_or_documented([(v.pointer, v.code) for v in exc.violations])

    check()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(BERICHTTYPES)), st.data())
def test_the_union_schema_picks_exactly_one_type(berichttype: str, data: st.DataObject) -> None:
    bericht = data.draw(berichten(berichttype))
    document = json.loads(bericht.to_json())
    document["berichttype"] = next(b for b in BERICHTTYPES if b != berichttype)
    assert schema_errors(document), "a message validated under another message type's schema"
