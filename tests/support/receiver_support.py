"""Shared support for the reference receiver's tests (issue 6).

- :func:`running_receiver`: a fresh receiver (``build_receiver(Instellingen(), database)``) with its
  lifespan running, behind an :class:`Api` client; the database a SQLite file or a PostgreSQL URL
  (the ``receiver_db`` fixture of ``tests/reference/conftest.py`` gives one of each);
- :func:`db_rows` / :func:`db_execute`: SQL on the receiver's database through a connection of
  our own, on either backend;
- :class:`Api` / :class:`AsyncApi`: thin clients that check EVERY request/response pair against the
  published OpenAPI document with openapi-core, plus the NL API Design Rules that a document cannot
  express (``API-Version`` and ``Cache-Control: no-store`` on every response, problem details for
  every error, date-times in UTC with ``Z``). A response the document does not allow fails the test;
  so does a 2xx answer to a request the document says is invalid (the server and the document
  would then disagree about what is accepted).
- example messages of the spec, with fresh identifiers when a test needs more than one referral.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.security.exceptions import SecurityProviderError
from openapi_core.security.factories import SecurityProviderFactory
from openapi_core.security.providers import BaseProvider
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from paths import EXAMPLES
from starlette.applications import Starlette
from starlette.testclient import TestClient
from warm_referral_reference.receiver.config import Instellingen
from warm_referral_reference.receiver.http.openapi import API_VERSIE, openapi_document
from warm_referral_reference.receiver.server import build_receiver
from werkzeug.datastructures import Headers, ImmutableMultiDict

BASE_URL = "http://testserver"


def dev_register_met(wijziging: Any) -> Any:
    """The development participants register, changed by ``wijziging`` (a function that edits the
    JSON document in place), read and validated as the receiver reads a register file."""
    from warm_referral_reference.deelnemers import DEV_REGISTER

    from warm_referral.afsprakenstelsel import lees_deelnemersregister

    pad = Path(__file__).resolve().parents[2] / (
        "reference_server/src/warm_referral_reference/data/" + DEV_REGISTER
    )
    document = json.loads(pad.read_text(encoding="utf-8"))
    wijziging(document)
    return lees_deelnemersregister(json.dumps(document).encode(), bron="test")


# Bearer tokens of the development participants (deelnemers.DEV_TOKENS).
EVIDES = "dev-evides"
WOONGOED = "dev-woongoed"
ZORG = "dev-zorg"
BANK = "dev-bank"
DEURWAARDER = "dev-deurwaarder"
OPERATOR = "dev-operator"  # serves gemeentecodes 0718 (Vlissingen) and 0687

#: The Evides example (to Vlissingen) is referred at 2026-04-01T08:30:00Z; a test clock a few
#: seconds later lets it be received as it is.
EVIDES_VERWIJZING = "verwijzing-water-afsluitregeling"
EVIDES_KLOK = "2026-04-01T08:30:04Z"

PROBLEM_JSON = "application/problem+json"
_DATE_TIME_START = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:")
_UTC_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- the spec's examples -----------------------------------------------------------------------


def example(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def example_bytes(name: str, suffix: str = "json") -> bytes:
    return (EXAMPLES / f"{name}.{suffix}").read_bytes()


def fresh(message: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy with a new berichtId, conversatieId and verwijzingId (a new referral), then changes."""
    out = copy.deepcopy(message)
    out["berichtId"] = str(uuid.uuid4())
    out["conversatieId"] = str(uuid.uuid4())
    if "verwijzingId" in out:
        out["verwijzingId"] = f"T-{uuid.uuid4().hex[:12]}"
    out.update(changes)
    return out


def encode(message: Mapping[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode()


# --- OpenAPI validation ------------------------------------------------------------------------


class _NoClientCertificate(BaseProvider):
    """``mutualTLS`` (production mode): these tests never present a client certificate, so the
    requirement is never met and bearer must be. openapi-core 0.23 has no provider for this type."""

    def __call__(self, parameters: RequestParameters) -> Any:
        raise SecurityProviderError("no client certificate (development mode)")


class _SecurityProviders(SecurityProviderFactory):
    PROVIDERS = {**SecurityProviderFactory.PROVIDERS, "mutualTLS": _NoClientCertificate}  # noqa: RUF012


def _json(data: bytes, **_parameters: str) -> Any:
    return json.loads(data)


def _xml_as_text(data: bytes, **_parameters: str) -> str:
    # openapi-core turns application/xml into an ElementTree; the document describes the body as
    # a string (the XML text, whose own schema is the XSD), so hand it the text.
    return data.decode("utf-8")


@cache
def openapi() -> OpenAPI:
    config = Config(
        security_provider_factory=_SecurityProviders(),
        extra_media_type_deserializers={
            # openapi-core reads application/json but not the +json suffix of RFC 9457.
            PROBLEM_JSON: _json,
            "application/xml": _xml_as_text,
            "text/xml": _xml_as_text,
        },
    )
    return OpenAPI.from_dict(copy.deepcopy(openapi_document()), config=config)


class _OpenAPIRequest:
    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        url = request.url
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(url.params.multi_items())),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )
        self.host_url = f"{url.scheme}://{url.netloc.decode('ascii')}"
        self.path = url.path
        self.method = request.method.lower()
        self.content_type = request.headers.get("content-type", "").lower()

    @property
    def body(self) -> bytes | None:
        # A streamed request body (a generator) cannot be read again; it is then not checked.
        try:
            return self._request.content or None
        except httpx.RequestNotRead:
            return None


