"""Every generated artifact matches its generator; regenerate with ``python tools/generate.py``."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from paths import ROOT


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", ROOT / "tools" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()


@pytest.mark.parametrize("artifact", sorted(GENERATE.ARTIFACTS))
def test_generated_files_are_up_to_date(artifact: str) -> None:
    stale = GENERATE.stale_files([artifact])
    assert not stale, f"stale, run `python tools/generate.py {artifact}`: {stale}"
