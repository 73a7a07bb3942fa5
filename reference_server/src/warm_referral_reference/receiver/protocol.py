"""The HTTP/1.1 protocol under the app: uvicorn's httptools protocol, with limits, timeouts, and
problem details for every refusal it makes itself.

uvicorn (0.54) with httptools answers a malformed request with a plain-text 400 that carries none
of the API's headers, has no limit on the size of the request line or the headers (a 100 MB header
costs seconds of CPU: httptools joins the pieces of a header as they arrive), and lets a
connection that never completes its head, or its body, or never sends a request at all, stay open
indefinitely. This class, a subclass of the one the receiver already uses for its TLS extension
(:mod:`.tls`), closes those gaps where they arise, before the app sees anything:

- bytes are counted before they reach the parser: a head larger than
  :attr:`~.config.HttpLimieten.max_kop` is refused (431) without ever being buffered whole; a
  longer request line is 414, too many header fields 431;
- every parser error (request smuggling attempts such as Content-Length with Transfer-Encoding,
  obs-fold, bare LF, invalid bytes) and every request that HTTP/1.1 itself forbids and llhttp lets
  through (no or several Host fields, a repeated Content-Type or Authorization, a request target
  that is not a path, an Upgrade) is a 400;
- timers: a head not complete in time, or a body not complete in time, is 408; a connection with
  no request in progress is closed after :attr:`~.config.HttpLimieten.stil_timeout` (no answer:
  there is no request to answer).

Each refusal is problem details (``application/problem+json``) with ``API-Version`` and the
security headers, followed by closing the connection: after a malformed request the rest of the
stream cannot be trusted. The limits come from the settings (:meth:`BegrensdProtocol.stel_in`,
called by :mod:`.server` in each process before serving).
"""

from __future__ import annotations

import asyncio
import logging
from asyncio import TimerHandle
from collections.abc import Callable
from typing import Any, ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from .config import HttpLimieten
from .http.middleware import SECURITY_HEADERS
from .http.problems import PROBLEM_JSON, probleem_inhoud
from .tls import _TlsScope

__all__ = ["BegrensdProtocol"]

logger = logging.getLogger("warm_referral_reference.receiver")

_KOP_PAREN = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
#: Header fields that HTTP/1.1 or this API allows once in a request (RFC 9112 3.2: Host).
_EENMALIG = (b"host", b"content-type", b"authorization", b"content-length")


