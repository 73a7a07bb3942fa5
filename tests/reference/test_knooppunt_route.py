"""The reference services on the route through a knooppunt (issue 19). ``serve receiver`` with a
``knooppunt`` object in its configuration empties its own mailbox at the knooppunt, takes each
message in as the creditor whose signature it carries, and forwards the creditor's postvak (the
Ontvangstbevestiging first) sealed to the creditor's key from the address book. The sender with
``--via-knooppunt`` (``Knooppuntverzender``) seals and delivers, and empties its own mailbox into
its inbox.

Real pieces throughout: the reference knooppunt under uvicorn in a thread, the receiver app with
its lifespan (the route runs there, as in ``serve receiver``), the published test PKI and keys,
and a signed address book that lists the bailiff with an encryption key. Real time, no test
clocks: the referral is dated a minute ago."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from adresboek_support import schrijf_boek, voorbeeld
from joserfc.jwk import ECKey
from knooppunt_support import (
    DEURWAARDER,
    PKI,
    VERWIJZING,
    WALCHEREN,
    ankers,
    deurwaarder_ondertekenaar,
    walcheren_publiek,
)
from paths import SPEC
from receiver_support import OPERATOR, running_receiver
from warm_referral_reference.knooppunt.postbus import Postbusclient, verwerk_postbus
from warm_referral_reference.knooppunt.server import in_een_draad
from warm_referral_reference.receiver.config import Instellingen, Modus
from warm_referral_reference.receiver.errors import ConfigError

from warm_referral import parse_json
from warm_referral.codec.detect import parse_any
from warm_referral.knooppunt import SCHULDENKNOOPPUNT, Geopend, verzegel
from warm_referral.models import Ontvangstbevestiging
from warm_referral.testing.voorbeelden import herdateer

DEURWAARDER_KID = "deurwaarder-enc-test"


@pytest.fixture(scope="module")
def deurwaarder_sleutel() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": DEURWAARDER_KID}, private=True)


@pytest.fixture
def knooppunt(tmp_path: Path) -> Iterator[str]:
    with in_een_draad(Instellingen(), tmp_path / "knooppunt.sqlite3", SCHULDENKNOOPPUNT) as url:
        yield url


def _deelnemer(url: str, token: str) -> Postbusclient:
    return Postbusclient.voor(url, token=token)


def _config(map_: Path, knooppunt_url: str, deurwaarder_sleutel: ECKey, **extra: Any) -> Path:
    """The receiver of Schuldhulp Walcheren: the address book (which now lists the bailiff with
    its encryption key), the signing profile, and the route."""
    boek = voorbeeld()
    boek["organisaties"].append(
        {
            "id": "deurwaarder",
            "naam": "Gerechtsdeurwaarderskantoor Voorbeeld",
            "oin": DEURWAARDER,
            "eindpunten": [
                {
                    "binding": "knooppunt",
                    "url": knooppunt_url,
                    "tlsCertificaten": ["ab" * 32],
                    "specVersies": ["1.0", "1.1"],
                }
            ],
            "sleutels": [{**deurwaarder_sleutel.as_dict(private=False), "use": "enc"}],
        }
    )
    schrijf_boek(map_, boek)
    (map_ / "stam.pem").write_bytes((PKI / "stam-ca.pem").read_bytes())
    config = {
        "adresboek": {"bestand": "adresboek.jws", "sleutels": "nvvk.jwks.json",
                      "organisatie": WALCHEREN},
        "ondertekening": {"vertrouwensankers": ["stam.pem"], "vereist": True},
        "knooppunt": {
            "url": knooppunt_url,
            "token": "dev-operator",
            "ontsleutelsleutels": [
                str(SPEC / "knooppunt" / "walcheren-testsleutel.prive.jwk.json")
            ],
            "ondertekening": {
                "sleutel": str(PKI / "walcheren-ondertekening.sleutel.pem"),
                "keten": str(PKI / "walcheren-ondertekening.keten.pem"),
            },
            "interval": 0.2,
        },
        **extra,
    }  # fmt: skip
    pad = map_ / "ontvanger.json"
    pad.write_text(json.dumps(config), encoding="utf-8")
    return pad


def _verwijzing() -> bytes:
    bericht = herdateer(
        parse_json(VERWIJZING.read_bytes()), datetime.now(timezone.utc) - timedelta(minutes=1)
    )
    return bytes(bericht.to_json())


def _wacht_op(voorwaarde: Any, seconden: float = 30.0) -> Any:
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        uitkomst = voorwaarde()
        if uitkomst:
            return uitkomst
        time.sleep(0.1)
    raise AssertionError("the knooppunt route did not get there in time")


def _haal_op(deurwaarder: Postbusclient, sleutel: ECKey) -> list[Geopend]:
    geopend: list[Geopend] = []
    verwerk_postbus(
        deurwaarder,
        {DEURWAARDER_KID: sleutel},
        ankers(),
        lambda: datetime.now(timezone.utc),
        geopend.append,
    )
    return geopend


@pytest.mark.eis("WD-VSL-01", "WD-VSL-04", "WD-KNP-03", "WD-KNP-04", "WD-OND-10")
def test_a_referral_through_the_knooppunt_is_taken_in_and_acknowledged_the_same_way(
    tmp_path: Path, knooppunt: str, deurwaarder_sleutel: ECKey, caplog: pytest.LogCaptureFixture
) -> None:
    instellingen = Instellingen.laad(
        _config(tmp_path, knooppunt, deurwaarder_sleutel), Modus.ONTWIKKELING
    )
    deurwaarder = _deelnemer(knooppunt, "dev-deurwaarder")
    bericht = _verwijzing()
    envelop = verzegel(
        bericht, walcheren_publiek(), deurwaarder_ondertekenaar(), datetime.now(timezone.utc)
    )
    deurwaarder.lever_af(envelop)
    walcheren = _deelnemer(knooppunt, "dev-operator")

    with running_receiver(tmp_path, instellingen) as api:
        # The route (in the receiver's lifespan) takes it in as the bailiff, who signed it.
        lijst = _wacht_op(lambda: api.get("/v1/verwijzingen", OPERATOR).json()["verwijzingen"])
        assert [v["conversatieId"] for v in lijst] == [str(envelop.conversatie_id)]
        # ... confirms the envelope, and seals the Ontvangstbevestiging to the bailiff's key.
        _wacht_op(lambda: walcheren.postbus() == [])
        antwoorden = _wacht_op(lambda: _haal_op(deurwaarder, deurwaarder_sleutel))
    [antwoord] = antwoorden
    assert antwoord.ondertekenaar.oin == WALCHEREN
    bevestiging = parse_any(antwoord.bericht)
    assert isinstance(bevestiging, Ontvangstbevestiging)
    assert str(bevestiging.conversatie_id) == str(envelop.conversatie_id)
    assert antwoord.envelop.ontvanger == DEURWAARDER

    # A restart forwards the postvak again, sealed anew: the knooppunt keeps each berichtId
    # once (409 for our own), so nothing arrives twice and the round does not fail.
    caplog.clear()
    with caplog.at_level("INFO"), running_receiver(tmp_path, instellingen):
        _wacht_op(lambda: "0 taken in, 0 refused, 1 forwarded" in caplog.text)
    assert "round failed" not in caplog.text
    assert _haal_op(deurwaarder, deurwaarder_sleutel) == []


def test_a_message_from_a_signer_that_is_no_creditor_is_refused_and_confirmed(
    tmp_path: Path, knooppunt: str, deurwaarder_sleutel: ECKey, caplog: pytest.LogCaptureFixture
) -> None:
    """A referral that Schuldhulp Walcheren itself signs and sends (its own OIN as afzender):
    the envelope opens, but on this route the verified signer is who sends, and Walcheren is no
    creditor here. Nothing is stored, and the envelope is confirmed rather than left to expire."""
    from knooppunt_support import walcheren_ondertekenaar

    from warm_referral.models import Partij

    instellingen = Instellingen.laad(
        _config(tmp_path, knooppunt, deurwaarder_sleutel), Modus.ONTWIKKELING
    )
    bericht = herdateer(
        parse_json(VERWIJZING.read_bytes()),
        datetime.now(timezone.utc) - timedelta(minutes=1),
        afzender=Partij(naam="Schuldhulp Walcheren", oin=WALCHEREN),
    )
    walcheren = _deelnemer(knooppunt, "dev-operator")
    walcheren.lever_af(
        verzegel(
            bytes(bericht.to_json()),
            walcheren_publiek(),
            walcheren_ondertekenaar(),
            datetime.now(timezone.utc),
        )
    )
    with caplog.at_level("WARNING"), running_receiver(tmp_path, instellingen) as api:
        _wacht_op(lambda: walcheren.postbus() == [])
        assert api.get("/v1/verwijzingen", OPERATOR).json()["verwijzingen"] == []
    assert f"signer {WALCHEREN} is no creditor here" in caplog.text


@pytest.mark.parametrize(
    ("wijziging", "melding"),
    [
        ({"url": "ftp://x"}, "'url' must be the knooppunt's base URL"),
        ({"token": None, "cert": "c.pem"}, "'cert' and 'key' go together"),
        ({"ontsleutelsleutels": []}, "'ontsleutelsleutels' must list"),
        ({"ondertekening": {"sleutel": "x.pem"}}, "'ondertekening' must be"),
        ({"interval": 0}, "'interval' must be a positive number"),
        ({"verkeerd": 1}, "unknown keys verkeerd"),
        ({"ontsleutelsleutels": ["weg.jwk.json"]}, "weg.jwk.json"),
    ],
)
def test_a_wrong_knooppunt_configuration_stops_the_receiver(
    tmp_path: Path, deurwaarder_sleutel: ECKey, wijziging: dict[str, Any], melding: str
) -> None:
    pad = _config(tmp_path, "http://127.0.0.1:1/v1", deurwaarder_sleutel)
    config = json.loads(pad.read_text(encoding="utf-8"))
    config["knooppunt"].update(wijziging)
    config["knooppunt"] = {k: v for k, v in config["knooppunt"].items() if v is not None}
    pad.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ConfigError, match=melding):
        Instellingen.laad(pad, Modus.ONTWIKKELING)


def test_the_route_needs_the_signing_profile_and_the_address_book(
    tmp_path: Path, deurwaarder_sleutel: ECKey
) -> None:
    pad = _config(tmp_path, "http://127.0.0.1:1/v1", deurwaarder_sleutel)
    config = json.loads(pad.read_text(encoding="utf-8"))
    del config["ondertekening"]
    pad.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ConfigError, match="'knooppunt' needs 'ondertekening'"):
        Instellingen.laad(pad, Modus.ONTWIKKELING)


@pytest.mark.eis("WD-VSL-01", "WD-VSL-04", "WD-KNP-02")
def test_the_reference_sender_and_receiver_both_on_the_route(
    tmp_path: Path, knooppunt: str, deurwaarder_sleutel: ECKey
) -> None:
    """The bailiff's ``Knooppuntverzender``: its outbox seals and delivers the Verwijzing (the
    knooppunt's receipt ends the attempts), the receiver's route takes it in and seals the
    Ontvangstbevestiging back, and the bailiff's inbox opens it from its mailbox."""
    import asyncio

    from warm_referral_reference.sender.knooppunt import Knooppuntverzender
    from warm_referral_reference.sender.outbox import Outbox, Status

    from warm_referral.adresboek import laad_adresboek, laad_sleutelbos

    instellingen = Instellingen.laad(
        _config(tmp_path, knooppunt, deurwaarder_sleutel), Modus.ONTWIKKELING
    )
    boek = laad_adresboek(
        (tmp_path / "adresboek.jws").read_bytes(), laad_sleutelbos(tmp_path / "nvvk.jwks.json")
    )
    outbox = Outbox(tmp_path / "deurwaarder.sqlite3")
    verwijzing = parse_json(_verwijzing())

    async def scenario() -> None:
        verzender = Knooppuntverzender(
            outbox,
            knooppunt,
            adresboek=boek,
            ondertekening=deurwaarder_ondertekenaar(),
            ontsleutelsleutels={DEURWAARDER_KID: deurwaarder_sleutel},
            vertrouwd=ankers(),
            token="dev-deurwaarder",
        )
        try:
            await verzender.enqueue(verwijzing)
            rapport = await verzender.verzend_alles()
            assert rapport.bevestigd == 1, rapport
            # Delivered again (a retry after a lost receipt): sealed anew, the same berichtId.
            [rij] = outbox.alle_uitgaand()
            await verzender._poging(rij, rapport)
            assert rapport.bevestigd == 2 and rapport.geweigerd == 0
            with running_receiver(tmp_path, instellingen) as api:
                lijst = await asyncio.to_thread(
                    _wacht_op,
                    lambda: api.get("/v1/verwijzingen", OPERATOR).json()["verwijzingen"],
                )
                assert len(lijst) == 1
                nieuw: list[Any] = []
                for _ in range(100):
                    nieuw += await verzender.haal_postvak()
                    if nieuw:
                        break
                    await asyncio.sleep(0.1)
        finally:
            await verzender.aclose()
        assert [r.berichttype for r in nieuw] == ["Ontvangstbevestiging"]

    asyncio.run(scenario())
    [rij] = outbox.alle_uitgaand()
    assert rij.status is Status.ACKNOWLEDGED
    assert [r.berichttype for r in outbox.inkomend(verwijzing.conversatie_id)] == [
        "Ontvangstbevestiging"
    ]


