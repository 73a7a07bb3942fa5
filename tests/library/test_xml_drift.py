"""The XSD, the xsdata bindings and the XML examples match their generators (tools/generate.py).

Regenerate with ``python tools/generate.py xsd xml-bindings xml-examples``. The bindings need the
xsdata and ruff versions named in their header (pinned in pyproject.toml).
"""

from __future__ import annotations

import importlib.util
import sys

from lxml import etree
from paths import ROOT

from warm_referral.codec.xml import NAMESPACE, XSD_FILENAME, xml_schema
from warm_referral.models import BERICHTTYPES

ARTIFACTS = ["xsd", "xml-bindings", "xml-examples"]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", ROOT / "tools" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    return module


def test_xml_artifacts_are_up_to_date() -> None:
    stale = _generator().stale_files(ARTIFACTS)
    assert not stale, f"stale, run `python tools/generate.py {' '.join(ARTIFACTS)}`: {stale}"


def test_the_package_ships_the_published_xsd() -> None:
    published = ROOT / "spec" / "v1" / "xsd" / XSD_FILENAME
    shipped = ROOT / "src" / "warm_referral" / "codec" / "xml" / XSD_FILENAME
    assert shipped.read_bytes() == published.read_bytes()


def test_the_xsd_declares_one_root_element_per_message_type() -> None:
    xsd = etree.parse(str(ROOT / "spec" / "v1" / "xsd" / XSD_FILENAME)).getroot()
    assert xsd.get("targetNamespace") == NAMESPACE
    roots = [e.get("name") for e in xsd.iterfind("{http://www.w3.org/2001/XMLSchema}element")]
    assert roots == list(BERICHTTYPES)
    assert xml_schema() is not None  # compiles


def test_the_bindings_cover_every_message_type() -> None:
    from warm_referral.codec.xml import bindings as _bindings

    for name in BERICHTTYPES:
        binding = getattr(_bindings, name)
        assert binding.Meta.namespace == NAMESPACE
