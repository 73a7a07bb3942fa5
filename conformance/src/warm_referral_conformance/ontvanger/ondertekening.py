"""The payload signature (WD-OND): a receiver with a signing profile takes a correctly signed
referral and refuses a tampered, forged, expired, untrusted or misattributed one with the stable
code of its fault, storing nothing.

Only with ``--handtekeningen optioneel`` or ``vereist`` (the vendor's receiver trusts the test
root spec/v1/ondertekening/pki/stam-ca.pem); otherwise these checks are not run. The kit signs as
its creditor with certificates it issues itself under the test intermediate CA, at the receiver's
clock (the test clock where the kit read one). Each refusal must be 400 problem type
``handtekening-geweigerd`` with the code in ``fouten``; afterwards the creditor must not find the
referral (404 on ``GET /verwijzingen/{conversatieId}``). WD-OND-02 to -05 and -11 stay with the
library's vectors and the reference's own tests (the catalogue says why).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import httpx

from warm_referral.models import Verwijzing
from warm_referral.ondertekening import Certificaatsleutel

from ..catalogus import Rol
from ..context import Controlecontext
from ..ondertekening import (
    Handtekeningen,
    PkiFout,
    certificaatsleutel,
    handtekening_met_andere_sleutel,
    oin_van,
    onderteken_als,
)
from ..register import controle
from ._hulp import json_of_niets, stuur_verwijzing

if TYPE_CHECKING:
    from warm_referral.testing.pki import Uitgever

__all__: list[str] = []

#: The problem type (last segment) of a refused signature.
GEWEIGERD = "handtekening-geweigerd"
#: A certificate the kit issues for a check is valid this long around the receiver's now.
_RUIM = timedelta(days=30)
#: An organisation other than the kit's creditor (a bailiff's OIN, from KvK 34012345).
_ANDERE_OIN = "00000003340123450000"
_ANDERE_OIN_2 = "00000003270123450000"


def _profiel(ctx: Controlecontext, *, vereist: bool = False) -> None:
    stand = ctx.doelwit.handtekeningen
    if stand is Handtekeningen.GEEN:
        ctx.niet_uitgevoerd(
            "de ontvanger controleert volgens de opties geen handtekeningen (--handtekeningen)"
        )
    if vereist and stand is not Handtekeningen.VEREIST:
        ctx.niet_uitgevoerd(
            "de ontvanger vereist volgens de opties geen handtekening (--handtekeningen vereist)"
        )


def _eigen(
    ctx: Controlecontext,
    *,
    vanaf: datetime,
    tot: datetime,
    uitgever: Uitgever | None = None,
    naam: str = "kit ondertekening",
) -> Certificaatsleutel:
    """A fresh signing key of the kit's creditor (its OIN), valid from ``vanaf`` to ``tot``."""
    partij = ctx.doelwit.schuldeiser.partij
    return certificaatsleutel(
        partij.naam, oin_van(partij), vanaf=vanaf, tot=tot, uitgever=uitgever, naam=naam
    )


def _stuur(ctx: Controlecontext, body: bytes, koppen: dict[str, str]) -> httpx.Response:
    return ctx.schuldeiser.post(
        "/berichten",
        inhoud=body,
        content_type="application/json",
        headers=koppen,
        onderteken=False,
    )


def _geweigerd(
    ctx: Controlecontext,
    antwoord: httpx.Response,
    verwijzing: Verwijzing,
    code: str,
    eis: str,
    wat: str,
) -> None:
    """``antwoord`` refuses ``wat`` with 400 handtekening-geweigerd and ``code``, and the
    creditor finds no referral afterwards."""
    if antwoord.status_code != 400:
        ctx.afwijking(
            eis, f"{wat} kreeg {antwoord.status_code}, niet 400 met de code {code!r}", antwoord
        )
    else:
        data = json_of_niets(antwoord)
        soort = str(data.get("type", "")) if isinstance(data, dict) else ""
        codes = [
            f.get("code")
            for f in (data.get("fouten") or [] if isinstance(data, dict) else [])
            if isinstance(f, dict)
        ]
        ctx.controleer(
            soort.rstrip("/").rsplit("/", 1)[-1] == GEWEIGERD and code in codes,
            eis,
            f"{wat} werd geweigerd als {soort or '(geen type)'} met de codes {codes}, niet als "
            f"het probleem {GEWEIGERD!r} met de code {code!r}",
            antwoord,
        )
    beeld = ctx.schuldeiser.get(f"/verwijzingen/{verwijzing.conversatie_id}")
    ctx.controleer(
        beeld.status_code == 404,
        eis,
        f"{wat} mocht niet worden opgeslagen, maar GET /verwijzingen/{{conversatieId}} gaf "
        f"de schuldeiser daarna {beeld.status_code}, niet 404",
        beeld,
    )


