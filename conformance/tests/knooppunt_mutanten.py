"""Mutants of the reference knooppunt, each with ONE rule of the intermediary profile broken: an
HTTP proxy in front of the real knooppunt (the machinery of mutanten.py) that breaks it in the
traffic. Each names the requirement it breaks; the kit's role knooppunt must fail the run and
name that id."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from mutanten import Antwoord, Mutant, Staat, Verzoek
from referentie_knooppunt import TOKENS

from warm_referral import format_tijdstip, parse_tijdstip

_POSTBUS_ID = re.compile(r"^/postbus/([0-9a-f-]{36})$")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _onthoud(staat: Staat, verzoek: Verzoek) -> dict[str, Any] | None:
    """Remember each delivered envelope by berichtId (the proxy sees the traffic)."""
    document = _json(verzoek.body) if verzoek.pad == "/enveloppen" else None
    if isinstance(document, dict) and isinstance(document.get("berichtId"), str):
        staat.gezien.setdefault("enveloppen", {}).setdefault(document["berichtId"], document)
        return document
    return None


def _afzender_ongecontroleerd(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _onthoud(staat, verzoek)
    if document is not None and document.get("afzender") in TOKENS:
        verzoek.headers["authorization"] = f"Bearer {TOKENS[document['afzender']]}"
    return verzoek


def _id_zonder_vingerafdruk(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _json(verzoek.body) if verzoek.pad == "/enveloppen" else None
    if isinstance(document, dict) and "berichtId" in document:
        verzoek.body = staat.gezien.setdefault(document["berichtId"], verzoek.body)
    return verzoek


def _postbus_lekt(staat: Staat, verzoek: Verzoek) -> Verzoek:
    _onthoud(staat, verzoek)
    gevonden = _POSTBUS_ID.match(verzoek.pad)
    if gevonden:
        envelop = staat.gezien.get("enveloppen", {}).get(gevonden.group(1))
        if envelop is not None and envelop.get("ontvanger") in TOKENS:
            verzoek.headers["authorization"] = f"Bearer {TOKENS[envelop['ontvanger']]}"
    return verzoek


def _bevestigen_zonder_gevolg(staat: Staat, verzoek: Verzoek) -> Verzoek | Antwoord:
    if verzoek.methode == "DELETE" and _POSTBUS_ID.match(verzoek.pad):
        return Antwoord(204, {"api-version": "1.0.0", "cache-control": "no-store"}, b"")
    return verzoek


def _klok_achter(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _json(verzoek.body) if verzoek.pad == "/testklok" else None
    if verzoek.methode == "PUT" and isinstance(document, dict) and "nu" in document:
        document["nu"] = format_tijdstip(parse_tijdstip(document["nu"]) - timedelta(days=1))
        verzoek.body = json.dumps(document).encode()
    return verzoek


def _lijst_met_inhoud(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    lijst = _json(antwoord.body) if verzoek.pad == "/postbus" else None
    if isinstance(lijst, dict):
        enveloppen = staat.gezien.get("enveloppen", {})
        for regel in lijst.get("enveloppen", []):
            if regel.get("berichtId") in enveloppen:
                regel["inhoud"] = enveloppen[regel["berichtId"]]["inhoud"]
        antwoord.body = json.dumps(lijst).encode()
    return antwoord


def _onthoud_alles(staat: Staat, verzoek: Verzoek) -> Verzoek:
    _onthoud(staat, verzoek)
    return verzoek


KNOOPPUNT_MUTANTEN: tuple[Mutant, ...] = (
    Mutant(
        "afzender-ongecontroleerd",
        "WD-KNP-01",
        "het knooppunt neemt een envelop aan van een ander dan de afzender",
        verzoek=_afzender_ongecontroleerd,
    ),
    Mutant(
        "id-zonder-vingerafdruk",
        "WD-KNP-02",
        "een andere envelop onder een gebruikt berichtId geldt als herhaling",
        verzoek=_id_zonder_vingerafdruk,
    ),
    Mutant(
        "postbus-lekt",
        "WD-KNP-03",
        "iedere deelnemer haalt op en bevestigt uit de postbus van de ontvanger",
        verzoek=_postbus_lekt,
    ),
    Mutant(
        "bevestigen-zonder-gevolg",
        "WD-KNP-04",
        "bevestigen antwoordt 204 maar de envelop blijft",
        verzoek=_bevestigen_zonder_gevolg,
    ),
    Mutant(
        "klok-achter",
        "WD-KNP-05",
        "een envelop vervalt een dag na de bewaartermijn",
        verzoek=_klok_achter,
    ),
    Mutant(
        "lijst-met-inhoud",
        "WD-KNP-10",
        "de lijst van de postbus toont de versleutelde inhoud",
        verzoek=_onthoud_alles,
        antwoord=_lijst_met_inhoud,
    ),
)
