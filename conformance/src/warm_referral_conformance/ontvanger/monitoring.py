"""Monitoring figures (``GET /v1/monitoring``), an optional interface: a receiver that answers
404 there does not offer it, and the check is 'niet uitgevoerd'.

The kit sends a referral of its own first, so that there is something to count, then reads the
figures in several groupings: no count, share or duration may rest on fewer referrals than the
threshold (WD-MON-01), nothing of the referral it sent may show (WD-MON-02), and a creditor is
refused (WD-MON-03).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from ..catalogus import Rol
from ..context import Controlecontext
from ..register import controle
from ._hulp import json_of_niets

__all__ = ["afwijkingen_in_cijfers"]

#: The smallest threshold a receiver may use (WD-MON-01).
MINIMUM_DREMPEL = 5

#: The groupings and periods the check reads: the finer, the likelier a small count.
_VRAGEN = (
    {"periodesoort": "maand", "dimensie": "totaal"},
    {"periodesoort": "maand", "dimensie": "gemeente"},
    {"periodesoort": "maand", "dimensie": "soort_verwijzer"},
    {"periodesoort": "maand", "dimensie": "schuldeiser"},
    {"periodesoort": "jaar", "dimensie": "grondslag"},
)


def afwijkingen_in_cijfers(cijfers: Any, drempel: int = MINIMUM_DREMPEL) -> Iterator[str]:
    """What in a list of published figures breaks the threshold rule (Dutch, one per figure)."""
    if not isinstance(cijfers, list):
        yield "het antwoord heeft geen lijst `cijfers`"
        return
    for cijfer in cijfers:
        if not isinstance(cijfer, dict):
            yield f"een cijfer is geen object: {cijfer!r}"
            continue
        waar = f"{cijfer.get('indicator')} {cijfer.get('periode')} {cijfer.get('groep') or ''}"
        waar = f"{waar} {cijfer.get('categorie') or ''}".rstrip()
        teller, noemer = cijfer.get("teller"), cijfer.get("noemer")
        for naam, waarde in (("teller", teller), ("noemer", noemer)):
            if isinstance(waarde, (int, float)) and waarde < drempel:
                yield f"{waar}: {naam} {waarde} ligt onder de drempel {drempel}"
        if cijfer.get("aandeel") is not None and (teller is None or noemer is None):
            yield f"{waar}: een percentage zonder getoonde teller en noemer"
        for naam in ("mediaan", "p75", "p90"):
            if cijfer.get(naam) is not None and noemer is None:
                yield f"{waar}: {naam} zonder getoonde noemer (het aantal waarop hij rust)"


@controle(
    "WD-MON-01",
    "WD-MON-02",
    "WD-MON-03",
    rol=Rol.ONTVANGER,
    titel="Monitoringcijfers: niets onder de drempel van 5, geen kenmerken, niet voor een schuldeiser",
    operator=True,
)
def monitoringcijfers(ctx: Controlecontext) -> None:
    eerste = ctx.operator.get("/monitoring", params=_VRAGEN[0], controleer=False)
    if eerste.status_code == 404:
        ctx.niet_uitgevoerd("de ontvanger biedt GET /monitoring niet aan (een optionele interface)")
    # A kind of referrer few referrals have, so that some count is small.
    verwijzing = ctx.verwijzing(voorkeur=("verwijzing-gerechtsdeurwaarder-toestemming.json",))
    ctx.stuur(ctx.schuldeiser, verwijzing)  # whether it is accepted, other checks judge
    kenmerken = {
        "verwijzingId": verwijzing.verwijzing_id,
        "conversatieId": str(verwijzing.conversatie_id),
    }
    if verwijzing.hulpvrager.bsn:
        kenmerken["BSN"] = verwijzing.hulpvrager.bsn
    for vraag in _VRAGEN:
        antwoord = ctx.operator.get("/monitoring", params=vraag)
        if not ctx.controleer(
            antwoord.status_code == 200,
            "WD-MON-03",
            f"een medewerker kreeg {antwoord.status_code} op GET /monitoring ({_tekst(vraag)})",
            antwoord,
        ):
            continue
        data = json_of_niets(antwoord)
        cijfers = data.get("cijfers") if isinstance(data, dict) else None
        for melding in afwijkingen_in_cijfers(cijfers):
            ctx.afwijking("WD-MON-01", f"{_tekst(vraag)}: {melding}", antwoord)
        tekst = antwoord.text
        for naam, waarde in kenmerken.items():
            ctx.controleer(
                waarde not in tekst,
                "WD-MON-02",
                f"de monitoringcijfers noemen het {naam} van een verwijzing ({_tekst(vraag)})",
                antwoord,
            )
        if vraag["dimensie"] == "gemeente" and isinstance(cijfers, list):
            vreemd = ctx.doelwit.vreemde_gemeentecode
            ctx.controleer(
                all(not isinstance(c, dict) or c.get("groep") != vreemd for c in cijfers),
                "WD-MON-03",
                f"een medewerker kreeg cijfers van gemeente {vreemd}, die de ontvanger niet bedient",
                antwoord,
            )
    _schuldeiser_geweigerd(ctx)


def _schuldeiser_geweigerd(ctx: Controlecontext) -> None:
    antwoord: httpx.Response = ctx.schuldeiser.get("/monitoring")
    ctx.controleer(
        antwoord.status_code == 403,
        "WD-MON-03",
        f"een schuldeiser kreeg {antwoord.status_code} op GET /monitoring, niet 403",
        antwoord,
    )


def _tekst(vraag: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in vraag.items())
