"""The XML wire form: ``parse_xml`` for anything that arrives, ``to_xml`` to send.

Parsing runs four gates, each refusing with :class:`~warm_referral.errors.InvalidPeerMessage`:

1. :func:`~warm_referral.codec.xml.hardened.parse_document`: size cap, UTF-8, no DOCTYPE, no entities,
   no network, no recovery;
2. the root element must be a message type in the protocol's namespace;
3. XSD validation (the facets of the JSON Schemas, in XSD) before anything is bound;
4. binding into the message class the root names, validated by the same pydantic models as JSON,
   so cross-field rules give the same violation codes in both encodings.

Binding walks the validated lxml tree directly (see ``docs/xml.md`` for why not xsdata's parser).
When the XSD refuses a document, the tree is also bound leniently and checked by the models, so
that where the models can tell what is wrong the peer gets the same codes and JSON pointers as for
the same mistake in JSON; what only the XSD catches (element order, XML-only lexical forms) is
reported as ``xml_xsd`` with a JSON pointer to the element.
"""

from __future__ import annotations

import json
import re
import threading
from importlib.resources import files
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from lxml import etree
from pydantic import ValidationError

from ...errors import InvalidLocalMessage, InvalidPeerMessage, Violation
from ...models import BERICHTTYPES
from ...models._base import WIRE_CONTEXT
from ...models.violations import MAX_VIOLATIONS, json_pointer, violations_from_pydantic
from ._vocabulary import NAMESPACE, OBJECT, TEXT, XSD_FILENAME, Shape, shape_of
from .hardened import parse_document, refuse

if TYPE_CHECKING:
    from ...models import Bericht, Message

__all__ = ["MAX_VIOLATIONS", "MAX_XSD_VIOLATIONS", "parse_xml", "to_xml", "xml_schema"]

#: At most this many XSD violations are listed, out of at most ``_XSD_ENTRIES_READ`` errors read:
#: a hostile document can make libxml2 report one error per attribute or element.
MAX_XSD_VIOLATIONS = 100
_XSD_ENTRIES_READ = 1000

_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_XSI_NIL = _XSI + "nil"
_XINCLUDE = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")
_NO_XINCLUDE = "XInclude is not accepted (and never processed)"
_ROOTS: dict[str, tuple[type[Bericht], Shape]] = {
    f"{{{NAMESPACE}}}{name}": (cls, shape_of(cls)) for name, cls in BERICHTTYPES.items()
}


class _Schemas(threading.local):
    """The compiled XSD, one per thread (an lxml validator keeps per-call state)."""

    schema: etree.XMLSchema | None = None


_LOCAL = _Schemas()


def xml_schema() -> etree.XMLSchema:
    """The protocol's XSD, compiled from the copy shipped in this package."""
    schema = _LOCAL.schema
    if schema is None:
        source = files(__package__).joinpath(XSD_FILENAME).read_bytes()
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        schema = etree.XMLSchema(etree.fromstring(source, parser))
        _LOCAL.schema = schema
    return schema


# -- parsing -------------------------------------------------------------------------------


def parse_xml(data: bytes | bytearray | memoryview) -> Message:
    """Parse and validate one message of any type from XML; the peer is blamed for anything wrong.

    Raises :class:`~warm_referral.errors.InvalidPeerMessage` listing the violations, whatever the
    input; no other exception escapes.
    """
    if not isinstance(data, bytes):
        data = bytes(data)
    root = parse_document(data)
    cls, shape = _root_class(root)
    if data.count(b"=") > _FEW_ATTRIBUTES:  # a cheap trigger for the exact check
        _refuse_attributes(root, shape)
    schema = xml_schema()
    if not schema.validate(root):
        raise InvalidPeerMessage(_diagnose(root, shape, schema.error_log))
    try:
        # No WIRE_CONTEXT here: its only check (optional members present as null) cannot fire,
        # because XML has no null and this binder never produces None; leaving it out saves a
        # fifth of the binding time. The lenient binder (xsi:nil) does use it.
        bericht = cls.__pydantic_validator__.validate_python(_bind(root, shape))
    except ValidationError as exc:
        raise InvalidPeerMessage(violations_from_pydantic(exc)) from None
    if type(bericht) is not cls:  # the bound type is the one the root element names
        raise refuse("xml_type", f"bound a {type(bericht).__name__}, expected {cls.__name__}")
    return bericht  # type: ignore[return-value]


