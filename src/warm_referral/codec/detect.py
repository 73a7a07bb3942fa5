"""Tell XML from JSON by content, so tools accept either without being told which."""

from __future__ import annotations

from ..models import Message
from .json_codec import parse_json

__all__ = ["looks_like_xml", "parse_any"]

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_like_xml(data: bytes) -> bool:
    """True when the first meaningful byte (after a BOM and white space) is ``<``."""
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    return data.lstrip(b" \t\r\n")[:1] == b"<"


def parse_any(data: bytes) -> Message:
    """Parse a message in either wire form; errors are the same typed errors as each codec's."""
    if looks_like_xml(data):
        from .xml import parse_xml

        return parse_xml(data)
    return parse_json(data)
