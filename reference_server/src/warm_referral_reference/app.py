"""The receiver's HTTP API (Starlette): NL API Design Rules on the outside, the service inside.

Every response carries ``API-Version`` and the security headers; every error is problem details;
bodies are capped before they are read; the caller is identified by bearer token (development) or
client certificate OIN (production) before anything else happens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from warm_referral.errors import Violation

from .audit import trace_context
from .config import Deelnemer, Instellingen, Modus
from .openapi_spec import API_VERSIE, openapi_document
from .problems import PROBLEM_JSON, Probleem, probleem_body
from .service import Ontvanger
from .tls import oin_uit_certificaat

__all__ = ["create_app"]

_SECURITY_HEADERS = {
    "API-Version": API_VERSIE,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000",
}
#: The same, as ASGI header pairs, encoded once.
_SECURITY_HEADER_PAIRS = [(k.lower().encode(), v.encode()) for k, v in _SECURITY_HEADERS.items()]
_JSON_TYPES = ("application/json",)
_XML_TYPES = ("application/xml", "text/xml")


class _Headers:
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


def _probleem_response(probleem: Probleem, request: Request) -> Response:
    return Response(
        probleem_body(probleem, request.url.path),
        status_code=probleem.status,
        media_type=PROBLEM_JSON,
        headers=probleem.headers,
    )


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False).encode(),
        status_code=status,
        media_type="application/json",
    )


def create_app(instellingen: Instellingen, ontvanger: Ontvanger) -> Starlette:
    per_token = instellingen.per_token()
    per_oin = instellingen.per_oin()

    def deelnemer(request: Request) -> Deelnemer:
        if instellingen.modus is Modus.PRODUCTIE:
            oin = oin_uit_certificaat(request.scope)
            if oin is None:
                raise Probleem(
                    401,
                    "niet-geauthenticeerd",
                    "a client certificate with the OIN in its subject serialNumber is required",
                )
            gevonden = per_oin.get(oin)
            if gevonden is None:
                raise Probleem(403, "onbekende-deelnemer", f"OIN {oin} is not a participant here")
            return gevonden
        autorisatie = request.headers.get("authorization", "")
        schema, _, token = autorisatie.partition(" ")
        if schema.lower() != "bearer" or not token:
            raise Probleem(
                401,
                "niet-geauthenticeerd",
                "send 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        gevonden = per_token.get(token.strip())
        if gevonden is None:
            raise Probleem(
                401,
                "niet-geauthenticeerd",
                "unknown token",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return gevonden

    async def body(request: Request, toegestaan: tuple[str, ...]) -> tuple[bytes, str]:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in toegestaan:
            raise Probleem(
                415,
                "mediatype",
                f"Content-Type must be one of {', '.join(toegestaan)}; got {media_type or 'none'}",
            )
        lengte = request.headers.get("content-length")
        if (
            lengte is not None
            and lengte.isascii()
            and lengte.isdigit()
            and int(lengte) > instellingen.max_body_bytes
        ):
            raise Probleem(413, "te-groot", f"at most {instellingen.max_body_bytes} bytes")
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > instellingen.max_body_bytes:
                raise Probleem(413, "te-groot", f"at most {instellingen.max_body_bytes} bytes")
        return bytes(data), media_type

    def conversatie(request: Request) -> UUID:
        waarde = request.path_params["conversatieId"]
        try:
            uuid = UUID(waarde)
            if str(uuid) != waarde.lower():  # UUID() also takes braces, urn:uuid:, no hyphens
                raise ValueError(waarde)
            return uuid
        except ValueError:
            raise Probleem(
                400,
                "ongeldige-invoer",
                "conversatieId is not a UUID",
                [Violation("/conversatieId", "uuid_ongeldig", "not a UUID")],
            ) from None

    def query_int(request: Request, naam: str, standaard: int, laag: int, hoog: int) -> int:
        waarde = request.query_params.get(naam)
        if waarde is None:
            return standaard
        if (
            not (waarde.isascii() and waarde.isdigit()) or not laag <= int(waarde) <= hoog
        ):  # '²'.isdigit()
            raise Probleem(
                400,
                "ongeldige-invoer",
                f"{naam} must be a whole number {laag}..{hoog}",
                [Violation(f"/{naam}", "ongeldig", f"{waarde!r} is not in {laag}..{hoog}")],
            )
        return int(waarde)

    def gemeentecode(request: Request) -> str | None:
        code = request.query_params.get("gemeentecode")
        if code is not None and not (len(code) == 4 and code.isascii() and code.isdigit()):
            raise Probleem(
                400,
                "ongeldige-invoer",
                "gemeentecode is 4 digits",
                [Violation("/gemeentecode", "patroon", f"{code!r} is not 4 digits")],
            )
        return code

    Handler = Callable[[Request], Awaitable[Response]]

    def route(handler: Handler) -> Handler:
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except Probleem as probleem:
                return _probleem_response(probleem, request)

        return wrapped

    async def openapi(request: Request) -> Response:
        return _json(openapi_document())

    async def berichten(request: Request) -> Response:
        wie = deelnemer(request)
        data, media_type = await body(request, _JSON_TYPES + _XML_TYPES)
        trace_id, _ = trace_context(request.headers.get("traceparent"))
        antwoord = await ontvanger.ontvang_bericht(
            wie, data, xml=media_type in _XML_TYPES, trace_id=trace_id
        )
        return Response(antwoord.body, status_code=antwoord.status, media_type=antwoord.media_type)

    async def postvak(request: Request) -> Response:
        wie = deelnemer(request)
        na = query_int(request, "na", 0, 0, 2**62)
        limiet = query_int(request, "limiet", 100, 1, 500)
        return _json(await ontvanger.postvak(wie, na, limiet))

    async def verwijzingen(request: Request) -> Response:
        return _json(await ontvanger.verwijzingen(deelnemer(request), gemeentecode(request)))

    async def verwijzing(request: Request) -> Response:
        wie = deelnemer(request)
        trace_id, _ = trace_context(request.headers.get("traceparent"))  # viewing is processing too
        return _json(await ontvanger.verwijzing(wie, conversatie(request), trace_id=trace_id))

    async def acties(request: Request) -> Response:
        wie = deelnemer(request)
        conversatie_id = conversatie(request)
        data, _ = await body(request, _JSON_TYPES)
        trace_id, _ = trace_context(request.headers.get("traceparent"))
        resultaat = await ontvanger.actie(wie, conversatie_id, data, trace_id=trace_id)
        return _json(resultaat, 201)

    async def termijnbewaking(request: Request) -> Response:
        return _json(await ontvanger.termijnbewaking(deelnemer(request), gemeentecode(request)))

    async def testklok(request: Request) -> Response:
        if not instellingen.testklok:
            raise Probleem(404, "niet-gevonden", "the test clock exists in development mode only")
        wie = deelnemer(request)
        if request.method == "PUT":
            data, _ = await body(request, _JSON_TYPES)
            nu = _tijdstip_uit(data)
            return _json(await ontvanger.zet_klok(wie, nu))
        return _json(await ontvanger.klok(wie))

    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code
        soort = {404: "niet-gevonden", 405: "methode"}.get(status, "fout")
        detail = {
            404: f"no resource at {request.url.path}",
            405: f"{request.method} is not allowed on {request.url.path}",
        }.get(status, str(exc.detail))
        return _probleem_response(
            Probleem(status, soort, detail, headers=dict(exc.headers or {})), request
        )

    async def server_error(request: Request, exc: Exception) -> Response:
        return _probleem_response(
            Probleem(500, "interne-fout", "an internal error; nothing was stored"), request
        )

    routes = [
        Route("/v1/openapi.json", route(openapi), methods=["GET"]),
        Route("/v1/berichten", route(berichten), methods=["POST"]),
        Route("/v1/postvak", route(postvak), methods=["GET"]),
        Route("/v1/verwijzingen", route(verwijzingen), methods=["GET"]),
        Route("/v1/verwijzingen/{conversatieId}", route(verwijzing), methods=["GET"]),
        Route("/v1/verwijzingen/{conversatieId}/acties", route(acties), methods=["POST"]),
        Route("/v1/termijnbewaking", route(termijnbewaking), methods=["GET"]),
        Route("/v1/testklok", route(testklok), methods=["GET", "PUT"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: not_found, Exception: server_error},
    )
    app.add_middleware(_Headers)
    app.state.ontvanger = ontvanger
    return app


#: RFC 3339 date-time (upper-case T and Z); fromisoformat alone also takes ISO forms RFC 3339 does not.
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", re.ASCII
)


def _tijdstip_uit(data: bytes) -> datetime:
    ongeldig = Probleem(
        400,
        "ongeldige-invoer",
        'send {"nu": "<RFC 3339 date-time>"}',
        [Violation("/nu", "tijdstip_ongeldig", "not an RFC 3339 date-time")],
    )
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise ongeldig from None
    if isinstance(document, dict) and document.keys() - {"nu"}:  # the document's object is closed
        raise Probleem(
            400,
            "ongeldige-invoer",
            'send {"nu": "<RFC 3339 date-time>"} only',
            [
                Violation(
                    "/" + k.replace("~", "~0").replace("/", "~1"),
                    "onbekend_veld",
                    "not a member of Testklok",
                )
                for k in sorted(document.keys() - {"nu"})
            ],
        )
    waarde = document.get("nu") if isinstance(document, dict) else None
    if not isinstance(waarde, str) or not _DATE_TIME.fullmatch(waarde):
        raise ongeldig
    try:
        nu = datetime.fromisoformat(waarde.replace("Z", "+00:00"))
    except ValueError:
        raise ongeldig from None
    if nu.utcoffset() is None:
        raise Probleem(
            400,
            "ongeldige-invoer",
            "nu needs an offset",
            [Violation("/nu", "tijdzone_ontbreekt", "a date-time without offset")],
        )
    if not 2000 <= nu.year < 2100:  # else UTC conversion or a deadline computed from it overflows
        raise Probleem(
            400,
            "ongeldige-invoer",
            "the test clock runs from 2000 to 2099",
            [Violation("/nu", "tijdstip_buiten_bereik", "a year outside 2000..2099")],
        )
    return nu