#: Attributes XML Schema lets any instance carry; only hints, which validation ignores.
_XSI_HINTS = frozenset({_XSI + "schemaLocation", _XSI + "noNamespaceSchemaLocation", _XSI_NIL})
#: A document with more '=' bytes than this might carry many attributes: check them exactly before
#: the XSD does. libxml2 reports one error per attribute and lxml keeps every report (100 000
#: attributes in 1 MB cost 130 MB of error log, measured); up to this many, the XSD's report is
#: small and ``_diagnose`` names them.
_FEW_ATTRIBUTES = 64
_WITH_ATTRIBUTES = etree.XPath("descendant-or-self::*[@*]")


def _attribute_violations(root: etree._Element, shape: Shape) -> list[Violation]:
    """Every element carrying attributes (the protocol uses none), or XInclude, up to a limit."""
    violations: list[Violation] = []
    found = _WITH_ATTRIBUTES(root)
    for node in found if isinstance(found, list) else ():
        if not isinstance(node, etree._Element):
            continue
        names = [str(a) for a in node.attrib if str(a) not in _XSI_HINTS]
        if names and etree.QName(node).namespace in _XINCLUDE:
            violations.append(Violation(_pointer(node, shape), "xml_xinclude", _NO_XINCLUDE))
        elif names:
            listed = ", ".join(etree.QName(a).localname for a in names[:3])
            violations.append(
                Violation(
                    _pointer(node, shape),
                    "xml_attribuut",
                    f"the element has {len(names)} attribute(s) ({listed}"
                    f"{', ...' if len(names) > 3 else ''}); messages use elements only",
                )
            )
        if len(violations) == MAX_XSD_VIOLATIONS:
            break
    return violations


def _refuse_attributes(root: etree._Element, shape: Shape) -> None:
    violations = _attribute_violations(root, shape)
    if violations:
        raise InvalidPeerMessage(violations)


def _root_class(root: etree._Element) -> tuple[type[Bericht], Shape]:
    found = _ROOTS.get(root.tag)
    if found is not None:
        return found
    qname = etree.QName(root)
    if qname.namespace in _XINCLUDE:
        raise refuse("xml_xinclude", _NO_XINCLUDE)
    if qname.namespace != NAMESPACE:
        where = f"namespace {qname.namespace!r}" if qname.namespace else "no namespace"
        raise refuse(
            "xml_namespace",
            f"the root element {qname.localname!r} is in {where}; messages are in {NAMESPACE!r}",
        )
    raise refuse(
        "berichttype_onbekend",
        f"root element {qname.localname!r} is not a message type of specVersie 1.0",
        "/berichttype",
    )


def _bind(element: etree._Element, shape: Shape) -> dict[str, Any]:
    """Members of an XSD-valid element: text for scalars, dicts for objects, lists for arrays.

    The hot loop of parsing (measured in ``bench/bench_xml.py``), hence plain tuples.
    """
    out: dict[str, Any] = {}
    table = shape.table
    for child in element:
        wire, kind, repeated, nested = table[child.tag]
        if kind == TEXT:
            value: Any = child.text or ""
        elif kind == OBJECT:
            value = _bind(child, nested)  # type: ignore[arg-type]
        else:
            value = (child.text or "").strip(" \t\r\n")
        if repeated:
            if wire in out:
                out[wire].append(value)
            else:
                out[wire] = [value]
        else:
            out[wire] = value
    if shape.required_lists:
        for wire in shape.required_lists:
            out.setdefault(wire, [])
    return out


# -- diagnosing a document the XSD refused ---------------------------------------------------


def _member_name(node: etree._Element) -> str:
    """How an element not in the vocabulary is named in a JSON pointer: as written (with prefix)."""
    qname = etree.QName(node)
    if qname.namespace == NAMESPACE:
        return qname.localname
    if node.prefix:
        return f"{node.prefix}:{qname.localname}"
    return node.tag if qname.namespace else qname.localname


_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,17})")


