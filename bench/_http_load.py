"""A lean HTTP/1.1 load generator for the benchmarks: keep-alive connections, prebuilt requests.

The load generator shares this small machine with the server it measures, so every microsecond it
spends is taken from the server. httpx costs about 2 ms of CPU per request here, as much as the
server itself; this client writes prebuilt request bytes on a raw asyncio transport and reads the
answer with httptools (llhttp, the parser uvicorn uses), about 0.05 ms per request. It does only
what the benchmark needs: one request at a time per connection, status codes, Content-Length bodies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httptools


def request_bytes(
    method: str, path: str, host: str, headers: Mapping[str, str], body: bytes
) -> bytes:
    """One HTTP/1.1 request, ready to write."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class ConnectionLost(Exception):
    """The server closed the connection before the answer was complete."""


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.answer: asyncio.Future[int] | None = None
        self.closed = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(ConnectionLost(str(exc) if exc else "closed by the server"))

    # httptools callbacks
    def on_message_complete(self) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(self.parser.get_status_code())

    def _fail(self, exc: Exception) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(exc)

    async def exchange(self, request: bytes) -> int:
        if self.closed or self.transport is None or self.transport.is_closing():
            raise ConnectionLost("closed by the server")
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.answer


class Pool:
    """Keep-alive connections to one server, each lent to one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[_Connection] = []
        self.every: list[_Connection] = []
        self.retries = 0

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(_Connection, self.host, self.port)
        self.every.append(connection)
        return connection

    async def warm(self, n: int) -> None:
        self.idle.extend(await asyncio.gather(*(self._connect() for _ in range(n))))

    async def send(self, request: bytes) -> int | str:
        """The status code, or the name of the error when no answer came.

        A keep-alive connection the server has just closed fails; like any sender, this one then
        sends once more on a new connection (the berichtId makes that safe), counted in ``retries``.
        """
        for attempt in (1, 2):
            while self.idle and self.idle[-1].closed:
                self.idle.pop()  # closed while idle (the server's keep-alive timeout)
            connection = self.idle.pop() if self.idle else await self._connect()
            try:
                status = await connection.exchange(request)
            except (ConnectionLost, OSError) as exc:
                if attempt == 2:
                    return type(exc).__name__
                self.retries += 1
                continue
            except httptools.HttpParserError as exc:
                connection.transport and connection.transport.close()
                return type(exc).__name__
            if not connection.closed:
                self.idle.append(connection)
            return status
        raise AssertionError("unreachable")

    def close(self) -> None:
        for connection in self.every:
            if connection.transport is not None:
                connection.transport.close()
