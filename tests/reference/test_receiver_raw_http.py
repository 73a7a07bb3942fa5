"""The reference receiver over raw sockets (issue 13): malformed and hostile HTTP/1.1, answered by
the real server process (uvicorn with :mod:`warm_referral_reference.receiver.protocol`).

Every case of :mod:`http_hostile_corpus` goes out on a fresh connection, byte for byte. Its answer
must be the expected 4xx as problem details with ``API-Version`` and the security headers, or, where
HTTP leaves nothing to answer, a clean close; never a 5xx, never a hang (every read is bounded by
the server's timeouts). Then the scenarios a single request cannot show: pipelining, a slowloris
that trickles its head, a body that stops, clients that go away halfway, many idle connections.
Afterwards the server still serves a valid Verwijzing, and its resident memory has not grown.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from http_hostile_corpus import CASES, LIMIETEN, SLUITEN, Case
from receiver_support import (
    EVIDES,
    EVIDES_KLOK,
    EVIDES_VERWIJZING,
    OPERATOR,
    auth,
    encode,
    example,
    fresh,
)

#: How long any answer may take: the slowest timeout of the test server, with room to spare.
GRENS = max(LIMIETEN["kopTimeout"], LIMIETEN["inhoudTimeout"], LIMIETEN["stilTimeout"]) + 5
PROBLEM_JSON = b"application/problem+json"


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        for regel in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if regel.startswith("VmRSS:"):
                return int(regel.split()[1])
        raise AssertionError("no VmRSS")  # pragma: no cover - Linux only, see the skip


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        poort: int = s.getsockname()[1]
        return poort


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path("/proc/self/status").exists():
        pytest.skip("reads the server's memory from /proc")
    map_ = tmp_path_factory.mktemp("raw")
    config = map_ / "ontvanger.json"
    # The shipped development register and tokens (no 'deelnemersregister'), with tight limits.
    config.write_text(
        json.dumps(
            {
                "http": LIMIETEN,
            }
        )
    )
    poort = _vrije_poort()
    log = map_ / "server.log"
    with log.open("wb") as uit:
        process = subprocess.Popen(
            [sys.executable, "-m", "warm_referral", "serve", "receiver", "--db",
             str(map_ / "db.sqlite3"), "--port", str(poort), "--config", str(config),
             "--bewaking-interval", "3600"],
            stdout=uit,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process, poort, log)
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(server.url + "/v1/openapi.json", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the receiver did not start"
        time.sleep(0.1)
    klok = httpx.put(server.url + "/v1/testklok", json={"nu": EVIDES_KLOK}, headers=auth(OPERATOR))
    assert klok.status_code == 200, klok.text
    yield server
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover
        process.kill()
        process.wait()


# --- one exchange over a raw socket ----------------------------------------------------------------


@dataclass
class Antwoord:
    status: int | None  # None: closed without a byte
    headers: dict[bytes, bytes]
    body: bytes
    duur: float


def _uitwisseling(server: Server, data: bytes, pauze: float = 0.0) -> Antwoord:
    """Send ``data`` (in a thread, so a server that answers early and closes does not block us)
    and read until the server closes; bounded by GRENS."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=GRENS)
    begin = time.monotonic()

    def stuur() -> None:
        try:
            if pauze:
                for byte in data:
                    sock.sendall(bytes([byte]))
                    time.sleep(pauze)
            else:
                sock.sendall(data)
        except OSError:
            pass  # the server refused and closed: what it said is read below

    zender = threading.Thread(target=stuur, daemon=True)
    zender.start()
    ontvangen = bytearray()
    try:
        while time.monotonic() - begin < GRENS:
            deel = sock.recv(65536)
            if not deel:
                break
            ontvangen += deel
        else:  # pragma: no cover - a hang is what this test exists to find
            raise AssertionError(f"no close within {GRENS} s; got {bytes(ontvangen[:300])!r}")
    except ConnectionResetError:
        pass  # a reset after the answer (unread bytes of ours): the answer is what counts
    except TimeoutError as exc:  # pragma: no cover
        raise AssertionError(f"no answer within {GRENS} s") from exc
    finally:
        sock.close()
    return _lees(bytes(ontvangen), time.monotonic() - begin)


