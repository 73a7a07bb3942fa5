"""Role knooppunt against the reference knooppunt: every check runs and passes, every testable
requirement of the role is checked, and the command line gives the same verdict."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from referentie_knooppunt import AFZENDER, DERDE, ONTVANGER, doelwit, knooppunt
from warm_referral_conformance.catalogus import Rol, catalogus
from warm_referral_conformance.knooppunt.run import draai_knooppunt_tegen
from warm_referral_conformance.resultaten import Status


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with knooppunt(tmp_path_factory.mktemp("knooppunt")) as basis:
        yield basis


def test_the_reference_knooppunt_passes_every_check(url: str) -> None:
    run = draai_knooppunt_tegen(doelwit(url))
    niet_geslaagd = [
        (c.controle, c.status.value, c.reden, [a.melding for a in c.afwijkingen])
        for c in run.controles
        if c.status is not Status.GESLAAGD
    ]
    assert not niet_geslaagd
    assert run.geslaagd, run.samenvatting
    getoetst = {e.eis for e in run.eisen if e.status is Status.GESLAAGD}
    toetsbaar = {e.id for e in catalogus().values() if e.rol is Rol.KNOOPPUNT and e.toetsbaar}
    assert toetsbaar and toetsbaar <= getoetst
    # The role is the knooppunt's: no receiver or sender requirement is reported.
    assert all(catalogus()[e.eis].rol is Rol.KNOOPPUNT for e in run.eisen)


def test_the_command_line(url: str, tmp_path: Path) -> None:
    rapport = tmp_path / "rapport.json"

    def partij(oin: str) -> str:
        return json.dumps({"naam": "deelnemer", "oin": oin})

    proces = subprocess.run(
        [
            sys.executable,
            "-m",
            "warm_referral",
            "conformance",
            "run",
            "--rol",
            "knooppunt",
            "--url",
            url,
            "--afzender",
            partij(AFZENDER.oin),
            "--token",
            str(AFZENDER.toegang.token),
            "--ontvanger",
            partij(ONTVANGER.oin),
            "--ontvanger-token",
            str(ONTVANGER.toegang.token),
            "--tweede-afzender",
            partij(DERDE.oin),
            "--tweede-token",
            str(DERDE.toegang.token),
            "--json",
            str(rapport),
            "--stil",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proces.returncode == 0, proces.stdout + proces.stderr
    uitslag = json.loads(rapport.read_text(encoding="utf-8"))
    assert uitslag["rol"] == "knooppunt" and uitslag["geslaagd"] is True
