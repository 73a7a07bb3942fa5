"""The knooppunt's REST binding (spec/v1/knooppunt/openapi.yaml), built like the receiver's API
and with its machinery: the same authentication (bearer token in development, the OIN of the client
certificate in production), headers, problem details and guard.

``POST /v1/enveloppen`` delivers; ``GET /v1/postbus`` lists the caller's mailbox;
``GET /v1/postbus/{berichtId}`` fetches an envelope; ``DELETE /v1/postbus/{berichtId}`` confirms
it (the knooppunt forgets its content). ``GET|PUT /v1/testklok`` in development mode.
"""

from __future__ import annotations

from uuid import UUID

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from warm_referral.errors import Violation
from warm_referral.models import WireModel

from ...receiver.config import Instellingen
from ...receiver.errors import InvalidRequest
from ...receiver.http import params
from ...receiver.http.auth import Authenticatie
from ...receiver.http.middleware import EXCEPTION_HANDLERS, GuardedStarlette
from ...receiver.http.problems import probleem
from ..domein import Knooppunt
from .openapi import openapi_json

__all__ = ["create_app"]

#: An envelope holds a message of at most 2 MB, base64url and encrypted.
MAX_ENVELOP_BYTES = 4_000_000


def _json(model: WireModel, status: int = 200) -> Response:
    return Response(
        model.model_dump_json(exclude_none=True).encode(),
        status_code=status,
        media_type="application/json",
    )


def bericht_id(request: Request) -> str:
    waarde = str(request.path_params["berichtId"])
    try:
        if str(UUID(waarde)) == waarde:
            return waarde
    except ValueError:
        pass
    raise InvalidRequest(
        "berichtId is not a UUID in lower-case hyphenated form",
        [Violation("/berichtId", "ongeldig", "a UUID such as 0b9b5a0e-...")],
    )


def create_app(
    instellingen: Instellingen, knooppunt: Knooppunt, extra: list[Route] | None = None
) -> Starlette:
    """The app; ``extra`` routes (the SOAP binding) share its authentication and guard."""
    deelnemer = Authenticatie(instellingen)

    async def openapi(request: Request) -> Response:
        params.alleen_bekende_parameters(request)
        return Response(
            openapi_json(),
            media_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
        )

    async def enveloppen(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request)
        data, _ = await params.body(request, params.JSON_TYPES, MAX_ENVELOP_BYTES)
        nieuw, bewijs = await knooppunt.lever_af(wie, data)
        return _json(bewijs, 201 if nieuw else 200)

    async def postbus(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request, "limiet")
        limiet = params.query_int(request, "limiet", 100, 1, 500)
        return _json(await knooppunt.postbus(wie, limiet))

    async def envelop(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request)
        sleutel = bericht_id(request)
        if request.method == "DELETE":
            await knooppunt.bevestig(wie, sleutel)
            return Response(status_code=204)
        return Response(await knooppunt.haal_op(wie, sleutel), media_type="application/json")

    async def testklok(request: Request) -> Response:
        if not instellingen.testklok:
            return probleem(
                request, 404, "niet-gevonden", "the test clock exists in development mode only"
            )
        deelnemer(request)
        params.alleen_bekende_parameters(request)
        if request.method == "PUT":
            data, _ = await params.body(request, params.JSON_TYPES, instellingen.max_body_bytes)
            return _json(await knooppunt.zet_klok(data))
        return _json(await knooppunt.klok())

    routes = [
        Route("/v1/openapi.json", openapi, methods=["GET"]),
        Route("/v1/enveloppen", enveloppen, methods=["POST"]),
        Route("/v1/postbus", postbus, methods=["GET"]),
        Route("/v1/postbus/{berichtId}", envelop, methods=["GET", "DELETE"]),
        Route("/v1/testklok", testklok, methods=["GET", "PUT"]),
        *(extra or []),
    ]
    app = GuardedStarlette(routes=routes, exception_handlers=dict(EXCEPTION_HANDLERS))
    app.router.redirect_slashes = False
    app.state.knooppunt = knooppunt
    app.state.authenticatie = deelnemer
    return app
