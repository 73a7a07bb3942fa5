"""The receiver's OpenAPI 3.1 document, built from code so it cannot drift from the library.

Paths are written here; the message schemas come from :func:`warm_referral.schemas.build_schemas`.
``tools/generate.py`` writes the result to ``spec/v1/openapi.yaml`` (a test fails on drift); the
server publishes the same document as ``/v1/openapi.json``.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from warm_referral._version import SPEC_VERSIE

__all__ = ["API_VERSIE", "openapi_document"]

#: The API's own version (semantic); the major version is the ``/v1`` in the path.
API_VERSIE = "1.0.0"

_ACTIES: dict[str, dict[str, Any]] = {
    "Oppakken": {
        "required": ["soort", "datum"],
        "properties": {
            "datum": {"$ref": "#/components/schemas/Datum"},
            "adviesIncassostop": {"$ref": "#/components/schemas/Advies"},
        },
    },
    "NietOppakken": {
        "required": ["soort", "datum", "reden"],
        "properties": {
            "datum": {"$ref": "#/components/schemas/Datum"},
            "reden": {"$ref": "#/components/schemas/NietOpgepaktReden"},
            "toelichting": {"type": "string", "minLength": 1, "maxLength": 1000},
        },
    },
    "Contactpoging": {
        "required": ["soort", "datum", "contactsoort", "dagdeel", "bereikt"],
        "properties": {
            "datum": {"$ref": "#/components/schemas/Datum"},
            "contactsoort": {"$ref": "#/components/schemas/Contactsoort"},
            "dagdeel": {"$ref": "#/components/schemas/Dagdeel"},
            "bereikt": {"type": "boolean"},
        },
    },
    "ContactGestaakt": {
        "required": ["soort", "datum"],
        "properties": {"datum": {"$ref": "#/components/schemas/Datum"}},
    },
    "HulpAangeboden": {
        "required": ["soort", "datum"],
        "properties": {
            "datum": {"$ref": "#/components/schemas/Datum"},
            "omschrijving": {"type": "string", "minLength": 1, "maxLength": 1000},
            "adviesIncassostop": {"$ref": "#/components/schemas/Advies"},
        },
    },
    "Hulpbesluit": {
        "required": ["soort", "datum", "aanvaard"],
        "properties": {
            "datum": {"$ref": "#/components/schemas/Datum"},
            "aanvaard": {"type": "boolean"},
            "adviesIncassostop": {"$ref": "#/components/schemas/Advies"},
        },
    },
    "Afsluiting": {
        "required": ["soort", "datum", "eindresultaat"],
        "properties": {
            "datum": {"$ref": "#/components/schemas/Datum"},
            "eindresultaat": {"$ref": "#/components/schemas/DdasEindresultaat"},
            "adviesIncassostop": {"$ref": "#/components/schemas/Advies"},
            "toelichting": {"type": "string", "minLength": 1, "maxLength": 1000},
        },
    },
    "Doorzending": {
        "required": ["soort", "datum", "nieuweGemeente"],
        "properties": {
            "datum": {"$ref": "#/components/schemas/Datum"},
            "nieuweGemeente": {"$ref": "#/components/schemas/Partij"},
        },
    },
}


def _actie_schemas() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for naam, body in _ACTIES.items():
        schema = copy.deepcopy(body)
        schema["properties"] = {"soort": {"const": naam}, **schema["properties"]}
        out[f"Actie{naam}"] = {"type": "object", "additionalProperties": False, **schema}
    return out


def _json(schema_ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}


def _problem(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/Probleem{s}"} for s in statuses}


_HEADERS = {
    "API-Version": {"$ref": "#/components/headers/API-Version"},
}


def _ok(description: str, content: dict[str, Any] | None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "headers": _HEADERS}
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
        "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
    }
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
                "security": [],
                "tags": ["Algemeen"],
                "responses": {
                    "200": _ok(
                        "The OpenAPI document", {"application/json": {"schema": {"type": "object"}}}
                    )
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
                "the message is durably stored.",
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
                    **_problem(400, 401, 403, 409, 413, 415, 422),
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
                    **_problem(400, 401, 403),
                },
            }
        },
        "/verwijzingen": {
            "get": {
                "operationId": "verwijzingenZoeken",
                "tags": ["Schuldeiser", "Gemeente"],
                "summary": "The referrals the caller may see",
                "description": "An operator sees the referrals of the municipalities it serves; a "
                "creditor its own referrals.",
                "parameters": [gemeentecode],
                "responses": {
                    "200": _ok("The referrals", _json("Verwijzingenlijst")),
                    **_problem(400, 401, 403),
                },
            }
        },
        "/verwijzingen/{conversatieId}": {
            "get": {
                "operationId": "verwijzingOpvragen",
                "tags": ["Schuldeiser", "Gemeente"],
                "summary": "One referral: creditor-safe for a creditor, the full record for an operator",
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
                    **_problem(400, 401, 403, 404),
                },
            }
        },
        "/verwijzingen/{conversatieId}/acties": {
            "post": {
                "operationId": "actieRegistreren",
                "tags": ["Gemeente"],
                "summary": "Record what the municipality did; produces the creditor's messages",
                "parameters": [conv],
                "requestBody": {"required": True, "content": _json("Actie")},
                "responses": {
                    "201": _ok("The action was recorded", _json("Actieresultaat")),
                    **_problem(400, 401, 403, 404, 409, 413, 415, 422),
                },
            }
        },
        "/termijnbewaking": {
            "get": {
                "operationId": "termijnbewaking",
                "tags": ["Gemeente"],
                "summary": "Overdue contact deadlines and ended incassostops, per municipality",
                "parameters": [gemeentecode],
                "responses": {
                    "200": _ok("What is overdue now", _json("Termijnbewaking")),
                    **_problem(400, 401, 403),
                },
            }
        },
        "/testklok": {
            "get": {
                "operationId": "testklokLezen",
                "tags": ["Test"],
                "summary": "The test clock (development mode only)",
                "responses": {
                    "200": _ok("The clock", _json("Testklok")),
                    **_problem(401, 403, 404),
                },
            },
            "put": {
                "operationId": "testklokZetten",
                "tags": ["Test"],
                "summary": "Move the test clock and fire due deadlines (development mode only)",
                "requestBody": {"required": True, "content": _json("Testklok")},
                "responses": {
                    "200": _ok("The clock", _json("Testklok")),
                    **_problem(400, 401, 403, 404, 409, 413, 415),
                },
            },
        },
    }


def _components(berichtschemas: dict[str, Any]) -> dict[str, Any]:
    index_item = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "conversatieId",
            "verwijzingId",
            "gemeentecode",
            "toestand",
            "incassostopEinde",
            "afgerond",
        ],
        "properties": {
            "conversatieId": {"type": "string", "format": "uuid"},
            "verwijzingId": {"type": "string"},
            "gemeentecode": {"type": "string"},
            "toestand": {"type": "string"},
            "contactdeadline": {"type": "string", "format": "date-time"},
            "incassostopEinde": {"type": "string", "format": "date-time"},
            "afgerond": {"type": "boolean"},
        },
    }
    problem = {
        "type": "object",
        "required": ["type", "title", "status", "detail", "fouten"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "fouten": {"type": "array", "items": {"$ref": "#/components/schemas/Fout"}},
        },
    }
    schemas: dict[str, Any] = {
        **berichtschemas,
        "Datum": {"type": "string", "format": "date"},
        "BerichtAanGemeente": _bericht_aan_gemeente(),
        "Problem": problem,
        "Ontvangst": {
            "type": "object",
            "additionalProperties": False,
            "required": ["berichtId", "berichttype", "ontvangenOp"],
            "properties": {
                "berichtId": {"type": "string", "format": "uuid"},
                "berichttype": {"type": "string"},
                "ontvangenOp": {"type": "string", "format": "date-time"},
            },
        },
        "Postvak": {
            "type": "object",
            "additionalProperties": False,
            "required": ["berichten", "laatsteVolgnummer"],
            "properties": {
                "berichten": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["volgnummer", "bericht"],
                        "properties": {
                            "volgnummer": {"type": "integer"},
                            "bericht": {"$ref": "#/components/schemas/Bericht"},
                        },
                    },
                },
                "laatsteVolgnummer": {"type": "integer"},
            },
        },
        "Verwijzingsindex": index_item,
        "Verwijzingenlijst": {
            "type": "object",
            "additionalProperties": False,
            "required": ["verwijzingen"],
            "properties": {
                "verwijzingen": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Verwijzingsindex"},
                }
            },
        },
        "Schuldeiserbeeld": {
            "type": "object",
            "description": "What a creditor may see: "
            "never contact attempts, the content of help, or the reason behind "
            "'andere reden'. Closed, so that it is told apart from a Dossier.",
            "additionalProperties": False,
            "required": ["conversatieId", "verwijzingId", "toestand", "statusterugmelding"],
            "properties": {
                "conversatieId": {"type": "string", "format": "uuid"},
                "verwijzingId": {"type": "string"},
                "toestand": {"type": "string", "enum": _schuldeiserstatussen()},
                "sinds": {"$ref": "#/components/schemas/Datum"},
                "ontvangenOp": {"type": "string", "format": "date-time"},
                "contactdeadline": {"type": "string", "format": "date-time"},
                "incassostop": {"$ref": "#/components/schemas/Periode"},
                "nietOpgepaktReden": {"$ref": "#/components/schemas/NietOpgepaktReden"},
                "nieuweGemeente": {"$ref": "#/components/schemas/Partij"},
                "eindresultaat": {"$ref": "#/components/schemas/Eindresultaat"},
                "adviesIncassostop": {"$ref": "#/components/schemas/Advies"},
                "statusterugmelding": {"type": "boolean"},
            },
        },
        "Dossier": {
            "type": "object",
            "description": "The municipality's full record.",
            "required": ["conversatieId", "toestand", "verwijzing"],
            "properties": {
                "conversatieId": {"type": "string", "format": "uuid"},
                "toestand": {"type": "string"},
                "verwijzing": {"$ref": "#/components/schemas/Verwijzing"},
            },
        },
        "Actie": {
            "oneOf": [{"$ref": f"#/components/schemas/Actie{n}"} for n in _ACTIES],
            "discriminator": {
                "propertyName": "soort",
                "mapping": {n: f"#/components/schemas/Actie{n}" for n in _ACTIES},
            },
        },
        **_actie_schemas(),
        "Actieresultaat": {
            "type": "object",
            "additionalProperties": False,
            "required": ["toestand", "berichten"],
            "properties": {
                "toestand": {"type": "string"},
                "berichten": {"type": "array", "items": {"$ref": "#/components/schemas/Bericht"}},
            },
        },
        "Termijnbewaking": {
            "type": "object",
            "additionalProperties": False,
            "required": ["nu", "contactTeLaat", "incassostopVoorbij"],
            "properties": {
                "nu": {"type": "string", "format": "date-time"},
                "contactTeLaat": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Verwijzingsindex"},
                },
                "incassostopVoorbij": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Verwijzingsindex"},
                },
            },
        },
        "Testklok": {
            "type": "object",
            "additionalProperties": False,
            "required": ["nu"],
            "properties": {
                "nu": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^20[0-9]{2}-",
                    "description": "The test clock runs in the years 2000 to 2099.",
                }
            },
        },
        "DdasEindresultaat": {
            "type": "string",
            "description": "DDAS v1.2 EnumEindresultaat",
            "enum": _ddas_eindresultaten(),
        },
    }
    responses = {
        f"Probleem{s}": {
            "description": f"Problem details ({s})",
            "headers": _HEADERS,
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for s in (400, 401, 403, 404, 405, 409, 413, 415, 422)
    }
    return {
        "schemas": schemas,
        "responses": responses,
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


def _bericht_aan_gemeente() -> dict[str, Any]:
    """The messages a creditor sends (the others are refused with 422): what POST /berichten takes."""
    from warm_referral.models import BERICHTTYPES, Richting

    namen = [n for n, cls in BERICHTTYPES.items() if cls.richting is not Richting.NAAR_SCHULDEISER]
    return {
        "description": "A message a creditor sends to the municipality.",
        "oneOf": [{"$ref": f"#/components/schemas/{n}"} for n in namen],
        "discriminator": {"propertyName": "berichttype"},
    }


def _schuldeiserstatussen() -> list[str]:
    from warm_referral.lifecycle.feedback import Schuldeiserstatus

    return [s.value for s in Schuldeiserstatus]


def _ddas_eindresultaten() -> list[str]:
    from warm_referral.lifecycle.ddas import DdasEindresultaat

    return [e.value for e in DdasEindresultaat]


def _naar_components(node: Any, bestanden: list[str]) -> Any:
    """Point every $ref of the published schemas at #/components/schemas/."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                file_name, _, fragment = value.partition("#")
                name = fragment.rsplit("/", 1)[-1] if fragment else file_name.removesuffix(".json")
                out[key] = f"#/components/schemas/{name}"
            else:
                out[key] = _naar_components(value, bestanden)
        return out
    if isinstance(node, list):
        return [_naar_components(v, bestanden) for v in node]
    return node


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
    components = _naar_components(components, [f for f in published if f.endswith(".json")])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Warme doorverwijzing: ontvanger (referentie-implementatie)",
            "version": API_VERSIE,
            "description": "The municipality's service of the warm referral protocol, specVersie "
            f"{SPEC_VERSIE}. Follows the NL API Design Rules: Dutch resource names, problem "
            "details for every error, API-Version on every response, no personal data in URLs, "
            "date-times in UTC.",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": "/v1"}],
        "security": [{"bearer": []}, {"mtls": []}],
        "paths": _paths(),
        "components": _components(components),
    }
