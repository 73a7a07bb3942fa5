"""Benchmark the lifecycle: table transitions per second, and applying parsed messages to records.

    python bench/bench_lifecycle.py            # print the figures
    python bench/bench_lifecycle.py --check    # also exit 1 below the goals (CI)

Goal: at least 1,000,000 table transitions per second (look-up plus guard), so the state machine is
never what limits a server.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from warm_referral import parse_json
from warm_referral.lifecycle import (
    Afsluiting,
    ContactGestaakt,
    Contactpoging,
    DdasEindresultaat,
    Oppakken,
    Soort,
    StuurOntvangstbevestiging,
    Toestand,
    Verwijzingsdossier,
)
from warm_referral.lifecycle._table import overgang  # the table itself is what is measured
from warm_referral.models import Contactsoort, Dagdeel, Intrekkingsreden, Mijlpaal, Verwijzing

ROOT = Path(__file__).resolve().parent.parent
VOORBEELD = ROOT / "spec" / "v1" / "examples" / "verwijzing-water-afsluitregeling.json"

#: Transitions per second the table must reach (look-up plus guard).
DOEL_TABEL = 1_000_000


def _verwijzing_json() -> bytes:
    return VOORBEELD.read_bytes()


def _werk(dossier: Verwijzingsdossier) -> list[tuple[Toestand, Soort, Any, Any]]:
    """A mix of allowed transitions, most with a guard that has to run."""
    d = dossier.laatste_datum + timedelta(days=1)
    return [
        (Toestand.ONTVANGEN, Soort.OPPAKKEN, dossier, Oppakken(d)),
        (
            Toestand.OPGEPAKT,
            Soort.CONTACTPOGING_BEREIKT,
            dossier,
            Contactpoging(d, Contactsoort.TELEFOON, Dagdeel.OCHTEND, True),
        ),
        (
            Toestand.HULP_AANGEBODEN,
            Soort.AFSLUITEN,
            dossier,
            Afsluiting(d, DdasEindresultaat.VERVOLGHULP_FINANCIEEL),
        ),
        (Toestand.CONTACTPOGINGEN, Soort.CONTACT_GESTAAKT, dossier, ContactGestaakt(d)),
        # The guards read only these members of the messages.
        (
            Toestand.ONTVANGEN,
            Soort.INTREKKING,
            dossier,
            SimpleNamespace(reden=Intrekkingsreden.BETAALD),
        ),
        (Toestand.AFGESLOTEN, Soort.BETAALGEDRAGMELDING, dossier, None),
        (Toestand.BEREIKT, Soort.INCASSOSTOP_AFGELOPEN, dossier, None),
        (
            Toestand.OPGEPAKT,
            Soort.STATUS_OPGEPAKT,
            dossier,
            SimpleNamespace(mijlpaal=Mijlpaal.OPGEPAKT),
        ),
    ]


def _tabel_per_seconde(dossier: Verwijzingsdossier, rondes: int) -> float:
    werk = _werk(dossier)
    stap = overgang
    begin = time.perf_counter()
    for _ in range(rondes):
        for toestand, soort, feiten, g in werk:
            stap(toestand, soort, feiten, g, van_peer=True)
    duur = time.perf_counter() - begin
    return rondes * len(werk) / duur


def _per_seconde(doe: Callable[[], object], aantal: int) -> float:
    begin = time.perf_counter()
    for _ in range(aantal):
        doe()
    return aantal / (time.perf_counter() - begin)


def meet(schaal: float = 1.0) -> dict[str, float]:
    """Every figure, in operations per second; ``schaal`` shrinks the runs (for smoke tests)."""
    data = _verwijzing_json()
    verwijzing = parse_json(data)
    assert isinstance(verwijzing, Verwijzing)
    ontvangen = verwijzing.aangemaakt_op + timedelta(minutes=1)
    gemeente, _ = Verwijzingsdossier.voor_gemeente(verwijzing, ontvangen)  # warms the calendar
    n = max(1, int(20_000 * schaal))

    def parse_en_open() -> object:
        v = parse_json(data)
        return Verwijzingsdossier.voor_gemeente(v, ontvangen)  # type: ignore[arg-type]

    return {
        "tabel: overgangen/s (look-up + guard)": _tabel_per_seconde(
            gemeente, max(1, int(250_000 * schaal))
        ),
        "Verwijzing (al geparsed) -> dossier gemeente/s": _per_seconde(
            lambda: Verwijzingsdossier.voor_gemeente(verwijzing, ontvangen), n
        ),
        "Verwijzing (al geparsed) -> dossier schuldeiser/s": _per_seconde(
            lambda: Verwijzingsdossier.voor_schuldeiser(verwijzing), n
        ),
        "JSON parsen + dossier gemeente/s": _per_seconde(parse_en_open, max(1, n // 4)),
        "dossier.registreer(Contactpoging)/s": _contactpogingen_per_seconde(verwijzing, n),
    }


def _contactpogingen_per_seconde(verwijzing: Verwijzing, n: int) -> float:
    """A whole record step: role check, table, handler, effects."""
    ontvangen = verwijzing.aangemaakt_op + timedelta(minutes=1)
    gemeente, wijziging = Verwijzingsdossier.voor_gemeente(verwijzing, ontvangen)
    bevestiging = wijziging.effecten[0]
    assert isinstance(bevestiging, StuurOntvangstbevestiging)
    gemeente.verstuur(
        bevestiging.als_bericht(
            afzender=verwijzing.ontvanger,
            ontvanger=verwijzing.afzender,
            conversatie_id=gemeente.conversatie_id,
            nu=ontvangen,
        )
    )
    d: date = gemeente.laatste_datum
    poging = Contactpoging(d, Contactsoort.TELEFOON, Dagdeel.MIDDAG, False)
    gemeente.registreer(poging)  # now in "contact attempts": every next one is a self-loop
    return _per_seconde(lambda: gemeente.registreer(poging), n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help=f"exit 1 below {DOEL_TABEL:,}/s")
    parser.add_argument("--schaal", type=float, default=1.0, help="shrink (<1) or grow the runs")
    args = parser.parse_args(argv)
    cijfers = meet(args.schaal)
    breedte = max(map(len, cijfers))
    for naam, waarde in cijfers.items():
        print(f"{naam:<{breedte}}  {waarde:>14,.0f}")
    tabel = cijfers["tabel: overgangen/s (look-up + guard)"]
    print(
        f"python {sys.version.split()[0]}, {datetime.now(timezone.utc):%Y-%m-%d}; goal {DOEL_TABEL:,}/s"
    )
    if args.check and tabel < DOEL_TABEL:
        print(f"FAIL: the table reached {tabel:,.0f}/s, below {DOEL_TABEL:,}/s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
