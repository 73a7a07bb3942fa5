"""The receiver's OpenAPI 3.1 document, built from code so it cannot drift from it.

The paths are written here. Every schema is generated: the messages' from the library
(:func:`warm_referral.schemas.build_schemas`, the published JSON Schemas), the API's own bodies from
the models the domain returns and reads (:mod:`..domain.weergaven`, :mod:`..domain.acties`, the
problem details of :mod:`.problems`). ``tools/generate.py`` writes the result to
``spec/v1/openapi.yaml`` (a test fails on drift); the server publishes it as ``/v1/openapi.json``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from warm_referral._version import SPEC_VERSIE

__all__ = ["API_VERSIE", "openapi_document", "openapi_json"]

#: The API's own version (semantic); the major version is the ``/v1`` in the path.
API_VERSIE = "1.0.0"

_SCHEMAS = "#/components/schemas/"


def _json(schema_ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}


#: What any request can get, whatever the operation: invalid input or a malformed request (400),
#: a method the path does not have (405), a request whose head or body is too slow (408), a
#: request line or head over the limits (414, 431), our own failure (500), and a receiver that
#: cannot serve for now (503: its address book not valid on the verwijsdatum).
_ALTIJD = (400, 405, 408, 414, 431, 500, 503)
#: What a request with a body can get besides: too large (413), the wrong media type (415).
_MET_INHOUD = (413, 415)
#: Every error status the receiver answers, and what it means here.
_BETEKENIS = {
    400: "Invalid input, an unknown or repeated query parameter, or a malformed HTTP request",
    401: "No or an unknown credential",
    403: "The caller may not do this",
    404: "No such resource for this caller (a trailing slash included: no redirect)",
    405: "The path has no such method (the Allow header lists those it has)",
    408: "The request's head or body came too slowly (the connection is closed)",
    409: "The request contradicts what is stored",
    413: "The body is larger than the receiver accepts",
    414: "The request line is longer than the receiver accepts",
    415: "The Content-Type is not one this operation reads",
    422: "A valid request the protocol refuses",
    431: "The request head is larger, or has more header fields, than the receiver accepts",
    500: "An internal error; nothing was stored",
    503: "The receiver cannot serve for now (its address book is not valid on the date asked); "
    "nothing was stored: try again after Retry-After",
}
_PROBLEEMSTATUSSEN = tuple(_BETEKENIS)


def _problem(*statuses: int) -> dict[str, Any]:
    alle = sorted({*statuses, *_ALTIJD})
    return {str(s): {"$ref": f"#/components/responses/Probleem{s}"} for s in alle}


_HEADERS = {
    "API-Version": {"$ref": "#/components/headers/API-Version"},
}
_LIJST_HEADERS = {
    **_HEADERS,
    "Link": {"$ref": "#/components/headers/Link"},
    "X-Total-Count": {"$ref": "#/components/headers/X-Total-Count"},
}


def _ok(
    description: str, content: dict[str, Any] | None, headers: dict[str, Any] = _HEADERS
) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "headers": headers}
    if content is not None:
        response["content"] = content
    return response


def _paths() -> dict[str, Any]:
    conv = {
        "name": "conversatieId",
        "in": "path",
        "required": True,
        "description": "The referral's conversatieId (a UUID; no personal data in URLs).",
        "schema": {"type": "string", "format": "uuid"},
    }
    gemeentecode = {
        "name": "gemeentecode",
        "in": "query",
        "required": False,
        "description": "Only the referrals to this municipality (4-digit CBS code). An operator "
        "may name only a municipality it serves (else 403).",
        "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
    }
    pagina = [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "description": "The page, from 1. A page after the last is empty.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31, "default": 1},
        },
        {
            "name": "pageSize",
            "in": "query",
            "required": False,
            "description": "Referrals per page.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
        },
    ]
    bericht_xml = {
        "application/xml": {
            "schema": {
                "type": "string",
                "description": "The same message in the XML encoding (spec/v1/xsd).",
            }
        }
    }
    return {
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "description": "The OpenAPI document of this API, without authentication and "
                "readable from any origin (Access-Control-Allow-Origin: *), as the NL API Design "
                "Rules ask (/core/publish-openapi).",
                "security": [],
                "tags": ["Algemeen"],
                "responses": {
                    "200": _ok(
                        "The OpenAPI document",
                        {"application/json": {"schema": {"type": "object"}}},
                        {
                            **_HEADERS,
                            "Access-Control-Allow-Origin": {
                                "description": "Any origin may read the document.",
                                "schema": {"type": "string", "const": "*"},
                            },
                        },
                    ),
                    **_problem(),
                },
            }
        },
        "/berichten": {
            "post": {
                "operationId": "berichtOntvangen",
                "tags": ["Schuldeiser"],
                "summary": "Deliver a message from a creditor to the municipality",
                "description": "Accepts every creditor-to-municipality message as JSON or XML (by "
                "Content-Type). Idempotent on berichtId: the same message again gets the original "
                "answer; the same berichtId with another body is 409. The answer is given only after "
                "the message is durably stored. A signed message (NL API Design Rules, module "
                "Signing; WD-OND) carries nlgov-adr-payload-sig and Digest; a receiver with a "
                "signing profile refuses a missing (when required), tampered, forged or expired "
                "signature with 400 handtekening-geweigerd, the violation naming the stable code.",
                "parameters": [
                    {
                        "name": "nlgov-adr-payload-sig",
                        "in": "header",
                        "required": False,
                        "description": "The JAdES payload signature over the body: a compact "
                        "JWS with a detached payload (header..signature), PS256, x5c (WD-OND-01 "
                        "to WD-OND-05).",
                        "schema": {
                            "type": "string",
                            "maxLength": 65536,
                            "pattern": "^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+$",
                        },
                    },
                    {
                        "name": "Digest",
                        "in": "header",
                        "required": False,
                        "description": "SHA-256 of the body (RFC 3230), covered by the signature.",
                        "schema": {
                            "type": "string",
                            "pattern": "^[Ss][Hh][Aa]-256=[A-Za-z0-9+/]{43}=$",
                        },
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/BerichtAanGemeente"}
                        },
                        **bericht_xml,
                        "text/xml": bericht_xml["application/xml"],
                    },
                },
                "responses": {
                    "200": _ok(
                        "A Statusverzoek answered (Statusbericht, or the last decision again)",
                        {**_json("Bericht"), **bericht_xml},
                    ),
                    "201": _ok(
                        "A Verwijzing accepted: the Ontvangstbevestiging",
                        {**_json("Ontvangstbevestiging"), **bericht_xml},
                    ),
                    "202": _ok("Another message accepted", _json("Ontvangst")),
                    **_problem(401, 403, 409, *_MET_INHOUD, 422),
                },
            }
        },
        "/postvak": {
            "get": {
                "operationId": "postvakOphalen",
                "tags": ["Schuldeiser"],
                "summary": "The municipality's messages to the calling creditor, oldest first",
                "description": "Poll with na = the last volgnummer seen; the answer is stable, so a "
                "creditor that stores its position never misses or doubles a message.",
                "parameters": [
                    {
                        "name": "na",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 0, "maximum": 2**62, "default": 0},
                    },
                    {
                        "name": "limiet",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
                    },
                ],
                "responses": {
                    "200": _ok("Messages after volgnummer na", _json("Postvak")),
                    **_problem(401, 403),
                },
            }
        },
        "/verwijzingen": {
            "get": {
                "operationId": "verwijzingenZoeken",
                "tags": ["Schuldeiser", "Gemeente"],
                "summary": "The referrals the caller may see",
                "description": "An operator sees the referrals of the municipalities it serves; a "
                "creditor its own referrals; least recently changed first. Paginated: page and "
                "pageSize, with the Link header (RFC 8288: self, first, last, prev, next) and "
                "X-Total-Count. A query parameter this operation does not know is refused (400), "
                "never ignored.",
                "parameters": [gemeentecode, *pagina],
                "responses": {
                    "200": _ok(
                        "One page of the referrals", _json("Verwijzingenlijst"), _LIJST_HEADERS
                    ),
                    **_problem(401, 403),
                },
            }
        },
        "/verwijzingen/{conversatieId}": {
            "get": {
                "operationId": "verwijzingOpvragen",
                "tags": ["Schuldeiser", "Gemeente"],
                "summary": "One referral: creditor-safe for a creditor, the full record for an operator",
                "description": "A creditor sees what it may know of its own referral (never the "
                "contact attempts or the content of help); an operator of the municipality the "
                "full record, and that viewing is logged as a processing of personal data. A "
                "referral the caller may not see is, to the caller, one that does not exist (404).",
                "parameters": [conv],
                "responses": {
                    "200": _ok(
                        "The referral",
                        {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Schuldeiserbeeld"},
                                        {"$ref": "#/components/schemas/Dossier"},
                                    ]
                                }
                            }
                        },
                    ),
                    **_problem(401, 403, 404),
                },
            }
        },
        "/verwijzingen/{conversatieId}/acties": {
            "post": {
                "operationId": "actieRegistreren",
                "tags": ["Gemeente"],
                "summary": "Record what the municipality did; produces the creditor's messages",
                "description": "One action of the municipality's operator on a referral (by "
                "soort). The lifecycle decides whether it is allowed now (409 if not); the "
                "messages it makes the creditor receive are in the answer and in the creditor's "
                "postvak. Dated actions may not lie after today (422).",
                "parameters": [conv],
                "requestBody": {"required": True, "content": _json("Actie")},
                "responses": {
                    "201": _ok("The action was recorded", _json("Actieresultaat")),
                    **_problem(401, 403, 404, 409, *_MET_INHOUD, 422),
                },
            }
        },
        "/termijnbewaking": {
            "get": {
                "operationId": "termijnbewaking",
                "tags": ["Gemeente"],
                "summary": "Overdue contact deadlines and ended incassostops, per municipality",
                "description": "For the operator: the referrals still waiting for contact after "
                "their contact deadline, and those whose incassostop has ended, of the "
                "municipalities it serves (or of the one named).",
                "parameters": [gemeentecode],
                "responses": {
                    "200": _ok("What is overdue now", _json("Termijnbewaking")),
                    **_problem(401, 403),
                },
            }
        },
        "/monitoring": {
            "get": {
                "operationId": "monitoringOpvragen",
                "tags": ["Monitoring"],
                "summary": "The monitoring indicators, suppressed below the threshold",
                "description": "An operator gets the figures of the municipalities it serves; "
                "NVVK those of every municipality (and no referral at all); a creditor is "
                "refused. No count, share or duration that rests on fewer referrals than the "
                "threshold (at least 5) is given, and no personal data or referral identifiers.",
                "parameters": [
                    {
                        "name": "periodesoort",
                        "in": "query",
                        "schema": {"$ref": _SCHEMAS + "Periodesoort", "default": "kwartaal"},
                    },
                    {
                        "name": "dimensie",
                        "in": "query",
                        "schema": {"$ref": _SCHEMAS + "Dimensie", "default": "totaal"},
                    },
                    {
                        "name": "van",
                        "in": "query",
                        "description": "The first day of a period of the periodesoort.",
                        "schema": {"type": "string", "format": "date"},
                    },
                    {
                        "name": "tot",
                        "in": "query",
                        "description": "The last day of a period of the periodesoort.",
                        "schema": {"type": "string", "format": "date"},
                    },
                ],
                "responses": {
                    "200": _ok("The published figures", _json("Monitoring")),
                    **_problem(400, 401, 403, 422),
                },
            }
        },
        "/testklok": {
            "get": {
                "operationId": "testklokLezen",
                "tags": ["Test"],
                "summary": "The test clock (development mode only)",
                "description": "For operators only. Absent (404) in production mode.",
                "responses": {
                    "200": _ok("The clock", _json("Testklok")),
                    **_problem(401, 403, 404),
                },
            },
            "put": {
                "operationId": "testklokZetten",
                "tags": ["Test"],
                "summary": "Move the test clock and fire due deadlines (development mode only)",
                "description": "For operators only; the clock moves forward, never back (409). "
                "Absent (404) in production mode.",
                "requestBody": {"required": True, "content": _json("Testklok")},
                "responses": {
                    "200": _ok("The clock", _json("Testklok")),
                    **_problem(401, 403, 404, 409, *_MET_INHOUD),
                },
            },
        },
    }


def _api_vormen() -> dict[str, tuple[Any, str]]:
    """The API's own bodies by component name: (type, what it is: read or written)."""
    from ..domain.acties import Actieverzoek
    from ..domain.monitoring import Monitoring
    from ..domain.weergaven import (
        Actieresultaat,
        Dossier,
        Ontvangst,
        Postvak,
        Schuldeiserbeeld,
        Termijnbewaking,
        Testklok,
        Verwijzingenlijst,
    )
    from .problems import Problem

    gelezen, geschreven = "validation", "serialization"
    return {
        "Problem": (Problem, geschreven),
        "Ontvangst": (Ontvangst, geschreven),
        "Postvak": (Postvak, geschreven),
        "Verwijzingenlijst": (Verwijzingenlijst, geschreven),
        "Schuldeiserbeeld": (Schuldeiserbeeld, geschreven),
        "Dossier": (Dossier, geschreven),
        "Actie": (Actieverzoek, gelezen),
        "Actieresultaat": (Actieresultaat, geschreven),
        "Termijnbewaking": (Termijnbewaking, geschreven),
        "Testklok": (Testklok, gelezen),
        "Monitoring": (Monitoring, geschreven),
    }


