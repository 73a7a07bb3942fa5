"""The XML encoding of warm-referral messages: the same messages as JSON, without loss.

Element names are the JSON member names, one root element per ``berichttype``, in the namespace
:data:`NAMESPACE`; the XSD is ``spec/v1/xsd/warme-doorverwijzing.xsd`` (also shipped in this
package). Parsing is hardened against hostile input and refuses anything wrong with
:class:`~warm_referral.errors.InvalidPeerMessage`::

    from warm_referral import parse_xml, to_xml
    bericht = parse_xml(data)        # any message type
    data = to_xml(bericht)           # bytes, UTF-8

See ``docs/xml.md`` for the mapping, the hardening and the measurements behind it.
"""

from __future__ import annotations

from ._vocabulary import NAMESPACE, XSD_FILENAME
from .codec import parse_xml, to_xml, xml_schema
from .convert import json_to_xml, xml_to_json
from .hardened import MAX_XML_BYTES

__all__ = [
    "MAX_XML_BYTES",
    "NAMESPACE",
    "XSD_FILENAME",
    "json_to_xml",
    "parse_xml",
    "to_xml",
    "xml_schema",
    "xml_to_json",
]
