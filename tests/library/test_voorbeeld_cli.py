"""``warm-referral voorbeeld``: the spec's examples re-dated to now (or --nu), fresh identifiers,
in the form they came in; a name that is no example, or a --nu without offset, is a usage error."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from paths import EXAMPLES

from warm_referral import parse_json, parse_xml
from warm_referral.cli import main

NAMEN = sorted(p.stem for p in EXAMPLES.glob("*.json"))


def test_the_list_is_the_spec_s_valid_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voorbeeld", "--lijst"]) == 0
    assert capsys.readouterr().out.split() == NAMEN


@pytest.mark.parametrize("naam", NAMEN)
def test_each_example_is_re_dated_with_fresh_identifiers(
    naam: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["voorbeeld", naam, "--nu", "2031-02-03T04:05:06Z"]) == 0
    nieuw = parse_json(capsys.readouterr().out)
    oud = parse_json((EXAMPLES / f"{naam}.json").read_bytes())
    assert nieuw.aangemaakt_op == datetime(2031, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    assert nieuw.bericht_id != oud.bericht_id
    assert nieuw.conversatie_id != oud.conversatie_id
    assert nieuw.berichttype == oud.berichttype


def test_without_nu_it_is_dated_now(capsys: pytest.CaptureFixture[str]) -> None:
    voor = datetime.now(timezone.utc)
    assert main(["voorbeeld", "verwijzing-water-afsluitregeling", "--compact"]) == 0
    uit = capsys.readouterr().out
    assert uit.count("\n") == 1  # compact: one line
    nieuw = parse_json(uit)
    assert voor <= nieuw.aangemaakt_op <= datetime.now(timezone.utc)


def test_a_file_is_read_and_xml_stays_xml(capsys: pytest.CaptureFixture[bytes]) -> None:
    pad = EXAMPLES / "verwijzing-zorg-bsn.xml"
    assert main(["voorbeeld", str(pad), "--nu", "2030-01-01T00:00:00+01:00"]) == 0
    nieuw = parse_xml(capsys.readouterr().out.encode())
    assert nieuw.aangemaakt_op == datetime(2029, 12, 31, 23, 0, tzinfo=timezone.utc)


def test_an_invalid_file_is_refused_with_its_violations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pad = tmp_path / "kapot.json"
    pad.write_text(json.dumps({"berichttype": "Statusverzoek"}))
    assert main(["voorbeeld", str(pad)]) == 1
    assert "INVALID" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["voorbeeld", "bestaat-niet"], ["voorbeeld", "statusverzoek", "--nu", "2030-01-01T00:00:00"],
     ["voorbeeld"]],
    ids=["unknown", "nu-without-offset", "nothing"],
)  # fmt: skip
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
