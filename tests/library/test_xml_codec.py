"""The XML encoding carries every message without loss, and its XSD agrees with the models.

Round trips run on generated messages of every type; the spec's examples exist in both forms and
validate in both; the XSD's facets accept exactly what the models accept; and an independent XSD
consumer (the xsdata bindings generated from the XSD) reads our XML as the same message.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from spec_support import EXAMPLES, valid_examples

from warm_referral import InvalidLocalMessage, InvalidPeerMessage, Verwijzing, parse_json
from warm_referral.codec.xml import NAMESPACE, parse_xml, to_xml, xml_schema
from warm_referral.models import BERICHTTYPES
from warm_referral.testing.strategies import berichten, verwijzingen

_SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _xsd_errors(data: bytes) -> list[str]:
    schema = xml_schema()
    ok = schema.validate(etree.fromstring(data))
    return [] if ok else [e.message for e in schema.error_log]


def _carryable(bericht: Any) -> bool:
    """JSON strings may hold control characters that XML 1.0 cannot; those messages are refused
    by ``to_xml`` (tested below) and left out of the round trips."""
    try:
        to_xml(bericht)
    except InvalidLocalMessage:
        return False
    return True


# -- round trips ----------------------------------------------------------------------------


@_SLOW
@given(berichten())
def test_model_to_xml_to_model_is_equal(bericht: Any) -> None:
    if not _carryable(bericht):
        return
    data = to_xml(bericht)
    assert _xsd_errors(data) == []
    assert parse_xml(data) == bericht
    assert parse_xml(to_xml(bericht, pretty=True)) == bericht


@_SLOW
@given(berichten())
def test_json_model_xml_model_json_is_byte_identical(bericht: Any) -> None:
    if not _carryable(bericht):
        return
    first = bericht.to_json()
    again = parse_xml(to_xml(parse_json(first))).to_json()
    assert again == first


@_SLOW
@given(berichten())
def test_to_xml_is_deterministic_and_stable(bericht: Any) -> None:
    if not _carryable(bericht):
        return
    data = to_xml(bericht)
    assert to_xml(parse_xml(data)) == data


@settings(max_examples=300, deadline=None)
@given(
    verwijzingen(),
    st.text(
        # Any text the protocol allows (no control characters but tab, LF and CR).
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
        | st.sampled_from("\t\n\r"),
        min_size=1,
        max_size=200,
    ),
)
def test_any_text_xml_can_carry_survives(bericht: Verwijzing, toelichting: str) -> None:
    """Markup characters, CR, tabs, white space at either end, any script: all come back."""
    bericht = bericht.model_copy(update={"toelichting": toelichting})
    try:
        data = to_xml(bericht)
    except InvalidLocalMessage as exc:
        assert [v.code for v in exc.violations] == ["xml_teken_ongeldig"]
        assert [v.pointer for v in exc.violations] == ["/toelichting"]
        return
    assert parse_xml(data).toelichting == toelichting


@pytest.mark.parametrize("teken", ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\uffff", "\ud800"])
def test_text_xml_cannot_carry_is_a_local_error(teken: str) -> None:
    bericht = parse_json((EXAMPLES / "verwijzing-huur-bgs-crisis.json").read_bytes())
    bericht = bericht.model_copy(update={"toelichting": f"a{teken}b"})
    with pytest.raises(InvalidLocalMessage) as caught:
        to_xml(bericht)
    assert [(v.pointer, v.code) for v in caught.value.violations] == [
        ("/toelichting", "xml_teken_ongeldig")
    ]


def test_the_wire_form() -> None:
    bericht = parse_json((EXAMPLES / "verwijzing-huur-bgs-crisis.json").read_bytes())
    data = to_xml(bericht)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<Verwijzing xmlns=")
    root = etree.fromstring(data)
    assert root.tag == f"{{{NAMESPACE}}}Verwijzing"
    names = [etree.QName(child).localname for child in root]
    wire = [k for k in json.loads(bericht.to_json()) if k != "berichttype"]
    assert names == [k for k in wire if k in names]  # schema order, JSON names
    assert b"\n" not in data.split(b"\n", 1)[1]  # compact unless asked
    assert to_xml(bericht, pretty=True).count(b"\n") > 40


def test_a_required_empty_array_survives() -> None:
    """``fouten: []`` travels as no element at all and comes back as []."""
    path = EXAMPLES / "foutbericht.json"
    document = json.loads(path.read_bytes())
    document["fouten"] = []
    bericht = parse_json(json.dumps(document).encode())
    assert b"<fouten>" not in to_xml(bericht)
    assert parse_xml(to_xml(bericht)).to_json() == bericht.to_json()


# -- the spec's examples ----------------------------------------------------------------------


@pytest.mark.parametrize("path", valid_examples(), ids=lambda p: p.stem)
def test_every_valid_example_has_an_xml_twin_that_validates(path: Path) -> None:
    twin = path.with_suffix(".xml")
    data = twin.read_bytes()
    assert _xsd_errors(data) == []
    from_json = parse_json(path.read_bytes())
    assert parse_xml(data) == from_json
    assert parse_xml(data).to_json() == from_json.to_json()


def test_no_xml_example_without_its_json() -> None:
    orphans = [p.name for p in EXAMPLES.glob("*.xml") if not p.with_suffix(".json").exists()]
    assert orphans == []


# -- XSD facets and model rules agree -------------------------------------------------------

_BASE = parse_json((EXAMPLES / "verwijzing-zorg-bsn.json").read_bytes())
_PROBES: dict[str, str] = {
    "/afzender/naam": "Naam",
    "/hulpvrager/bsn": "Bsn",
    "/hulpvrager/adres/postcode": "Postcode",
    "/hulpvrager/adres/huisletter": "Huisletter",
    "/hulpvrager/adres/straatnaam": "straatnaam",
    "/hulpvrager/telefoonnummer": "Telefoonnummer",
    "/hulpvrager/email": "Email",
    "/achterstand/klantnummer": "Referentie",
    "/achterstand/bedrag/waarde": "Bedrag",
    "/toelichting": "Tekst",
}
_FACET_CODES = {"patroon", "te_kort", "te_lang", "bedrag_formaat", "tekst_verwacht"}

_probe_text = st.one_of(
    st.text(
        alphabet=st.sampled_from(
            [*"09AZaz ._:/-@+\t\n\r", "\xa0", "\u2003", "\u3000", "\x85", "é", "ß", "𝔘"]
        ),
        max_size=14,
    ),
    st.from_regex(r"\A[1-9][0-9]{3}[A-Z]{2}\Z"),
    st.from_regex(r"\A[0-9]{1,10}\.[0-9]{1,3}\Z"),
    st.from_regex(r"\A\S{1,5}@\S{1,5}\.\S{1,3}\Z"),
)


def _set(document: dict[str, Any], pointer: str, value: str) -> None:
    *parents, last = pointer.strip("/").split("/")
    for part in parents:
        document = document[part]
    document[last] = value


def _element_text_xml(pointer: str, value: str) -> bytes:
    """The base message as XML with one element's text replaced (escaped by lxml itself)."""
    root = etree.fromstring(to_xml(_BASE))
    node = root
    for part in pointer.strip("/").split("/"):
        found = node.find(f"{{{NAMESPACE}}}{part}")
        if found is None:
            found = etree.SubElement(node, f"{{{NAMESPACE}}}{part}")
        node = found
    node.text = value
    return etree.tostring(root)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(_PROBES)), _probe_text)
