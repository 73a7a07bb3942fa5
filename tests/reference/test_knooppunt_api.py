"""The reference knooppunt's REST binding (issue 19): deliver, list, fetch, confirm; duplicates by
berichtId; expiry after the profile's werkdagen on the test clock; mailbox isolation; and that the
router never holds or logs plaintext (WD-KNP)."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from knooppunt_support import (
    DEURWAARDER,
    WALCHEREN,
    auth,
    running_knooppunt,
    verzegelde_verwijzing,
)
from starlette.testclient import TestClient

from warm_referral.knooppunt import Envelop, lees_envelop

ENVELOPPEN = "/v1/enveloppen"


@pytest.fixture
def knooppunt(tmp_path: Path) -> Iterator[TestClient]:
    with running_knooppunt(tmp_path / "knooppunt.sqlite3") as client:
        yield client


def _lever_af(client: TestClient, data: bytes, als: str = DEURWAARDER) -> Any:
    return client.post(
        ENVELOPPEN, content=data, headers={**auth(als), "Content-Type": "application/json"}
    )


def _postbus(client: TestClient, oin: str) -> list[dict[str, Any]]:
    antwoord = client.get("/v1/postbus", headers=auth(oin))
    assert antwoord.status_code == 200, antwoord.text
    return list(antwoord.json()["enveloppen"])


def _zet_klok(client: TestClient, nu: str) -> None:
    antwoord = client.put("/v1/testklok", json={"nu": nu}, headers=auth(WALCHEREN))
    assert antwoord.status_code == 200, antwoord.text


@pytest.mark.eis("WD-KNP-01", "WD-KNP-03", "WD-KNP-04")
def test_deliver_list_fetch_confirm(knooppunt: TestClient) -> None:
    _, envelop = verzegelde_verwijzing()
    data = envelop.to_json()
    bericht_id = str(envelop.bericht_id)

    afgeleverd = _lever_af(knooppunt, data)
    assert afgeleverd.status_code == 201, afgeleverd.text
    assert afgeleverd.json() == {
        "berichtId": bericht_id,
        "ontvanger": WALCHEREN,
        "afgeleverdOp": "2027-01-05T09:00:30Z",
        "vervaltOp": "2027-01-12T23:00:00Z",  # end of the 5th werkdag (Tue 12 Jan), Amsterdam
    }
    assert afgeleverd.headers["API-Version"]

    [regel] = _postbus(knooppunt, WALCHEREN)
    assert regel == {
        "berichttype": "Verwijzing",
        "specVersie": envelop.spec_versie,
        "berichtId": bericht_id,
        "conversatieId": str(envelop.conversatie_id),
        "afzender": DEURWAARDER,
        "ontvanger": WALCHEREN,
        "afgeleverdOp": "2027-01-05T09:00:30Z",
        "vervaltOp": "2027-01-12T23:00:00Z",
    }

    opgehaald = knooppunt.get(f"/v1/postbus/{bericht_id}", headers=auth(WALCHEREN))
    assert opgehaald.status_code == 200
    assert opgehaald.content == data  # exactly as delivered
    # Fetched is not confirmed: it stays until confirmed (or expired).
    assert [r["berichtId"] for r in _postbus(knooppunt, WALCHEREN)] == [bericht_id]

    bevestigd = knooppunt.delete(f"/v1/postbus/{bericht_id}", headers=auth(WALCHEREN))
    assert bevestigd.status_code == 204
    assert _postbus(knooppunt, WALCHEREN) == []
    weg = knooppunt.get(f"/v1/postbus/{bericht_id}", headers=auth(WALCHEREN))
    assert weg.status_code == 404
    assert weg.headers["content-type"] == "application/problem+json"
    # Confirming again succeeds without effect.
    assert knooppunt.delete(f"/v1/postbus/{bericht_id}", headers=auth(WALCHEREN)).status_code == 204


def test_the_mailbox_lists_oldest_first(knooppunt: TestClient) -> None:
    ids = []
    for seconde in ("31", "32", "33"):
        _zet_klok(knooppunt, f"2027-01-05T09:00:{seconde}Z")
        _, envelop = verzegelde_verwijzing()
        assert _lever_af(knooppunt, envelop.to_json()).status_code == 201
        ids.append(str(envelop.bericht_id))
    assert [r["berichtId"] for r in _postbus(knooppunt, WALCHEREN)] == ids
    beperkt = knooppunt.get("/v1/postbus?limiet=2", headers=auth(WALCHEREN))
    assert [r["berichtId"] for r in beperkt.json()["enveloppen"]] == ids[:2]


@pytest.mark.eis("WD-KNP-02")
def test_a_repeated_delivery_is_stored_once_and_answered_alike(knooppunt: TestClient) -> None:
    _, envelop = verzegelde_verwijzing()
    data = envelop.to_json()
    eerste = _lever_af(knooppunt, data)
    _zet_klok(knooppunt, "2027-01-05T10:00:00Z")
    # The same envelope in other JSON whitespace is the same envelope.
    opnieuw = _lever_af(knooppunt, json.dumps(json.loads(data), indent=2).encode())
    assert (eerste.status_code, opnieuw.status_code) == (201, 200)
    assert opnieuw.json() == eerste.json()
    assert len(_postbus(knooppunt, WALCHEREN)) == 1

    # After confirmation it is still recognised, and not offered again.
    knooppunt.delete(f"/v1/postbus/{envelop.bericht_id}", headers=auth(WALCHEREN))
    na_bevestiging = _lever_af(knooppunt, data)
    assert na_bevestiging.status_code == 200
    assert na_bevestiging.json() == eerste.json()
    assert _postbus(knooppunt, WALCHEREN) == []


@pytest.mark.eis("WD-KNP-02")
def test_another_envelope_under_a_used_berichtid_is_refused(knooppunt: TestClient) -> None:
    bericht_id = "5f0c2b1e-8d4a-4c8e-9a51-0d1f2e3a4b5c"
    _, eerste = verzegelde_verwijzing(bericht_id)
    _, tweede = verzegelde_verwijzing(bericht_id)  # another conversation, another ciphertext
    assert _lever_af(knooppunt, eerste.to_json()).status_code == 201
    geweigerd = _lever_af(knooppunt, tweede.to_json())
    assert geweigerd.status_code == 409
    assert geweigerd.json()["type"].endswith("/bericht-id-hergebruikt")
    [regel] = _postbus(knooppunt, WALCHEREN)
    assert regel["conversatieId"] == str(eerste.conversatie_id)


@pytest.mark.eis("WD-KNP-05")
def test_an_unconfirmed_envelope_expires_after_five_werkdagen(knooppunt: TestClient) -> None:
    _, bevestigd = verzegelde_verwijzing()
    _, vergeten = verzegelde_verwijzing()
    for envelop in (bevestigd, vergeten):
        assert _lever_af(knooppunt, envelop.to_json()).status_code == 201
    # Fetched but not confirmed counts as unconfirmed.
    assert knooppunt.get(f"/v1/postbus/{vergeten.bericht_id}", headers=auth(WALCHEREN)).is_success

    _zet_klok(knooppunt, "2027-01-12T22:59:59Z")  # the last second of the 5th werkdag
    assert len(_postbus(knooppunt, WALCHEREN)) == 2
    knooppunt.delete(f"/v1/postbus/{bevestigd.bericht_id}", headers=auth(WALCHEREN))

    _zet_klok(knooppunt, "2027-01-12T23:00:00Z")  # midnight in Amsterdam
    assert _postbus(knooppunt, WALCHEREN) == []
    for envelop in (bevestigd, vergeten):
        pad = f"/v1/postbus/{envelop.bericht_id}"
        assert knooppunt.get(pad, headers=auth(WALCHEREN)).status_code == 404
    assert (
        knooppunt.delete(f"/v1/postbus/{vergeten.bericht_id}", headers=auth(WALCHEREN)).status_code
        == 404
    )
    # An expired envelope delivered again is a duplicate, not a new message.
    assert _lever_af(knooppunt, vergeten.to_json()).status_code == 200
    assert _postbus(knooppunt, WALCHEREN) == []


@pytest.mark.eis("WD-KNP-03")
def test_another_participants_mailbox_does_not_exist_for_the_caller(knooppunt: TestClient) -> None:
    _, envelop = verzegelde_verwijzing()
    assert _lever_af(knooppunt, envelop.to_json()).status_code == 201
    pad = f"/v1/postbus/{envelop.bericht_id}"
    for anders in (DEURWAARDER, "evides"):  # the sender itself, and a bystander
        assert _postbus(knooppunt, anders) == []
        assert knooppunt.get(pad, headers=auth(anders)).status_code == 404
        assert knooppunt.delete(pad, headers=auth(anders)).status_code == 404
    # Nobody else's confirmation removed it.
    assert len(_postbus(knooppunt, WALCHEREN)) == 1


@pytest.mark.eis("WD-KNP-01")
def test_refusals_of_a_delivery(knooppunt: TestClient) -> None:
    _, envelop = verzegelde_verwijzing()
    data = envelop.to_json()

    niet_van_jou = _lever_af(knooppunt, data, als="evides")
    assert niet_van_jou.status_code == 403
    assert niet_van_jou.json()["type"].endswith("/verkeerde-afzender")

    onbekend = json.loads(data) | {"ontvanger": "00000001999999999000"}
    naar_niemand = _lever_af(knooppunt, json.dumps(onbekend).encode())
    assert naar_niemand.status_code == 422
    assert naar_niemand.json()["type"].endswith("/onbekende-ontvanger")

    met_extra = json.loads(data) | {"bsn": "999990019"}
    ongeldig = _lever_af(knooppunt, json.dumps(met_extra).encode())
    assert ongeldig.status_code == 400
    assert ongeldig.json()["type"].endswith("/envelop-ongeldig")
    assert any(f["pointer"] == "/bsn" for f in ongeldig.json()["fouten"])

    zonder_token = knooppunt.post(
        ENVELOPPEN, content=data, headers={"Content-Type": "application/json"}
    )
    assert zonder_token.status_code == 401
    assert _postbus(knooppunt, WALCHEREN) == []


def _klare_tekst(bericht: bytes, envelop: Envelop) -> list[bytes]:
    """Every text of the message that the router does not know from the envelope or its own
    clock (a KvK number is part of the OIN derived from it; the delivery date is the router's):
    names, birth date, address, phone numbers, amounts, consent."""
    buiten = " ".join(
        [*json.loads(envelop.to_json()).values(), "2027-01-05T09:00:30", "2027-01-12T23:00"]
    )
    teksten: list[str] = []

    def blad(knoop: Any) -> None:
        if isinstance(knoop, dict):
            for waarde in knoop.values():
                blad(waarde)
        elif isinstance(knoop, list):
            for waarde in knoop:
                blad(waarde)
        elif isinstance(knoop, str) and len(knoop) >= 4 and knoop not in buiten:
            teksten.append(knoop)

    blad(json.loads(bericht))
    assert {"Vries", "1984-07-19", "4381ED", "0612345678"} <= set(teksten)
    return [t.encode() for t in teksten] + [
        base64.urlsafe_b64encode(bericht).rstrip(b"=")[:40]  # the sealed content's encoding
    ]


def _stukken(jwe: str) -> list[bytes]:
    """Pieces of a JWE's ciphertext (its header is much the same in every envelope)."""
    tekst = jwe.split(".")[3]
    return [tekst[i : i + 32].encode() for i in range(0, len(tekst) - 32, 32)]


@pytest.mark.eis("WD-KNP-06")
def test_the_router_stores_and_logs_no_plaintext(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "knooppunt.sqlite3"
    caplog.set_level(logging.DEBUG)
    berichten = []
    with running_knooppunt(db) as knooppunt:
        for _ in range(3):
            bericht, envelop = verzegelde_verwijzing()
            berichten.append((bericht, envelop))
            assert _lever_af(knooppunt, envelop.to_json()).status_code == 201
        knooppunt.get(f"/v1/postbus/{berichten[0][1].bericht_id}", headers=auth(WALCHEREN))
        knooppunt.delete(f"/v1/postbus/{berichten[0][1].bericht_id}", headers=auth(WALCHEREN))
        opslag = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    klaar = [t for bericht, envelop in berichten for t in _klare_tekst(bericht, envelop)]
    gevonden = [t for t in klaar if t in opslag]
    assert gevonden == []
    # The ciphertext of a waiting envelope is there (the router must forward it; SQLite splits
    # it over pages, so look for pieces), which shows the grep finds what is there...
    wachtend = _stukken(berichten[1][1].inhoud)
    assert sum(s in opslag for s in wachtend) > len(wachtend) // 2
    # ... and no piece of the confirmed one is left (secure_delete overwrote it).
    assert [s for s in _stukken(berichten[0][1].inhoud) if s in opslag] == []
    log = "\n".join(r.getMessage() for r in caplog.records)
    assert str(berichten[1][1].bericht_id) in log  # envelope fields may be logged
    assert [t for t in klaar if t.decode() in log] == []
    assert all(envelop.inhoud[:40] not in log for _, envelop in berichten)


def test_the_envelope_fetched_is_an_envelope(knooppunt: TestClient) -> None:
    _, envelop = verzegelde_verwijzing()
    _lever_af(knooppunt, envelop.to_json())
    opgehaald = knooppunt.get(f"/v1/postbus/{envelop.bericht_id}", headers=auth(WALCHEREN))
    assert lees_envelop(opgehaald.content) == envelop


def test_a_malformed_berichtid_in_the_path(knooppunt: TestClient) -> None:
    antwoord = knooppunt.get("/v1/postbus/NIET-EEN-UUID", headers=auth(WALCHEREN))
    assert antwoord.status_code == 400
    assert antwoord.headers["content-type"] == "application/problem+json"
