"""A tiny TCP load balancer: each new connection goes to the next of several backends.

It stands in front of several receiver instances in the crash test, as a load balancer would in
production: connections are spread round robin, a backend that refuses a connection (it is down)
is skipped for the next one, and a connection whose backend dies is closed, so that the client
sees what it would see in production and retries. It runs in a thread with its own event loop and
copies bytes only: it knows no HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import threading
from collections import Counter
from collections.abc import Sequence

__all__ = ["RoundRobin"]

_CHUNK = 64 * 1024


class RoundRobin:
    """Listens on ``host:port`` (a free port when 0) and forwards to ``backends``."""

    def __init__(
        self, backends: Sequence[tuple[str, int]], host: str = "127.0.0.1", port: int = 0
    ) -> None:
        if not backends:
            raise ValueError("a round robin needs at least one backend")
        self.backends = list(backends)
        self.host = host
        self.port = port
        self.verbindingen: Counter[int] = Counter()
        """Connections handed to each backend (by index)."""
        self.geweigerd = 0
        """Connections closed because no backend accepted them."""
        self._beurt = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._klaar = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> RoundRobin:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(
            target=self._draai, args=(sock,), name="round-robin", daemon=True
        )
        self._thread.start()
        self._klaar.wait(10)
        return self

    def _draai(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop

        async def serve() -> None:
            self._server = await asyncio.start_server(self._verbind, sock=sock, backlog=1024)
            self._klaar.set()
            async with self._server:
                with contextlib.suppress(asyncio.CancelledError):
                    await self._server.serve_forever()

        try:
            loop.run_until_complete(serve())
        finally:
            loop.close()

    async def _verbind(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        for _ in range(len(self.backends)):
            index = next(self._beurt) % len(self.backends)
            try:
                backend_r, backend_w = await asyncio.open_connection(*self.backends[index])
            except OSError:
                continue  # down: the next one
            self.verbindingen[index] += 1
            break
        else:
            self.geweigerd += 1
            client_w.close()
            return
        await asyncio.gather(_kopieer(client_r, backend_w), _kopieer(backend_r, client_w))

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is not None and server is not None and not loop.is_closed():
            loop.call_soon_threadsafe(server.close)
            for task in asyncio.all_tasks(loop):
                loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> RoundRobin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def _kopieer(bron: asyncio.StreamReader, doel: asyncio.StreamWriter) -> None:
    """Copy until either side ends; then close the other, as a dead backend's would be."""
    try:
        while True:
            data = await bron.read(_CHUNK)
            if not data:
                break
            doel.write(data)
            await doel.drain()
    except (OSError, asyncio.CancelledError):
        pass
    finally:
        doel.close()
