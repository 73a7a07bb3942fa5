"""``warm-referral deadlines``: output, reasoning, and one-line errors for bad input.

The parser is built from this command's own ``register`` (as the plugin loader does), so the test
does not depend on which other commands are installed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from warm_referral.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError
from warm_referral.cli.deadlines_command import register


def run(argv: Sequence[str]) -> int:
    """What ``warm_referral.cli.main`` does, with only this command registered."""
    parser = argparse.ArgumentParser(prog="warm-referral")
    register(parser.add_subparsers(dest="command"))
    try:
        args = parser.parse_args(["deadlines", *argv])
        try:
            return int(args.handler(args))
        except UsageError as exc:
            parser.error(str(exc))
    except SystemExit as exc:
        return int(exc.code or 0)


def test_text_output_shows_the_reasoning(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["--verwijsdatum", "2026-03-27", "--ontvangen", "2026-04-02T08:00:00Z"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "Afsprakenprofiel nvvk-pilot" in out
    assert "einddatum         Sun 2026-04-26" in out
    assert "does not apply the Atw extension" in out
    assert "collection from   Mon 2026-04-27" in out
    assert "= Thu 2026-04-02 10:00:00 CEST Europe/Amsterdam" in out
    assert "Fri 2026-04-03    skipped: Goede Vrijdag (Atw art. 3 lid 2)" in out
    assert "Sat 2026-04-04    skipped: zaterdag" in out
    assert "Mon 2026-04-06    skipped: Tweede Paasdag (Atw art. 3 lid 1)" in out
    assert "Thu 2026-04-09    werkdag 3" in out
    assert "deadline          Thu 2026-04-09 23:59:59 CEST" in out
    assert "2026-04-09T23:59:59+02:00 = 2026-04-09T21:59:59Z" in out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        ["--verwijsdatum", "2024-11-26", "--ontvangen", "2024-12-24T12:00+01:00", "--format=json"]
    )
    assert code == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["afsprakenprofiel"]["naam"] == "nvvk-pilot"
    assert data["incassostop"]["einddatum"] == "2024-12-26"
    assert data["incassostop"]["einddatum_redenen"][0]["omschrijving"] == "Tweede Kerstdag"
    contact = data["contact"]
    assert contact["deadline"] == "2025-01-02T23:59:59+01:00"
    assert contact["deadline_utc"] == "2025-01-02T22:59:59Z"
    assert [d["datum"] for d in contact["dagen"] if d["werkdag"]] == [
        "2024-12-30",
        "2024-12-31",
        "2025-01-02",
    ]
    soorten = {r["soort"] for d in contact["dagen"] if not d["werkdag"] for r in d["redenen"]}
    assert soorten == {"feestdag", "gelijkgesteld", "weekend"}


def test_only_one_of_the_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--ontvangen", "2026-04-02T10:00:00+02:00"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Incassostop" not in out
    assert "Contact deadline" in out
    assert run(["--verwijsdatum", "2026-04-01", "--format", "json"]) == EXIT_OK
    assert "contact" not in json.loads(capsys.readouterr().out)


def test_extra_days_and_own_profiles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dagen = tmp_path / "dagen.csv"
    dagen.write_text(
        "datum,omschrijving,grondslag\n"
        '2029-05-11,vrijdag na Hemelvaartsdag,"Atw art. 3 lid 3, besluit 2029-2031"\n',
        encoding="utf-8",
    )
    argv = ["--ontvangen", "2029-05-09T10:00:00+02:00", "--extra-dagen", str(dagen)]
    assert run(argv) == EXIT_OK
    out = capsys.readouterr().out
    assert "Fri 2029-05-11    skipped: vrijdag na Hemelvaartsdag" in out
    assert "(calendar: atw+dagen.csv)" in out
    assert "deadline          Wed 2029-05-16" in out
    profielen = tmp_path / "profielen.json"
    profielen.write_text(
        json.dumps(
            {
                "formaat": "warm_referral.afsprakenprofielen/1",
                "standaardprofiel": "a",
                "profielen": [
                    {
                        "naam": naam,
                        "versie": "1",
                        "incassostop_dagen": 30,
                        "contacttermijn_werkdagen": 3,
                        "atw_verlenging_incassostop": True,
                        "kalender": "atw",
                    }
                    for naam in ("a", "b")
                ],
            }
        ),
        encoding="utf-8",
    )
    argv = ["--verwijsdatum", "2026-03-27", "--profielen", str(profielen), "--profiel", "b"]
    assert run(argv) == EXIT_OK
    out = capsys.readouterr().out
    assert "Afsprakenprofiel b 1" in out
    assert "Sun 2026-04-26    skipped: zondag" in out
    assert "Mon 2026-04-27    skipped: Koningsdag" in out
    assert "einddatum         Tue 2026-04-28  (moved to the next werkdag" in out


@pytest.mark.parametrize(
    ("argv", "option", "why"),
    [
        (["--verwijsdatum", "2026-13-01"], "--verwijsdatum", "not a valid date"),
        (["--verwijsdatum", "1-4-2026"], "--verwijsdatum", "YYYY-MM-DD"),
        (["--verwijsdatum", "2013-05-01"], "--verwijsdatum", "outside the calendar"),
        (["--ontvangen", "2026-04-02T10:00"], "--ontvangen", "no UTC offset"),
        (["--ontvangen", "2026-04-02"], "--ontvangen", "not an ISO 8601 timestamp"),
        (["--ontvangen", "2026-04-02T25:00+02:00"], "--ontvangen", "not a valid timestamp"),
        (["--ontvangen", "2199-12-30T10:00Z"], "--ontvangen", "runs past the end"),
        (["--ontvangen", "2026-04-02T10:00Z", "--profiel", "nope"], "--profiel", "unknown"),
        (["--verwijsdatum", "2026-04-01", "--profielen", "/nonexistent.json"], "--profielen", ""),
        (
            ["--verwijsdatum", "2026-04-01", "--extra-dagen", "/nonexistent.csv"],
            "--extra-dagen",
            "",
        ),
    ],
)
def test_invalid_input_is_one_line_naming_the_option(
    argv: list[str], option: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == EXIT_INVALID
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"warm-referral deadlines: error: {option}: ")
    assert why in lines[0]
    assert "Traceback" not in captured.err


def test_broken_extra_days_file_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dagen = tmp_path / "dagen.csv"
    dagen.write_text("datum,omschrijving,grondslag\n2029-05-12,x,y\n", encoding="utf-8")
    assert run(["--verwijsdatum", "2026-04-01", "--extra-dagen", str(dagen)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert f"--extra-dagen: {dagen}:2: 2029-05-12 is a zaterdag" in err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == EXIT_USAGE
    assert "give --verwijsdatum, --ontvangen or both" in capsys.readouterr().err
    assert run(["--verwijsdatum", "2026-04-01", "--format", "xml"]) == EXIT_USAGE
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("given", "parsed"),
    [
        ("2026-04-02T10:15+02:00", "2026-04-02T10:15:00+02:00"),
        ("2026-04-02 10:15:30Z", "2026-04-02T10:15:30+00:00"),
        ("2026-04-02T10:15:30.5z", "2026-04-02T10:15:30.500000+00:00"),
        ("2026-04-02T10:15:30.123456-05:00", "2026-04-02T10:15:30.123456-05:00"),
    ],
)
def test_timestamp_forms(given: str, parsed: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The same forms on every supported Python (3.10's fromisoformat is stricter than 3.11's).
    assert run(["--ontvangen", given, "--format", "json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["contact"]["ontvangen"] == parsed