class _OpenAPIResponse:
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "").lower()
        self.headers = Headers(list(response.headers.items()))
        self.data = response.content


class ContractViolation(AssertionError):
    """The server's answer breaks the OpenAPI document or the NL API Design Rules."""


def request_errors(request: httpx.Request) -> list[str]:
    """Why the OpenAPI document rejects this request (empty: it accepts it)."""
    try:
        openapi().validate_request(_OpenAPIRequest(request))
    except (PathNotFound, OperationNotFound) as exc:
        return [f"{type(exc).__name__}: {exc}"]
    except Exception as exc:
        causes = [str(c) for c in getattr(exc, "schema_errors", ())]
        return [f"{type(exc).__name__}: {exc}", *causes]
    return []


def _walk_strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_strings(value)


@cache
def _path_patterns() -> list[re.Pattern[str]]:
    base = openapi_document()["servers"][0]["url"]
    return [
        re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(base + template)) + "$")
        for template in openapi_document()["paths"]
    ]


def _documented_path(path: str) -> bool:
    return any(pattern.match(path) for pattern in _path_patterns())


def check_exchange(response: httpx.Response) -> None:
    """Check one request/response pair; raise :class:`ContractViolation` on any breach."""
    request = response.request
    where = f"{request.method} {request.url.path} -> {response.status_code}"
    for check in (_headers, _body, _document):
        why = check(response)
        if why:
            raise ContractViolation(f"{where}: {why}\n{response.text[:2000]}")


def _headers(response: httpx.Response) -> str | None:
    if response.headers.get("api-version") != API_VERSIE:
        return f"API-Version header is {response.headers.get('api-version')!r}, not {API_VERSIE}"
    if response.headers.get("cache-control") != "no-store":
        return f"Cache-Control is {response.headers.get('cache-control')!r}, not no-store"
    if response.headers.get("x-content-type-options") != "nosniff":
        return "X-Content-Type-Options: nosniff is missing"
    if response.status_code >= 500 and response.status_code != 503:  # 503: "try again later"
        return "a server error"
    return None


def _body(response: httpx.Response) -> str | None:
    """Problem details for every error; date-times in UTC everywhere."""
    if response.request.method == "HEAD":  # GET without the body; no HEAD operations documented
        return "a HEAD response with a body" if response.content else None
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    body: Any = None
    if media_type in ("application/json", PROBLEM_JSON):
        try:
            body = response.json()
        except ValueError:
            return "the body is not JSON"
    if response.status_code >= 400:
        why = _problem(response.status_code, media_type, body)
        if why:
            return why
    for text in _walk_strings(body):
        if _DATE_TIME_START.match(text) and not _UTC_DATE_TIME.match(text):
            return f"date-time {text!r} is not RFC 3339 in UTC with upper-case T and Z"
    return None


def _problem(status: int, media_type: str, body: Any) -> str | None:
    if media_type != PROBLEM_JSON:
        return f"an error as {media_type!r}, not problem details"
    if not isinstance(body, dict):
        return "problem details must be an object"
    if body.get("status") != status:
        return f"problem status {body.get('status')!r} differs from the HTTP status"
    for key in ("title", "detail", "type"):
        if not isinstance(body.get(key), str) or not body[key]:
            return f"problem details without {key}"
    fouten = body.get("fouten")
    if not isinstance(fouten, list) or not all(
        isinstance(f, dict) and {"pointer", "code", "melding"} <= f.keys() for f in fouten
    ):
        return "problem details without a well-formed fouten list"
    return None