def _bind_leniently(element: etree._Element, shape: Shape) -> dict[str, Any]:
    """Like :func:`_bind`, for any tree, giving the JSON document the XML stands for.

    Unknown elements become unknown members (the models refuse them as ``onbekend_veld``),
    ``xsi:nil`` becomes null, a repeated single member keeps the first, and booleans and integers
    become JSON ones only when written as JSON would (else they stay text, which the models refuse
    with the code JSON would get).
    """
    out: dict[str, Any] = {}
    unknown: set[str] = set()  # a hostile document may repeat one unknown element 100 000 times
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        member = shape.elements.get(tag)
        if member is None:
            if tag not in unknown:
                unknown.add(tag)
                out.setdefault(_member_name(child), "")
            continue
        value: Any
        if child.get(_XSI_NIL) in ("true", "1"):
            value = None
        elif member.shape is not None:
            value = _bind_leniently(child, member.shape)
        else:
            value = child.text or ""
            if member.collapse:
                value = value.strip(" \t\r\n")
            if member.json_type is bool and value in ("true", "false"):
                value = value == "true"
            elif member.json_type is int and _INTEGER.fullmatch(value):
                value = int(value)
        if member.repeated:
            items = out.setdefault(member.wire, [])
            if isinstance(items, list):
                items.append(value)
        else:
            out.setdefault(member.wire, value)
    for wire in shape.required_lists:
        out.setdefault(wire, [])
    return out


def _pointer(
    element: etree._Element,
    shape: Shape,
    positions: dict[etree._Element, dict[etree._Element, int]] | None = None,
) -> str:
    """The JSON pointer of an element: member names from the root, array items by index.

    ``positions`` caches each parent's item indexes, so that many pointers into one long array
    (a hostile document's) cost linear time, not quadratic.
    """
    path: list[etree._Element] = []
    node: etree._Element | None = element
    while node is not None:
        path.append(node)
        node = node.getparent()
    path.reverse()
    parts: list[str | int] = []
    current: Shape | None = shape
    cache = {} if positions is None else positions
    for parent, node in pairwise(path):
        member = current.elements.get(node.tag) if current is not None else None
        if member is None:
            parts.append(_member_name(node))
            current = None
            continue
        parts.append(member.wire)
        if member.repeated:
            indexes = cache.get(parent)
            if indexes is None:
                counts: dict[str, int] = {}
                indexes = {}
                for child in parent:
                    tag = child.tag
                    if isinstance(tag, str):
                        indexes[child] = counts.get(tag, 0)
                        counts[tag] = indexes[child] + 1
                cache[parent] = indexes
            parts.append(indexes[node])
        current = member.shape
    return json_pointer(parts)


_NS_NOISE = re.compile(r"\{" + re.escape(NAMESPACE) + r"\}")
# libxml2 quotes the offending value; it may be personal data (a BSN), so it is not echoed back.
_VALUE = re.compile(
    r"(?:[Tt]he value )?'[^']*' (is not a valid value|is not accepted|is not an element)"
)


_EXPECTED = re.compile(r"Expected is (?:one of )?\( ([^)]*) \)")


def _xsd_violation(
    root: etree._Element,
    shape: Shape,
    entry: Any,
    positions: dict[etree._Element, dict[etree._Element, int]],
) -> tuple[Violation, list[str]]:
    """The violation for one libxml2 error, and the pointers of the elements it says it expected.

    libxml2 reports a missing element at the next element present ("not expected, expected is
    one of (...)"); when the models already reported one of the expected members, that explains it.
    """
    pointer = ""
    try:
        found = root.getroottree().xpath(entry.path) if entry.path else []
    except etree.XPathError:
        found = []
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        pointer = _pointer(found[0], shape, positions)
    text = _NS_NOISE.sub("", entry.message.strip())
    expected: list[str] = []
    listed = _EXPECTED.search(text)
    if listed:
        parent = pointer.rsplit("/", 1)[0] if "Missing child" not in text else pointer
        expected = [f"{parent}/{name.strip()}" for name in listed.group(1).split(",")]
    message = _VALUE.sub(r"the value \1", text)
    return Violation(pointer, "xml_xsd", f"line {entry.line}: {message}"), expected


class _Reported:
    """The pointers the models reported, to tell quickly whether an XSD error adds anything:
    an error at, inside or above a reported element, or at an element the XSD expected instead
    of a reported one, is already explained."""

    def __init__(self, violations: list[Violation]) -> None:
        self.pointers = {v.pointer for v in violations}
        self.above = {p[:i] for p in self.pointers for i, c in enumerate(p) if c == "/"}

    def cover(self, pointer: str, expected: list[str]) -> bool:
        if pointer in self.pointers or pointer in self.above:
            return True
        if any(pointer[:i] in self.pointers for i, c in enumerate(pointer) if c == "/"):
            return True
        return any(e in self.pointers for e in expected)


