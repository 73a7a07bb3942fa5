"""``warm-referral convert`` and ``validate`` with XML, run in-process through the real entry point."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from spec_support import EXAMPLES, INVALID, valid_examples

from warm_referral import parse_json, parse_xml, to_xml
from warm_referral.cli import main

EXAMPLE = EXAMPLES / "verwijzing-huur-bgs-crisis.json"


def test_convert_json_to_xml_and_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", "--to", "xml", str(EXAMPLE)]) == 0
    xml = capsys.readouterr().out.encode()
    assert parse_xml(xml) == parse_json(EXAMPLE.read_bytes())
    source = tmp_path / "bericht.xml"
    source.write_bytes(xml)
    assert main(["convert", "--to", "json", "--compact", str(source)]) == 0
    assert capsys.readouterr().out.encode() == parse_json(EXAMPLE.read_bytes()).to_json()


def test_convert_pretty_json_and_output_file(tmp_path: Path) -> None:
    target = tmp_path / "uit.json"
    assert (
        main(["convert", "--to", "json", "-o", str(target), str(EXAMPLE.with_suffix(".xml"))]) == 0
    )
    text = target.read_text(encoding="utf-8")
    assert text.startswith('{\n  "berichttype": "Verwijzing"')
    assert json.loads(text) == json.loads(EXAMPLE.read_bytes())


def test_convert_compact_xml_is_the_wire_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", "--to", "xml", "--compact", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out.encode() == to_xml(parse_json(EXAMPLE.read_bytes()))


def test_convert_refuses_invalid_input_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", "--to", "json", str(INVALID / "meerdere-fouten.xml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "INVALID (4 violations)" in captured.err
    assert "[patroon]" in captured.err


def test_convert_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = SimpleNamespace(buffer=io.BytesIO(EXAMPLE.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["convert", "--to", "xml", "-"]) == 0
    assert capsys.readouterr().out.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<Verwijzing")


def test_convert_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["convert", "--to", "xml", str(tmp_path / "ontbreekt.json")],
        ["convert", "--to", "yaml", str(EXAMPLE)],
        ["convert", str(EXAMPLE)],
    ):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
    capsys.readouterr()


def test_validate_detects_xml_by_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twins = [p.with_suffix(".xml") for p in valid_examples()]
    disguised = tmp_path / "bericht.json"  # the name says JSON; the content decides
    disguised.write_bytes(b"\xef\xbb\xbf" + twins[0].read_bytes())
    assert main(["validate", *map(str, twins), str(disguised)]) == 0
    assert capsys.readouterr().out.count(": valid ") == len(twins) + 1
    assert main(["validate", str(INVALID / "volgorde-onjuist.xml")]) == 1
    assert "[xml_xsd]" in capsys.readouterr().out


def test_the_installed_command_converts() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "warm_referral", "convert", "--to", "xml", str(EXAMPLE)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert parse_xml(done.stdout) == parse_json(EXAMPLE.read_bytes())
