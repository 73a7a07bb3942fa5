"""The published JSON Schema of an address-book edition, generated from the models.

The models are the one source, as for the messages: pydantic generates the schema and the
messages' post-processing (:mod:`warm_referral.schemas`) gives it the published form (optional
members absent rather than null, rules in words). ``tools/generate.py`` writes it to
``spec/v1/adresboek/adresboek.schema.json`` (beside the example edition; ``spec/v1/schemas/`` holds
the message schemas only); a test fails when the committed file drifts.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ADRESBOEK_BASE_URI", "SCHEMA_PAD", "build_adresboek_schema"]

#: Where NVVK publishes the address-book files; the schema's ``$id`` is relative to it.
ADRESBOEK_BASE_URI = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/adresboek/"
#: The schema's path in the repository (and under the base URI: its file name).
SCHEMA_PAD = "spec/v1/adresboek/adresboek.schema.json"


def build_adresboek_schema() -> dict[str, Any]:
    """One self-contained schema (Draft 2020-12) for the unsigned edition (the JWS payload)."""
    from pydantic import BaseModel
    from pydantic.json_schema import models_json_schema

    from ..schemas import _DIALECT, _clean_model, _type_args, voor_elke_validator
    from .model import AdresboekDocument

    classes: dict[str, type[Any]] = {}

    def verzamel(cls: type[Any]) -> None:
        if cls.__name__ in classes:
            return
        classes[cls.__name__] = cls
        for veld in cls.model_fields.values():
            for arg in _type_args(veld.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    verzamel(arg)

    verzamel(AdresboekDocument)
    _, top = models_json_schema([(AdresboekDocument, "validation")], ref_template="#/$defs/{model}")
    defs: dict[str, Any] = {}
    for naam, schema in sorted(top["$defs"].items()):
        if naam in classes:
            defs[naam] = _clean_model(naam, schema, classes[naam])
        else:  # an enumeration
            defs[naam] = {**schema, "title": naam}
    hoofd = defs.pop("AdresboekDocument")
    hoofd["title"] = "Adresboek"
    # Patterns beside formats and typed subschemas, as the message schemas (strict validators).
    document: dict[str, Any] = voor_elke_validator(
        {
            "$schema": _DIALECT,
            "$id": ADRESBOEK_BASE_URI + SCHEMA_PAD.rsplit("/", 1)[1],
            **hoofd,
            "description": (
                "One edition of the warm-referral address book: the payload of the compact JWS that "
                "NVVK signs (protected header: alg ES256 or PS256, kid, typ "
                "'warm-referral-adresboek+jws').\n\n" + hoofd.get("description", "")
            ).strip(),
            "$defs": defs,
        }
    )
    return document
