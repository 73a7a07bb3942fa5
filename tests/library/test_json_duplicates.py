"""I-JSON (RFC 7493): a member name twice in one object is refused, wherever it is and however the
name is spelt; documents without repeated names are read as before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import EXAMPLES

from warm_referral import InvalidPeerMessage, parse_json
from warm_referral.codec.json_codec import DUBBELE_NAAM, dubbele_namen

VOORBEELDEN = sorted(EXAMPLES.glob("*.json"))


def _objecten(node: Any, pad: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every object of the document with its JSON pointer."""
    gevonden: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        gevonden.append((pad, node))
        for naam, waarde in node.items():
            gevonden += _objecten(waarde, f"{pad}/{naam}")
    elif isinstance(node, list):
        for i, waarde in enumerate(node):
            gevonden += _objecten(waarde, f"{pad}/{i}")
    return gevonden


def _met_herhaling(document: Any, pad: str, naam: str, tweede: str) -> str:
    """The document as text, with ``tweede`` (the value, as JSON) for ``naam`` added once more at
    the end of the object at ``pad``."""
    marker = "__dubbel__"
    doel = document
    for deel in filter(None, pad.split("/")):
        doel = doel[int(deel)] if isinstance(doel, list) else doel[deel]
    doel[marker] = None
    tekst = json.dumps(document, ensure_ascii=False)
    return tekst.replace(f'"{marker}": null', f'"{naam}": {tweede}')


@pytest.mark.eis("WD-BER-13")
@settings(max_examples=150, deadline=None)
@given(st.sampled_from(VOORBEELDEN), st.data())
def test_a_repeated_name_anywhere_is_refused_with_its_pointer(
    pad_: Any, data: st.DataObject
) -> None:
    document = json.loads(pad_.read_bytes())
    objecten = [(p, o) for p, o in _objecten(document) if o]
    pad, object_ = data.draw(st.sampled_from(objecten))
    naam = data.draw(st.sampled_from(sorted(object_)))
    # The same value again, or another one: both are refused (no reader may pick one).
    tweede = data.draw(st.sampled_from([json.dumps(object_[naam]), '"anders"']))
    tekst = _met_herhaling(document, pad, naam, tweede)
    with pytest.raises(InvalidPeerMessage) as exc:
        parse_json(tekst.encode())
    dubbel = [v for v in exc.value.violations if v.code == DUBBELE_NAAM]
    assert [v.pointer for v in dubbel] == [f"{pad}/{naam}"]


@pytest.mark.eis("WD-BER-13")
def test_an_escaped_spelling_of_the_same_name_is_the_same_name() -> None:
    tekst = (EXAMPLES / "statusverzoek.json").read_text()
    document = json.loads(tekst)
    # "conversatieId" once more, its first letter written as a \u escape.
    conv = document["conversatieId"]
    herhaald = tekst.rstrip().removesuffix("}") + f', "\\u0063onversatieId": "{conv}"}}'
    with pytest.raises(InvalidPeerMessage) as exc:
        parse_json(herhaald)
    assert [v.pointer for v in exc.value.violations if v.code == DUBBELE_NAAM] == ["/conversatieId"]


def test_other_violations_are_listed_beside_the_repeated_name() -> None:
    with pytest.raises(InvalidPeerMessage) as exc:
        parse_json(b'{"berichttype": "Statusverzoek", "a": 1, "a": 2}')
    codes = {v.code for v in exc.value.violations}
    assert DUBBELE_NAAM in codes
    assert len(codes) > 1


@pytest.mark.parametrize("pad", VOORBEELDEN, ids=lambda p: p.stem)
def test_the_examples_have_no_repeated_names(pad: Any) -> None:
    assert dubbele_namen(pad.read_bytes()) == []
    parse_json(pad.read_bytes())


def test_pointers_escape_slash_and_tilde() -> None:
    fouten = dubbele_namen('{"a/b": {"c~d": 1, "c~d": 2}, "x": [{"y": 1, "y": 1, "y": 1}]}')
    assert [(v.pointer, v.melding.split(" times")[0]) for v in fouten] == [
        ("/a~1b/c~0d", "the name occurs 2"),
        ("/x/0/y", "the name occurs 3"),
    ]


def test_a_document_that_is_not_json_has_no_repeated_names_to_report() -> None:
    assert dubbele_namen(b"{") == []
    assert dubbele_namen(b"\xff") == []


@pytest.mark.parametrize(
    "element", ["berichtId", "specVersie", "naam"], ids=["top", "version", "nested"]
)
def test_xml_a_repeated_singular_element_is_refused_by_the_xsd(element: str) -> None:
    """XML has no member names to repeat, but the same question: an element the XSD allows once,
    given twice, is refused (not read as the first or the last)."""
    from warm_referral import parse_xml

    tekst = (EXAMPLES / "statusverzoek.xml").read_text()
    begin = tekst.index(f"<{element}>")
    einde = tekst.index(f"</{element}>", begin) + len(f"</{element}>")
    herhaald = tekst[:einde] + tekst[begin:einde] + tekst[einde:]
    with pytest.raises(InvalidPeerMessage) as exc:
        parse_xml(herhaald.encode())
    assert exc.value.violations
