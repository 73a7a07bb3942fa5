"""The published JSON Schemas of the envelope and its sealed content, generated from the models.

As for the messages and the address book: pydantic generates, the messages' post-processing
(:mod:`warm_referral.schemas`) gives the published form. ``tools/generate.py`` writes them to
``spec/v1/knooppunt/``; a test fails when a committed file drifts.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KNOOPPUNT_BASE_URI", "SCHEMA_MAP", "build_knooppunt_schemas"]

#: Where NVVK publishes the files of the route through an intermediary.
KNOOPPUNT_BASE_URI = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/knooppunt/"
#: The folder in the repository (and under the base URI).
SCHEMA_MAP = "spec/v1/knooppunt"


def build_knooppunt_schemas() -> dict[str, dict[str, Any]]:
    """``{file name: schema}`` (Draft 2020-12) for the envelope and the sealed content."""
    from pydantic.json_schema import models_json_schema

    from ..schemas import _DIALECT, _clean_model
    from .envelop import Envelop, Inhoud

    uit: dict[str, dict[str, Any]] = {}
    for cls in (Envelop, Inhoud):
        _, top = models_json_schema([(cls, "validation")], ref_template="#/$defs/{model}")
        schema = _clean_model(cls.__name__, top["$defs"][cls.__name__], cls)
        naam = f"{cls.__name__.lower()}.schema.json"
        uit[naam] = {
            "$schema": _DIALECT,
            "$id": KNOOPPUNT_BASE_URI + naam,
            **schema,
            "title": cls.__name__,
        }
    return uit
