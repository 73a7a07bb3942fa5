"""``warm-referral knooppunt afleveren|ophalen``: a sender without a direct link seals with its
certificate to the recipient's key from the signed address book and delivers; a repeated run
delivers the same envelope (a duplicate, not a second message); the recipient empties its mailbox
into files, opened and verified, and confirms."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from paths import EXAMPLES, SPEC
from warm_referral_reference.knooppunt.server import in_een_draad
from warm_referral_reference.receiver.config import Instellingen

from warm_referral.cli import main
from warm_referral.knooppunt import SCHULDENKNOOPPUNT

PKI = SPEC / "ondertekening" / "pki"
ADRESBOEK = SPEC / "adresboek"
BERICHT = EXAMPLES / "verwijzing-gerechtsdeurwaarder-toestemming.json"


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with in_een_draad(Instellingen(), tmp_path / "knooppunt.sqlite3", SCHULDENKNOOPPUNT) as basis:
        yield basis


def _cli(*argumenten: str) -> tuple[int, str]:
    uit = io.StringIO()
    with contextlib.redirect_stdout(uit), contextlib.redirect_stderr(uit):
        code = main(list(argumenten))
    return code, uit.getvalue()


def _afleveren(url: str, pad: Path) -> tuple[int, str]:
    return _cli(
        "knooppunt", "afleveren", str(pad), "--url", url, "--token", "dev-deurwaarder",
        "--ondertekening-sleutel", str(PKI / "gerechtsdeurwaarder-ondertekening.sleutel.pem"),
        "--ondertekening-keten", str(PKI / "gerechtsdeurwaarder-ondertekening.keten.pem"),
        "--adresboek", str(ADRESBOEK / "voorbeeld-adresboek.jws"),
        "--adresboek-sleutels", str(ADRESBOEK / "nvvk-testsleutels.jwks.json"),
    )  # fmt: skip


@pytest.mark.eis("WD-VSL-01", "WD-KNP-02", "WD-KNP-07")
def test_deliver_with_the_address_book_and_fetch_into_files(url: str, tmp_path: Path) -> None:
    pad = tmp_path / "verwijzing.json"
    pad.write_bytes(BERICHT.read_bytes())

    code, uit = _afleveren(url, pad)
    assert code == 0, uit
    assert "delivered to 00000001001234567000, kept until" in uit
    envelop = json.loads((tmp_path / "verwijzing.envelop.json").read_bytes())
    assert envelop["inhoud"].count(".") == 4  # a JWE: the message is not in it in plain text
    assert b"Vries" not in (tmp_path / "verwijzing.envelop.json").read_bytes()

    # Again (say the first answer was lost): the same envelope, a duplicate at the knooppunt.
    code, uit = _afleveren(url, pad)
    assert code == 0, uit
    postbus = httpx.get(f"{url}/postbus", headers={"Authorization": "Bearer dev-operator"})
    assert [r["berichtId"] for r in postbus.json()["enveloppen"]] == [envelop["berichtId"]]

    map_ = tmp_path / "ontvangen"
    code, uit = _cli(
        "knooppunt", "ophalen", "--url", url, "--token", "dev-operator",
        "--sleutel", str(SPEC / "knooppunt" / "walcheren-testsleutel.prive.jwk.json"),
        "--vertrouwd", str(PKI / "stam-ca.pem"), "--map", str(map_),
    )  # fmt: skip
    assert code == 0, uit
    assert "Verwijzing from 00000003340123450000, saved" in uit
    assert (map_ / f"{envelop['berichtId']}.json").read_bytes() == BERICHT.read_bytes()
    postbus = httpx.get(f"{url}/postbus", headers={"Authorization": "Bearer dev-operator"})
    assert postbus.json()["enveloppen"] == []


def test_a_recipient_not_in_the_address_book(url: str, tmp_path: Path) -> None:
    bericht = json.loads(BERICHT.read_bytes())
    bericht["ontvanger"]["oin"] = "00000001009999999000"
    pad = tmp_path / "verwijzing.json"
    pad.write_text(json.dumps(bericht), encoding="utf-8")
    code, uit = _afleveren(url, pad)
    assert code == 1
    assert "NOT delivered: OIN 00000001009999999000 is not in the address book" in uit
    assert not (tmp_path / "verwijzing.envelop.json").exists()
