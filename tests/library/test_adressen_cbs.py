"""Reading the CBS table in every form its yearly files have taken, and refusing broken ones."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from warm_referral.adressen import InvalidSourceData, index_uit_cbs
from warm_referral.adressen.voorbeeld import VOORBEELD_JAREN, voorbeeldindex, voorbeeldtabel


def lees(tekst: str, **kwargs: object) -> object:
    return index_uit_cbs(io.StringIO(tekst), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "tekst",
    [
        # 2019/2022 style: semicolons, plain numbers with leading zeros
        "PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n4381AB;1;07180000;071800;0718\n",
        # 2024 style: commas
        "PC6,Huisnummer,Buurt2024,Wijk2024,Gemeente2024\n4381AB,1,07180000,071800,0718\n",
        # quoted fields, a BOM, CRLF line ends
        '\ufeff"PC6";"Huisnummer";"Buurt2024";"Wijk2024";"Gemeente2024"\r\n'
        '"4381AB";"1";"07180000";"071800";"0718"\r\n',
        # leading zeros lost by a spreadsheet program
        "PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n4381AB;1;7180000;71800;718\n",
        # the CBS prefixes
        "PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n4381AB;1;BU07180000;WK071800;GM0718\n",
        # tabs, lower-case header, other column order, a space in the postcode
        "gemeente2024\tpc6\thuisnummer\n0718\t4381 AB\t1\n",
        # a trailing empty line
        "PC6;Huisnummer;Gemeente2024\n4381AB;1;0718\n\n",
    ],
)
def test_every_known_form_is_read(tekst: str) -> None:
    index = lees(tekst)
    assert index.gemeentecode("4381AB", 1) == "0718"  # type: ignore[attr-defined]
    assert index.indeling == date(2024, 1, 1)  # type: ignore[attr-defined]
    assert index.info.peildatum == date(2024, 8, 1)  # type: ignore[attr-defined]


def test_the_year_comes_from_the_file_name(tmp_path: Path) -> None:
    pad = tmp_path / "pc6hnr20230801_gwb.csv"
    pad.write_text("PC6;Huisnummer;Gemeente\n4381AB;1;0718\n", encoding="utf-8")
    assert index_uit_cbs(pad).indeling == date(2023, 1, 1)


def test_without_a_year_the_caller_must_give_one() -> None:
    tekst = "PC6;Huisnummer;Gemeente\n4381AB;1;0718\n"
    with pytest.raises(InvalidSourceData, match="jaar="):
        lees(tekst)
    assert lees(tekst, jaar=2021).indeling == date(2021, 1, 1)  # type: ignore[attr-defined]


def test_disagreeing_years_are_refused(tmp_path: Path) -> None:
    pad = tmp_path / "pc6hnr20230801_gwb.csv"
    pad.write_text("PC6;Huisnummer;Gemeente2024\n4381AB;1;0718\n", encoding="utf-8")
    with pytest.raises(InvalidSourceData, match="different years"):
        index_uit_cbs(pad)
    assert index_uit_cbs(pad, jaar=2024).indeling == date(2024, 1, 1)


@pytest.mark.parametrize(
    ("tekst", "regel", "melding"),
    [
        ("Postcode;Nummer;Gemeente2024\n", 1, "no column pc6, huisnummer"),
        ("PC6 Huisnummer Gemeente2024\n", 1, "no ';'"),
        ("PC6;Huisnummer;Gemeente2024\n4381AB;1;0718\n4381AB;x;0718\n", 3, "house number"),
        ("PC6;Huisnummer;Gemeente2024\n4381AB;1_0;0718\n", 2, "house number"),
        ("PC6;Huisnummer;Gemeente2024\n4381AB;٣;0718\n", 2, "house number"),
        ("PC6;Huisnummer;Gemeente2024\n0381AB;1;0718\n", 2, "postcode"),
        ("PC6;Huisnummer;Gemeente2024\n4381AB;0;0718\n", 2, "huisnummer"),
        ("PC6;Huisnummer;Gemeente2024\n4381AB;1;07181\n", 2, "gemeentecode"),
        ("PC6;Huisnummer;Gemeente2024\n4381AB;1;XX0718\n", 2, "gemeentecode"),
        ("PC6;Huisnummer;Gemeente2024\n4381AB;1\n", 2, "fields"),
        ("PC6;Huisnummer;Gemeente2023;Buurt2024\n", 1, "different years"),
    ],
)
def test_a_broken_table_names_the_line(tekst: str, regel: int, melding: str) -> None:
    with pytest.raises(InvalidSourceData, match=melding) as exc:
        lees(tekst)
    assert exc.value.regel == regel


def test_a_table_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    pad = tmp_path / "pc6hnr20240801_gwb.csv"
    pad.write_bytes(b"PC6;Huisnummer;Gemeente2024\n4381AB;1;0718\n\xff\xfe;1;0718\n")
    with pytest.raises(InvalidSourceData, match="UTF-8"):
        index_uit_cbs(pad)


@pytest.mark.parametrize("jaar", VOORBEELD_JAREN)
def test_the_shipped_samples_load(jaar: int) -> None:
    index = voorbeeldindex(jaar)
    regels = [r for r in voorbeeldtabel(jaar).splitlines()[1:] if r]
    assert len(index) == len(regels)
    assert index.indeling == date(jaar, 1, 1)
    # Hellevoetsluis before the merger of 2023, Voorne aan Zee after it
    assert index.gemeentecode("3221AB", 1) == ("0530" if jaar < 2023 else "1992")
