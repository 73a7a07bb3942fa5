"""specVersie 1.1 only adds: the library reads and writes both, a message says the version it
needs, and a 1.0 peer never receives what 1.1 added."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from paths import EXAMPLES, SPEC

from warm_referral import InvalidPeerMessage, parse_json, parse_xml, to_xml
from warm_referral.errors import PeerVersionError
from warm_referral.models import (
    Betaalgedragmelding,
    Verwijzing,
    benodigde_versie,
    kies_spec_versie,
    voor_peer,
)


def document(naam: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{naam}.json").read_text(encoding="utf-8"))
    return data


def schema_validator() -> jsonschema.Draft202012Validator:
    schemas = {p.name: json.loads(p.read_text()) for p in (SPEC / "schemas").glob("*.json")}
    from referencing import Registry, Resource

    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    return jsonschema.Draft202012Validator(schemas["bericht.json"], registry=registry)


@pytest.mark.eis("WD-BER-16")
@pytest.mark.parametrize(
    "naam", ["betaalgedragmelding-evaluatie", "verwijzing-uwv-toestemming", "betaalgedragmelding"]
)
def test_both_versions_are_read_in_json_and_xml(naam: str) -> None:
    bericht = parse_json((EXAMPLES / f"{naam}.json").read_bytes())
    assert parse_xml(to_xml(bericht)) == bericht
    assert not list(schema_validator().iter_errors(document(naam)))


@pytest.mark.eis("WD-BER-17")
@pytest.mark.parametrize(
    ("naam", "wijziging", "pointer"),
    [
        ("verwijzing-uwv-toestemming", {}, "/soortVerwijzer"),
        ("betaalgedragmelding-evaluatie", {}, "/ingrijpendeMaatregelen"),
        (
            "verwijzing-zorg-bsn",
            {"grondslag": "Afsluitregeling"},
            "/grondslag",
        ),
    ],
)
def test_a_1_0_message_with_what_1_1_added_is_refused_by_models_and_schema(
    naam: str, wijziging: dict[str, Any], pointer: str
) -> None:
    data = {**document(naam), **wijziging, "specVersie": "1.0"}
    with pytest.raises(InvalidPeerMessage) as fout:
        parse_json(json.dumps(data))
    assert (pointer, "niet_in_spec_versie") in {(v.pointer, v.code) for v in fout.value.violations}
    assert list(schema_validator().iter_errors(data)), "the published schema refuses it too"
    # The same content says 1.1: valid.
    parse_json(json.dumps({**data, "specVersie": "1.1"}))


def test_a_message_says_the_version_it_needs() -> None:
    assert (
        benodigde_versie(parse_json((EXAMPLES / "betaalgedragmelding.json").read_bytes())) == "1.0"
    )
    evaluatie = parse_json((EXAMPLES / "betaalgedragmelding-evaluatie.json").read_bytes())
    assert benodigde_versie(evaluatie) == "1.1"


@pytest.mark.eis("WD-VERZ-08")
def test_for_a_1_0_peer_optional_additions_are_left_out_and_the_rest_refused() -> None:
    evaluatie = parse_json((EXAMPLES / "betaalgedragmelding-evaluatie.json").read_bytes())
    assert isinstance(evaluatie, Betaalgedragmelding)
    oud, weg = voor_peer(evaluatie, ["1.0"])
    assert weg == ("ingrijpendeMaatregelen",)
    assert oud.spec_versie == "1.0" and oud.ingrijpende_maatregelen is None
    assert oud.bericht_id == evaluatie.bericht_id and oud.regulier_betaald
    assert voor_peer(evaluatie, ["1.0", "1.1"]) == (evaluatie, ())
    uwv = parse_json((EXAMPLES / "verwijzing-uwv-toestemming.json").read_bytes())
    assert isinstance(uwv, Verwijzing)
    with pytest.raises(PeerVersionError, match="UWV") as fout:
        voor_peer(uwv, ["1.0"])
    assert fout.value.nodig == "1.1"
    # A 1.0 message goes to a 1.1 peer as it is, restamped.
    water = parse_json((EXAMPLES / "verwijzing-water-afsluitregeling.json").read_bytes())
    nieuw, weg = voor_peer(water, ["1.1"])
    assert (nieuw.spec_versie, weg) == ("1.1", ())


def test_the_version_chosen_is_the_newest_both_know() -> None:
    assert kies_spec_versie(["1.0", "1.1", "1.7"]) == "1.1"
    with pytest.raises(PeerVersionError):
        kies_spec_versie(["2.0"])


@pytest.mark.eis("WD-BER-17")
def test_the_1_1_additions_travel_through_xml_as_through_json() -> None:
    """teLaat and ingrijpendeMaatregelen bind from XML as from JSON (teLaat was a Literal the XML
    binder handed a string, and an empty list of measures came back as no list)."""
    bevestiging = document("ontvangstbevestiging")
    bevestiging.update(specVersie="1.1", teLaat=True)
    bericht = parse_json(json.dumps(bevestiging).encode())
    assert parse_xml(to_xml(bericht)) == bericht
    for te_laat in (False,):
        with pytest.raises(InvalidPeerMessage) as info:
            parse_json(json.dumps({**bevestiging, "teLaat": te_laat}).encode())
        assert [(v.pointer, v.code) for v in info.value.violations] == [
            ("/teLaat", "waarde_niet_toegestaan")
        ]
    evaluatie = document("betaalgedragmelding-evaluatie")
    bericht = parse_json(json.dumps(evaluatie).encode())
    assert parse_xml(to_xml(bericht)) == bericht
    with pytest.raises(InvalidPeerMessage) as info:
        parse_json(json.dumps({**evaluatie, "ingrijpendeMaatregelen": []}).encode())
    assert [v.pointer for v in info.value.violations] == ["/ingrijpendeMaatregelen"]
    assert not schema_validator().is_valid({**evaluatie, "ingrijpendeMaatregelen": []})
    assert not schema_validator().is_valid({**bevestiging, "teLaat": False})
