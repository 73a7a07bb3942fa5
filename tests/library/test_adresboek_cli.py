"""``warm-referral adresboek``: validate, sign, diff, zoek and index from the command line, and
``verschillen`` (the diff) itself."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from warm_referral.adresboek import lees_document, verschillen
from warm_referral.adressen import laad_index
from warm_referral.adressen.voorbeeld import voorbeeldtabel
from warm_referral.cli import main

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "spec" / "v1" / "adresboek"
JSON = MAP / "voorbeeld-adresboek.json"
JWS = MAP / "voorbeeld-adresboek.jws"
SLEUTELS = MAP / "nvvk-testsleutels.jwks.json"
PRIVE = MAP / "nvvk-testsleutel.prive.jwk.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["adresboek", *args])
    uit = capsys.readouterr()
    return code, uit.out, uit.err


def nieuwe_editie(tmp_path: Path) -> Path:
    data: dict[str, Any] = json.loads(JSON.read_bytes())
    data["editie"] = 8
    walcheren = data["organisaties"][0]
    walcheren["eindpunten"][0]["tlsCertificaten"].append("ab" * 32)  # a certificate rollover
    data["organisaties"] = [o for o in data["organisaties"] if o["id"] != "gemeente-weert"]
    data["gemeenten"] = [g for g in data["gemeenten"] if g["gemeentecode"] != "0988"]
    goes = next(g for g in data["gemeenten"] if g["gemeentecode"] == "0664")
    goes["organisatie"] = "schuldhulp-walcheren"  # Goes moves to the regional organisation
    data["gemeenten"].append(
        {
            "gemeentecode": "0715",
            "naam": "Terneuzen",
            "organisatie": "gemeente-goes",
            "afsprakenprofiel": {"naam": "nvvk-pilot", "versie": "1.0"},
            "geldigVanaf": "2026-04-01",
        }
    )
    pad = tmp_path / "editie-8.json"
    pad.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return pad


def test_validate_json_and_jws(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(JSON), str(JWS), "--sleutels", str(SLEUTELS))
    assert code == 0
    assert out.count("valid edition 7") == 2


def test_validate_reports_every_violation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = json.loads(JSON.read_bytes())
    data["gemeenten"][0]["organisatie"] = "weg"
    data["organisaties"][1]["oin"] = "12"
    slecht = tmp_path / "slecht.json"
    slecht.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(slecht), "--format", "json")
    assert code == 1
    (resultaat,) = json.loads(out)
    # The field error; the cross-reference rule runs once the fields are valid.
    assert [f["pointer"] for f in resultaat["fouten"]] == ["/organisaties/1/oin"]
    data["organisaties"][1]["oin"] = "00000001002345678000"
    slecht.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(slecht))
    assert code == 1
    assert "/gemeenten/0/organisatie: no organisation with id 'weg'" in out


def test_a_signed_edition_without_trusted_keys_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["adresboek", "validate", str(JWS)])
    assert exc.value.code == 2
    assert "--sleutels" in capsys.readouterr().err


def test_sign_then_validate_then_tamper(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bron = nieuwe_editie(tmp_path)
    uit = tmp_path / "editie-8.jws"
    code, _, _ = run(capsys, "sign", str(bron), "--sleutel", str(PRIVE), "-o", str(uit))
    assert code == 0
    code, out, _ = run(capsys, "validate", str(uit), "--sleutels", str(SLEUTELS))
    assert (code, "valid edition 8" in out) == (0, True)
    kop, payload, handtekening = uit.read_text(encoding="ascii").strip().split(".")
    vervalst = tmp_path / "vervalst.jws"
    vervalst.write_text(f"{kop}.{payload[:-4]}AAAA.{handtekening}", encoding="ascii")
    code, out, _ = run(capsys, "validate", str(vervalst), "--sleutels", str(SLEUTELS))
    assert code == 1 and "INVALID" in out and "does not verify" in out


def test_sign_refuses_an_invalid_edition(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    slecht = tmp_path / "slecht.json"
    slecht.write_text('{"formaat": "warm-referral-adresboek/1"}', encoding="utf-8")
    code, out, err = run(capsys, "sign", str(slecht), "--sleutel", str(PRIVE))
    assert code == 1 and out == "" and "not signed" in err


def test_diff_names_every_change_per_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys,
        "diff",
        str(JWS),
        str(nieuwe_editie(tmp_path)),
        "--sleutels",
        str(SLEUTELS),
        "--format",
        "json",
    )
    assert code == 0
    wijzigingen = {(w["soort"], w["onderwerp"], w["sleutel"]): w for w in json.loads(out)}
    assert set(wijzigingen) == {
        ("gewijzigd", "adresboek", ""),
        ("gewijzigd", "organisatie", "schuldhulp-walcheren"),
        ("verwijderd", "organisatie", "gemeente-weert"),
        ("gewijzigd", "gemeente", "0664@2023-02-01"),
        ("toegevoegd", "gemeente", "0715@2026-04-01"),
        ("verwijderd", "gemeente", "0988@2024-07-01"),
    }
    assert wijzigingen["gewijzigd", "gemeente", "0664@2023-02-01"]["velden"] == [
        {"pad": "/organisatie", "oud": "gemeente-goes", "nieuw": "schuldhulp-walcheren"}
    ]
    assert wijzigingen["gewijzigd", "adresboek", ""]["velden"] == [
        {"pad": "/editie", "oud": 7, "nieuw": 8}
    ]
    (certificaat,) = wijzigingen["gewijzigd", "organisatie", "schuldhulp-walcheren"]["velden"]
    assert certificaat["pad"] == "/eindpunten/0/tlsCertificaten"
    code, tekst, _ = run(capsys, "diff", str(JSON), str(nieuwe_editie(tmp_path)))
    assert "edition 7 -> 8: 6 changes" in tekst and "~ gemeente 0664@2023-02-01" in tekst


def test_identical_editions_have_no_differences() -> None:
    document = lees_document(JSON.read_bytes())
    assert verschillen(document, document) == []


def test_a_moved_start_date_is_one_change() -> None:
    oud = lees_document(JSON.read_bytes())
    data = json.loads(JSON.read_bytes())
    data["gemeenten"][0]["geldigVanaf"] = "2023-03-01"
    (wijziging,) = verschillen(oud, lees_document(json.dumps(data)))
    assert (wijziging.soort, wijziging.sleutel) == ("gewijzigd", "0718@2023-03-01")
    assert [v.pad for v in wijziging.velden] == ["/geldigVanaf"]


def test_zoek_routes_an_address(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "zoek",
        "3221 ab",
        "4",
        "--adresboek",
        str(JWS),
        "--sleutels",
        str(SLEUTELS),
        "--voorbeeld",
        "--op",
        "2026-03-02",
        "--format",
        "json",
    )
    assert code == 0
    uit = json.loads(out)
    assert (uit["gemeentecode"], uit["gemeente"]) == ("1992", "Voorne aan Zee")
    assert uit["organisatie"]["oin"] == "00000001002345678000"
    assert uit["eindpunt"]["binding"] == "rest"


@pytest.mark.parametrize(
    ("adres", "melding"),
    [
        (("4381AB", "2"), "UnknownHouseNumber"),
        (("4381ZZ", "1"), "UnknownPostcode"),
        (("4531AB", "1"), "NoReceiver"),
        (("0381AB", "1"), "InvalidAddress"),
        (("4381AB", "1a"), "whole number"),
    ],
)
def test_zoek_explains_why_not(
    capsys: pytest.CaptureFixture[str], adres: tuple[str, str], melding: str
) -> None:
    code, out, err = run(
        capsys,
        "zoek",
        *adres,
        "--adresboek",
        str(JWS),
        "--sleutels",
        str(SLEUTELS),
        "--voorbeeld",
        "--op",
        "2026-03-02",
    )
    assert (code, out) == (1, "")
    assert melding in err and len(err.strip().splitlines()) == 1


def test_index_then_zoek_with_the_index_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tabel = tmp_path / "pc6hnr20250801_gwb.csv"
    tabel.write_text(voorbeeldtabel(2025), encoding="utf-8")
    index = tmp_path / "adressen.idx"
    code, out, _ = run(capsys, "index", str(tabel), "-o", str(index))
    assert code == 0 and "193 addresses in 15 postcodes" in out
    assert laad_index(index).indeling == date(2025, 1, 1)
    code, out, _ = run(
        capsys,
        "zoek",
        "4356XY",
        "8",
        "--index",
        str(index),
        "--adresboek",
        str(JWS),
        "--sleutels",
        str(SLEUTELS),
        "--op",
        "2026-03-02",
    )
    assert code == 0
    assert "Middelburg (0687" in out and "Schuldhulp Walcheren" in out


def test_index_reports_a_broken_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tabel = tmp_path / "pc6hnr20250801_gwb.csv"
    tabel.write_text("PC6;Huisnummer;Gemeente2025\n4381AB;een;0718\n", encoding="utf-8")
    code, _, err = run(capsys, "index", str(tabel), "-o", str(tmp_path / "x.idx"))
    assert code == 1 and "line 2" in err


def test_an_expired_edition_is_refused_by_zoek(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "zoek",
        "4381AB",
        "1",
        "--adresboek",
        str(JWS),
        "--sleutels",
        str(SLEUTELS),
        "--voorbeeld",
        "--op",
        "2028-01-01",
    )
    assert code == 1 and "AddressBookExpired" in err


def test_zoek_needs_a_source(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copy(JWS, tmp_path / "a.jws")
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "adresboek",
                "zoek",
                "4381AB",
                "1",
                "--adresboek",
                str(tmp_path / "a.jws"),
                "--sleutels",
                str(SLEUTELS),
                "--op",
                "2026-03-02",
            ]
        )
    assert exc.value.code == 2