class _Weigering(Exception):
    """Raised in a parser callback: refuse the request with this status and problem."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


class BegrensdProtocol(_TlsScope, HttpToolsProtocol):
    """uvicorn's httptools protocol with the TLS extension, limits and timeouts."""

    limieten: ClassVar[HttpLimieten] = HttpLimieten()

    @classmethod
    def stel_in(cls, limieten: HttpLimieten) -> None:
        """Use these limits for every connection this process accepts from now on."""
        cls.limieten = limieten

    # --- the connection --------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._timer: TimerHandle | None = None
        #: A request has begun and its head is not complete (the head timer runs).
        self._begonnen = False
        #: Its head is complete and its body not (the body timer runs; bytes are not counted).
        self._in_inhoud = False
        #: Bytes since the last head was complete or the connection was made: a head's size.
        self._kop_bytes = 0
        self._kop_velden = 0
        self._geweigerd = False
        #: A refusal of a request behind one still being answered: sent after that answer.
        self._uitgesteld: tuple[int, str, str] | None = None
        self._wacht_op_verzoek()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._geweigerd or self.parser is None:
            return  # refused and closing: the rest of the stream is not read
        while data:
            if not self._in_inhoud:
                # Never hand the parser more than the head may still grow: a huge header is
                # refused after max_kop bytes, not after it has been buffered.
                ruimte = self.limieten.max_kop - self._kop_bytes
                deel, data = data[:ruimte], data[ruimte:]
                self._kop_bytes += len(deel)
            else:
                deel, data = data, b""
            if not self._voed(deel):
                return
            if not self._in_inhoud and self._kop_bytes >= self.limieten.max_kop:
                self._weiger(
                    431, "kop-te-groot", f"the request head exceeds {self.limieten.max_kop} bytes"
                )
                return

    def _voed(self, deel: bytes) -> bool:
        """Feed the parser; False when the request was refused (the connection is closing)."""
        try:
            self.parser.feed_data(deel)
        except httptools.HttpParserCallbackError as exc:
            oorzaak = exc.__context__
            if isinstance(oorzaak, _Weigering):
                self._weiger(oorzaak.status, oorzaak.code, oorzaak.detail)
                return False
            raise  # pragma: no cover - a bug of ours in a callback
        except httptools.HttpParserUpgrade:
            # CONNECT, or Upgrade on a request llhttp has passed on: answered as an ordinary
            # request (the app does not know the path or the method), then the connection closes,
            # since llhttp reads nothing after an upgrade.
            if self.cycle is not None:
                self.cycle.keep_alive = False
            self._geweigerd = True
            return False
        except httptools.HttpParserError as exc:
            self._weiger(400, "ongeldig-http", f"not a valid HTTP/1.1 request: {exc}")
            return False
        return True

    # --- the parser's callbacks -------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._unset_keepalive_if_required()
        self._begonnen, self._kop_velden = True, 0
        self._start_timer(self.limieten.kop_timeout, self._kop_te_traag)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limieten.max_verzoekregel:
            raise _Weigering(
                414,
                "uri-te-lang",
                f"the request target exceeds {self.limieten.max_verzoekregel} bytes",
            )

    def on_header(self, name: bytes, value: bytes) -> None:
        self._kop_velden += 1
        if self._kop_velden > self.limieten.max_headers:
            raise _Weigering(
                431, "te-veel-headers", f"more than {self.limieten.max_headers} header fields"
            )
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._begonnen, self._in_inhoud, self._kop_bytes = False, True, 0
        self._controleer_kop()
        self._start_timer(self.limieten.inhoud_timeout, self._inhoud_te_traag)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_inhoud = False
        self._stop_timer()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing() or self.pipeline:
            return
        if self._uitgesteld is not None and self.cycle.response_complete:
            self._schrijf_weigering(*self._uitgesteld)
        elif not self._begonnen:
            self._wacht_op_verzoek()

    def _controleer_kop(self) -> None:
        """What HTTP/1.1 forbids and llhttp passes on (RFC 9112 3.2, 3.2.1)."""
        if self.parser.should_upgrade():
            raise _Weigering(400, "ongeldig-http", "this API does not upgrade the protocol")
        if not self.url.startswith(b"/") and not self.url.lower().startswith(
            (b"http://", b"https://")
        ):
            raise _Weigering(400, "ongeldig-http", "the request target must be a path")
        if self.parser.get_http_version() not in ("1.0", "1.1"):
            raise _Weigering(400, "ongeldig-http", "this API speaks HTTP/1.1 (and 1.0)")
        namen = [naam for naam, _ in self.headers]
        for naam in _EENMALIG:
            if namen.count(naam) > 1:
                raise _Weigering(
                    400, "ongeldig-http", f"the {naam.decode()} header field occurs more than once"
                )
        if self.parser.get_http_version() == "1.1" and b"host" not in namen:
            raise _Weigering(400, "ongeldig-http", "an HTTP/1.1 request needs a Host header field")

    # --- timers --------------------------------------------------------------------------------------

    def _wacht_op_verzoek(self) -> None:
        self._start_timer(self.limieten.stil_timeout, self._stil_te_lang)

    def _start_timer(self, seconden: float, handler: Callable[[], None]) -> None:
        self._stop_timer()
        self._timer = self.loop.call_later(seconden, handler)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _stil_te_lang(self) -> None:
        self._timer = None
        bezig = self.cycle is not None and not self.cycle.response_complete
        if not bezig and not self._begonnen and not self.transport.is_closing():
            self.transport.close()

    def _kop_te_traag(self) -> None:
        self._timer = None
        if self._begonnen:
            self._weiger(
                408,
                "te-traag",
                f"the request head was not complete in {self.limieten.kop_timeout} s",
            )

    def _inhoud_te_traag(self) -> None:
        self._timer = None
        if self.cycle is not None and self.cycle.response_complete:
            self.transport.close()  # answered already (without reading it all): just close
            return
        self._weiger(
            408,
            "te-traag",
            f"the request body was not complete in {self.limieten.inhoud_timeout} s",
        )

    # --- refusing -----------------------------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        """uvicorn's own plain-text 400, replaced (it is called for parser errors)."""
        self._weiger(400, "ongeldig-http", msg)

    def _weiger(self, status: int, code: str, detail: str) -> None:
        """Answer with problem details (unless an answer has begun), then close."""
        self._stop_timer()
        if self._geweigerd:
            return
        self._geweigerd = True
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if not cycle.more_body:
                # The refused request follows a complete one that is still being answered
                # (pipelining): that answer goes first, then this refusal.
                self._uitgesteld = (status, code, detail)
                return
            if cycle.response_started:
                self.transport.close()  # half an answer is out: nothing else can follow
                return
            # The app is still waiting for this request's body: it hears the client went away.
            cycle.disconnected = True
            cycle.message_event.set()
        self._schrijf_weigering(status, code, detail)

    def _schrijf_weigering(self, status: int, code: str, detail: str) -> None:
        self._uitgesteld = None
        if self.transport.is_closing():
            return
        logger.warning("%s: refused with %d: %s", self._wie(), status, detail)
        body = probleem_inhoud(status, code, detail)
        kop: list[bytes] = [STATUS_LINE[status]]
        for naam, waarde in [
            *self.server_state.default_headers,
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *_KOP_PAREN,
        ]:
            kop += [naam, b": ", waarde, b"\r\n"]
        self.transport.write(b"".join([*kop, b"\r\n", body]))
        self.transport.close()

    def _wie(self) -> str:
        client: Any = self.client
        return f"{client[0]}:{client[1]}" if client else "a client"
