"""The NL API Design Rules ruleset (tools/spec-lint/adr.spectral.yaml) finds what it is written to
find: a copy of the OpenAPI document with one violation of each rule gets a finding of each, the
document itself none. Runs where ``tox -e spec`` has installed Spectral (tools/spec-lint/
node_modules); skipped elsewhere, saying so."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from paths import ROOT, SPEC

LINT = ROOT / "tools" / "spec-lint"
SPECTRAL = LINT / "node_modules" / ".bin" / "spectral"

pytestmark = pytest.mark.skipif(
    not SPECTRAL.exists() or shutil.which("node") is None,
    reason="Spectral is not installed here: tox -e spec installs it (npm ci in tools/spec-lint)",
)


def _lint(document: dict[str, Any], tmp_path: Path) -> list[dict[str, Any]]:
    pad = tmp_path / "openapi.yaml"
    pad.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    uit = subprocess.run(
        [str(SPECTRAL), "lint", "--ruleset", str(LINT / "adr.spectral.yaml"), str(pad), "-f", "json",
         "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    bevindingen: list[dict[str, Any]] = json.loads(uit.stdout or "[]")
    return bevindingen


def _document() -> dict[str, Any]:
    geladen: dict[str, Any] = yaml.safe_load((SPEC / "openapi.yaml").read_text(encoding="utf-8"))
    return geladen


def test_the_published_document_has_no_findings(tmp_path: Path) -> None:
    assert _lint(_document(), tmp_path) == []


def test_each_adr_rule_finds_its_violation(tmp_path: Path) -> None:
    document = copy.deepcopy(_document())
    del document["info"]["contact"]
    document["info"]["version"] = "1.0"
    document["servers"] = [{"url": "/v1.2"}]
    paden = document["paths"]
    paden["/postvak/"] = paden.pop("/postvak")
    paden["/Termijn_Bewaking"] = paden.pop("/termijnbewaking")
    paden["/testklok"]["head"] = paden["/testklok"]["get"]
    paden["/openapi.json"]["get"]["security"] = [{"bearer": []}]
    verwijzing = paden["/verwijzingen/{conversatieId}"]["get"]["responses"]
    verwijzing["200"] = {**verwijzing["200"], "headers": {}}
    verwijzing["404"] = {"description": "plain", "content": {"text/plain": {"schema": {}}}}
    document["components"]["schemas"]["Testklok"]["properties"]["nu"].pop("pattern")
    gevonden = {b["code"] for b in _lint(document, tmp_path)}
    verwacht = {
        "adr-core-doc-openapi-contact",
        "adr-core-semver",
        "adr-core-uri-version",
        "adr-core-no-trailing-slash",
        "adr-core-naming-kebab-case",
        "adr-core-http-methods",
        "adr-core-publish-openapi",
        "adr-core-version-header",
        "adr-core-http-response-code-problem",
        "adr-core-date-time",
    }
    assert verwacht <= gevonden, f"rules that found nothing: {sorted(verwacht - gevonden)}"
