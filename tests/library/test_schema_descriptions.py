"""What JSON Schema cannot express is named in the schemas' own text, and every invalid example
says whether a plain schema validator (Draft 2020-12, ``format`` as an annotation, as many
validators treat it) or the XSD refuses it: a vendor knows which checks are theirs to write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from paths import SPEC
from spec_support import INVALID, NOT_IN_SCHEMA, expected_violations, registry, schema

#: Each rule the schemas cannot express, by violation code: the words that name it in the
#: published schemas' descriptions.
BESCHREVEN = {
    "bsn_checksum": "11-test",
    "periode_omgekeerd": "ingangsdatum is not after einddatum",
    "incassostop_ingangsdatum": "incassostop.ingangsdatum is the verwijsdatum",
    "achterstand_na_verwijzing": "achterstand.ontstaansdatum is not after the verwijsdatum",
    "geboortedatum_toekomst": "hulpvrager.geboortedatum lies before",
    "toestemming_na_verwijzing": "toestemming.vastgelegdOp is not after verwezenOp",
    "verwijzing_na_aanmaak": "verwezenOp is not after aangemaaktOp",
    "deadline_voor_ontvangst": "contactdeadline is after ontvangenOp",
    "doorzending_naar_zelf": "not that of the afzender",
    "dubbele_waarde": "at most once",
    "tijdstip_buiten_bereik": "0001-01-02..9999-12-30",
    "dubbele_naam": "I-JSON (RFC 7493)",
    "tijdstip_ongeldig": "RFC 3339",
    "datum_ongeldig": "format",
}
SIDECARS = sorted(INVALID.glob("*.verwacht.json"))


def _tekst() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((SPEC / "schemas").glob("*.json"))
    )


def test_every_rule_outside_json_schema_is_named_in_the_schemas() -> None:
    assert set(BESCHREVEN) == set(NOT_IN_SCHEMA)
    tekst = _tekst()
    ontbreekt = {code: woorden for code, woorden in BESCHREVEN.items() if woorden not in tekst}
    assert not ontbreekt, f"rules the schema descriptions do not name: {ontbreekt}"


def _plain() -> Draft202012Validator:
    return Draft202012Validator(schema("bericht"), registry=registry())  # no format checker


@pytest.mark.parametrize("sidecar", SIDECARS, ids=lambda p: p.name.removesuffix(".verwacht.json"))
def test_each_sidecar_says_truly_whether_a_plain_validator_refuses(sidecar: Path) -> None:
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    basis = sidecar.name.removesuffix(".verwacht.json").removesuffix(".xml")
    json_voorbeeld = sidecar.with_name(f"{basis}.json")
    xml_voorbeeld = sidecar.with_name(f"{basis}.xml")
    if not sidecar.name.endswith(".xml.verwacht.json") and json_voorbeeld.exists():
        weigert = not _plain().is_valid(json.loads(json_voorbeeld.read_bytes()))
        assert data["jsonSchemaWeigert"] is weigert
        if not weigert:  # then each violation is a rule the schemas name but cannot express
            codes = {code for _, code in expected_violations(json_voorbeeld)}
            assert codes <= NOT_IN_SCHEMA, codes - NOT_IN_SCHEMA
    else:
        assert "jsonSchemaWeigert" not in data
    if xml_voorbeeld.exists():
        xsd = etree.XMLSchema(etree.parse(str(SPEC / "xsd" / "warme-doorverwijzing.xsd")))
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        document = etree.fromstring(xml_voorbeeld.read_bytes(), parser)
        assert data["xsdWeigert"] is (not xsd.validate(document))
    else:
        assert "xsdWeigert" not in data


@pytest.mark.parametrize(
    ("pad", "waarde"),
    [
        ("/verwezenOp", "2026-04-01T08:30Z"),
        ("/verwezenOp", "2026-04-01 08:30:00Z"),
        ("/verwezenOp", "2026-04-01t08:30:00z"),
        ("/verwezenOp", "2026-04-01T08:30:00+0200"),
        ("/achterstand/ontstaansdatum", "2025-12-1"),
        ("/hulpvrager/adres/postcode", "4381SA"),
        ("/hulpvrager/adres/postcode", "4381SS"),
        ("/contactpersoon/email", "geen-adres"),
    ],
)
def test_library_and_plain_schema_refuse_the_same_forms(pad: str, waarde: str) -> None:
    """Cases where the two disagreed before issue 13 (or would, for a validator that skips
    format): the models and a plain validator both refuse them now."""
    from warm_referral import InvalidPeerMessage, parse_json

    document = json.loads((SPEC / "examples" / "verwijzing-water-afsluitregeling.json").read_text())
    doel = document
    delen = pad.strip("/").split("/")
    for deel in delen[:-1]:
        doel = doel[deel]
    doel[delen[-1]] = waarde
    assert not _plain().is_valid(document)
    with pytest.raises(InvalidPeerMessage) as exc:
        parse_json(json.dumps(document))
    assert pad in {v.pointer for v in exc.value.violations}
