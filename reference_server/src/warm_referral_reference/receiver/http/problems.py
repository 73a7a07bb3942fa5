"""RFC 9457 problem details: every 4xx and 5xx of the API is one of these, built here only.

:data:`STATUS` is the one mapping from the receiver's errors (:mod:`..errors`, by category) to HTTP
statuses. The body is a Foutbericht-compatible problem document (``application/problem+json``)
that lists every violation in ``fouten`` (JSON pointer, code, message), as the NL API Design Rules
ask; its shape is :class:`Problem`, which the OpenAPI document is generated from too.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from warm_referral.errors import Violation
from warm_referral.models import Fout, WireModel

from ..errors import (
    AccessDenied,
    Conflict,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    ReceiverError,
    Refused,
    UnsupportedMediaType,
)

__all__ = [
    "PROBLEM_JSON",
    "STATUS",
    "TYPE_BASE",
    "Problem",
    "probleem",
    "probleem_inhoud",
    "status_van",
]

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/problemen/"

#: The HTTP status of each category of refusal.
STATUS: dict[type[ReceiverError], int] = {
    InvalidRequest: 400,
    NotAuthenticated: 401,
    AccessDenied: 403,
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    Refused: 422,
}

_TITELS = {
    400: "Ongeldige invoer",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Formaat niet beschikbaar",
    408: "Verzoek te traag",
    409: "Conflict",
    413: "Bericht te groot",
    414: "URI te lang",
    415: "Mediatype niet ondersteund",
    422: "Niet verwerkbaar",
    431: "Headers te groot",
    500: "Interne fout",
    501: "Niet geïmplementeerd",
    503: "Niet beschikbaar",
    505: "HTTP-versie niet ondersteund",
}


class Problem(WireModel):
    """Problem details (RFC 9457) with every violation listed, as in a Foutbericht."""

    type: str
    """``https://standaarden.nvvk.nl/warme-doorverwijzing/v1/problemen/<code>``: a stable code."""
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str | None = None
    """The path of the request."""
    fouten: list[Fout]


def status_van(fout: ReceiverError) -> int:
    for soort in type(fout).__mro__:
        status = STATUS.get(soort)
        if status is not None:
            return status
    return 500  # pragma: no cover - every ReceiverError has a category above


def probleem(
    request: Request,
    status: int,
    code: str,
    detail: str,
    fouten: Sequence[Violation] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    """The problem-details response."""
    return Response(
        probleem_inhoud(status, code, detail, request.url.path, fouten),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def probleem_inhoud(
    status: int,
    code: str,
    detail: str,
    instance: str | None = None,
    fouten: Sequence[Violation] = (),
) -> bytes:
    """The problem-details body, also for answers given below the app (the HTTP protocol layer's
    own refusals, the outermost guard's 500). Built without validation (``model_construct``): an
    error answer must never fail on the text of what went wrong."""
    body = Problem.model_construct(
        type=TYPE_BASE + code,
        title=_TITELS.get(status, "Fout"),
        status=status,
        detail=detail,
        instance=instance,
        fouten=[
            Fout.model_construct(pointer=v.pointer, code=v.code, melding=v.melding) for v in fouten
        ],
    )
    return body.model_dump_json(exclude_none=True).encode()


def van_fout(request: Request, fout: ReceiverError) -> Response:
    """The answer to a refusal: its category's status, its code, its violations."""
    headers = None
    if isinstance(fout, NotAuthenticated) and fout.uitdaging:
        headers = {"WWW-Authenticate": fout.uitdaging}
    return probleem(request, status_van(fout), fout.code, fout.detail, fout.fouten, headers)
