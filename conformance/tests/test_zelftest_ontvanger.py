"""The self-test, role ontvanger: the kit passes every MOET against the reference receiver, fails
exactly on the reference's known deviations (its waiver file, empty since issue 13), and runs from
the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import referentie
from warm_referral_conformance.ontvanger_run import draai_tegen
from warm_referral_conformance.resultaten import Status


@pytest.fixture(scope="module")
def ontvanger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with referentie.ontvanger(tmp_path_factory.mktemp("ontvanger")) as url:
        yield url


@pytest.fixture(scope="module")
def ontvanger_op_postgresql(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: Any
) -> Iterator[str]:
    """The reference receiver on a fresh PostgreSQL database of the session's real server
    (``tests/support/postgres_fixtures.py``), migrated with ``warm-referral migrate``."""
    db = postgres_server.create_database()
    referentie.migreer(db)
    with referentie.ontvanger(tmp_path_factory.mktemp("ontvanger-pg"), db=db) as url:
        yield url


@pytest.mark.eis("WD-BER-01", "WD-ONTV-03", "WD-ENV-03", "WD-TERUG-01", "WD-PRIV-01")
def test_the_reference_receiver_passes_every_must_but_its_known_deviations(ontvanger: str) -> None:
    _passes_every_must_but_its_known_deviations(ontvanger)


@pytest.mark.slow
def test_on_postgresql_too(ontvanger_op_postgresql: str) -> None:
    """The same run against the reference receiver on its other storage backend."""
    _passes_every_must_but_its_known_deviations(ontvanger_op_postgresql)


def _passes_every_must_but_its_known_deviations(ontvanger: str) -> None:
    run = draai_tegen(referentie.doelwit(ontvanger), limiet=300)
    gefaald = {e.eis for e in run.eisen if e.status is Status.GEFAALD}
    assert gefaald == referentie.bekende_afwijkingen(), (
        "the reference's failures differ from conformance/referentie/vrijstellingen.yaml; "
        "a fixed deviation's waiver must go, a new failure is a bug: "
        + json.dumps(
            [
                a.__dict__ if hasattr(a, "__dict__") else str(a)
                for c in run.controles
                for a in c.afwijkingen
            ][:20],
            default=str,
        )
    )
    niet = [c.controle for c in run.controles if c.status is Status.NIET_UITGEVOERD]
    assert not niet, f"with every credential and the test clock, every check runs: {niet}"


def test_without_a_signing_profile_the_signature_checks_are_not_run(ontvanger: str) -> None:
    """``--handtekeningen geen`` (the default): not applicable, never failed, nothing sent."""
    import dataclasses

    from warm_referral_conformance.ondertekening import Handtekeningen
    from warm_referral_conformance.runner import Selectie

    doelwit = dataclasses.replace(referentie.doelwit(ontvanger), handtekeningen=Handtekeningen.GEEN)
    run = draai_tegen(doelwit, selectie=Selectie(alleen=("WD-OND",)))
    gekozen = [c for c in run.controles if c.controle.startswith("ondertekening.")]
    assert len(gekozen) == 7
    for c in gekozen:
        assert c.status is Status.NIET_UITGEVOERD and "--handtekeningen" in (c.reden or ""), c
        assert not c.uitwisselingen, c.controle


def test_cli_run_with_the_waivers_passes_and_writes_the_four_files(
    ontvanger: str, tmp_path: Path
) -> None:
    opties = referentie.kit_opties()
    opties["url"] = ontvanger
    config = tmp_path / "kit.json"
    config.write_text(json.dumps(opties), encoding="utf-8")
    bestanden = {s: tmp_path / f"rapport.{s}" for s in ("xml", "json", "html")}
    bundel = tmp_path / "bundel.json"
    sleutel = tmp_path / "sleutel.pem"
    subprocess.run(
        [sys.executable, "-m", "warm_referral", "conformance", "sleutel", str(sleutel)],
        check=True,
        capture_output=True,
    )
    uit = subprocess.run(
        [
            sys.executable,
            "-m",
            "warm_referral",
            "conformance",
            "run",
            "--rol",
            "ontvanger",
            "--config",
            str(config),
            "--vrijstellingen",
            str(referentie.VRIJSTELLINGEN),
            "--alleen",
            "WD-ENV,WD-API,WD-BER-13,WD-ROB",
            "--voorbeelden",
            "3",
            "--stil",
            "--junit",
            str(bestanden["xml"]),
            "--json",
            str(bestanden["json"]),
            "--html",
            str(bestanden["html"]),
            "--bundel",
            str(bundel),
            "--onderteken",
            str(sleutel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert uit.returncode == 0, uit.stdout[-3000:] + uit.stderr[-3000:]
    assert "GESLAAGD" in uit.stdout and "vrijgesteld" in uit.stdout
    for pad in (*bestanden.values(), bundel):
        assert pad.stat().st_size > 0
    verify = subprocess.run(
        [
            sys.executable,
            "-m",
            "warm_referral",
            "conformance",
            "verify",
            str(bundel),
            "--publieke-sleutel",
            str(sleutel.with_suffix(".pub.pem")),
        ],
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0 and "intact, ondertekend" in verify.stdout
    zonder = subprocess.run(
        [
            sys.executable,
            "-m",
            "warm_referral",
            "conformance",
            "run",
            "--rol",
            "ontvanger",
            "--config",
            str(config),
            "--alleen",
            "WD-API-07",
            "--stil",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert zonder.returncode == 0, (
        "the reference answers a trailing slash with 404 (issue 13): no waiver needed"
    )


def test_a_run_against_nothing_fails(tmp_path: Path) -> None:
    opties = referentie.kit_opties()
    opties["url"] = f"http://127.0.0.1:{referentie.vrije_poort()}/v1"
    config = tmp_path / "kit.json"
    config.write_text(json.dumps(opties), encoding="utf-8")
    uit = subprocess.run(
        [
            sys.executable,
            "-m",
            "warm_referral",
            "conformance",
            "run",
            "--rol",
            "ontvanger",
            "--config",
            str(config),
            "--alleen",
            "WD-ENV-03",
            "--stil",
            "--http-timeout",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert uit.returncode == 1 and "NIET GESLAAGD" in uit.stdout
