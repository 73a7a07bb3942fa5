"""The examples in the address modules' docstrings run (the test paths do not collect src/)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "warm_referral.adressen.adres",
        "warm_referral.adressen.herindelingen",
        "warm_referral.adressen.zoeker",
    ],
)
def test_docstring_examples(module: str) -> None:
    resultaat = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert resultaat.attempted > 0
    assert resultaat.failed == 0
