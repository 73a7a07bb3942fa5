"""The published YAML reads the same under YAML 1.1 and YAML 1.2 (issue 13): vendors load
spec/v1/openapi.yaml with whatever their language has (PyYAML and SnakeYAML read 1.1, ruamel.yaml,
js-yaml 4 and YamlDotNet's core schema 1.2), and a bare ``0612345678`` is a string to one and a
number to the other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from paths import SPEC
from ruamel.yaml import YAML

BESTANDEN = [SPEC / "openapi.yaml", SPEC / "eisen.yaml"]


def _yaml12(pad: Path) -> Any:
    return YAML(typ="safe", pure=True).load(pad.read_text(encoding="utf-8"))


@pytest.mark.parametrize("pad", BESTANDEN, ids=lambda p: p.name)
def test_yaml_1_1_and_1_2_read_the_same_document(pad: Path) -> None:
    een_een = yaml.safe_load(pad.read_text(encoding="utf-8"))
    een_twee = _yaml12(pad)
    # JSON text as the common ground: the same types, keys and values, in the same order.
    assert json.dumps(een_een, sort_keys=True, default=str) == json.dumps(
        een_twee, sort_keys=True, default=str
    )


def test_the_openapi_yaml_is_the_document_the_server_publishes() -> None:
    from warm_referral_reference.receiver.http.openapi import openapi_json

    assert _yaml12(SPEC / "openapi.yaml") == json.loads(openapi_json())


def test_the_generator_quotes_what_yaml_1_2_would_read_as_a_number() -> None:
    import importlib.util

    from paths import ROOT

    spec = importlib.util.spec_from_file_location("generate_yaml", ROOT / "tools" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    waarden = ["0612345678", "1e3", "0o17", "0x1F", "true", "null", "~", "", ".inf", "+1"]
    tekst = yaml.dump(waarden, Dumper=generate._yaml_dumper())
    assert yaml.safe_load(tekst) == waarden
    assert YAML(typ="safe", pure=True).load(tekst) == waarden
