"""Role ontvanger: build the target from the options, find out what it offers (operator, test
clock), run the checks, and return the Run."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

from rich.console import Console

from warm_referral.cli import UsageError

from .catalogus import Rol
from .context import Controlecontext, Deelnemer, Doelwit, Klok, grondslagen_uit, soorten_uit
from .http import Verbindingen
from .ondertekening import Handtekeningen
from .register import Controle, controles_voor
from .resultaten import Run
from .runner import Selectie, bouw_run, voer_uit

__all__ = ["doelwit_uit", "draai_ontvanger", "draai_tegen"]


def doelwit_uit(args: argparse.Namespace, seed: int) -> Doelwit:
    from .cli import _partij, _toegang

    if not args.url:
        raise UsageError("--rol ontvanger needs --url (the API's base URL, e.g. https://host/v1)")
    toegang = _toegang(args.token, args.cert, args.key, "--token/--cert/--key")
    if toegang is None:
        raise UsageError("give the creditor's credentials: --token, or --cert and --key")
    try:
        soorten = soorten_uit(args.soort_verwijzer) if args.soort_verwijzer else None
    except ValueError as exc:
        raise UsageError(f"--soort-verwijzer: {exc}") from None
    try:
        gronden = grondslagen_uit(args.grondslag) if args.grondslag else None
    except ValueError as exc:
        raise UsageError(f"--grondslag: {exc}") from None
    schuldeiser = Deelnemer(_partij(args.afzender, "--afzender"), toegang, soorten, gronden)
    tweede = None
    tweede_toegang = _toegang(
        args.tweede_token,
        args.tweede_cert,
        args.tweede_key,
        "--tweede-token/--tweede-cert/--tweede-key",
    )
    if tweede_toegang is not None:
        tweede = Deelnemer(_partij(args.tweede_afzender, "--tweede-afzender"), tweede_toegang)
    return Doelwit(
        url=args.url.rstrip("/"),
        schuldeiser=schuldeiser,
        gemeente=_partij(args.gemeente, "--gemeente", gemeente=True),
        tweede=tweede,
        operator=_toegang(
            args.operator_token,
            args.operator_cert,
            args.operator_key,
            "--operator-token/--operator-cert/--operator-key",
        ),
        ca=args.ca,
        vreemde_gemeentecode=args.vreemde_gemeentecode,
        adresboek=_adresboek(args),
        gemeente_zonder_afspraak=_partij(
            args.gemeente_zonder_afspraak, "--gemeente-zonder-afspraak", gemeente=True
        )
        if args.gemeente_zonder_afspraak
        else None,
        handtekeningen=Handtekeningen(args.handtekeningen or "geen"),
        http_timeout=args.http_timeout,
        voorbeelden=args.voorbeelden,
        seed=seed,
    )


def _adresboek(args: argparse.Namespace) -> Any:
    """The address book the receiver uses, verified as every reader must (or None)."""
    if args.adresboek is None and args.adresboek_sleutels is None:
        return None
    if args.adresboek is None or args.adresboek_sleutels is None:
        raise UsageError("--adresboek and --adresboek-sleutels go together")
    from warm_referral.adresboek import AdresboekError, laad_adresboek, laad_sleutelbos

    try:
        return laad_adresboek(args.adresboek.read_bytes(), laad_sleutelbos(args.adresboek_sleutels))
    except OSError as exc:
        raise UsageError(f"--adresboek: {exc}") from None
    except AdresboekError as exc:
        raise UsageError(f"--adresboek {args.adresboek}: refused: {exc}") from None


def _testklok(doelwit: Doelwit, verbindingen: Verbindingen) -> datetime | None:
    """The implementation's test clock, when it offers one to this operator."""
    if doelwit.operator is None:
        return None
    import httpx

    from .ontvanger.termijnen import lees_testklok

    pool = verbindingen.pool(doelwit.operator)
    headers = (
        {"Authorization": f"Bearer {doelwit.operator.token}"} if doelwit.operator.token else {}
    )
    try:
        return lees_testklok(lambda: pool.get(f"{doelwit.url}/testklok", headers=headers))
    except httpx.HTTPError:
        return None


def draai_tegen(
    doelwit: Doelwit,
    *,
    selectie: Selectie | None = None,
    vrijstellingen: dict[str, Any] | None = None,
    limiet: float = 180.0,
    voortgang: Any = None,
    controles: list[Controle] | None = None,
) -> Run:
    """Run the ontvanger checks against ``doelwit`` (the CLI and the self-test both use this)."""
    selectie = selectie or Selectie()
    begin = datetime.now(timezone.utc)
    verbindingen = Verbindingen(doelwit.ca, doelwit.http_timeout)
    klok = Klok()
    try:
        testklok = _testklok(doelwit, verbindingen)
        if testklok is not None and abs(testklok - begin) > timedelta(minutes=1):
            klok.zet(testklok)

        def kan(controle: Controle) -> str | None:
            if controle.operator and doelwit.operator is None:
                return "geen operator opgegeven (--operator-token of --operator-cert)"
            if controle.tweede_schuldeiser and doelwit.tweede is None:
                return "geen tweede schuldeiser opgegeven (--tweede-token of --tweede-cert)"
            if controle.testklok and testklok is None:
                return "geen testklok (GET /testklok gaf de operator geen 200)"
            return None

        alle = controles if controles is not None else controles_voor(Rol.ONTVANGER)
        resultaten = voer_uit(
            alle,
            lambda c: Controlecontext(c, doelwit, verbindingen, klok),
            kan,
            limiet=limiet,
            selectie=selectie,
            voortgang=voortgang,
        )
    finally:
        verbindingen.sluit()
    return bouw_run(
        rol=Rol.ONTVANGER,
        doel=doelwit.url,
        begin=begin,
        resultaten=resultaten,
        selectie=selectie,
        vrijstellingen=vrijstellingen or {},
        seed=doelwit.seed,
        alle_controles=controles_voor(Rol.ONTVANGER),
    )


def draai_ontvanger(
    args: argparse.Namespace, selectie: Selectie, vrijstellingen: dict[str, Any], seed: int
) -> Run:
    from .rapport import Voortgangsbalk

    doelwit = doelwit_uit(args, seed)
    console = Console(file=sys.stderr)
    aantal = sum(
        1 for c in controles_voor(Rol.ONTVANGER) if any(selectie.gekozen(e) for e in c.eisen)
    )
    if args.stil or not console.is_terminal:
        return draai_tegen(
            doelwit,
            selectie=selectie,
            vrijstellingen=vrijstellingen,
            limiet=args.timeout,
            voortgang=_regel,
        )
    with Voortgangsbalk(aantal, console) as balk:
        return draai_tegen(
            doelwit,
            selectie=selectie,
            vrijstellingen=vrijstellingen,
            limiet=args.timeout,
            voortgang=balk,
        )


def _regel(controle: Controle, resultaat: Any) -> None:
    if resultaat is not None:
        reden = f" - {resultaat.reden}" if resultaat.reden else ""
        print(
            f"{resultaat.status.value:>15} {controle.naam} ({resultaat.duur:.1f} s){reden}",
            file=sys.stderr,
            flush=True,
        )
