"""The demo's network: two receivers, one signed address book, a sender routing by address.

The demo plays NVVK with a throwaway key made for the run: it signs an address book in which
Schuldhulp Walcheren (the regional organisation) serves Vlissingen, Middelburg and Veere at the
demo's first receiver, and Gemeente Goes serves itself at the second; Terneuzen has no
organisation. Both receivers are configured with the book and their own OIN (WD-ADR-07/08). A
creditor's :class:`~.sender.netwerk.Netwerkverzender` then routes four referrals by the
customer's address alone: two reach their organisation's receiver, and an unknown address and a
municipality without an organisation are refused before anything is queued.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .deelnemers import DEV_REGISTER, DEV_TOKENS
from .sender.ontvangerproces import vrije_poort

if TYPE_CHECKING:
    from .demo import _Uitvoer

__all__ = ["Demonetwerk"]

WALCHEREN_OIN = "00000001001234567000"
GOES_OIN = "00000001003456789000"
#: (label, postcode, house number, expected: the organisation's id or the error's name)
_ADRESSEN = (
    ("E", "4331AA", 1, "schuldhulp-walcheren"),
    ("F", "4461AA", 1, "gemeente-goes"),
    ("G", "9999ZZ", 1, "UnknownPostcode"),
    ("H", "4531AB", 1, "NoReceiver"),
)


def _demo_fout(tekst: str) -> Exception:
    from .demo import DemoError

    return DemoError(tekst)


def _register() -> dict[str, Any]:
    """The development register with the demo's network: Evides has agreements with all four
    municipalities; both organisations are listed without gemeentecodes, so each receiver takes
    them from the signed address book (one truth)."""
    shipped = files("warm_referral_reference") / "data" / DEV_REGISTER
    document: dict[str, Any] = json.loads(shipped.read_text(encoding="utf-8"))
    for schuldeiser in document["schuldeisers"]:
        if schuldeiser["id"] == "evides":
            for afspraak in schuldeiser["afspraken"]:
                afspraak["gemeentecodes"] = ["0664", "0687", "0717", "0718"]
    document["organisaties"] = [
        {"id": "walcheren", "naam": "Schuldhulp Walcheren", "oin": WALCHEREN_OIN},
        {"id": "goes", "naam": "Gemeente Goes", "oin": GOES_OIN},
    ]
    return document


def _organisatie(id_: str, naam: str, oin: str, poort: int) -> dict[str, Any]:
    url = f"http://127.0.0.1:{poort}/v1"
    return {
        "id": id_,
        "naam": naam,
        "oin": oin,
        "eindpunten": [{"binding": "rest", "url": url, "specVersies": ["1.0"]}],
    }


def _gemeente(code: str, naam: str, organisatie: str) -> dict[str, Any]:
    return {
        "gemeentecode": code,
        "naam": naam,
        "organisatie": organisatie,
        "afsprakenprofiel": {"naam": "nvvk-pilot", "versie": "1.0"},
        "geldigVanaf": "2023-01-01",
    }


@dataclass
class Demonetwerk:
    map: Path
    walcheren_poort: int
    goes_poort: int

    @property
    def boek(self) -> Path:
        return self.map / "adresboek.jws"

    @property
    def sleutels(self) -> Path:
        return self.map / "nvvk-demo.jwks.json"

    @property
    def walcheren_config(self) -> Path:
        return self.map / "ontvanger-walcheren.json"

    @property
    def goes_config(self) -> Path:
        return self.map / "ontvanger-goes.json"

    @classmethod
    def maak(cls, map_: Path) -> Demonetwerk:
        """Pick the ports, sign the book with a fresh key, write both receivers' configs."""
        from joserfc.jwk import ECKey

        from warm_referral.adresboek import Ondertekensleutel, onderteken

        netwerk = cls(map_, vrije_poort(), vrije_poort())
        sleutel = Ondertekensleutel(ECKey.generate_key("P-256"), "nvvk-demo")
        document = {
            "formaat": "warm-referral-adresboek/1",
            "editie": 1,
            "uitgever": {"naam": "NVVK (demo)", "oin": "00000003409876540000"},
            "uitgegevenOp": "2025-12-01T09:00:00Z",
            # Valid around today: the routed referrals are dated now (a late one is refused).
            "geldigVanaf": "2020-01-01",
            "geldigTot": f"{date.today().year + 2}-12-31",
            "organisaties": [
                _organisatie(
                    "schuldhulp-walcheren", "Schuldhulp Walcheren", WALCHEREN_OIN,
                    netwerk.walcheren_poort,
                ),
                _organisatie("gemeente-goes", "Gemeente Goes", GOES_OIN, netwerk.goes_poort),
            ],
            "gemeenten": [
                _gemeente("0718", "Vlissingen", "schuldhulp-walcheren"),
                _gemeente("0687", "Middelburg", "schuldhulp-walcheren"),
                _gemeente("0717", "Veere", "schuldhulp-walcheren"),
                _gemeente("0664", "Goes", "gemeente-goes"),
            ],
        }  # fmt: skip
        netwerk.boek.write_text(onderteken(json.dumps(document).encode(), sleutel) + "\n")
        netwerk.sleutels.write_text(json.dumps({"keys": [sleutel.publiek()]}))
        register = netwerk.map / "deelnemersregister.json"
        register.write_text(json.dumps(_register(), indent=2))
        for pad, oin, tokens in (
            (netwerk.walcheren_config, WALCHEREN_OIN, DEV_TOKENS),
            (netwerk.goes_config, GOES_OIN, {"dev-evides": "evides", "dev-goes": "goes"}),
        ):
            config = {
                "deelnemersregister": register.name,
                "tokens": dict(tokens),
                "adresboek": {
                    "bestand": netwerk.boek.name,
                    "sleutels": netwerk.sleutels.name,
                    "organisatie": oin,
                },
            }
            pad.write_text(json.dumps(config, indent=2))
        return netwerk

    async def routeer(self, uit: _Uitvoer) -> None:
        """Route four referrals by address alone; check and print where each went."""
        import httpx

        from warm_referral.adresboek import AdresboekError
        from warm_referral.adressen import AdresError, Gemeentezoeker
        from warm_referral.adressen.voorbeeld import voorbeeldindex
        from warm_referral.models import Adres

        from .sender.bouwen import synthetische_verwijzing
        from .sender.client import Retrybeleid
        from .sender.netwerk import Geplaatst, Netwerkverzender
        from .sender.routering import Adresboekbron, Verwijzingsrouter, ontvanger_voor

        # The referrals are dated now: the receivers refuse a late one (its profile's rule). The
        # first receiver's test clock is still where the demo above left it; bring it to now.
        verwezen_op = datetime.now(timezone.utc).replace(microsecond=0)
        async with httpx.AsyncClient(timeout=10.0) as client:
            antwoord = await client.put(
                f"http://127.0.0.1:{self.walcheren_poort}/v1/testklok",
                json={"nu": verwezen_op.isoformat().replace("+00:00", "Z")},
                headers={"Authorization": "Bearer dev-operator"},
            )
            if antwoord.status_code != 200:
                raise _demo_fout(f"moving the test clock: {antwoord.status_code} {antwoord.text}")
        router = Verwijzingsrouter(
            Adresboekbron(self.boek, self.sleutels), Gemeentezoeker([voorbeeldindex(2025)])
        )
        regels: dict[str, str] = {}
        geplaatst: dict[str, Geplaatst] = {}
        async with Netwerkverzender(
            router,
            self.map / "netwerk",
            token="dev-evides",
            beleid=Retrybeleid(basis=0.05, plafond=0.5),
        ) as netwerk:
            for nummer, (label, postcode, huisnummer, verwacht) in enumerate(_ADRESSEN, 11):
                kaal = synthetische_verwijzing(nummer, verwezen_op=verwezen_op)
                adres = Adres(straatnaam="Markt", huisnummer=huisnummer, postcode=postcode,
                              woonplaats="Zeeland")  # fmt: skip
                verwijzing = kaal.model_copy(
                    update={"hulpvrager": kaal.hulpvrager.model_copy(update={"adres": adres})}
                )
                try:
                    route = router.route_adres(verwijzing)
                    verwijzing = verwijzing.model_copy(update={"ontvanger": ontvanger_voor(route)})
                    plaats = await netwerk.enqueue(verwijzing)
                except (AdresError, AdresboekError) as exc:
                    if type(exc).__name__ != verwacht:
                        raise _demo_fout(
                            f"{label}: {postcode} gave {exc!r}, not {verwacht}"
                        ) from None
                    regels[label] = (
                        f"   {label}  {postcode} {huisnummer:<3} refused before sending: "
                        f"{type(exc).__name__}: {exc}"
                    )
                    continue
                assert isinstance(plaats, Geplaatst)
                if plaats.route.organisatie.id != verwacht:
                    raise _demo_fout(f"{label}: routed to {plaats.route.organisatie.id}")
                geplaatst[label] = plaats
            if len(netwerk.verzenders) != 2:
                raise _demo_fout("the two referrals should have two receivers")
            rapporten = await netwerk.verzend_alles(opgeven_na=15)
            if any(r.openstaand or r.geweigerd for r in rapporten.values()):
                raise _demo_fout(f"sending by address failed: {rapporten}")
            async with httpx.AsyncClient(timeout=10.0) as client:
                for label, plaats in geplaatst.items():
                    route = plaats.route
                    token = "dev-operator" if label == "E" else "dev-goes"
                    antwoord = await client.get(
                        f"{route.eindpunt.url}/verwijzingen/{plaats.uitgaand.conversatie_id}",
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    if antwoord.status_code != 200:
                        raise _demo_fout(
                            f"{label}: the operator of {route.organisatie.naam} cannot see it "
                            f"({antwoord.status_code})"
                        )
                    regels[label] = (
                        f"   {label}  {route.vondst.adres.postcode} "
                        f"{route.vondst.adres.huisnummer:<3} -> gemeente {route.gemeentecode} "
                        f"{route.vermelding.gemeente.naam} -> {route.organisatie.naam} at "
                        f"{route.eindpunt.url}: received ({antwoord.json()['toestand']})"
                    )
                # The receiver's own check: Goes refuses a referral for Vlissingen (WD-ADR-07).
                vlissingen = synthetische_verwijzing(19, verwezen_op=verwezen_op)
                goes_url = f"http://127.0.0.1:{self.goes_poort}/v1"
                antwoord = await client.post(
                    f"{goes_url}/berichten",
                    content=vlissingen.to_json(),
                    headers={"Authorization": "Bearer dev-evides",
                             "Content-Type": "application/json"},
                )  # fmt: skip
                soort = str(antwoord.json().get("type", "")).rsplit("/", 1)[-1]
                if antwoord.status_code != 422 or soort != "gemeente-niet-bediend":
                    raise _demo_fout(
                        f"Goes's receiver answered {antwoord.status_code} {soort} to a referral "
                        "for Vlissingen"
                    )
        uit()
        uit.kop("The network: routing by the customer's address through the signed address book")
        uit("   address book edition 1, signed with the demo's NVVK key (verified on every load):")
        uit("   Schuldhulp Walcheren serves 0718 Vlissingen, 0687 Middelburg and 0717 Veere;")
        uit("   Gemeente Goes serves 0664; Terneuzen (0715) has no organisation.")
        uit("   Two receivers, one sender that knows only each customer's address:")
        for label in sorted(regels):
            uit(regels[label])
        uit(
            "   A referral for Vlissingen sent straight to Goes's receiver: 422 "
            "gemeente-niet-bediend (the receiver checks the address book too)."
        )
