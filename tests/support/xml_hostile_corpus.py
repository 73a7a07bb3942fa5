"""The hostile-XML corpus: each case, the violation code it must raise, and how it is built.

Small classic attacks are files in ``tests/support/hostile_xml/`` (readable specimens other implementers can
reuse); large ones are generated here, so the repository holds no 50 MB file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from paths import EXAMPLES

HERE = Path(__file__).resolve().parent
SPECIMENS = HERE / "hostile_xml"
VALID = EXAMPLES / "verwijzing-huur-bgs-crisis.xml"
NS = b"https://standaarden.nvvk.nl/warme-doorverwijzing/v1"
ROOT_TAG = b'<Verwijzing xmlns="' + NS + b'">'


@dataclass(frozen=True)
class Case:
    name: str
    code: str
    """The violation code the library must raise (the first one, where several are listed)."""
    build: Callable[[], bytes]


def valid() -> bytes:
    return VALID.read_bytes()


def _specimen(name: str) -> Callable[[], bytes]:
    return lambda: (SPECIMENS / name).read_bytes()


def _deep_nesting() -> bytes:
    return ROOT_TAG + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</Verwijzing>"


def _text_node_50_mb() -> bytes:
    text = b"<toelichting>" + b"A" * 50_000_000 + b"</toelichting>"
    return valid().replace(b"</Verwijzing>", text + b"</Verwijzing>")


def _attributes_100k() -> bytes:
    attributes = b" ".join(b'a%d="x"' % i for i in range(100_000))
    return valid().replace(ROOT_TAG, b'<Verwijzing xmlns="' + NS + b'" ' + attributes + b">")


def _elements_100k() -> bytes:
    return valid().replace(b"</Verwijzing>", b"<x/>" * 100_000 + b"</Verwijzing>")


def _repeated_member() -> bytes:
    item = b"<factuurnummers>F-1</factuurnummers>"
    return valid().replace(b"<klantnummer>", item * 40_000 + b"<klantnummer>")


def _invalid_items() -> bytes:
    """A Foutbericht with its maximum of 1000 fouten, each with an invalid pointer."""
    body = (VALID.parent / "foutbericht.xml").read_bytes()
    start, end = body.index(b"<fouten>"), body.index(b"</fouten>") + len(b"</fouten>")
    item = b"<fouten><pointer>geen</pointer><code>c</code><melding>m</melding></fouten>"
    return body[:start] + item * 1000 + body[end:]


def _truncated() -> bytes:
    body = valid()
    return body[: len(body) // 2]


def _xinclude() -> bytes:
    include = (
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
        b'parse="text"/>'
    )
    return valid().replace(b"</Verwijzing>", include + b"</Verwijzing>")


def _entity_without_dtd() -> bytes:
    return valid().replace(b"<woonplaats>", b"<woonplaats>&geheim;")


CASES: tuple[Case, ...] = (
    Case("billion laughs", "xml_doctype", _specimen("billion-laughs.xml")),
    Case("quadratic blow-up", "xml_doctype", _specimen("quadratic-blowup.xml")),
    Case("XXE to a local file", "xml_doctype", _specimen("xxe-local-file.xml")),
    Case("XXE to a URL", "xml_doctype", _specimen("xxe-url.xml")),
    Case("external DTD", "xml_doctype", _specimen("external-dtd.xml")),
    Case("parameter entities", "xml_doctype", _specimen("parameter-entities.xml")),
    Case("DOCTYPE after a comment", "xml_doctype", _specimen("doctype-after-comment.xml")),
    Case(
        "DOCTYPE after 350k processing instructions",
        "xml_doctype",
        lambda: b"<?a?>" * 350_000 + b"<!DOCTYPE x><x/>",
    ),
    Case("entity reference without DTD", "xml_entiteit", _entity_without_dtd),
    Case("XInclude", "xml_xinclude", _xinclude),
    Case("deep nesting", "xml_te_diep_genest", _deep_nesting),
    Case("50 MB text node", "xml_te_groot", _text_node_50_mb),
    Case("100k attributes", "xml_attribuut", _attributes_100k),
    Case("100k unknown elements", "onbekend_veld", _elements_100k),
    Case("40k repeats of a member", "te_veel", _repeated_member),
    Case("1000 invalid items", "patroon", _invalid_items),
    Case("truncated document", "xml_niet_welgevormd", _truncated),
    Case(
        "wrong root",
        "berichttype_onbekend",
        lambda: valid().replace(b"Verwijzing", b"Vroegsignaal"),
    ),
    Case("foreign root", "xml_namespace", lambda: b"<html><body>hallo</body></html>"),
    Case("wrong namespace", "xml_namespace", lambda: valid().replace(NS, b"urn:elders")),
    Case("no namespace", "xml_namespace", lambda: valid().replace(b' xmlns="' + NS + b'"', b"")),
    Case("invalid UTF-8", "xml_codering", lambda: valid().replace(b"Vries", b"Vr\xc3\x28es")),
    Case("UTF-16", "xml_codering", lambda: valid().decode().encode("utf-16")),
    Case("declared Latin-1", "xml_codering", lambda: valid().replace(b"UTF-8", b"ISO-8859-1", 1)),
    Case("NUL byte", "xml_codering", lambda: valid().replace(b"Vries", b"Vr\x00es")),
    Case("empty input", "xml_leeg", lambda: b""),
    Case("only white space", "xml_leeg", lambda: b" \r\n\t "),
)
