"""The ``warm-referral`` command line, run in-process through its real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spec_support import INVALID, SCHEMAS, invalid_examples, valid_examples

from warm_referral.cli import main


def test_validate_all_valid_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *map(str, valid_examples())]) == 0
    assert capsys.readouterr().out.count(": valid ") == len(valid_examples())


def test_validate_lists_every_violation_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    bad = INVALID / "meerdere-fouten.json"
    assert main(["validate", "--format", "json", str(valid_examples()[0]), str(bad)]) == 1
    results = json.loads(capsys.readouterr().out)
    assert [r["geldig"] for r in results] == [True, False]
    assert len(results[1]["fouten"]) == 4


def test_validate_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate", str(tmp_path / "missing.json")])
    assert caught.value.code == 2
    assert "cannot read" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2


def test_validate_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    data = invalid_examples()[0].read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["validate", "-"]) == 1
    assert "INVALID" in capsys.readouterr().out


def test_schema_prints_and_writes_the_published_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "Verwijzing"]) == 0
    assert capsys.readouterr().out == (SCHEMAS / "Verwijzing.json").read_text(encoding="utf-8")
    assert main(["schema", "--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in SCHEMAS.glob("*.json"))
    with pytest.raises(SystemExit) as caught:
        main(["schema", "Onbekend"])
    assert caught.value.code == 2


def test_no_command_is_a_usage_error() -> None:
    assert main([]) == 2


def test_the_readme_python_example_runs() -> None:
    """The README's example is documentation users copy: it must build, validate and serialise."""
    import re

    from paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.S)
    assert code is not None
    exec(compile(code.group(1), "README.md", "exec"), {})
