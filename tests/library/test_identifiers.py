"""Identifier checks: the stdnum shape, the typed errors, and properties over generated values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warm_referral.identifiers import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
    bsn,
    gemeentecode,
    iban,
    kvk,
    oin,
    postcode,
    vestigingsnummer,
)
from warm_referral.testing.strategies import bsns, gemeentecodes, kvk_nummers, oins, postcodes

MODULES = [bsn, postcode, iban, kvk, vestigingsnummer, oin, gemeentecode]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_module_has_the_stdnum_shape(module: object) -> None:
    for name in ("compact", "validate", "is_valid", "format"):
        assert callable(getattr(module, name))


@given(bsns())
def test_generated_bsns_are_valid_and_synthetic(value: str) -> None:
    assert bsn.validate(value) == value
    assert value.startswith("9999")
    assert bsn.compact(bsn.format(value)) == value


@given(bsns(), st.integers(0, 8), st.integers(1, 9))
def test_the_11_test_catches_every_single_digit_error(
    value: str, position: int, delta: int
) -> None:
    wrong = value[:position] + str((int(value[position]) + delta) % 10) + value[position + 1 :]
    with pytest.raises(InvalidChecksum):
        bsn.validate(wrong)
    assert not bsn.is_valid(wrong)


@pytest.mark.parametrize(
    ("value", "error"),
    [("12345678a", InvalidFormat), ("1234567890", InvalidLength), ("000000000", InvalidFormat)],
)
def test_bsn_errors_are_specific(value: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        bsn.validate(value)


@given(postcodes())
def test_postcodes_compact_to_wire_form(value: str) -> None:
    reading = postcode.format(value)
    assert reading == f"{value[:4]} {value[4:]}"
    assert postcode.validate(reading.lower()) == value


@pytest.mark.parametrize(
    ("value", "error"),
    [("0123AB", InvalidFormat), ("1234SS", InvalidComponent), ("12345AB", InvalidFormat)],
)
def test_postcode_errors(value: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        postcode.validate(value)


def test_iban() -> None:
    assert iban.validate("NL91 ABNA 0417 1643 00") == "NL91ABNA0417164300"
    with pytest.raises(InvalidChecksum):
        iban.validate("NL91ABNA0417164301")


@pytest.mark.parametrize(
    ("module", "strategy"),
    [(kvk, kvk_nummers()), (oin, oins()), (gemeentecode, gemeentecodes())],
    ids=["kvk", "oin", "gemeentecode"],
)
def test_digit_identifiers(module: object, strategy: st.SearchStrategy[str]) -> None:
    @given(strategy)
    def check(value: str) -> None:
        assert module.validate(value) == value  # type: ignore[attr-defined]
        with pytest.raises(InvalidLength):
            module.validate(value + "1")  # type: ignore[attr-defined]
        with pytest.raises(InvalidFormat):
            module.validate(value[:-1] + "x")  # type: ignore[attr-defined]

    check()


def test_gemeentecode_accepts_the_cbs_prefix() -> None:
    assert gemeentecode.validate("GM0344") == "0344"
    assert gemeentecode.format("0344") == "GM0344"


def test_all_errors_are_stdnum_validation_errors() -> None:
    for error in (InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength):
        assert issubclass(error, ValidationError)


def test_the_never_issued_letter_pairs_are_python_stdnums() -> None:
    from stdnum.nl import postcode as stdnum_postcode

    assert frozenset(stdnum_postcode._postcode_blacklist) == postcode.NOOIT_UITGEGEVEN
    for pair in postcode.NOOIT_UITGEGEVEN:
        assert not postcode.is_valid("1234" + pair)
