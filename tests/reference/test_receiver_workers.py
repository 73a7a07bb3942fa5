"""``warm-referral serve receiver --workers N``: worker processes sharing one port and one database.

Real processes, real sockets: the guarantees of item 4 (idempotent on berichtId, concurrent
duplicates never stored twice, nothing accepted is lost) must hold across processes, not only
across the requests of one.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
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

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and /proc")


@dataclass
class Receiver:
    process: subprocess.Popen[bytes]
    base_url: str
    db: Path

    def workers(self) -> list[int]:
        """The pids of the worker processes (children of the supervisor), from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if fields[1] == str(self.process.pid) and "spawn_main" in _cmdline(stat.parent):
                pids.append(int(stat.parent.name))
        return sorted(pids)


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(folder: Path, workers: int = 2) -> Receiver:
    port = _free_port()
    db = folder / "ontvanger.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "warm_referral", "serve", "receiver", "--db", str(db),
         "--port", str(port), "--workers", str(workers), "--bewaking-interval", "3600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    receiver = Receiver(process, f"http://127.0.0.1:{port}", db)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the receiver exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            response = httpx.get(receiver.base_url + "/v1/openapi.json", timeout=2)
            if response.status_code == 200 and len(receiver.workers()) == workers:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the receiver did not start")
        time.sleep(0.1)
    klok = httpx.put(
        receiver.base_url + "/v1/testklok", json={"nu": EVIDES_KLOK}, headers=auth(OPERATOR)
    )
    assert klok.status_code == 200, klok.text
    return receiver


def _stop(receiver: Receiver) -> int:
    if receiver.process.poll() is None:
        receiver.process.send_signal(signal.SIGTERM)
    try:
        return receiver.process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        receiver.process.kill()
        receiver.process.wait()
        raise


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    started = _start(tmp_path_factory.mktemp("workers"))
    try:
        yield started
    finally:
        assert _stop(started) == 0


def _count(db: Path, sql: str, *args: object) -> int:
    conn = sqlite3.connect(str(db), timeout=30)
    try:
        value: int = conn.execute(sql, args).fetchone()[0]
        return value
    finally:
        conn.close()


async def _post_all(base_url: str, bodies: list[bytes], connections: int) -> list[httpx.Response]:
    """Each body on its own task, spread over ``connections`` separate keep-alive connections."""
    clients = [httpx.AsyncClient(base_url=base_url, timeout=30) for _ in range(connections)]
    headers = {**auth(EVIDES), "Content-Type": "application/json"}
    try:
        return list(
            await asyncio.gather(
                *(
                    clients[i % connections].post("/v1/berichten", content=body, headers=headers)
                    for i, body in enumerate(bodies)
                )
            )
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def test_distinct_referrals_over_many_connections_are_all_stored(receiver: Receiver) -> None:
    messages = [fresh(example(EVIDES_VERWIJZING)) for _ in range(60)]
    responses = asyncio.run(_post_all(receiver.base_url, [encode(m) for m in messages], 12))
    assert [r.status_code for r in responses] == [201] * 60, responses[0].text
    for message in messages:
        assert _count(
            receiver.db, "SELECT COUNT(*) FROM dossiers WHERE conversatie_id = ?",
            message["conversatieId"],
        ) == 1  # fmt: skip


def test_concurrent_duplicates_across_workers_are_stored_once(receiver: Receiver) -> None:
    message = fresh(example(EVIDES_VERWIJZING))
    body = encode(message)
    responses = asyncio.run(_post_all(receiver.base_url, [body] * 24, 12))
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1  # the one stored answer, every time
    conv, bericht = message["conversatieId"], message["berichtId"]
    assert _count(receiver.db, "SELECT COUNT(*) FROM antwoorden WHERE bericht_id = ?", bericht) == 1
    assert _count(receiver.db, "SELECT COUNT(*) FROM dossiers WHERE conversatie_id = ?", conv) == 1
    # the referral received, the Ontvangstbevestiging sent: nothing twice
    assert (
        _count(receiver.db, "SELECT COUNT(*) FROM gebeurtenissen WHERE conversatie_id = ?", conv)
        == 2
    )
    bevestiging = json.loads(responses[0].content)
    assert bevestiging["conversatieId"] == conv
    assert (
        _count(
            receiver.db,
            "SELECT COUNT(*) FROM postvak WHERE bericht_id = ?",
            bevestiging["berichtId"],
        )
        == 1
    )
    assert _count(receiver.db, "SELECT COUNT(*) FROM postvak") == _count(
        receiver.db, "SELECT COUNT(*) FROM dossiers"
    )  # one Ontvangstbevestiging per referral, none for a duplicate


def test_the_same_berichtid_with_another_body_is_409_in_any_worker(receiver: Receiver) -> None:
    message = fresh(example(EVIDES_VERWIJZING))
    first = asyncio.run(_post_all(receiver.base_url, [encode(message)], 1))[0]
    assert first.status_code == 201
    changed = dict(message, verwijzingId="ANDERS-1")
    again = asyncio.run(_post_all(receiver.base_url, [encode(changed)] * 8, 8))
    assert {r.status_code for r in again} == {409}
    assert {json.loads(r.content)["type"].rsplit("/", 1)[-1] for r in again} == {
        "bericht-id-hergebruikt"
    }


def test_a_worker_that_dies_stops_the_receiver_with_an_error(
    tmp_path: Path,
) -> None:
    """Not left running short-handed: the service manager must see the failure and restart."""
    started = _start(tmp_path)
    try:
        victim = started.workers()[0]
        os.kill(victim, signal.SIGKILL)
        code = started.process.wait(timeout=40)
        assert code == 1
        assert started.process.stderr is not None
        assert b"ended" in started.process.stderr.read()
        assert started.workers() == []
    finally:
        if started.process.poll() is None:
            started.process.kill()
            started.process.wait()


def test_sigterm_stops_every_worker_cleanly(tmp_path: Path) -> None:
    started = _start(tmp_path, workers=3)
    workers = started.workers()
    assert len(workers) == 3
    assert _stop(started) == 0
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers)


@pytest.mark.parametrize("value", ["0", "-1", "two", "²"])
def test_workers_must_be_a_whole_number_of_at_least_one(
    value: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from warm_referral.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["serve", "receiver", "--db", str(tmp_path / "db.sqlite3"), "--workers", value])
    assert caught.value.code == 2
    assert "--workers" in capsys.readouterr().err
    assert not (tmp_path / "db.sqlite3").exists()
