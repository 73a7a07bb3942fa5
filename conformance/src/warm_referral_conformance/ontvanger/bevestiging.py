"""The Ontvangstbevestiging and its deadlines, recomputed by the kit with the library from the
acknowledgement's own receipt time, so that no clock control is needed."""

from __future__ import annotations

from datetime import timedelta

from warm_referral import amsterdamse_datum
from warm_referral.deadlines import AMSTERDAM, afsprakenprofielen, contact_deadline, incassostop
from warm_referral.errors import WarmReferralError
from warm_referral.models import Ontvangstbevestiging, Verwijzing

from ..context import Controlecontext

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
