"""What xsdata's own parser does with bad input, measured on this stack (xsdata 26.10, lxml 6.1).

These tests pin the behaviour ``docs/xml.md`` describes and the reason ``parse_xml`` does not hand
untrusted bytes to xsdata: its lxml handler parses with ``recover=True`` and returns whatever object
it ended with, and it does not check XSD facets. Should a future xsdata change this, a test here
fails and the documentation needs a look; the library's own safety does not depend on it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from xml_hostile_corpus import SPECIMENS, valid

from warm_referral.codec.xml import bindings as _bindings


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # xsdata warns (ConverterWarning) instead of failing
        yield


def _xsdata(data: bytes) -> Any:
    from xsdata.formats.dataclass.parsers import XmlParser

    return XmlParser().from_bytes(data)


def test_its_lxml_handler_parses_with_recovery() -> None:
    import inspect

    from xsdata.formats.dataclass.parsers.handlers import LxmlEventHandler

    assert "recover=True" in inspect.getsource(LxmlEventHandler.parse)
    from xsdata.formats.dataclass.parsers import XmlParser

    assert XmlParser().handler is LxmlEventHandler  # the default when lxml is installed


def test_billion_laughs_comes_back_as_a_wrong_object() -> None:
    """libxml2's amplification guard stops the parse; recovery hides it; xsdata returns the last
    object it had finished."""
    prolog = (SPECIMENS / "billion-laughs.xml").read_bytes().split(b"<Verwijzing", 1)[0]
    message = valid().split(b"-->\n", 1)[1]  # the example without its declaration and comment
    result = _xsdata(prolog + message.replace(b"<voorletters>", b"<voorletters>&lol9;"))
    assert not isinstance(result, _bindings.Verwijzing)


def test_an_oversized_text_node_comes_back_as_a_wrong_object() -> None:
    big = valid().replace(
        b"<voorletters>A.J.</voorletters>", b"<voorletters>" + b"A" * 11_000_000 + b"</voorletters>"
    )
    assert not isinstance(_xsdata(big), _bindings.Verwijzing)


def test_a_truncated_message_comes_back_cut() -> None:
    body = valid()
    cut = body.index(b"<email>betalingsregeling") + len(b"<email>betalingsreg")
    result = _xsdata(body[:cut])
    assert isinstance(result, _bindings.Verwijzing)
    assert result.contactpersoon.email == "betalingsreg"  # a value cut short, silently


def test_facets_are_not_checked() -> None:
    bad = valid().replace(b"<postcode>4381ED</postcode>", b"<postcode>geen postcode</postcode>")
    bad = bad.replace(b"<huisnummer>12</huisnummer>", b"<huisnummer>-5</huisnummer>")
    result = _xsdata(bad)
    assert (result.hulpvrager.adres.postcode, result.hulpvrager.adres.huisnummer) == (
        "geen postcode",
        -5,
    )


def test_a_missing_member_escapes_as_a_plain_type_error() -> None:
    with pytest.raises(TypeError):
        _xsdata(valid().replace(b"<geslachtsnaam>Vries</geslachtsnaam>", b""))