def _components(berichtschemas: dict[str, Any]) -> dict[str, Any]:
    from warm_referral.schemas import component_schemas

    api = _naar_components(component_schemas(_api_vormen(), _SCHEMAS, bestaand=berichtschemas))
    schemas: dict[str, Any] = {
        **berichtschemas,
        "BerichtAanGemeente": _bericht_aan_gemeente(),
        **api,
    }
    responses = {
        f"Probleem{s}": {
            "description": f"{_BETEKENIS[s]} (problem details)",
            "headers": _HEADERS,
            "content": {"application/problem+json": {"schema": {"$ref": _SCHEMAS + "Problem"}}},
        }
        for s in _PROBLEEMSTATUSSEN
    }
    return {
        "schemas": schemas,
        "responses": responses,
        "headers": {
            "API-Version": {
                "description": "The API version (NL API Design Rules)",
                "schema": {"type": "string", "example": API_VERSIE},
            },
            "Link": {
                "description": "RFC 8288 links to the pages of the list (relative references): "
                "self, first, last, and prev and next where they exist.",
                "schema": {"type": "string"},
            },
            "X-Total-Count": {
                "description": "The number of items on all pages together.",
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            },
        },
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "Development mode: a token from the configuration.",
            },
            "mtls": {
                "type": "mutualTLS",
                "description": "Production mode (Digikoppeling): a PKIoverheid client "
                "certificate whose subject serialNumber is the caller's OIN.",
            },
        },
    }


