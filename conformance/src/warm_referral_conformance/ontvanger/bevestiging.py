"""The Ontvangstbevestiging and its deadlines, recomputed by the kit with the library from the
acknowledgement's own receipt time, so that no clock control is needed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from warm_referral import amsterdamse_datum
from warm_referral.deadlines import AMSTERDAM, afsprakenprofielen, contact_deadline, incassostop
from warm_referral.errors import WarmReferralError
from warm_referral.models import Ontvangstbevestiging, Verwijzing

from ..catalogus import Rol
from ..context import Controlecontext
from ..register import controle
from ._hulp import stuur_verwijzing

#: How far the implementation's clock may differ from the kit's.
KLOKSPELING = timedelta(minutes=2)


def controleer_bevestiging(
    ctx: Controlecontext,
    verwijzing: Verwijzing,
    bevestiging: Ontvangstbevestiging,
    antwoord: object,
    *,
    extra_eis: str | None = None,
) -> None:
    """The deadlines of ``bevestiging`` against the library's, for its own profile and receipt
    time; ``extra_eis`` is the calendar requirement a scenario targets (reported alongside)."""
    import httpx

    assert isinstance(antwoord, httpx.Response)
    ref = bevestiging.afsprakenprofiel
    try:
        profiel = afsprakenprofielen().versie(ref.naam, ref.versie)
    except WarmReferralError:
        bekend = ", ".join(
            f"{n} {v}" for n in afsprakenprofielen() for v in afsprakenprofielen().versies(n)
        )
        ctx.afwijking(
            "WD-ONTV-05",
            f"het afsprakenprofiel {ref.naam!r} versie {ref.versie!r} bestaat niet in de standaard "
            f"(bekend: {bekend})",
            antwoord,
        )
        return
    verwacht = contact_deadline(bevestiging.ontvangen_op, profiel)
    if bevestiging.contactdeadline != verwacht:
        uitleg = (
            f"ontvangen {bevestiging.ontvangen_op.astimezone(AMSTERDAM):%a %Y-%m-%d %H:%M} (Europe/Amsterdam): "
            f"contactdeadline {bevestiging.contactdeadline.astimezone(AMSTERDAM):%a %Y-%m-%d %H:%M:%S}, "
            f"verwacht {verwacht:%a %Y-%m-%d %H:%M:%S} ({profiel.contacttermijn_werkdagen} werkdagen, profiel {profiel.naam})"
        )
        ctx.afwijking("WD-ONTV-03", uitleg, antwoord)
        if extra_eis is not None:
            ctx.afwijking(extra_eis, uitleg, antwoord)
    _, minimum = incassostop(amsterdamse_datum(verwijzing.verwezen_op), profiel)
    # The municipality holds the Verwijzing's period (at least the profile's term).
    verwacht_stop = (
        verwijzing.incassostop.ingangsdatum,
        max(verwijzing.incassostop.einddatum, minimum),
    )
    gekregen = (bevestiging.incassostop.ingangsdatum, bevestiging.incassostop.einddatum)
    if gekregen != verwacht_stop:
        uitleg = (
            f"verwijsdatum {amsterdamse_datum(verwijzing.verwezen_op).isoformat()}: incassostop "
            f"{gekregen[0].isoformat()} t/m {gekregen[1].isoformat()}, verwacht {verwacht_stop[0].isoformat()} t/m "
            f"{verwacht_stop[1].isoformat()} (de periode van de Verwijzing, ten minste {profiel.incassostop_dagen} "
            f"dagen in profiel {profiel.naam})"
        )
        ctx.afwijking("WD-ONTV-04", uitleg, antwoord)
        if extra_eis is not None:
            ctx.afwijking(extra_eis, uitleg, antwoord)


@controle(
    "WD-ONTV-01",
    "WD-ONTV-02",
    "WD-ONTV-03",
    "WD-ONTV-04",
    "WD-ONTV-05",
    "WD-ENV-05",
    "WD-TERM-04",
    rol=Rol.ONTVANGER,
    titel="De Ontvangstbevestiging: envelop, ontvangstmoment, contactdeadline en incassostop",
)
def ontvangstbevestiging(ctx: Controlecontext) -> None:
    nu = ctx.nu()
    # A referral made at 23:30 UTC the evening before is already the next day in Amsterdam: the
    # verwijsdatum (and the incassostop) is that Dutch date.
    avond = nu.astimezone(timezone.utc).replace(hour=23, minute=30, second=0, microsecond=0)
    while avond > nu - timedelta(minutes=10):
        avond -= timedelta(days=1)
    for verwezen_op in (nu, avond):
        verwijzing = ctx.verwijzing(nu=nu)
        data = verwijzing.model_dump(mode="python", by_alias=False, exclude_none=True)
        data["verwezen_op"] = verwezen_op
        dag = amsterdamse_datum(verwezen_op)
        data["incassostop"] = {
            "ingangsdatum": dag,
            "einddatum": dag
            + (verwijzing.incassostop.einddatum - verwijzing.incassostop.ingangsdatum),
        }
        data["achterstand"]["ontstaansdatum"] = min(data["achterstand"]["ontstaansdatum"], dag)
        if data.get("toestemming"):
            data["toestemming"]["vastgelegd_op"] = min(
                data["toestemming"]["vastgelegd_op"], verwezen_op
            )
        verwijzing = Verwijzing(**data)
        voor = datetime.now(timezone.utc)
        verzonden = stuur_verwijzing(ctx, verwijzing)
        na = datetime.now(timezone.utc)
        bevestiging = verzonden.bevestiging
        if bevestiging is None:
            continue
        antwoord = verzonden.antwoord
        ctx.controleer(
            bevestiging.cross_referentie == verwijzing.bericht_id,
            "WD-ONTV-01",
            "crossReferentie is niet het berichtId van de Verwijzing",
            antwoord,
        )
        ctx.controleer(
            bevestiging.cross_referentie == verwijzing.bericht_id,
            "WD-ENV-05",
            "crossReferentie is niet het berichtId van de Verwijzing",
            antwoord,
        )
        ctx.controleer(
            bevestiging.conversatie_id == verwijzing.conversatie_id,
            "WD-ENV-05",
            "de bevestiging heeft een ander conversatieId",
            antwoord,
        )
        ctx.controleer(
            bevestiging.verwijzing_id == verwijzing.verwijzing_id,
            "WD-ONTV-01",
            "de bevestiging noemt een ander verwijzingId",
            antwoord,
        )
        ctx.controleer(
            bevestiging.afzender.gemeentecode == ctx.doelwit.gemeente.gemeentecode,
            "WD-ONTV-01",
            f"afzender van de bevestiging heeft gemeentecode {bevestiging.afzender.gemeentecode!r}, niet {ctx.doelwit.gemeente.gemeentecode}",
            antwoord,
        )
        wie = ctx.doelwit.schuldeiser.partij
        ctx.controleer(
            (wie.oin is not None and bevestiging.ontvanger.oin == wie.oin)
            or (wie.kvk_nummer is not None and bevestiging.ontvanger.kvk_nummer == wie.kvk_nummer),
            "WD-ONTV-01",
            "de ontvanger van de bevestiging is niet de verwijzer",
            antwoord,
        )
        ontvangen = bevestiging.ontvangen_op
        if ctx.klok.testklok:
            ctx.controleer(
                ontvangen >= nu - KLOKSPELING,
                "WD-ONTV-02",
                f"ontvangenOp {ontvangen.isoformat()} ligt voor de testklok {nu.isoformat()}",
                antwoord,
            )
        else:
            ctx.controleer(
                voor - KLOKSPELING <= ontvangen <= na + KLOKSPELING,
                "WD-ONTV-02",
                f"ontvangenOp {ontvangen.isoformat()} ligt niet tussen het versturen ({voor:%H:%M:%S}Z) en het antwoord ({na:%H:%M:%S}Z)",
                antwoord,
            )
        ctx.controleer(
            ontvangen >= verwijzing.verwezen_op - KLOKSPELING,
            "WD-ONTV-02",
            "ontvangenOp ligt voor verwezenOp",
            antwoord,
        )
        controleer_bevestiging(
            ctx,
            verwijzing,
            bevestiging,
            antwoord,
            extra_eis="WD-TERM-04" if verwezen_op is avond else None,
        )
