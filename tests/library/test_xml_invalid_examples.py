"""The spec's invalid examples in XML: each is refused with exactly its listed violations.

An XML twin (``ongeldig/<name>.xml``) of an invalid JSON example shares its sidecar
``<name>.verwacht.json``: the same document in the other encoding gets the same JSON pointers and
codes. Examples that only make sense in XML (element order, attributes, lexical forms) have their
own sidecar ``<name>.xml.verwacht.json`` in the same format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spec_support import INVALID, invalid_examples

from warm_referral import InvalidPeerMessage, parse_xml

#: Invalid JSON examples without an XML twin, and why.
NO_XML_TWIN = {
    "bedrag-als-getal": "a JSON number versus a JSON string has no XML counterpart",
    "maatregelen-in-spec-versie-1-0": "the version rule is the models' alone: "
    "test_versies.py checks it in both encodings",
    "uwv-in-spec-versie-1-0": "the version rule is the models' alone: test_versies.py checks it "
    "in both encodings",
}


def _xml_examples() -> list[Path]:
    return sorted(INVALID.glob("*.xml"))


def _expected(example: Path) -> set[tuple[str, str]]:
    own = example.with_name(example.name + ".verwacht.json")
    sidecar = own if own.exists() else example.with_name(example.stem + ".verwacht.json")
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    return {(f["pointer"], f["code"]) for f in data["fouten"]}


@pytest.mark.parametrize("path", _xml_examples(), ids=lambda p: p.stem)
def test_invalid_xml_example(path: Path) -> None:
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_xml(path.read_bytes())
    got = {(v.pointer, v.code) for v in caught.value.violations}
    assert got == _expected(path)
    assert all(v.melding for v in caught.value.violations)


def test_every_invalid_json_example_has_an_xml_twin_or_a_reason() -> None:
    missing = [
        p.stem
        for p in invalid_examples()
        if not p.with_suffix(".xml").exists() and p.stem not in NO_XML_TWIN
    ]
    assert missing == [], "write ongeldig/<name>.xml or list the reason in NO_XML_TWIN"


def test_twins_get_the_same_violations_as_their_json() -> None:
    """Stated once more on its own: a twin never has its own sidecar that differs."""
    for path in _xml_examples():
        json_twin = path.with_suffix(".json")
        if json_twin.exists():
            assert not path.with_name(path.name + ".verwacht.json").exists(), path.name