def _lees(data: bytes, duur: float) -> Antwoord:
    if not data:
        return Antwoord(None, {}, b"", duur)
    kop, _, body = data.partition(b"\r\n\r\n")
    regels = kop.split(b"\r\n")
    status = int(regels[0].split(b" ")[1])
    headers = {}
    for regel in regels[1:]:
        naam, _, waarde = regel.partition(b":")
        headers[naam.strip().lower()] = waarde.strip()
    lengte = int(headers.get(b"content-length", b"-1"))
    if lengte >= 0:
        body = body[:lengte]
    return Antwoord(status, headers, body, duur)


def _probleem(antwoord: Antwoord, status: int) -> None:
    assert antwoord.status == status, (antwoord.status, antwoord.body[:300])
    assert antwoord.headers.get(b"content-type") == PROBLEM_JSON
    assert antwoord.headers.get(b"api-version") == b"1.0.0"
    assert antwoord.headers.get(b"cache-control") == b"no-store"
    assert antwoord.headers.get(b"x-content-type-options") == b"nosniff"
    assert b"server" not in antwoord.headers, "no Server header (hide the implementation)"
    body = json.loads(antwoord.body)
    assert body["status"] == status and body["type"].startswith("https://")
    assert isinstance(body["fouten"], list) and body["detail"]


def _case_params(langzaam: bool) -> list[object]:
    return [
        pytest.param(c, id=c.id, marks=[pytest.mark.slow] if c.langzaam else [])
        for c in CASES
        if c.langzaam == langzaam
    ]


# --- the corpus --------------------------------------------------------------------------------------


@pytest.mark.eis("WD-ROB-05", "WD-ROB-06", "WD-API-01", "WD-API-02")
@pytest.mark.parametrize("case", _case_params(False) + _case_params(True))
def test_each_hostile_request_gets_a_problem_4xx_or_a_clean_close(
    server: Server, case: Case
) -> None:
    antwoord = _uitwisseling(server, case.data)
    if case.verwacht == SLUITEN:
        assert antwoord.status is None, antwoord
    else:
        _probleem(antwoord, case.verwacht)
    assert antwoord.duur < GRENS


# --- what one request cannot show ----------------------------------------------------------------------


def _get(pad: str = "/v1/openapi.json", *extra: bytes) -> bytes:
    return f"GET {pad} HTTP/1.1\r\nHost: a\r\n".encode() + b"".join(extra) + b"\r\n"


def test_pipelined_requests_are_answered_in_order(server: Server) -> None:
    data = (
        _get("/v1/nergens-1")
        + _get("/v1/nergens-2")
        + _get("/v1/nergens-3", b"Connection: close\r\n")
    )
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=GRENS)
    sock.sendall(data)
    ontvangen = b""
    while chunk := sock.recv(65536):
        ontvangen += chunk
    sock.close()
    assert ontvangen.count(b"HTTP/1.1 404") == 3
    assert [ontvangen.index(b"/v1/nergens-%d" % i) for i in (1, 2, 3)] == sorted(
        ontvangen.index(b"/v1/nergens-%d" % i) for i in (1, 2, 3)
    )


@pytest.mark.eis("WD-ROB-05")
def test_a_malformed_request_behind_a_valid_one_is_refused_after_its_answer(server: Server) -> None:
    data = _get("/v1/nergens") + b"GET /v1/openapi.json HTTP/1.1\r\nHost: a\r\nX : smokkel\r\n\r\n"
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=GRENS)
    sock.sendall(data)
    ontvangen = b""
    while chunk := sock.recv(65536):
        ontvangen += chunk
    sock.close()
    assert ontvangen.startswith(b"HTTP/1.1 404")
    assert b"HTTP/1.1 400" in ontvangen
    assert b'"openapi"' not in ontvangen, "the smuggled request never reached the app"


def test_1000_pipelined_requests_in_one_write_do_not_stall_the_server(server: Server) -> None:
    data = _get("/v1/nergens") * 999 + _get("/v1/nergens", b"Connection: close\r\n")
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=GRENS * 4)
    threading.Thread(target=sock.sendall, args=(data,), daemon=True).start()
    ontvangen = b""
    while chunk := sock.recv(1 << 20):
        ontvangen += chunk
    sock.close()
    assert ontvangen.count(b"HTTP/1.1 404") == 1000
    assert b" 5" not in ontvangen.split(b"\r\n", 1)[0]


