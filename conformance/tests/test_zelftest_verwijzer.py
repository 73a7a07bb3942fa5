"""The self-test, role verwijzer: the reference sender, driven through its CLI by the kit's
scenarios, passes every MOET against the receiver double."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import referentie
from warm_referral_conformance.ondertekening import certificaatsleutel
from warm_referral_conformance.resultaten import Run, Status
from warm_referral_conformance.runner import Selectie
from warm_referral_conformance.verwijzer.dubbel import Dubbel
from warm_referral_conformance.verwijzer.run import draai_verwijzer_tegen

from warm_referral.models import Partij
from warm_referral.ondertekening import laad_vertrouwensankers

VERZENDER = Path(__file__).with_name("referentie_verzender.py")
GEMEENTE = Partij(naam="Gemeente Vlissingen", oin="00000001001234567000", gemeentecode="0718")
PKI = Path(__file__).resolve().parents[2] / "spec/v1/ondertekening/pki"
EVIDES_OIN = "00000003241234560000"  # the afzender of the example the reference sender sends


def _ondertekening(map_: Path) -> dict[str, str]:
    """A signing certificate for Evides under the published test PKI: the sender's environment."""
    from warm_referral.testing import pki

    nu = datetime.now(timezone.utc)
    evides = certificaatsleutel(
        "Evides Waterbedrijf", EVIDES_OIN, vanaf=nu - timedelta(hours=1), tot=nu + timedelta(days=1)
    )
    (map_ / "evides.sleutel.pem").write_bytes(evides.sleutel.as_pem(private=True))
    (map_ / "evides.keten.pem").write_bytes(pki.pem(*evides.keten))
    return {
        "WD_ONDERTEKEN_SLEUTEL": str(map_ / "evides.sleutel.pem"),
        "WD_ONDERTEKEN_KETEN": str(map_ / "evides.keten.pem"),
    }


def _draai(map_: Path, env: dict[str, str], selectie: Selectie | None = None) -> tuple[Run, Dubbel]:
    """The reference sender against the double (which trusts the test root), through every
    scenario of ``selectie``."""
    dubbel = Dubbel(
        "127.0.0.1",
        0,
        GEMEENTE,
        vertraging=2.0,
        vertrouwd=laad_vertrouwensankers(PKI / "stam-ca.pem"),
    )
    dubbel.start()
    processen: list[subprocess.Popen[bytes]] = []

    def opdracht(scenario: str, tekst: str) -> None:
        omgeving = {
            **os.environ,
            **env,
            "WD_SCENARIO": scenario,
            "WD_URL": dubbel.url,
            "WD_MAP": str(map_),
        }
        processen.append(subprocess.Popen([sys.executable, str(VERZENDER)], env=omgeving))

    try:
        run = draai_verwijzer_tegen(dubbel, opdracht, wacht=45, observatie=5, selectie=selectie)
    finally:
        for proces in processen:
            proces.terminate()
            proces.wait(10)
        dubbel.stop()
    return run, dubbel


@pytest.mark.eis(
    "WD-VERZ-01",
    "WD-VERZ-02",
    "WD-VERZ-04",
    "WD-VERZ-05",
    "WD-BER-14",
    "WD-TERM-08",
    "WD-OND-01",
    "WD-OND-10",
)
def test_the_reference_sender_passes_every_must(tmp_path: Path) -> None:
    run, dubbel = _draai(tmp_path, _ondertekening(tmp_path))
    details = [f"{a.eis}: {a.melding}" for c in run.controles for a in c.afwijkingen]
    assert run.geslaagd, details
    assert all(c.status is Status.GESLAAGD for c in run.controles), [
        (c.controle, c.status, c.reden) for c in run.controles
    ]
    assert len(dubbel.pogingen) >= 1 + 5 + 5 * 5 + 2


@pytest.mark.eis("WD-OND-01")
def test_a_sender_that_does_not_sign_fails_the_signature_check(tmp_path: Path) -> None:
    run, _ = _draai(tmp_path, {}, Selectie(alleen=("WD-OND-01",)))
    assert not run.geslaagd
    [controle] = run.controles
    assert controle.controle == "ondertekening.ondertekend"
    assert any(
        a.eis == "WD-OND-01" and "handtekening_ontbreekt" in a.melding for a in controle.afwijkingen
    ), controle.afwijkingen


def test_without_trusted_roots_the_signature_check_is_not_run() -> None:
    from warm_referral_conformance.catalogus import Rol
    from warm_referral_conformance.register import NietUitgevoerd, controles_voor
    from warm_referral_conformance.verwijzer.context import Verwijzercontext
    from warm_referral_conformance.verwijzer.ondertekening import ondertekend

    [controle] = [c for c in controles_voor(Rol.VERWIJZER) if c.naam == "ondertekening.ondertekend"]
    dubbel = Dubbel("127.0.0.1", 0, GEMEENTE)
    ctx = Verwijzercontext(controle, dubbel, lambda scenario, tekst: None, 1.0, 1.0)
    with pytest.raises(NietUitgevoerd, match="--vertrouwd"):
        ondertekend(ctx)


def test_cli_role_verwijzer_with_an_instruction_command(tmp_path: Path) -> None:
    poort = referentie.vrije_poort()
    uit = subprocess.run(
        [
            sys.executable,
            "-m",
            "warm_referral",
            "conformance",
            "run",
            "--rol",
            "verwijzer",
            "--listen",
            f"127.0.0.1:{poort}",
            "--gemeente",
            GEMEENTE.model_dump_json(exclude_none=True),
            "--alleen",
            "WD-BER-14,WD-VERZ-04",
            "--wacht",
            "30",
            "--vertraging",
            "2",
            "--opdracht-commando",
            f"{sys.executable} {VERZENDER}",
            "--json",
            str(tmp_path / "r.json"),
            "--stil",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "WD_MAP": str(tmp_path)},
    )
    assert uit.returncode == 0, uit.stdout[-3000:] + uit.stderr[-3000:]
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["rol"] == "verwijzer" and data["geslaagd"]
    assert {c["controle"] for c in data["controles"]} == {
        "controles.verwijzing",
        "controles.definitieve_weigering",
    }
