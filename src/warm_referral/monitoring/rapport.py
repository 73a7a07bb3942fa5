"""The quarterly report for the working group: one CSV of every indicator and one Dutch HTML page.

The page is self-contained (inline CSS and SVG charts, no script, no network) and shows only
published figures (:func:`~.publicatie.publiceerbaar`): the funnel from referral to accepted help,
the time to the first contact attempt against the 3-werkdagen line, the monthly trend, the split by
kind of creditor, the comparison with a baseline of ordinary early signals and the national figures.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ..calendar import Werkdagkalender
from .berekening import Monitoringresultaat, bereken
from .historie import Verwijzingshistorie
from .indicatoren import DUREN, INDICATOREN, Indicatorsoort
from .publicatie import STANDAARD_DREMPEL, Publicatierij, publiceerbaar, schrijf_csv
from .vergelijking import (
    LANDELIJKE_INDICATOREN,
    Signaaltelling,
    landelijke_bron,
    landelijke_referentie,
    tel_resultaat,
)

__all__ = ["Rapport", "maak_rapport", "rapport_van"]

#: Bars of the time-to-contact chart: 0..7 werkdagen, then "8+".
_MAX_DAGEN = 8


@dataclass(frozen=True)
class Rapport:
    """The two files of a report."""

    csv: str
    html: str
    kwartaal: str
    resultaat: Monitoringresultaat


def maak_rapport(
    historien: Iterable[Verwijzingshistorie],
    *,
    peildatum: date,
    kwartaal: str | None = None,
    basislijn: Mapping[str, Signaaltelling] | None = None,
    drempel: int = STANDAARD_DREMPEL,
    kalender: Werkdagkalender | None = None,
    titel: str = "Warme doorverwijzing",
) -> Rapport:
    """Compute every indicator in one pass and write the CSV and the HTML page.

    ``kwartaal`` (``2025-K2``) is the quarter the page is about; default the quarter of the latest
    verwijsdatum. ``basislijn`` is a DDAS delivery counted by :func:`~.vergelijking.tel_levering`.
    """
    resultaat = bereken(historien, peildatum=peildatum, kalender=kalender)
    return rapport_van(
        resultaat, kwartaal=kwartaal, basislijn=basislijn, drempel=drempel, titel=titel
    )


def rapport_van(
    resultaat: Monitoringresultaat,
    *,
    kwartaal: str | None = None,
    basislijn: Mapping[str, Signaaltelling] | None = None,
    drempel: int = STANDAARD_DREMPEL,
    titel: str = "Warme doorverwijzing",
) -> Rapport:
    """The CSV and the HTML page of a computed result (from :func:`~.berekening.bereken` or
    :func:`~.berekening.bereken_bestand`, with every period kind and grouping)."""
    warm = tel_resultaat(resultaat)
    rijen = publiceerbaar(resultaat.uitkomsten, drempel)
    buffer = io.StringIO()
    schrijf_csv(rijen, buffer)
    if kwartaal is None:
        laatste = resultaat.laatste_verwijsdatum or resultaat.peildatum
        kwartaal = f"{laatste.year:04d}-K{(laatste.month - 1) // 3 + 1}"
    pagina = _Pagina(resultaat, rijen, kwartaal, warm, basislijn, drempel, titel).html()
    return Rapport(buffer.getvalue(), pagina, kwartaal, resultaat)


def _e(tekst: object) -> str:
    return html.escape(str(tekst), quote=True)


def _getal(w: int | None) -> str:
    return "–" if w is None else f"{w:,}".replace(",", ".")


def _pct(w: float | None) -> str:
    return "–" if w is None else f"{w:.1f}%".replace(".", ",")


class _Pagina:
    def __init__(
        self,
        resultaat: Monitoringresultaat,
        rijen: list[Publicatierij],
        kwartaal: str,
        warm: Mapping[str, Signaaltelling],
        basislijn: Mapping[str, Signaaltelling] | None,
        drempel: int,
        titel: str,
    ) -> None:
        self.resultaat = resultaat
        self.kwartaal = kwartaal
        self.warm = warm
        self.basislijn = basislijn
        self.drempel = drempel
        self.titel = titel
        self.index: dict[tuple[str, str, str, str, str, str], Publicatierij] = {
            (r.indicator, r.periodesoort, r.periode, r.dimensie, r.groep, r.categorie): r
            for r in rijen
        }
        self.rijen = rijen

    def rij(
        self, code: str, soort: str, periode: str, dimensie: str = "totaal", groep: str = ""
    ) -> Publicatierij | None:
        return self.index.get((code, soort, periode, dimensie, groep, ""))

    # --- sections ---------------------------------------------------------------------------------

    def html(self) -> str:
        from . import grafieken

        delen = [
            self._kop(),
            self._kerncijfers(),
            self._figuur(
                "trechter",
                f"Van verwijzing tot aanvaarde hulp, {self.kwartaal}",
                grafieken.trechter(self._trechter(), naam="trechter"),
                "Aantallen verwijzingen van dit kwartaal die elke stap bereikten.",
            ),
            self._figuur(
                "verdeling",
                f"Tijd tot de eerste contactpoging, {self.kwartaal}",
                grafieken.verdeling(
                    self._verdeling(), 3, "contacttermijn: 3 werkdagen", naam="verdeling"
                ),
                "Aantal verwijzingen per aantal werkdagen van ontvangst tot de eerste "
                "contactpoging; rechts van de lijn is de termijn overschreden.",
            ),
            self._figuur(
                "trend",
                "Maandelijkse ontwikkeling",
                self._trend(grafieken),
                "Verwijzingen per maand en de belangrijkste aandelen per maand (cohort naar "
                "verwijsdatum: recente maanden zijn nog niet afgerond).",
            ),
            self._figuur(
                "schuldeisers",
                f"Naar soort schuldeiser, {self.kwartaal}",
                self._schuldeisers(grafieken),
                "Aandelen per soort verwijzer; een ontbrekende staaf is onderdrukt.",
            ),
            self._figuur(
                "vergelijking",
                "Vergelijking met gewone vroegsignalen en het landelijk beeld",
                self._vergelijking(grafieken),
                "De indicatoren van de landelijke monitor vroegsignalering, voor de warme "
                "verwijzingen, de basislijn van gewone signalen en de gepubliceerde landelijke "
                "cijfers.",
            ),
            self._gemeenten(),
            self._landelijk(),
            self._definities(),
        ]
        return _SJABLOON.format(
            titel=_e(f"{self.titel}: kwartaalrapportage {self.kwartaal}"), inhoud="\n".join(delen)
        )

    def _kop(self) -> str:
        r = self.resultaat
        periode = (
            f"{r.eerste_verwijsdatum.isoformat()} t/m {r.laatste_verwijsdatum.isoformat()}"
            if r.eerste_verwijsdatum and r.laatste_verwijsdatum
            else "geen verwijzingen"
        )
        return (
            f"<header><h1>{_e(self.titel)}: kwartaalrapportage {_e(self.kwartaal)}</h1>"
            f"<p>Peildatum {_e(r.peildatum.isoformat())}. Gebaseerd op "
            f"{_getal(r.aantal_historien if r.aantal_historien >= self.drempel else None)} "
            f"verwijzingen ({_e(periode)}). Aantallen kleiner dan {self.drempel} en percentages "
            f"op minder dan {self.drempel} verwijzingen worden niet getoond (–).</p></header>"
        )

    def _kerncijfers(self) -> str:
        regels = []
        for ind in INDICATOREN:
            if ind.soort is Indicatorsoort.UITSPLITSING:
                continue
            r = self.rij(ind.code, "kwartaal", self.kwartaal)
            if r is None:
                continue
            if ind.soort is Indicatorsoort.AANTAL:
                waarde, basis = _getal(r.teller), ""
            elif ind.soort is Indicatorsoort.AANDEEL:
                waarde = _pct(r.aandeel)
                basis = f"{_getal(r.teller)} van {_getal(r.noemer)}"
            else:
                waarde = f"mediaan {_getal(r.mediaan)}, P75 {_getal(r.p75)}, P90 {_getal(r.p90)}"
                basis = f"n = {_getal(r.noemer)}"
            regels.append(
                f"<tr><td>{_e(ind.naam)}</td><td class=getal>{_e(waarde)}</td>"
                f"<td class=getal>{_e(basis)}</td></tr>"
            )
        return (
            f"<section><h2>Kerncijfers {_e(self.kwartaal)}</h2><table class=kerncijfers>"
            "<thead><tr><th>Indicator</th><th>Waarde</th><th>Basis</th></tr></thead><tbody>"
            + "".join(regels)
            + "</tbody></table></section>"
        )

    def _figuur(self, naam: str, kop: str, svg: str, uitleg: str) -> str:
        return (
            f'<section><h2>{_e(kop)}</h2><figure class=grafiek data-grafiek="{_e(naam)}">'
            f"{svg}<figcaption>{_e(uitleg)}</figcaption></figure></section>"
        )

    def _trechter(self) -> list[tuple[str, int | None]]:
        stappen = (
            ("Verwijzingen", "verwijzingen", "teller"),
            ("Opgepakt", "opgepakt", "teller"),
            ("Bereikt", "bereikt", "teller"),
            ("Hulp aangeboden", "hulp_aangeboden", "teller"),
            ("Hulp aanvaard", "hulp_aanvaard", "teller"),
        )
        uit: list[tuple[str, int | None]] = []
        for label, code, _ in stappen:
            r = self.rij(code, "kwartaal", self.kwartaal)
            uit.append((label, r.teller if r is not None else None))
        return uit

    def _verdeling(self) -> list[tuple[str, int | None]]:
        acc = self.resultaat.groepen.get(("kwartaal", self.kwartaal, "totaal", ""))
        histogram = acc.duren[list(DUREN).index("werkdagen_tot_poging")] if acc else {}
        staven: list[tuple[str, int | None]] = []
        for dag in range(_MAX_DAGEN + 1):
            if dag < _MAX_DAGEN:
                n = histogram.get(dag, 0)
                label = str(dag)
            else:
                n = sum(v for k, v in histogram.items() if k >= _MAX_DAGEN)
                label = f"{_MAX_DAGEN}+"
            staven.append((label, n if n >= self.drempel else None))
        return staven

    def _trend(self, grafieken: object) -> str:
        from . import grafieken as g

        maanden = sorted(
            {r.periode for r in self.rijen if r.periodesoort == "maand" and r.dimensie == "totaal"}
        )
        aantallen = [
            (r.teller if (r := self.rij("verwijzingen", "maand", m)) else None) for m in maanden
        ]
        reeksen = {
            label: [(r.aandeel if (r := self.rij(code, "maand", m)) else None) for m in maanden]
            for label, code in (
                ("% bereikt", "bereikt"),
                ("% poging binnen termijn", "poging_binnen_termijn"),
                ("% hulp aanvaard", "hulp_aanvaard"),
            )
        }
        return g.trend(maanden, aantallen, reeksen, naam="trend")

    def _schuldeisers(self, grafieken: object) -> str:
        from . import grafieken as g

        soorten = sorted(
            {
                r.groep
                for r in self.rijen
                if r.dimensie == "soort_verwijzer"
                and r.periodesoort == "kwartaal"
                and r.periode == self.kwartaal
            }
        )
        reeksen = {
            label: [
                (
                    r.aandeel
                    if (r := self.rij(code, "kwartaal", self.kwartaal, "soort_verwijzer", s))
                    else None
                )
                for s in soorten
            ]
            for label, code in (
                ("% bereikt", "bereikt"),
                ("% poging binnen termijn", "poging_binnen_termijn"),
                ("% hulp aanvaard", "hulp_aanvaard"),
            )
        }
        return g.staafdiagram(
            soorten or ["(geen)"], reeksen if soorten else {}, naam="schuldeisers"
        )

    def _landelijke_waarden(
        self, tellingen: Mapping[str, Signaaltelling] | None, jaar: str
    ) -> list[float | None]:
        telling = tellingen.get(jaar) if tellingen else None
        uit: list[float | None] = []
        for ind in LANDELIJKE_INDICATOREN:
            if telling is None:
                uit.append(None)
                continue
            assert ind.teller is not None and ind.noemer is not None
            teller, noemer = telling.waarde(ind.teller), telling.waarde(ind.noemer)
            uit.append(
                100 * teller / noemer if teller >= self.drempel and noemer >= self.drempel else None
            )
        return uit

    def _vergelijking(self, grafieken: object) -> str:
        from . import grafieken as g

        jaar = self.kwartaal[:4]
        referentie = landelijke_referentie()
        laatste_jaar = max((w.jaar for w in referentie), default=None)
        landelijk = {w.indicator: w.procent for w in referentie if w.jaar == laatste_jaar}
        reeksen: dict[str, list[float | None]] = {
            f"warme verwijzingen {jaar}": self._landelijke_waarden(self.warm, jaar)
        }
        if self.basislijn is not None:
            reeksen[f"basislijn gewone signalen {jaar}"] = self._landelijke_waarden(
                self.basislijn, jaar
            )
        reeksen[f"landelijk {laatste_jaar}"] = [
            landelijk.get(i.code) for i in LANDELIJKE_INDICATOREN
        ]
        return g.vergelijking(
            [i.naam for i in LANDELIJKE_INDICATOREN], reeksen, naam="vergelijking"
        )

    def _gemeenten(self) -> str:
        groepen = sorted(
            {r.groep for r in self.rijen if r.dimensie == "gemeente" and r.periode == self.kwartaal}
        )
        regels = []
        for gemeente in groepen:

            def rij(code: str, g: str = gemeente) -> Publicatierij | None:
                return self.rij(code, "kwartaal", self.kwartaal, "gemeente", g)

            v, b, t, w = (
                rij("verwijzingen"),
                rij("bereikt"),
                rij("poging_binnen_termijn"),
                rij("werkdagen_tot_poging"),
            )
            regels.append(
                f"<tr><td>{_e(gemeente)}</td><td class=getal>{_getal(v.teller if v else None)}</td>"
                f"<td class=getal>{_pct(b.aandeel if b else None)}</td>"
                f"<td class=getal>{_pct(t.aandeel if t else None)}</td>"
                f'<td class="getal dagen">{_getal(w.mediaan if w else None)}</td></tr>'
            )
        return (
            f"<section><h2>Per gemeente, {_e(self.kwartaal)}</h2><table><thead><tr>"
            "<th>Gemeentecode</th><th>Verwijzingen</th><th>Bereikt</th>"
            "<th>Poging binnen termijn</th><th>Mediaan werkdagen tot poging</th>"
            "</tr></thead><tbody>" + "".join(regels) + "</tbody></table></section>"
        )

    def _landelijk(self) -> str:
        bron, toelichting = landelijke_bron()
        namen = {i.code: i.naam for i in LANDELIJKE_INDICATOREN}
        regels = "".join(
            f"<tr><td>{w.jaar}</td><td>{_e(namen[w.indicator])}</td>"
            f"<td class=getal>{_pct(w.procent)}</td><td>{_e(w.toelichting)}</td></tr>"
            for w in landelijke_referentie()
        )
        return (
            "<section><h2>Landelijke referentiecijfers</h2>"
            f"<p>Bron: {_e(bron)}. {_e(toelichting)}</p><table><thead><tr><th>Jaar</th>"
            "<th>Indicator</th><th>Waarde</th><th>Toelichting</th></tr></thead><tbody>"
            + regels
            + "</tbody></table></section>"
        )

    def _definities(self) -> str:
        regels = "".join(
            f"<tr><td>{_e(i.naam)}</td><td>{_e(i.definitie)}</td><td>{_e(i.eenheid)}</td></tr>"
            for i in (*INDICATOREN, *LANDELIJKE_INDICATOREN)
        )
        return (
            "<section><h2>Definities</h2><p>Een verwijzing telt mee in de maand, het kwartaal en "
            "het jaar van haar verwijsdatum, met al haar latere stappen. Werkdagen volgen de "
            "Algemene termijnenwet; de dag van ontvangst telt niet mee.</p><table><thead><tr>"
            "<th>Indicator</th><th>Definitie</th><th>Eenheid</th></tr></thead><tbody>"
            + regels
            + "</tbody></table></section>"
        )


_SJABLOON = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{titel}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
  max-width: 60rem; padding: 0 1rem; color: #1d1d1d; line-height: 1.45; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.2rem; margin-top: 2rem; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }}
td.getal, td.dagen {{ text-align: right; white-space: nowrap; }}
figure {{ margin: 0; }} figure svg {{ width: 100%; height: auto; }}
figcaption {{ font-size: 0.85rem; color: #555; }}
</style>
</head>
<body>
{inhoud}
<footer><p>Gemaakt met warm_referral.monitoring. Alle aantallen onder de drempel zijn onderdrukt;
het rapport bevat geen persoonsgegevens.</p></footer>
</body>
</html>
"""
