"""Benchmark: durable referrals/s of the reference receiver over real loopback HTTP (issue 6 item 9).

    python bench/bench_receiver.py [--referrals 3000] [--clients 32] [--rate 200]
                                   [--latency-seconds 10] [--raw-seconds 3] [--dir DIR]

In one run, on one disk (one temporary folder):

1. raw SQLite: single-row INSERT + COMMIT in a loop, journal_mode=WAL, synchronous=FULL: the
   disk's durable single-commit rate, the ceiling a one-commit-per-request server would have;
2. the receiver (``warm-referral serve receiver``, development mode, its own process, SQLite file
   in the same folder) fed distinct valid Verwijzingen over ``--clients`` concurrent keep-alive
   connections as fast as it answers; only 201s (durable: the receiver answers after its commit)
   count. The load generator is the lean client of ``_http_load`` (httptools on raw asyncio
   transports): httpx would spend as much CPU per request as the server on this small machine;
3. an open-loop run at a fixed ``--rate`` requests/s: each request is due at its slot and its
   latency is measured from that slot (so a stalled server cannot hide queueing delay).

Prints both rates, their ratio and p50/p99 latency. Goals: ratio >= 0.5, p99 < 50 ms.
The raw rate is measured just before and just after the throughput run; the ratio uses the higher
one (the disk's speed varies when other work shares it). CPU time per request of the receiver's
process and of this load generator are printed too: on a small machine they, not the disk, bound
the rate.

To see the same receiver on a disk with a slower fsync, preload ``bench/slow_fsync.c`` (its header
says how); the raw run and the receiver then share the slower "disk".
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

import httpx  # imported after the sniffio entry above; only for setup, not for the load
from _http_load import Pool, request_bytes

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


def referrals(n: int, host: str = "127.0.0.1") -> list[bytes]:
    """``n`` POST requests of distinct valid Verwijzingen from dev-evides: the example with fresh
    identifiers."""
    template = json.loads(EXAMPLE.read_bytes())
    out = []
    for i in range(n):
        template["berichtId"] = str(uuid.uuid4())
        template["conversatieId"] = str(uuid.uuid4())
        template["verwijzingId"] = f"EVD-2026-{i:06d}"
        body = json.dumps(template, ensure_ascii=False).encode()
        out.append(request_bytes("POST", "/v1/berichten", host, CREDITOR, body))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_receiver(folder: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "warm_referral", "serve", "receiver",
        "--db", str(folder / "ontvanger.sqlite3"),
        "--host", "127.0.0.1", "--port", str(port),
        "--bewaking-interval", "3600", "--workers", str(workers),
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


async def throughput(
    pool: Pool, requests: list[bytes], clients: int, max_seconds: float
) -> tuple[int, float, Counter[int | str]]:
    """Send ``requests`` with ``clients`` concurrent tasks; (201s, seconds, status counts)."""
    statuses: Counter[int | str] = Counter()
    todo = iter(requests)
    await pool.warm(clients - len(pool.idle))
    retries_before = pool.retries
    start = time.perf_counter()
    deadline = start + max_seconds

    async def worker() -> None:
        for request in todo:
            if time.perf_counter() > deadline:
                return
            statuses[await pool.send(request)] += 1

    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - start
    if pool.retries > retries_before:
        statuses["retried"] = pool.retries - retries_before
    return statuses[201], elapsed, statuses


async def open_loop(
    pool: Pool, requests: list[bytes], rate: float, timeout: float
) -> tuple[list[float], Counter[int | str], float]:
    """One request per 1/rate s, each in its own task; latency from its due time, in ms.

    Returns the latencies of the 201s, the status counts (a request without an answer within
    ``timeout`` counts as TimeoutError) and the seconds until the last answer.
    """
    latencies: list[float] = []
    statuses: Counter[int | str] = Counter()
    # Connections are opened up front (the pool keeps those of the throughput run) so that
    # connection setup is not counted as the server's latency.
    retries_before = pool.retries
    start = time.perf_counter() + 0.05

    async def one(due: float, request: bytes) -> None:
        try:
            status = await asyncio.wait_for(pool.send(request), timeout)
        except asyncio.TimeoutError:
            status = "TimeoutError"
        statuses[status] += 1
        if status == 201:
            latencies.append((time.perf_counter() - due) * 1000)

    tasks = []
    for i, request in enumerate(requests):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due, request)))
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - start
    if pool.retries > retries_before:
        statuses["retried"] = pool.retries - retries_before
    return latencies, statuses, seconds


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children, the worker processes
    (Linux /proc; NaN elsewhere)."""
    total = 0.0
    try:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # the process ended meanwhile
            if stat.parent.name == str(pid) or fields[1] == str(pid):
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")
    return total if total else float("nan")


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
    row = bodies[0].partition(b"\r\n\r\n")[2]  # the raw run stores a message body too
    raw_before = raw_sqlite_rate(folder, args.raw_seconds, row)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_receiver(folder, port, args.workers)
    try:
        await wait_ready(base, process)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            klok = await client.put("/v1/testklok", json={"nu": TESTKLOK}, headers=OPERATOR)
            klok.raise_for_status()
        pool = Pool("127.0.0.1", port)
        # A short warm-up (imports, caches, connections) that is not counted.
        await throughput(pool, referrals(200), args.clients, 10)
        server_cpu, client_cpu = cpu_seconds(process.pid), time.process_time()
        ok, seconds, statuses = await throughput(
            pool, bodies[: args.referrals], args.clients, args.max_seconds
        )
        n_sent = sum(n for k, n in statuses.items() if k != "retried")
        server_ms = (cpu_seconds(process.pid) - server_cpu) / n_sent * 1000
        client_ms = (time.process_time() - client_cpu) / n_sent * 1000
        raw_between = raw_sqlite_rate(folder, args.raw_seconds, row)
        latencies, lat_statuses, lat_seconds = await open_loop(
            pool, bodies[args.referrals :], args.rate, args.timeout
        )
        pool.close()
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
        f"({ok} x 201 in {seconds:.2f} s, {args.clients} concurrent clients, "
        f"{args.workers} receiver worker{'s' if args.workers != 1 else ''}; "
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
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="the receiver's worker processes (default: the number of CPUs)",
    )
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
