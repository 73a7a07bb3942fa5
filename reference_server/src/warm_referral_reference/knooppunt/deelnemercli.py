"""``warm-referral knooppunt afleveren|ophalen``: a participant's side of the knooppunt on the
command line, for a sender or a receiver that has no direct link with its peer.

``afleveren`` seals each message (signed with our certificate, encrypted to the recipient's key
from the signed address book) and delivers it. The sealed envelope is written beside the message
(``NAME.envelop.json``) before it is delivered, and a later run delivers that same envelope: a
delivery repeated after a failure is a duplicate at the knooppunt, not a second message
(WD-KNP-02). ``ophalen`` empties our mailbox: each envelope is opened with our keys and its
signature checked against the trusted roots; the message is written to ``--map`` (a refused one as
``ID.geweigerd.json`` with its code), and then the envelope is confirmed (WD-KNP-07).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from warm_referral.cli import EXIT_INVALID, EXIT_OK, UsageError

__all__ = ["register_knooppunt"]


def register_knooppunt(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "knooppunt",
        help="deliver sealed messages to a knooppunt, or empty our mailbox there",
        description="A participant's side of the knooppunt (docs/knooppunt.md).",
    )
    sub = parser.add_subparsers(dest="knooppunt_commando", metavar="COMMAND", required=True)

    afleveren = sub.add_parser("afleveren", help="seal messages and deliver them")
    afleveren.add_argument("berichten", nargs="+", type=Path, metavar="BERICHT")
    _gemeenschappelijk(afleveren)
    afleveren.add_argument("--ondertekening-sleutel", type=Path, required=True, metavar="PEM")
    afleveren.add_argument(
        "--ondertekening-keten", type=Path, required=True, metavar="PEM", help="our signing chain"
    )
    afleveren.add_argument(
        "--adresboek", type=Path, required=True, metavar="JWS", help="the signed address book"
    )
    afleveren.add_argument(
        "--adresboek-sleutels", type=Path, required=True, metavar="JWKS", help="NVVK's keys"
    )
    afleveren.set_defaults(handler=_afleveren)

    ophalen = sub.add_parser("ophalen", help="open, store and confirm what waits for us")
    _gemeenschappelijk(ophalen)
    ophalen.add_argument(
        "--sleutel", type=Path, action="append", required=True, metavar="JWK",
        help="our private decryption key (repeat during a key change)",
    )  # fmt: skip
    ophalen.add_argument(
        "--vertrouwd", type=Path, action="append", required=True, metavar="PEM",
        help="the trusted root certificates of signatures",
    )  # fmt: skip
    ophalen.add_argument("--map", type=Path, required=True, help="where opened messages go")
    ophalen.set_defaults(handler=_ophalen)


def _gemeenschappelijk(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", required=True, help="the knooppunt's base URL, e.g. https://h/v1")
    parser.add_argument("--token", help="bearer token (development)")
    parser.add_argument("--cert", type=Path, help="our client certificate (PEM), mutual TLS")
    parser.add_argument("--key", type=Path, help="its private key (PEM)")
    parser.add_argument("--ca", type=Path, help="CA bundle the knooppunt's certificate chains to")


def _client(args: argparse.Namespace) -> Any:
    from .postbus import Postbusclient

    if args.token is None and args.cert is None:
        raise UsageError("give --token or --cert and --key")
    if (args.cert is None) != (args.key is None):
        raise UsageError("--cert needs --key")
    opties: dict[str, Any] = {}
    if args.cert is not None:
        opties["cert"] = (str(args.cert), str(args.key))
    if args.ca is not None:
        opties["verify"] = str(args.ca)
    return Postbusclient.voor(args.url, token=args.token, **opties)


def _afleveren(args: argparse.Namespace) -> int:
    from warm_referral.adresboek import AdresboekError, laad_adresboek, laad_sleutelbos
    from warm_referral.codec.detect import parse_any
    from warm_referral.errors import WarmReferralError
    from warm_referral.knooppunt import kies_versleutelsleutel, lees_envelop, partij_oin, verzegel
    from warm_referral.ondertekening import laad_certificaatsleutel

    from .postbus import KnooppuntRefused

    try:
        boek = laad_adresboek(
            args.adresboek.read_bytes(), laad_sleutelbos(args.adresboek_sleutels), op=date.today()
        )
        ondertekenaar = laad_certificaatsleutel(
            args.ondertekening_sleutel, args.ondertekening_keten
        )
    except (OSError, AdresboekError, WarmReferralError) as exc:
        print(f"warm-referral knooppunt afleveren: {exc}", file=sys.stderr)
        return EXIT_INVALID
    client = _client(args)
    mislukt = 0
    for pad in args.berichten:
        opgeslagen = pad.with_name(pad.stem + ".envelop.json")
        try:
            if opgeslagen.exists():
                envelop = lees_envelop(opgeslagen.read_bytes())  # deliver the same bytes again
            else:
                bericht = pad.read_bytes()
                ontvanger = partij_oin(parse_any(bericht).ontvanger)
                if ontvanger is None:
                    raise ValueError("the ontvanger has no OIN or KvK number")
                try:
                    organisatie = boek.organisatie(ontvanger)
                except KeyError:
                    raise ValueError(f"OIN {ontvanger} is not in the address book") from None
                sleutel = kies_versleutelsleutel(organisatie.sleutels)
                envelop = verzegel(bericht, sleutel, ondertekenaar, datetime.now(timezone.utc))
                opgeslagen.write_bytes(envelop.to_json())
            bewijs = client.lever_af(envelop)
        except (OSError, ValueError, WarmReferralError, KnooppuntRefused) as exc:
            print(f"{pad}: NOT delivered: {exc}", file=sys.stderr)
            mislukt += 1
            continue
        print(f"{pad}: delivered to {bewijs['ontvanger']}, kept until {bewijs['vervaltOp']}")
    return EXIT_INVALID if mislukt else EXIT_OK


def _ophalen(args: argparse.Namespace) -> int:
    from warm_referral.errors import WarmReferralError
    from warm_referral.knooppunt import Geopend, laad_ontsleutelsleutels
    from warm_referral.ondertekening import laad_vertrouwensankers

    from .postbus import verwerk_postbus

    try:
        sleutels = laad_ontsleutelsleutels(*args.sleutel)
        vertrouwd = laad_vertrouwensankers(*args.vertrouwd)
    except (OSError, WarmReferralError) as exc:
        print(f"warm-referral knooppunt ophalen: {exc}", file=sys.stderr)
        return EXIT_INVALID
    args.map.mkdir(parents=True, exist_ok=True)

    def bewaar(geopend: Geopend) -> None:
        envelop = geopend.envelop
        soort = "xml" if geopend.bericht.lstrip().startswith(b"<") else "json"
        (args.map / f"{envelop.bericht_id}.{soort}").write_bytes(geopend.bericht)

    uitkomsten = verwerk_postbus(
        _client(args), sleutels, vertrouwd, lambda: datetime.now(timezone.utc), bewaar
    )
    for uitkomst in uitkomsten:
        if uitkomst.geopend is not None:
            print(
                f"{uitkomst.bericht_id}: {uitkomst.geopend.envelop.berichttype} from "
                f"{uitkomst.geopend.ondertekenaar.oin}, saved"
            )
        else:
            (args.map / f"{uitkomst.bericht_id}.geweigerd.json").write_text(
                json.dumps({"berichtId": uitkomst.bericht_id, "code": uitkomst.geweigerd}),
                encoding="utf-8",
            )
            print(f"{uitkomst.bericht_id}: REFUSED ({uitkomst.geweigerd})")
    print(f"{len(uitkomsten)} envelope(s) handled and confirmed")
    return EXIT_OK
