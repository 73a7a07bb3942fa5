"""The self-test, role verwijzer: the reference sender, driven through its CLI by the kit's
scenarios, passes every MOET against the receiver double."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import referentie
from warm_referral_conformance.resultaten import Status
from warm_referral_conformance.verwijzer.dubbel import Dubbel
from warm_referral_conformance.verwijzer.run import draai_verwijzer_tegen

from warm_referral.models import Partij

VERZENDER = Path(__file__).with_name("referentie_verzender.py")
GEMEENTE = Partij(naam="Gemeente Vlissingen", oin="00000001001234567000", gemeentecode="0718")


@pytest.mark.eis("WD-VERZ-01", "WD-VERZ-02", "WD-VERZ-04", "WD-VERZ-05", "WD-BER-14", "WD-TERM-08")
def test_the_reference_sender_passes_every_must(tmp_path: Path) -> None:
    dubbel = Dubbel("127.0.0.1", 0, GEMEENTE, vertraging=2.0)
    dubbel.start()
    processen: list[subprocess.Popen[bytes]] = []

    def opdracht(scenario: str, tekst: str) -> None:
        env = {**os.environ, "WD_SCENARIO": scenario, "WD_URL": dubbel.url, "WD_MAP": str(tmp_path)}
        processen.append(subprocess.Popen([sys.executable, str(VERZENDER)], env=env))

    try:
        run = draai_verwijzer_tegen(dubbel, opdracht, wacht=45, observatie=5)
    finally:
        for proces in processen:
            proces.terminate()
            proces.wait(10)
        dubbel.stop()
    details = [f"{a.eis}: {a.melding}" for c in run.controles for a in c.afwijkingen]
    assert run.geslaagd, details
    assert all(c.status is Status.GESLAAGD for c in run.controles), [
        (c.controle, c.status, c.reden) for c in run.controles
    ]
    assert len(dubbel.pogingen) >= 1 + 5 + 5 * 5 + 2


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
