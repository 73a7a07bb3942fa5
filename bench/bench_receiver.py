"""Benchmark: durable referrals/s of the reference receiver over real loopback HTTP (issue 6 item 9).

    python bench/bench_receiver.py [--referrals 3000] [--clients 32] [--rate 200]
                                   [--latency-seconds 10] [--raw-seconds 3] [--dir DIR]

In one run, on one disk (one temporary folder):

1. raw SQLite: single-row INSERT + COMMIT in a loop, journal_mode=WAL, synchronous=FULL: the
   disk's durable single-commit rate, the ceiling a one-commit-per-request server would have;
2. the receiver (``warm-referral serve receiver``, development mode, its own process, SQLite file
   in the same folder) fed distinct valid Verwijzingen by ``--clients`` concurrent
   httpx.AsyncClient tasks as fast as it answers; only 201s (durable: the receiver answers after
   its commit) count;
3. an open-loop run at a fixed ``--rate`` requests/s: each request is due at its slot and its
   latency is measured from that slot (so a stalled server cannot hide queueing delay).

Prints both rates, their ratio and p50/p99 latency. Goals: ratio >= 0.5, p99 < 50 ms.
The raw rate is measured just before and just after the throughput run; the ratio uses the higher
one (the disk's speed varies when other work shares it). CPU time per request of the receiver's
process and of this load generator are printed too: on a small machine they, not the disk, bound
the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import socket
import sqlite3
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

# The client must not be the bottleneck. httpcore 1.0 tries ``import sniffio`` on every request;
# without sniffio installed (anyio 4 no longer needs it) each try searches sys.path again. A None
# entry makes that import fail at once, which is the same outcome, just without the search.
if importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

import httpx  # imported after the sniffio entry above

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "spec" / "v1" / "examples" / "verwijzing-water-afsluitregeling.json"
#: Just after the example's verwezenOp, so the example's dates are valid on the receiver's clock.
TESTKLOK = "2026-04-01T08:30:04Z"
CREDITOR = {"Authorization": "Bearer dev-evides", "Content-Type": "application/json"}
OPERATOR = {"Authorization": "Bearer dev-operator"}


def raw_sqlite_rate(folder: Path, seconds: float, body: bytes) -> float:
    """Single-row INSERT + COMMIT per iteration, WAL and synchronous=FULL, on a file in ``folder``."""
    path = folder / f"raw-{uuid.uuid4().hex}.sqlite3"
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        assert conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        n, start = 0, time.perf_counter()
        deadline = start + seconds
        while True:
            conn.execute("BEGIN")
            conn.execute("INSERT INTO t (body) VALUES (?)", (body,))
            conn.execute("COMMIT")
            n += 1
            if n % 16 == 0 and time.perf_counter() >= deadline:
                break
        return n / (time.perf_counter() - start)
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def referrals(n: int) -> list[bytes]:
    """``n`` distinct valid Verwijzingen from dev-evides: the example with fresh identifiers."""
    template = json.loads(EXAMPLE.read_bytes())
    out = []
    for i in range(n):
        template["berichtId"] = str(uuid.uuid4())
        template["conversatieId"] = str(uuid.uuid4())
        template["verwijzingId"] = f"EVD-2026-{i:06d}"
        out.append(json.dumps(template, ensure_ascii=False).encode())
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_receiver(folder: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "warm_referral", "serve", "receiver",
        "--db", str(folder / "ontvanger.sqlite3"),
        "--host", "127.0.0.1", "--port", str(port),
        "--bewaking-interval", "3600",
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base, timeout=2) as client:
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"the receiver exited ({process.returncode}): {err}")
            try:
                if (await client.get("/v1/openapi.json")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the receiver did not start")
            await asyncio.sleep(0.1)


class Clients:
    """Keep-alive HTTP clients, one connection each, lent to one request at a time.

    One AsyncClient per connection: httpcore's pool scans all of its connections on every request,
    which with dozens of connections costs the client more CPU than the server spends.
    """

    def __init__(self, base: str, timeout: float = 30) -> None:
        self.base = base
        self.timeout = timeout
        # Plain HTTP needs no TLS, but each AsyncClient would build (and load CAs into) its own
        # SSL context: share one.
        self.ssl = ssl.create_default_context()
        self.idle: list[httpx.AsyncClient] = []
        self.retries = 0
        self.all: list[httpx.AsyncClient] = []

    def take(self) -> httpx.AsyncClient:
        if self.idle:
            return self.idle.pop()
        client = httpx.AsyncClient(
            base_url=self.base,
            timeout=self.timeout,
            verify=self.ssl,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        self.all.append(client)
        return client

    async def post(self, body: bytes) -> int | str:
        """The status code, or the name of the error when no response came.

        A keep-alive connection the server has just closed (uvicorn drops idle ones after 5 s)
        fails with ReadError or RemoteProtocolError; like any sender, the load generator then
        sends once more on a new connection, which the berichtId makes safe. Such retries are
        counted in ``retries``; a retry that fails too counts as that error.
        """
        client = self.take()
        try:
            for attempt in (1, 2):
                try:
                    response = await client.post("/v1/berichten", content=body, headers=CREDITOR)
                    return response.status_code
                except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
                    if attempt == 2:
                        return type(exc).__name__
                    self.retries += 1
                except httpx.TransportError as exc:
                    return type(exc).__name__
            raise AssertionError("unreachable")
        finally:
            self.idle.append(client)

    async def warm(self, n: int) -> None:
        clients = [self.take() for _ in range(n)]
        await asyncio.gather(*(c.get("/v1/openapi.json") for c in clients))
        self.idle.extend(clients)

    async def close(self) -> None:
        await asyncio.gather(*(c.aclose() for c in self.all))


async def throughput(
    base: str, bodies: list[bytes], clients: int, max_seconds: float
) -> tuple[int, float, Counter[int | str]]:
    """Send ``bodies`` with ``clients`` concurrent tasks; (201s, seconds, status counts)."""
    statuses: Counter[int | str] = Counter()
    todo = iter(bodies)
    pool = Clients(base)
    await pool.warm(clients)
    start = time.perf_counter()
    deadline = start + max_seconds

    async def worker() -> None:
        for body in todo:
            if time.perf_counter() > deadline:
                return
            statuses[await pool.post(body)] += 1

    try:
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    finally:
        await pool.close()
    if pool.retries:
        statuses["retried"] = pool.retries
    return statuses[201], elapsed, statuses


async def open_loop(
    base: str, bodies: list[bytes], rate: float, timeout: float
) -> tuple[list[float], Counter[int | str], float]:
    """One request per 1/rate s, each in its own task; latency from its due time, in ms.

    Returns the latencies of the 201s, the status counts (a request without an answer within
    ``timeout`` counts as ReadTimeout) and the seconds until the last answer.
    """
    latencies: list[float] = []
    statuses: Counter[int | str] = Counter()
    pool = Clients(base, timeout)
    # Open connections up front so that connection setup is not counted as the server's latency.
    await pool.warm(16)
    # At most this many requests in flight (open connections); later ones wait for a free one,
    # and that wait counts in their latency, as it is measured from the due time.
    in_flight = asyncio.Semaphore(512)
    start = time.perf_counter() + 0.05

    async def one(due: float, body: bytes) -> None:
        async with in_flight:
            status = await pool.post(body)
        statuses[status] += 1
        if status == 201:
            latencies.append((time.perf_counter() - due) * 1000)

    try:
        tasks = []
        for i, body in enumerate(bodies):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due, body)))
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - start
    finally:
        await pool.close()
    if pool.retries:
        statuses["retried"] = pool.retries
    return latencies, statuses, seconds


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def run(args: argparse.Namespace, folder: Path) -> int:
    load_before = load()
    n_latency = int(args.rate * args.latency_seconds)
    bodies = referrals(args.referrals + n_latency)
    raw_before = raw_sqlite_rate(folder, args.raw_seconds, bodies[0])

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_receiver(folder, port)
    try:
        await wait_ready(base, process)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            klok = await client.put("/v1/testklok", json={"nu": TESTKLOK}, headers=OPERATOR)
            klok.raise_for_status()
        # A short warm-up (imports, caches, connection pool) that is not counted.
        await throughput(base, referrals(200), args.clients, 10)
        server_cpu, client_cpu = cpu_seconds(process.pid), time.process_time()
        ok, seconds, statuses = await throughput(
            base, bodies[: args.referrals], args.clients, args.max_seconds
        )
        n_sent = sum(n for k, n in statuses.items() if k != "retried")
        server_ms = (cpu_seconds(process.pid) - server_cpu) / n_sent * 1000
        client_ms = (time.process_time() - client_cpu) / n_sent * 1000
        raw_between = raw_sqlite_rate(folder, args.raw_seconds, bodies[0])
        latencies, lat_statuses, lat_seconds = await open_loop(
            base, bodies[args.referrals :], args.rate, args.timeout
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    raw = max(raw_before, raw_between)
    rate = ok / seconds
    ratio = rate / raw
    print(f"folder: {folder}  (cpus: {os.cpu_count()}, load average {load_before} -> {load()})")
    print(
        f"raw SQLite single-row FULL commits/s: {raw:8.0f}  "
        f"(the higher of {raw_before:.0f} before and {raw_between:.0f} after the receiver run)"
    )
    print(
        f"receiver durable referrals/s:         {rate:8.0f}  "
        f"({ok} x 201 in {seconds:.2f} s, {args.clients} concurrent clients; "
        f"statuses {dict(sorted(statuses.items(), key=str))})"
    )
    print(f"  CPU per request: receiver {server_ms:.2f} ms, load generator {client_ms:.2f} ms")
    print(
        f"ratio receiver / raw:                 {ratio:8.2f}   (goal >= 0.5; "
        f"{rate / min(raw_before, raw_between):.2f} against the lower raw figure)"
    )
    print(
        f"open loop at {args.rate:.0f} req/s: {n_latency} requests, last answer after "
        f"{lat_seconds:.1f} s, statuses {dict(sorted(lat_statuses.items(), key=str))}"
    )
    p99 = float("inf")
    if latencies:
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        print(
            f"  latency of the 201s: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"max {max(latencies):.1f} ms, mean {statistics.fmean(latencies):.1f} ms"
            "   (goal p99 < 50 ms)"
        )
    failed = (set(statuses) | set(lat_statuses)) - {201, "retried"}
    met = ratio >= 0.5 and p99 < 50 and not failed
    print("goals met" if met else "goals NOT met")
    return 0 if met else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=3000, help="for the throughput run")
    parser.add_argument("--clients", type=int, default=32, help="concurrent client tasks")
    parser.add_argument("--max-seconds", type=float, default=30, help="cap of the throughput run")
    parser.add_argument("--rate", type=float, default=200, help="open-loop requests/s")
    parser.add_argument("--latency-seconds", type=float, default=10, help="open-loop duration")
    parser.add_argument(
        "--timeout", type=float, default=10, help="open loop: seconds before a request fails"
    )
    parser.add_argument("--raw-seconds", type=float, default=3, help="each raw SQLite run")
    parser.add_argument("--dir", type=Path, help="folder for both databases (default: a temp dir)")
    args = parser.parse_args()
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-receiver-", dir=args.dir))
    try:
        code = asyncio.run(run(args, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