def _verwacht_weigering(
    ctx: Controlecontext,
    koppen: Callable[[bytes], dict[str, str]],
    code: str,
    eis: str,
    wat: str,
    *,
    wijzig: Callable[[bytes], bytes] | None = None,
) -> Verwijzing:
    """Send a fresh Verwijzing with the headers ``koppen`` makes for its body (then changed by
    ``wijzig``, if given): it must be refused with ``code``, and nothing stored. The referral."""
    verwijzing = ctx.verwijzing()
    body = verwijzing.to_json()
    kop = koppen(body)
    antwoord = _stuur(ctx, wijzig(body) if wijzig is not None else body, kop)
    _geweigerd(ctx, antwoord, verwijzing, code, eis, wat)
    return verwijzing


def _ondertekend(ctx: Controlecontext, body: bytes) -> dict[str, str]:
    try:
        return onderteken_als(ctx.doelwit.schuldeiser.partij, body, ctx.nu())
    except PkiFout as exc:
        ctx.niet_uitgevoerd(f"de kit kan niet ondertekenen: {exc}")


@controle(
    "WD-OND-01",
    "WD-OND-07",
    rol=Rol.ONTVANGER,
    titel="Een juist ondertekende Verwijzing wordt aangenomen",
)
def ondertekend_aangenomen(ctx: Controlecontext) -> None:
    _profiel(ctx)
    # The kit's client signs it as the creditor, with its certificate under the test PKI.
    stuur_verwijzing(ctx, eis="WD-OND-07")


@controle(
    "WD-OND-07",
    rol=Rol.ONTVANGER,
    titel="Een body die na het ondertekenen veranderde, wordt geweigerd (inhoud_gewijzigd)",
)
def inhoud_gewijzigd(ctx: Controlecontext) -> None:
    _profiel(ctx)

    def toelichting_gewijzigd(body: bytes) -> bytes:
        document = json.loads(body)
        document["toelichting"] = "Na het ondertekenen veranderd."
        return json.dumps(document).encode()

    _verwacht_weigering(
        ctx,
        lambda body: _ondertekend(ctx, body),
        "inhoud_gewijzigd",
        "WD-OND-07",
        "een Verwijzing waarvan de body na het ondertekenen veranderde",
        wijzig=toelichting_gewijzigd,
    )


@controle(
    "WD-OND-07",
    rol=Rol.ONTVANGER,
    titel="Een handtekening met een andere sleutel dan die van het certificaat wordt geweigerd "
    "(handtekening_ongeldig)",
)
def andere_sleutel(ctx: Controlecontext) -> None:
    _profiel(ctx)
    nu = ctx.nu()
    echt = _eigen(ctx, vanaf=nu - _RUIM, tot=nu + _RUIM)
    ander = _eigen(ctx, vanaf=nu - _RUIM, tot=nu + _RUIM)
    _verwacht_weigering(
        ctx,
        lambda body: handtekening_met_andere_sleutel(body, echt, ander, nu).headers(),
        "handtekening_ongeldig",
        "WD-OND-07",
        "een Verwijzing ondertekend met een andere sleutel dan die van het certificaat in x5c",
    )


