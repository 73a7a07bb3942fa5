"""Runs the checks one by one, each in a thread with its own time limit, and turns what they found
into a :class:`~.resultaten.Run`: per check, and per requirement.

A requirement's outcome: failed when any check that ran reports it; passed when a check naming it
ran without reporting it; not run when no check naming it ran. Every exchange of role ontvanger is
checked against the NL API Design Rules in :data:`AUTOMATISCH`, so every check that ran names them.
The run passes only when at least one check ran and no MOET or MOET NIET failed (a valid waiver
excepted; an expired waiver is a failure).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from . import __version__
from .catalogus import Catalogus, Rol, catalogus
from .context import Controlecontext
from .http import GeenAntwoord
from .register import Controle, NietUitgevoerd, controles_voor
from .resultaten import Afwijking, Controleresultaat, Eisresultaat, Run, Status
from .vrijstellingen import Vrijstelling

__all__ = ["AUTOMATISCH", "Selectie", "bouw_run", "eisstatussen", "voer_uit"]

#: The NL API Design Rules every response of role ontvanger is checked for (see .openapi).
AUTOMATISCH = frozenset(
    {"WD-API-01", "WD-API-02", "WD-API-03", "WD-API-04", "WD-API-06", "WD-API-09"}
)

Voortgang = Callable[[Controle, Controleresultaat | None], None]
"""Called before a check starts (result None) and after it ends."""


@dataclass(frozen=True, slots=True)
class Selectie:
    """``--alleen`` and ``--zonder``: ids or prefixes (``WD-TERM`` is every WD-TERM-nn)."""

    alleen: tuple[str, ...] = ()
    zonder: tuple[str, ...] = ()

    @staticmethod
    def _past(eis: str, patronen: Iterable[str]) -> bool:
        return any(eis == p or eis.startswith(p.rstrip("-") + "-") for p in patronen)

    def gekozen(self, eis: str) -> bool:
        if self.alleen and not self._past(eis, self.alleen):
            return False
        return not self._past(eis, self.zonder)

    def reden_niet(self, eis: str) -> str:
        if self.alleen and not self._past(eis, self.alleen):
            return "niet gekozen met --alleen"
        return "uitgesloten met --zonder"


def _voer_een_uit(
    controle: Controle,
    maak_context: Callable[[Controle], Controlecontext],
    kan: Callable[[Controle], str | None],
    limiet: float,
) -> Controleresultaat:
    resultaat = Controleresultaat(controle.naam, controle.titel, controle.eisen, Status.GESLAAGD)
    reden = kan(controle)
    if reden is not None:
        resultaat.status, resultaat.reden = Status.NIET_UITGEVOERD, reden
        return resultaat
    ctx = maak_context(controle)
    uitkomst: dict[str, BaseException] = {}

    def draai() -> None:
        try:
            controle.functie(ctx)
        except BaseException as exc:  # recorded and reported; a check never takes the run down
            uitkomst["fout"] = exc

    begin = time.monotonic()
    draad = threading.Thread(target=draai, name=f"controle {controle.naam}", daemon=True)
    draad.start()
    draad.join(limiet)
    resultaat.duur = time.monotonic() - begin
    resultaat.uitwisselingen = list(ctx.uitwisselingen)
    afwijkingen = list(ctx.afwijkingen)
    if draad.is_alive():
        afwijkingen += [
            Afwijking(
                eis, f"de controle duurde langer dan {limiet:g} s (--timeout) en is afgebroken"
            )
            for eis in controle.eisen
        ]
    fout = uitkomst.get("fout")
    if isinstance(fout, NietUitgevoerd) and not afwijkingen:
        resultaat.status, resultaat.reden = Status.NIET_UITGEVOERD, str(fout)
        return resultaat
    if isinstance(fout, GeenAntwoord):
        index = len(resultaat.uitwisselingen) - 1 if resultaat.uitwisselingen else None
        afwijkingen += [Afwijking(eis, str(fout), index) for eis in controle.eisen]
    elif fout is not None and not isinstance(fout, NietUitgevoerd):
        afwijkingen.append(
            Afwijking(
                controle.eisen[0],
                f"de controle liep vast op een onverwacht antwoord of een fout in de kit: "
                f"{type(fout).__name__}: {fout}",
            )
        )
    resultaat.afwijkingen = afwijkingen
    resultaat.status = Status.GEFAALD if afwijkingen else Status.GESLAAGD
    return resultaat


def voer_uit(
    controles: Sequence[Controle],
    maak_context: Callable[[Controle], Controlecontext],
    kan: Callable[[Controle], str | None],
    *,
    limiet: float,
    selectie: Selectie,
    voortgang: Voortgang | None = None,
) -> list[Controleresultaat]:
    """Run the selected checks in order. ``kan`` says why a check cannot run here (or None)."""
    resultaten: list[Controleresultaat] = []
    for controle in controles:
        if not any(selectie.gekozen(e) for e in controle.eisen):
            continue
        if voortgang:
            voortgang(controle, None)
        resultaat = _voer_een_uit(controle, maak_context, kan, limiet)
        resultaten.append(resultaat)
        if voortgang:
            voortgang(controle, resultaat)
    return resultaten


def eisstatussen(
    resultaten: Sequence[Controleresultaat],
    rol: Rol,
    alle_controles: Sequence[Controle],
    selectie: Selectie,
    vrijstellingen: dict[str, Vrijstelling],
    vandaag: date,
    cat: Catalogus | None = None,
) -> list[Eisresultaat]:
    """Per requirement of ``rol``: passed, failed, not run or waived, and why."""
    cat = cat or catalogus()
    genoemd: dict[str, list[str]] = {}
    for controle in alle_controles:
        for eis in controle.eisen:
            genoemd.setdefault(eis, []).append(controle.naam)
    per_naam = {r.controle: r for r in resultaten}
    uit: list[Eisresultaat] = []
    for item in cat.values():
        if not item.rol.bindt(rol):
            continue
        namen = list(genoemd.get(item.id, []))
        gedraaid = [
            per_naam[n]
            for n in namen
            if n in per_naam and per_naam[n].status in (Status.GESLAAGD, Status.GEFAALD)
        ]
        if rol is Rol.ONTVANGER and item.id in AUTOMATISCH:
            extra = [
                r
                for r in resultaten
                if r.status in (Status.GESLAAGD, Status.GEFAALD) and r not in gedraaid
            ]
            gedraaid += extra
            namen += [r.controle for r in extra if r.controle not in namen]
        aantal = sum(1 for r in gedraaid for a in r.afwijkingen if a.eis == item.id)
        resultaat = Eisresultaat(
            item.id, item.niveau.value, item.tekst, Status.NIET_UITGEVOERD, namen, aantal
        )
        if not selectie.gekozen(item.id):
            resultaat.reden = selectie.reden_niet(item.id)
        elif not item.toetsbaar:
            resultaat.reden = (
                f"niet toetsbaar: {' '.join((item.niet_toetsbaar_omdat or '').split())}"
            )
        elif not gedraaid:
            redenen = sorted({per_naam[n].reden or "" for n in namen if n in per_naam} - {""})
            resultaat.reden = "; ".join(redenen) or "geen controle noemt deze eis"
        else:
            resultaat.status = Status.GEFAALD if aantal else Status.GESLAAGD
        vrijstelling = vrijstellingen.get(item.id)
        if vrijstelling is not None:
            if not vrijstelling.geldig(vandaag):
                resultaat.status = Status.GEFAALD
                resultaat.reden = f"vrijstelling verlopen op {vrijstelling.geldig_tot.isoformat()}: {vrijstelling.reden}"
            elif resultaat.status is Status.GEFAALD:
                resultaat.status = Status.VRIJGESTELD
                resultaat.reden = f"vrijgesteld tot en met {vrijstelling.geldig_tot.isoformat()}: {vrijstelling.reden}"
        uit.append(resultaat)
    return uit


def bouw_run(
    *,
    rol: Rol,
    doel: str,
    begin: datetime,
    resultaten: list[Controleresultaat],
    selectie: Selectie,
    vrijstellingen: dict[str, Vrijstelling],
    seed: int = 0,
    alle_controles: Sequence[Controle] | None = None,
) -> Run:
    cat = catalogus()
    einde = datetime.now(timezone.utc)
    alle = list(alle_controles) if alle_controles is not None else controles_voor(rol)
    eisen = eisstatussen(resultaten, rol, alle, selectie, vrijstellingen, einde.date(), cat)
    gedraaid = sum(1 for r in resultaten if r.status in (Status.GESLAAGD, Status.GEFAALD))
    verlopen = [v for v in vrijstellingen.values() if not v.geldig(einde.date())]
    verplicht_gefaald = [
        e for e in eisen if e.status is Status.GEFAALD and cat[e.eis].niveau.verplicht
    ]
    geslaagd = gedraaid > 0 and not verplicht_gefaald and not verlopen
    telling = {s: sum(1 for e in eisen if e.status is s) for s in Status}
    samenvatting = (
        f"{gedraaid} van {len(resultaten)} controles uitgevoerd; eisen: "
        f"{telling[Status.GESLAAGD]} geslaagd, {telling[Status.GEFAALD]} gefaald "
        f"({len(verplicht_gefaald)} MOET), {telling[Status.VRIJGESTELD]} vrijgesteld, "
        f"{telling[Status.NIET_UITGEVOERD]} niet uitgevoerd"
    )
    if gedraaid == 0:
        samenvatting += "; er is geen enkele controle uitgevoerd, dus de run is niet geslaagd"
    if verlopen:
        samenvatting += f"; {len(verlopen)} verlopen vrijstelling(en)"
    return Run(
        kit_versie=__version__,
        specversie=cat.specversie,
        catalogus_versie=cat.versie,
        rol=rol.value,
        doel=doel,
        begin=begin,
        einde=einde,
        controles=resultaten,
        eisen=eisen,
        geslaagd=geslaagd,
        samenvatting=samenvatting,
        seed=seed,
    )
