"""The generated pages of the specification site (tools/docs_pages.py): the Dutch texts match the
models one for one, the rules name codes the models really raise, and the downloads are complete."""

from __future__ import annotations

import importlib.util
import inspect
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from paths import ROOT
from spec_support import valid_examples

import warm_referral.models.berichten
import warm_referral.models.onderdelen
import warm_referral.models.violations
import warm_referral.models.wire_types
from warm_referral.models import BERICHTTYPES


def _tool(name: str) -> ModuleType:
    full = f"_warm_referral_tools.{name}"
    if full not in sys.modules:
        spec = importlib.util.spec_from_file_location(full, ROOT / "tools" / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)
    return sys.modules[full]


PAGES = _tool("docs_pages")
GENERATE = _tool("generate")
TEXTS: dict[str, Any] = yaml.safe_load(PAGES.BERICHT_TEKSTEN.read_text(encoding="utf-8"))
MODEL_SOURCE = "".join(
    inspect.getsource(m)
    for m in (
        warm_referral.models.berichten,
        warm_referral.models.onderdelen,
        warm_referral.models.wire_types,
        warm_referral.models.violations,  # the codes pydantic's own errors are mapped to
    )
)


def _reference(texts: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    path = tmp_path / "berichtreferentie.nl.yaml"
    path.write_text(yaml.safe_dump(texts, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(PAGES, "BERICHT_TEKSTEN", path)
    monkeypatch.setattr(PAGES, "ROOT", tmp_path)
    return PAGES.Berichtreferentie


def _build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, texts: dict[str, Any]) -> None:
    from warm_referral.schemas import build_schemas

    xsd = GENERATE.xsd()["spec/v1/xsd/warme-doorverwijzing.xsd"]
    _reference(texts, monkeypatch, tmp_path)(build_schemas(), xsd).paginas()


def test_every_rule_names_codes_that_the_models_raise() -> None:
    for owner, rules in TEXTS["regels"].items():
        for rule in rules:
            assert rule["codes"], f"{owner}: a rule without codes"
            for code in rule["codes"]:
                assert f'"{code}"' in MODEL_SOURCE, f"{owner}: no model raises {code!r}"


def test_every_type_check_names_codes_that_the_models_raise() -> None:
    for name, type_ in TEXTS["typen"].items():
        for code in type_.get("codes", []):
            assert f'"{code}"' in MODEL_SOURCE, f"{name}: no wire type raises {code!r}"


def test_rules_the_schema_cannot_express_are_marked_so() -> None:
    from spec_support import NOT_IN_SCHEMA

    for owner, rules in TEXTS["regels"].items():
        for rule in rules:
            # dubbele_waarde is uniqueItems in the schema; spec_support lists it because
            # hypothesis-jsonschema's generated arrays and the models disagree on equal items.
            outside = [c for c in rule["codes"] if c in NOT_IN_SCHEMA and c != "dubbele_waarde"]
            if rule["schema"] == "nee":
                assert outside == rule["codes"], (owner, rule["codes"])
            elif rule["schema"] == "ja":
                assert not outside, (owner, rule["codes"])
            else:
                assert outside and len(outside) < len(rule["codes"]), (owner, rule["codes"])


def test_a_field_without_dutch_text_stops_the_generator(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    texts = json.loads(json.dumps(TEXTS))
    del texts["velden"]["Hulpvrager.bsn"]
    with pytest.raises(PAGES.TekstFout, match=r"Hulpvrager\.bsn"):
        _build(monkeypatch, tmp_path, texts)


def test_a_rule_without_dutch_text_stops_the_generator(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    texts = json.loads(json.dumps(TEXTS))
    texts["regels"]["Periode"][0]["en"] = "an older wording of the rule"
    with pytest.raises(PAGES.TekstFout, match="no Dutch text for this rule of Periode"):
        _build(monkeypatch, tmp_path, texts)


def test_dutch_text_for_a_field_the_models_lack_stops_the_generator(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    texts = json.loads(json.dumps(TEXTS))
    texts["velden"]["Hulpvrager.schoenmaat"] = "De schoenmaat."
    with pytest.raises(PAGES.TekstFout, match=r"velden\.Hulpvrager\.schoenmaat"):
        _build(monkeypatch, tmp_path, texts)


def test_every_field_of_every_message_is_on_its_page() -> None:
    from warm_referral.schemas import build_schemas

    schemas = build_schemas()
    for berichttype in BERICHTTYPES:
        page = (ROOT / "docs" / "berichten" / f"{PAGES.slug(berichttype)}.md").read_text("utf-8")
        for field in schemas[f"{berichttype}.json"]["properties"]:
            assert re.search(rf"^\| `{field}` \|", page, re.M), (berichttype, field)
        assert "`hulpvrager.adres.postcode`" in page or berichttype != "Verwijzing"


def test_every_example_is_shown_or_linked_on_its_message_page() -> None:
    for example in valid_examples():
        berichttype = json.loads(example.read_text(encoding="utf-8"))["berichttype"]
        page = (ROOT / "docs" / "berichten" / f"{PAGES.slug(berichttype)}.md").read_text("utf-8")
        assert example.name in page, (berichttype, example.name)


def test_the_downloads_list_and_zip_hold_every_spec_file() -> None:
    files = PAGES.download_bestanden()
    assert Path("openapi.yaml") in files
    assert Path("xsd/warme-doorverwijzing.xsd") in files
    page = (ROOT / "docs" / "downloads.md").read_text(encoding="utf-8")
    for file in files:
        assert f"({PAGES.DOWNLOADS}/{file.as_posix()})" in page, file
    data = PAGES.spec_zip()
    assert data == PAGES.spec_zip(), "the zip is not reproducible"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"v1/{f.as_posix()}" for f in files]
        schema = archive.read("v1/schemas/Verwijzing.json")
    assert schema == (ROOT / "spec/v1/schemas/Verwijzing.json").read_bytes()


def test_the_api_page_has_every_operation() -> None:
    document = yaml.safe_load((ROOT / "spec/v1/openapi.yaml").read_text(encoding="utf-8"))
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            anchor = PAGES.slug(operation["operationId"])
            assert f"### `{method.upper()} {path}` {{#{anchor}}}" in page


def test_absent_optional_pages_leave_the_nav_and_others_stay(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="mkdocs is in the docs dependency group")
    hooks = _tool("mkdocs_hooks")
    (tmp_path / "eisen.md").write_text("# Eisen\n", encoding="utf-8")
    nav = [
        {"Home": "index.md"},
        {"Specificatie": [{"Eisen": "eisen.md"}, {"Adressering": "adressering.md"}]},
        {"Implementeren": [{"Monitoring": "monitoring.md"}]},
        {"Typo": "bestaat-niet.md"},
    ]
    assert hooks._zonder_afwezige(nav, tmp_path) == [
        {"Home": "index.md"},
        {"Specificatie": [{"Eisen": "eisen.md"}]},
        {"Typo": "bestaat-niet.md"},
    ]


def test_the_privacy_page_names_every_personal_data_field() -> None:
    """A new field about the help-seeker must get its row (purpose, ground, who sees it)."""
    from warm_referral.models import onderdelen

    page = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    for model, parent in (
        (onderdelen.Hulpvrager, "hulpvrager"),
        (onderdelen.Achterstand, "achterstand"),
        (onderdelen.Crisis, "crisis"),
        (onderdelen.Contactpersoon, "contactpersoon"),
    ):
        for name, field in model.model_fields.items():
            wire = field.alias or name
            forms = (f"`{wire}`", f".{wire}`", f".{wire}.*`", f"`{parent}.*`")
            assert any(form in page for form in forms), f"{model.__name__}.{wire}"
    for wire in ("toestemming.*", "adres.*", "crisissignaal", "regulierBetaald", "toelichting"):
        assert wire in page, wire


def test_docstring_doctests_become_code_blocks() -> None:
    pytest.importorskip("griffe", reason="griffe comes with mkdocstrings (docs dependency group)")
    tool = _tool("griffe_docstrings")
    text = "Counts.\n\n>>> f(1)\n2\n\nSee :func:`f` and :meth:`~A.b`.\n\n```\n>>> kept\n```"
    fenced = tool.fence_doctests(text)
    assert fenced.split("\n")[2:6] == ["```pycon", ">>> f(1)", "2", "```"]
    assert "```\n>>> kept\n```" in fenced
    assert tool._ROL.sub(r"`\1`", "See :func:`f` and :meth:`~A.b`.") == "See `f` and `A.b`."
