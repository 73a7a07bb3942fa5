"""The terminal view: a progress bar while checks run, then a summary per requirement (MOET and
ZOU apart) and every failure with its curl command."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..catalogus import catalogus
from ..register import Controle
from ..resultaten import Controleresultaat, Run, Status

__all__ = ["Voortgangsbalk", "druk_samenvatting"]

_KLEUR = {
    Status.GESLAAGD: "green",
    Status.GEFAALD: "red",
    Status.NIET_UITGEVOERD: "yellow",
    Status.VRIJGESTELD: "cyan",
}


class Voortgangsbalk:
    """A rich progress bar over the checks (quiet when the output is not a terminal)."""

    def __init__(self, totaal: int, console: Console) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._taak = self._progress.add_task("controles", total=totaal)

    def __enter__(self) -> Voortgangsbalk:
        self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._progress.stop()

    def __call__(self, controle: Controle, resultaat: Controleresultaat | None) -> None:
        if resultaat is None:
            self._progress.update(self._taak, description=controle.naam)
            return
        self._progress.advance(self._taak)
        kleur = _KLEUR[resultaat.status]
        self._progress.console.print(
            f"[{kleur}]{resultaat.status.value:>15}[/] {controle.naam} ({resultaat.duur:.1f} s)"
            + (f" - {resultaat.reden}" if resultaat.reden else "")
        )


def druk_samenvatting(run: Run, uit: TextIO | None = None, *, details: bool = True) -> None:
    console = Console(file=uit, highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = 140
    cat = catalogus()
    tabel = Table(title=f"Eisen ({run.rol}): {run.doel}", show_lines=False)
    for kolom in ("eis", "niveau", "uitkomst", "afwijkingen", "toelichting"):
        tabel.add_column(kolom)
    for groep in (True, False):
        for eis in run.eisen:
            if cat[eis.eis].niveau.verplicht != groep:
                continue
            kleur = _KLEUR[eis.status]
            tabel.add_row(
                eis.eis,
                eis.niveau,
                f"[{kleur}]{eis.status.value}[/]",
                str(eis.afwijkingen or ""),
                (eis.reden or "")[:70],
            )
        if groep:
            tabel.add_section()
    console.print(tabel)
    if details:
        for controle in run.controles:
            if controle.status is not Status.GEFAALD:
                continue
            console.print(f"\n[red bold]GEFAALD[/] {controle.controle}: {controle.titel}")
            for afwijking in controle.afwijkingen:
                console.print(f"  [red]{afwijking.eis}[/] {afwijking.melding}", markup=True)
                if afwijking.uitwisseling is not None:
                    u = controle.uitwisselingen[afwijking.uitwisseling]
                    console.print(f"    {u.methode} {u.url} -> {u.status or u.fout}", markup=False)
                    console.print(f"    {u.curl[:400]}", markup=False)
    kleur = "green" if run.geslaagd else "red"
    console.print(
        f"\n[{kleur} bold]{'GESLAAGD' if run.geslaagd else 'NIET GESLAAGD'}[/]: {run.samenvatting}"
    )
