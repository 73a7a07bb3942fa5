"""Every response checked against the published OpenAPI document, plus the NL API Design Rules
that a document cannot express.

The document is the kit's own copy of spec/v1/openapi.yaml, so a vendor's report says which
version it was checked against. openapi-core does the schema work; the kit maps what it finds to
requirement ids.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.security.exceptions import SecurityProviderError
from openapi_core.security.factories import SecurityProviderFactory
from openapi_core.security.providers import BaseProvider
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

__all__ = ["PROBLEM_JSON", "Bevinding", "controleer_antwoord", "document"]

PROBLEM_JSON = "application/problem+json"
#: The base path the document's operations hang under (``servers[0].url``).
_BASIS = "/v1"
_DATUMTIJD_BEGIN = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:")
_UTC_DATUMTIJD = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+([-+].*)?$")
_VEILIGHEIDSHEADERS = {
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}

Bevinding = tuple[str, str]
"""(requirement id, what is wrong)."""


@cache
def document() -> dict[str, Any]:
    import yaml

    tekst = (files(__package__) / "data" / "openapi.yaml").read_text(encoding="utf-8")
    geladen: dict[str, Any] = yaml.safe_load(tekst)
    return geladen


class _GeenClientcertificaat(BaseProvider):
    """openapi-core has no provider for ``mutualTLS``; the kit checks responses, not security."""

    def __call__(self, parameters: RequestParameters) -> Any:
        raise SecurityProviderError("mutual TLS is checked by the transport, not here")


class _Beveiliging(SecurityProviderFactory):
    PROVIDERS = {**SecurityProviderFactory.PROVIDERS, "mutualTLS": _GeenClientcertificaat}  # noqa: RUF012


def _json(data: bytes, **_parameters: str) -> Any:
    return json.loads(data)


def _xml_als_tekst(data: bytes, **_parameters: str) -> str:
    return data.decode("utf-8", errors="replace")


@cache
def _openapi() -> OpenAPI:
    config = Config(
        security_provider_factory=_Beveiliging(),
        extra_media_type_deserializers={
            PROBLEM_JSON: _json,
            "application/xml": _xml_als_tekst,
            "text/xml": _xml_als_tekst,
        },
    )
    return OpenAPI.from_dict(copy.deepcopy(document()), config=config)


class _Verzoek:
    def __init__(self, verzoek: httpx.Request, pad: str) -> None:
        url = verzoek.url
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(url.params.multi_items())),
            header=Headers(list(verzoek.headers.items())),
            cookie=ImmutableMultiDict(),
        )
        self.host_url = "http://implementatie"
        self.path = pad
        self.method = verzoek.method.lower()
        self.content_type = verzoek.headers.get("content-type", "").lower()
        try:
            self.body: bytes | None = verzoek.content or None
        except httpx.RequestNotRead:
            self.body = None


class _Antwoord:
    def __init__(self, antwoord: httpx.Response) -> None:
        self.status_code = antwoord.status_code
        self.content_type = antwoord.headers.get("content-type", "").lower()
        self.headers = Headers(list(antwoord.headers.items()))
        self.data = antwoord.content


def _teksten(knoop: Any) -> Iterator[str]:
    if isinstance(knoop, str):
        yield knoop
    elif isinstance(knoop, dict):
        for waarde in knoop.values():
            yield from _teksten(waarde)
    elif isinstance(knoop, list):
        for waarde in knoop:
            yield from _teksten(waarde)


def controleer_antwoord(antwoord: httpx.Response, basispad: str) -> list[Bevinding]:
    """Every way ``antwoord`` breaks the NL API Design Rules or the OpenAPI document.

    ``basispad`` is the path of the implementation's base URL (``/v1`` or ``/api/wd/v1``); the
    request path below it is matched against the document's paths under ``/v1``.
    """
    headers = antwoord.headers
    bevindingen = _kopregels(headers)
    verzoek = antwoord.request
    if verzoek.method == "HEAD":
        return bevindingen
    mediatype = headers.get("content-type", "").split(";")[0].strip().lower()
    inhoud: Any = None
    if mediatype in ("application/json", PROBLEM_JSON):
        try:
            inhoud = antwoord.json()
        except ValueError:
            bevindingen.append(
                ("WD-API-04", f"de inhoud is geen JSON, terwijl {mediatype} dat zegt")
            )
    if antwoord.status_code >= 400:
        bevindingen += _probleem(antwoord.status_code, mediatype, inhoud)
    for tekst in _teksten(inhoud):
        if _DATUMTIJD_BEGIN.match(tekst) and not _UTC_DATUMTIJD.match(tekst):
            bevindingen.append(
                ("WD-API-06", f"tijdstip {tekst!r} is niet RFC 3339 in UTC met hoofdletter T en Z")
            )
            break
    pad = verzoek.url.path
    if not pad.startswith(basispad.rstrip("/") + "/"):
        return bevindingen
    pad = _BASIS + pad[len(basispad.rstrip("/")) :]
    try:
        _openapi().validate_response(_Verzoek(verzoek, pad), _Antwoord(antwoord))
    except (PathNotFound, OperationNotFound):
        pass  # a probe outside the document (a trailing slash, a wrong method): its check judges
    except Exception as exc:
        oorzaken = "; ".join(str(c)[:300] for c in getattr(exc, "schema_errors", ()))
        bevindingen.append(
            (
                "WD-API-04",
                f"het antwoord {antwoord.status_code} op {verzoek.method} {pad} wijkt af van "
                f"spec/v1/openapi.yaml: {str(exc)[:500]}" + (f" ({oorzaken})" if oorzaken else ""),
            )
        )
    return bevindingen


def _kopregels(headers: httpx.Headers) -> list[Bevinding]:
    """The headers every answer carries: API-Version and the security headers."""
    bevindingen: list[Bevinding] = []
    versie = headers.get("api-version")
    if versie is None:
        bevindingen.append(("WD-API-01", "het antwoord heeft geen API-Version-header"))
    elif not _SEMVER.match(versie) or versie.split(".")[0] != "1":
        bevindingen.append(("WD-API-01", f"API-Version is {versie!r}, geen volledige versie 1.x.y"))
    if headers.get("cache-control", "").lower().replace(" ", "") != "no-store":
        bevindingen.append(
            ("WD-API-03", f"Cache-Control is {headers.get('cache-control')!r}, niet no-store")
        )
    if headers.get("x-content-type-options", "").lower() != "nosniff":
        bevindingen.append(("WD-API-03", "X-Content-Type-Options: nosniff ontbreekt"))
    for naam, verwacht in _VEILIGHEIDSHEADERS.items():
        if headers.get(naam) != verwacht:
            bevindingen.append(("WD-API-09", f"{naam} is {headers.get(naam)!r}, niet {verwacht!r}"))
    if "strict-transport-security" not in headers:
        bevindingen.append(("WD-API-09", "Strict-Transport-Security ontbreekt"))
    return bevindingen


def _probleem(status: int, mediatype: str, inhoud: Any) -> list[Bevinding]:
    if mediatype != PROBLEM_JSON:
        return [
            (
                "WD-API-02",
                f"een {status} als {mediatype or 'zonder Content-Type'}, niet als problem details",
            )
        ]
    if not isinstance(inhoud, dict):
        return [("WD-API-02", "problem details zijn geen JSON-object")]
    fouten: list[Bevinding] = []
    if inhoud.get("status") != status:
        fouten.append(
            ("WD-API-02", f"status {inhoud.get('status')!r} in problem details is niet {status}")
        )
    for sleutel in ("type", "title", "detail"):
        if not isinstance(inhoud.get(sleutel), str) or not inhoud[sleutel]:
            fouten.append(("WD-API-02", f"problem details zonder {sleutel}"))
    lijst = inhoud.get("fouten")
    if not isinstance(lijst, list) or not all(
        isinstance(f, dict) and {"pointer", "code", "melding"} <= f.keys() for f in lijst
    ):
        fouten.append(("WD-API-02", "problem details zonder een goed gevormde lijst fouten"))
    return fouten
