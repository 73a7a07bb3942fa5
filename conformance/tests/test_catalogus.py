"""The requirement catalogue: valid against its JSON Schema, read the same by YAML 1.1 and by the
kit's loader, and the kit's copy is the spec's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from warm_referral_conformance.catalogus import CatalogusFout, Niveau, catalogus, lees_catalogus

ROOT = Path(__file__).resolve().parents[2]
EISEN = ROOT / "spec/v1/eisen.yaml"
SCHEMA = ROOT / "spec/v1/eisen.schema.json"


def _geladen() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(EISEN.read_text(encoding="utf-8"))
    return data


def test_catalogue_matches_its_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    fouten = sorted(jsonschema.Draft202012Validator(schema).iter_errors(_geladen()), key=str)
    assert not fouten, "\n".join(f"{list(f.absolute_path)}: {f.message}" for f in fouten)


def test_every_scalar_but_toetsbaar_is_text_under_yaml_1_1() -> None:
    """PyYAML reads YAML 1.1 (yes, on, 1.0 become bool or float): every such value is quoted."""
    data = _geladen()
    assert isinstance(data["versie"], str) and isinstance(data["specversie"], str)
    for eis in data["eisen"]:  # type: ignore[attr-defined]
        for sleutel, waarde in eis.items():
            if sleutel == "toetsbaar":
                assert isinstance(waarde, bool), eis["id"]
            else:
                assert isinstance(waarde, str), (
                    f"{eis['id']}.{sleutel} is read as {type(waarde).__name__}"
                )


def test_loader_reads_every_requirement_with_its_fields() -> None:
    cat = lees_catalogus(_geladen())
    assert len(cat) == len(
        re.findall(r"^  - id: ", EISEN.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert catalogus().versie == cat.versie and list(catalogus()) == list(cat)
    for eis in cat.values():
        assert eis.tekst.strip() and eis.bron.strip()
        assert (eis.niet_toetsbaar_omdat is None) == eis.toetsbaar
        woorden = {
            "MOET": "MOET",
            "MOET NIET": "NIET",
            "ZOU MOETEN": "ZOU",
            "ZOU NIET MOETEN": "ZOU",
            "MAG": "MAG",
        }
        assert woorden[eis.niveau.value] in eis.tekst, (
            f"{eis.id}: the text does not use its level word"
        )


def test_the_catalogue_covers_every_area_the_issue_names() -> None:
    gebieden = {e.gebied for e in catalogus().values()}
    assert {
        "BER",
        "ENV",
        "ONTV",
        "TERM",
        "GROND",
        "TERUG",
        "VERZ",
        "API",
        "TLS",
        "PRIV",
    } <= gebieden
    assert {Niveau.MOET, Niveau.MOET_NIET, Niveau.ZOU_MOETEN, Niveau.MAG} <= {
        e.niveau for e in catalogus().values()
    }


@pytest.mark.parametrize(
    ("wijziging", "melding"),
    [
        (lambda d: d["eisen"].append(dict(d["eisen"][0])), "used twice"),
        (lambda d: d["eisen"][0].update(id="WD-X-1"), "WD-BER-01"),
        (lambda d: d["eisen"][0].update(niveau="MUST"), "MUST"),
        (lambda d: d["eisen"][0].update(toetsbaar=False), "niet_toetsbaar_omdat"),
        (lambda d: d["eisen"][0].update(extra="x"), "keys"),
        (lambda d: d.update(versie=1.0), "strings"),
    ],
)
def test_loader_refuses_a_broken_catalogue(wijziging: object, melding: str) -> None:
    data = _geladen()
    wijziging(data)  # type: ignore[operator]
    with pytest.raises(CatalogusFout, match=re.escape(melding)):
        lees_catalogus(data)
