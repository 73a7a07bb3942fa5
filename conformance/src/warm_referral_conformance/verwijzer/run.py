"""Role verwijzer: start the double, tell the vendor what to send per scenario, run the checks.

The instructions go to the terminal, and, with ``--opdracht-commando``, to a command the kit starts
per scenario (environment: WD_SCENARIO, WD_OPDRACHT, WD_URL), so a vendor's CI can drive its own
sender unattended. The self-test drives the reference sender the same way.
"""

from __future__ import annotations

import argparse
import os
import shlex
import ssl
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from warm_referral.cli import UsageError

from ..catalogus import Rol
from ..register import Controle, controles_voor
from ..resultaten import Run
from ..runner import Selectie, bouw_run, voer_uit
from .context import Opdracht, Verwijzercontext
from .dubbel import Dubbel

if TYPE_CHECKING:
    from warm_referral.ondertekening import Vertrouwensankers

__all__ = ["draai_verwijzer", "draai_verwijzer_tegen"]


def draai_verwijzer_tegen(
    dubbel: Dubbel,
    opdracht: Opdracht,
    *,
    wacht: float = 60.0,
    observatie: float = 8.0,
    selectie: Selectie | None = None,
    vrijstellingen: dict[str, Any] | None = None,
    limiet: float = 300.0,
    voortgang: Callable[..., None] | None = None,
    seed: int = 0,
) -> Run:
    """Run every verwijzer check against the sender behind ``opdracht`` (the double must run)."""
    selectie = selectie or Selectie()
    begin = datetime.now(timezone.utc)
    controles = controles_voor(Rol.VERWIJZER)
    resultaten = voer_uit(
        controles,
        lambda c: Verwijzercontext(c, dubbel, opdracht, wacht, observatie),  # type: ignore[arg-type,return-value]
        lambda c: None,
        limiet=limiet,
        selectie=selectie,
        voortgang=voortgang,
    )
    return bouw_run(
        rol=Rol.VERWIJZER,
        doel=dubbel.url,
        begin=begin,
        resultaten=resultaten,
        selectie=selectie,
        vrijstellingen=vrijstellingen or {},
        seed=seed,
        alle_controles=controles,
    )


def _ssl(args: argparse.Namespace) -> ssl.SSLContext | None:
    if args.tls_cert is None:
        if args.tls_ca is not None:
            raise UsageError("--tls-ca needs --tls-cert and --tls-key")
        return None
    if args.tls_key is None:
        raise UsageError("--tls-cert needs --tls-key")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(args.tls_cert), str(args.tls_key))
    if args.tls_ca is not None:
        context.load_verify_locations(str(args.tls_ca))
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def _vertrouwd(args: argparse.Namespace) -> Vertrouwensankers | None:
    if not args.vertrouwd:
        return None
    from warm_referral.ondertekening import SigningSetupError, laad_vertrouwensankers

    try:
        return laad_vertrouwensankers(*args.vertrouwd)
    except SigningSetupError as exc:
        raise UsageError(f"--vertrouwd: {exc}") from None


def draai_verwijzer(
    args: argparse.Namespace, selectie: Selectie, vrijstellingen: dict[str, Any], seed: int
) -> Run:
    from ..cli import _partij

    if not args.listen or ":" not in args.listen:
        raise UsageError("--rol verwijzer needs --listen HOST:PORT")
    host, _, poort = args.listen.rpartition(":")
    if not poort.isdigit():
        raise UsageError(f"--listen {args.listen}: the port is not a number")
    gemeente = _partij(args.gemeente, "--gemeente", gemeente=True)
    dubbel = Dubbel(
        host,
        int(poort),
        gemeente,
        ssl_context=_ssl(args),
        vertraging=args.vertraging,
        vertrouwd=_vertrouwd(args),
    )
    dubbel.start()
    processen: list[subprocess.Popen[bytes]] = []

    def opdracht(scenario: str, tekst: str) -> None:
        print(
            f"\n[{scenario}] {tekst}\n  (de dubbel luistert op {dubbel.url})",
            file=sys.stderr,
            flush=True,
        )
        if args.opdracht_commando:
            env = {
                **os.environ,
                "WD_SCENARIO": scenario,
                "WD_OPDRACHT": tekst,
                "WD_URL": dubbel.url,
            }
            processen.append(subprocess.Popen(shlex.split(args.opdracht_commando), env=env))

    def regel(controle: Controle, resultaat: Any) -> None:
        if resultaat is not None:
            print(
                f"{resultaat.status.value:>15} {controle.naam} ({resultaat.duur:.1f} s)",
                file=sys.stderr,
                flush=True,
            )

    try:
        return draai_verwijzer_tegen(
            dubbel,
            opdracht,
            wacht=args.wacht,
            observatie=min(8.0, args.wacht),
            selectie=selectie,
            vrijstellingen=vrijstellingen,
            limiet=args.timeout,
            voortgang=regel,
            seed=seed,
        )
    finally:
        for proces in processen:
            if proces.poll() is None:
                proces.terminate()
        dubbel.stop()
