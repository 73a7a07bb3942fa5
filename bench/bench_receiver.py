"""Benchmark: durable referrals/s and latency of the reference receiver over real loopback HTTP,
on SQLite and on PostgreSQL, with one and with two instances, side by side in one run.

    python bench/bench_receiver.py [--backends sqlite,postgresql] [--instances 1,2]
                                   [--workers 1] [--db-pool N] [--referrals 3000] [--clients 32]
                                   [--rate 100]
                                   [--latency-seconds 10] [--raw-seconds 3] [--dir DIR]

For each backend and number of instances, in one run on one disk (one temporary folder):

1. the raw durable commit rate of the backend: single-row INSERT + COMMIT in a loop (SQLite with
   WAL and synchronous=FULL; PostgreSQL with its defaults, fsync and synchronous_commit on): the
   ceiling of a server that commits once per request. Measured before and after the receiver runs;
   the disk's speed varies when other work shares it;
2. the receiver: ``--instances`` separate ``warm-referral serve receiver`` processes (development
   mode, ``--workers`` each) on one fresh database (a SQLite file in the folder, or a database on a
   throwaway PostgreSQL server started from the machine's binaries, durable settings), fed distinct
   valid Verwijzingen over ``--clients`` concurrent keep-alive connections, spread round robin over
   the instances by the client (a load balancer's job, without a proxy hop in the figures), as fast
   as they answer; only 201s count (durable: the receiver answers after its commit). The load
   generator is the lean client of ``_http_load`` (httptools on raw asyncio transports): httpx
   would spend as much CPU per request as the server on this small machine;
3. an open-loop run at a fixed ``--rate`` requests/s (default 100, the same for every row): each
   request is due at its slot and its latency is measured from that slot (so a stalled server
   cannot hide queueing delay). A row whose throughput is below that rate is marked OVERLOADED:
   its latency is then the length of a growing queue.

Prints one row per configuration: durable referrals/s, the ratio to the backend's raw rate, CPU per
request (the receivers' processes; the PostgreSQL server's processes apart), p50/p99 latency. The
goals of issue 6 (SQLite: ratio >= 0.5, p99 < 50 ms, which issue 6 measured at 200 requests/s:
``--rate 200``) are checked on the SQLite row with the most instances. The machine is shared: the load average before and after is printed with the figures.

To see the receiver on a disk with a slower fsync, preload ``bench/slow_fsync.c`` (its header says
how); the raw run and the receiver then share the slower "disk".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import itertools
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
from warm_referral_reference.receiver.storage import migreer
from warm_referral_reference.temporary_postgres import TemporaryPostgres

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


def raw_postgresql_rate(url: str, seconds: float, body: bytes) -> float:
    """The same loop on PostgreSQL (its defaults: fsync and synchronous_commit on)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        table = f"raw_{uuid.uuid4().hex}"
        conn.execute(f"CREATE TABLE {table} (id bigint GENERATED ALWAYS AS IDENTITY, body bytea)")
        try:
            n, start = 0, time.perf_counter()
            deadline = start + seconds
            while True:
                conn.execute("BEGIN")
                conn.execute(f"INSERT INTO {table} (body) VALUES (%s)", (body,))
                conn.execute("COMMIT")
                n += 1
                if n % 16 == 0 and time.perf_counter() >= deadline:
                    break
            return n / (time.perf_counter() - start)
        finally:
            conn.execute(f"DROP TABLE {table}")


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