def _document(response: httpx.Response) -> str | None:
    """The pair as the OpenAPI document describes it (HEAD: nothing to compare)."""
    request = response.request
    if request.method == "HEAD":
        return None
    try:
        openapi().validate_response(_OpenAPIRequest(request), _OpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        return _undocumented(response)
    except Exception as exc:
        causes = "; ".join(str(c)[:500] for c in getattr(exc, "schema_errors", ()))
        return f"breaks the OpenAPI document: {type(exc).__name__}: {str(exc)[:1000]} {causes}"
    if 200 <= response.status_code < 300:
        errors = request_errors(request)
        if errors:
            return f"accepted a request the OpenAPI document rejects: {errors}"
    return None


def _undocumented(response: httpx.Response) -> str | None:
    path = response.request.url.path
    if {".", ".."} & set(path.split("/")):
        return None  # openapi-core resolves dot segments; the server (rightly) does not
    if _documented_path(path):
        if response.status_code != 405:
            return "a method the document does not have on this path must be 405"
        if not response.headers.get("allow"):
            return "405 without an Allow header"
        return None
    if response.status_code != 404:
        return "a path the document does not have must be 404"
    return None


# --- clients -----------------------------------------------------------------------------------


class Api:
    """A TestClient whose every exchange is checked by :func:`check_exchange`."""

    def __init__(self, client: TestClient, app: Starlette, db: Path | str) -> None:
        self.client = client
        self.app = app
        self.db = db

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers.update(auth(token))
        if json_body is not None:
            content = encode(json_body)
            content_type = content_type or "application/json"
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        response = self.client.request(
            method, path, content=content, headers=all_headers, params=params
        )
        check_exchange(response)
        return response

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, token=token, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, token=token, **kwargs)

    def put(self, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, token=token, **kwargs)

    # Steps most tests need.

    def zet_klok(self, nu: str) -> None:
        response = self.put("/v1/testklok", OPERATOR, json_body={"nu": nu})
        assert response.status_code == 200, response.text

    def stuur(self, token: str, message: Mapping[str, Any], status: int = 201) -> httpx.Response:
        response = self.post("/v1/berichten", token, json_body=message)
        assert response.status_code == status, response.text
        return response

    def actie(self, conversatie_id: str, actie: Mapping[str, Any], status: int = 201) -> Any:
        response = self.post(f"/v1/verwijzingen/{conversatie_id}/acties", OPERATOR, json_body=actie)
        assert response.status_code == status, response.text
        return response.json()

    def postvak(self, token: str, na: int = 0) -> list[dict[str, Any]]:
        response = self.get("/v1/postvak", token, params={"na": str(na)})
        assert response.status_code == 200, response.text
        berichten: list[dict[str, Any]] = response.json()["berichten"]
        return berichten


class AsyncApi:
    """The same checks over httpx.AsyncClient + ASGITransport, for concurrent requests."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str,
        content: bytes | None = None,
        content_type: str = "application/json",
    ) -> httpx.Response:
        headers = {**auth(token), "Content-Type": content_type}
        response = await self.client.request(method, path, content=content, headers=headers)
        check_exchange(response)
        return response


def new_app(db: Path | str, instellingen: Instellingen | None = None) -> Starlette:
    return build_receiver(instellingen or Instellingen(), db)


@contextlib.contextmanager
def running_receiver(waar: Path | str, instellingen: Instellingen | None = None) -> Iterator[Api]:
    """A receiver on the database ``waar`` (a folder: ``receiver.sqlite3`` in it), lifespan
    running (deadline monitor on)."""
    db = waar / "receiver.sqlite3" if isinstance(waar, Path) and waar.is_dir() else waar
    app = new_app(db, instellingen)
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=True) as client:
        yield Api(client, app, db)


@contextlib.asynccontextmanager
async def running_async(app: Starlette) -> AsyncIterator[AsyncApi]:
    """Run the app's lifespan (as a server would) and talk to it over ASGITransport."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield AsyncApi(client)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def db_rows(db: Path | str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows through a fresh connection of our own: what is durably in the database. ``?`` marks
    a parameter on both backends; values come back as text where SQLite stores text (PostgreSQL's
    uuids are turned into text too)."""
    if isinstance(db, str) and db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as pg:
            rows = pg.execute(sql.replace("?", "%s").encode(), args).fetchall()
        return [tuple(str(v) if isinstance(v, uuid.UUID) else v for v in r) for r in rows]
    conn = sqlite3.connect(str(db))
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def db_execute(db: Path | str, sql: str, *args: Any) -> None:
    """Change the database behind the receiver's back (committed at once)."""
    if isinstance(db, str) and db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db, autocommit=True) as pg:
            pg.execute(sql.replace("?", "%s").encode(), args)
        return
    conn = sqlite3.connect(str(db))
    try:
        with conn:
            conn.execute(sql, args)
    finally:
        conn.close()
