"""The packed address index: every address it was built from is found with its municipality,
every other address gets the right typed error, and the file round-trips or is refused."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warm_referral.adressen import (
    AmbiguousAddress,
    IndexBouwer,
    IndexFileError,
    InvalidAddress,
    UnknownHouseNumber,
    UnknownPostcode,
    laad_index,
)
from warm_referral.adressen.adres import postcode_sleutel, postcode_uit_sleutel, zoekadres
from warm_referral.adressen.index import FORMAAT_VERSIE, MAGIC, Adresindex

INDELING = date(2025, 1, 1)

postcodes = st.builds(
    lambda n, a, b: f"{n}{a}{b}",
    st.integers(1000, 9999),
    st.sampled_from("ABCDEFGHJKLMNPRTVWXZ"),
    st.sampled_from("ABCDEFGHJKLMNPRTVWXZ"),
)
codes = st.sampled_from(["0718", "0687", "0717", "0664", "1992"])
huisnummers = st.integers(1, 99999)


def bouw(rijen: list[tuple[str, int, str]], naam: str = "test") -> Adresindex:
    bouwer = IndexBouwer(naam, INDELING)
    for postcode, huisnummer, code in rijen:
        bouwer.voeg_toe(postcode, huisnummer, code)
    return bouwer.bouw()


@given(st.dictionaries(st.tuples(postcodes, huisnummers), codes, min_size=1, max_size=300))
def test_every_address_is_found_with_its_code(adressen: dict[tuple[str, int], str]) -> None:
    rijen = [(pc, hn, code) for (pc, hn), code in adressen.items()]
    random.Random(len(rijen)).shuffle(rijen)  # the builder takes any order
    index = bouw(rijen)
    for (pc, hn), code in adressen.items():
        assert index.gemeentecode(pc, hn) == code
    assert sorted(index.adressen()) == sorted(rijen)
    assert len(index) == len(adressen)


@given(
    st.dictionaries(st.tuples(postcodes, huisnummers), codes, min_size=1, max_size=100),
    postcodes,
    huisnummers,
)
def test_an_absent_address_says_whether_the_postcode_exists(
    adressen: dict[tuple[str, int], str], postcode: str, huisnummer: int
) -> None:
    index = bouw([(pc, hn, code) for (pc, hn), code in adressen.items()])
    if (postcode, huisnummer) in adressen:
        return
    bekend = {pc for pc, _ in adressen}
    verwacht = UnknownHouseNumber if postcode in bekend else UnknownPostcode
    with pytest.raises(verwacht) as exc:
        index.gemeentecode(postcode, huisnummer)
    assert type(exc.value) is verwacht
    assert exc.value.postcode == postcode and exc.value.huisnummer == huisnummer
    assert exc.value.fault == "local"


def test_both_representations_answer_alike() -> None:
    # A postcode whose numbers span more than 1024 and one with over 255 numbers take the
    # bisected path; the others the bitmask.
    rijen = [("1234AB", 1, "0718"), ("1234AB", 5000, "0718")]
    rijen += [("1234AC", hn, "0687") for hn in range(1, 700)]
    rijen += [("1234AD", hn, "0717") for hn in range(3, 40, 2)]
    index = bouw(rijen)
    for pc, hn, code in rijen:
        assert index.gemeentecode(pc, hn) == code
    for pc, hn in [("1234AB", 2), ("1234AB", 4999), ("1234AC", 700), ("1234AD", 4), ("1234AD", 1)]:
        with pytest.raises(UnknownHouseNumber):
            index.gemeentecode(pc, hn)


def test_a_postcode_spanning_two_municipalities() -> None:
    rijen = [("4356XY", hn, "0717") for hn in range(1, 6)]
    rijen += [("4356XY", hn, "0687") for hn in range(7, 10)]
    index = bouw(rijen)
    assert [index.gemeentecode("4356XY", hn) for hn in (1, 5, 7, 9)] == [
        "0717",
        "0717",
        "0687",
        "0687",
    ]
    with pytest.raises(UnknownHouseNumber):
        index.gemeentecode("4356XY", 6)


def test_one_address_under_two_municipalities_is_ambiguous() -> None:
    index = bouw(
        [("4356XY", 1, "0717"), ("4356XY", 2, "0717"), ("4356XY", 2, "0687"), ("4356XY", 2, "0717")]
    )
    assert index.gemeentecode("4356XY", 1) == "0717"
    with pytest.raises(AmbiguousAddress) as exc:
        index.gemeentecode("4356XY", 2)
    assert exc.value.kandidaten == ("0687", "0717")


def test_the_same_row_twice_is_kept_once() -> None:
    index = bouw([("4381AB", 1, "0718"), ("4381AB", 1, "0718")])
    assert len(index) == 1
    assert index.gemeentecode("4381AB", 1) == "0718"


@pytest.mark.parametrize(
    ("postcode", "huisnummer", "veld"),
    [
        ("0381AB", 1, "postcode"),
        ("4381SA", 1, "postcode"),  # a letter pair PostNL never issues
        ("43811B", 1, "postcode"),
        ("4381AB", 0, "huisnummer"),
        ("4381AB", 100_000, "huisnummer"),
        ("4381AB", -1, "huisnummer"),
        ("4381AB", True, "huisnummer"),
        ("4381AB", 1.0, "huisnummer"),
        ("4381AB", "1", "huisnummer"),
        (None, 1, "postcode"),
        (4381, 1, "postcode"),
    ],
)
def test_input_that_is_no_address_is_our_fault(
    postcode: object, huisnummer: object, veld: str
) -> None:
    index = bouw([("4381AB", 1, "0718")])
    with pytest.raises(InvalidAddress) as exc:
        index.gemeentecode(postcode, huisnummer)  # type: ignore[arg-type]
    assert exc.value.veld == veld
    assert exc.value.fault == "local"


def test_other_spellings_of_a_postcode_are_read() -> None:
    index = bouw([("4381AB", 1, "0718")])
    for spelling in ("4381 AB", "4381ab", " 4381 ab "):
        assert index.gemeentecode(spelling, 1) == "0718"
    assert index.zoek(zoekadres("4381 ab", 1, "a")) == "0718"


@given(st.integers(0, 9000 * 676 - 1))
def test_postcode_keys_are_dense_and_invertible(sleutel: int) -> None:
    assert postcode_sleutel(postcode_uit_sleutel(sleutel)) == sleutel


# --- the file ---------------------------------------------------------------------------------


@pytest.fixture
def index_bestand(tmp_path: Path) -> tuple[Adresindex, Path]:
    rijen = [("4381AB", hn, "0718") for hn in range(1, 20, 2)]
    rijen += [("4356XY", 1, "0717"), ("4356XY", 7, "0687"), ("4356XY", 8, "0687")]
    rijen += [("4356XZ", 2, "0717"), ("4356XZ", 2, "0687")]
    rijen += [("1234AB", 70_000, "0664")]  # a house number above 65535: 32-bit numbers
    index = bouw(rijen, "sample")
    pad = tmp_path / "adressen.idx"
    index.opslaan(pad)
    return index, pad


def test_the_file_round_trips(index_bestand: tuple[Adresindex, Path]) -> None:
    index, pad = index_bestand
    geladen = laad_index(pad)
    assert list(geladen.adressen()) == list(index.adressen())
    assert geladen.info == index.info
    assert geladen.gemeentecode("1234AB", 70_000) == "0664"
    with pytest.raises(AmbiguousAddress):
        geladen.gemeentecode("4356XZ", 2)


def test_a_damaged_file_is_refused(index_bestand: tuple[Adresindex, Path]) -> None:
    _, pad = index_bestand
    data = bytearray(pad.read_bytes())
    data[-3] ^= 0x01
    pad.write_bytes(bytes(data))
    with pytest.raises(IndexFileError, match="SHA-256"):
        laad_index(pad)


@pytest.mark.parametrize(
    ("bewerking", "melding"),
    [
        (lambda d: b"NOTANIDX" + d[8:], "magic"),
        (lambda d: d[:8] + (FORMAAT_VERSIE + 1).to_bytes(4, "little") + d[12:], "version"),
        (lambda d: d[: len(d) - 10], "ends inside"),
        (lambda d: d + b"\x00", "trailing"),
        (lambda d: d[:40], "header|ends inside"),
        (lambda d: b"", "magic"),
    ],
)
def test_a_foreign_or_cut_file_is_refused(
    index_bestand: tuple[Adresindex, Path], bewerking: object, melding: str
) -> None:
    _, pad = index_bestand
    pad.write_bytes(bewerking(pad.read_bytes()))  # type: ignore[operator]
    with pytest.raises(IndexFileError, match=melding):
        laad_index(pad)


def test_a_missing_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError, match="cannot open"):
        laad_index(tmp_path / "absent.idx")


def test_the_file_starts_with_its_magic_number(index_bestand: tuple[Adresindex, Path]) -> None:
    assert index_bestand[1].read_bytes().startswith(MAGIC)
