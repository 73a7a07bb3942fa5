"""The NL API Design Rules that need a request of their own: the published OpenAPI document, a
trailing slash, a wrong method, authentication, Content-Type, and no personal data in URIs.
(API-Version, problem details, no-store and the OpenAPI document are checked on every exchange.)"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..catalogus import Rol
from ..context import Controlecontext
from ..register import controle
from ._hulp import json_of_niets, stuur_verwijzing

_PERSOONSGEGEVENS = re.compile(
    r"bsn|burgerservicenummer|geboortedatum|postcode|naam", re.IGNORECASE
)


@controle(
    "WD-API-05",
    "WD-API-01",
    "WD-API-02",
    "WD-API-03",
    "WD-API-04",
    "WD-API-06",
    "WD-API-09",
    "WD-GROND-05",
    rol=Rol.ONTVANGER,
    titel="openapi.json zonder authenticatie onder het basispad /v1, zonder persoonsgegevens in URI's",
)
def openapi_document(ctx: Controlecontext) -> None:
    pad = urlsplit(ctx.doelwit.url).path.rstrip("/")
    ctx.controleer(
        re.search(r"/v\d+$", pad) is not None,
        "WD-API-05",
        f"het basispad {pad or '/'} eindigt niet op de hoofdversie (/v1)",
    )
    antwoord = ctx.anoniem.get("/openapi.json")
    if not ctx.controleer(
        antwoord.status_code == 200,
        "WD-API-05",
        f"GET /openapi.json zonder authenticatie gaf {antwoord.status_code}",
        antwoord,
    ):
        return
    document: Any = json_of_niets(antwoord)
    if not ctx.controleer(
        isinstance(document, dict) and str(document.get("openapi", "")).startswith("3."),
        "WD-API-05",
        "openapi.json is geen OpenAPI 3-document in JSON",
        antwoord,
    ):
        return
    for sjabloon, operaties in (document.get("paths") or {}).items():
        if _PERSOONSGEGEVENS.search(sjabloon):
            ctx.afwijking("WD-GROND-05", f"het pad {sjabloon} noemt persoonsgegevens", antwoord)
        for operatie in (operaties or {}).values():
            if not isinstance(operatie, dict):
                continue
            for parameter in operatie.get("parameters") or []:
                naam = parameter.get("name", "") if isinstance(parameter, dict) else ""
                if parameter.get("in") in ("path", "query") and _PERSOONSGEGEVENS.search(naam):
                    ctx.afwijking(
                        "WD-GROND-05",
                        f"{sjabloon} heeft een parameter {naam!r} in de URI",
                        antwoord,
                    )


@controle(
    "WD-API-07",
    rol=Rol.ONTVANGER,
    titel="Een afsluitende slash geeft 404, een onbekende methode 405 met Allow",
)
def slash_en_methode(ctx: Controlecontext) -> None:
    antwoord = ctx.schuldeiser.get("/postvak/")
    ctx.controleer(
        antwoord.status_code == 404,
        "WD-API-07",
        f"GET /postvak/ gaf {antwoord.status_code}, niet 404 (geen omleiding)",
        antwoord,
    )
    antwoord = ctx.schuldeiser.verzoek("DELETE", "/berichten")
    ctx.controleer(
        antwoord.status_code == 405,
        "WD-API-07",
        f"DELETE /berichten gaf {antwoord.status_code}, niet 405",
        antwoord,
    )
    if antwoord.status_code == 405:
        ctx.controleer(
            "allow" in antwoord.headers, "WD-API-07", "405 zonder Allow-header", antwoord
        )


@controle(
    "WD-API-08",
    rol=Rol.ONTVANGER,
    titel="401 zonder authenticatie, 403 buiten de rol, 415 bij een verkeerd Content-Type",
)
def authenticatie_en_mediatype(ctx: Controlecontext) -> None:
    verwijzing = ctx.verwijzing()
    antwoord = ctx.anoniem.post(
        "/berichten", inhoud=verwijzing.to_json(), content_type="application/json"
    )
    ctx.controleer(
        antwoord.status_code == 401,
        "WD-API-08",
        f"een Verwijzing zonder authenticatie kreeg {antwoord.status_code}, niet 401",
        antwoord,
    )
    if ctx.doelwit.schuldeiser.toegang.token is not None:
        antwoord = ctx.anoniem.post(
            "/berichten",
            inhoud=verwijzing.to_json(),
            content_type="application/json",
            headers={"Authorization": "Bearer dit-token-bestaat-niet"},
        )
        ctx.controleer(
            antwoord.status_code == 401,
            "WD-API-08",
            f"een onbekend token kreeg {antwoord.status_code}, niet 401",
            antwoord,
        )
    antwoord = ctx.schuldeiser.post(
        "/berichten", inhoud=verwijzing.to_json(), content_type="text/plain"
    )
    ctx.controleer(
        antwoord.status_code == 415,
        "WD-API-08",
        f"Content-Type text/plain kreeg {antwoord.status_code}, niet 415",
        antwoord,
    )
    verzonden = stuur_verwijzing(ctx, verwijzing, eis="WD-API-08")
    if verzonden.bevestiging is not None:
        antwoord = ctx.schuldeiser.post(
            f"/verwijzingen/{verwijzing.conversatie_id}/acties",
            inhoud=b'{"soort": "Oppakken", "datum": "2026-01-01"}',
            content_type="application/json",
        )
        ctx.controleer(
            antwoord.status_code in (403, 404),
            "WD-API-08",
            f"een schuldeiser die een actie van de gemeente registreert kreeg {antwoord.status_code}, niet 403",
            antwoord,
        )


@controle(
    "WD-API-11",
    rol=Rol.ONTVANGER,
    titel="Een onbekende of herhaalde queryparameter geeft 400; een filter wordt toegepast",
)
def queryparameters(ctx: Controlecontext) -> None:
    antwoord = ctx.schuldeiser.get("/postvak", params={"sorteer": "nieuwste"})
    if ctx.controleer(
        antwoord.status_code == 400,
        "WD-API-11",
        f"GET /postvak?sorteer=nieuwste gaf {antwoord.status_code}, niet 400: een onbekende "
        "parameter mag niet worden genegeerd",
        antwoord,
    ):
        fouten = (json_of_niets(antwoord) or {}).get("fouten") or []
        ctx.controleer(
            any(isinstance(f, dict) and f.get("pointer") == "/sorteer" for f in fouten),
            "WD-API-11",
            "de weigering noemt de parameter sorteer niet in fouten (pointer /sorteer)",
            antwoord,
        )
    antwoord = ctx.schuldeiser.get("/postvak?na=0&na=1")
    ctx.controleer(
        antwoord.status_code == 400,
        "WD-API-11",
        f"GET /postvak?na=0&na=1 gaf {antwoord.status_code}, niet 400",
        antwoord,
    )
    verzonden = stuur_verwijzing(ctx, eis="WD-API-11")
    if verzonden.bevestiging is None:
        return
    eigen = verzonden.verwijzing.ontvanger.gemeentecode or "0000"
    andere = "0363" if eigen != "0363" else "0344"
    antwoord = ctx.schuldeiser.get("/verwijzingen", params={"gemeentecode": andere})
    if antwoord.status_code == 200:
        lijst = (json_of_niets(antwoord) or {}).get("verwijzingen") or []
        ctx.controleer(
            all(isinstance(v, dict) and v.get("gemeentecode") == andere for v in lijst),
            "WD-API-11",
            f"GET /verwijzingen?gemeentecode={andere} noemt verwijzingen aan een andere gemeente: "
            "het filter is genegeerd",
            antwoord,
        )
    else:
        ctx.controleer(
            400 <= antwoord.status_code < 500,
            "WD-API-11",
            f"GET /verwijzingen?gemeentecode={andere} gaf {antwoord.status_code}",
            antwoord,
        )


def _links(antwoord: Any) -> dict[str, str]:
    """The RFC 8288 Link header by relation (a simple reading: <uri>; rel="x", ...)."""
    links: dict[str, str] = {}
    for deel in re.finditer(r'<([^>]*)>\s*;\s*rel="?([^",;]+)"?', antwoord.headers.get("link", "")):
        for rel in deel.group(2).split():
            links[rel] = deel.group(1)
    return links


@controle(
    "WD-API-12",
    rol=Rol.ONTVANGER,
    titel="De lijst van verwijzingen komt in pagina's, met de header Link",
)
def paginering(ctx: Controlecontext) -> None:
    for _ in range(2):
        if stuur_verwijzing(ctx, eis="WD-API-12").bevestiging is None:
            return
    antwoord = ctx.schuldeiser.get("/verwijzingen", params={"pageSize": "1"})
    if not ctx.controleer(
        antwoord.status_code == 200,
        "WD-API-12",
        f"GET /verwijzingen?pageSize=1 gaf {antwoord.status_code}",
        antwoord,
    ):
        return
    lijst = (json_of_niets(antwoord) or {}).get("verwijzingen")
    ctx.controleer(
        isinstance(lijst, list) and len(lijst) == 1,
        "WD-API-12",
        "pageSize=1 gaf geen pagina van één verwijzing",
        antwoord,
    )
    links = _links(antwoord)
    ontbreekt = [rel for rel in ("self", "first", "last", "next") if rel not in links]
    if not ctx.controleer(
        not ontbreekt,
        "WD-API-12",
        f"de header Link mist {', '.join(ontbreekt)} (er zijn ten minste twee verwijzingen)",
        antwoord,
    ):
        return
    volgende = ctx.schuldeiser.get(_relatief(ctx, links["next"]))
    tweede = (json_of_niets(volgende) or {}).get("verwijzingen")
    ctx.controleer(
        volgende.status_code == 200
        and isinstance(tweede, list)
        and len(tweede) == 1
        and tweede != lijst,
        "WD-API-12",
        "de link next geeft niet de volgende pagina",
        volgende,
    )


def _relatief(ctx: Controlecontext, link: str) -> str:
    """A link (absolute, or relative to the server) as a path under the base URL."""
    pad = urlsplit(link)
    basis = urlsplit(ctx.doelwit.url).path.rstrip("/")
    volledig = pad.path + (f"?{pad.query}" if pad.query else "")
    return volledig[len(basis) :] if volledig.startswith(basis) else volledig


@controle(
    "WD-API-13",
    rol=Rol.ONTVANGER,
    titel="openapi.json is vanuit elke herkomst te lezen (Access-Control-Allow-Origin: *)",
)
def openapi_cors(ctx: Controlecontext) -> None:
    antwoord = ctx.anoniem.get("/openapi.json", headers={"Origin": "https://elders.example"})
    ctx.controleer(
        antwoord.headers.get("access-control-allow-origin") == "*",
        "WD-API-13",
        "GET /openapi.json heeft geen Access-Control-Allow-Origin: *",
        antwoord,
    )
