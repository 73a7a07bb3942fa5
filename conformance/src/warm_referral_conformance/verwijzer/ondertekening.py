"""The check of role verwijzer on signatures: does the vendor's sender sign what it sends, as the
NL API Design Rules' signing module and this profile say (WD-OND-01 to WD-OND-04, WD-OND-10)?

The double checks each delivered message with the library's :func:`verifieer`, against the roots
the vendor names (``--vertrouwd``: in a test set-up the published test PKI's root,
``spec/v1/ondertekening/pki/stam-ca.pem``). Without them the check is not run: the kit cannot
judge a chain it has no root for."""

from __future__ import annotations

from datetime import datetime, timezone

from warm_referral.models import Verwijzing

from ..catalogus import Rol
from ..register import controle
from .context import Verwijzercontext

#: Which requirement each stable code of the library says the sender broke.
_EIS_PER_CODE = {
    "handtekening_ontbreekt": "WD-OND-01",
    "handtekening_ongeldig": "WD-OND-01",
    "inhoud_gewijzigd": "WD-OND-01",
    "handtekening_onleesbaar": "WD-OND-02",
    "ondertekentijd_ongeldig": "WD-OND-02",
    "algoritme_niet_toegestaan": "WD-OND-03",
    "certificaat_ongeschikt": "WD-OND-04",
    "keten_niet_vertrouwd": "WD-OND-04",
    "certificaat_verlopen": "WD-OND-04",
    "certificaat_nog_niet_geldig": "WD-OND-04",
    "ondertekenaar_niet_afzender": "WD-OND-10",
}


@controle(
    "WD-OND-01",
    "WD-OND-02",
    "WD-OND-03",
    "WD-OND-04",
    "WD-OND-10",
    rol=Rol.VERWIJZER,
    titel="Een Verwijzing, ondertekend met een eigen PKIoverheid-certificaat van de afzender",
)
def ondertekend(ctx: Verwijzercontext) -> None:
    from warm_referral.knooppunt.verzegeling import partij_oin
    from warm_referral.ondertekening import SignatureError, verifieer

    vertrouwd = ctx.dubbel.vertrouwd
    if vertrouwd is None:
        ctx.niet_uitgevoerd(
            "geen vertrouwde stamcertificaten opgegeven (--vertrouwd): zonder weet de kit niet "
            "welke keten hij moet aanvaarden"
        )
    ctx.dubbel.beleid = lambda poging: "ok"
    ctx.opdracht(
        "Stuur één nieuwe Verwijzing (van vandaag) naar de dubbel, ondertekend "
        "(nlgov-adr-payload-sig en Digest) met het ondertekencertificaat van de afzender."
    )
    if not ctx.wacht_tot(
        lambda: any(isinstance(p.bericht, Verwijzing) for p in ctx.nieuwe_pogingen())
    ):
        ctx.afwijking("WD-OND-01", f"binnen {ctx.wacht:g} s kwam er geen Verwijzing")
        return
    for poging in ctx.nieuwe_pogingen():
        if poging.bericht is None:
            continue
        try:
            ondertekenaar = verifieer(
                poging.body,
                list(poging.handtekening) or None,
                list(poging.digest) or None,
                vertrouwd,
                datetime.now(timezone.utc),
            )
            ondertekenaar.bevestig_afzender(partij_oin(poging.bericht.afzender))
        except SignatureError as exc:
            ctx.afwijking(
                _EIS_PER_CODE.get(exc.code, "WD-OND-01"),
                f"de handtekening van {poging.bericht.berichttype} {poging.bericht_id} klopt "
                f"niet ({exc.code}): {exc.args[0] if exc.args else exc}",
                poging,
            )
