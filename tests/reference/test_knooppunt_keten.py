"""The whole chain through the reference knooppunt, with signing and encryption on (issue 19):
a bailiff (no direct link, a referral on consent) seals a Verwijzing to the municipality's key;
the knooppunt stores the envelope; the municipality's debt-help organisation fetches it, opens it,
checks the signature, hands the message to its receiver, seals the Ontvangstbevestiging back to the
bailiff's key; the bailiff fetches and opens it. Tampering is refused at the receiving side."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import ECKey
from knooppunt_support import (
    DEURWAARDER,
    NU,
    WALCHEREN,
    ankers,
    auth,
    deurwaarder_ondertekenaar,
    running_knooppunt,
    verzegelde_verwijzing,
    walcheren_ondertekenaar,
    walcheren_sleutels,
)
from receiver_support import Api, running_receiver
from starlette.testclient import TestClient
from warm_referral_reference.deelnemers import dev_deelnemers
from warm_referral_reference.knooppunt.deelnemers import oin_van
from warm_referral_reference.knooppunt.postbus import Postbusclient, Verwerkt, verwerk_postbus

from warm_referral.codec.detect import parse_any
from warm_referral.knooppunt import Envelop, Geopend, verzegel

DEURWAARDER_KID = "deurwaarder-enc-2027"


@pytest.fixture(scope="module")
def deurwaarder_sleutel() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": DEURWAARDER_KID}, private=True)


@pytest.fixture
def knooppunt(tmp_path: Path) -> Iterator[TestClient]:
    with running_knooppunt(tmp_path / "knooppunt.sqlite3") as client:
        yield client


@pytest.fixture
def ontvanger(tmp_path: Path) -> Iterator[Api]:
    with running_receiver(tmp_path) as api:
        api.zet_klok("2027-01-05T09:01:00Z")
        yield api


def _postbus_van(knooppunt: TestClient, oin: str) -> Postbusclient:
    """The knooppunt as one participant sees it (its credentials on every request)."""

    class _Als:
        def __getattr__(self, naam: str) -> Any:
            methode = getattr(knooppunt, naam)

            def met_token(*args: Any, **kwargs: Any) -> Any:
                kwargs["headers"] = {**auth(oin), **kwargs.get("headers", {})}
                return methode(*args, **kwargs)

            return met_token

    return Postbusclient(_Als())  # type: ignore[arg-type]


def _token_van_ondertekenaar(oin: str | None) -> str:
    """The municipality's adapter hands a message to its receiver as the organisation that
    signed it (the signature, checked, is the sender's proof of identity on this route)."""
    deelnemer = next(d for d in dev_deelnemers() if oin_van(d) == oin)
    assert deelnemer.token is not None
    return deelnemer.token


def _gemeente_verwerkt(
    ontvanger: Api, knooppunt: TestClient, deurwaarder_publiek: dict[str, Any]
) -> tuple[list[Verwerkt], list[Envelop]]:
    """The debt-help organisation's round: open, hand to the receiver, seal the answer back."""
    antwoorden: list[Envelop] = []

    def verwerk(geopend: Geopend) -> None:
        antwoord = ontvanger.post(
            "/v1/berichten",
            _token_van_ondertekenaar(geopend.ondertekenaar.oin),
            content=geopend.bericht,
            content_type="application/json",
        )
        assert antwoord.status_code == 201, antwoord.text
        verzegeld = verzegel(
            antwoord.content,
            deurwaarder_publiek,
            walcheren_ondertekenaar(),
            NU + timedelta(minutes=1),
        )
        _postbus_van(knooppunt, WALCHEREN).lever_af(verzegeld)
        antwoorden.append(verzegeld)

    uitkomsten = verwerk_postbus(
        _postbus_van(knooppunt, WALCHEREN), walcheren_sleutels(), ankers(), lambda: NU, verwerk
    )
    return uitkomsten, antwoorden


@pytest.mark.eis("WD-VSL-01", "WD-VSL-04", "WD-KNP-01", "WD-KNP-03", "WD-KNP-04", "WD-KNP-08")
def test_creditor_to_municipality_and_back_through_the_knooppunt(
    knooppunt: TestClient, ontvanger: Api, deurwaarder_sleutel: ECKey
) -> None:
    publiek = {**deurwaarder_sleutel.as_dict(private=False), "kid": DEURWAARDER_KID, "use": "enc"}
    bericht, envelop = verzegelde_verwijzing()
    verwijzing = json.loads(bericht)

    # The bailiff delivers; the knooppunt keeps it in Walcheren's mailbox.
    bewijs = _postbus_van(knooppunt, DEURWAARDER).lever_af(envelop)
    assert bewijs["ontvanger"] == WALCHEREN

    # The municipality's round: opened, verified, processed, answered, confirmed.
    [uitkomst], [antwoord_envelop] = _gemeente_verwerkt(ontvanger, knooppunt, publiek)
    assert uitkomst.geweigerd is None and uitkomst.geopend is not None
    assert uitkomst.geopend.bericht == bericht  # the exact bytes the bailiff signed
    assert uitkomst.geopend.ondertekenaar.oin == DEURWAARDER
    assert _postbus_van(knooppunt, WALCHEREN).postbus() == []
    dossier = ontvanger.get(f"/v1/verwijzingen/{verwijzing['conversatieId']}", "dev-operator")
    assert dossier.status_code == 200
    # The answer is due within the profile's 10 werkdagen; it came at once.
    assert antwoord_envelop.berichttype == "Ontvangstbevestiging"
    assert (antwoord_envelop.afzender, antwoord_envelop.ontvanger) == (WALCHEREN, DEURWAARDER)

    # The bailiff fetches the Ontvangstbevestiging and opens it with its own key.
    ontvangen: list[Geopend] = []
    [terug] = verwerk_postbus(
        _postbus_van(knooppunt, DEURWAARDER),
        {DEURWAARDER_KID: deurwaarder_sleutel},
        ankers(),
        lambda: NU + timedelta(minutes=2),
        ontvangen.append,
    )
    assert terug.geweigerd is None
    [geopend] = ontvangen
    bevestiging = parse_any(geopend.bericht)
    assert bevestiging.berichttype == "Ontvangstbevestiging"
    assert str(bevestiging.conversatie_id) == verwijzing["conversatieId"]
    assert geopend.ondertekenaar.oin == WALCHEREN
    assert _postbus_van(knooppunt, DEURWAARDER).postbus() == []


def _anders(teken: str) -> str:
    return "A" if teken != "A" else "B"


def _geknoeid_inhoud(envelop: Envelop) -> bytes:
    """One character of the ciphertext changed (the router, or anyone on the way)."""
    delen = envelop.inhoud.split(".")
    midden = len(delen[3]) // 2
    delen[3] = delen[3][:midden] + _anders(delen[3][midden]) + delen[3][midden + 1 :]
    return json.dumps(json.loads(envelop.to_json()) | {"inhoud": ".".join(delen)}).encode()


def _geknoeid_veld(envelop: Envelop) -> bytes:
    """The envelope says another conversation than the message inside."""
    anders = "0f0e0d0c-0b0a-4908-8706-050403020100"
    return json.dumps(json.loads(envelop.to_json()) | {"conversatieId": anders}).encode()


@pytest.mark.eis("WD-VSL-04")
@pytest.mark.parametrize(
    ("knoeien", "code"),
    [(_geknoeid_inhoud, "ontsleutelen_mislukt"), (_geknoeid_veld, "envelop_wijkt_af")],
)
def test_a_tampered_message_is_refused_at_the_municipality(
    knooppunt: TestClient, ontvanger: Api, deurwaarder_sleutel: ECKey, knoeien: Any, code: str
) -> None:
    publiek = {**deurwaarder_sleutel.as_dict(private=False), "kid": DEURWAARDER_KID, "use": "enc"}
    _, envelop = verzegelde_verwijzing()
    # The knooppunt cannot tell: it accepts what fits the envelope's schema.
    _postbus_van(knooppunt, DEURWAARDER).lever_af(knoeien(envelop))

    [uitkomst], antwoorden = _gemeente_verwerkt(ontvanger, knooppunt, publiek)
    assert (uitkomst.geweigerd, uitkomst.geopend, antwoorden) == (code, None, [])
    # Nothing reached the receiver, and the refused envelope left the mailbox (confirmed).
    lijst = ontvanger.get("/v1/verwijzingen", "dev-operator").json()
    assert lijst["verwijzingen"] == []
    assert _postbus_van(knooppunt, WALCHEREN).postbus() == []


def test_a_signature_by_another_than_the_sender_is_refused(
    knooppunt: TestClient, ontvanger: Api, deurwaarder_sleutel: ECKey
) -> None:
    """Walcheren's own key signs a message that says the bailiff sent it: sealing refuses it
    already; forged by hand, the municipality refuses it (ondertekenaar_niet_afzender)."""
    bericht, envelop = verzegelde_verwijzing()
    from warm_referral.ondertekening import onderteken

    inhoud = {
        "bericht": base64.urlsafe_b64encode(bericht).rstrip(b"=").decode(),
        "handtekening": onderteken(bericht, walcheren_ondertekenaar(), NU).kop,
    }
    from joserfc import jwe

    from warm_referral.knooppunt.verzegeling import TYP

    kid = "walcheren-enc-2026"
    sleutel = walcheren_sleutels()[kid]
    vervalst = jwe.encrypt_compact(
        {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": kid, "typ": TYP},
        json.dumps(inhoud).encode(),
        sleutel,
    )
    data = json.dumps(json.loads(envelop.to_json()) | {"inhoud": vervalst}).encode()
    _postbus_van(knooppunt, DEURWAARDER).lever_af(data)
    publiek = {**deurwaarder_sleutel.as_dict(private=False), "kid": DEURWAARDER_KID, "use": "enc"}
    [uitkomst], antwoorden = _gemeente_verwerkt(ontvanger, knooppunt, publiek)
    assert uitkomst.geweigerd == "ondertekenaar_niet_afzender"
    assert antwoorden == []
    assert deurwaarder_ondertekenaar().oin == DEURWAARDER
