"""The checks of role knooppunt (WD-KNP): mailbox semantics, duplicates, expiry on the test clock,
and that nothing but the envelope shows. Each names the requirements it checks."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import httpx

from ..catalogus import Rol
from ..register import controle
from .context import ENVELOPVELDEN, Knooppuntcontext

_RECENT = re.compile(r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}")
BEWIJSVELDEN = frozenset({"berichtId", "ontvanger", "afgeleverdOp", "vervaltOp"})
REGELVELDEN = ENVELOPVELDEN | {"afgeleverdOp", "vervaltOp"}


def _json(antwoord: httpx.Response) -> Any:
    try:
        return antwoord.json()
    except ValueError:
        return None


def _afleveren(ctx: Knooppuntcontext, eis: str, data: bytes, verwacht: int = 201) -> Any:
    antwoord = ctx.lever_af(data)
    ctx.controleer(
        antwoord.status_code == verwacht,
        eis,
        f"afleveren gaf {antwoord.status_code}, verwacht {verwacht}",
        antwoord,
    )
    return _json(antwoord) if antwoord.status_code in (200, 201) else None


@controle(
    "WD-KNP-01",
    "WD-KNP-03",
    "WD-KNP-04",
    rol=Rol.KNOOPPUNT,
    titel="Afleveren, opsommen, ophalen en bevestigen",
)
def postbus(ctx: Knooppuntcontext) -> None:
    _, envelop = ctx.envelop()
    data = envelop.to_json()
    bericht_id = str(envelop.bericht_id)
    bewijs = _afleveren(ctx, "WD-KNP-01", data)
    if not isinstance(bewijs, dict):
        ctx.niet_uitgevoerd("de envelop werd niet aangenomen")
    ctx.controleer(
        bewijs.get("berichtId") == bericht_id and bewijs.get("ontvanger") == envelop.ontvanger,
        "WD-KNP-01",
        f"het afleverbewijs noemt niet berichtId {bericht_id} en ontvanger {envelop.ontvanger}",
    )
    ctx.controleer(
        bericht_id in ctx.ids(),
        "WD-KNP-03",
        "de afgeleverde envelop staat niet in de postbus van de ontvanger",
    )
    ctx.controleer(
        bericht_id not in ctx.ids(ctx.afzender),
        "WD-KNP-03",
        "de envelop staat (ook) in de postbus van de afzender",
    )
    opgehaald = ctx.haal_op(bericht_id)
    ctx.controleer(
        opgehaald.status_code == 200 and _json(opgehaald) == json.loads(data),
        "WD-KNP-03",
        f"ophalen gaf {opgehaald.status_code}, niet de envelop zoals afgeleverd",
        opgehaald,
    )
    ctx.controleer(
        bericht_id in ctx.ids(),
        "WD-KNP-04",
        "na ophalen (zonder bevestigen) is de envelop uit de postbus verdwenen",
    )
    bevestigd = ctx.bevestig(bericht_id)
    ctx.controleer(
        bevestigd.is_success,
        "WD-KNP-04",
        f"bevestigen gaf {bevestigd.status_code}",
        bevestigd,
    )
    ctx.controleer(
        bericht_id not in ctx.ids(),
        "WD-KNP-04",
        "na bevestigen staat de envelop nog in de postbus",
    )
    weg = ctx.haal_op(bericht_id)
    ctx.controleer(
        weg.status_code == 404,
        "WD-KNP-04",
        f"na bevestigen gaf ophalen {weg.status_code}, niet 404",
        weg,
    )
    nogmaals = ctx.bevestig(bericht_id)
    ctx.controleer(
        nogmaals.is_success,
        "WD-KNP-04",
        f"nogmaals bevestigen gaf {nogmaals.status_code}, niet een geslaagd antwoord",
        nogmaals,
    )


@controle("WD-KNP-03", rol=Rol.KNOOPPUNT, titel="De postbus van een ander bestaat niet")
def postbus_van_een_ander(ctx: Knooppuntcontext) -> None:
    _, envelop = ctx.envelop()
    bericht_id = str(envelop.bericht_id)
    if not isinstance(_afleveren(ctx, "WD-KNP-03", envelop.to_json()), dict):
        ctx.niet_uitgevoerd("de envelop werd niet aangenomen")
    anderen = [("de afzender", ctx.afzender)]
    if ctx.knooppunt.derde is not None:
        anderen.append(("een derde", ctx.derde))
    for wie, client in anderen:
        opgehaald = ctx.haal_op(bericht_id, client)
        ctx.controleer(
            opgehaald.status_code == 404,
            "WD-KNP-03",
            f"{wie} haalde de envelop uit de postbus van de ontvanger op ({opgehaald.status_code})",
            opgehaald,
        )
        bevestigd = ctx.bevestig(bericht_id, client)
        ctx.controleer(
            bevestigd.status_code == 404,
            "WD-KNP-03",
            f"{wie} kon de envelop van de ontvanger bevestigen ({bevestigd.status_code})",
            bevestigd,
        )
        ctx.controleer(
            bericht_id not in ctx.ids(client),
            "WD-KNP-03",
            f"de envelop staat in de lijst van {wie}",
        )
    ctx.controleer(
        bericht_id in ctx.ids(),
        "WD-KNP-03",
        "een ander heeft de envelop uit de postbus van de ontvanger laten verdwijnen",
    )
    ctx.bevestig(bericht_id)


@controle("WD-KNP-01", rol=Rol.KNOOPPUNT, titel="Weigeren: verkeerde afzender, ongeldige envelop")
def weigeringen(ctx: Knooppuntcontext) -> None:
    _, envelop = ctx.envelop()
    data = envelop.to_json()
    niet_van_jou = ctx.lever_af(data, ctx.ontvanger)  # the recipient is not the afzender
    ctx.controleer(
        niet_van_jou.status_code == 403,
        "WD-KNP-01",
        f"een envelop met een andere afzender dan de aanleverende deelnemer gaf "
        f"{niet_van_jou.status_code}, niet 403",
        niet_van_jou,
    )
    ongeldig = ctx.lever_af(json.dumps(json.loads(data) | {"bsn": "999990019"}).encode())
    ctx.controleer(
        ongeldig.status_code == 400,
        "WD-KNP-01",
        f"een envelop buiten het schema gaf {ongeldig.status_code}, niet 400",
        ongeldig,
    )
    ctx.controleer(
        str(envelop.bericht_id) not in ctx.ids(),
        "WD-KNP-01",
        "een geweigerde envelop staat toch in de postbus",
    )


@controle(
    "WD-KNP-02", rol=Rol.KNOOPPUNT, titel="Dubbel afleveren: eenmaal bewaard, zelfde antwoord"
)
def dubbel(ctx: Knooppuntcontext) -> None:
    _, envelop = ctx.envelop()
    data = envelop.to_json()
    bericht_id = str(envelop.bericht_id)
    eerste = _afleveren(ctx, "WD-KNP-02", data)
    if not isinstance(eerste, dict):
        ctx.niet_uitgevoerd("de envelop werd niet aangenomen")
    tweede = _afleveren(ctx, "WD-KNP-02", data, verwacht=200)
    ctx.controleer(
        tweede == eerste,
        "WD-KNP-02",
        "dezelfde envelop opnieuw afgeleverd kreeg een ander afleverbewijs",
    )
    ctx.controleer(
        ctx.ids().count(bericht_id) == 1,
        "WD-KNP-02",
        "een opnieuw afgeleverde envelop staat niet precies eenmaal in de postbus",
    )
    _, ander = ctx.envelop(bericht_id)
    hergebruikt = ctx.lever_af(ander.to_json())
    ctx.controleer(
        hergebruikt.status_code == 409,
        "WD-KNP-02",
        f"een andere envelop onder een gebruikt berichtId gaf {hergebruikt.status_code}, niet 409",
        hergebruikt,
    )
    ctx.bevestig(bericht_id)
    na_bevestigen = _afleveren(ctx, "WD-KNP-02", data, verwacht=200)
    ctx.controleer(
        na_bevestigen == eerste,
        "WD-KNP-02",
        "na bevestigen werd dezelfde envelop niet als herhaling herkend",
    )
    ctx.controleer(
        bericht_id not in ctx.ids(),
        "WD-KNP-02",
        "na bevestigen staat een opnieuw afgeleverde envelop weer in de postbus",
    )


@controle(
    "WD-KNP-10",
    rol=Rol.KNOOPPUNT,
    titel="Alleen de envelop is zichtbaar, de inhoud alleen bij ophalen",
)
def alleen_de_envelop(ctx: Knooppuntcontext) -> None:
    bericht, envelop = ctx.envelop()
    inhoud = envelop.inhoud
    stukken = [inhoud[i : i + 32] for i in range(0, len(inhoud) - 32, len(inhoud) // 8)]
    # Every text of the message but what the envelope says anyway and the dates of these days
    # (they are also in the knooppunt's own timestamps); the birth date stays.
    klare_tekst = [
        w
        for w in _teksten(json.loads(bericht))
        if len(w) >= 5 and w not in envelop.to_json().decode() and not _RECENT.match(w)
    ]

    def zichtbaar(antwoord: httpx.Response, wat: str) -> None:
        tekst = antwoord.text
        ctx.controleer(
            not any(s in tekst for s in stukken),
            "WD-KNP-10",
            f"{wat} toont (een deel van) de versleutelde inhoud",
            antwoord,
        )
        ctx.controleer(
            not any(w in tekst for w in klare_tekst),
            "WD-KNP-10",
            f"{wat} toont tekst uit het verzegelde bericht",
            antwoord,
        )

    afgeleverd = ctx.lever_af(envelop.to_json())
    if afgeleverd.status_code != 201:
        ctx.niet_uitgevoerd(f"de envelop werd niet aangenomen ({afgeleverd.status_code})")
    zichtbaar(afgeleverd, "het afleverbewijs")
    extra = set(_json(afgeleverd) or {}) - BEWIJSVELDEN
    ctx.controleer(
        not extra,
        "WD-KNP-10",
        f"het afleverbewijs heeft velden buiten het profiel: {sorted(extra)}",
    )
    lijst = ctx.ontvanger.get("/postbus", controleer=False)
    zichtbaar(lijst, "de lijst van de postbus")
    for regel in (_json(lijst) or {}).get("enveloppen", []):
        extra = set(regel) - REGELVELDEN
        ctx.controleer(
            not extra, "WD-KNP-10", f"een regel van de postbus heeft velden {sorted(extra)}", lijst
        )
    geweigerd = ctx.lever_af(envelop.to_json(), ctx.ontvanger)
    zichtbaar(geweigerd, "de weigering van een envelop")
    ongeldig = ctx.lever_af(
        json.dumps(json.loads(envelop.to_json()) | {"berichttype": "x"}).encode()
    )
    zichtbaar(ongeldig, "de weigering van een ongeldige envelop")
    ctx.bevestig(str(envelop.bericht_id))


def _teksten(knoop: Any) -> list[str]:
    if isinstance(knoop, dict):
        return [t for v in knoop.values() for t in _teksten(v)]
    if isinstance(knoop, list):
        return [t for v in knoop for t in _teksten(v)]
    return [knoop] if isinstance(knoop, str) else []


@controle(
    "WD-KNP-05",
    rol=Rol.KNOOPPUNT,
    titel="Niet bevestigd vervalt na de werkdagen van het profiel",
    testklok=True,
)
def vervallen(ctx: Knooppuntcontext) -> None:
    from warm_referral import parse_tijdstip
    from warm_referral.knooppunt import PROFIELEN

    profiel = PROFIELEN[ctx.knooppunt.profiel]
    begin = ctx.lees_klok()
    if begin is None:
        ctx.niet_uitgevoerd("het knooppunt heeft geen testklok (GET /testklok)")
    ctx.zet_klok(begin + timedelta(days=1))
    _, opgehaald = ctx.envelop()
    _, vergeten = ctx.envelop()
    bewijzen = [_afleveren(ctx, "WD-KNP-05", e.to_json()) for e in (opgehaald, vergeten)]
    if not all(isinstance(b, dict) for b in bewijzen):
        ctx.niet_uitgevoerd("de enveloppen werden niet aangenomen")
    ctx.haal_op(str(opgehaald.bericht_id))  # fetched but not confirmed counts as unconfirmed
    vervalt = parse_tijdstip(bewijzen[0]["vervaltOp"])
    verwacht = profiel.vervalt_op(parse_tijdstip(bewijzen[0]["afgeleverdOp"]))
    ctx.controleer(
        vervalt == verwacht,
        "WD-KNP-05",
        f"vervaltOp is {bewijzen[0]['vervaltOp']}; het profiel {profiel.naam} geeft "
        f"{verwacht.isoformat()}",
    )
    ids = {str(opgehaald.bericht_id), str(vergeten.bericht_id)}
    ctx.zet_klok(verwacht - timedelta(seconds=1))
    ctx.controleer(
        ids <= set(ctx.ids()),
        "WD-KNP-05",
        "een envelop verdween voor het einde van de bewaartermijn",
    )
    ctx.zet_klok(verwacht)
    ctx.controleer(
        not ids & set(ctx.ids()),
        "WD-KNP-05",
        f"na het einde van de bewaartermijn ({verwacht.isoformat()}) staat een niet bevestigde "
        "envelop nog in de postbus",
    )
    weg = ctx.haal_op(str(vergeten.bericht_id))
    ctx.controleer(
        weg.status_code == 404,
        "WD-KNP-05",
        f"een vervallen envelop is nog op te halen ({weg.status_code})",
        weg,
    )
