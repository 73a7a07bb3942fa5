"""The knooppunt in production mode over real TLS (WD-KNP-09): each participant is the OIN in its
client certificate's subject serialNumber (Digikoppeling), tokens count for nothing, the test clock
is off. The certificates come from the library's test PKI, shaped like PKIoverheid's; a real
uvicorn server runs in a thread with the receiver's protocol class."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
import uvicorn
from knooppunt_support import DEURWAARDER, WALCHEREN, verzegelde_verwijzing
from warm_referral_reference.knooppunt.server import build_knooppunt
from warm_referral_reference.receiver.config import Instellingen, Modus
from warm_referral_reference.receiver.protocol import BegrensdProtocol

from warm_referral.knooppunt import SCHULDENKNOOPPUNT
from warm_referral.testing.pki import (
    ca_certificaat,
    nieuwe_sleutel,
    pem,
    sleutel_pem,
    tls_certificaat,
)

EVIDES = "00000003241234560000"
AFSPRAAK = [
    {
        "afsprakenprofiel": {"naam": "nvvk-pilot", "versie": "1.1"},
        "gemeentecodes": ["0718"],
        "geldigVanaf": "2023-01-01",
    }
]
#: The participants register: the knooppunt's mailboxes are its entries, found by OIN.
REGISTER = {
    "formaat": "warm-referral-deelnemersregister/1",
    "uitgever": {"naam": "NVVK (test)", "kvkNummer": "11122233"},
    "uitgegevenOp": "2026-01-01T00:00:00Z",
    "schuldeisers": [
        {
            "id": "deurwaarder",
            "naam": "Gerechtsdeurwaarderskantoor Voorbeeld",
            "oin": DEURWAARDER,
            "kvkNummer": "34012345",
            "soortenVerwijzer": ["Gerechtsdeurwaarder"],
            "grondslagen": ["Toestemming"],
            "afspraken": AFSPRAAK,
        },
        {
            "id": "evides",
            "naam": "Evides Waterbedrijf",
            "oin": EVIDES,
            "kvkNummer": "24123456",
            "soortenVerwijzer": ["Water"],
            "grondslagen": ["Afsluitregeling"],
            "afspraken": AFSPRAAK,
        },
    ],
    "organisaties": [
        {
            "id": "walcheren",
            "naam": "Schuldhulp Walcheren",
            "oin": WALCHEREN,
            "gemeentecodes": ["0718"],
        }
    ],
}
CONFIG = {
    "gemeentecodes": ["0718"],
    "auditSleutel": "test-only",
    "deelnemersregister": "register.json",
    # A token in production mode counts for nothing: only the certificate does.
    "tokens": {"dev-operator": "walcheren"},
}


@pytest.fixture(scope="module")
def map_(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test CA, the server's certificate and one client certificate per participant."""
    map_ = tmp_path_factory.mktemp("knooppunt-pki")
    vanaf = datetime.now(timezone.utc) - timedelta(hours=1)
    tot = vanaf + timedelta(days=2)
    ca_sleutel = nieuwe_sleutel()
    ca = ca_certificaat(ca_sleutel, "Test PKIoverheid Private Services CA", vanaf=vanaf, tot=tot)
    (map_ / "ca.pem").write_bytes(pem(ca))
    for naam, oin in (("server", None), ("deurwaarder", DEURWAARDER), ("walcheren", WALCHEREN),
                      ("evides", EVIDES)):  # fmt: skip
        sleutel = nieuwe_sleutel()
        cert = tls_certificaat(
            sleutel,
            naam,
            oin=oin,
            host="localhost",
            uitgever=(ca, ca_sleutel),
            vanaf=vanaf,
            tot=tot,
        )
        (map_ / f"{naam}.pem").write_bytes(pem(cert))
        (map_ / f"{naam}.key").write_bytes(sleutel_pem(sleutel))
    return map_


@pytest.fixture(scope="module")
def url(map_: Path) -> Iterator[str]:
    (map_ / "register.json").write_text(json.dumps(REGISTER), encoding="utf-8")
    config = map_ / "config.json"
    config.write_text(json.dumps(CONFIG), encoding="utf-8")
    instellingen = Instellingen.laad(config, Modus.PRODUCTIE)
    app = build_knooppunt(instellingen, map_ / "knooppunt.sqlite3", SCHULDENKNOOPPUNT)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            http=BegrensdProtocol,
            ssl_certfile=str(map_ / "server.pem"),
            ssl_keyfile=str(map_ / "server.key"),
            ssl_ca_certs=str(map_ / "ca.pem"),
            ssl_cert_reqs=ssl.CERT_REQUIRED,
            log_level="critical",
            lifespan="on",
        )
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    poort = sock.getsockname()[1]
    draad = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    draad.start()
    einde = time.monotonic() + 20
    while not server.started:
        assert draad.is_alive() and time.monotonic() < einde, "the knooppunt did not start"
        time.sleep(0.02)
    try:
        yield f"https://localhost:{poort}/v1"
    finally:
        server.should_exit = True
        draad.join(20)
        sock.close()


def _als(map_: Path, url: str, wie: str | None) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(map_ / "ca.pem"))
    if wie is not None:
        context.load_cert_chain(str(map_ / f"{wie}.pem"), str(map_ / f"{wie}.key"))
    return httpx.Client(base_url=url, verify=context, timeout=10)


@pytest.mark.eis("WD-KNP-09", "WD-KNP-01", "WD-KNP-03")
def test_participants_are_the_oin_in_their_certificate(map_: Path, url: str) -> None:
    _, envelop = verzegelde_verwijzing()
    pad = f"/postbus/{envelop.bericht_id}"
    with _als(map_, url, "deurwaarder") as deurwaarder, _als(map_, url, "walcheren") as walcheren:
        afgeleverd = deurwaarder.post(
            "/enveloppen", content=envelop.to_json(), headers={"Content-Type": "application/json"}
        )
        assert afgeleverd.status_code == 201, afgeleverd.text
        assert [r["berichtId"] for r in walcheren.get("/postbus").json()["enveloppen"]] == [
            str(envelop.bericht_id)
        ]
        assert walcheren.get(pad).content == envelop.to_json()
        # The bailiff is not the recipient, whatever it sends along.
        assert deurwaarder.get(pad).status_code == 404
    with _als(map_, url, "evides") as evides:
        # Evides' certificate says Evides: a token of another participant changes nothing.
        anders = evides.post(
            "/enveloppen",
            content=verzegelde_verwijzing()[1].to_json(),
            headers={"Content-Type": "application/json", "Authorization": "Bearer dev-operator"},
        )
        assert anders.status_code == 403
        assert anders.json()["type"].endswith("/verkeerde-afzender")
        assert evides.get(pad).status_code == 404
        assert evides.put("/testklok", json={"nu": "2030-01-01T00:00:00Z"}).status_code == 404


def test_no_client_certificate_no_connection(map_: Path, url: str) -> None:
    with _als(map_, url, None) as anoniem, pytest.raises(httpx.HTTPError):
        anoniem.get("/postbus")
