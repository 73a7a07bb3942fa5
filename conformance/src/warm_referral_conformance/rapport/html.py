"""A self-contained HTML report (no scripts, no network): a vendor mails it to NVVK.

Per requirement: passed, failed, not run or waived; for each failure every violation, the request
and response (BSNs masked) and a curl command that reproduces it."""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..catalogus import catalogus
from ..resultaten import Controleresultaat, Run, Status, Uitwisseling

__all__ = ["schrijf_html"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#1b1b1b;max-width:75rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
.geslaagd{color:#176b2c}.gefaald{color:#b00020;font-weight:bold}.niet-uitgevoerd{color:#8a6d00}
.vrijgesteld{color:#005a87}.oordeel{font-size:1.2rem;padding:.6rem;border-radius:.3rem}
.oordeel.ja{background:#e3f4e7}.oordeel.nee{background:#fbe4e7}
pre{background:#f5f5f5;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:.8rem}
details{margin:.3rem 0}summary{cursor:pointer}.meta td{border:0;padding:.1rem .5rem}
"""


def _klasse(status: Status) -> str:
    return status.value.replace(" ", "-")


def _uitwisseling(u: Uitwisseling) -> str:
    verzoek = "\n".join(f"{k}: {v}" for k, v in u.verzoekheaders.items())
    antwoord = "\n".join(f"{k}: {v}" for k, v in u.antwoordheaders.items())
    status = str(u.status) if u.status is not None else f"geen antwoord: {u.fout}"
    return (
        f"<details><summary>{escape(u.methode)} {escape(u.url)} &rarr; {escape(status)} "
        f"({u.duur * 1000:.0f} ms)</summary>"
        f"<p>Verzoek</p><pre>{escape(u.methode)} {escape(u.url)}\n{escape(verzoek)}\n\n{escape(u.verzoekbody)}</pre>"
        f"<p>Antwoord</p><pre>{escape(status)}\n{escape(antwoord)}\n\n{escape(u.antwoordbody)}</pre>"
        f"<p>Opnieuw uitvoeren</p><pre>{escape(u.curl)}</pre></details>"
    )


def _controle(c: Controleresultaat) -> str:
    delen = [
        f'<h3 id="{escape(c.controle)}"><span class="{_klasse(c.status)}">{escape(c.status.value)}</span> '
        f"{escape(c.controle)}</h3><p>{escape(c.titel)} &middot; eisen: "
        + ", ".join(f'<a href="#{escape(e)}">{escape(e)}</a>' for e in c.eisen)
        + f" &middot; {c.duur:.1f} s</p>"
    ]
    if c.reden:
        delen.append(f"<p>{escape(c.reden)}</p>")
    if c.afwijkingen:
        delen.append("<ul>")
        for a in c.afwijkingen:
            delen.append(f"<li><b>{escape(a.eis)}</b> {escape(a.melding)}")
            if a.uitwisseling is not None:
                delen.append(_uitwisseling(c.uitwisselingen[a.uitwisseling]))
            delen.append("</li>")
        delen.append("</ul>")
    return "".join(delen)


def schrijf_html(run: Run, pad: Path) -> None:
    cat = catalogus()
    oordeel = "GESLAAGD" if run.geslaagd else "NIET GESLAAGD"
    regels = [
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>",
        f"<title>Conformancerapport warme doorverwijzing: {escape(run.rol)} {escape(run.doel)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Conformancerapport warme doorverwijzing &middot; rol {escape(run.rol)}</h1>",
        "<table class='meta'>",
        f"<tr><td>Getest</td><td>{escape(run.doel)}</td></tr>",
        f"<tr><td>Begin en einde</td><td>{escape(run.begin.isoformat())} &ndash; {escape(run.einde.isoformat())}</td></tr>",
        f"<tr><td>Kit</td><td>warm-referral-conformance {escape(run.kit_versie)}</td></tr>",
        f"<tr><td>Specificatie</td><td>specVersie {escape(run.specversie)}, eisencatalogus {escape(run.catalogus_versie)}</td></tr>",
        f"<tr><td>Seed</td><td>{run.seed}</td></tr></table>",
        f"<p class='oordeel {'ja' if run.geslaagd else 'nee'}'><b>{oordeel}</b>: {escape(run.samenvatting)}</p>",
        "<h2>Eisen</h2><table><tr><th>eis</th><th>niveau</th><th>uitkomst</th><th>eis en toelichting</th><th>controles</th></tr>",
    ]
    for eis in run.eisen:
        regels.append(
            f"<tr id='{escape(eis.eis)}'><td>{escape(eis.eis)}</td><td>{escape(eis.niveau)}</td>"
            f"<td class='{_klasse(eis.status)}'>{escape(eis.status.value)}"
            + (f" ({eis.afwijkingen})" if eis.afwijkingen else "")
            + f"</td><td>{escape(' '.join(cat[eis.eis].tekst.split()))}"
            + (f"<br><i>{escape(eis.reden)}</i>" if eis.reden else "")
            + "</td><td>"
            + ", ".join(f"<a href='#{escape(n)}'>{escape(n)}</a>" for n in eis.controles)
            + "</td></tr>"
        )
    regels.append("</table><h2>Controles</h2>")
    for gezocht in (Status.GEFAALD, Status.GESLAAGD, Status.NIET_UITGEVOERD):
        regels += [_controle(c) for c in run.controles if c.status is gezocht]
    regels.append("</body></html>")
    pad.write_text("\n".join(regels), encoding="utf-8")
