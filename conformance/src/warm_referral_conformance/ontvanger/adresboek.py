"""The receiver and NVVK's address book: which municipalities it serves on which day (WD-ADR-07),
and whom a Doorzending names (WD-ADR-08).

The kit is given the signed edition the receiver uses (``--adresboek``, ``--adresboek-sleutels``;
verified like any reader must) and takes the receiver's organisation from ``--gemeente``'s OIN.
From the book it picks municipalities the organisation does not serve on today's date (first those
it served, or will serve, on another date: that is where a receiver that ignores the dates goes
wrong) and sends a referral for each; each must be refused, and one for a municipality it does
serve must still be accepted. For WD-ADR-08 an operator forwards a referral to a municipality
served by another organisation; the Doorzending must name that organisation.
"""

from __future__ import annotations

import json
from datetime import date
from uuid import uuid4

from warm_referral import amsterdamse_datum
from warm_referral.adresboek import Adresboek
from warm_referral.models import Verwijzing

from ..catalogus import Rol
from ..context import Controlecontext
from ..register import controle
from ._hulp import json_of_niets, stuur_verwijzing

__all__: list[str] = []


def _boek_en_oin(ctx: Controlecontext) -> tuple[Adresboek, str, date]:
    boek = ctx.doelwit.adresboek
    if boek is None:
        ctx.niet_uitgevoerd("geen adresboek opgegeven (--adresboek en --adresboek-sleutels)")
    oin = ctx.doelwit.gemeente.oin
    if oin is None:
        ctx.niet_uitgevoerd("--gemeente noemt geen oin: de organisatie in het adresboek")
    datum = amsterdamse_datum(ctx.nu())
    if not boek.geldig_op(datum):
        ctx.niet_uitgevoerd(f"adresboek-editie {boek.editie} is op {datum} niet geldig")
    return boek, oin, datum


def _ooit_van(boek: Adresboek, oin: str) -> set[str]:
    """Every gemeentecode the organisation serves on some date in this edition."""
    return {
        v.gemeentecode
        for v in boek.document.gemeenten
        if boek.organisatie(v.organisatie).oin == oin
    }


def _aan(ctx: Controlecontext, code: str) -> Verwijzing:
    data = ctx.verwijzing().model_dump(mode="python", by_alias=False, exclude_none=True)
    data["ontvanger"] = {"naam": f"Gemeente {code}", "gemeentecode": code}
    data["conversatie_id"] = uuid4()
    return Verwijzing(**data)


@controle(
    "WD-ADR-07",
    rol=Rol.ONTVANGER,
    titel="Een Verwijzing voor een gemeente die de ontvanger volgens het adresboek op de "
    "verwijsdatum niet bedient, wordt geweigerd",
)
def niet_bediende_gemeente(ctx: Controlecontext) -> None:
    boek, oin, datum = _boek_en_oin(ctx)
    bediend = boek.bediend_door(oin, op=datum)
    if not bediend:
        ctx.niet_uitgevoerd(f"adresboek-editie {boek.editie} geeft OIN {oin} op {datum} niets")
    ooit = _ooit_van(boek, oin)
    alle = {v.gemeentecode for v in boek.document.gemeenten}
    andere = sorted(alle - bediend, key=lambda c: (c not in ooit, c))[:3]
    if not andere:
        ctx.niet_uitgevoerd("het adresboek noemt geen gemeente die de ontvanger nu niet bedient")
    for code in andere:
        antwoord = ctx.stuur(ctx.schuldeiser, _aan(ctx, code))
        ander_moment = " (wel op een andere datum)" if code in ooit else ""
        ctx.controleer(
            400 <= antwoord.status_code < 500,
            "WD-ADR-07",
            f"een Verwijzing voor gemeentecode {code}, die OIN {oin} volgens adresboek-editie "
            f"{boek.editie} op {datum} niet bedient{ander_moment}, kreeg {antwoord.status_code}",
            antwoord,
        )
    eigen = ctx.doelwit.gemeente.gemeentecode
    code = eigen if eigen in bediend else sorted(bediend)[0]
    stuur_verwijzing(ctx, _aan(ctx, code), eis="WD-ADR-07")


@controle(
    "WD-ADR-08",
    rol=Rol.ONTVANGER,
    titel="Een Doorzending noemt de organisatie die het adresboek voor de nieuwe gemeente aanwijst",
    operator=True,
)
def doorzending_volgens_adresboek(ctx: Controlecontext) -> None:
    boek, oin, datum = _boek_en_oin(ctx)
    bediend = boek.bediend_door(oin, op=datum)
    kandidaten = sorted(boek.gemeentecodes(op=datum) - bediend)
    if not kandidaten:
        ctx.niet_uitgevoerd("het adresboek noemt geen gemeente van een andere organisatie")
    # A municipality whose organisation changed over time first: there a book read without its
    # dates gives the wrong one.
    wisselend = [
        c for c in kandidaten if len({v.organisatie for v in boek.document.gemeenten
                                      if v.gemeentecode == c}) > 1
    ]  # fmt: skip
    code = (wisselend or kandidaten)[0]
    verwacht = boek.zoek(code, op=datum).organisatie
    eigen = ctx.doelwit.gemeente.gemeentecode
    eerste = _aan(ctx, eigen if eigen in bediend else sorted(bediend)[0])
    verzonden = stuur_verwijzing(ctx, eerste, eis="WD-ADR-08")
    if verzonden.bevestiging is None:
        return
    actie = {
        "soort": "Doorzending",
        "datum": datum.isoformat(),
        "nieuweGemeente": {"naam": f"Gemeente {code}", "gemeentecode": code},
    }
    antwoord = ctx.operator.post(
        f"/verwijzingen/{eerste.conversatie_id}/acties",
        inhoud=json.dumps(actie).encode(),
        content_type="application/json",
    )
    if not ctx.controleer(
        antwoord.status_code == 201,
        "WD-ADR-08",
        f"een Doorzending naar gemeentecode {code} ({verwacht.naam} volgens het adresboek) "
        f"kreeg {antwoord.status_code}",
        antwoord,
    ):
        return
    data = json_of_niets(antwoord)
    berichten = data.get("berichten") if isinstance(data, dict) else None
    doorzending = next(
        (
            b
            for b in berichten or []
            if isinstance(b, dict) and b.get("berichttype") == "Doorzending"
        ),
        None,
    )
    nieuwe = doorzending.get("nieuweGemeente") if doorzending else None
    gekregen = nieuwe.get("oin") if isinstance(nieuwe, dict) else None
    ctx.controleer(
        gekregen == verwacht.oin,
        "WD-ADR-08",
        f"de Doorzending naar gemeentecode {code} noemt OIN {gekregen}, niet {verwacht.naam} "
        f"(OIN {verwacht.oin}) die adresboek-editie {boek.editie} op {datum} aanwijst",
        antwoord,
    )
