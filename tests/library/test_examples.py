"""The spec's example messages are the test vectors: each valid one validates with both the models
and the published schema and round-trips; each invalid one yields exactly its listed violations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spec_support import (
    NOT_IN_SCHEMA,
    expected_violations,
    invalid_examples,
    schema_errors,
    valid_examples,
)

from warm_referral import InvalidPeerMessage, parse_json


def test_there_is_an_example_of_every_message_type_and_legal_ground() -> None:
    from warm_referral.models import BERICHTTYPES, Grondslag

    documents = [json.loads(p.read_text(encoding="utf-8")) for p in valid_examples()]
    assert {d["berichttype"] for d in documents} == set(BERICHTTYPES)
    grounds = {d["grondslag"] for d in documents if d["berichttype"] == "Verwijzing"}
    assert grounds == {g.value for g in Grondslag}


@pytest.mark.parametrize("path", valid_examples(), ids=lambda p: p.stem)
def test_valid_example(path: Path) -> None:
    raw = path.read_bytes()
    document = json.loads(raw)
    assert schema_errors(document) == []
    assert schema_errors(document, document["berichttype"]) == []
    bericht = parse_json(raw)
    assert bericht.berichttype == document["berichttype"]
    # Lossless: the canonical form means the same document, and is stable.
    assert json.loads(bericht.to_json()) == document
    assert parse_json(bericht.to_json()) == bericht
    assert parse_json(bericht.to_json()).to_json() == bericht.to_json()


@pytest.mark.parametrize("path", invalid_examples(), ids=lambda p: p.stem)
def test_invalid_example(path: Path) -> None:
    expected = expected_violations(path)
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_json(path.read_bytes())
    got = {(v.pointer, v.code) for v in caught.value.violations}
    assert got == expected
    assert all(v.melding for v in caught.value.violations)
    # The schema refuses it too, unless only rules JSON Schema cannot express are broken.
    if not {code for _, code in expected} <= NOT_IN_SCHEMA:
        assert schema_errors(json.loads(path.read_bytes())), "the schema accepts an invalid example"


def test_the_acknowledgement_example_follows_the_deadline_rules() -> None:
    """The example Ontvangstbevestiging carries what the NVVK pilot profile computes."""
    from spec_support import EXAMPLES

    from warm_referral import amsterdamse_datum
    from warm_referral.deadlines import contact_deadline, incassostop
    from warm_referral.models import Ontvangstbevestiging

    bevestiging = parse_json((EXAMPLES / "ontvangstbevestiging.json").read_bytes())
    assert isinstance(bevestiging, Ontvangstbevestiging)
    assert bevestiging.contactdeadline == contact_deadline(bevestiging.ontvangen_op)
    start, eind = incassostop(amsterdamse_datum(bevestiging.ontvangen_op))
    assert (bevestiging.incassostop.ingangsdatum, bevestiging.incassostop.einddatum) == (
        start,
        eind,
    )
