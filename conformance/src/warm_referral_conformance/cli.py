"""``warm-referral conformance ...``: run the kit, check a result bundle, list the requirements.

    warm-referral conformance run --rol ontvanger --url https://host/v1 --token T \\
        --afzender '{"naam": "...", "oin": "..."}' --gemeente '{"naam": "...", "gemeentecode": "0718"}'
    warm-referral conformance run --rol verwijzer --listen 127.0.0.1:8099 --afzender ... --gemeente ...
    warm-referral conformance run --rol knooppunt --url https://host/v1 --afzender ... --token T \\
        --ontvanger '{"naam": "...", "oin": "..."}' --ontvanger-token T2
    warm-referral conformance verify bundel.json [--publieke-sleutel sleutel.pub.pem]
    warm-referral conformance eisen [--rol ontvanger]
    warm-referral conformance sleutel sleutel.pem

Exit codes: 0 the run passed (at least one check ran, every MOET that ran passed); 1 it did not,
or the bundle is not intact; 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from warm_referral.cli import EXIT_INVALID, EXIT_OK, UsageError

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "conformance",
        help="the conformance kit: check a receiver or sender against the requirement catalogue",
        description="The conformance kit of the warm referral protocol (docs/conformance.md).",
    )
    sub = parser.add_subparsers(dest="conformance_commando", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="check an implementation and write the reports")
    run.add_argument("--rol", choices=("ontvanger", "verwijzer", "knooppunt"), required=True)
    run.add_argument(
        "--config",
        type=Path,
        help="JSON file with any of the options below (long names, without --)",
    )
    doel = run.add_argument_group("the receiver under test (role ontvanger)")
    doel.add_argument("--url", help="the API's base URL, e.g. https://host/v1")
    doel.add_argument("--token", help="the creditor's bearer token (development)")
    doel.add_argument(
        "--cert", type=Path, help="the creditor's client certificate (PEM), mutual TLS"
    )
    doel.add_argument("--key", type=Path, help="its private key (PEM)")
    doel.add_argument("--ca", type=Path, help="CA bundle the receiver's certificate chains to")
    doel.add_argument(
        "--afzender",
        help="the creditor as the receiver knows it: Partij JSON (naam, oin and/or kvkNummer), or @file",
    )
    doel.add_argument(
        "--soort-verwijzer",
        action="append",
        default=None,
        metavar="SOORT",
        help="a kind of referrer the creditor may send as (repeat); default: any",
    )
    doel.add_argument(
        "--grondslag",
        action="append",
        default=None,
        metavar="GRONDSLAG",
        help="a ground the creditor is registered for (repeat); default: any",
    )
    doel.add_argument(
        "--gemeente-zonder-afspraak",
        help="a municipality the receiver serves but the creditor has no agreement with: Partij "
        "JSON with gemeentecode, or @file (WD-DEEL-03)",
    )
    doel.add_argument(
        "--gemeente",
        help="the municipality the receiver serves: Partij JSON with gemeentecode, or @file",
    )
    doel.add_argument("--tweede-token")
    doel.add_argument("--tweede-cert", type=Path)
    doel.add_argument("--tweede-key", type=Path)
    doel.add_argument("--tweede-afzender", help="a second creditor (Partij JSON): tenancy checks")
    doel.add_argument("--operator-token")
    doel.add_argument("--operator-cert", type=Path)
    doel.add_argument("--operator-key", type=Path)
    doel.add_argument(
        "--vreemde-gemeentecode",
        default="0363",
        help="a gemeentecode the receiver does not serve (default 0363)",
    )
    doel.add_argument(
        "--adresboek",
        type=Path,
        help="the signed address-book edition (JWS) the receiver uses: WD-ADR-07/08",
    )
    doel.add_argument(
        "--adresboek-sleutels", type=Path, help="NVVK's keys (JWKS) to verify the address book"
    )
    doel.add_argument(
        "--handtekeningen",
        choices=("geen", "optioneel", "vereist"),
        help="whether the receiver checks payload signatures (WD-OND): geen (default; the "
        "signature checks do not apply), optioneel (it checks a signature a message carries), "
        "vereist (it refuses unsigned messages). Unless geen, the kit signs what it sends with "
        "certificates it issues under the test PKI: the receiver must trust "
        "spec/v1/ondertekening/pki/stam-ca.pem. (--onderteken signs the result bundle.)",
    )
    doel.add_argument(
        "--voorbeelden",
        type=int,
        default=25,
        metavar="N",
        help="generated messages per generating check (default 25)",
    )
    knooppunt = run.add_argument_group(
        "the knooppunt under test (role knooppunt; --url, --afzender with --token or --cert as "
        "the sender, --tweede-afzender with --tweede-token as a bystander)"
    )
    knooppunt.add_argument("--ontvanger", help="the recipient participant: Partij JSON with oin")
    knooppunt.add_argument("--ontvanger-token")
    knooppunt.add_argument("--ontvanger-cert", type=Path)
    knooppunt.add_argument("--ontvanger-key", type=Path)
    knooppunt.add_argument(
        "--profiel",
        default="schuldenknooppunt",
        help="the knooppunt profile whose expiry is checked (default schuldenknooppunt)",
    )
    dubbel = run.add_argument_group("the receiver double (role verwijzer)")
    dubbel.add_argument(
        "--listen", metavar="HOST:PORT", help="where the double listens, e.g. 127.0.0.1:8099"
    )
    dubbel.add_argument(
        "--tls-cert", type=Path, help="the double's server certificate (PEM); plain HTTP without it"
    )
    dubbel.add_argument("--tls-key", type=Path)
    dubbel.add_argument(
        "--vertrouwd",
        type=Path,
        action="append",
        metavar="PEM",
        help="trusted root certificate(s) of the sender's signatures (repeatable): then the kit "
        "checks that the sender signs (WD-OND); the published test root is "
        "spec/v1/ondertekening/pki/stam-ca.pem",
    )
    dubbel.add_argument(
        "--tls-ca", type=Path, help="require client certificates that chain to this CA"
    )
    dubbel.add_argument(
        "--wacht",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long each scenario waits for the sender (default 60)",
    )
    dubbel.add_argument(
        "--vertraging",
        type=float,
        default=35.0,
        metavar="SECONDS",
        help="how long the time-out fault holds an answer back; more than the sender's time-out (default 35)",
    )
    dubbel.add_argument(
        "--opdracht-commando",
        metavar="CMD",
        help="a command started per scenario (env WD_SCENARIO, WD_OPDRACHT, WD_URL) that makes the sender act",
    )
    keuze = run.add_argument_group("what to run and report")
    keuze.add_argument(
        "--alleen",
        action="append",
        default=[],
        metavar="IDS",
        help="only these requirement ids or prefixes (comma separated, repeatable)",
    )
    keuze.add_argument(
        "--zonder",
        action="append",
        default=[],
        metavar="IDS",
        help="leave these requirement ids or prefixes out",
    )
    keuze.add_argument(
        "--vrijstellingen", type=Path, help="waiver file (YAML or JSON: id, reden, geldig_tot)"
    )
    keuze.add_argument(
        "--timeout", type=float, default=180.0, metavar="SECONDS", help="per check (default 180)"
    )
    keuze.add_argument(
        "--http-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="per HTTP request (default 10)",
    )
    keuze.add_argument(
        "--seed", type=int, help="seed for generated messages (default: random, printed)"
    )
    keuze.add_argument("--junit", type=Path, help="write a JUnit XML report")
    keuze.add_argument("--json", type=Path, help="write a JSON report")
    keuze.add_argument("--html", type=Path, help="write a self-contained HTML report")
    keuze.add_argument(
        "--bundel",
        type=Path,
        help="write the result bundle (JSON) for warm-referral conformance verify",
    )
    keuze.add_argument(
        "--onderteken",
        type=Path,
        metavar="KEY",
        help="sign the result bundle (the report, not the messages) with this Ed25519 private "
        "key (PEM); the messages' signatures are --handtekeningen (role ontvanger) and "
        "--vertrouwd (role verwijzer)",
    )
    keuze.add_argument("--stil", action="store_true", help="no progress bar")
    run.set_defaults(handler=_run)

    verify = sub.add_parser("verify", help="check a result bundle's integrity (and signature)")
    verify.add_argument("bundel", type=Path)
    verify.add_argument(
        "--publieke-sleutel", type=Path, help="require a signature by this Ed25519 public key (PEM)"
    )
    verify.set_defaults(handler=_verify)

    eisen = sub.add_parser("eisen", help="list the requirement catalogue")
    eisen.add_argument("--rol", choices=("ontvanger", "verwijzer", "knooppunt"))
    eisen.add_argument("--format", choices=("text", "json"), default="text")
    eisen.set_defaults(handler=_eisen)

    sleutel = sub.add_parser("sleutel", help="make an Ed25519 key pair for signing bundles")
    sleutel.add_argument(
        "pad", type=Path, help="where to write the private key; the public key goes beside it"
    )
    sleutel.set_defaults(handler=_sleutel)


# --- options -----------------------------------------------------------------------------------------


def _config(args: argparse.Namespace) -> None:
    """Fill options not given on the command line from --config (command line wins)."""
    if args.config is None:
        return
    try:
        data = json.loads(args.config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"--config {args.config}: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--config {args.config}: expected a JSON object")
    for sleutel, waarde in data.items():
        naam = sleutel.replace("-", "_")
        if not hasattr(args, naam) or naam in ("config", "rol", "handler"):
            raise UsageError(f"--config {args.config}: unknown option {sleutel!r}")
        if getattr(args, naam) in (None, [], False):
            if isinstance(waarde, (dict, list)) and naam not in (
                "alleen",
                "zonder",
                "soort_verwijzer",
                "grondslag",
            ):
                waarde = json.dumps(waarde)
            if naam in (
                "cert",
                "key",
                "ca",
                "adresboek",
                "adresboek_sleutels",
                "tweede_cert",
                "tweede_key",
                "operator_cert",
                "operator_key",
                "ontvanger_cert",
                "ontvanger_key",
                "tls_cert",
                "tls_key",
                "tls_ca",
                "vrijstellingen",
                "junit",
                "json",
                "html",
                "bundel",
                "onderteken",
            ):
                waarde = Path(waarde)
            setattr(args, naam, waarde)


def _partij(tekst: str | None, optie: str, *, gemeente: bool = False) -> Any:
    from warm_referral.errors import MessageValidationError
    from warm_referral.models import Partij

    if tekst is None:
        raise UsageError(
            f'{optie} is required (Partij JSON, e.g. \'{{"naam": "...", "oin": "..."}}\')'
        )
    if tekst.startswith("@"):
        try:
            tekst = Path(tekst[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{optie}: {exc}") from None
    try:
        partij = Partij.model_validate_json(tekst)
    except (MessageValidationError, ValueError) as exc:
        raise UsageError(f"{optie} is not a Partij: {exc}") from None
    if gemeente and partij.gemeentecode is None:
        raise UsageError(f"{optie} needs a gemeentecode")
    if not gemeente and partij.oin is None and partij.kvk_nummer is None:
        raise UsageError(f"{optie} needs an oin or kvkNummer")
    return partij


def _toegang(token: str | None, cert: Path | None, key: Path | None, optie: str) -> Any:
    from .http import Toegang

    if token is None and cert is None and key is None:
        return None
    try:
        return Toegang(token, cert, key)
    except ValueError as exc:
        raise UsageError(f"{optie}: {exc}") from None


def _ids(waarden: Sequence[str]) -> tuple[str, ...]:
    return tuple(i.strip() for w in waarden for i in w.split(",") if i.strip())


def _selectie_en_vrijstellingen(args: argparse.Namespace) -> tuple[Any, Any]:
    from .catalogus import catalogus
    from .runner import Selectie
    from .vrijstellingen import VrijstellingFout, lees_vrijstellingen

    selectie = Selectie(_ids(args.alleen), _ids(args.zonder))
    bekend = set(catalogus())
    for patroon in (*selectie.alleen, *selectie.zonder):
        if not any(e == patroon or e.startswith(patroon.rstrip("-") + "-") for e in bekend):
            raise UsageError(f"{patroon!r} names no requirement of the catalogue")
    vrijstellingen = {}
    if args.vrijstellingen is not None:
        try:
            vrijstellingen = lees_vrijstellingen(args.vrijstellingen, catalogus())
        except VrijstellingFout as exc:
            raise UsageError(str(exc)) from None
    return selectie, vrijstellingen


# --- run ---------------------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    _config(args)
    selectie, vrijstellingen = _selectie_en_vrijstellingen(args)
    if args.onderteken is not None and args.bundel is None:
        raise UsageError("--onderteken signs the bundle: give --bundel too")
    if args.timeout <= 0 or args.http_timeout <= 0:
        raise UsageError("--timeout and --http-timeout must be positive")
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    if args.rol == "ontvanger":
        from .ontvanger_run import draai_ontvanger

        run = draai_ontvanger(args, selectie, vrijstellingen, seed)
    elif args.rol == "knooppunt":
        from .knooppunt.run import draai_knooppunt

        run = draai_knooppunt(args, selectie, vrijstellingen, seed)
    else:
        from .verwijzer.run import draai_verwijzer

        run = draai_verwijzer(args, selectie, vrijstellingen, seed)
    return _rapporteer(args, run)


def _rapporteer(args: argparse.Namespace, run: Any) -> int:
    from .bundel import maak_bundel
    from .rapport import druk_samenvatting, schrijf_html, schrijf_junit

    druk_samenvatting(run)
    if args.junit:
        schrijf_junit(run, args.junit)
    if args.json:
        args.json.write_text(
            json.dumps(run.als_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    if args.html:
        schrijf_html(run, args.html)
    if args.bundel:
        args.bundel.write_text(
            json.dumps(maak_bundel(run, args.onderteken), indent=2, ensure_ascii=False),
            encoding="utf-8",
        )
    geschreven = [str(p) for p in (args.junit, args.json, args.html, args.bundel) if p]
    if geschreven:
        print(f"reports: {', '.join(geschreven)}")
    print(f"seed {run.seed} (--seed {run.seed} repeats the generated messages)")
    return EXIT_OK if run.geslaagd else EXIT_INVALID


def _verify(args: argparse.Namespace) -> int:
    from .bundel import BundelFout, controleer_bundel

    try:
        uitslag = controleer_bundel(args.bundel, args.publieke_sleutel)
    except BundelFout as exc:
        print(f"warm-referral conformance verify: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if not uitslag.intact or uitslag.run is None:
        print(f"{args.bundel}: NIET INTACT: {uitslag.reden}")
        return EXIT_INVALID
    run = uitslag.run
    print(
        f"{args.bundel}: {uitslag.reden}\n  rol {run.rol}, {run.doel}, {run.begin.isoformat()} - {run.einde.isoformat()}\n"
        f"  kit {run.kit_versie}, specVersie {run.specversie}, catalogus {run.catalogus_versie}\n"
        f"  {'GESLAAGD' if run.geslaagd else 'NIET GESLAAGD'}: {run.samenvatting}"
    )
    return EXIT_OK


def _eisen(args: argparse.Namespace) -> int:
    from .catalogus import Rol, catalogus

    cat = catalogus()
    gekozen = [e for e in cat.values() if args.rol is None or e.rol.bindt(Rol(args.rol))]
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "niveau": e.niveau.value,
                        "rol": e.rol.value,
                        "toetsbaar": e.toetsbaar,
                        "tekst": " ".join(e.tekst.split()),
                    }
                    for e in gekozen
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for e in gekozen:
            print(
                f"{e.id:12} {e.niveau.value:16} {e.rol.value:9} {'' if e.toetsbaar else '(niet toetsbaar) '}{' '.join(e.tekst.split())}"
            )
    return EXIT_OK


def _sleutel(args: argparse.Namespace) -> int:
    from .bundel import maak_sleutelpaar

    if args.pad.exists():
        raise UsageError(f"{args.pad} exists; choose a new path")
    publiek = maak_sleutelpaar(args.pad)
    print(f"private key {args.pad} (keep it safe), public key {publiek} (give it to NVVK)")
    return EXIT_OK
