"""The receiver's commands: ``warm-referral serve receiver`` runs the municipality's service,
``warm-referral migrate`` brings its database's schema up to date, and ``warm-referral gemeente
...`` lets an operator act on a referral through the API, the same way any other client would.
Registered by :mod:`warm_referral_reference.cli` (the entry points)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from warm_referral.cli import EXIT_INVALID, EXIT_OK, UsageError

__all__ = [
    "DEFAULT_DB",
    "add_serve_receiver_arguments",
    "register_gemeente",
    "register_migrate",
    "serve_receiver",
]

_DB_HELP = (
    "the database: a SQLite file path, or a PostgreSQL URL "
    "(postgresql://user@host/database; see docs/referentie-ontvanger-postgresql.md)"
)

DEFAULT_DB = "warm-referral-ontvanger.sqlite3"


def add_serve_receiver_arguments(receiver: argparse.ArgumentParser) -> None:
    receiver.add_argument("--db", default=DEFAULT_DB, help=f"{_DB_HELP}; default {DEFAULT_DB}")
    receiver.add_argument(
        "--db-pool",
        type=_positive_int,
        default=None,
        metavar="N",
        help="PostgreSQL: connections per receiver process (default 10)",
    )
    receiver.add_argument("--host", default="127.0.0.1")
    receiver.add_argument("--port", type=int, default=8080)
    receiver.add_argument("--config", type=Path, help="participants and municipalities (JSON)")
    receiver.add_argument(
        "--productie",
        action="store_true",
        help="production mode: mutual TLS required, OIN from the client certificate, no test clock",
    )
    receiver.add_argument("--tls-cert", type=Path, help="server certificate (PEM)")
    receiver.add_argument("--tls-key", type=Path, help="server private key (PEM)")
    receiver.add_argument(
        "--tls-ca", type=Path, help="CA bundle that client certificates must chain to"
    )
    receiver.add_argument(
        "--bewaking-interval",
        type=float,
        default=60.0,
        help="seconds between deadline monitor runs (default 60)",
    )
    receiver.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="worker processes sharing the port and the database (default 1; "
        "the number of CPU cores gives the most throughput)",
    )


def serve_receiver(args: argparse.Namespace) -> int:
    from .config import Instellingen, Modus
    from .errors import ConfigError, StoreSchemaError, StoreUnavailable
    from .server import serve_receiver as serve

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
    try:
        serve(
            instellingen,
            db=args.db,
            host=args.host,
            port=args.port,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            tls_ca=args.tls_ca,
            bewaking_interval=args.bewaking_interval,
            workers=args.workers,
            config=args.config,
            db_pool=args.db_pool,
        )
    except (StoreSchemaError, StoreUnavailable) as exc:
        print(f"warm-referral serve: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def register_migrate(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="bring the reference receiver's database to this version's schema",
        description="Apply the schema migrations the receiver's database lacks (all in one "
        "transaction; safe to run twice, and from two places at once). A PostgreSQL database "
        "must be migrated before the receiver serves it; a new SQLite file is migrated when the "
        "receiver first opens it.",
    )
    parser.add_argument("--db", required=True, help=_DB_HELP)
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report the schema version; exit 1 unless it is the one this receiver needs",
    )
    parser.set_defaults(handler=migrate)


def migrate(args: argparse.Namespace) -> int:
    from .errors import StoreSchemaError, StoreUnavailable
    from .storage import LATEST, beschrijf, migreer, schemastand

    try:
        if args.check:
            stand = schemastand(args.db)
            if stand.version > LATEST:
                raise StoreSchemaError(
                    f"{beschrijf(args.db)}: schema version {stand.version} is newer than this "
                    f"receiver knows ({LATEST})"
                )
            if stand.version == LATEST and not stand.unrecorded:
                print(f"{beschrijf(args.db)}: schema version {LATEST}: up to date")
                return EXIT_OK
            print(
                f"{beschrijf(args.db)}: schema version {stand.version}, this receiver needs "
                f"{LATEST}{' (made before versioned migrations)' if stand.unrecorded else ''}"
            )
            return EXIT_INVALID
        toegepast = migreer(args.db)
    except (StoreSchemaError, StoreUnavailable) as exc:
        print(f"warm-referral migrate: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for migration in toegepast:
        print(f"applied migration {migration.version} ({migration.description})")
    if toegepast:
        print(f"{beschrijf(args.db)}: now at schema version {LATEST}")
    else:
        print(f"{beschrijf(args.db)}: at schema version {LATEST}, nothing to do")
    return EXIT_OK


def _positive_int(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


class _Actiesoorten(Sequence[str]):
    """The action kinds, read from the action models (:mod:`.domain.acties`, where they are
    defined) when argparse first asks: registering the command loads no pydantic."""

    def _soorten(self) -> tuple[str, ...]:
        from .domain.acties import ACTIESOORTEN

        return ACTIESOORTEN

    def __getitem__(self, i: Any) -> Any:
        return self._soorten()[i]

    def __len__(self) -> int:
        return len(self._soorten())

    def __contains__(self, soort: object) -> bool:
        return soort in self._soorten()

    def __iter__(self) -> Iterator[str]:
        return iter(self._soorten())


def register_gemeente(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "gemeente",
        help="act as the municipality's operator on a running receiver",
        description="Record an action on a referral, list referrals, or show the deadline monitor, "
        "through the receiver's API.",
    )
    parser.add_argument("--url", default="http://127.0.0.1:8080/v1", help="the receiver's base URL")
    parser.add_argument("--token", default="dev-operator", help="bearer token (development mode)")
    sub = parser.add_subparsers(dest="opdracht", metavar="COMMAND", required=True)
    actie = sub.add_parser("actie", help="record an action, e.g. a contact attempt")
    actie.add_argument("conversatie_id", metavar="CONVERSATIEID")
    # A metavar, so that argparse does not list (and load) the choices while building the parser.
    actie.add_argument(
        "soort",
        choices=_Actiesoorten(),
        metavar="SOORT",
        help="the kind of action, as in the API (Oppakken, Contactpoging, ...; a wrong one is "
        "refused with the full list)",
    )
    actie.add_argument(
        "velden",
        nargs="*",
        metavar="NAAM=WAARDE",
        help="the action's fields, e.g. datum=2026-04-02 contactsoort=Telefoon "
        "dagdeel=Ochtend bereikt=true (values are JSON when they parse as JSON)",
    )
    actie.set_defaults(handler=_actie)
    lijst = sub.add_parser("lijst", help="the referrals of your municipalities")
    lijst.set_defaults(handler=_lijst)
    bewaking = sub.add_parser(
        "termijnbewaking", help="overdue contact deadlines, ended incassostops"
    )
    bewaking.set_defaults(handler=_termijnbewaking)
    monitoring = sub.add_parser(
        "monitoring",
        help="the monitoring figures of your municipalities (NVVK: of all; --token dev-nvvk)",
    )
    # No choices here: the receiver refuses a wrong value with the list (one place for them).
    monitoring.add_argument("--periodesoort", help="maand, kwartaal (default) or jaar")
    monitoring.add_argument(
        "--dimensie",
        help="totaal (default), gemeente, organisatie, soort_verwijzer, grondslag or schuldeiser",
    )
    monitoring.add_argument("--van", metavar="YYYY-MM-DD", help="referred on or after")
    monitoring.add_argument("--tot", metavar="YYYY-MM-DD", help="referred on or before")
    monitoring.set_defaults(handler=_monitoring)


def _velden(paren: list[str]) -> dict[str, Any]:
    uit: dict[str, Any] = {}
    for paar in paren:
        naam, gelijk, waarde = paar.partition("=")
        if not gelijk or not naam:
            raise UsageError(f"expected NAAM=WAARDE, got {paar!r}")
        try:
            uit[naam] = json.loads(waarde)
        except json.JSONDecodeError:
            uit[naam] = waarde
        if isinstance(uit[naam], (int, float)) and not isinstance(uit[naam], bool):
            uit[naam] = waarde
    return uit


def _request(args: argparse.Namespace, method: str, path: str, body: Any = None) -> int:
    import httpx

    try:
        response = httpx.request(
            method,
            args.url.rstrip("/") + path,
            json=body,
            headers={"Authorization": f"Bearer {args.token}"},
            timeout=30,
        )
    except httpx.HTTPError as exc:
        print(f"warm-referral gemeente: cannot reach {args.url}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(json.dumps(response.json(), indent=2, ensure_ascii=False))
    return EXIT_OK if response.is_success else EXIT_INVALID


def _actie(args: argparse.Namespace) -> int:
    body = {"soort": args.soort, **_velden(args.velden)}
    return _request(args, "POST", f"/verwijzingen/{args.conversatie_id}/acties", body)


def _lijst(args: argparse.Namespace) -> int:
    return _request(args, "GET", "/verwijzingen")


def _termijnbewaking(args: argparse.Namespace) -> int:
    return _request(args, "GET", "/termijnbewaking")


def _monitoring(args: argparse.Namespace) -> int:
    from urllib.parse import urlencode

    vraag = {
        k: v
        for k in ("periodesoort", "dimensie", "van", "tot")
        if (v := getattr(args, k)) is not None
    }
    return _request(args, "GET", "/monitoring" + (f"?{urlencode(vraag)}" if vraag else ""))
