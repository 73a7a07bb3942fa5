"""The envelope and idempotency: the same message twice, a berichtId reused for another message, a
conversation reused, a forged sender, an unknown referral, a referral from the future."""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import uuid4

from warm_referral import parse_json
from warm_referral.models import Partij, Statusverzoek, Verwijzing

from ..catalogus import Rol
from ..context import Controlecontext, voorbeeld
from ..register import controle
from ._hulp import berichten_over, postvak, probleemcode, stuur_verwijzing


def _statusverzoek(ctx: Controlecontext, verwijzing: Verwijzing) -> Statusverzoek:
    bericht = parse_json(voorbeeld("statusverzoek.json"))
    nieuw: Statusverzoek = ctx.herdateer(
        bericht, conversatie_id=verwijzing.conversatie_id, verwijzing_id=verwijzing.verwijzing_id
    )
    return nieuw


@controle(
    "WD-ENV-02",
    "WD-ENV-01",
    rol=Rol.ONTVANGER,
    titel="Hetzelfde bericht opnieuw: hetzelfde antwoord, eenmaal verwerkt",
)
def zelfde_bericht_opnieuw(ctx: Controlecontext) -> None:
    eerste = stuur_verwijzing(ctx, eis="WD-ENV-02")
    if eerste.bevestiging is None:
        return
    for poging in (2, 3):
        antwoord = ctx.stuur(ctx.schuldeiser, eerste.verwijzing)
        if antwoord.status_code != 201:
            ctx.afwijking(
                "WD-ENV-02",
                f"poging {poging} van dezelfde Verwijzing kreeg {antwoord.status_code}, niet weer 201",
                antwoord,
            )
            continue
        ctx.controleer(
            json.loads(antwoord.content) == json.loads(eerste.antwoord.content),
            "WD-ENV-02",
            f"poging {poging} kreeg een andere Ontvangstbevestiging dan de eerste",
            antwoord,
        )
    entries, _ = postvak(ctx, ctx.schuldeiser)
    bevestigingen = [
        b
        for b in berichten_over(entries, eerste.verwijzing.conversatie_id)
        if b.get("berichttype") == "Ontvangstbevestiging"
    ]
    ctx.controleer(
        len({b.get("berichtId") for b in bevestigingen}) <= 1,
        "WD-ENV-02",
        f"het postvak heeft {len(bevestigingen)} verschillende Ontvangstbevestigingen voor een Verwijzing die drie keer kwam",
    )
    verzoek = _statusverzoek(ctx, eerste.verwijzing)
    een = ctx.stuur(ctx.schuldeiser, verzoek)
    twee = ctx.stuur(ctx.schuldeiser, verzoek)
    ctx.controleer(
        (een.status_code, een.content) == (twee.status_code, twee.content),
        "WD-ENV-02",
        f"hetzelfde Statusverzoek kreeg de tweede keer een ander antwoord ({een.status_code}, {twee.status_code})",
        twee,
    )


@controle(
    "WD-ENV-03",
    rol=Rol.ONTVANGER,
    titel="Zelfde berichtId met andere inhoud: 409, het eerste blijft",
)
def berichtid_andere_inhoud(ctx: Controlecontext) -> None:
    eerste = stuur_verwijzing(ctx, eis="WD-ENV-03")
    if eerste.bevestiging is None:
        return
    data = eerste.verwijzing.model_dump(mode="python", by_alias=False, exclude_none=True)
    data["toelichting"] = "Andere inhoud onder hetzelfde berichtId."
    ander = Verwijzing(**data)
    antwoord = ctx.stuur(ctx.schuldeiser, ander)
    ctx.controleer(
        antwoord.status_code == 409,
        "WD-ENV-03",
        f"zelfde berichtId, andere inhoud kreeg {antwoord.status_code}, niet 409",
        antwoord,
    )
    weer = ctx.stuur(ctx.schuldeiser, eerste.verwijzing)
    ctx.controleer(
        weer.status_code == 201 and json.loads(weer.content) == json.loads(eerste.antwoord.content),
        "WD-ENV-03",
        "na de 409 kreeg het oorspronkelijke bericht niet meer zijn oorspronkelijke antwoord",
        weer,
    )


