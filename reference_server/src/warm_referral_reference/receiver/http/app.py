"""The receiver's HTTP API (Starlette): NL API Design Rules on the outside, the domain inside.

Each route authenticates the caller, reads its input, calls one use case of the domain and
serialises the answer model it returns. Every response carries ``API-Version`` and the security
headers; every error is problem details, from one exception handler (:mod:`.problems`); bodies are
capped before they are read. The headers, the last-resort guard and the common exception handlers
are :mod:`.middleware` (the knooppunt shares them). A trailing slash is a 404, never a redirect (which would echo the Host header).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from warm_referral import parse_json, to_xml
from warm_referral.adresboek.errors import AddressBookExpired
from warm_referral.models import WireModel

from ..config import Instellingen
from ..domain import Ontvanger, Uitkomst
from ..domain.handtekening import Handtekeningkoppen
from ..domain.monitoring import Dimensie, Monitoringvraag, Periodesoort
from ..tls import certificaat_uit_scope
from . import params
from .auth import Authenticatie
from .middleware import EXCEPTION_HANDLERS, SECURITY_HEADERS, GuardedStarlette
from .openapi import openapi_json
from .problems import probleem
from .tracing import trace_context

__all__ = ["SECURITY_HEADERS", "create_app"]

logger = logging.getLogger("warm_referral_reference.receiver")

#: Only the OpenAPI document may be read from any origin (NL API Design Rules /core/publish-openapi).
_CORS = {"Access-Control-Allow-Origin": "*"}
#: The largest page of a list (``pageSize``) and the default.
MAX_PAGINA, STANDAARD_PAGINA = 500, 100

#: The HTTP status of each kind of answer to a message.
_UITKOMST_STATUS = {Uitkomst.BEVESTIGD: 201, Uitkomst.BEANTWOORD: 200, Uitkomst.ONTVANGEN: 202}


def _json(model: WireModel, status: int = 200) -> Response:
    return Response(
        model.model_dump_json(exclude_none=True).encode(),
        status_code=status,
        media_type="application/json",
    )


def _handtekeningkoppen(request: Request) -> Handtekeningkoppen:
    return Handtekeningkoppen(
        handtekening=request.headers.getlist("nlgov-adr-payload-sig"),
        digest=request.headers.getlist("digest"),
        tls_certificaat=certificaat_uit_scope(request.scope),
    )


def _trace_id(request: Request) -> str:
    return trace_context(request.headers.get("traceparent"))[0]


#: Seconds a sender is asked to wait when the receiver cannot serve for now.
NIET_BESCHIKBAAR_WACHTTIJD = 300


async def _adresboek_verlopen(request: Request, exc: Exception) -> Response:
    """Ours to fix, and passing: the address book is not valid on the verwijsdatum (WD-ADR-04:
    the operator must load the current edition). A 503 with Retry-After, so senders retry
    instead of giving up; nothing was stored."""
    logger.error("%s %s: cannot serve for now: %s", request.method, request.url.path, exc)
    return probleem(
        request,
        503,
        "adresboek-verlopen",
        f"the receiver cannot serve for now: {exc}; nothing was stored",
        headers={"Retry-After": str(NIET_BESCHIKBAAR_WACHTTIJD)},
    )


def _monitoring(
    deelnemer: Authenticatie, ontvanger: Ontvanger
) -> Callable[[Request], Awaitable[Response]]:
    async def monitoring(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request, "periodesoort", "dimensie", "van", "tot")
        vraag = Monitoringvraag(
            periodesoort=params.query_keuze(
                request, "periodesoort", Periodesoort, Periodesoort.KWARTAAL
            ),
            dimensie=params.query_keuze(request, "dimensie", Dimensie, Dimensie.TOTAAL),
            van=params.query_datum(request, "van"),
            tot=params.query_datum(request, "tot"),
        )
        return _json(await ontvanger.monitoring(wie, vraag))

    return monitoring


def create_app(instellingen: Instellingen, ontvanger: Ontvanger) -> Starlette:
    deelnemer = Authenticatie(instellingen)
    maximum = instellingen.max_body_bytes

    async def openapi(request: Request) -> Response:
        params.alleen_bekende_parameters(request)
        return Response(openapi_json(), media_type="application/json", headers=_CORS)

    async def berichten(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request)
        data, media_type = await params.body(request, params.JSON_TYPES + params.XML_TYPES, maximum)
        xml = media_type in params.XML_TYPES
        uitkomst, antwoord = await ontvanger.ontvang_bericht(
            wie, data, xml=xml, trace_id=_trace_id(request), koppen=_handtekeningkoppen(request)
        )
        if xml and uitkomst is not Uitkomst.ONTVANGEN:  # a message answers in the request's form
            return Response(
                to_xml(parse_json(antwoord)),
                status_code=_UITKOMST_STATUS[uitkomst],
                media_type="application/xml",
            )
        return Response(
            antwoord, status_code=_UITKOMST_STATUS[uitkomst], media_type="application/json"
        )

    async def postvak(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request, "na", "limiet")
        na = params.query_int(request, "na", 0, 0, 2**62)
        limiet = params.query_int(request, "limiet", 100, 1, 500)
        return _json(await ontvanger.postvak(wie, na, limiet))

    async def verwijzingen(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request, "gemeentecode", "page", "pageSize")
        code = params.gemeentecode(request)
        pagina = params.query_int(request, "page", 1, 1, 2**31)
        grootte = params.query_int(request, "pageSize", STANDAARD_PAGINA, 1, MAX_PAGINA)
        alles = await ontvanger.verwijzingen(wie, code)
        begin = (pagina - 1) * grootte
        deel = alles.model_copy(
            update={"verwijzingen": alles.verwijzingen[begin : begin + grootte]}
        )
        links = _paginalinks(request.url.path, code, pagina, grootte, len(alles.verwijzingen))
        antwoord = _json(deel)
        antwoord.headers["Link"] = links
        antwoord.headers["X-Total-Count"] = str(len(alles.verwijzingen))
        return antwoord

    async def verwijzing(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request)
        conversatie_id = params.conversatie_id(request)
        # Viewing is processing of personal data too: traced and logged.
        return _json(await ontvanger.verwijzing(wie, conversatie_id, trace_id=_trace_id(request)))

    async def acties(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request)
        conversatie_id = params.conversatie_id(request)
        data, _ = await params.body(request, params.JSON_TYPES, maximum)
        resultaat = await ontvanger.actie(wie, conversatie_id, data, trace_id=_trace_id(request))
        return _json(resultaat, 201)

    async def termijnbewaking(request: Request) -> Response:
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request, "gemeentecode")
        return _json(await ontvanger.termijnbewaking(wie, params.gemeentecode(request)))

    async def testklok(request: Request) -> Response:
        if not instellingen.testklok:
            return probleem(
                request, 404, "niet-gevonden", "the test clock exists in development mode only"
            )
        wie = deelnemer(request)
        params.alleen_bekende_parameters(request)
        if request.method == "PUT":
            data, _ = await params.body(request, params.JSON_TYPES, maximum)
            return _json(await ontvanger.zet_klok(wie, data))
        return _json(await ontvanger.klok(wie))

    routes = [
        Route("/v1/openapi.json", openapi, methods=["GET"]),
        Route("/v1/berichten", berichten, methods=["POST"]),
        Route("/v1/postvak", postvak, methods=["GET"]),
        Route("/v1/verwijzingen", verwijzingen, methods=["GET"]),
        Route("/v1/verwijzingen/{conversatieId}", verwijzing, methods=["GET"]),
        Route("/v1/verwijzingen/{conversatieId}/acties", acties, methods=["POST"]),
        Route("/v1/termijnbewaking", termijnbewaking, methods=["GET"]),
        Route("/v1/testklok", testklok, methods=["GET", "PUT"]),
        Route("/v1/monitoring", _monitoring(deelnemer, ontvanger), methods=["GET"]),
    ]
    app = GuardedStarlette(
        routes=routes,
        exception_handlers={**EXCEPTION_HANDLERS, AddressBookExpired: _adresboek_verlopen},
    )
    # /v1/berichten/ is not /v1/berichten: 404 (NL API Design Rules /core/no-trailing-slash).
    app.router.redirect_slashes = False
    app.state.ontvanger = ontvanger
    return app


def _paginalinks(pad: str, gemeentecode: str | None, pagina: int, grootte: int, totaal: int) -> str:
    """The RFC 8288 Link header of a page: self, first, last, and prev/next where they exist.
    Relative references: the server never echoes the Host header a caller sent."""
    laatste = max(1, -(-totaal // grootte))
    filter_ = f"gemeentecode={gemeentecode}&" if gemeentecode else ""

    def link(p: int, rel: str) -> str:
        return f'<{pad}?{filter_}page={p}&pageSize={grootte}>; rel="{rel}"'

    links = [link(pagina, "self"), link(1, "first"), link(laatste, "last")]
    if 1 < pagina <= laatste + 1:
        links.append(link(pagina - 1, "prev"))
    if pagina < laatste:
        links.append(link(pagina + 1, "next"))
    return ", ".join(links)
