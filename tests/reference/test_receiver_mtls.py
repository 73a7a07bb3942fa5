"""The receiver in production mode over real TLS: Digikoppeling's REST profile, mutual TLS.

A real test CA (trustme) issues the server certificate and, through ``cryptography``, client
certificates that carry the caller's OIN in the subject serialNumber, as PKIoverheid certificates
do. The real uvicorn server runs in a thread on a free loopback port, once with each HTTP protocol
class (:class:`TlsHttpToolsProtocol`, the default, and :class:`TlsH11Protocol`); httpx and plain
``ssl`` sockets are the clients. Nothing is mocked between the socket and the store.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from paths import EXAMPLES
from warm_referral_reference.receiver.config import Instellingen, Modus
from warm_referral_reference.receiver.protocol import BegrensdProtocol
from warm_referral_reference.receiver.server import build_receiver
from warm_referral_reference.receiver.tls import TlsH11Protocol, TlsHttpToolsProtocol

from warm_referral import parse_json
from warm_referral.cli import main
from warm_referral.models import Partij
from warm_referral.testing.voorbeelden import herdateer

EVIDES_OIN = "00000003241234560000"  # the afzender OIN of the Evides example
WOONGOED_OIN = "00000003220123450000"
OPERATOR_OIN = "00000001001234567000"  # Schuldhulp Walcheren: Vlissingen (0718), Middelburg (0687)
OPERATOR_ELDERS_OIN = "00000001003630000000"  # an operator of Amsterdam (0363)
ONBEKEND_OIN = "00000009999999990000"


def _afspraak(*codes: str) -> list[dict[str, Any]]:
    return [
        {
            "afsprakenprofiel": {"naam": "nvvk-pilot", "versie": "1.1"},
            "gemeentecodes": list(codes),
            "geldigVanaf": "2023-01-01",
        }
    ]


#: The participants register of these tests: creditors and operators known by their OIN.
REGISTER: dict[str, Any] = {
    "formaat": "warm-referral-deelnemersregister/1",
    "uitgever": {"naam": "NVVK (test)", "kvkNummer": "11122233"},
    "uitgegevenOp": "2026-01-01T00:00:00Z",
    "schuldeisers": [
        {
            "id": "evides",
            "naam": "Evides Waterbedrijf",
            "oin": EVIDES_OIN,
            "kvkNummer": "24123456",
            "soortenVerwijzer": ["Water"],
            "grondslagen": ["Afsluitregeling", "Toestemming"],
            "afspraken": _afspraak("0718", "0687", "0363"),
        },
        {
            "id": "woongoed",
            "naam": "Woongoed Zeeland",
            "oin": WOONGOED_OIN,
            "kvkNummer": "22012345",
            "vestigingsnummers": ["000012345678"],
            "soortenVerwijzer": ["Huur"],
            "grondslagen": ["BesluitGemeentelijkeSchuldhulpverlening", "Toestemming"],
            "afspraken": _afspraak("0718", "0687"),
        },
    ],
    "organisaties": [
        {
            "id": "walcheren",
            "naam": "Schuldhulp Walcheren",
            "oin": OPERATOR_OIN,
            "gemeentecodes": ["0718", "0687"],
        },
        {
            "id": "amsterdam",
            "naam": "Schuldhulp Amsterdam",
            "oin": OPERATOR_ELDERS_OIN,
            "gemeentecodes": ["0363"],
        },
    ],
}

CONFIG: dict[str, Any] = {
    "gemeentecodes": ["0718", "0687", "0363"],
    "auditSleutel": "test-only-audit-key-for-the-mtls-tests",
    "deelnemersregister": "register.json",
    # A token in production mode must be ignored: only the certificate counts.
    "tokens": {"dev-operator": "walcheren"},
}


def schrijf_config(folder: Path, config: dict[str, Any] | None = None) -> Path:
    """config.json with the register beside it (the config names it relative to itself)."""
    (folder / "register.json").write_text(json.dumps(REGISTER), encoding="utf-8")
    pad = folder / "config.json"
    pad.write_text(json.dumps(CONFIG if config is None else config), encoding="utf-8")
    return pad


def _vandaag(pad: Path, afzender: Partij | None = None) -> bytes:
    """An example dated a minute ago (production has no test clock, and refuses late referrals)."""
    bericht = herdateer(
        parse_json(pad.read_bytes()),
        datetime.now(timezone.utc) - timedelta(minutes=1),
        afzender=afzender,
    )
    return bytes(bericht.to_json())


EVIDES_VERWIJZING = _vandaag(EXAMPLES / "verwijzing-water-afsluitregeling.json")
# In production Woongoed is known by its OIN, so its messages carry it (the exact identity).
WOONGOED_VERWIJZING = _vandaag(
    EXAMPLES / "verwijzing-huur-bgs-crisis.json",
    Partij(
        naam="Woongoed Zeeland",
        oin=WOONGOED_OIN,
        kvk_nummer="22012345",
        vestigingsnummer="000012345678",
    ),
)
JSON_HEADERS = {"Content-Type": "application/json"}


# --- certificates -----------------------------------------------------------------------------


def client_cert(
    ca: Any, naam: str, oin: str, folder: Path, prefix: str = "", key: Any = None
) -> tuple[Path, Path]:
    """A client certificate signed by ``ca`` (a trustme CA) with ``oin`` as subject serialNumber.

    trustme's ``issue_cert`` cannot set the serialNumber attribute, so the certificate is built
    with ``cryptography`` from the CA's public PEM key and certificate.
    """
    ca_key = serialization.load_pem_private_key(ca.private_key_pem.bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate(ca.cert_pem.bytes())
    key = key or ec.generate_private_key(ec.SECP256R1())
    nu = datetime.now(timezone.utc)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, naam),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{naam} (test)"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, oin),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(nu - timedelta(hours=1))
        .not_valid_after(nu + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    cert_path = folder / f"{prefix}{oin}.crt"
    key_path = folder / f"{prefix}{oin}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Pki:
    folder: Path
    ca: Any
    andere_ca: Any
    certs: dict[str, tuple[Path, Path]]

    def context(self, oin: str | None = None, *, ca: Any = None) -> ssl.SSLContext:
        """A client context that trusts the test CA and presents the certificate for ``oin``."""
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        self.ca.configure_trust(ctx)
        if oin is not None:
            cert, key = (
                self.certs[oin]
                if ca is None
                else client_cert(ca, "Vreemd", oin, self.folder, prefix="vreemd-")
            )
            ctx.load_cert_chain(cert, key)
        return ctx


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca = trustme.CA(organization_name="Test PKIoverheid Private Services CA")
    andere_ca = trustme.CA(organization_name="Some other CA")
    certs = {
        oin: client_cert(ca, naam, oin, folder)
        for oin, naam in [
            (EVIDES_OIN, "Evides Waterbedrijf"),
            (WOONGOED_OIN, "Woongoed Zeeland"),
            (OPERATOR_OIN, "Schuldhulp Walcheren"),
            (OPERATOR_ELDERS_OIN, "Schuldhulp Amsterdam"),
            (ONBEKEND_OIN, "Onbekende Partij"),
        ]
    }
    return Pki(folder, ca, andere_ca, certs)


# --- the server ---------------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    port: int


@pytest.fixture(
    scope="module",
    params=[BegrensdProtocol, TlsHttpToolsProtocol, TlsH11Protocol],
    ids=["served", "httptools", "h11"],
)
def server(
    pki: Pki, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Server]:
    """The receiver under each HTTP protocol it may run with (the TLS extension is added to each):
    the one ``serve receiver`` uses (httptools with the limits, :mod:`.protocol`) and the two
    it is built on."""
    folder = tmp_path_factory.mktemp("receiver")
    config = schrijf_config(folder)
    instellingen = Instellingen.laad(config, Modus.PRODUCTIE)
    assert instellingen.modus is Modus.PRODUCTIE
    assert not instellingen.testklok
    app = build_receiver(instellingen, folder / "ontvanger.sqlite3", bewaking_interval=3600)
    with _draaiend(app, pki, folder, request.param) as port:
        yield Server(f"https://127.0.0.1:{port}", port)


@contextlib.contextmanager
def _draaiend(app: Any, pki: Pki, folder: Path, protocol: Any) -> Iterator[int]:
    """uvicorn with mutual TLS (the test CA) in a thread, on a free loopback port: the port."""
    server_pem = folder / "server.pem"
    pki.ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(
        str(server_pem)
    )
    ca_pem = folder / "ca.pem"
    pki.ca.cert_pem.write_to_path(str(ca_pem))
    uv_config = uvicorn.Config(
        app,
        http=protocol,
        ssl_certfile=str(server_pem),
        ssl_ca_certs=str(ca_pem),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
        log_level="critical",
        lifespan="on",
    )
    uv_server = uvicorn.Server(uv_config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on: no race with other processes
    port = sock.getsockname()[1]
    thread = threading.Thread(target=uv_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the receiver did not start")
        time.sleep(0.02)
    try:
        yield port
    finally:
        uv_server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def client(pki: Pki, server: Server, oin: str | None = None, *, ca: Any = None) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, verify=pki.context(oin, ca=ca), timeout=10)


def post_verwijzing(c: httpx.Client, data: bytes) -> httpx.Response:
    return c.post("/v1/berichten", content=data, headers=JSON_HEADERS)


def assert_problem(response: httpx.Response, status: int, soort: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["api-version"]
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].endswith("/" + soort)
    assert body["title"]
    assert body["detail"]
    return body


# --- the cases ----------------------------------------------------------------------------------


def test_configured_creditor_delivers_the_evides_referral(pki: Pki, server: Server) -> None:
    with client(pki, server, EVIDES_OIN) as c:
        response = post_verwijzing(c, EVIDES_VERWIJZING)
        assert response.status_code == 201, response.text
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["strict-transport-security"]
        bevestiging = response.json()
        assert bevestiging["berichttype"] == "Ontvangstbevestiging"
        verwijzing = json.loads(EVIDES_VERWIJZING)
        assert bevestiging["conversatieId"] == verwijzing["conversatieId"]
        assert bevestiging["crossReferentie"] == verwijzing["berichtId"]
        assert bevestiging["ontvanger"]["oin"] == EVIDES_OIN
        # A retry over a new TLS connection gets the same stored answer.
        with client(pki, server, EVIDES_OIN) as again:
            retry = post_verwijzing(again, EVIDES_VERWIJZING)
        assert retry.status_code == 201
        assert retry.content == response.content
        # The creditor sees its referral, and its acknowledgement waits in its postvak.
        eigen = c.get(f"/v1/verwijzingen/{verwijzing['conversatieId']}")
        assert eigen.status_code == 200, eigen.text
        assert eigen.json()["verwijzingId"] == verwijzing["verwijzingId"]
        postvak = c.get("/v1/postvak").json()["berichten"]
        assert "Ontvangstbevestiging" in [b["bericht"]["berichttype"] for b in postvak]


def test_unknown_oin_is_403_problem(pki: Pki, server: Server) -> None:
    with client(pki, server, ONBEKEND_OIN) as c:
        body = assert_problem(post_verwijzing(c, EVIDES_VERWIJZING), 403, "onbekende-deelnemer")
        assert ONBEKEND_OIN in body["detail"]
        assert_problem(c.get("/v1/verwijzingen"), 403, "onbekende-deelnemer")


def test_a_bearer_token_counts_for_nothing_in_production(pki: Pki, server: Server) -> None:
    # The caller has a certificate with an unknown OIN and a token the config lists.
    with client(pki, server, ONBEKEND_OIN) as c:
        response = c.get("/v1/verwijzingen", headers={"Authorization": "Bearer dev-operator"})
    assert_problem(response, 403, "onbekende-deelnemer")


def test_certificate_oin_must_match_the_afzender(pki: Pki, server: Server) -> None:
    # Woongoed's certificate, Evides' message: the afzender is not the authenticated caller.
    with client(pki, server, WOONGOED_OIN) as c:
        assert_problem(post_verwijzing(c, EVIDES_VERWIJZING), 403, "verkeerde-afzender")


def _tls_context(pki: Pki, oin: str | None, ca: Any, versie: ssl.TLSVersion) -> ssl.SSLContext:
    ctx = pki.context(oin, ca=ca)
    ctx.minimum_version = ctx.maximum_version = versie
    return ctx


def _assert_refused(server: Server, ctx: ssl.SSLContext) -> None:
    """Connect with ``ctx`` and try a request: the server must refuse before any HTTP happens.

    With TLS 1.2 the server checks the client certificate inside the handshake, so the handshake
    itself fails. With TLS 1.3 the client has finished its side of the handshake before the server
    checks the certificate; the server then drops the connection, and the client sees that (an
    alert or EOF) at its first read, never a response. (asyncio's SSL server closes without
    sending the alert, so EOF is what the client usually sees.)
    """
    request = b"GET /v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        if ctx.maximum_version is ssl.TLSVersion.TLSv1_2:
            with pytest.raises((ssl.SSLError, ConnectionError)):
                ctx.wrap_socket(raw, server_hostname="127.0.0.1")
            return
        try:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                assert tls.version() == "TLSv1.3"
                tls.sendall(request)
                data = tls.recv(65536)
        except (ssl.SSLError, ConnectionError):
            return  # refused with an alert, a reset or an EOF in violation of the protocol
    assert data == b"", f"the server answered: {data[:200]!r}"


TLS_VERSIES = pytest.mark.parametrize(
    "versie", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3], ids=["tls1.2", "tls1.3"]
)


@TLS_VERSIES
def test_without_client_certificate_the_connection_is_refused(
    pki: Pki, server: Server, versie: ssl.TLSVersion
) -> None:
    _assert_refused(server, _tls_context(pki, None, None, versie))


def test_without_client_certificate_httpx_gets_no_response(pki: Pki, server: Server) -> None:
    with client(pki, server) as c, pytest.raises(httpx.TransportError):
        c.get("/v1/openapi.json")


@TLS_VERSIES
def test_certificate_from_another_ca_is_refused(
    pki: Pki, server: Server, versie: ssl.TLSVersion
) -> None:
    # The right OIN, the wrong issuer.
    _assert_refused(server, _tls_context(pki, EVIDES_OIN, pki.andere_ca, versie))


def test_certificate_from_another_ca_httpx_gets_no_response(pki: Pki, server: Server) -> None:
    with (
        client(pki, server, EVIDES_OIN, ca=pki.andere_ca) as c,
        pytest.raises(httpx.TransportError),
    ):
        post_verwijzing(c, EVIDES_VERWIJZING)


def test_the_same_client_with_its_certificate_is_served(pki: Pki, server: Server) -> None:
    """The control for the refusals above: same request, same versions, a good certificate."""
    request = b"GET /v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    for versie in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        ctx = _tls_context(pki, EVIDES_OIN, None, versie)
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw,
            ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            tls.sendall(request)
            data = tls.recv(65536)
        assert data.startswith(b"HTTP/1.1 200 "), data[:100]


def test_the_client_checks_the_server_too(pki: Pki, server: Server) -> None:
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    pki.andere_ca.configure_trust(ctx)  # trusts only another CA
    ctx.load_cert_chain(*pki.certs[EVIDES_OIN])
    with (
        httpx.Client(base_url=server.base_url, verify=ctx, timeout=10) as c,
        pytest.raises(httpx.ConnectError, match=r"(?i)certificate"),
    ):
        c.get("/v1/openapi.json")


def test_tenancy_over_real_tls(pki: Pki, server: Server) -> None:
    evides_conv = json.loads(EVIDES_VERWIJZING)["conversatieId"]
    woongoed_conv = json.loads(WOONGOED_VERWIJZING)["conversatieId"]
    with client(pki, server, EVIDES_OIN) as evides:
        assert post_verwijzing(evides, EVIDES_VERWIJZING).status_code == 201
    with client(pki, server, WOONGOED_OIN) as woongoed:
        response = post_verwijzing(woongoed, WOONGOED_VERWIJZING)
        assert response.status_code == 201, response.text

    # The operator of Vlissingen sees both, in full.
    with client(pki, server, OPERATOR_OIN) as operator:
        lijst = operator.get("/v1/verwijzingen")
        assert lijst.status_code == 200, lijst.text
        convs = {v["conversatieId"] for v in lijst.json()["verwijzingen"]}
        assert {evides_conv, woongoed_conv} <= convs
        volledig = operator.get(f"/v1/verwijzingen/{evides_conv}")
        assert volledig.status_code == 200, volledig.text
        assert volledig.json()["verwijzing"]["hulpvrager"]["geslachtsnaam"] == "Vries"
        # An operator delivers no messages.
        assert_problem(post_verwijzing(operator, EVIDES_VERWIJZING), 403, "geen-toegang")

    # A creditor sees its own referral only.
    with client(pki, server, WOONGOED_OIN) as woongoed:
        eigen = woongoed.get("/v1/verwijzingen").json()["verwijzingen"]
        assert [v["conversatieId"] for v in eigen] == [woongoed_conv]
        assert_problem(woongoed.get(f"/v1/verwijzingen/{evides_conv}"), 404, "niet-gevonden")
        assert woongoed.get(f"/v1/verwijzingen/{woongoed_conv}").status_code == 200
        # Evides' acknowledgement is not in Woongoed's postvak.
        postvak = woongoed.get("/v1/postvak").json()["berichten"]
        assert postvak
        assert {b["bericht"]["conversatieId"] for b in postvak} == {woongoed_conv}
        # A creditor cannot act as the municipality.
        actie = woongoed.post(
            f"/v1/verwijzingen/{woongoed_conv}/acties",
            json={"soort": "Oppakken", "datum": "2026-06-15"},
        )
        assert_problem(actie, 403, "geen-toegang")
    with client(pki, server, EVIDES_OIN) as evides:
        assert_problem(evides.get(f"/v1/verwijzingen/{woongoed_conv}"), 404, "niet-gevonden")
        eigen = evides.get("/v1/verwijzingen").json()["verwijzingen"]
        assert [v["conversatieId"] for v in eigen] == [evides_conv]

    # An operator of another municipality sees neither.
    with client(pki, server, OPERATOR_ELDERS_OIN) as elders:
        assert elders.get("/v1/verwijzingen").json()["verwijzingen"] == []
        assert_problem(elders.get(f"/v1/verwijzingen/{evides_conv}"), 404, "niet-gevonden")
        assert_problem(elders.get("/v1/verwijzingen?gemeentecode=0718"), 403, "geen-toegang")


def test_production_has_no_test_clock(pki: Pki, server: Server) -> None:
    with client(pki, server, OPERATOR_OIN) as operator:
        assert_problem(operator.get("/v1/testklok"), 404, "niet-gevonden")
        zet = operator.put("/v1/testklok", json={"nu": "2030-01-01T00:00:00Z"})
        assert_problem(zet, 404, "niet-gevonden")
        # The deadline monitor still answers with the real time, not a moved one.
        nu = datetime.fromisoformat(
            operator.get("/v1/termijnbewaking").json()["nu"].replace("Z", "+00:00")
        )
    assert abs(nu - datetime.now(timezone.utc)) < timedelta(minutes=1)


# --- the command line -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "melding"),
    [
        ([], "--tls-cert"),
        (["--tls-cert", "s.pem", "--tls-key", "s.key"], "--tls-ca"),
        (["--tls-cert", "s.pem", "--tls-ca", "ca.pem"], "--tls-key"),
        (["--tls-cert", "s.pem", "--tls-key", "s.key", "--tls-ca", "ca.pem"], "--config"),
    ],
)
def test_serve_productie_refuses_to_start_without_tls_and_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], melding: str
) -> None:
    argv = ["serve", "receiver", "--productie", "--db", str(tmp_path / "db.sqlite3"), *extra]
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert melding in capsys.readouterr().err
    assert not (tmp_path / "db.sqlite3").exists()


@pytest.mark.parametrize("weg", ["gemeentecodes", "auditSleutel", "deelnemersregister"])
def test_serve_productie_refuses_an_incomplete_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], weg: str
) -> None:
    config = schrijf_config(tmp_path, {k: v for k, v in CONFIG.items() if k != weg})
    argv = [
        "serve",
        "receiver",
        "--productie",
        "--db",
        str(tmp_path / "db.sqlite3"),
        "--config",
        str(config),
        "--tls-cert",
        "s.pem",
        "--tls-key",
        "s.key",
        "--tls-ca",
        "ca.pem",
    ]
    assert main(argv) == 1
    assert weg in capsys.readouterr().err
    assert not (tmp_path / "db.sqlite3").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_production_with_worker_processes_over_real_tls(pki: Pki, tmp_path: Path) -> None:
    """``serve receiver --productie --workers 2`` from the command line: every worker requires
    the client certificate and reads the OIN from it; the configuration reaches each worker."""
    config = schrijf_config(tmp_path)
    server_pem = tmp_path / "server.pem"
    pki.ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(server_pem))
    ca_pem = tmp_path / "ca.pem"
    pki.ca.cert_pem.write_to_path(str(ca_pem))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "warm_referral", "serve", "receiver", "--productie",
         "--config", str(config), "--db", str(tmp_path / "ontvanger.sqlite3"),
         "--tls-cert", str(server_pem), "--tls-key", str(server_pem), "--tls-ca", str(ca_pem),
         "--port", str(port), "--workers", "2"],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    server = Server(f"https://127.0.0.1:{port}", port)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
            try:
                with client(pki, server, EVIDES_OIN) as c:
                    response = post_verwijzing(c, EVIDES_VERWIJZING)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the receiver did not start"
                time.sleep(0.2)
        assert response.status_code == 201, response.text
        # Several new connections: whichever worker takes each, the OIN decides.
        for _ in range(6):
            with client(pki, server, ONBEKEND_OIN) as c:
                assert_problem(post_verwijzing(c, EVIDES_VERWIJZING), 403, "onbekende-deelnemer")
            with client(pki, server, EVIDES_OIN) as c:
                retry = post_verwijzing(c, EVIDES_VERWIJZING)
                assert (retry.status_code, retry.content) == (201, response.content)
        _assert_refused(server, pki.context(None))
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=40) == 0


# --- signatures over mutual TLS (WD-OND-05) -----------------------------------------------------


@pytest.mark.eis("WD-OND-05")
def test_a_signature_is_checked_against_the_tls_certificate_of_the_connection(
    pki: Pki, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Production mode with a signing profile, over real TLS: the receiver gives the client
    certificate of the connection to the check, so a message signed with the key of the TLS
    certificate is refused (certificaat_gelijk_aan_tls) and one signed with a separate signing
    certificate is taken in."""
    from warm_referral.ondertekening import onderteken
    from warm_referral.testing import pki as test_pki

    folder = tmp_path_factory.mktemp("ondertekend")
    stam = EXAMPLES.parent / "ondertekening" / "pki"
    (folder / "stam.pem").write_bytes((stam / "stam-ca.pem").read_bytes())
    tussen = x509.load_pem_x509_certificate((stam / "tussen-ca.pem").read_bytes())
    uitgever = (tussen, test_pki.lees_sleutel((stam / "tussen-ca.sleutel.pem").read_bytes()))
    nu = datetime.now(timezone.utc)
    evides = test_pki.certificaatsleutel(
        "Evides Waterbedrijf",
        EVIDES_OIN,
        uitgever=uitgever,
        vanaf=nu - timedelta(hours=1),
        tot=nu + timedelta(days=1),
    )
    # A TLS client certificate that reuses the signing key (what WD-OND-05 forbids).
    hergebruikt = client_cert(
        pki.ca, "Evides", EVIDES_OIN, folder, "zelfde-", key=evides.sleutel.private_key
    )
    config = {**CONFIG, "ondertekening": {"vertrouwensankers": ["stam.pem"], "vereist": True}}
    instellingen = Instellingen.laad(schrijf_config(folder, config), Modus.PRODUCTIE)
    app = build_receiver(instellingen, folder / "ontvanger.sqlite3", bewaking_interval=3600)
    koppen = {**JSON_HEADERS, **onderteken(EVIDES_VERWIJZING, evides, nu).headers()}
    with _draaiend(app, pki, folder, BegrensdProtocol) as port:
        server = Server(f"https://127.0.0.1:{port}", port)
        ctx = pki.context()
        ctx.load_cert_chain(*hergebruikt)
        with httpx.Client(base_url=server.base_url, verify=ctx, timeout=10) as c:
            antwoord = c.post("/v1/berichten", content=EVIDES_VERWIJZING, headers=koppen)
            probleem = assert_problem(antwoord, 400, "handtekening-geweigerd")
            assert [f["code"] for f in probleem["fouten"]] == ["certificaat_gelijk_aan_tls"]
        with client(pki, server, EVIDES_OIN) as c:
            assert_problem(post_verwijzing(c, EVIDES_VERWIJZING), 400, "handtekening-geweigerd")
            antwoord = c.post("/v1/berichten", content=EVIDES_VERWIJZING, headers=koppen)
            assert antwoord.status_code == 201, antwoord.text
