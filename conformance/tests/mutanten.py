"""Mutants of the reference receiver, each with ONE rule broken, to prove that the kit notices.

Two kinds, both on stable surfaces only (the reference's internals are being restructured):

- *lancering*: the receiver started with one public library function patched
  (mutanten_lancering.py): the deadline arithmetic, the suppression of monitoring figures;
- *proxy*: an HTTP proxy in front of the real receiver that breaks one rule in the traffic:
  idempotency, tenancy, the feedback limits, hostile input, the NL API Design Rules.

Each mutant names the requirement it breaks; the kit must fail the run and name that id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from referentie import vrije_poort, wacht_op

from warm_referral.identifiers import bsn as _bsn

Kop = dict[str, str]
#: The HTTP protocol the reference receiver is served with (limits, problem-details refusals).
PROTOCOL = "warm_referral_reference.receiver.protocol:BegrensdProtocol"


@dataclass
class Verzoek:
    methode: str
    pad: str
    """The path below the base URL, e.g. /berichten."""
    headers: Kop
    body: bytes
    query: str = ""


@dataclass
class Antwoord:
    status: int
    headers: Kop
    body: bytes
    query: str = ""


@dataclass
class Staat:
    """What a proxy mutant remembers between requests."""

    gezien: dict[str, Any] = field(default_factory=dict)
    client: httpx.AsyncClient | None = None
    achter: str = ""


VerzoekMutatie = Callable[[Staat, Verzoek], "Verzoek | Antwoord"]
AntwoordMutatie = Callable[[Staat, Verzoek, Antwoord], "Antwoord"]


@dataclass(frozen=True)
class Mutant:
    naam: str
    eis: str
    """The requirement the mutant breaks: the kit must report it failed."""
    omschrijving: str
    lancering: str | None = None
    verzoek: VerzoekMutatie | None = None
    antwoord: AntwoordMutatie | None = None
    asynchroon_antwoord: Callable[[Staat, Verzoek, Antwoord], Any] | None = None
    kaal: bool = False
    """Serve the proxy with uvicorn's own HTTP protocol, not the receiver's (no limits, plain
    text refusals of malformed requests); the others use the receiver's, as it is served."""


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _token(verzoek: Verzoek) -> str:
    return verzoek.headers.get("authorization", "").partition(" ")[2]


# --- request mutations -------------------------------------------------------------------------------


