"""``warm-referral send FILE... --to URL`` and ``warm-referral serve sender``.

``send`` validates every file first (nothing is stored when any is invalid, and every violation is
listed), stores them in the outbox in one transaction, then sends until each is acknowledged or
refused, or until ``--opgeven-na`` seconds have passed: what is still pending then stays in the
outbox, and a later ``send`` or ``serve sender`` on the same ``--db`` continues with it.
``serve sender`` runs the outbox and fetches the postvak until stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warm_referral.cli import EXIT_INVALID, EXIT_OK, UsageError

if TYPE_CHECKING:
    from warm_referral.models import Bericht
    from warm_referral.ondertekening import Certificaatsleutel

    from .client import Verzender
    from .outbox import Outbox, Uitgaand

__all__ = ["DEFAULT_DB", "register_send", "serve_sender"]

DEFAULT_DB = "warm-referral-verzender.sqlite3"


def _gemeenschappelijk(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="the receiver's base URL, e.g. http://127.0.0.1:8080/v1",
    )
    parser.add_argument(
        "--token",
        help="bearer token (development mode); default: the built-in "
        "development token of the files' afzender (send) or dev-evides (serve)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(DEFAULT_DB),
        help=f"the outbox and inbox (SQLite, default {DEFAULT_DB})",
    )
    parser.add_argument(
        "--gelijktijdig",
        type=int,
        default=16,
        metavar="N",
        help="messages in flight at once (default 16)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="per HTTP request (default 10)",
    )
    parser.add_argument(
        "--deelnemersregister",
        type=Path,
        metavar="FILE",
        help="the participants register: hold each Verwijzing to the creditor's registration and "
        "agreement profile before storing it (refused locally, nothing sent)",
    )
    parser.add_argument(
        "--spec-versies",
        metavar="1.0,1.1",
        help="the specVersie values the receiver accepts (its endpoint in the address book): "
        "messages are restamped for it, and nothing 1.1 added goes to a 1.0 receiver",
    )
    parser.add_argument(
        "--onderteken-sleutel",
        type=Path,
        help="sign every message (nlgov-adr-payload-sig) with this private key (PEM); not the "
        "TLS key",
    )
    parser.add_argument(
        "--onderteken-keten",
        type=Path,
        help="the signing certificate and its intermediates (PEM), the x5c chain",
    )
    route = parser.add_argument_group(
        "the route through a knooppunt (--to is then the knooppunt's base URL)"
    )
    route.add_argument(
        "--via-knooppunt",
        action="store_true",
        help="seal each message to the recipient's key and deliver it to the knooppunt; the "
        "inbox is our mailbox there (needs the four options below and --onderteken-*)",
    )
    route.add_argument("--adresboek", type=Path, metavar="JWS", help="the signed address book")
    route.add_argument(
        "--adresboek-sleutels", type=Path, metavar="JWKS", help="NVVK's keys (the trust list)"
    )
    route.add_argument(
        "--ontsleutelsleutel",
        type=Path,
        action="append",
        metavar="JWK",
        help="our private decryption key (repeat during a key change)",
    )
    route.add_argument(
        "--vertrouwd",
        type=Path,
        action="append",
        metavar="PEM",
        help="trusted root certificate(s) of the municipalities' signatures",
    )
    parser.add_argument("--tls-cert", type=Path, help="client certificate (PEM), production")
    parser.add_argument("--tls-key", type=Path, help="its private key (PEM)")
    parser.add_argument(
        "--tls-ca", type=Path, help="CA bundle the receiver's certificate chains to"
    )


def register_send(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "send",
        help="send messages to a receiver through the durable outbox",
        description="Send warm-referral messages (JSON or XML files) as the creditor. Each is "
        "stored in the outbox first, then sent and retried with the same berichtId until the "
        "receiver acknowledges or refuses it. Exit 0 when all are acknowledged, 1 when a file is "
        "invalid, a message is refused or still pending at the end, 2 on a usage error.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    _gemeenschappelijk(parser)
    parser.add_argument(
        "--opgeven-na",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="stop retrying after this long; pending messages stay in the outbox (default 60)",
    )
    parser.add_argument(
        "--opnieuw",
        action="store_true",
        help="send again messages of these files that were refused before",
    )
    parser.add_argument(
        "--alleen-opslaan",
        action="store_true",
        help="only store them in the outbox; 'serve sender' sends them",
    )
    parser.set_defaults(handler=_send)


def _lees(naam: str) -> bytes:
    try:
        return Path(naam).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {naam}: {exc.strerror or exc}") from None


def _client_opties(args: argparse.Namespace) -> dict[str, Any]:
    opties: dict[str, Any] = {}
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            raise UsageError("--tls-cert and --tls-key go together")
        opties["cert"] = (str(args.tls_cert), str(args.tls_key))
    if args.tls_ca:
        opties["verify"] = str(args.tls_ca)
    return opties


def _ondertekening(args: argparse.Namespace) -> Certificaatsleutel | None:
    if not (args.onderteken_sleutel or args.onderteken_keten):
        return None
    if not (args.onderteken_sleutel and args.onderteken_keten):
        raise UsageError("--onderteken-sleutel and --onderteken-keten go together")
    from warm_referral.ondertekening import SigningSetupError, laad_certificaatsleutel

    try:
        return laad_certificaatsleutel(args.onderteken_sleutel, args.onderteken_keten)
    except SigningSetupError as exc:
        raise UsageError(str(exc)) from None


def _dev_token(berichten: list[Bericht]) -> str:
    from ..deelnemers import dev_deelnemer_voor

    tokens = set()
    for bericht in berichten:
        gevonden = dev_deelnemer_voor(bericht.afzender)
        if gevonden is None or gevonden.token is None:
            raise UsageError(
                f"no development token for afzender {bericht.afzender.naam!r}; give --token"
            )
        tokens.add(gevonden.token)
    if len(tokens) > 1:
        raise UsageError(
            "the files come from several creditors; send each creditor's files with its own --token"
        )
    return tokens.pop()


def _verzender(args: argparse.Namespace, outbox: Outbox, token: str | None) -> Verzender:
    from .client import Verzender

    if args.gelijktijdig < 1:
        raise UsageError("--gelijktijdig must be at least 1")
    register = None
    if args.deelnemersregister is not None:
        from warm_referral.afsprakenstelsel import InvalidRegister, lees_deelnemersregister

        try:
            register = lees_deelnemersregister(
                _lees(str(args.deelnemersregister)), bron=str(args.deelnemersregister)
            )
        except InvalidRegister as exc:
            raise UsageError(str(exc)) from None
    versies = None
    if args.spec_versies:
        versies = [v.strip() for v in args.spec_versies.split(",") if v.strip()]
    opties: dict[str, Any] = {
        "token": token,
        "gelijktijdig": args.gelijktijdig,
        "timeout": args.timeout,
        "client_opties": _client_opties(args),
        "register": register,
        "spec_versies": versies,
    }
    if args.via_knooppunt:
        return _knooppuntverzender(args, outbox, opties)
    return Verzender(outbox, args.to, ondertekening=_ondertekening(args), **opties)


def _knooppuntverzender(
    args: argparse.Namespace, outbox: Outbox, opties: dict[str, Any]
) -> Verzender:
    from datetime import date

    from warm_referral.adresboek import AdresboekError, laad_adresboek, laad_sleutelbos
    from warm_referral.errors import WarmReferralError
    from warm_referral.knooppunt import laad_ontsleutelsleutels
    from warm_referral.ondertekening import laad_vertrouwensankers

    from .knooppunt import Knooppuntverzender

    ontbreekt = [
        optie
        for optie, waarde in (
            ("--adresboek", args.adresboek),
            ("--adresboek-sleutels", args.adresboek_sleutels),
            ("--ontsleutelsleutel", args.ontsleutelsleutel),
            ("--vertrouwd", args.vertrouwd),
            ("--onderteken-sleutel", args.onderteken_sleutel),
        )
        if not waarde
    ]
    if ontbreekt:
        raise UsageError(f"--via-knooppunt needs {', '.join(ontbreekt)}")
    ondertekening = _ondertekening(args)
    assert ondertekening is not None
    try:
        boek = laad_adresboek(
            _lees(str(args.adresboek)), laad_sleutelbos(args.adresboek_sleutels), op=date.today()
        )
        sleutels = laad_ontsleutelsleutels(*args.ontsleutelsleutel)
        vertrouwd = laad_vertrouwensankers(*args.vertrouwd)
    except (AdresboekError, WarmReferralError) as exc:
        raise UsageError(str(exc)) from None
    return Knooppuntverzender(
        outbox,
        args.to,
        adresboek=boek,
        ondertekening=ondertekening,
        ontsleutelsleutels=sleutels,
        vertrouwd=vertrouwd,
        **opties,
    )


def _send(args: argparse.Namespace) -> int:
    from warm_referral.codec.detect import parse_any
    from warm_referral.errors import MessageValidationError, PeerVersionError
    from warm_referral.models import Richting

    from .errors import OutboxError, SenderError

    berichten: list[Bericht] = []
    ongeldig = False
    for naam in args.files:
        try:
            bericht = parse_any(_lees(naam))
        except MessageValidationError as exc:
            ongeldig = True
            n = len(exc.violations)
            print(f"{naam}: INVALID ({n} violation{'s' if n != 1 else ''}); nothing was sent")
            for v in exc.violations:
                print(f"  {v.pointer or '/'}: {v.melding} [{v.code}]")
            continue
        if bericht.richting is Richting.NAAR_SCHULDEISER:
            ongeldig = True
            print(f"{naam}: a {bericht.berichttype} is sent by the municipality, not by a creditor")
            continue
        berichten.append(bericht)
    if ongeldig:
        return EXIT_INVALID
    # With a client certificate (production) the certificate identifies us, not a token.
    token = args.token or (None if args.tls_cert else _dev_token(berichten))
    try:
        from .outbox import Outbox

        outbox = Outbox(args.db)
    except OutboxError as exc:
        print(f"warm-referral send: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        verzender = _verzender(args, outbox, token)
        return asyncio.run(_send_async(args, verzender, berichten))
    except (SenderError, OutboxError, PeerVersionError) as exc:
        print(f"warm-referral send: {exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        outbox.sluit()


async def _send_async(
    args: argparse.Namespace, verzender: Verzender, berichten: list[Bericht]
) -> int:
    from warm_referral.lifecycle import InvalidTransition

    from .outbox import Status

    async with verzender:
        try:
            rijen = await verzender.enqueue_alle(berichten, opnieuw=args.opnieuw)
        except InvalidTransition as exc:
            print(
                f"warm-referral send: not sent, the referral's lifecycle does not allow it: {exc}",
                file=sys.stderr,
            )
            return EXIT_INVALID
        if args.alleen_opslaan:
            for naam, rij in zip(args.files, rijen, strict=True):
                print(
                    f"{naam}: {rij.berichttype} {rij.bericht_id} stored in {args.db} "
                    f"({rij.status.value})"
                )
            return EXIT_OK
        rapport = await verzender.verzend_alles(opgeven_na=args.opgeven_na)
        code = EXIT_OK
        for naam, rij in zip(args.files, rijen, strict=True):
            nu = verzender.outbox.uitgaand(rij.bericht_id)
            assert nu is not None
            print(f"{naam}: {_regel(nu)}")
            if nu.status is not Status.ACKNOWLEDGED:
                code = EXIT_INVALID
        if rapport.openstaand:
            print(
                f"warm-referral send: {verzender.url} did not acknowledge everything within "
                f"{args.opgeven_na:g}s ({rapport.mislukt} failed attempts; last: "
                f"{rapport.laatste_fout}). The pending messages stay in {args.db}; run send "
                "again or 'warm-referral serve sender' to continue.",
                file=sys.stderr,
            )
        return code


def _regel(rij: Uitgaand) -> str:
    from .outbox import Status

    kop = f"{rij.berichttype} {rij.bericht_id}"
    if rij.status is Status.REFUSED:
        return f"{kop} REFUSED after {rij.pogingen} attempt(s): {rij.laatste_fout}"
    if rij.status is Status.PENDING:
        return (
            f"{kop} still PENDING after {rij.pogingen} attempt(s); last error: {rij.laatste_fout}"
        )
    tekst = f"{kop} acknowledged ({rij.antwoord_status}) after {rij.pogingen} attempt(s)"
    if rij.antwoord and rij.antwoord_status == 201:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            data = json.loads(rij.antwoord)
            from warm_referral import AMSTERDAM, parse_tijdstip

            deadline = parse_tijdstip(data["contactdeadline"])

            stop = data["incassostop"]
            tekst += (
                f"; contact by {deadline.astimezone(AMSTERDAM):%Y-%m-%d %H:%M} "
                f"(Europe/Amsterdam), incassostop {stop['ingangsdatum']} to "
                f"{stop['einddatum']}"
            )
    return tekst


# --- the service ----------------------------------------------------------------------------------


def add_serve_sender_arguments(parser: argparse.ArgumentParser) -> None:
    _gemeenschappelijk(parser)
    parser.add_argument(
        "--postvak-interval",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="seconds between postvak fetches (default 10)",
    )


def serve_sender(args: argparse.Namespace) -> int:
    from .errors import OutboxError, SenderError
    from .outbox import Outbox

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr
    )
    try:
        outbox = Outbox(args.db)
    except OutboxError as exc:
        print(f"warm-referral serve sender: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        token = args.token or (None if args.tls_cert else "dev-evides")
        verzender = _verzender(args, outbox, token)
        print(
            f"warm-referral sender: outbox {args.db}, receiver {verzender.url}; Ctrl-C stops",
            file=sys.stderr,
        )
        asyncio.run(_serve(verzender, args.postvak_interval))
    except SenderError as exc:
        print(f"warm-referral serve sender: {exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        outbox.sluit()
    return EXIT_OK


async def _serve(verzender: Verzender, postvak_interval: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    async with verzender:
        await verzender.draai(stop, postvak_interval=postvak_interval)
