"""The import-linter contracts in pyproject.toml hold, and they bite: a copy of the sources with one
forbidden import added fails them, naming the contract it breaks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT

LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
    "lint-imports"
)
pytestmark = pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is not installed")

#: (file in the copy, the import added to it, the contract that must then break)
VIOLATIONS = {
    "domain-imports-http": (
        "warm_referral_reference/receiver/domain/toegang.py",
        "import starlette.requests",
        "The receiver's domain knows no HTTP and no server",
    ),
    "models-import-a-codec": (
        "warm_referral/models/berichten.py",
        "from ..codec.xml import to_xml",
        "Models import no codec",
    ),
    "sender-imports-receiver": (
        "warm_referral_reference/sender/outbox.py",
        "from ..receiver.config import Instellingen",
        "The receiver and the sender do not import each other",
    ),
    "lifecycle-does-io": (
        "warm_referral/lifecycle/feedback.py",
        "import sqlite3",
        "The lifecycle does no I/O",
    ),
    "signing-imports-messages": (
        "warm_referral/ondertekening/jades.py",
        "from ..models import Verwijzing",
        "Signing knows no messages",
    ),
    "lifecycle-imports-signing": (
        "warm_referral/lifecycle/feedback.py",
        "from ..ondertekening import verifieer",
        "Library floors",
    ),
    "library-imports-reference": (
        "warm_referral/calendar.py",
        "import warm_referral_reference",
        "The library imports neither the reference services",
    ),
    "kit-imports-reference": (
        "warm_referral_conformance/maskeren.py",
        "import warm_referral_reference.receiver.config",
        "The conformance kit never imports the reference services",
    ),
}


def _copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "warm_referral", src / "warm_referral")
    shutil.copytree(
        ROOT / "reference_server" / "src" / "warm_referral_reference",
        src / "warm_referral_reference",
    )
    shutil.copytree(
        ROOT / "conformance" / "src" / "warm_referral_conformance",
        src / "warm_referral_conformance",
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return src


def _lint(tmp_path: Path, src: Path) -> subprocess.CompletedProcess[str]:
    assert LINT_IMPORTS is not None
    env = {**os.environ, "PYTHONPATH": str(src)}  # the copy comes before the installed packages
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(tmp_path / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_sources_keep_every_contract(tmp_path: Path) -> None:
    done = _lint(tmp_path, _copy(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("naam", sorted(VIOLATIONS))
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, naam: str) -> None:
    bestand, regel, contract = VIOLATIONS[naam]
    src = _copy(tmp_path)
    pad = src / bestand
    tekst = pad.read_text(encoding="utf-8")
    eerste = tekst.index("\n\n", tekst.index("from __future__ import annotations")) + 2
    pad.write_text(tekst[:eerste] + regel + "\n" + tekst[eerste:], encoding="utf-8")
    done = _lint(tmp_path, src)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{contract}" in done.stdout
    assert "BROKEN" in done.stdout