def test_xsd_facets_accept_exactly_what_the_models_accept(pointer: str, value: str) -> None:
    """For constrained texts the XSD and the models (hence the JSON Schemas) draw the same line."""
    if any(ord(c) < 0x20 and c not in "\t\n\r" for c in value):
        return
    document = json.loads(_BASE.to_json())
    _set(document, pointer, value)
    try:
        parse_json(json.dumps(document).encode())
        model_says_ok = True
    except InvalidPeerMessage as exc:
        codes = {v.code for v in exc.violations if v.pointer == pointer}
        if not codes & _FACET_CODES:
            return  # refused by a rule beyond the facets (checksum, never-issued postcode...)
        model_says_ok = False
    if pointer == "/toelichting" and not value:
        return  # an empty element: minLength in both, tested separately below
    xsd_says_ok = not _xsd_errors(_element_text_xml(pointer, value))
    assert xsd_says_ok == model_says_ok, f"{pointer} = {value!r}"


_FOUTBERICHT = parse_json((EXAMPLES / "foutbericht.json").read_bytes())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="/~01a", max_size=8))
def test_the_json_pointer_facet_agrees(pointer: str) -> None:
    """libxml2 mis-compiles ``(/([^/])*)*`` (it accepts 'a'); the generator rewrites such patterns."""
    document = json.loads(_FOUTBERICHT.to_json())
    document["fouten"][0]["pointer"] = pointer
    try:
        parse_json(json.dumps(document).encode())
        model_says_ok = True
    except InvalidPeerMessage:
        model_says_ok = False
    root = etree.fromstring(to_xml(_FOUTBERICHT))
    node = root.find(f"{{{NAMESPACE}}}fouten/{{{NAMESPACE}}}pointer")
    assert node is not None
    node.text = pointer
    assert (not _xsd_errors(etree.tostring(root))) == model_says_ok, repr(pointer)


