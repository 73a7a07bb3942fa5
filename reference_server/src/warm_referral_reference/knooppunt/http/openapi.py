"""The knooppunt's OpenAPI 3.1 document (the REST binding of the intermediary profile), built
from code like the receiver's: paths here, every schema generated from the models the knooppunt
reads and writes. ``tools/generate.py`` writes it to ``spec/v1/knooppunt/openapi.yaml``; the server
publishes it as ``/v1/openapi.json``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from warm_referral._version import SPEC_VERSIE

from ...receiver.http.openapi import API_VERSIE

__all__ = ["openapi_document", "openapi_json"]

_SCHEMAS = "#/components/schemas/"
_HEADERS = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
_BETEKENIS = {
    400: "Invalid input: not an envelope of the profile, an unknown query parameter, a malformed "
    "berichtId (envelop-ongeldig, ongeldige-invoer)",
    401: "No or an unknown credential",
    403: "The caller may not do this: an envelope whose afzender is not the caller "
    "(verkeerde-afzender), or an unknown participant",
    404: "No such envelope in the caller's mailbox (another's mailbox does not exist for it)",
    405: "The path has no such method",
    409: "Another envelope was delivered under this berichtId (bericht-id-hergebruikt)",
    413: "The body is larger than an envelope can be",
    415: "The Content-Type is not application/json",
    422: "The envelope's ontvanger has no mailbox here (onbekende-ontvanger)",
    500: "An internal error; nothing was stored",
}
_ALTIJD = (400, 401, 405, 500)


def _json(naam: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": _SCHEMAS + naam}}}


def _problem(*statuses: int) -> dict[str, Any]:
    return {
        str(s): {"$ref": f"#/components/responses/Probleem{s}"}
        for s in sorted({*statuses, *_ALTIJD})
    }


def _bericht_id() -> dict[str, Any]:
    return {
        "name": "berichtId",
        "in": "path",
        "required": True,
        "description": "The berichtId of the envelope (and of the message sealed in it).",
        "schema": {"type": "string", "format": "uuid"},
    }


def _paths() -> dict[str, Any]:
    return {
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "tags": ["Algemeen"],
                "summary": "This document",
                "description": "The OpenAPI document of this binding, readable without a "
                "client certificate or token (NL API Design Rules /core/publish-openapi).",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document",
                        "headers": _HEADERS,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_problem(),
                },
            }
        },
        "/enveloppen": {
            "post": {
                "operationId": "afleveren",
                "tags": ["Postbus"],
                "summary": "Deliver an envelope to its recipient's mailbox (WD-KNP-01, WD-KNP-02)",
                "description": "The afzender of the envelope must be the caller. The same "
                "envelope delivered again is answered as the first time (200), also after it was "
                "confirmed or expired; another envelope under the same berichtId is 409.",
                "requestBody": {"required": True, "content": _json("Envelop")},
                "responses": {
                    "201": {
                        "description": "Stored in the recipient's mailbox",
                        "headers": _HEADERS,
                        "content": _json("Afleverbewijs"),
                    },
                    "200": {
                        "description": "Delivered before: the same receipt",
                        "headers": _HEADERS,
                        "content": _json("Afleverbewijs"),
                    },
                    **_problem(403, 409, 413, 415, 422),
                },
            }
        },
        "/postbus": {
            "get": {
                "operationId": "postbus",
                "tags": ["Postbus"],
                "summary": "The envelopes waiting in the caller's mailbox, oldest first "
                "(WD-KNP-03)",
                "description": "Only the outer envelope's routing fields (type, sender, "
                "recipient, message and conversation id) and the delivery time: the content is "
                "fetched one envelope at a time.",
                "parameters": [
                    {
                        "name": "limiet",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The waiting envelopes, without their content",
                        "headers": _HEADERS,
                        "content": _json("Postbus"),
                    },
                    **_problem(403),
                },
            }
        },
        "/postbus/{berichtId}": {
            "parameters": [_bericht_id()],
            "get": {
                "operationId": "ophalen",
                "tags": ["Postbus"],
                "summary": "Fetch an envelope from the caller's mailbox, as delivered (WD-KNP-03)",
                "description": "The envelope byte for byte as the sender delivered it; it stays "
                "in the mailbox until it is confirmed or expires, so a failed fetch can be "
                "repeated.",
                "responses": {
                    "200": {
                        "description": "The envelope",
                        "headers": _HEADERS,
                        "content": _json("Envelop"),
                    },
                    **_problem(403, 404),
                },
            },
            "delete": {
                "operationId": "bevestigen",
                "tags": ["Postbus"],
                "summary": "Confirm an envelope: it leaves the mailbox (WD-KNP-04)",
                "description": "Confirming again is no error (204).",
                "responses": {
                    "204": {"description": "Confirmed", "headers": _HEADERS},
                    **_problem(403, 404),
                },
            },
        },
        "/testklok": {
            "get": {
                "operationId": "testklokLezen",
                "tags": ["Test"],
                "summary": "The test clock (development mode only)",
                "description": "The knooppunt's current time; 404 in production mode.",
                "responses": {
                    "200": {
                        "description": "The clock",
                        "headers": _HEADERS,
                        "content": _json("Testklok"),
                    },
                    **_problem(404),
                },
            },
            "put": {
                "operationId": "testklokZetten",
                "tags": ["Test"],
                "summary": "Move the test clock forward; what is then due expires (WD-KNP-05)",
                "description": "The clock never goes back (409). Development mode only.",
                "requestBody": {"required": True, "content": _json("Testklok")},
                "responses": {
                    "200": {
                        "description": "The clock",
                        "headers": _HEADERS,
                        "content": _json("Testklok"),
                    },
                    **_problem(404, 409, 413, 415),
                },
            },
        },
    }


def _components() -> dict[str, Any]:
    from warm_referral.knooppunt.envelop import Envelop
    from warm_referral.schemas import component_schemas

    from ...receiver.domain.weergaven import Testklok
    from ...receiver.http.problems import Problem
    from ..modellen import Afleverbewijs, Postbus

    schemas = component_schemas(
        {
            "Envelop": (Envelop, "validation"),
            "Afleverbewijs": (Afleverbewijs, "serialization"),
            "Postbus": (Postbus, "serialization"),
            "Testklok": (Testklok, "validation"),
            "Problem": (Problem, "serialization"),
        },
        _SCHEMAS,
    )
    return {
        "schemas": dict(sorted(schemas.items())),
        "responses": {
            f"Probleem{s}": {
                "description": f"{uitleg} (problem details)",
                "headers": _HEADERS,
                "content": {"application/problem+json": {"schema": {"$ref": _SCHEMAS + "Problem"}}},
            }
            for s, uitleg in _BETEKENIS.items()
        },
        "headers": {
            "API-Version": {
                "description": "The API version (NL API Design Rules)",
                "schema": {"type": "string", "example": API_VERSIE},
            }
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


@cache
def openapi_json() -> bytes:
    return json.dumps(openapi_document(), ensure_ascii=False).encode()


@cache
def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Warme doorverwijzing: knooppunt (referentie-implementatie)",
            "version": API_VERSIE,
            "description": "The REST binding of the intermediary profile (docs/knooppunt.md), "
            f"specVersie {SPEC_VERSIE}: a store-and-forward router with a mailbox per "
            "participant. It carries sealed envelopes (spec/v1/knooppunt/envelop.schema.json) "
            "and sees only their outside: berichttype, specVersie, berichtId, conversatieId, "
            "afzender and ontvanger. The SOAP binding of the same operations is "
            "spec/v1/knooppunt/knooppunt.wsdl.",
            "contact": {
                "name": "NVVK, beheer van de standaard warme doorverwijzing",
                "url": "https://github.com/nvvk/warm-referral/issues",
            },
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": "/v1"}],
        "tags": [
            {"name": "Algemeen", "description": "About the API itself."},
            {"name": "Postbus", "description": "Deliver, list, fetch and confirm envelopes."},
            {"name": "Test", "description": "The test interface (development mode only)."},
        ],
        "security": [{"bearer": []}, {"mtls": []}],
        "paths": _paths(),
        "components": _components(),
    }
