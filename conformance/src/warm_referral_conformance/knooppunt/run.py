"""Role knooppunt: run the checks against a knooppunt's REST binding.

    warm-referral conformance run --rol knooppunt --url https://knooppunt/v1 \\
        --afzender '{"naam": "...", "oin": "..."}' --token T \\
        --ontvanger '{"naam": "...", "oin": "..."}' --ontvanger-token T2 \\
        [--tweede-afzender '{"naam": "...", "oin": "..."}' --tweede-token T3] [--profiel schuldenknooppunt]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from warm_referral.cli import UsageError

from ..catalogus import Rol
from ..context import Klok
from ..http import Verbindingen
from ..register import Controle, controles_voor
from ..resultaten import Run
from ..runner import Selectie, bouw_run, voer_uit
from .context import Knooppuntcontext, Knooppuntdoelwit, Postbushouder

__all__ = ["draai_knooppunt", "draai_knooppunt_tegen"]


def draai_knooppunt_tegen(
    doelwit: Knooppuntdoelwit,
    *,
    selectie: Selectie | None = None,
    vrijstellingen: dict[str, Any] | None = None,
    limiet: float = 180.0,
    voortgang: Callable[..., None] | None = None,
) -> Run:
    """Run every knooppunt check against ``doelwit``; the test-clock check last."""
    selectie = selectie or Selectie()
    begin = datetime.now(timezone.utc)
    controles = controles_voor(Rol.KNOOPPUNT)
    verbindingen = Verbindingen(doelwit.ca, doelwit.http_timeout)
    klok = Klok()
    try:
        resultaten = voer_uit(
            controles,
            lambda c: Knooppuntcontext(c, doelwit, verbindingen, klok),
            lambda c: None,
            limiet=limiet,
            selectie=selectie,
            voortgang=voortgang,
        )
    finally:
        verbindingen.sluit()
    return bouw_run(
        rol=Rol.KNOOPPUNT,
        doel=doelwit.url,
        begin=begin,
        resultaten=resultaten,
        selectie=selectie,
        vrijstellingen=vrijstellingen or {},
        seed=doelwit.seed,
        alle_controles=controles,
    )


def draai_knooppunt(
    args: argparse.Namespace, selectie: Selectie, vrijstellingen: dict[str, Any], seed: int
) -> Run:
    from warm_referral.knooppunt import PROFIELEN

    from ..cli import _partij, _toegang

    if not args.url:
        raise UsageError("--rol knooppunt needs --url (the knooppunt's base URL)")
    if args.profiel not in PROFIELEN:
        raise UsageError(f"--profiel {args.profiel!r}: known profiles are {sorted(PROFIELEN)}")

    def houder(partij: str | None, optie: str, toegang: Any) -> Postbushouder:
        gevonden = _partij(partij, optie)
        if gevonden.oin is None:
            raise UsageError(f"{optie} needs an oin: the knooppunt routes by OIN")
        if toegang is None:
            raise UsageError(f"{optie}: give its token or client certificate")
        return Postbushouder(gevonden.oin, toegang)

    afzender = houder(
        args.afzender, "--afzender", _toegang(args.token, args.cert, args.key, "--token")
    )
    ontvanger = houder(
        args.ontvanger,
        "--ontvanger",
        _toegang(
            args.ontvanger_token, args.ontvanger_cert, args.ontvanger_key, "--ontvanger-token"
        ),
    )
    derde_toegang = _toegang(args.tweede_token, args.tweede_cert, args.tweede_key, "--tweede-token")
    derde = (
        houder(args.tweede_afzender, "--tweede-afzender", derde_toegang)
        if args.tweede_afzender or derde_toegang
        else None
    )
    doelwit = Knooppuntdoelwit(
        url=args.url,
        afzender=afzender,
        ontvanger=ontvanger,
        derde=derde,
        profiel=args.profiel,
        ca=args.ca,
        http_timeout=args.http_timeout,
        seed=seed,
    )

    def regel(controle: Controle, resultaat: Any) -> None:
        if resultaat is not None and not args.stil:
            print(f"{resultaat.status.value:>15} {controle.naam} ({resultaat.duur:.1f} s)")

    return draai_knooppunt_tegen(
        doelwit,
        selectie=selectie,
        vrijstellingen=vrijstellingen,
        limiet=args.timeout,
        voortgang=regel,
    )
