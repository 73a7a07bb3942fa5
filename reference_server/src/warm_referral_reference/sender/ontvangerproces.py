"""The reference receiver as a child process, for the demo and the crash test.

A real process, so that it can be killed with SIGKILL (no cleanup, no flush, exactly like a power
cut as far as the process is concerned) and restarted on the same database and port. The database
is a SQLite file or a PostgreSQL URL (migrated beforehand), passed on as ``--db``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from .errors import ReceiverStartError

__all__ = ["Ontvangerproces", "vrije_poort"]


def vrije_poort(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class Ontvangerproces:
    """``warm-referral serve receiver`` (development mode) in a child process."""

    def __init__(
        self,
        db: Path | str,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        log: Path | None = None,
        bewaking_interval: float = 3600.0,
        config: Path | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.host = host
        self.port = port or vrije_poort(host)
        if log is None and not isinstance(db, Path):
            raise ValueError("a receiver on a database URL needs a log file")
        self.log = log or Path(db).with_suffix(".log")
        self.bewaking_interval = bewaking_interval
        self._proces: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return None if self._proces is None else self._proces.pid

    def start(self, timeout: float = 30.0) -> None:
        """Start it and wait until it answers; raise :class:`ReceiverStartError` if it does not."""
        opdracht = [
            sys.executable, "-m", "warm_referral", "serve", "receiver",
            "--db", str(self.db), "--host", self.host, "--port", str(self.port),
            "--bewaking-interval", str(self.bewaking_interval),
        ]  # fmt: skip
        if self.config is not None:
            opdracht += ["--config", str(self.config)]
        with open(self.log, "ab") as log:
            self._proces = subprocess.Popen(
                opdracht, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self.starts += 1
        einde = time.monotonic() + timeout
        while time.monotonic() < einde:
            if self._proces.poll() is not None:
                raise ReceiverStartError(
                    f"the receiver exited with code {self._proces.returncode}:\n{self._staart()}"
                )
            try:
                if httpx.get(f"{self.url}/openapi.json", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise ReceiverStartError(
            f"the receiver did not answer on {self.url} within {timeout:.0f}s:\n{self._staart()}"
        )

    def kill(self) -> None:
        """SIGKILL: the process dies at once, mid-request, mid-commit, wherever it is."""
        if self._proces is not None and self._proces.poll() is None:
            os.kill(self._proces.pid, signal.SIGKILL)
            self._proces.wait()
        self._proces = None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop it politely (SIGTERM), killing it if it does not stop in time."""
        if self._proces is not None and self._proces.poll() is None:
            self._proces.terminate()
            try:
                self._proces.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._proces = None

    def _staart(self, regels: int = 20) -> str:
        try:
            tekst = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(tekst.splitlines()[-regels:])

    def __enter__(self) -> Ontvangerproces:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
