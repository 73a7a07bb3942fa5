"""``warm-referral demo --knooppunt``: a creditor without a direct link reaches a municipality
through the knooppunt, signed and encrypted end to end, and hears back the same way.

A bailiff refers a resident on consent (the spec's example). It has no link with the municipality,
so it signs the Verwijzing and seals it to the key of the debt-help organisation (Schuldhulp
Walcheren) and delivers the envelope to the reference knooppunt. Walcheren empties its mailbox:
it opens the envelope, checks the signature, hands the message to its receiver, confirms the
envelope, and seals the Ontvangstbevestiging back to the bailiff's key; the bailiff fetches and
opens it. Last, the demo shows what the knooppunt kept: envelope fields, no plaintext.

The keys and certificates are made for the demo (:mod:`warm_referral.testing.pki`); in production
each organisation has PKIoverheid certificates and publishes its encryption key in the address
book. Every step is checked; a step that fails stops the demo with :class:`DemoError`.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import httpx

from ..demo import DemoError

if TYPE_CHECKING:
    from joserfc.jwk import RSAKey

    from warm_referral.knooppunt import Geopend
    from warm_referral.ondertekening import Certificaatsleutel, Vertrouwensankers

__all__ = ["draai_knooppuntdemo"]

_NU = datetime(2027, 1, 5, 9, 0, 30, tzinfo=timezone.utc)
_VOORBEELD = "verwijzing-gerechtsdeurwaarder-toestemming.json"
DEURWAARDER = "00000003340123450000"
WALCHEREN = "00000001001234567000"
_TOKENS = {DEURWAARDER: "dev-deurwaarder", WALCHEREN: "dev-operator"}


class _Pki:
    """A demo CA, a signing certificate per organisation, an encryption key per organisation."""

    def __init__(self) -> None:
        from warm_referral.ondertekening import Vertrouwensankers
        from warm_referral.testing.pki import ca_certificaat, nieuwe_sleutel

        self.vanaf = datetime(2026, 1, 1, tzinfo=timezone.utc)
        self.tot = datetime(2028, 1, 1, tzinfo=timezone.utc)
        self._ca_sleutel = nieuwe_sleutel()
        self._ca = ca_certificaat(self._ca_sleutel, "Demo Stam-CA", vanaf=self.vanaf, tot=self.tot)
        self.ankers: Vertrouwensankers = Vertrouwensankers([self._ca])

    def ondertekenaar(self, organisatie: str, oin: str) -> Certificaatsleutel:
        from warm_referral.ondertekening import laad_certificaatsleutel
        from warm_referral.testing.pki import (
            nieuwe_sleutel,
            ondertekencertificaat,
            pem,
            sleutel_pem,
        )

        sleutel = nieuwe_sleutel()
        certificaat = ondertekencertificaat(
            sleutel,
            organisatie,
            oin=oin,
            uitgever=(self._ca, self._ca_sleutel),
            vanaf=self.vanaf,
            tot=self.tot,
        )
        return laad_certificaatsleutel(sleutel_pem(sleutel), pem(certificaat))

    @staticmethod
    def versleutelsleutel(kid: str) -> tuple[dict[str, RSAKey], dict[str, Any]]:
        """Our private key by kid, and the public JWK the address book would publish."""
        from joserfc.jwk import RSAKey

        sleutel = RSAKey.generate_key(2048, parameters={"kid": kid}, private=True)
        return {kid: sleutel}, {**sleutel.as_dict(private=False), "kid": kid, "use": "enc"}


def _deelnemer(url: str, oin: str) -> Any:
    from .postbus import Postbusclient

    return Postbusclient.voor(url, token=_TOKENS[oin])


def draai_knooppuntdemo(map: Path, stroom: TextIO) -> None:
    """Run the scenario with its files in ``map``, printing to ``stroom``."""
    from warm_referral.knooppunt import SCHULDENKNOOPPUNT

    from ..receiver.config import Instellingen
    from ..sender.errors import ReceiverStartError
    from ..sender.ontvangerproces import Ontvangerproces
    from .server import in_een_draad

    ontvanger = Ontvangerproces(map / "ontvanger.sqlite3", log=map / "ontvanger.log")
    try:
        ontvanger.start()
    except ReceiverStartError as exc:
        raise DemoError(f"the receiver did not start: {exc}") from None
    try:
        try:
            with in_een_draad(Instellingen(), map / "knooppunt.sqlite3", SCHULDENKNOOPPUNT) as url:
                _scenario(ontvanger.url, url, map / "knooppunt.sqlite3", stroom)
        except RuntimeError as exc:
            raise DemoError(str(exc)) from None
    finally:
        ontvanger.stop()


def _controleer(voorwaarde: bool, melding: str) -> None:
    if not voorwaarde:
        raise DemoError(melding)


def _scenario(ontvanger_url: str, knooppunt_url: str, db: Path, stroom: TextIO) -> None:
    from importlib.resources import files

    from warm_referral import AMSTERDAM
    from warm_referral.codec.detect import parse_any
    from warm_referral.knooppunt import SCHULDENKNOOPPUNT, verzegel
    from warm_referral.models import Ontvangstbevestiging

    from .postbus import verwerk_postbus

    def uit(tekst: str = "") -> None:
        print(tekst, file=stroom)

    bericht = (files("warm_referral") / "data" / "voorbeelden" / _VOORBEELD).read_bytes()
    verwijzing = json.loads(bericht)
    pki = _Pki()
    deurwaarder_tekent = pki.ondertekenaar("Gerechtsdeurwaarderskantoor Voorbeeld", DEURWAARDER)
    walcheren_tekent = pki.ondertekenaar("Schuldhulp Walcheren", WALCHEREN)
    walcheren_sleutels, walcheren_publiek = pki.versleutelsleutel("walcheren-enc-demo")
    deurwaarder_sleutels, deurwaarder_publiek = pki.versleutelsleutel("deurwaarder-enc-demo")

    uit("Through the knooppunt: a bailiff without a direct link reaches Schuldhulp Walcheren")
    uit("=" * 80)
    with (
        httpx.Client(base_url=ontvanger_url) as gemeente,
        httpx.Client(base_url=knooppunt_url) as beheer,
    ):
        for client, token in ((gemeente, "dev-operator"), (beheer, "dev-operator")):
            zet = client.put(
                "/testklok",
                json={"nu": "2027-01-05T09:00:30Z"},
                headers={"Authorization": f"Bearer {token}"},
            )
            _controleer(zet.status_code == 200, f"the test clock: {zet.status_code} {zet.text}")

        # 1. The bailiff seals and delivers.
        envelop = verzegel(bericht, walcheren_publiek, deurwaarder_tekent, _NU)
        deurwaarder = _deelnemer(knooppunt_url, DEURWAARDER)
        bewijs = deurwaarder.lever_af(envelop)
        uit(
            f"1. bailiff  signs the Verwijzing ({len(bericht)} bytes), seals it to Walcheren's key "
            f"({walcheren_publiek['kid']})"
        )
        uit(
            f"   -> knooppunt: {envelop.berichttype} {envelop.bericht_id} from {envelop.afzender} "
            f"to {envelop.ontvanger}"
        )
        uit(
            f"   knooppunt holds it until {bewijs['vervaltOp']} (unless confirmed: "
            f"{SCHULDENKNOOPPUNT.bewaartermijn_werkdagen} werkdagen)"
        )

        # 2. Walcheren empties its mailbox into its receiver, and answers.
        antwoorden: list[bytes] = []

        def verwerk(geopend: Geopend) -> None:
            afzender_token = _TOKENS.get(geopend.ondertekenaar.oin or "")
            _controleer(afzender_token is not None, "the signer is no participant")
            antwoord = gemeente.post(
                "/berichten",
                content=geopend.bericht,
                headers={
                    "Authorization": f"Bearer {afzender_token}",
                    "Content-Type": "application/json",
                },
            )
            _controleer(antwoord.status_code == 201, f"the receiver: {antwoord.text}")
            antwoorden.append(antwoord.content)

        walcheren = _deelnemer(knooppunt_url, WALCHEREN)
        [uitkomst] = verwerk_postbus(
            walcheren, walcheren_sleutels, pki.ankers, lambda: _NU, verwerk
        )
        _controleer(uitkomst.geopend is not None, f"Walcheren refused it: {uitkomst.geweigerd}")
        assert uitkomst.geopend is not None
        uit(
            "2. Walcheren fetches, decrypts, verifies the signature of OIN "
            f"{uitkomst.geopend.ondertekenaar.oin}, hands it to its receiver, confirms"
        )
        [antwoord] = antwoorden
        bevestiging = parse_any(antwoord)
        _controleer(isinstance(bevestiging, Ontvangstbevestiging), "no Ontvangstbevestiging")
        assert isinstance(bevestiging, Ontvangstbevestiging)
        termijn = bevestiging.contactdeadline.astimezone(AMSTERDAM)
        uit(
            f"   receiver: Ontvangstbevestiging, contact by {termijn:%a %Y-%m-%d %H:%M} (Amsterdam)"
        )
        terug = verzegel(
            antwoord, deurwaarder_publiek, walcheren_tekent, _NU + timedelta(minutes=1)
        )
        walcheren.lever_af(terug)
        uit(
            f"   -> knooppunt: {terug.berichttype} {terug.bericht_id} from {terug.afzender} "
            f"to {terug.ontvanger} (sealed to {deurwaarder_publiek['kid']})"
        )

        # 3. The bailiff fetches the answer.
        ontvangen: list[Geopend] = []
        [terugkomst] = verwerk_postbus(
            deurwaarder,
            deurwaarder_sleutels,
            pki.ankers,
            lambda: _NU + timedelta(minutes=2),
            ontvangen.append,
        )
        _controleer(bool(ontvangen), f"the bailiff refused the answer: {terugkomst.geweigerd}")
        gelezen = parse_any(ontvangen[0].bericht)
        _controleer(
            str(gelezen.conversatie_id) == verwijzing["conversatieId"],
            "the answer belongs to another conversation",
        )
        uit(
            f"3. bailiff  fetches and opens the {gelezen.berichttype} (signed by "
            f"{ontvangen[0].ondertekenaar.oin}): the incassostop runs, the municipality calls"
        )

        # 4. What the knooppunt kept.
        _controleer(
            walcheren.postbus() == [] and deurwaarder.postbus() == [], "mailboxes not empty"
        )
        verbinding = sqlite3.connect(str(db))
        try:
            rijen = verbinding.execute(
                "SELECT berichttype, afzender, ontvanger, status FROM aflevering ORDER BY volgnummer"
            ).fetchall()
        finally:
            verbinding.close()
        opslag = db.read_bytes()
        persoon = verwijzing["hulpvrager"]["geslachtsnaam"].encode()
        inhoud = base64.urlsafe_b64encode(bericht).rstrip(b"=")[:32]
        _controleer(persoon not in opslag and inhoud not in opslag, "plaintext at the knooppunt")
        uit("4. the knooppunt kept only envelope fields:")
        for soort, afzender, ontvanger, status in rijen:
            uit(f"     {soort:22} {afzender} -> {ontvanger}  {status}")
        uit(
            f"   its database holds no plaintext (searched for the resident's name "
            f"{persoon.decode()!r}: not found)"
        )
