"""``warm-referral serve knooppunt``: the reference knooppunt (registered by
:mod:`warm_referral_reference.cli`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warm_referral.cli import EXIT_INVALID, EXIT_OK, UsageError

__all__ = ["DEFAULT_DB", "add_serve_knooppunt_arguments", "serve_knooppunt"]

DEFAULT_DB = "warm-referral-knooppunt.sqlite3"


def add_serve_knooppunt_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=Path(DEFAULT_DB), help=f"SQLite file (default {DEFAULT_DB})"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--config", type=Path, help="participants (JSON, as for the receiver)")
    parser.add_argument(
        "--profiel",
        default="schuldenknooppunt",
        help="the knooppunt profile: how many werkdagen an unconfirmed envelope is kept "
        "(default schuldenknooppunt: 5)",
    )
    parser.add_argument(
        "--productie",
        action="store_true",
        help="production mode: mutual TLS required, OIN from the client certificate, no test clock",
    )
    parser.add_argument("--tls-cert", type=Path, help="server certificate (PEM)")
    parser.add_argument("--tls-key", type=Path, help="server private key (PEM)")
    parser.add_argument("--tls-ca", type=Path, help="CA bundle client certificates chain to")


def serve_knooppunt(args: argparse.Namespace) -> int:
    from warm_referral.knooppunt import PROFIELEN

    from ..receiver.config import Instellingen, Modus
    from ..receiver.errors import ConfigError
    from .server import serve_knooppunt as serve

    profiel = PROFIELEN.get(args.profiel)
    if profiel is None:
        raise UsageError(f"unknown profile {args.profiel!r}; known: {sorted(PROFIELEN)}")
    modus = Modus.PRODUCTIE if args.productie else Modus.ONTWIKKELING
    if modus is Modus.PRODUCTIE and not (args.tls_cert and args.tls_key and args.tls_ca):
        raise UsageError("--productie needs --tls-cert, --tls-key and --tls-ca (mutual TLS)")
    if modus is Modus.PRODUCTIE and args.config is None:
        raise UsageError("--productie needs --config (the participants and their OINs)")
    try:
        instellingen = Instellingen.laad(args.config, modus) if args.config else Instellingen()
    except ConfigError as exc:
        print(f"warm-referral serve: {exc}", file=sys.stderr)
        return EXIT_INVALID
    serve(
        instellingen,
        profiel,
        db=args.db,
        host=args.host,
        port=args.port,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        tls_ca=args.tls_ca,
    )
    return EXIT_OK
