"""The reference knooppunt as the kit's opponent: ``warm-referral serve knooppunt`` in a
subprocess (its command line only), development mode, and the kit's target for it: three of the
reference participants by OIN and development token."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from referentie import vrije_poort, wacht_op
from warm_referral_conformance.http import Toegang
from warm_referral_conformance.knooppunt.context import Knooppuntdoelwit, Postbushouder

#: The bailiff (OIN derived from KvK 34012345), the Walcheren debt-help organisation, Evides.
AFZENDER = Postbushouder("00000003340123450000", Toegang(token="dev-deurwaarder"))
ONTVANGER = Postbushouder("00000001001234567000", Toegang(token="dev-operator"))
DERDE = Postbushouder("00000003241234560000", Toegang(token="dev-evides"))
TOKENS = {p.oin: p.toegang.token for p in (AFZENDER, ONTVANGER, DERDE)}


@contextlib.contextmanager
def knooppunt(tmp: Path) -> Iterator[str]:
    """A fresh reference knooppunt on a free port; its base URL."""
    poort = vrije_poort()
    commando = [
        sys.executable,
        "-m",
        "warm_referral",
        "serve",
        "knooppunt",
        "--db",
        str(tmp / f"knooppunt-{poort}.sqlite3"),
        "--host",
        "127.0.0.1",
        "--port",
        str(poort),
    ]
    log = (tmp / f"knooppunt-{poort}.log").open("wb")
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


def doelwit(url: str) -> Knooppuntdoelwit:
    return Knooppuntdoelwit(url=url, afzender=AFZENDER, ontvanger=ONTVANGER, derde=DERDE)
