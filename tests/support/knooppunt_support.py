"""Sealed envelopes and a running reference knooppunt, for the knooppunt's tests.

The keys are the spec's published test material: the bailiff's signing certificate and the
Walcheren debt-help organisation's encryption key (spec/v1/ondertekening/pki, spec/v1/knooppunt).
The bailiff's own encryption key (for answers sealed back to it) is made here, once.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from openapi_core import Config, OpenAPI
from paths import EXAMPLES, SPEC
from starlette.testclient import TestClient
from warm_referral_reference.knooppunt.server import build_knooppunt
from warm_referral_reference.receiver.config import Instellingen

from warm_referral.knooppunt import SCHULDENKNOOPPUNT, Envelop, laad_ontsleutelsleutels, verzegel
from warm_referral.ondertekening import (
    Certificaatsleutel,
    Vertrouwensankers,
    laad_certificaatsleutel,
    laad_vertrouwensankers,
)

PKI = SPEC / "ondertekening" / "pki"
#: The bailiff's message (a referral on consent) and the time its certificates are valid at.
VERWIJZING = EXAMPLES / "verwijzing-gerechtsdeurwaarder-toestemming.json"
NU = datetime(2027, 1, 5, 9, 0, 30, tzinfo=timezone.utc)
DEURWAARDER = "00000003340123450000"
WALCHEREN = "00000001001234567000"
WALCHEREN_KID = "walcheren-enc-2026"
#: Development tokens of the reference participants (warm_referral_reference.deelnemers).
TOKEN = {DEURWAARDER: "dev-deurwaarder", WALCHEREN: "dev-operator", "evides": "dev-evides"}


def auth(oin: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN[oin]}"}


@cache
def deurwaarder_ondertekenaar() -> Certificaatsleutel:
    return laad_certificaatsleutel(
        PKI / "gerechtsdeurwaarder-ondertekening.sleutel.pem",
        PKI / "gerechtsdeurwaarder-ondertekening.keten.pem",
    )


@cache
def walcheren_ondertekenaar() -> Certificaatsleutel:
    return laad_certificaatsleutel(
        PKI / "walcheren-ondertekening.sleutel.pem", PKI / "walcheren-ondertekening.keten.pem"
    )


@cache
def ankers() -> Vertrouwensankers:
    return laad_vertrouwensankers(PKI / "stam-ca.pem")


@cache
def walcheren_sleutels() -> dict[str, Any]:
    return laad_ontsleutelsleutels(SPEC / "knooppunt" / "walcheren-testsleutel.prive.jwk.json")


def walcheren_publiek() -> dict[str, Any]:
    sleutel = walcheren_sleutels()[WALCHEREN_KID]
    return {**sleutel.as_dict(private=False), "kid": WALCHEREN_KID, "use": "enc"}


def verwijzing(bericht_id: str | None = None) -> bytes:
    """The bailiff's referral, under a fresh berichtId and conversatieId unless given."""
    data = json.loads(VERWIJZING.read_bytes())
    data["berichtId"] = bericht_id or str(uuid.uuid4())
    data["conversatieId"] = str(uuid.uuid4())
    return json.dumps(data, ensure_ascii=False).encode()


def verzegelde_verwijzing(bericht_id: str | None = None) -> tuple[bytes, Envelop]:
    """A referral and its envelope: signed by the bailiff, sealed to Walcheren's key."""
    bericht = verwijzing(bericht_id)
    return bericht, verzegel(bericht, walcheren_publiek(), deurwaarder_ondertekenaar(), NU)


@cache
def _openapi() -> OpenAPI:
    from receiver_support import PROBLEM_JSON, _json, _SecurityProviders
    from warm_referral_reference.knooppunt.http.openapi import openapi_document

    config = Config(
        security_provider_factory=_SecurityProviders(),
        extra_media_type_deserializers={PROBLEM_JSON: _json},
    )
    return OpenAPI.from_dict(copy.deepcopy(openapi_document()), config=config)


def check_exchange(response: httpx.Response) -> None:
    """The pair as the knooppunt's OpenAPI document describes it, and the design rules the
    document cannot say (the receiver's checks: headers, problem details, UTC date-times)."""
    from receiver_support import (
        ContractViolation,
        _body,
        _headers,
        _OpenAPIRequest,
        _OpenAPIResponse,
    )

    response.read()
    request = response.request
    waar = f"{request.method} {request.url.path} -> {response.status_code}"
    if not request.url.path.startswith("/v1/"):
        return  # the SOAP binding: its contract is the WSDL
    for controle in (_headers, _body):
        waarom = controle(response)
        if waarom:
            raise ContractViolation(f"{waar}: {waarom}\n{response.text[:1000]}")
    try:
        _openapi().validate_response(_OpenAPIRequest(request), _OpenAPIResponse(response))
    except Exception as exc:
        oorzaken = "; ".join(str(c)[:300] for c in getattr(exc, "schema_errors", ()))
        raise ContractViolation(f"{waar}: breaks the OpenAPI document: {exc} {oorzaken}") from None


@contextmanager
def running_knooppunt(db: Path) -> Iterator[TestClient]:
    """The reference knooppunt in development mode (the reference participants, the test clock
    on), its clock set to :data:`NU`; every exchange is checked against its OpenAPI document."""
    app = build_knooppunt(Instellingen(), db, SCHULDENKNOOPPUNT)
    with TestClient(app) as client:
        client.event_hooks = {"request": [], "response": [check_exchange]}
        antwoord = client.put(
            "/v1/testklok", json={"nu": "2027-01-05T09:00:30Z"}, headers=auth(WALCHEREN)
        )
        assert antwoord.status_code == 200, antwoord.text
        yield client
