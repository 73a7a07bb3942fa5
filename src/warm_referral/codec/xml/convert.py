"""Convert a message between its two wire forms; both directions validate fully on the way."""

from __future__ import annotations

from ..json_codec import parse_json
from .codec import parse_xml, to_xml

__all__ = ["json_to_xml", "xml_to_json"]


def json_to_xml(data: bytes, *, pretty: bool = False) -> bytes:
    """The XML form of a JSON message (raises ``InvalidPeerMessage`` when the JSON is invalid)."""
    return to_xml(parse_json(data), pretty=pretty)


def xml_to_json(data: bytes) -> bytes:
    """The canonical JSON form of an XML message (raises ``InvalidPeerMessage`` when invalid)."""
    return parse_xml(data).to_json()