def test_warm_referral_send_via_the_knooppunt(
    tmp_path: Path,
    knooppunt: str,
    deurwaarder_sleutel: ECKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``warm-referral send FILE --via-knooppunt --to KNOOPPUNT ...``: the referral lands sealed
    in Walcheren's mailbox, signed by the bailiff. Without the route's options: a usage error
    naming the missing ones."""
    from knooppunt_support import walcheren_sleutels

    from warm_referral.cli import main

    _config(tmp_path, knooppunt, deurwaarder_sleutel)  # writes the address book and its keys
    (tmp_path / "deurwaarder.jwk.json").write_text(
        json.dumps(deurwaarder_sleutel.as_dict(private=True)), encoding="utf-8"
    )
    bestand = tmp_path / "verwijzing.json"
    bestand.write_bytes(_verwijzing())
    route = [
        "--via-knooppunt",
        "--adresboek", str(tmp_path / "adresboek.jws"),
        "--adresboek-sleutels", str(tmp_path / "nvvk.jwks.json"),
        "--ontsleutelsleutel", str(tmp_path / "deurwaarder.jwk.json"),
        "--vertrouwd", str(PKI / "stam-ca.pem"),
        "--onderteken-sleutel", str(PKI / "gerechtsdeurwaarder-ondertekening.sleutel.pem"),
        "--onderteken-keten", str(PKI / "gerechtsdeurwaarder-ondertekening.keten.pem"),
    ]  # fmt: skip
    db = str(tmp_path / "o.sqlite3")
    assert main(["send", str(bestand), "--to", knooppunt, "--db", db, *route]) == 0
    assert "acknowledged (202)" in capsys.readouterr().out
    geopend: list[Geopend] = []
    verwerk_postbus(
        _deelnemer(knooppunt, "dev-operator"),
        walcheren_sleutels(),
        ankers(),
        lambda: datetime.now(timezone.utc),
        geopend.append,
    )
    [aangekomen] = geopend
    assert aangekomen.ondertekenaar.oin == DEURWAARDER
    assert aangekomen.bericht == bestand.read_bytes()

    with pytest.raises(SystemExit):
        main(["send", str(bestand), "--to", knooppunt, "--db", db, "--via-knooppunt"])
    assert "--via-knooppunt needs --adresboek, --adresboek-sleutels" in capsys.readouterr().err
