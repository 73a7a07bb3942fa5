"""Raw HTTP/1.1 over a socket, for the checks an HTTP client cannot make: a malformed or oversized
request goes out byte for byte (an HTTP client would refuse to send it, or correct it), and the
answer is read as it comes, on the target's TLS settings (its CA, the participant's certificate).

Each exchange is recorded in the check's report like any other, with the request shown as the
bytes that were sent (cut short) and a command that sends them again.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from .context import Controlecontext
from .http import Toegang
from .resultaten import Uitwisseling

__all__ = ["RuwAntwoord", "ruw_verzoek"]

_TOON = 300


@dataclass(frozen=True, slots=True)
class RuwAntwoord:
    """The first answer on the connection, as an ``httpx.Response`` for the report and checks;
    None when the server closed without answering."""

    antwoord: httpx.Response | None
    duur: float


def ruw_verzoek(
    ctx: Controlecontext, data: bytes, toegang: Toegang | None = None, timeout: float = 15.0
) -> RuwAntwoord:
    """Send ``data`` on a new connection to the target; read the first answer (or the close)."""
    url = urlsplit(ctx.doelwit.url)
    host = url.hostname or "127.0.0.1"
    poort = url.port or (443 if url.scheme == "https" else 80)
    begin = time.monotonic()
    ontvangen = bytearray()
    fout: str | None = None
    try:
        with socket.create_connection((host, poort), timeout=timeout) as ruw:
            sock: socket.socket = ruw
            if url.scheme == "https":
                context = ssl.create_default_context(
                    cafile=str(ctx.doelwit.ca) if ctx.doelwit.ca else None
                )
                if toegang is not None and toegang.cert is not None:
                    context.load_cert_chain(str(toegang.cert), str(toegang.key))
                sock = context.wrap_socket(ruw, server_hostname=host)
            with contextlib.suppress(OSError):  # refused halfway: what it said is read below
                sock.sendall(data)
            while not _compleet(bytes(ontvangen)) and time.monotonic() - begin < timeout:
                deel = sock.recv(65536)
                if not deel:
                    break
                ontvangen += deel
    except (OSError, ssl.SSLError) as exc:
        if not ontvangen:
            fout = f"{type(exc).__name__}: {exc}"
    duur = time.monotonic() - begin
    antwoord = _antwoord(bytes(ontvangen), ctx.doelwit.url)
    uitwisseling = Uitwisseling(
        methode=data.split(b" ", 1)[0][:20].decode("latin-1"),
        url=ctx.doelwit.url,
        verzoekheaders={},
        verzoekbody=_toon(data),
        status=None if antwoord is None else antwoord.status_code,
        antwoordheaders={} if antwoord is None else dict(antwoord.headers),
        antwoordbody="" if antwoord is None else antwoord.text[:2000],
        duur=duur,
        fout=fout if antwoord is None else None,
        curl=f"printf %s {_shell(data)} | nc {host} {poort}",
    )
    ctx.bewaar(uitwisseling, antwoord)
    return RuwAntwoord(antwoord, duur)


def _compleet(data: bytes) -> bool:
    kop, gevonden, body = data.partition(b"\r\n\r\n")
    if not gevonden:
        return False
    for regel in kop.split(b"\r\n")[1:]:
        naam, _, waarde = regel.partition(b":")
        if naam.strip().lower() == b"content-length" and waarde.strip().isdigit():
            return len(body) >= int(waarde.strip())
    return False  # no length: the body ends when the server closes


def _antwoord(data: bytes, url: str) -> httpx.Response | None:
    kop, gevonden, body = data.partition(b"\r\n\r\n")
    regels = kop.split(b"\r\n")
    delen = regels[0].split(b" ", 2)
    if not gevonden or len(delen) < 2 or not delen[1].isdigit():
        return None
    headers = []
    for regel in regels[1:]:
        naam, _, waarde = regel.partition(b":")
        headers.append((naam.strip().decode("latin-1"), waarde.strip().decode("latin-1")))
    lengte = next((w for n, w in headers if n.lower() == "content-length"), "")
    if lengte.isdigit():
        body = body[: int(lengte)]
    return httpx.Response(
        int(delen[1]),
        headers=[(n, w) for n, w in headers if n.lower() not in ("content-encoding",)],
        content=body,
        request=httpx.Request("GET", url),
    )


def _toon(data: bytes) -> str:
    tekst = data[:_TOON].decode("latin-1").encode("unicode_escape").decode("ascii")
    return tekst + (f"... ({len(data)} bytes)" if len(data) > _TOON else "")


def _shell(data: bytes) -> str:
    if len(data) > _TOON:
        return "'<" + str(len(data)) + " bytes: see the report>'"
    return "'" + data.decode("latin-1").replace("'", "'\\''") + "'"