@controle(
    "WD-OND-08",
    rol=Rol.ONTVANGER,
    titel="Een handtekening met een verlopen certificaat wordt geweigerd (certificaat_verlopen)",
)
def verlopen_certificaat(ctx: Controlecontext) -> None:
    from warm_referral.ondertekening import onderteken

    _profiel(ctx)
    nu = ctx.nu()
    # Valid until yesterday (receiver's clock), signed the day before, while it still was.
    sleutel = _eigen(ctx, vanaf=nu - _RUIM, tot=nu - timedelta(days=1), naam="kit verlopen")
    _verwacht_weigering(
        ctx,
        lambda body: onderteken(body, sleutel, nu - timedelta(days=2)).headers(),
        "certificaat_verlopen",
        "WD-OND-08",
        f"een Verwijzing ondertekend met een certificaat dat op {sleutel.certificaat.not_valid_after_utc:%Y-%m-%d %H:%M} UTC verliep",
    )


@controle(
    "WD-OND-09",
    rol=Rol.ONTVANGER,
    titel="Een handtekening waarvan de keten bij een niet-vertrouwde CA eindigt, wordt "
    "geweigerd (keten_niet_vertrouwd)",
)
def onvertrouwde_keten(ctx: Controlecontext) -> None:
    from warm_referral.ondertekening import onderteken
    from warm_referral.testing import pki

    _profiel(ctx)
    nu = ctx.nu()
    eigen_sleutel = pki.nieuwe_sleutel()
    eigen_ca = pki.ca_certificaat(
        eigen_sleutel, "Niet-vertrouwde CA van de kit", vanaf=nu - _RUIM, tot=nu + _RUIM
    )
    sleutel = _eigen(ctx, vanaf=nu - _RUIM, tot=nu + _RUIM, uitgever=(eigen_ca, eigen_sleutel))
    _verwacht_weigering(
        ctx,
        lambda body: onderteken(body, sleutel, nu).headers(),
        "keten_niet_vertrouwd",
        "WD-OND-09",
        "een Verwijzing met een ondertekencertificaat van een CA die niet onder de test-stam-CA valt",
    )


@controle(
    "WD-OND-10",
    rol=Rol.ONTVANGER,
    titel="Een bericht dat een andere organisatie ondertekende dan de afzender, wordt geweigerd "
    "(ondertekenaar_niet_afzender)",
)
def andere_organisatie(ctx: Controlecontext) -> None:
    from warm_referral.ondertekening import onderteken

    _profiel(ctx)
    nu = ctx.nu()
    eigen = oin_van(ctx.doelwit.schuldeiser.partij)
    ander = _ANDERE_OIN if eigen != _ANDERE_OIN else _ANDERE_OIN_2
    sleutel = certificaatsleutel(
        "Andere organisatie (conformancekit)", ander, vanaf=nu - _RUIM, tot=nu + _RUIM
    )
    _verwacht_weigering(
        ctx,
        lambda body: onderteken(body, sleutel, nu).headers(),
        "ondertekenaar_niet_afzender",
        "WD-OND-10",
        f"een Verwijzing van OIN {eigen}, ondertekend met een geldig certificaat van OIN {ander}",
    )


@controle(
    "WD-OND-06",
    rol=Rol.ONTVANGER,
    titel="Vereist de ontvanger een handtekening, dan weigert hij een bericht zonder "
    "(handtekening_ontbreekt) of zonder Digest (handtekening_onleesbaar)",
)
def handtekening_ontbreekt(ctx: Controlecontext) -> None:
    _profiel(ctx, vereist=True)
    _verwacht_weigering(
        ctx,
        lambda body: {},
        "handtekening_ontbreekt",
        "WD-OND-06",
        "een Verwijzing zonder handtekening",
    )

    def zonder_digest(body: bytes) -> dict[str, str]:
        koppen = _ondertekend(ctx, body)
        del koppen["Digest"]
        return koppen

    verwijzing = _verwacht_weigering(
        ctx,
        zonder_digest,
        "handtekening_onleesbaar",
        "WD-OND-06",
        "een ondertekende Verwijzing zonder de header Digest",
    )
    # The refusals were for the signature alone: the same referral, signed, is taken.
    stuur_verwijzing(ctx, verwijzing, eis="WD-OND-06")