@pytest.mark.slow
@pytest.mark.eis("WD-ROB-07")
def test_a_slowloris_head_is_408_after_the_head_timeout(server: Server) -> None:
    # One byte every 0.2 s: each byte is progress, but the head as a whole is too slow.
    antwoord = _uitwisseling(server, _get() + b"X-Traag: " + b"a" * 100, pauze=0.2)
    _probleem(antwoord, 408)
    assert antwoord.duur < LIMIETEN["kopTimeout"] + 2


@pytest.mark.slow
@pytest.mark.eis("WD-ROB-07")
def test_a_kept_alive_connection_without_a_next_request_is_closed(server: Server) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=GRENS)
    sock.sendall(_get())
    begin = time.monotonic()
    ontvangen = b""
    while chunk := sock.recv(65536):
        ontvangen += chunk
    sock.close()
    assert ontvangen.startswith(b"HTTP/1.1 200")
    assert time.monotonic() - begin < LIMIETEN["stilTimeout"] + 3


@pytest.mark.slow
@pytest.mark.eis("WD-ROB-07")
def test_many_idle_and_slow_connections_are_all_closed_and_others_are_served(
    server: Server,
) -> None:
    socks = [socket.create_connection(("127.0.0.1", server.port), timeout=GRENS) for _ in range(40)]
    for i, sock in enumerate(socks):
        if i % 2:
            sock.sendall(b"GET /v1/openapi.json HTTP/1.1\r\nHost: a\r\n")  # never finished
    assert httpx.get(server.url + "/v1/openapi.json", timeout=5).status_code == 200
    time.sleep(max(LIMIETEN["kopTimeout"], LIMIETEN["stilTimeout"]) + 1.5)
    for i, sock in enumerate(socks):
        sock.settimeout(3)
        ontvangen = b""
        while chunk := sock.recv(65536):
            ontvangen += chunk
        sock.close()
        assert ontvangen.startswith(b"HTTP/1.1 408") if i % 2 else ontvangen == b""


@pytest.mark.parametrize("tot", [10, 40, 200, 600], ids=["line", "headers", "body", "body-end"])
def test_a_client_that_goes_away_halfway_leaves_one_line_and_no_traceback(
    server: Server, tot: int
) -> None:
    body = encode(fresh(example(EVIDES_VERWIJZING)))
    data = (
        b"POST /v1/berichten HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer dev-evides\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    ) + body
    voor = server.log.read_text(errors="replace")
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=GRENS)
    sock.sendall(data[:tot])
    time.sleep(0.2)
    sock.close()
    time.sleep(0.3)
    nieuw = server.log.read_text(errors="replace")[len(voor) :]
    assert "Traceback" not in nieuw
    assert len(nieuw.splitlines()) <= 1, nieuw


# --- afterwards -------------------------------------------------------------------------------------


def test_zz_afterwards_the_receiver_serves_and_its_memory_is_flat(server: Server) -> None:
    """Runs last in this module (pytest keeps file order): every hostile input above has been
    through the server. Memory: its resident size grew less than 30 MB over a second pass of the
    whole fast corpus (the first pass warms caches and allocator arenas)."""
    voor = server.rss_kib()
    for case in CASES:
        if not case.langzaam:
            _uitwisseling(server, case.data)
    na = server.rss_kib()
    assert na - voor < 30 * 1024, f"RSS grew from {voor} KiB to {na} KiB"
    antwoord = httpx.post(
        server.url + "/v1/berichten",
        content=encode(fresh(example(EVIDES_VERWIJZING))),
        headers={**auth(EVIDES), "Content-Type": "application/json"},
        timeout=10,
    )
    assert antwoord.status_code == 201, antwoord.text
    assert server.process.poll() is None
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log and "Exception in ASGI" not in log
    print(f"server RSS {voor} KiB -> {na} KiB over {len(CASES)} cases", file=sys.stderr)