def _zelfde_id_andere_inhoud(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _json(verzoek.body) if verzoek.pad == "/berichten" else None
    if isinstance(document, dict) and "berichtId" in document:
        eerder = staat.gezien.setdefault(document["berichtId"], verzoek.body)
        verzoek.body = eerder  # a replayed id gets the first body's answer, whatever was sent
    return verzoek


def _conversatie_hergebruik(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _json(verzoek.body) if verzoek.pad == "/berichten" else None
    if isinstance(document, dict) and document.get("berichttype") == "Verwijzing":
        ids = staat.gezien.setdefault("berichten", {})
        convs = staat.gezien.setdefault("conversaties", set())
        bid, conv = document.get("berichtId"), document.get("conversatieId")
        if bid in ids:
            verzoek.body = ids[bid]
        else:
            if conv in convs:
                document["conversatieId"] = str(uuid.uuid4())
                verzoek.body = json.dumps(document).encode()
            ids[bid] = verzoek.body
            convs.add(conv)
    return verzoek


def _andere_schuldeiser(staat: Staat, verzoek: Verzoek) -> Verzoek:
    if (
        verzoek.methode == "GET"
        and verzoek.pad.startswith("/verwijzingen/")
        and _token(verzoek) == "dev-woongoed"
    ):
        verzoek.headers["authorization"] = "Bearer dev-evides"
    return verzoek


def _groot_geeft_500(staat: Staat, verzoek: Verzoek) -> Verzoek | Antwoord:
    if verzoek.pad == "/berichten" and len(verzoek.body) > 200_000:
        return Antwoord(500, {"content-type": "text/plain"}, b"Internal Server Error")
    return verzoek


def _ongeldig_bsn_weg(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _json(verzoek.body) if verzoek.pad == "/berichten" else None
    if isinstance(document, dict) and isinstance(document.get("hulpvrager"), dict):
        waarde = document["hulpvrager"].get("bsn")
        if isinstance(waarde, str) and not _bsn.is_valid(waarde):
            del document["hulpvrager"]["bsn"]
            verzoek.body = json.dumps(document).encode()
    return verzoek


def _geen_openapi(staat: Staat, verzoek: Verzoek) -> Verzoek | Antwoord:
    if verzoek.pad == "/openapi.json":
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Niet gevonden",
                "status": 404,
                "detail": "weg",
                "fouten": [],
            }
        )
        return Antwoord(
            404,
            {
                "content-type": "application/problem+json",
                "api-version": "1.0.0",
                "cache-control": "no-store",
                "x-content-type-options": "nosniff",
                "x-frame-options": "DENY",
                "content-security-policy": "frame-ancestors 'none'",
                "referrer-policy": "no-referrer",
                "strict-transport-security": "max-age=31536000",
            },
            body.encode(),
        )
    return verzoek


_IDENTITEIT = {
    "dev-evides": {
        "naam": "Evides Waterbedrijf",
        "oin": "00000003241234560000",
        "kvkNummer": "24123456",
    }
}


def _afzender_niet_gecontroleerd(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _json(verzoek.body) if verzoek.pad == "/berichten" else None
    identiteit = _IDENTITEIT.get(_token(verzoek))
    afzender = document.get("afzender") if isinstance(document, dict) else None
    if (
        identiteit
        and isinstance(afzender, dict)
        and (
            afzender.get("kvkNummer") not in (None, identiteit["kvkNummer"])
            or afzender.get("oin") not in (None, identiteit["oin"])
        )
    ):
        document["afzender"] = identiteit  # type: ignore[index]
        verzoek.body = json.dumps(document).encode()
    return verzoek


def _toelichting_onthouden(staat: Staat, verzoek: Verzoek) -> Verzoek:
    if verzoek.methode == "POST" and verzoek.pad.endswith("/acties"):
        actie = _json(verzoek.body)
        if (
            isinstance(actie, dict)
            and actie.get("soort") == "NietOppakken"
            and actie.get("toelichting")
        ):
            staat.gezien[verzoek.pad.split("/")[2]] = actie["toelichting"]
    return verzoek


def _bericht(verzoek: Verzoek, berichttype: str | None = None) -> dict[str, Any] | None:
    """The JSON message a request posts to /berichten (of ``berichttype``), if it is one."""
    document = _json(verzoek.body) if verzoek.pad == "/berichten" else None
    if not isinstance(document, dict):
        return None
    if berichttype is not None and document.get("berichttype") != berichttype:
        return None
    return document


def _herschrijf(verzoek: Verzoek, document: dict[str, Any]) -> Verzoek:
    verzoek.body = json.dumps(document).encode()
    return verzoek


def _korte_stop_verlengd(staat: Staat, verzoek: Verzoek) -> Verzoek:
    from datetime import date, timedelta

    document = _bericht(verzoek, "Verwijzing")
    stop = document.get("incassostop") if document else None
    if isinstance(stop, dict):
        try:
            begin = date.fromisoformat(stop["ingangsdatum"])
            einde = date.fromisoformat(stop["einddatum"])
        except (KeyError, TypeError, ValueError):
            return verzoek
        if einde < begin + timedelta(days=30):
            stop["einddatum"] = (begin + timedelta(days=30)).isoformat()
            return _herschrijf(verzoek, document)  # type: ignore[arg-type]
    return verzoek


def _intrekking_zonder_toestemming(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _bericht(verzoek, "Intrekking")
    if document and document.get("reden") == "Toestemming ingetrokken":
        document["reden"] = "Ten onrechte verzonden"
        return _herschrijf(verzoek, document)
    return verzoek


def _intrekking_toestemming_genegeerd(staat: Staat, verzoek: Verzoek) -> Verzoek | Antwoord:
    document = _bericht(verzoek, "Intrekking")
    if document and document.get("reden") == "Toestemming ingetrokken":
        body = {
            "berichtId": document.get("berichtId"),
            "berichttype": "Intrekking",
            "ontvangenOp": "2026-01-01T00:00:00Z",
        }
        return Antwoord(202, {"content-type": "application/json"}, json.dumps(body).encode())
    return verzoek


def _soort_niet_gecontroleerd(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _bericht(verzoek, "Verwijzing")
    if document and _token(verzoek) == "dev-evides" and document.get("soortVerwijzer") != "Water":
        document["soortVerwijzer"], document["grondslag"] = "Water", "Afsluitregeling"
        document.pop("toestemming", None)
        if isinstance(document.get("hulpvrager"), dict):
            document["hulpvrager"].pop("bsn", None)
        return _herschrijf(verzoek, document)
    return verzoek


def _grondslag_niet_gecontroleerd(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _bericht(verzoek, "Verwijzing")
    if (
        document
        and _token(verzoek) == "dev-evides"
        and document.get("grondslag") == "BesluitGemeentelijkeSchuldhulpverlening"
    ):
        document["grondslag"] = "Afsluitregeling"
        return _herschrijf(verzoek, document)
    return verzoek


def _afspraak_niet_gecontroleerd(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _bericht(verzoek, "Verwijzing")
    ontvanger = document.get("ontvanger") if document else None
    if isinstance(ontvanger, dict) and ontvanger.get("gemeentecode") == "0678":
        document["ontvanger"] = {  # type: ignore[index]
            "naam": "Gemeente Vlissingen",
            "oin": "00000001001234567000",
            "gemeentecode": "0718",
        }
        return _herschrijf(verzoek, document)  # type: ignore[arg-type]
    return verzoek


def _afzender_naam_vrij(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _bericht(verzoek)
    identiteit = _IDENTITEIT.get(_token(verzoek))
    afzender = document.get("afzender") if document else None
    if identiteit and isinstance(afzender, dict) and afzender.get("oin") == identiteit["oin"]:
        afzender["naam"] = identiteit["naam"]
        if afzender.get("kvkNummer") is not None:
            afzender["kvkNummer"] = identiteit["kvkNummer"]
        return _herschrijf(verzoek, document)  # type: ignore[arg-type]
    return verzoek


def _versie_1_1_geweigerd(staat: Staat, verzoek: Verzoek) -> Verzoek | Antwoord:
    document = _bericht(verzoek)
    if document and document.get("specVersie") == "1.1":
        body = {
            "type": "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/problemen/ongeldig-bericht",
            "title": "Ongeldige invoer",
            "status": 400,
            "detail": "specVersie 1.1 is not supported",
            "fouten": [
                {"pointer": "/specVersie", "code": "waarde_niet_toegestaan", "melding": "1.0 only"}
            ],
        }
        return Antwoord(
            400, {"content-type": "application/problem+json"}, json.dumps(body).encode()
        )
    return verzoek


def _maatregelen_weg(staat: Staat, verzoek: Verzoek) -> Verzoek:
    document = _bericht(verzoek, "Betaalgedragmelding")
    if document and document.get("specVersie") == "1.0" and "ingrijpendeMaatregelen" in document:
        del document["ingrijpendeMaatregelen"]
        return _herschrijf(verzoek, document)
    return verzoek


# --- response mutations ------------------------------------------------------------------------------


def _zonder_header(naam: str) -> AntwoordMutatie:
    def mutatie(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
        antwoord.headers.pop(naam, None)
        return antwoord

    return mutatie


def _verkeerde_code(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    probleem = _json(antwoord.body) if antwoord.status == 400 else None
    if isinstance(probleem, dict) and isinstance(probleem.get("fouten"), list):
        for fout in probleem["fouten"]:
            if isinstance(fout, dict):
                fout["code"] = "ongeldig"
        antwoord.body = json.dumps(probleem).encode()
    return antwoord


async def _onbekende_parameter_genegeerd(
    staat: Staat, verzoek: Verzoek, antwoord: Antwoord
) -> Antwoord:
    """Refused for its query parameters? Then ask again without them (and so ignore them)."""
    codes = {
        f.get("code") for f in (_json(antwoord.body) or {}).get("fouten", []) if isinstance(f, dict)
    }
    if antwoord.status != 400 or not codes & {"onbekende_parameter", "herhaalde_parameter"}:
        return antwoord
    assert staat.client is not None
    doorsturen = {k: v for k, v in verzoek.headers.items() if k not in ("host", "content-length")}
    echt = await staat.client.request(
        verzoek.methode, f"{staat.achter}{verzoek.pad}", headers=doorsturen
    )
    return Antwoord(
        echt.status_code,
        {k.lower(): v for k, v in echt.headers.items() if k.lower() not in ("content-length",)},
        echt.content,
    )


def _geen_paginalinks(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    if verzoek.pad == "/verwijzingen":
        antwoord.headers.pop("link", None)
    return antwoord


def _xml_antwoord_als_json(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    if (
        verzoek.pad == "/berichten"
        and antwoord.status in (200, 201)
        and "xml" in antwoord.headers.get("content-type", "")
    ):
        from warm_referral import parse_xml

        antwoord.body = parse_xml(antwoord.body).to_json()
        antwoord.headers["content-type"] = "application/json"
    return antwoord


def _toelichting_lekt(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    delen = verzoek.pad.split("/")
    if (
        verzoek.methode == "GET"
        and len(delen) == 3
        and delen[1] == "verwijzingen"
        and delen[2] in staat.gezien
    ):
        beeld = _json(antwoord.body)
        if isinstance(beeld, dict):
            beeld["toelichting"] = staat.gezien[delen[2]]
            antwoord.body = json.dumps(beeld).encode()
    return antwoord


def _bevestiging_van_30_dagen(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    from datetime import date, timedelta

    if verzoek.pad == "/berichten" and antwoord.status == 201:
        bevestiging = _json(antwoord.body)
        stop = bevestiging.get("incassostop") if isinstance(bevestiging, dict) else None
        if isinstance(stop, dict):
            begin = date.fromisoformat(stop["ingangsdatum"])
            stop["einddatum"] = (begin + timedelta(days=30)).isoformat()
            antwoord.body = json.dumps(bevestiging).encode()
    return antwoord


def _antwoord_in_1_1(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    if verzoek.pad == "/berichten" and antwoord.status == 201:
        bevestiging = _json(antwoord.body)
        if isinstance(bevestiging, dict) and bevestiging.get("specVersie") == "1.0":
            bevestiging["specVersie"] = "1.1"
            antwoord.body = json.dumps(bevestiging).encode()
    return antwoord


def _opgepakt_dubbel(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    if verzoek.methode == "GET" and verzoek.pad == "/postvak" and antwoord.status == 200:
        postvak = _json(antwoord.body)
        if isinstance(postvak, dict) and isinstance(postvak.get("berichten"), list):
            uit: list[Any] = []
            for entry in postvak["berichten"]:
                uit.append(entry)
                bericht = entry.get("bericht") if isinstance(entry, dict) else None
                if isinstance(bericht, dict) and bericht.get("mijlpaal") == "Opgepakt":
                    uit.append({**entry, "bericht": {**bericht, "berichtId": str(uuid.uuid4())}})
            postvak["berichten"] = uit
            antwoord.body = json.dumps(postvak).encode()
    return antwoord


async def _contactpogingen_lekken(staat: Staat, verzoek: Verzoek, antwoord: Antwoord) -> Antwoord:
    delen = verzoek.pad.split("/")
    if (
        verzoek.methode == "GET"
        and len(delen) == 3
        and delen[1] == "verwijzingen"
        and _token(verzoek) != "dev-operator"
        and antwoord.status == 200
    ):
        assert staat.client is not None
        volledig = await staat.client.get(
            f"{staat.achter}{verzoek.pad}", headers={"authorization": "Bearer dev-operator"}
        )
        beeld, dossier = _json(antwoord.body), _json(volledig.content)
        if isinstance(beeld, dict) and isinstance(dossier, dict) and dossier.get("contactpogingen"):
            beeld["contactpogingen"] = dossier["contactpogingen"]
            antwoord.body = json.dumps(beeld).encode()
    return antwoord


MUTANTEN: tuple[Mutant, ...] = (
    # --- the agreements (issue 12) ---
    Mutant(
        "korte-incassostop-aangenomen",
        "WD-TERM-12",
        "een incassostop korter dan 30 dagen wordt stil verlengd en aangenomen",
        verzoek=_korte_stop_verlengd,
    ),
    Mutant(
        "bevestiging-van-30-dagen",
        "WD-TERM-13",
        "de bevestiging noemt 30 dagen, ook als de Verwijzing een langere incassostop heeft",
        antwoord=_bevestiging_van_30_dagen,
    ),
    Mutant(
        "te-laat-vergeten",
        "WD-TERM-14",
        "een Verwijzing van weken oud wordt aangenomen alsof zij vers is",
        lancering="te-laat-vergeten",
    ),
    Mutant(
        "intrekking-toestemming-overal",
        "WD-GROND-08",
        "een intrekking van toestemming wordt ook bij een wettelijke grondslag aangenomen",
        verzoek=_intrekking_zonder_toestemming,
    ),
    Mutant(
        "toestemming-intrekking-genegeerd",
        "WD-GROND-09",
        "na het intrekken van de toestemming meldt de gemeente gewoon verder",
        verzoek=_intrekking_toestemming_genegeerd,
    ),
    Mutant(
        "soort-niet-gecontroleerd",
        "WD-DEEL-01",
        "een soort verwijzer waarvoor de schuldeiser niet is ingeschreven, wordt aangenomen",
        verzoek=_soort_niet_gecontroleerd,
    ),
    Mutant(
        "grondslag-niet-gecontroleerd",
        "WD-DEEL-02",
        "een grondslag waarvoor de schuldeiser niet is ingeschreven, wordt aangenomen",
        verzoek=_grondslag_niet_gecontroleerd,
    ),
    Mutant(
        "afspraak-niet-gecontroleerd",
        "WD-DEEL-03",
        "een Verwijzing aan een gemeente zonder afspraak wordt aangenomen",
        verzoek=_afspraak_niet_gecontroleerd,
    ),
    Mutant(
        "afzender-naam-vrij",
        "WD-ENV-06",
        "alleen OIN en KvK-nummer tellen; een andere naam of een mengsel gaat door",
        verzoek=_afzender_naam_vrij,
    ),
    Mutant(
        "alles-terugmelden",
        "WD-TERUG-11",
        "bij een wettelijke grondslag hoort de schuldeiser ook Bereikt, Hulp aangeboden en afgewezen",
        lancering="alles-terugmelden",
    ),
    Mutant(
        "opgepakt-dubbel",
        "WD-TERUG-09",
        "het postvak geeft Opgepakt twee keer",
        antwoord=_opgepakt_dubbel,
    ),
    Mutant(
        "bewaren-vergeten",
        "WD-PRIV-05",
        "de persoonsgegevens van een afgesloten verwijzing blijven voor altijd",
        lancering="bewaren-vergeten",
    ),
    Mutant(
        "versie-1-1-geweigerd",
        "WD-BER-16",
        "berichten in specVersie 1.1 worden geweigerd",
        verzoek=_versie_1_1_geweigerd,
    ),
    Mutant(
        "maatregelen-in-1-0-aangenomen",
        "WD-BER-17",
        "ingrijpendeMaatregelen in een 1.0-bericht worden stil weggelaten",
        verzoek=_maatregelen_weg,
    ),
    Mutant(
        "antwoord-in-1-1",
        "WD-BER-18",
        "een Verwijzing in 1.0 krijgt haar bevestiging in 1.1",
        antwoord=_antwoord_in_1_1,
    ),
    Mutant(
        "goede-vrijdag-vergeten",
        "WD-TERM-02",
        "Goede Vrijdag telt als werkdag",
        lancering="goede-vrijdag-vergeten",
    ),
    Mutant(
        "kalenderdagen",
        "WD-ONTV-03",
        "de contacttermijn telt kalenderdagen",
        lancering="kalenderdagen",
    ),
    Mutant(
        "utc-datum", "WD-TERM-04", "de dag van ontvangst is de UTC-datum", lancering="utc-datum"
    ),
    Mutant(
        "incassostop-atw",
        "WD-TERM-05",
        "het einde van de incassostop schuift op naar een werkdag",
        lancering="incassostop-atw",
    ),
    Mutant(
        "incassostop-29",
        "WD-TERM-12",
        "het minimum van de incassostop is 29 dagen: een te korte wordt aangenomen",
        lancering="incassostop-29",
    ),
    Mutant(
        "zelfde-id-andere-inhoud",
        "WD-ENV-03",
        "een hergebruikt berichtId met andere inhoud krijgt het oude antwoord",
        verzoek=_zelfde_id_andere_inhoud,
    ),
    Mutant(
        "conversatie-hergebruik",
        "WD-ENV-04",
        "een tweede Verwijzing in een conversatie wordt aangenomen",
        verzoek=_conversatie_hergebruik,
    ),
    Mutant(
        "afzender-niet-gecontroleerd",
        "WD-ENV-06",
        "de afzender wordt niet met de aangemelde deelnemer vergeleken",
        verzoek=_afzender_niet_gecontroleerd,
    ),
    Mutant(
        "contactpogingen-lekken",
        "WD-TERUG-01",
        "het beeld van de schuldeiser toont de contactpogingen",
        asynchroon_antwoord=_contactpogingen_lekken,
    ),
    Mutant(
        "andere-reden-lekt",
        "WD-TERUG-03",
        "de toelichting bij 'andere reden' staat in het beeld van de schuldeiser",
        verzoek=_toelichting_onthouden,
        antwoord=_toelichting_lekt,
    ),
    Mutant(
        "andere-schuldeiser",
        "WD-PRIV-01",
        "een tweede schuldeiser ziet de verwijzing van de eerste",
        verzoek=_andere_schuldeiser,
    ),
    Mutant(
        "groot-geeft-500",
        "WD-ROB-01",
        "een te groot bericht geeft 500 als text/plain",
        verzoek=_groot_geeft_500,
    ),
    Mutant(
        "geen-api-version",
        "WD-API-01",
        "antwoorden zonder API-Version",
        antwoord=_zonder_header("api-version"),
    ),
    Mutant(
        "geen-no-store",
        "WD-API-03",
        "antwoorden zonder Cache-Control: no-store",
        antwoord=_zonder_header("cache-control"),
    ),
    Mutant(
        "ongeldig-bsn-aangenomen",
        "WD-BER-04",
        "een BSN dat de 11-proef niet haalt, wordt stil weggelaten en de Verwijzing aangenomen",
        verzoek=_ongeldig_bsn_weg,
    ),
    Mutant(
        "verkeerde-code",
        "WD-BER-05",
        "de weigering noemt niet de codes van de standaard",
        antwoord=_verkeerde_code,
    ),
    Mutant("geen-openapi-json", "WD-API-05", "openapi.json ontbreekt", verzoek=_geen_openapi),
    Mutant(
        "onbekende-parameter-genegeerd",
        "WD-API-11",
        "een onbekende queryparameter wordt genegeerd",
        asynchroon_antwoord=_onbekende_parameter_genegeerd,
    ),
    Mutant(
        "geen-paginalinks",
        "WD-API-12",
        "de lijst van verwijzingen heeft geen header Link",
        antwoord=_geen_paginalinks,
    ),
    Mutant(
        "openapi-zonder-cors",
        "WD-API-13",
        "openapi.json zonder Access-Control-Allow-Origin",
        antwoord=_zonder_header("access-control-allow-origin"),
    ),
    Mutant(
        "kale-http-server",
        "WD-ROB-05",
        "geserveerd zonder grenzen: een misvormd verzoek krijgt een 400 als platte tekst",
        kaal=True,
    ),
    Mutant(
        "kleine-aantallen",
        "WD-MON-01",
        "monitoringcijfers tonen aantallen onder de drempel van 5",
        lancering="drempel-een",
    ),
    Mutant(
        "adresboek-zonder-data",
        "WD-ADR-07",
        "de ontvanger leest het adresboek zonder de data: hij neemt een Verwijzing aan voor een "
        "gemeente die hij alleen vroeger bediende",
        lancering="adresboek-zonder-data",
    ),
    Mutant(
        "doorzending-zonder-datum",
        "WD-ADR-08",
        "een Doorzending noemt de eerste organisatie die het adresboek ooit voor de gemeente "
        "gaf, niet die van de datum",
        lancering="doorzending-zonder-datum",
    ),
    # --- signatures (issue 19) ---
    Mutant(
        "handtekening-genegeerd",
        "WD-OND-07",
        "de ontvanger kijkt alleen of er een handtekening is: een gewijzigde body, een andere "
        "sleutel, een verlopen of onvertrouwd certificaat komen erdoor",
        lancering="handtekening-genegeerd",
    ),
    Mutant(
        "ondertekenaar-niet-afzender",
        "WD-OND-10",
        "de ontvanger neemt een geldige handtekening van elke organisatie aan, niet alleen van "
        "de afzender",
        lancering="ondertekenaar-niet-afzender",
    ),
    Mutant(
        "xml-antwoord-als-json",
        "WD-BER-12",
        "een XML-Verwijzing krijgt haar bevestiging in JSON",
        antwoord=_xml_antwoord_als_json,
    ),
)


# --- the proxy ---------------------------------------------------------------------------------------


def _onderteken_opnieuw(verzoek: Verzoek) -> None:
    """A body the mutant rewrote gets a fresh signature of its afzender at the original sigT,
    as if the receiver itself had mishandled the message: the receiver under the proxy requires
    signatures, and would otherwise refuse every rewritten body (inhoud_gewijzigd), hiding the
    mutant's fault."""
    import base64
    from datetime import datetime

    from warm_referral_conformance.ondertekening import onderteken_als

    from warm_referral.models import Partij

    waarde = verzoek.headers.get("nlgov-adr-payload-sig")
    document = _json(verzoek.body)
    if (
        not waarde
        or not isinstance(document, dict)
        or not isinstance(document.get("afzender"), dict)
    ):
        return
    kop = waarde.split(".")[0]
    sigt = json.loads(base64.urlsafe_b64decode(kop + "=" * (-len(kop) % 4)))["sigT"]
    moment = datetime.fromisoformat(sigt.replace("Z", "+00:00"))
    koppen = onderteken_als(Partij.model_validate(document["afzender"]), verzoek.body, moment)
    verzoek.headers.update({k.lower(): v for k, v in koppen.items()})


def _app(mutant: Mutant, achter: str) -> Any:
    """An ASGI app that forwards to ``achter`` (the receiver's base URL), breaking one rule."""
    staat = Staat(achter=achter)
    basis = "/v1"

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                bericht = await receive()
                if bericht["type"] == "lifespan.startup":
                    staat.client = httpx.AsyncClient(timeout=30.0)
                    await send({"type": "lifespan.startup.complete"})
                elif bericht["type"] == "lifespan.shutdown":
                    if staat.client is not None:
                        await staat.client.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            bericht = await receive()
            body += bericht.get("body", b"")
            if not bericht.get("more_body"):
                break
        pad = scope["path"][len(basis) :] if scope["path"].startswith(basis) else scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope["query_string"].decode("latin-1")
        verzoek = Verzoek(scope["method"], pad, headers, body, query)
        uitkomst: Verzoek | Antwoord = mutant.verzoek(staat, verzoek) if mutant.verzoek else verzoek
        if isinstance(uitkomst, Verzoek) and uitkomst.body != body:
            _onderteken_opnieuw(uitkomst)
        if isinstance(uitkomst, Verzoek):
            assert staat.client is not None
            doorsturen = {
                k: v
                for k, v in uitkomst.headers.items()
                if k not in ("host", "content-length", "transfer-encoding", "connection")
            }
            echt = await staat.client.request(
                uitkomst.methode,
                f"{achter}{uitkomst.pad}" + (f"?{uitkomst.query}" if uitkomst.query else ""),
                content=uitkomst.body,
                headers=doorsturen,
            )
            antwoord = Antwoord(
                echt.status_code,
                {
                    k.lower(): v
                    for k, v in echt.headers.items()
                    if k.lower()
                    not in ("content-length", "transfer-encoding", "connection", "content-encoding")
                },
                echt.content,
            )
            if mutant.antwoord:
                antwoord = mutant.antwoord(staat, uitkomst, antwoord)
            if mutant.asynchroon_antwoord:
                antwoord = await mutant.asynchroon_antwoord(staat, uitkomst, antwoord)
        else:
            antwoord = uitkomst
        await send(
            {
                "type": "http.response.start",
                "status": antwoord.status,
                "headers": [(k.encode(), v.encode()) for k, v in antwoord.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": antwoord.body})

    return app


@contextlib.contextmanager
def proxy(mutant: Mutant, achter: str) -> Iterator[str]:
    """Run the mutant's proxy in a thread on a free port; its base URL (``.../v1``)."""
    poort = vrije_poort()
    protocol = {} if mutant.kaal else {"http": PROTOCOL, "ws": "none", "server_header": False}
    server = uvicorn.Server(
        uvicorn.Config(
            _app(mutant, achter),
            host="127.0.0.1",
            port=poort,
            log_level="warning",
            lifespan="on",
            **protocol,  # type: ignore[arg-type]
        )
    )
    draad = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    draad.start()
    url = f"http://127.0.0.1:{poort}/v1"
    try:
        wacht_op(f"{url}/postvak", seconden=15)
        yield url
    finally:
        server.should_exit = True
        draad.join(10)
