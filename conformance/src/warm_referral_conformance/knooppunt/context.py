"""What a check of role knooppunt gets: the knooppunt's URL, the participants the kit plays, and
genuinely sealed envelopes to deliver.

The kit seals a synthetic referral with :func:`warm_referral.knooppunt.verzegel`, signed with a
certificate from a throwaway test PKI (:mod:`warm_referral.testing.pki`) that holds the sender's
OIN, and encrypted to a throwaway key: the knooppunt under test can no more read it than a real
one, and the kit knows the plaintext, so it can tell if any of it shows.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from warm_referral.models import Partij

from ..context import Controlecontext, Deelnemer, Doelwit, Klok
from ..http import HttpClient, Toegang, Verbindingen

if TYPE_CHECKING:
    from warm_referral.knooppunt import Envelop
    from warm_referral.ondertekening import Certificaatsleutel

    from ..register import Controle

__all__ = ["ENVELOPVELDEN", "Knooppuntcontext", "Knooppuntdoelwit", "Postbushouder"]

#: What the knooppunt may show of an envelope besides its content (WD-KNP-03, WD-KNP-10).
ENVELOPVELDEN = frozenset(
    {"berichttype", "specVersie", "berichtId", "conversatieId", "afzender", "ontvanger"}
)


@dataclass(frozen=True, slots=True)
class Postbushouder:
    """A participant of the knooppunt the kit acts as: its OIN and how it logs in."""

    oin: str
    toegang: Toegang


@dataclass(frozen=True, slots=True)
class Knooppuntdoelwit:
    url: str
    afzender: Postbushouder
    ontvanger: Postbushouder
    derde: Postbushouder | None = None
    """A bystander: a participant that is neither sender nor recipient."""
    profiel: str = "schuldenknooppunt"
    ca: Path | None = None
    http_timeout: float = 10.0
    seed: int = 0

    def als_doelwit(self) -> Doelwit:
        """The same, in the shape the shared context machinery reads."""
        return Doelwit(
            url=self.url,
            schuldeiser=Deelnemer(
                Partij(naam="afzender", oin=self.afzender.oin), self.afzender.toegang
            ),
            gemeente=Partij(naam="ontvanger", oin=self.ontvanger.oin, gemeentecode="0718"),
            tweede=None
            if self.derde is None
            else Deelnemer(Partij(naam="derde", oin=self.derde.oin), self.derde.toegang),
            operator=self.ontvanger.toegang,
            ca=self.ca,
            http_timeout=self.http_timeout,
            seed=self.seed,
        )


@cache
def _ondertekenaar(oin: str) -> Certificaatsleutel:
    """A signing certificate with ``oin``, from a throwaway test CA (valid for a century)."""
    from warm_referral.ondertekening import laad_certificaatsleutel
    from warm_referral.testing.pki import (
        ca_certificaat,
        nieuwe_sleutel,
        ondertekencertificaat,
        pem,
        sleutel_pem,
    )

    vanaf = datetime(2000, 1, 1, tzinfo=timezone.utc)
    tot = datetime(2099, 12, 31, tzinfo=timezone.utc)
    ca_sleutel, sleutel = nieuwe_sleutel(), nieuwe_sleutel()
    ca = ca_certificaat(ca_sleutel, "Conformancekit Test-CA", vanaf=vanaf, tot=tot)
    certificaat = ondertekencertificaat(
        sleutel, "Conformancekit afzender", oin=oin, uitgever=(ca, ca_sleutel), vanaf=vanaf, tot=tot
    )
    return laad_certificaatsleutel(sleutel_pem(sleutel), pem(certificaat))


@cache
def _versleutelsleutel() -> dict[str, Any]:
    """A throwaway RSA public key (JWK) to seal to: nobody, the kit included, opens it."""
    from warm_referral.testing.pki import nieuwe_sleutel

    getallen = nieuwe_sleutel().public_key().public_numbers()

    def b64(n: int) -> str:
        return (
            base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big"))
            .rstrip(b"=")
            .decode()
        )

    return {
        "kty": "RSA",
        "n": b64(getallen.n),
        "e": b64(getallen.e),
        "kid": "kit-wegwerp",
        "use": "enc",
    }


class Knooppuntcontext(Controlecontext):
    """The shared context (recording, reports), with the knooppunt's participants."""

    def __init__(
        self,
        controle: Controle,
        doelwit: Knooppuntdoelwit,
        verbindingen: Verbindingen,
        klok: Klok,
    ) -> None:
        super().__init__(controle, doelwit.als_doelwit(), verbindingen, klok)
        self.knooppunt = doelwit

    @property
    def afzender(self) -> HttpClient:
        return self._client(self.knooppunt.afzender.toegang, "afzender")

    @property
    def ontvanger(self) -> HttpClient:
        return self._client(self.knooppunt.ontvanger.toegang, "ontvanger")

    @property
    def derde(self) -> HttpClient:
        if self.knooppunt.derde is None:
            self.niet_uitgevoerd("geen derde deelnemer opgegeven (--tweede-token of --tweede-cert)")
        return self._client(self.knooppunt.derde.toegang, "derde")

    # --- envelopes ---------------------------------------------------------------------------

    def bericht(self, bericht_id: str | None = None) -> bytes:
        """A synthetic referral from the sender to the recipient (both by OIN), fresh ids."""
        from warm_referral import parse_json
        from warm_referral.testing.voorbeelden import herdateer

        from ..context import voorbeeld

        basis = parse_json(voorbeeld("verwijzing-gerechtsdeurwaarder-toestemming.json"))
        nieuw = herdateer(
            basis,
            datetime.now(timezone.utc) - timedelta(minutes=5),
            afzender=Partij(naam="Conformancekit afzender", oin=self.knooppunt.afzender.oin),
            ontvanger=Partij(
                naam="Conformancekit ontvanger",
                oin=self.knooppunt.ontvanger.oin,
                gemeentecode="0718",
            ),
        )
        data = json.loads(nieuw.to_json())
        data["berichtId"] = bericht_id or str(uuid.uuid4())
        return json.dumps(data, ensure_ascii=False).encode()

    def envelop(self, bericht_id: str | None = None) -> tuple[bytes, Envelop]:
        """A message and its sealed envelope, ready to deliver."""
        from warm_referral.knooppunt import verzegel

        bericht = self.bericht(bericht_id)
        nu = datetime.now(timezone.utc)
        return bericht, verzegel(
            bericht, _versleutelsleutel(), _ondertekenaar(self.knooppunt.afzender.oin), nu
        )

    def lever_af(self, data: bytes, client: HttpClient | None = None) -> httpx.Response:
        return (client or self.afzender).post(
            "/enveloppen", inhoud=data, content_type="application/json", controleer=False
        )

    def postbus(self, client: HttpClient | None = None) -> list[dict[str, Any]]:
        antwoord = (client or self.ontvanger).get("/postbus", controleer=False)
        if antwoord.status_code != 200:
            self.niet_uitgevoerd(f"GET /postbus gaf {antwoord.status_code}: {antwoord.text[:200]}")
        regels = antwoord.json().get("enveloppen")
        if not isinstance(regels, list):
            self.niet_uitgevoerd("GET /postbus gaf geen lijst 'enveloppen'")
        return regels

    def ids(self, client: HttpClient | None = None) -> list[str]:
        return [str(r.get("berichtId")) for r in self.postbus(client)]

    def haal_op(self, bericht_id: str, client: HttpClient | None = None) -> httpx.Response:
        return (client or self.ontvanger).get(f"/postbus/{bericht_id}", controleer=False)

    def bevestig(self, bericht_id: str, client: HttpClient | None = None) -> httpx.Response:
        return (client or self.ontvanger).verzoek(
            "DELETE", f"/postbus/{bericht_id}", controleer=False
        )

    def zet_klok(self, moment: datetime) -> None:
        """Move the knooppunt's test clock (not run without one)."""
        from warm_referral import format_tijdstip

        antwoord = self.ontvanger.put(
            "/testklok",
            inhoud=json.dumps({"nu": format_tijdstip(moment)}).encode(),
            content_type="application/json",
            controleer=False,
        )
        if antwoord.status_code != 200:
            self.niet_uitgevoerd(
                f"de testklok is niet te zetten (PUT /testklok: {antwoord.status_code})"
            )
        self.klok.zet(moment)

    def lees_klok(self) -> datetime | None:
        from warm_referral import parse_tijdstip

        antwoord = self.ontvanger.get("/testklok", controleer=False)
        if antwoord.status_code != 200:
            return None
        return parse_tijdstip(antwoord.json()["nu"])
