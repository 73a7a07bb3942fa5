"""What every HTTP service here shares (the receiver, the knooppunt): the NL API Design Rules'
and security headers on every answer, a last-resort guard that turns an escaped exception into a
problem-details 500 without closing the connection, and the exception handlers that map the
errors every service raises to problem details. One implementation, so both services answer
alike."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ReceiverError
from .openapi import API_VERSIE
from .problems import PROBLEM_JSON, probleem, probleem_inhoud, van_fout

__all__ = [
    "EXCEPTION_HANDLERS",
    "SECURITY_HEADERS",
    "GuardedStarlette",
    "LastResort",
    "SecurityHeaders",
]

logger = logging.getLogger("warm_referral_reference.receiver")

SECURITY_HEADERS = {
    "API-Version": API_VERSIE,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000",
}
#: The same, as ASGI header pairs, encoded once.
_SECURITY_HEADER_PAIRS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """ASGI middleware: the ADR and security headers on every response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [pair for pair in _SECURITY_HEADER_PAIRS if pair[0] not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LastResort:
    """ASGI middleware, outermost: an exception that escapes the app (a bug of ours) is logged
    once, with its traceback, and answered with a problem-details 500 if nothing was sent yet.
    Starlette's own error middleware answers first and then re-raises for the server; this
    stops it there, so the connection stays usable and the server logs nothing twice."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        begonnen = False

        async def send_and_note(message: Message) -> None:
            nonlocal begonnen
            begonnen = begonnen or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except Exception:
            logger.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if begonnen:
                return  # the answer is on its way (or cut off); the server closes if it must
            body = probleem_inhoud(
                500, "interne-fout", "an internal error; nothing was stored", scope.get("path")
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", PROBLEM_JSON.encode()),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})


class GuardedStarlette(Starlette):
    """Starlette with the headers and the guard outside its own error middleware, so that its
    500 answers carry the headers too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(LastResort(super().build_middleware_stack()))


# --- the exception handlers: each error to its problem details ---------------------------------


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ReceiverError)
    return van_fout(request, exc)


async def no_route(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = {404: "niet-gevonden", 405: "methode"}.get(status, "fout")
    detail = {
        404: f"no resource at {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
    }.get(status, str(exc.detail))
    return probleem(request, status, code, detail, headers=dict(exc.headers or {}))


async def internal_error(request: Request, exc: Exception) -> Response:
    return probleem(request, 500, "interne-fout", "an internal error; nothing was stored")


async def client_went_away(request: Request, exc: Exception) -> Response:
    # Nobody is left to answer: one line in the log, no traceback (it is not our fault).
    client = request.client.host if request.client else "?"
    logger.warning(
        "%s %s: the client (%s) went away before its body was complete; nothing was stored",
        request.method,
        request.url.path,
        client,
    )
    return probleem(request, 400, "verbinding-verbroken", "the body was not complete")


#: The handlers every service installs (a service may add more specific ones).
EXCEPTION_HANDLERS = {
    ReceiverError: refused,
    HTTPException: no_route,
    ClientDisconnect: client_went_away,
    Exception: internal_error,
}
