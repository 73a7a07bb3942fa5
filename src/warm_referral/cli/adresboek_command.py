"""``warm-referral adresboek``: validate, sign, compare and query the address book.

    warm-referral adresboek validate EDITIE.jws --sleutels nvvk.jwks.json
    warm-referral adresboek sign EDITIE.json --sleutel nvvk.jwk.json [-o EDITIE.jws]
    warm-referral adresboek diff OUD.jws NIEUW.jws --sleutels nvvk.jwks.json
    warm-referral adresboek zoek 4381AB 1 --adresboek EDITIE.jws --sleutels nvvk.jwks.json \\
        --index adressen-2025.idx
    warm-referral adresboek index pc6hnr20250801_gwb.csv -o adressen-2025.idx

A file is an unsigned edition when it starts with ``{``, else a compact JWS; a JWS is always
verified (``--sleutels``). Exit codes: 0 success, 1 invalid input or nothing found, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import EXIT_INVALID, EXIT_OK, UsageError, read_input

if TYPE_CHECKING:
    from ..adresboek.boek import Adresboek
    from ..adresboek.handtekening import Sleutelbos
    from ..adresboek.model import AdresboekDocument

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "adresboek",
        help="the address book: validate, sign, diff, look an address up, build an index",
        description=(__doc__ or "").split("\n\n")[0],
    )
    sub = parser.add_subparsers(dest="adresboek_command", metavar="SUBCOMMAND", required=True)

    validate = sub.add_parser("validate", help="check editions (JSON or signed JWS)")
    validate.add_argument("bestanden", nargs="+", metavar="FILE")
    _sleutels(validate)
    validate.add_argument("--op", metavar="DATE", help="also require validity on this date")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(handler=_validate)

    sign = sub.add_parser("sign", help="sign an edition's JSON with NVVK's key")
    sign.add_argument("bestand", metavar="FILE", help="the unsigned edition (JSON)")
    sign.add_argument("--sleutel", required=True, metavar="KEY", help="private key, PEM or JWK")
    sign.add_argument("--kid", help="key id (required for a PEM key without one)")
    sign.add_argument("-o", "--uitvoer", metavar="OUT", help="write the JWS here (default stdout)")
    sign.set_defaults(handler=_sign)

    diff = sub.add_parser("diff", help="what changed between two editions")
    diff.add_argument("oud", metavar="OLD")
    diff.add_argument("nieuw", metavar="NEW")
    _sleutels(diff)
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.set_defaults(handler=_diff)

    zoek = sub.add_parser("zoek", help="route an address: municipality, organisation, endpoint")
    zoek.add_argument("postcode")
    zoek.add_argument("huisnummer")
    zoek.add_argument("--huisletter")
    zoek.add_argument("--toevoeging", metavar="HUISNUMMERTOEVOEGING")
    zoek.add_argument("--adresboek", required=True, metavar="FILE", help="a signed edition")
    _sleutels(zoek)
    zoek.add_argument(
        "--index",
        action="append",
        default=[],
        metavar="FILE",
        help="an address index file (repeatable; asked in order)",
    )
    zoek.add_argument(
        "--cbs",
        action="append",
        default=[],
        metavar="CSV",
        help="a CBS table, indexed on the fly (repeatable)",
    )
    zoek.add_argument(
        "--voorbeeld",
        action="store_true",
        help="use the shipped synthetic sample tables (tests and demos only)",
    )
    zoek.add_argument("--op", metavar="DATE", help="the referral's date (default: today)")
    zoek.add_argument("--format", choices=("text", "json"), default="text")
    zoek.set_defaults(handler=_zoek)

    index = sub.add_parser("index", help="build an address index file from a CBS table")
    index.add_argument("cbs", metavar="CSV")
    index.add_argument("-o", "--uitvoer", required=True, metavar="OUT")
    index.add_argument("--jaar", type=int, help="the table's year, if neither name nor header says")
    index.set_defaults(handler=_index)


def _sleutels(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sleutels", metavar="JWKS", help="the trusted NVVK public keys (JWKS)")


def _fout(tekst: str) -> int:
    print(f"warm-referral adresboek: {' '.join(tekst.split())}", file=sys.stderr)
    return EXIT_INVALID


def _datum(tekst: str | None) -> date:
    if tekst is None:
        from .._tijd import AMSTERDAM

        return datetime.now(AMSTERDAM).date()
    try:
        return date.fromisoformat(tekst)
    except ValueError:
        raise UsageError(f"--op: {tekst!r} is not a date in the form YYYY-MM-DD") from None


def _sleutelbos(args: argparse.Namespace) -> Sleutelbos:
    from ..adresboek.handtekening import laad_sleutelbos

    if not args.sleutels:
        raise UsageError("a signed edition needs --sleutels (the trusted NVVK keys, a JWKS)")
    return laad_sleutelbos(args.sleutels)


def _is_json(data: bytes) -> bool:
    return data.lstrip()[:1] == b"{"


def _lees(naam: str, args: argparse.Namespace, op: date | None = None) -> AdresboekDocument:
    """An edition from a file: JSON is only validated, a JWS is verified first."""
    from ..adresboek.boek import laad_adresboek, lees_document

    data = read_input(naam)
    if _is_json(data):
        document = lees_document(data)
        if op is not None and not document.geldig_vanaf <= op <= document.geldig_tot:
            from ..adresboek.errors import AddressBookExpired

            raise AddressBookExpired(
                document.editie, document.geldig_vanaf, document.geldig_tot, op
            )
        return document
    return laad_adresboek(data, _sleutelbos(args), op=op).document


def _validate(args: argparse.Namespace) -> int:
    from ..adresboek.errors import AdresboekError, InvalidAddressBook

    op = _datum(args.op) if args.op else None
    resultaten: list[dict[str, Any]] = []
    for naam in args.bestanden:
        try:
            document = _lees(naam, args, op)
        except InvalidAddressBook as exc:
            resultaten.append(
                {
                    "bestand": naam,
                    "geldig": False,
                    "fouten": [
                        {"pointer": v.pointer, "code": v.code, "melding": v.melding}
                        for v in exc.violations
                    ],
                }
            )
        except AdresboekError as exc:
            resultaten.append({"bestand": naam, "geldig": False, "fouten": [{"melding": str(exc)}]})
        else:
            resultaten.append(
                {
                    "bestand": naam,
                    "geldig": True,
                    "editie": document.editie,
                    "geldigVanaf": document.geldig_vanaf.isoformat(),
                    "geldigTot": document.geldig_tot.isoformat(),
                    "organisaties": len(document.organisaties),
                    "gemeenten": len({g.gemeentecode for g in document.gemeenten}),
                }
            )
    if args.format == "json":
        print(json.dumps(resultaten, indent=2, ensure_ascii=False))
    else:
        for r in resultaten:
            if r["geldig"]:
                print(
                    f"{r['bestand']}: valid edition {r['editie']} ({r['geldigVanaf']} to "
                    f"{r['geldigTot']}), {r['organisaties']} organisations, "
                    f"{r['gemeenten']} municipalities"
                )
            else:
                print(f"{r['bestand']}: INVALID")
                for f in r["fouten"]:
                    waar = f"{f['pointer'] or '/'}: " if "pointer" in f else ""
                    code = f" [{f['code']}]" if "code" in f else ""
                    print(f"  {waar}{f['melding']}{code}")
    return EXIT_OK if all(r["geldig"] for r in resultaten) else EXIT_INVALID


def _sign(args: argparse.Namespace) -> int:
    from ..adresboek.boek import lees_document
    from ..adresboek.errors import AdresboekError, InvalidAddressBook
    from ..adresboek.handtekening import laad_ondertekensleutel, onderteken

    data = read_input(args.bestand)
    if not _is_json(data):
        raise UsageError(f"{args.bestand}: sign takes the unsigned edition (JSON)")
    try:
        lees_document(data)
        sleutel = laad_ondertekensleutel(args.sleutel, args.kid)
    except InvalidAddressBook as exc:
        return _fout(f"{args.bestand}: not signed: {exc}")
    except AdresboekError as exc:
        return _fout(str(exc))
    jws = onderteken(data, sleutel)
    if args.uitvoer:
        Path(args.uitvoer).write_text(jws + "\n", encoding="ascii")
    else:
        print(jws)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from ..adresboek.diff import verschillen
    from ..adresboek.errors import AdresboekError

    try:
        oud = _lees(args.oud, args)
        nieuw = _lees(args.nieuw, args)
    except AdresboekError as exc:
        return _fout(str(exc))
    wijzigingen = verschillen(oud, nieuw)
    if args.format == "json":
        print(json.dumps([w.als_json() for w in wijzigingen], indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"edition {oud.editie} -> {nieuw.editie}: {len(wijzigingen)} changes")
    teken = {"toegevoegd": "+", "verwijderd": "-", "gewijzigd": "~"}
    for w in wijzigingen:
        print(f"{teken[w.soort]} {w.onderwerp} {w.sleutel}".rstrip())
        for v in w.velden:
            print(
                f"    {v.pad}: {json.dumps(v.oud, ensure_ascii=False)} -> "
                f"{json.dumps(v.nieuw, ensure_ascii=False)}"
            )
    return EXIT_OK


def _zoek(args: argparse.Namespace) -> int:
    from ..adresboek.boek import laad_adresboek
    from ..adresboek.errors import AdresboekError
    from ..adresboek.router import Router
    from ..adressen.cbs import index_uit_cbs
    from ..adressen.errors import AdresError
    from ..adressen.index import laad_index
    from ..adressen.zoeker import Adresbron, Gemeentezoeker

    op = _datum(args.op)
    if not (args.huisnummer.isascii() and args.huisnummer.isdigit()):
        return _fout(f"huisnummer {args.huisnummer!r}: a house number is a whole number")
    try:
        bronnen: list[Adresbron] = [laad_index(p) for p in args.index]
        bronnen += [index_uit_cbs(p) for p in args.cbs]
        if args.voorbeeld:
            from ..adressen.voorbeeld import VOORBEELD_JAREN, voorbeeldindex

            bronnen += [voorbeeldindex(j) for j in sorted(VOORBEELD_JAREN, reverse=True)]
        if not bronnen:
            raise UsageError("give at least one address source: --index, --cbs or --voorbeeld")
        boek: Adresboek = laad_adresboek(read_input(args.adresboek), _sleutelbos(args), op=op)
        from ..adressen.adres import zoekadres

        adres = zoekadres(args.postcode, int(args.huisnummer), args.huisletter, args.toevoeging)
        route = Router(Gemeentezoeker(bronnen), boek).route(adres, op=op)
    except (AdresError, AdresboekError) as exc:
        return _fout(f"{type(exc).__name__}: {exc}")
    org, eindpunt, g = route.organisatie, route.eindpunt, route.vermelding.gemeente
    uit = {
        "adres": str(route.vondst.adres),
        "datum": op.isoformat(),
        "gemeentecode": route.gemeentecode,
        "gemeente": g.naam,
        "bron": route.vondst.bron,
        "organisatie": {
            "id": org.id,
            "naam": org.naam,
            "oin": org.oin,
            "kvkNummer": org.kvk_nummer,
        },
        "eindpunt": eindpunt.model_dump(mode="json", by_alias=True, exclude_none=True),
        "afsprakenprofiel": g.afsprakenprofiel.model_dump(mode="json", by_alias=True),
        "adresboekEditie": boek.editie,
    }
    if args.format == "json":
        print(json.dumps(uit, indent=2, ensure_ascii=False))
        return EXIT_OK
    vondst = route.vondst
    herkomst = vondst.bron
    if vondst.bron_gemeentecode != vondst.gemeentecode:
        herkomst += f", there {vondst.bron_gemeentecode} (merged since)"
    print(f"address      {uit['adres']} on {uit['datum']}")
    print(f"municipality {g.naam} ({route.gemeentecode}; from {herkomst})")
    kvk = f", KvK {org.kvk_nummer}" if org.kvk_nummer else ""
    print(f"organisation {org.naam} (OIN {org.oin}{kvk})")
    print(
        f"endpoint     {eindpunt.url} ({eindpunt.binding.value}, specVersie "
        f"{', '.join(eindpunt.spec_versies)})"
    )
    if eindpunt.tls_certificaten:
        print(f"certificate  sha256 {', '.join(eindpunt.tls_certificaten)}")
    print(f"agreement    {g.afsprakenprofiel.naam} {g.afsprakenprofiel.versie}")
    print(f"address book edition {boek.editie}, signed by {boek.handtekening.kid}")
    return EXIT_OK


def _index(args: argparse.Namespace) -> int:
    from ..adressen.cbs import index_uit_cbs
    from ..adressen.errors import AdresError

    try:
        index = index_uit_cbs(args.cbs, jaar=args.jaar)
        index.opslaan(args.uitvoer)
    except AdresError as exc:
        return _fout(str(exc))
    except OSError as exc:
        return _fout(f"{args.uitvoer}: cannot write: {exc.strerror or exc}")
    print(
        f"{args.uitvoer}: {len(index):,} addresses in {index.aantal_postcodes:,} postcodes, "
        f"{len(index.gemeentecodes)} municipalities (classification {index.indeling})"
    )
    return EXIT_OK