@controle(
    "WD-ENV-04", rol=Rol.ONTVANGER, titel="Een tweede Verwijzing in dezelfde conversatie: 409"
)
def conversatie_hergebruikt(ctx: Controlecontext) -> None:
    eerste = stuur_verwijzing(ctx, eis="WD-ENV-04")
    if eerste.bevestiging is None:
        return
    tweede = ctx.verwijzing()
    data = tweede.model_dump(mode="python", by_alias=False, exclude_none=True)
    data["conversatie_id"] = eerste.verwijzing.conversatie_id
    antwoord = ctx.stuur(ctx.schuldeiser, Verwijzing(**data))
    ctx.controleer(
        antwoord.status_code == 409,
        "WD-ENV-04",
        f"een nieuwe Verwijzing in een bestaande conversatie kreeg {antwoord.status_code}, niet 409",
        antwoord,
    )


@controle(
    "WD-ENV-06",
    rol=Rol.ONTVANGER,
    titel="Een afzender die niet precies de ingeschreven deelnemer is: 403 verkeerde-afzender",
)
def verkeerde_afzender(ctx: Controlecontext) -> None:
    wie = ctx.doelwit.schuldeiser.partij
    vreemd = Partij(naam="Vreemde Schuldeiser", kvk_nummer="87654321")
    if wie.kvk_nummer == vreemd.kvk_nummer:
        vreemd = Partij(naam="Vreemde Schuldeiser", kvk_nummer="87654322")
    varianten: list[tuple[Partij, str]] = [(vreemd, "de afzender van een ander")]
    # The caller's own identifiers under another name.
    varianten.append(
        (
            wie.model_copy(update={"naam": (wie.naam + " BV")[:200]}),
            "een andere naam dan ingeschreven",
        )
    )
    # One identifier of the caller's with another of someone else's: no mixing.
    if wie.oin is not None:
        varianten.append(
            (
                Partij(naam=wie.naam, oin=wie.oin, kvk_nummer=vreemd.kvk_nummer),
                "het eigen OIN met het KvK-nummer van een ander",
            )
        )
    elif wie.kvk_nummer is not None:
        varianten.append(
            (
                Partij(naam=wie.naam, oin="00000009876543210000", kvk_nummer=wie.kvk_nummer),
                "het eigen KvK-nummer met het OIN van een ander",
            )
        )
    for afzender, wat in varianten:
        data = ctx.verwijzing().model_dump(mode="python", by_alias=False, exclude_none=True)
        data["afzender"] = afzender.model_dump(mode="python", by_alias=False, exclude_none=True)
        antwoord = ctx.stuur(ctx.schuldeiser, Verwijzing(**data))
        if ctx.controleer(
            antwoord.status_code == 403,
            "WD-ENV-06",
            f"een Verwijzing met {wat} kreeg {antwoord.status_code}, niet 403",
            antwoord,
        ):
            probleemcode(ctx, antwoord, "verkeerde-afzender", "WD-ENV-06")


@controle(
    "WD-ENV-07",
    "WD-PRIV-01",
    rol=Rol.ONTVANGER,
    titel="Een vervolgbericht over een onbekende verwijzing wordt geweigerd",
)
def onbekende_verwijzing(ctx: Controlecontext) -> None:
    spook = ctx.verwijzing()
    antwoord = ctx.stuur(ctx.schuldeiser, _statusverzoek(ctx, spook))
    ctx.controleer(
        400 <= antwoord.status_code < 500,
        "WD-ENV-07",
        f"een Statusverzoek over een verwijzing die niet bestaat kreeg {antwoord.status_code}",
        antwoord,
    )


