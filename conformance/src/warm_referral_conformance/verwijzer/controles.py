"""Checks of role verwijzer: what the vendor's sender does against the double's answers and faults.

Each check is a scenario: it sets the double's fault policy, tells the vendor what to send, waits
for the sender, and judges what arrived."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timezone
from itertools import pairwise

from warm_referral import amsterdamse_datum
from warm_referral.deadlines import incassostop
from warm_referral.identifiers import bsn as _bsn
from warm_referral.lifecycle import Contactpoging, Oppakken, StuurStatusbericht
from warm_referral.models import Contactsoort, Dagdeel, Verwijzing

from ..catalogus import Rol
from ..register import controle
from .context import Verwijzercontext
from .dubbel import Poging

_NEGEN = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")


def _per_bericht(pogingen: list[Poging]) -> dict[str, list[Poging]]:
    uit: dict[str, list[Poging]] = defaultdict(list)
    for poging in pogingen:
        if poging.bericht_id is not None:
            uit[poging.bericht_id].append(poging)
    return uit


def _beoordeel_berichten(ctx: Verwijzercontext, pogingen: list[Poging]) -> None:
    for poging in pogingen:
        if poging.fouten:
            ctx.afwijking(
                "WD-BER-14", "een ongeldig bericht: " + "; ".join(poging.fouten[:5]), poging
            )
            ctx.afwijking(
                "WD-BER-01", "een ongeldig bericht: " + "; ".join(poging.fouten[:5]), poging
            )
    for url in ctx.dubbel.urls:
        if any(_bsn.is_valid(m) for m in _NEGEN.findall(url)):
            ctx.afwijking("WD-GROND-05", f"een URL bevat een BSN: {_NEGEN.sub('*********', url)}")


@controle(
    "WD-BER-14",
    "WD-BER-01",
    "WD-TERM-08",
    "WD-GROND-05",
    rol=Rol.VERWIJZER,
    titel="Een Verwijzing: geldig, met het juiste Content-Type en een incassostop vanaf de verwijsdatum",
)
def verwijzing(ctx: Verwijzercontext) -> None:
    ctx.dubbel.beleid = lambda poging: "ok"
    ctx.opdracht("Stuur één nieuwe Verwijzing (van vandaag) naar de dubbel.")
    if not ctx.wacht_tot(
        lambda: any(isinstance(p.bericht, Verwijzing) or p.fouten for p in ctx.nieuwe_pogingen())
    ):
        ctx.afwijking("WD-BER-14", f"binnen {ctx.wacht:g} s kwam er geen Verwijzing")
        return
    pogingen = ctx.nieuwe_pogingen()
    _beoordeel_berichten(ctx, pogingen)
    for poging in pogingen:
        if isinstance(poging.bericht, Verwijzing):
            v = poging.bericht
            begin, einde = incassostop(amsterdamse_datum(v.verwezen_op))
            ctx.controleer(
                v.incassostop.ingangsdatum == begin and v.incassostop.einddatum >= einde,
                "WD-TERM-08",
                f"de incassostop {v.incassostop.ingangsdatum} t/m {v.incassostop.einddatum} gaat niet in op de verwijsdatum {begin} of duurt korter dan tot {einde}",
                poging,
            )


def _storingen_per_poging(*reeks: str) -> object:
    tellers: dict[str, int] = defaultdict(int)

    def beleid(poging: Poging) -> str:
        sleutel = poging.bericht_id or ""
        tellers[sleutel] += 1
        n = tellers[sleutel]
        return reeks[n - 1] if n <= len(reeks) else "ok"

    return beleid


@controle(
    "WD-VERZ-01",
    "WD-ENV-01",
    rol=Rol.VERWIJZER,
    titel="Na 503, een verbroken verbinding, een time-out en 429: opnieuw, met hetzelfde berichtId en dezelfde inhoud",
)
def herhaling_na_storing(ctx: Verwijzercontext) -> None:
    reeks = ("503", "verbreek", "timeout", "429")
    ctx.dubbel.beleid = _storingen_per_poging(*reeks)  # type: ignore[assignment]
    ctx.opdracht(
        "Stuur één nieuwe Verwijzing. De dubbel antwoordt eerst 503, verbreekt dan de verbinding, "
        f"antwoordt dan {ctx.dubbel.vertraging:g} s niet (time-out) en geeft dan 429; daarna neemt zij aan."
    )

    def klaar() -> bool:
        return any(p.status == 201 for p in ctx.nieuwe_pogingen())

    ctx.wacht_tot(klaar, ctx.wacht + ctx.dubbel.vertraging)
    per_bericht = _per_bericht(ctx.nieuwe_pogingen())
    if not per_bericht:
        ctx.afwijking("WD-VERZ-01", "er kwam geen bericht")
        return
    pogingen = max(per_bericht.values(), key=len)
    ctx.controleer(
        len(pogingen) >= len(reeks) + 1,
        "WD-VERZ-01",
        f"na {[p.storing for p in pogingen]} bleef het bij {len(pogingen)} poging(en); na elke storing hoort een nieuwe",
        pogingen[-1],
    )
    eerste = ctx.kern(pogingen[0])
    for poging in pogingen[1:]:
        ctx.controleer(
            ctx.kern(poging) == eerste,
            "WD-ENV-01",
            "een herhaling had dezelfde berichtId maar een andere inhoud",
            poging,
        )


@controle(
    "WD-VERZ-02",
    rol=Rol.VERWIJZER,
    titel="Herhalingen wachten steeds langer (backoff)",
    langzaam=True,
)
def backoff(ctx: Verwijzercontext) -> None:
    ctx.dubbel.beleid = _storingen_per_poging("503", "503", "503", "503")  # type: ignore[assignment]
    ctx.opdracht(
        "Stuur vijf nieuwe Verwijzingen. De dubbel antwoordt op de eerste vier pogingen van elk 503."
    )

    def klaar() -> bool:
        per = _per_bericht(ctx.nieuwe_pogingen())
        return sum(1 for ps in per.values() if any(p.status == 201 for p in ps)) >= 5

    ctx.wacht_tot(klaar)
    per_bericht = {b: ps for b, ps in _per_bericht(ctx.nieuwe_pogingen()).items() if len(ps) >= 5}
    if len(per_bericht) < 3:
        ctx.afwijking(
            "WD-VERZ-02",
            f"te weinig berichten kwamen door vier storingen heen ({len(per_bericht)} van 5) om de wachttijden te meten",
        )
        return
    vroeg = laat = 0.0
    for pogingen in per_bericht.values():
        tijden = [p.tijd for p in pogingen[:5]]
        tussen = [b - a for a, b in pairwise(tijden)]
        vroeg += tussen[0] + tussen[1]
        laat += tussen[2] + tussen[3]
    ctx.controleer(
        laat > vroeg,
        "WD-VERZ-02",
        f"de wachttijden groeien niet: samen {vroeg:.2f} s tussen de eerste drie pogingen en {laat:.2f} s tussen de laatste drie (over {len(per_bericht)} berichten)",
    )


@controle(
    "WD-VERZ-04",
    rol=Rol.VERWIJZER,
    titel="Na een definitieve weigering (400, 409) geen nieuwe poging",
)
def definitieve_weigering(ctx: Verwijzercontext) -> None:
    volgorde: list[str] = []

    def beleid(poging: Poging) -> str:
        bid = poging.bericht_id or ""
        if bid not in volgorde:
            volgorde.append(bid)
        return ("400", "409")[volgorde.index(bid)] if volgorde.index(bid) < 2 else "ok"

    ctx.dubbel.beleid = beleid
    ctx.opdracht(
        "Stuur twee nieuwe Verwijzingen. De dubbel weigert de eerste met 400 en de tweede met 409."
    )
    ctx.wacht_tot(lambda: len(volgorde) >= 2)
    if len(volgorde) < 2:
        ctx.afwijking("WD-VERZ-04", f"binnen {ctx.wacht:g} s kwamen er geen twee berichten")
        return
    ctx.wacht_tot(lambda: False, ctx.observatie)
    per_bericht = _per_bericht(ctx.nieuwe_pogingen())
    for bid, status in zip(volgorde[:2], ("400", "409"), strict=True):
        pogingen = per_bericht.get(bid, [])
        ctx.controleer(
            len(pogingen) == 1,
            "WD-VERZ-04",
            f"na een {status} kwam hetzelfde bericht nog {len(pogingen) - 1} keer (binnen {ctx.observatie:g} s)",
            pogingen[-1] if pogingen else None,
        )


@controle(
    "WD-VERZ-05",
    rol=Rol.VERWIJZER,
    titel="Het postvak wordt opgehaald vanaf het laatst opgeslagen volgnummer",
)
def postvak(ctx: Verwijzercontext) -> None:
    ctx.dubbel.beleid = lambda poging: "ok"
    verwijzingen = [
        p.bericht
        for p in ctx.dubbel.pogingen
        if isinstance(p.bericht, Verwijzing) and p.status == 201
    ]
    if not verwijzingen:
        ctx.niet_uitgevoerd("de dubbel heeft nog geen aangenomen Verwijzing om over te melden")
    verwijzing = verwijzingen[-1]
    assert isinstance(verwijzing, Verwijzing)
    dossier = ctx.dubbel.dossier(str(verwijzing.conversatie_id))
    assert dossier is not None
    nu = datetime.now(timezone.utc)
    wijziging = dossier.registreer(Oppakken(amsterdamse_datum(nu)))
    nummers = []
    for effect in wijziging.effecten:
        if isinstance(effect, StuurStatusbericht):
            bericht = effect.als_bericht(
                afzender=ctx.dubbel.gemeente,
                ontvanger=verwijzing.afzender,
                conversatie_id=verwijzing.conversatie_id,
                nu=nu,
            )
            dossier.verstuur(bericht)
            nummers.append(ctx.dubbel.zet_in_postvak(bericht))
    eerste = max(nummers)
    begin = len(ctx.dubbel.postvakverzoeken)
    ctx.opdracht(
        f"Haal het postvak op (bijvoorbeeld met de verzenddienst aan): er staat een Statusbericht klaar met volgnummer {eerste}."
    )

    def gekregen(nummer: int) -> bool:
        return any(nummer in v.gegeven for v in ctx.dubbel.postvakverzoeken[begin:])

    if not ctx.wacht_tot(lambda: gekregen(eerste)):
        ctx.afwijking(
            "WD-VERZ-05", f"binnen {ctx.wacht:g} s haalde de verzender het postvak niet op"
        )
        return
    # A second message: the sender must fetch it from where it was, not from the start.
    wijziging = dossier.registreer(
        Contactpoging(amsterdamse_datum(nu), Contactsoort.TELEFOON, Dagdeel.OCHTEND, True)
    )
    tweede = eerste
    for effect in wijziging.effecten:
        if isinstance(effect, StuurStatusbericht):
            bericht = effect.als_bericht(
                afzender=ctx.dubbel.gemeente,
                ontvanger=verwijzing.afzender,
                conversatie_id=verwijzing.conversatie_id,
                nu=nu,
            )
            dossier.verstuur(bericht)
            tweede = ctx.dubbel.zet_in_postvak(bericht)
    if not ctx.wacht_tot(lambda: gekregen(tweede)):
        ctx.afwijking(
            "WD-VERZ-05",
            f"binnen {ctx.wacht:g} s haalde de verzender het tweede bericht (volgnummer {tweede}) niet op",
        )
        return
    verzoeken = ctx.dubbel.postvakverzoeken[begin:]
    na_eerste = [
        v for v in verzoeken if v.tijd > next(w.tijd for w in verzoeken if eerste in w.gegeven)
    ]
    terug = [v.na for v in na_eerste if v.na is None or v.na < eerste]
    ctx.controleer(
        not terug,
        "WD-VERZ-05",
        f"nadat volgnummer {eerste} was opgehaald, vroeg de verzender het postvak weer op met na={terug[0] if terug else ''}: niet vanaf zijn laatst opgeslagen volgnummer",
    )
