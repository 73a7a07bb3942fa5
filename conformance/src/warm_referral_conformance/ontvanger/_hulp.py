"""Steps many checks of role ontvanger share: send a fresh referral, read the postvak."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from warm_referral import parse_json, parse_xml
from warm_referral.errors import MessageValidationError
from warm_referral.models import Bericht, Ontvangstbevestiging, Verwijzing

from ..context import Controlecontext, Deelnemer
from ..http import HttpClient

__all__ = [
    "Verzonden",
    "bericht_uit",
    "json_of_niets",
    "postvak",
    "postvak_stand",
    "probleemcode",
    "stuur_verwijzing",
]


@dataclass(slots=True)
class Verzonden:
    verwijzing: Verwijzing
    antwoord: httpx.Response
    bevestiging: Ontvangstbevestiging | None


def json_of_niets(antwoord: httpx.Response) -> Any:
    try:
        return antwoord.json()
    except ValueError:
        return None


def probleemcode(
    ctx: Controlecontext,
    antwoord: httpx.Response,
    code: str,
    eis: str,
    fout: tuple[str, str] | None = None,
) -> bool:
    """Is the refusal the standard's problem type ``code`` (the last segment of ``type``), and,
    when ``fout`` (pointer, violation code) is given, does ``fouten`` list it?"""
    data = json_of_niets(antwoord)
    soort = str(data.get("type", "")) if isinstance(data, dict) else ""
    goed = ctx.controleer(
        soort.rstrip("/").rsplit("/", 1)[-1] == code,
        eis,
        f"de weigering heeft type {soort or '(geen)'!r}, niet het probleem {code!r} van de standaard",
        antwoord,
    )
    if fout is not None and isinstance(data, dict):
        gevonden = {
            (f.get("pointer"), f.get("code"))
            for f in data.get("fouten") or []
            if isinstance(f, dict)
        }
        goed = (
            ctx.controleer(
                fout in gevonden,
                eis,
                f"de weigering noemt in fouten niet {fout[1]!r} op {fout[0] or '/'}",
                antwoord,
            )
            and goed
        )
    return goed


def bericht_uit(ctx: Controlecontext, antwoord: httpx.Response, eis: str) -> Bericht | None:
    """The message in a 2xx answer (JSON or XML by Content-Type); a broken one is an afwijking."""
    mediatype = antwoord.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if mediatype in ("application/xml", "text/xml"):
            return parse_xml(antwoord.content)
        return parse_json(antwoord.content)
    except MessageValidationError as exc:
        gevonden = "; ".join(str(v) for v in exc.violations[:5])
        ctx.afwijking(eis, f"het antwoord is geen geldig bericht: {gevonden}", antwoord)
        return None


def stuur_verwijzing(
    ctx: Controlecontext,
    verwijzing: Verwijzing | None = None,
    *,
    deelnemer: Deelnemer | None = None,
    client: HttpClient | None = None,
    xml: bool = False,
    eis: str = "WD-ONTV-01",
) -> Verzonden:
    """Send a (fresh) referral; a refusal is reported under ``eis`` (the check's main one)."""
    verwijzing = verwijzing or ctx.verwijzing(deelnemer=deelnemer)
    client = client or (
        ctx.tweede if deelnemer is ctx.doelwit.tweede and deelnemer else ctx.schuldeiser
    )
    antwoord = ctx.stuur(client, verwijzing, xml=xml)
    bevestiging: Ontvangstbevestiging | None = None
    if antwoord.status_code != 201:
        ctx.afwijking(
            eis,
            f"een geldige Verwijzing ({verwijzing.soort_verwijzer.value}) kreeg "
            f"{antwoord.status_code} in plaats van 201 met een Ontvangstbevestiging",
            antwoord,
        )
    else:
        bericht = bericht_uit(ctx, antwoord, eis)
        if bericht is not None and not isinstance(bericht, Ontvangstbevestiging):
            ctx.afwijking(
                eis, f"het antwoord op een Verwijzing is een {bericht.berichttype}", antwoord
            )
        elif isinstance(bericht, Ontvangstbevestiging):
            bevestiging = bericht
    return Verzonden(verwijzing, antwoord, bevestiging)


def postvak(
    ctx: Controlecontext, client: HttpClient, na: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Every postvak entry after ``na`` (all pages) and the last volgnummer."""
    entries: list[dict[str, Any]] = []
    laatste = na
    for _ in range(1000):
        antwoord = client.get("/postvak", params={"na": str(laatste), "limiet": "500"})
        data = json_of_niets(antwoord)
        if antwoord.status_code != 200 or not isinstance(data, dict):
            ctx.afwijking(
                "WD-TERUG-07" if "WD-TERUG-07" in ctx.controle.eisen else ctx.controle.eisen[0],
                f"het postvak gaf {antwoord.status_code}",
                antwoord,
            )
            break
        pagina = data.get("berichten") or []
        if not pagina:
            break
        entries += pagina
        nieuw = pagina[-1].get("volgnummer")
        if not isinstance(nieuw, int) or nieuw <= laatste:
            break
        laatste = nieuw
    return entries, laatste


def postvak_stand(ctx: Controlecontext, client: HttpClient) -> int:
    """The current last volgnummer, so that a check reads only what came after."""
    return postvak(ctx, client)[1]


def berichten_over(entries: list[dict[str, Any]], conversatie_id: object) -> list[dict[str, Any]]:
    """The messages in postvak entries about one conversation."""
    uit = []
    for entry in entries:
        bericht = entry.get("bericht")
        if isinstance(bericht, dict) and bericht.get("conversatieId") == str(conversatie_id):
            uit.append(bericht)
    return uit


def tekst(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
