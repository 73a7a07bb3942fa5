"""xsdata dataclasses of every message type, generated from the XSD: for systems that already use
xsdata, an optional extra (``pip install 'warm-referral[xsdata]'``); the library never uses them.

What they are for: building or reading the XML of a message with xsdata's own serializer and
parser in a system that works with xsdata objects, and cross-checking (our tests read every XML
message we write with them, so an independent XSD-driven consumer agrees with us). What they are
not for: parsing bytes from a peer. xsdata's parser recovers from broken XML and does not check
the XSD's facets (``docs/xml.md``); parse untrusted bytes with :func:`warm_referral.parse_xml`,
which refuses hostile and invalid documents, and hand xsdata only what it accepted::

    from xsdata.formats.dataclass.parsers import XmlParser
    from warm_referral import parse_xml, to_xml
    from warm_referral.codec.xml import bindings

    bericht = parse_xml(data)                              # hardened, validated
    obj = XmlParser().from_bytes(to_xml(bericht), getattr(bindings, bericht.berichttype))

The generated code lives in ``_bindings/`` (``python tools/generate.py xml-bindings``; never edit).
"""

from __future__ import annotations

try:
    from ._bindings import *  # noqa: F403 - the generated module's names are the public ones
    from ._bindings import __all__ as __all__
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
    if exc.name != "xsdata" and not (exc.name or "").startswith("xsdata."):
        raise
    raise ModuleNotFoundError(
        "warm_referral.codec.xml.bindings needs xsdata, an optional extra: "
        "pip install 'warm-referral[xsdata]'",
        name=exc.name,
    ) from exc