def _bericht_aan_gemeente() -> dict[str, Any]:
    """The messages a creditor sends (the others are refused with 422): what POST /berichten takes."""
    from warm_referral.models import BERICHTTYPES, Richting

    namen = [n for n, cls in BERICHTTYPES.items() if cls.richting is not Richting.NAAR_SCHULDEISER]
    return {
        "description": "A message a creditor sends to the municipality.",
        "oneOf": [{"$ref": f"#/components/schemas/{n}"} for n in namen],
        "discriminator": {"propertyName": "berichttype"},
    }


def _naar_components(node: Any) -> Any:
    """Point every $ref (into the published schema files, or already a component) at
    #/components/schemas/; ``bericht.json`` (any message) is the component ``Bericht``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                file_name, _, fragment = value.partition("#")
                name = (
                    fragment.rsplit("/", 1)[-1]
                    if fragment
                    else file_name.rsplit("/", 1)[-1].removesuffix(".json")
                )
                out[key] = _SCHEMAS + ("Bericht" if name == "bericht" else name)
            else:
                out[key] = _naar_components(value)
        return out
    if isinstance(node, list):
        return [_naar_components(v) for v in node]
    return node


@cache
def openapi_json() -> bytes:
    """The document as the server publishes it (built once)."""
    return json.dumps(openapi_document(), ensure_ascii=False).encode()


@cache
def openapi_document() -> dict[str, Any]:
    from warm_referral.schemas import build_schemas

    published = build_schemas()
    components: dict[str, Any] = {}
    for file_name, schema in published.items():
        if file_name == "gedeeld.json":
            for name, definition in schema["$defs"].items():
                components[name] = definition
        elif file_name == "bericht.json":
            components["Bericht"] = {
                "oneOf": schema["oneOf"],
                "discriminator": {"propertyName": "berichttype"},
            }
        else:
            body = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
            components[file_name.removesuffix(".json")] = body
    components = _naar_components(components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Warme doorverwijzing: ontvanger (referentie-implementatie)",
            "version": API_VERSIE,
            "description": "The municipality's service of the warm referral protocol, specVersie "
            f"{SPEC_VERSIE}. Follows the NL API Design Rules: Dutch resource names, problem "
            "details for every error, API-Version on every response, no personal data in URLs, "
            "date-times in UTC.",
            "contact": {
                "name": "NVVK, beheer van de standaard warme doorverwijzing",
                "url": "https://github.com/nvvk/warm-referral/issues",
            },
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": "/v1"}],
        "tags": [
            {"name": "Algemeen", "description": "About the API itself."},
            {"name": "Schuldeiser", "description": "What a creditor (the verwijzer) calls."},
            {"name": "Gemeente", "description": "What the municipality's operator calls."},
            {
                "name": "Monitoring",
                "description": "Aggregate figures for operators and NVVK, suppressed below the "
                "threshold.",
            },
            {
                "name": "Test",
                "description": "The test interface (development mode only, operators only).",
            },
        ],
        "security": [{"bearer": []}, {"mtls": []}],
        "paths": _paths(),
        "components": _components(components),
    }
