"""Address books for the reference services' tests: the spec's example edition, changed as a test
needs, signed with the published NVVK test key and written beside the trust list."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from paths import SPEC

from warm_referral.adresboek import laad_ondertekensleutel, onderteken

MAP = SPEC / "adresboek"
SLEUTELS = MAP / "nvvk-testsleutels.jwks.json"
WALCHEREN_OIN = "00000001001234567000"
GOES_OIN = "00000001003456789000"


def voorbeeld() -> dict[str, Any]:
    """The example edition as a dict (a fresh copy)."""
    data: dict[str, Any] = json.loads((MAP / "voorbeeld-adresboek.json").read_text("utf-8"))
    return copy.deepcopy(data)


def veere_naar_goes(document: dict[str, Any]) -> dict[str, Any]:
    """Walcheren serves Veere (0717) until 31 March 2026; Goes from 1 April 2026."""
    for gemeente in document["gemeenten"]:
        if gemeente["gemeentecode"] == "0717":
            gemeente["geldigTot"] = "2026-03-31"
    document["gemeenten"].append(
        {
            "gemeentecode": "0717",
            "naam": "Veere",
            "organisatie": "gemeente-goes",
            "afsprakenprofiel": {"naam": "nvvk-pilot", "versie": "1.0"},
            "geldigVanaf": "2026-04-01",
        }
    )
    return document


def onderteken_boek(document: dict[str, Any]) -> str:
    sleutel = laad_ondertekensleutel(MAP / "nvvk-testsleutel.prive.jwk.json")
    return onderteken(json.dumps(document).encode(), sleutel)


def schrijf_boek(map_: Path, document: dict[str, Any], naam: str = "adresboek.jws") -> Path:
    """Sign ``document`` and write it (and a copy of the trust list) into ``map_``."""
    pad = map_ / naam
    pad.write_text(onderteken_boek(document), encoding="ascii")
    (map_ / "nvvk.jwks.json").write_bytes(SLEUTELS.read_bytes())
    return pad


def vervals(jws: str) -> str:
    """The same JWS with one character of its payload changed (the signature no longer fits)."""
    kop, payload, handtekening = jws.strip().split(".")
    midden = len(payload) // 2
    ander = "A" if payload[midden] != "A" else "B"
    return ".".join((kop, payload[:midden] + ander + payload[midden + 1 :], handtekening))
