"""``warm-referral send`` and ``warm-referral serve sender`` against a real receiver process
(issue 7)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from paths import EXAMPLES
from warm_referral_reference.sender import Outbox, Status
from warm_referral_reference.sender.bouwen import (
    bouw_intrekking,
    bouw_statusverzoek,
    synthetische_verwijzing,
)
from warm_referral_reference.sender.ontvangerproces import Ontvangerproces

from warm_referral.cli import main
from warm_referral.models import Intrekkingsreden


@pytest.fixture(scope="module")
def ontvanger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ontvangerproces]:
    map = tmp_path_factory.mktemp("ontvanger")
    with Ontvangerproces(map / "ontvanger.sqlite3") as proces:
        yield proces


def _bestand(map: Path, nummer: int, inhoud: bytes | None = None) -> Path:
    pad = map / f"bericht-{nummer}.json"
    if inhoud is None:
        nu = datetime.now(timezone.utc) - timedelta(minutes=1)
        inhoud = synthetische_verwijzing(nummer, verwezen_op=nu).to_json()
    pad.write_bytes(inhoud)
    return pad


def test_send_stores_sends_and_reports_the_acknowledgement(
    ontvanger: Ontvangerproces, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bestand = _bestand(tmp_path, 1)
    db = tmp_path / "o.sqlite3"
    # No --token: the development token of the file's afzender (Evides) is used.
    assert main(["send", str(bestand), "--to", ontvanger.url, "--db", str(db)]) == 0
    uit = capsys.readouterr().out
    assert f"{bestand}: Verwijzing " in uit
    assert "acknowledged (201) after 1 attempt(s); contact by " in uit and "incassostop " in uit
    outbox = Outbox(db)
    [rij] = outbox.alle_uitgaand()
    assert rij.status is Status.ACKNOWLEDGED
    assert [r.berichttype for r in outbox.inkomend()] == ["Ontvangstbevestiging"]
    # The same file again: the original answer, nothing new at the receiver.
    assert main(["send", str(bestand), "--to", ontvanger.url, "--db", str(db)]) == 0
    assert len(outbox.alle_uitgaand()) == 1


def test_an_invalid_file_lists_every_violation_and_nothing_is_sent(
    ontvanger: Ontvangerproces, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goed = _bestand(tmp_path, 2)
    fout = EXAMPLES / "ongeldig" / "achterstand-na-verwijzing.json"
    stuk = _bestand(tmp_path, 3, b'{"berichttype": "Verwijzing", "specVersie": "9"}')
    db = tmp_path / "o.sqlite3"
    code = main(["send", str(goed), str(fout), str(stuk), "--to", ontvanger.url, "--db", str(db)])
    assert code == 1
    uit = capsys.readouterr().out
    assert f"{fout}: INVALID (1 violation); nothing was sent" in uit
    assert "/achterstand/ontstaansdatum: the arrears cannot arise after" in uit
    regels = [r for r in uit.splitlines() if r.startswith("  /")]
    assert len(regels) > 5  # every violation of the broken file, not just the first
    assert "/specVersie" in uit and "/berichtId" in uit
    assert not db.exists() or Outbox(db).alle_uitgaand() == []


def test_an_unreadable_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["send", str(tmp_path / "nope.json"), "--to", "http://127.0.0.1:1/v1"])
    assert exit.value.code == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_municipality_message_is_not_sent_by_a_creditor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bestand = EXAMPLES / "ontvangstbevestiging.json"
    assert main(["send", str(bestand), "--to", "http://127.0.0.1:1/v1"]) == 1
    assert "is sent by the municipality, not by a creditor" in capsys.readouterr().out


def test_an_unreachable_receiver_is_retried_then_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bestand = _bestand(tmp_path, 4)
    db = tmp_path / "o.sqlite3"
    argv = ["send", str(bestand), "--to", "http://127.0.0.1:1/v1", "--db", str(db)]
    assert main([*argv, "--opgeven-na", "1"]) == 1
    uitvoer = capsys.readouterr()
    assert "still PENDING after" in uitvoer.out and "ConnectError" in uitvoer.out
    assert "did not acknowledge everything within 1s" in uitvoer.err
    assert f"stay in {db}" in uitvoer.err
    [rij] = Outbox(db).alle_uitgaand()
    assert rij.status is Status.PENDING and rij.pogingen >= 2


def test_a_refusal_is_reported_with_the_problem_details(
    ontvanger: Ontvangerproces, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bestand = _bestand(tmp_path, 5)
    db = tmp_path / "o.sqlite3"
    argv = ["send", str(bestand), "--to", ontvanger.url, "--db", str(db)]
    assert main([*argv, "--token", "dev-woongoed"]) == 1  # another creditor's credentials
    uit = capsys.readouterr().out
    assert "REFUSED after 1 attempt(s): 403 Geen toegang: afzender is not the authenticated" in uit
    # Fixed the token: --opnieuw sends it again.
    assert main(argv) == 1  # still refused: a refusal is final unless asked
    assert main([*argv, "--opnieuw"]) == 0
    assert Outbox(db).alle_uitgaand()[0].status is Status.ACKNOWLEDGED


def test_a_follow_up_the_lifecycle_does_not_allow_is_not_stored(
    ontvanger: Ontvangerproces, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nu = datetime.now(timezone.utc) - timedelta(minutes=1)
    v = synthetische_verwijzing(6, verwezen_op=nu)
    intrekking = bouw_intrekking(v, Intrekkingsreden.TEN_ONRECHTE_VERZONDEN, nu=nu)
    vraag = bouw_statusverzoek(v, nu=nu)
    bestanden = [_bestand(tmp_path, i, b.to_json()) for i, b in enumerate((v, intrekking), 10)]
    db = tmp_path / "o.sqlite3"
    assert main(["send", *map(str, bestanden), "--to", ontvanger.url, "--db", str(db)]) == 0
    assert "Intrekking" in capsys.readouterr().out
    late = _bestand(tmp_path, 20, vraag.to_json())
    assert main(["send", str(late), "--to", ontvanger.url, "--db", str(db)]) == 1
    assert "the referral's lifecycle does not allow it" in capsys.readouterr().err
    assert len(Outbox(db).alle_uitgaand()) == 2


def test_serve_sender_sends_what_send_stored_and_collects_the_postvak(
    ontvanger: Ontvangerproces, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bestand = _bestand(tmp_path, 7)
    db = tmp_path / "o.sqlite3"
    assert (
        main(["send", str(bestand), "--to", ontvanger.url, "--db", str(db), "--alleen-opslaan"])
        == 0
    )
    assert "stored in" in capsys.readouterr().out
    outbox = Outbox(db)
    assert outbox.tellingen()[Status.PENDING] == 1
    dienst = subprocess.Popen(
        [sys.executable, "-m", "warm_referral", "serve", "sender", "--to", ontvanger.url,
         "--db", str(db), "--postvak-interval", "0.2"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        einde = time.monotonic() + 30
        while time.monotonic() < einde:
            if outbox.tellingen()[Status.ACKNOWLEDGED] == 1 and outbox.cursor(ontvanger.url):
                break
            time.sleep(0.1)
        assert outbox.tellingen()[Status.ACKNOWLEDGED] == 1
        assert outbox.cursor(ontvanger.url) > 0  # the postvak was fetched too
    finally:
        dienst.send_signal(signal.SIGTERM)
        _, fouten = dienst.communicate(timeout=15)
    assert dienst.returncode == 0, fouten
    assert "warm-referral sender: outbox" in fouten


@pytest.mark.eis("WD-OND-01", "WD-OND-06")
def test_send_signs_with_the_signing_key_a_receiver_requires(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``send --onderteken-sleutel --onderteken-keten`` against a receiver process whose
    configuration requires signatures: the signed referral is acknowledged, the same kind of file
    unsigned is refused with handtekening_ontbreekt. The keys are the published test PKI's (the
    bailiff's signing certificate; the file is the bailiff's example, re-dated)."""
    from warm_referral import parse_json
    from warm_referral.testing.voorbeelden import herdateer

    pki = EXAMPLES.parent / "ondertekening" / "pki"
    (tmp_path / "stam.pem").write_bytes((pki / "stam-ca.pem").read_bytes())
    config = tmp_path / "ontvanger.json"
    config.write_text(
        '{"ondertekening": {"vertrouwensankers": ["stam.pem"], "vereist": true}}', encoding="utf-8"
    )
    voorbeeld = parse_json(
        (EXAMPLES / "verwijzing-gerechtsdeurwaarder-toestemming.json").read_bytes()
    )
    nu = datetime.now(timezone.utc) - timedelta(minutes=1)
    getekend = _bestand(tmp_path, 1, herdateer(voorbeeld, nu).to_json())
    ongetekend = _bestand(tmp_path, 2, herdateer(voorbeeld, nu).to_json())
    sleutel = [
        "--onderteken-sleutel",
        str(pki / "gerechtsdeurwaarder-ondertekening.sleutel.pem"),
        "--onderteken-keten",
        str(pki / "gerechtsdeurwaarder-ondertekening.keten.pem"),
    ]
    with Ontvangerproces(tmp_path / "ontvanger.sqlite3", config=config) as ontvanger:
        db = str(tmp_path / "o.sqlite3")
        assert main(["send", str(getekend), "--to", ontvanger.url, "--db", db, *sleutel]) == 0
        assert "acknowledged (201)" in capsys.readouterr().out
        assert main(["send", str(ongetekend), "--to", ontvanger.url, "--db", db]) != 0
        assert "handtekening_ontbreekt" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["send", str(getekend), "--to", "http://127.0.0.1:1/v1", *sleutel[:2]])
    assert "--onderteken-sleutel and --onderteken-keten go together" in capsys.readouterr().err
