"""The reference services as the kit's test opponents, through their stable surfaces only: the
``warm-referral`` command line in a subprocess (never their Python modules, which are being
restructured), the reference receiver's configuration for a kit run in conformance/referentie/,
and the kit options that match it."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import yaml
from warm_referral_conformance.catalogus import catalogus
from warm_referral_conformance.context import Deelnemer, Doelwit, grondslagen_uit, soorten_uit
from warm_referral_conformance.http import Toegang
from warm_referral_conformance.ondertekening import Handtekeningen
from warm_referral_conformance.vrijstellingen import lees_vrijstellingen

from warm_referral.adresboek import laad_adresboek, laad_sleutelbos
from warm_referral.models import Partij

KIT = Path(__file__).resolve().parent.parent
REFERENTIE = KIT / "referentie"
ONTVANGER_CONFIG = REFERENTIE / "ontvanger.json"
VRIJSTELLINGEN = REFERENTIE / "vrijstellingen.yaml"
#: The signed address book the reference receiver is configured with, and NVVK's test keys.
ADRESBOEK = REFERENTIE / "adresboek.jws"
ADRESBOEK_SLEUTELS = KIT.parent / "spec" / "v1" / "adresboek" / "nvvk-testsleutels.jwks.json"


def vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wacht_op(
    url: str, proces: subprocess.Popen[bytes] | None = None, seconden: float = 30.0
) -> None:
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        if proces is not None and proces.poll() is not None:
            raise RuntimeError(f"the service exited with {proces.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {seconden} s")


def migreer(db: str) -> None:
    """``warm-referral migrate --db DB``: a PostgreSQL database is served only once migrated."""
    subprocess.run(
        [sys.executable, "-m", "warm_referral", "migrate", "--db", db],
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextlib.contextmanager
def ontvanger(tmp: Path, *, mutant: str | None = None, db: str | None = None) -> Iterator[str]:
    """A fresh reference receiver (development mode, the kit's configuration) on a free port; its
    base URL. ``mutant`` names a library patch from mutanten_lancering.py to apply first; ``db``
    a migrated database (a PostgreSQL URL) instead of a new SQLite file in ``tmp``."""
    poort = vrije_poort()
    argumenten = [
        "serve",
        "receiver",
        "--db",
        db or str(tmp / f"ontvanger-{poort}.sqlite3"),
        "--host",
        "127.0.0.1",
        "--port",
        str(poort),
        "--config",
        str(ONTVANGER_CONFIG),
        "--bewaking-interval",
        "3600",
    ]
    if mutant is None:
        commando = [sys.executable, "-m", "warm_referral", *argumenten]
    else:
        lancering = Path(__file__).with_name("mutanten_lancering.py")
        commando = [sys.executable, str(lancering), mutant, *argumenten]
    log = (tmp / f"ontvanger-{poort}.log").open("wb")
    proces = subprocess.Popen(
        commando, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    url = f"http://127.0.0.1:{poort}/v1"
    try:
        wacht_op(f"{url}/openapi.json", proces)
        yield url
    finally:
        proces.terminate()
        try:
            proces.wait(10)
        except subprocess.TimeoutExpired:
            proces.kill()
            proces.wait()
        log.close()


def kit_opties() -> dict[str, object]:
    geladen: dict[str, object] = json.loads((REFERENTIE / "kit.json").read_text(encoding="utf-8"))
    return geladen


def doelwit(url: str, *, seed: int = 7, voorbeelden: int = 10) -> Doelwit:
    """The kit's target for a reference receiver at ``url``: the participants of kit.json."""
    opties = kit_opties()
    return Doelwit(
        url=url,
        schuldeiser=Deelnemer(
            Partij.model_validate(opties["afzender"]),
            Toegang(token=str(opties["token"])),
            soorten_uit(opties["soort-verwijzer"]),  # type: ignore[arg-type]
            grondslagen_uit(opties["grondslag"]),  # type: ignore[arg-type]
        ),
        gemeente_zonder_afspraak=Partij.model_validate(opties["gemeente-zonder-afspraak"]),
        gemeente=Partij.model_validate(opties["gemeente"]),
        tweede=Deelnemer(
            Partij.model_validate(opties["tweede-afzender"]),
            Toegang(token=str(opties["tweede-token"])),
        ),
        operator=Toegang(token=str(opties["operator-token"])),
        adresboek=laad_adresboek(ADRESBOEK.read_bytes(), laad_sleutelbos(ADRESBOEK_SLEUTELS)),
        handtekeningen=Handtekeningen(str(opties.get("handtekeningen", "geen"))),
        voorbeelden=voorbeelden,
        seed=seed,
    )


def bekende_afwijkingen() -> frozenset[str]:
    """The reference's known deviations: the ids its waiver file lists."""
    return frozenset(lees_vrijstellingen(VRIJSTELLINGEN, catalogus()))


def vrijstellingen_yaml() -> list[dict[str, str]]:
    geladen: list[dict[str, str]] = yaml.safe_load(VRIJSTELLINGEN.read_text(encoding="utf-8"))
    return geladen