@controle(
    "WD-ENV-07",
    "WD-PRIV-01",
    rol=Rol.ONTVANGER,
    titel="Een tweede schuldeiser ziet en raakt de verwijzingen van de eerste niet",
    tweede_schuldeiser=True,
)
def andere_schuldeiser(ctx: Controlecontext) -> None:
    tweede = ctx.tweede
    deelnemer = ctx.doelwit.tweede
    assert deelnemer is not None
    eerste = stuur_verwijzing(ctx, eis="WD-PRIV-01")
    conv = str(eerste.verwijzing.conversatie_id)
    lijst = tweede.get("/verwijzingen")
    if lijst.status_code == 200:
        data = lijst.json()
        ids = {v.get("conversatieId") for v in data.get("verwijzingen", []) if isinstance(v, dict)}
        ctx.controleer(
            conv not in ids,
            "WD-PRIV-01",
            "de tweede schuldeiser ziet de verwijzing van de eerste in zijn lijst",
            lijst,
        )
    beeld = tweede.get(f"/verwijzingen/{conv}")
    ctx.controleer(
        beeld.status_code == 404,
        "WD-PRIV-01",
        f"de tweede schuldeiser vroeg de verwijzing van de eerste op en kreeg {beeld.status_code}, niet 404",
        beeld,
    )
    entries, _ = postvak(ctx, tweede)
    ctx.controleer(
        not berichten_over(entries, conv),
        "WD-PRIV-01",
        "het postvak van de tweede schuldeiser bevat berichten over de verwijzing van de eerste",
    )
    verzoek = ctx.herdateer(
        parse_json(voorbeeld("statusverzoek.json")),
        deelnemer=deelnemer,
        conversatie_id=eerste.verwijzing.conversatie_id,
        verwijzing_id=eerste.verwijzing.verwijzing_id,
    )
    antwoord = ctx.stuur(tweede, verzoek)
    ctx.controleer(
        400 <= antwoord.status_code < 500,
        "WD-ENV-07",
        f"een Statusverzoek van de tweede schuldeiser over de verwijzing van de eerste kreeg {antwoord.status_code}",
        antwoord,
    )
    ctx.controleer(
        antwoord.status_code != 200 or b"mijlpaal" not in antwoord.content,
        "WD-PRIV-01",
        "de tweede schuldeiser kreeg de status van de verwijzing van de eerste",
        antwoord,
    )


@controle(
    "WD-ENV-09",
    rol=Rol.ONTVANGER,
    titel="Hetzelfde bericht in JSON en dan in XML geldt als hetzelfde bericht",
)
def json_dan_xml(ctx: Controlecontext) -> None:
    eerste = stuur_verwijzing(ctx, eis="WD-ENV-09")
    if eerste.bevestiging is None:
        return
    antwoord = ctx.stuur(ctx.schuldeiser, eerste.verwijzing, xml=True)
    ctx.controleer(
        antwoord.status_code == 201,
        "WD-ENV-09",
        f"dezelfde Verwijzing in XML kreeg {antwoord.status_code}, niet weer 201",
        antwoord,
    )
    if antwoord.status_code == 201:
        ctx.controleer(
            str(eerste.bevestiging.bericht_id).encode() in antwoord.content,
            "WD-ENV-09",
            "dezelfde Verwijzing in XML kreeg een andere Ontvangstbevestiging",
            antwoord,
        )


@controle("WD-ENV-10", rol=Rol.ONTVANGER, titel="Een Verwijzing uit de toekomst wordt geweigerd")
def verwijzing_uit_de_toekomst(ctx: Controlecontext) -> None:
    morgen = ctx.nu() + timedelta(days=1)
    verwijzing = ctx.verwijzing(nu=morgen)
    antwoord = ctx.stuur(ctx.schuldeiser, verwijzing)
    ctx.controleer(
        400 <= antwoord.status_code < 500,
        "WD-ENV-10",
        f"een Verwijzing met verwezenOp een dag na nu kreeg {antwoord.status_code}",
        antwoord,
    )


@controle(
    "WD-ENV-11",
    rol=Rol.ONTVANGER,
    titel="Een Verwijzing aan een gemeente die de ontvanger niet bedient, wordt geweigerd",
)
def vreemde_gemeente(ctx: Controlecontext) -> None:
    code = ctx.doelwit.vreemde_gemeentecode
    if code == ctx.doelwit.gemeente.gemeentecode:
        ctx.niet_uitgevoerd("--vreemde-gemeentecode is de gemeentecode van de ontvanger zelf")
    data = ctx.verwijzing().model_dump(mode="python", by_alias=False, exclude_none=True)
    data["ontvanger"] = {"naam": f"Gemeente {code}", "gemeentecode": code}
    data["conversatie_id"] = uuid4()
    antwoord = ctx.stuur(ctx.schuldeiser, Verwijzing(**data))
    ctx.controleer(
        400 <= antwoord.status_code < 500,
        "WD-ENV-11",
        f"een Verwijzing aan gemeentecode {code} kreeg {antwoord.status_code}",
        antwoord,
    )