def start_receiver(
    db: str, port: int, workers: int, db_pool: int | None = None
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "warm_referral", "serve", "receiver",
        "--db", db, "--host", "127.0.0.1", "--port", str(port),
        "--bewaking-interval", "3600", "--workers", str(workers),
    ]  # fmt: skip
    if db_pool and db.startswith("postgresql://"):
        command += ["--db-pool", str(db_pool)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class RoundRobinPool:
    """Keep-alive connections to several instances; each request goes to the next instance."""

    def __init__(self, ports: list[int]) -> None:
        self.pools = [Pool("127.0.0.1", port) for port in ports]
        self._turn = itertools.cycle(self.pools)

    @property
    def idle(self) -> list[object]:
        return [c for pool in self.pools for c in pool.idle]

    @property
    def retries(self) -> int:
        return sum(pool.retries for pool in self.pools)

    async def warm(self, n: int) -> None:
        share = -(-n // len(self.pools))
        await asyncio.gather(*(pool.warm(share) for pool in self.pools))

    async def send(self, request: bytes) -> int | str:
        return await next(self._turn).send(request)

    def close(self) -> None:
        for pool in self.pools:
            pool.close()


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
    pool: RoundRobinPool, requests: list[bytes], clients: int, max_seconds: float
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
    pool: RoundRobinPool, requests: list[bytes], rate: float, timeout: float
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


def cpu_seconds(*pids: int) -> float:
    """User + system CPU time of processes and their live children (worker processes, a
    PostgreSQL server's backends) (Linux /proc; NaN elsewhere)."""
    wanted = {str(pid) for pid in pids}
    total = 0.0
    try:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # the process ended meanwhile
            if stat.parent.name in wanted or fields[1] in wanted:
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


class Row:
    """One configuration's figures."""

    def __init__(self, backend: str, instances: int) -> None:
        self.backend, self.instances = backend, instances
        self.rate = self.server_ms = self.db_ms = self.client_ms = float("nan")
        self.p50 = self.p99 = self.worst = float("inf")
        self.statuses: Counter[int | str] = Counter()
        self.ok = 0
        self.seconds = 0.0

    def failed(self) -> set[int | str]:
        return set(self.statuses) - {201, "retried"}


async def measure(
    args: argparse.Namespace, backend: str, instances: int, db: str, db_pid: int | None
) -> Row:
    """One configuration: ``instances`` receivers on the fresh database ``db``."""
    row = Row(backend, instances)
    n_latency = int(args.rate * args.latency_seconds)
    bodies = referrals(args.referrals + n_latency)
    ports = [free_port() for _ in range(instances)]
    processes = [start_receiver(db, port, args.workers, args.db_pool) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            await wait_ready(f"http://127.0.0.1:{port}", process)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[0]}", timeout=10) as c:
            (
                await c.put("/v1/testklok", json={"nu": TESTKLOK}, headers=OPERATOR)
            ).raise_for_status()
        pool = RoundRobinPool(ports)
        # A short warm-up (imports, caches, connections) that is not counted.
        await throughput(pool, referrals(200), args.clients, 10)
        pids = [p.pid for p in processes]
        server_cpu, client_cpu = cpu_seconds(*pids), time.process_time()
        db_cpu = cpu_seconds(db_pid) if db_pid else float("nan")
        row.ok, row.seconds, row.statuses = await throughput(
            pool, bodies[: args.referrals], args.clients, args.max_seconds
        )
        n_sent = sum(n for k, n in row.statuses.items() if k != "retried")
        row.server_ms = (cpu_seconds(*pids) - server_cpu) / n_sent * 1000
        row.client_ms = (time.process_time() - client_cpu) / n_sent * 1000
        if db_pid:
            row.db_ms = (cpu_seconds(db_pid) - db_cpu) / n_sent * 1000
        row.rate = row.ok / row.seconds
        latencies, lat_statuses, _ = await open_loop(
            pool, bodies[args.referrals :], args.rate, args.timeout
        )
        row.statuses += lat_statuses
        pool.close()
        if latencies:
            row.p50, row.p99 = percentile(latencies, 50), percentile(latencies, 99)
            row.worst = max(latencies)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return row


def postmaster_pid(server: TemporaryPostgres) -> int:
    return int((server.socket_dir / "data" / "postmaster.pid").read_text().split()[0])


async def run(args: argparse.Namespace, folder: Path) -> int:
    load_before = load()
    body = referrals(1)[0].partition(b"\r\n\r\n")[2]  # the raw runs store a message body too
    raw: dict[str, list[float]] = {}
    rows: list[Row] = []
    with contextlib.ExitStack() as stack:
        server: TemporaryPostgres | None = None
        if "postgresql" in args.backends:
            server = stack.enter_context(TemporaryPostgres())

        def raw_rates() -> None:
            if "sqlite" in args.backends:
                raw.setdefault("sqlite", []).append(raw_sqlite_rate(folder, args.raw_seconds, body))
            if server is not None:
                rate = raw_postgresql_rate(server.url(), args.raw_seconds, body)
                raw.setdefault("postgresql", []).append(rate)

        raw_rates()
        for backend in args.backends:
            for instances in args.instances:
                if backend == "postgresql":
                    assert server is not None
                    db = server.create_database()
                    migreer(db)
                    pid: int | None = postmaster_pid(server)
                else:
                    db, pid = str(folder / f"ontvanger-{instances}.sqlite3"), None
                print(f"  measuring {backend}, {instances} instance(s) ...", flush=True)
                rows.append(await measure(args, backend, instances, db, pid))
        raw_rates()

    print(f"folder: {folder}  (cpus: {os.cpu_count()}, load average {load_before} -> {load()})")
    for backend, rates in raw.items():
        print(
            f"raw {backend} single-row durable commits/s: {max(rates):6.0f}  "
            f"(before {rates[0]:.0f}, after {rates[-1]:.0f}; the ratio uses the higher)"
        )
    print(
        f"{args.clients} concurrent clients, {args.workers} worker process(es) per instance; "
        f"open loop at {args.rate:.0f} requests/s for {args.latency_seconds:.0f} s"
    )
    print(
        f"{'backend':<11}{'inst':>5}{'durable/s':>11}{'ratio':>7}{'CPU ms/req':>12}"
        f"{'db ms/req':>11}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses"
    )
    for row in rows:
        ratio = row.rate / max(raw[row.backend])
        print(
            f"{row.backend:<11}{row.instances:>5}{row.rate:>11.0f}{ratio:>7.2f}"
            f"{row.server_ms:>12.2f}{row.db_ms:>11.2f}{row.p50:>9.1f}{row.p99:>9.1f}"
            f"{row.worst:>9.1f}  {dict(sorted(row.statuses.items(), key=str))}"
            + ("  OVERLOADED: open-loop rate above its throughput" if row.rate < args.rate else "")
        )
    print(f"load generator CPU per request: {statistics.fmean(r.client_ms for r in rows):.2f} ms")
    sqlite_rows = [r for r in rows if r.backend == "sqlite"]
    if sqlite_rows:
        best = max(sqlite_rows, key=lambda r: r.instances)
        ratio = best.rate / max(raw["sqlite"])
        met = ratio >= 0.5 and best.p99 < 50
        print(
            f"issue 6 goals (SQLite, {best.instances} instance(s)): ratio {ratio:.2f} (>= 0.5), "
            f"p99 {best.p99:.1f} ms (< 50): {'met' if met else 'NOT met'}"
        )
    failed = set().union(*(r.failed() for r in rows))
    if failed:
        print(f"FAILED requests: {sorted(failed, key=str)}")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backends",
        type=lambda t: [b for b in t.split(",") if b],
        default=["sqlite", "postgresql"],
        help="comma-separated: sqlite, postgresql (default both)",
    )
    parser.add_argument(
        "--instances",
        type=lambda t: [int(n) for n in t.split(",") if n],
        default=[1, 2],
        help="comma-separated numbers of receiver instances to measure (default 1,2)",
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes per instance")
    parser.add_argument(
        "--db-pool", type=int, help="PostgreSQL connections per receiver process (its default)"
    )
    parser.add_argument("--referrals", type=int, default=3000, help="for the throughput run")
    parser.add_argument("--clients", type=int, default=32, help="concurrent client tasks")
    parser.add_argument("--max-seconds", type=float, default=30, help="cap of the throughput run")
    parser.add_argument(
        "--rate",
        type=float,
        default=100,
        help="open-loop requests/s, the same for every row (default 100: below what each "
        "configuration sustains on a 2-core machine, so latency is not a queue's length)",
    )
    parser.add_argument("--latency-seconds", type=float, default=10, help="open-loop duration")
    parser.add_argument(
        "--timeout", type=float, default=10, help="open loop: seconds before a request fails"
    )
    parser.add_argument("--raw-seconds", type=float, default=3, help="each raw commit run")
    parser.add_argument("--dir", type=Path, help="folder for the SQLite files (default: temp)")
    args = parser.parse_args()
    unknown = set(args.backends) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown backends: {sorted(unknown)}")
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