def test_an_empty_text_is_too_short_in_both() -> None:
    data = _element_text_xml("/toelichting", "")
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_xml(data)
    assert ("/toelichting", "te_kort") in {(v.pointer, v.code) for v in caught.value.violations}


def _text_at(pointer: str) -> str:
    node = etree.fromstring(to_xml(_BASE))
    for part in pointer.strip("/").split("/"):
        node = node.find(f"{{{NAMESPACE}}}{part}")  # type: ignore[assignment]
    return node.text or ""


@pytest.mark.parametrize(
    ("pointer", "change"),
    [
        ("/crisissignaal", lambda v: "1" if v == "true" else "0"),
        ("/crisissignaal", str.upper),
        ("/hulpvrager/adres/huisnummer", lambda v: "+" + v),
        ("/hulpvrager/adres/huisnummer", lambda v: "0" + v),
        ("/hulpvrager/geboortedatum", lambda v: v + "Z"),
        ("/aangemaaktOp", lambda v: v.rstrip("Z")),
        ("/aangemaaktOp", lambda v: v.replace("T", " ")),
        ("/aangemaaktOp", lambda v: v.lower()),
        ("/berichtId", lambda v: "{" + v + "}"),
        ("/achterstand/bedrag/waarde", lambda v: v[:-1]),
    ],
)
def test_lexical_forms_outside_the_protocol_are_refused(pointer: str, change: Any) -> None:
    """XSD built-in types allow more lexical forms than JSON; the XSD narrows them with patterns."""
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_xml(_element_text_xml(pointer, change(_text_at(pointer))))
    assert {v.pointer for v in caught.value.violations} == {pointer}


@pytest.mark.parametrize("pointer", ["/crisissignaal", "/hulpvrager/geboortedatum"])
def test_white_space_around_typed_values_is_collapsed_as_xsd_says(pointer: str) -> None:
    data = _element_text_xml(pointer, f"\n   {_text_at(pointer)}\t ")
    assert parse_xml(data) == _BASE


# -- an independent XSD consumer agrees ---------------------------------------------------------


def _wire(obj: Any, shape: Any) -> dict[str, Any]:
    """An xsdata object as the JSON wire document (XML names are the JSON names)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        wire = f.metadata.get("name", f.name)
        value = getattr(obj, f.name)
        if value is None or value == ():
            continue
        out[wire] = _wire_value(value, shape.elements[f"{{{NAMESPACE}}}{wire}"].shape)
    for wire in shape.required_lists:
        out.setdefault(wire, [])
    return out


def _wire_value(value: Any, shape: Any) -> Any:
    if type(value) in (tuple, list):  # not isinstance: XmlDate and XmlDateTime are tuples too
        return [_wire_value(v, shape) for v in value]
    if dataclasses.is_dataclass(value):
        return _wire(value, shape)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (bool, int)):
        return value
    return str(value)  # XmlDate, XmlDateTime, Decimal, str


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(berichten())
def test_xsdata_bindings_read_our_xml_as_the_same_message(bericht: Any) -> None:
    from xsdata.formats.dataclass.parsers import XmlParser
    from xsdata.formats.dataclass.serializers import XmlSerializer

    from warm_referral.codec.xml import bindings as _bindings
    from warm_referral.codec.xml._vocabulary import shape_of

    if not _carryable(bericht):
        return
    binding = getattr(_bindings, bericht.berichttype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # xsdata warns instead of failing on conversion errors
        obj = XmlParser().from_bytes(to_xml(bericht), binding)
    cls = BERICHTTYPES[bericht.berichttype]
    document = {"berichttype": bericht.berichttype, **_wire(obj, shape_of(cls))}
    assert parse_json(json.dumps(document).encode()) == bericht
    # ... and what xsdata writes from its objects, we read as the same message.
    assert parse_xml(XmlSerializer().render(obj).encode()) == bericht


def test_parsing_from_many_threads_at_once() -> None:
    """Parsers and the compiled XSD are per thread; concurrent parses do not mix."""
    from concurrent.futures import ThreadPoolExecutor

    documents = [
        (p.with_suffix(".xml").read_bytes(), parse_json(p.read_bytes())) for p in valid_examples()
    ]
    invalid = (EXAMPLES / "ongeldig" / "meerdere-fouten.xml").read_bytes()

    def work(i: int) -> bool:
        data, expected = documents[i % len(documents)]
        if parse_xml(data) != expected:
            return False
        try:
            parse_xml(invalid)
        except InvalidPeerMessage as exc:
            return len(exc.violations) == 4
        return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(400)))
