"""Turn untrusted bytes into an lxml tree, or refuse them with a violation that names the problem.

XML parsing is a classic attack surface (entity expansion, external entities, DTD and XInclude
fetches, pathological sizes), and xsdata's own lxml handler parses with ``recover=True``: it
returns whatever object it ended with instead of failing (see ``docs/xml.md``). So this module
parses first, with every dangerous feature off and no recovery:

- a size cap before any parsing;
- UTF-8 only (the parser's encoding is forced, so no auto-detection of UTF-16 or EBCDIC);
- any DOCTYPE refused, found in the prolog before libxml2 sees it and checked again after;
- no DTD loading, no entity resolution, no network, libxml2's default limits (no ``huge_tree``:
  depth 256, text nodes 10 MB), no recovery; comments and processing instructions are dropped.

Violations use JSON pointer ``""`` (the whole document) and the melding gives line and column.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from ...errors import InvalidPeerMessage, Violation

__all__ = ["MAX_XML_BYTES", "parse_document", "refuse"]

#: Larger documents are refused before parsing. A Verwijzing is a few kilobytes of XML; the cap
#: leaves room for a Foutbericht with many violations, and bounds the parser's time and memory.
MAX_XML_BYTES = 2_000_000

_UTF8_BOM = b"\xef\xbb\xbf"
_WHITE_SPACE = re.compile(rb"[ \t\r\n]*")
_ENCODING = re.compile(rb"""\A<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


def refuse(code: str, melding: str, pointer: str = "") -> InvalidPeerMessage:
    """The error for one violation (raise it)."""
    return InvalidPeerMessage([Violation(pointer, code, melding)])


class _Parsers(threading.local):
    """lxml parser objects are not meant to be shared between threads: one per thread."""

    parser: etree.XMLParser | None = None


_LOCAL = _Parsers()


def hardened_parser() -> etree.XMLParser:
    """This thread's parser with every feature that reaches outside the document switched off."""
    parser = _LOCAL.parser
    if parser is None:
        parser = etree.XMLParser(
            encoding="utf-8",  # never auto-detect; the bytes were checked to be UTF-8
            resolve_entities=False,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            no_network=True,
            huge_tree=False,
            recover=False,
            remove_comments=True,
            remove_pis=True,
            strip_cdata=True,
            collect_ids=False,
            compact=True,
        )
        _LOCAL.parser = parser
    return parser


def _prolog_end(body: bytes) -> int:
    """Where the prolog's white space, XML declaration, comments and processing instructions end:
    a DOCTYPE can only come there. Linear in the length, each part skipped with a C-level search."""
    position = 0
    while True:
        match = _WHITE_SPACE.match(body, position)
        position = match.end() if match else position
        if body.startswith(b"<?", position):
            end = body.find(b"?>", position + 2)
            closing = 2
        elif body.startswith(b"<!--", position):
            end = body.find(b"-->", position + 4)
            closing = 3
        else:
            return position
        if end < 0:  # unterminated: not well-formed, the parser will say so
            return position
        position = end + closing


def _check_bytes(data: bytes) -> None:
    if len(data) > MAX_XML_BYTES:
        raise refuse(
            "xml_te_groot",
            f"the document is {len(data)} bytes; at most {MAX_XML_BYTES} are accepted",
        )
    if not data.strip(b" \t\r\n"):
        raise refuse("xml_leeg", "the document is empty")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(
            "xml_codering", f"the document is not valid UTF-8 (byte offset {exc.start})"
        ) from None
    if b"\x00" in data:  # never allowed in XML; also what UTF-16 and UTF-32 look like
        raise refuse("xml_codering", "the document contains a NUL byte; XML messages are UTF-8")
    body = data[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    declared = _ENCODING.match(body)
    if declared and declared.group(1).lower() != b"utf-8":
        name = declared.group(1).decode("ascii", "replace")
        raise refuse("xml_codering", f"the document declares encoding {name!r}; use UTF-8")
    if body.startswith(b"<!DOCTYPE", _prolog_end(body)):
        raise refuse(
            "xml_doctype",
            "the document has a DOCTYPE; DTDs and entity declarations are not accepted",
        )


def _syntax_violation(exc: etree.XMLSyntaxError) -> InvalidPeerMessage:
    # exc.msg and exc.position are this parse's; exc.error_log may hold older entries of the
    # thread's global log (measured with lxml 6.1), so it is not used.
    line, column = exc.position
    message = (exc.msg or "").strip()
    where = message if ", line " in message else f"line {line}, column {column}: {message}"
    lowered = message.lower()
    if "excessive depth" in lowered:
        return refuse("xml_te_diep_genest", f"the document is nested too deeply ({where})")
    if "entity" in lowered:
        return refuse("xml_entiteit", f"entity references are not accepted ({where})")
    if "huge" in lowered or "too long" in lowered or "too large" in lowered:
        return refuse(
            "xml_te_groot", f"a part of the document exceeds the parser's limits ({where})"
        )
    if "document is empty" in lowered or "start tag expected" in lowered:
        return refuse("xml_leeg", f"the document has no root element ({where})")
    return refuse("xml_niet_welgevormd", f"the document is not well-formed XML ({where})")


def parse_document(data: bytes) -> etree._Element:
    """The root element of ``data``, parsed with :func:`hardened_parser`.

    Raises :class:`~warm_referral.errors.InvalidPeerMessage` (codes ``xml_leeg``,
    ``xml_te_groot``, ``xml_codering``, ``xml_doctype``, ``xml_entiteit``,
    ``xml_te_diep_genest``, ``xml_niet_welgevormd``) for anything that is not a well-formed,
    DTD-free UTF-8 document.
    """
    _check_bytes(data)
    try:
        root = etree.fromstring(data, hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_violation(exc) from None
    if root is None:  # lxml returns None for some documents with recover; never without it
        raise refuse("xml_leeg", "the document has no root element")
    docinfo = root.getroottree().docinfo  # defence in depth: the prolog check already refused it
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise refuse("xml_doctype", "the document has a DOCTYPE; DTDs are not accepted")
    return root