def _diagnose(root: etree._Element, shape: Shape, log: Any) -> list[Violation]:
    """Every reason the XSD refused the document, in the models' words where they have them."""
    entries = list(log)
    positions: dict[etree._Element, dict[etree._Element, int]] = {}
    violations: list[Violation] = []
    violations.extend(_attribute_violations(root, shape))
    for node in root.iter(*(f"{{{ns}}}*" for ns in _XINCLUDE)):
        violation = Violation(_pointer(node, shape, positions), "xml_xinclude", _NO_XINCLUDE)
        if violation not in violations:
            violations.append(violation)
    try:  # exactly as parse_json would judge the same document
        document = json.dumps(_bind_leniently(root, shape), ensure_ascii=False)
        shape.model.model_validate_json(document, strict=True, context=WIRE_CONTEXT)
    except ValidationError as exc:
        violations.extend(violations_from_pydantic(exc)[:MAX_VIOLATIONS])
    reported = _Reported(violations)
    extra: dict[Violation, None] = {}
    for entry in entries[:_XSD_ENTRIES_READ]:
        violation, expected = _xsd_violation(root, shape, entry, positions)
        if not reported.cover(violation.pointer, expected):
            extra[violation] = None
            if len(extra) == MAX_XSD_VIOLATIONS:
                break
    violations.extend(extra)
    if len(extra) == MAX_XSD_VIOLATIONS and len(entries) > len(extra):
        violations.append(
            Violation(
                "", "xml_xsd", f"libxml2 reported {len(entries)} XSD errors; not all are listed"
            )
        )
    if not violations:  # the XSD said no but gave no reason: still refuse
        violations.append(Violation("", "xml_xsd", "the document does not match the XSD"))
    return list(dict.fromkeys(violations))[:MAX_VIOLATIONS]


# -- writing ---------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry, not even as a character reference. The check on the encoded
# output uses bytes.translate (a C loop); lone surrogates already fail to encode.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_C0_NOT_XML = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))


def _escape(text: str) -> str:
    """Element content: &, < and > as entities, CR as a reference (a parser turns a raw CR to LF)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _write(out: list[str], name: str, value: Any, indent: str | None) -> None:
    """Append ``value`` as element(s) ``name``: a dict nests, a list repeats, the rest is text."""
    kind = type(value)
    if kind is list:
        for item in value:
            _write(out, name, item, indent)
        return
    if indent is not None:
        out.append(indent)
    if kind is str:
        out.append(f"<{name}>{_escape(value)}</{name}>")
    elif kind is dict:
        out.append(f"<{name}>")
        inner = None if indent is None else indent + "  "
        for key, item in value.items():
            _write(out, key, item, inner)
        if indent is not None:
            out.append(indent)
        out.append(f"</{name}>")
    elif kind is bool:
        out.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    else:  # int: the JSON form of every other scalar is already a string
        out.append(f"<{name}>{value}</{name}>")


def _unrepresentable(node: Any, path: tuple[str | int, ...] = ()) -> str | None:
    if isinstance(node, str):
        return json_pointer(path) if _NOT_XML.search(node) else None
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return None
    for key, value in items:
        found = _unrepresentable(value, (*path, key))
        if found is not None:
            return found
    return None


def to_xml(bericht: Bericht, *, pretty: bool = False) -> bytes:
    """The XML wire form: UTF-8 with a declaration, default namespace, elements in schema order.

    Deterministic, so equal messages give equal bytes; ``pretty`` indents by two spaces (white
    space between elements carries no meaning). Raises
    :class:`~warm_referral.errors.InvalidLocalMessage` (code ``xml_teken_ongeldig``) when a text
    holds a character that XML 1.0 cannot carry (JSON can: control characters, lone surrogates).
    """
    document = bericht.model_dump(mode="json", exclude_none=True)
    berichttype = document.pop("berichttype")
    indent = "\n  " if pretty else None
    out = [f"<?xml version='1.0' encoding='UTF-8'?>\n<{berichttype} xmlns=\"{NAMESPACE}\">"]
    for key, value in document.items():
        _write(out, key, value, indent)
    out.append(f"\n</{berichttype}>\n" if pretty else f"</{berichttype}>")
    try:
        data = "".join(out).encode("utf-8")
    except UnicodeEncodeError:
        data = b"\x00"  # a lone surrogate: reported below
    if (
        len(data.translate(None, _C0_NOT_XML)) != len(data)
        or b"\xef\xbf\xbe" in data  # U+FFFE
        or b"\xef\xbf\xbf" in data  # U+FFFF
    ):
        raise InvalidLocalMessage(
            [
                Violation(
                    _unrepresentable(document) or "",
                    "xml_teken_ongeldig",
                    "the text holds a character that XML 1.0 cannot represent",
                )
            ]
        )
    return data
