"""The reference receiver under hostile input: oversized bodies (also with a lying Content-Length or
none at all), wrong content types, malformed JSON, the hostile-XML corpus, and generated junk.

Every answer must be problem details with a 4xx status (checked for each exchange by
:func:`receiver_support.check_exchange`, which also fails any 5xx), and the receiver must keep
serving afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import xml_hostile_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from receiver_support import (
    BASE_URL,
    EVIDES,
    EVIDES_KLOK,
    EVIDES_VERWIJZING,
    OPERATOR,
    Api,
    auth,
    check_exchange,
    example,
    example_bytes,
    fresh,
    new_app,
    running_receiver,
)
from starlette.applications import Starlette

MAX = 256 * 1024  # Instellingen().max_body_bytes
CONV = example(EVIDES_VERWIJZING)["conversatieId"]
ACTIES = f"/v1/verwijzingen/{CONV}/acties"
JSON_ENDPOINTS = [
    ("POST", "/v1/berichten", EVIDES),
    ("POST", ACTIES, OPERATOR),
    ("PUT", "/v1/testklok", OPERATOR),
]
_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One receiver for the module: hostile input must not disturb it for what comes after."""
    with running_receiver(tmp_path_factory.mktemp("hostile")) as client:
        client.zet_klok(EVIDES_KLOK)
        client.stuur(EVIDES, example(EVIDES_VERWIJZING))
        yield client


def _still_serving(api: Api) -> None:
    response = api.get(f"/v1/verwijzingen/{CONV}", OPERATOR)
    assert response.status_code == 200
    assert response.json()["toestand"] == "Ontvangen"


def _refused(response: httpx.Response, status: int | None = None) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, response.text[:500]
    if status is not None:
        assert response.status_code == status, response.text[:500]
    body: dict[str, Any] = response.json()
    return body


# --- oversized bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "token"), JSON_ENDPOINTS)
def test_an_oversized_body_is_413(api: Api, method: str, path: str, token: str) -> None:
    body = b'{"x": "' + b"a" * MAX + b'"}'
    response = api.request(method, path, token=token, content=body, content_type="application/json")
    _refused(response, 413)
    _still_serving(api)


def test_an_oversized_xml_body_is_413(api: Api) -> None:
    body = example_bytes(EVIDES_VERWIJZING, "xml").replace(
        b"</Verwijzing>", b"<!--" + b"x" * MAX + b"--></Verwijzing>"
    )
    response = api.post("/v1/berichten", EVIDES, content=body, content_type="application/xml")
    _refused(response, 413)


def test_a_body_of_exactly_the_limit_is_read(api: Api) -> None:
    body = b" " * (MAX - 2) + b"{}"
    response = api.post("/v1/berichten", EVIDES, content=body, content_type="application/json")
    assert _refused(response, 400)["fouten"]  # read and parsed, not refused for its size


@contextlib.asynccontextmanager
async def _served(tmp_path: Path) -> AsyncIterator[Starlette]:
    """A fresh receiver with its lifespan running and the test clock set, for raw ASGI calls."""
    app = new_app(tmp_path / "raw.sqlite3")
    async with app.router.lifespan_context(app):
        klok = await _raw(
            app,
            "PUT",
            "/v1/testklok",
            _json_headers(OPERATOR),
            [b'{"nu": "%s"}' % EVIDES_KLOK.encode()],
        )
        assert klok.status_code == 200
        yield app


async def _raw(
    app: Starlette, method: str, path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> httpx.Response:
    """One request straight into the ASGI app, body in the given chunks, headers as given (an
    HTTP client would correct a lying Content-Length; a hostile peer does not)."""
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks or [b""])
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=30)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    request = httpx.Request(
        method,
        BASE_URL + path,
        headers=headers,
        content=b"".join(chunks),
    )
    response = httpx.Response(
        start["status"],
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]],
        content=body,
        request=request,
    )
    check_exchange(response)
    return response


async def _raw_once(
    tmp_path: Path, method: str, path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> httpx.Response:
    async with _served(tmp_path) as app:
        return await _raw(app, method, path, headers, chunks)


def _json_headers(token: str, **extra: bytes) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", b"application/json"),
    ]
    return headers + [(k.replace("_", "-").encode(), v) for k, v in extra.items()]


@pytest.mark.parametrize(("method", "path", "token"), JSON_ENDPOINTS)
def test_a_lying_content_length_does_not_get_past_the_cap(
    tmp_path: Path, method: str, path: str, token: str
) -> None:
    chunks = [b'{"x": "'] + [b"a" * 65536] * 5 + [b'"}']
    headers = _json_headers(token, content_length=b"20")
    response = asyncio.run(_raw_once(tmp_path, method, path, headers, chunks))
    _refused(response, 413)


def test_a_chunked_body_without_length_is_capped(tmp_path: Path) -> None:
    chunks = [b"[" + b"1," * 32768] * 10 + [b"1]"]
    headers = _json_headers(EVIDES, transfer_encoding=b"chunked")
    response = asyncio.run(_raw_once(tmp_path, "POST", "/v1/berichten", headers, chunks))
    _refused(response, 413)


def test_a_chunked_body_under_the_cap_is_read(tmp_path: Path) -> None:
    body = example_bytes(EVIDES_VERWIJZING)
    chunks = [body[i : i + 100] for i in range(0, len(body), 100)]
    response = asyncio.run(
        _raw_once(tmp_path, "POST", "/v1/berichten", _json_headers(EVIDES), chunks)
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "length",
    [b"1000000000000000000000000", b"-1", b"abc", b"\xb2", b"12 34", b""],
    ids=["huge", "negative", "letters", "superscript-two", "space", "empty"],
)
def test_a_malformed_content_length_is_no_server_error(tmp_path: Path, length: bytes) -> None:
    headers = _json_headers(EVIDES, content_length=length)
    response = asyncio.run(_raw_once(tmp_path, "POST", "/v1/berichten", headers, [b"{"]))
    _refused(response, 413 if length.startswith(b"1000") else 400)


# --- content types -------------------------------------------------------------------------------

WRONG_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json-patch+json",
    "application/soap+xml",
    "*/*",
    "application",
    ";;;",
]


@pytest.mark.parametrize("content_type", [*WRONG_TYPES, None])
@pytest.mark.parametrize(("method", "path", "token"), JSON_ENDPOINTS)
def test_a_wrong_content_type_is_415(
    api: Api, method: str, path: str, token: str, content_type: str | None
) -> None:
    response = api.request(method, path, token=token, content=b"{}", content_type=content_type)
    body = _refused(response, 415)
    assert "Content-Type" in body["detail"]


@pytest.mark.parametrize(("method", "path"), [("POST", ACTIES), ("PUT", "/v1/testklok")])
def test_xml_where_only_json_is_taken_is_415(api: Api, method: str, path: str) -> None:
    response = api.request(
        method, path, token=OPERATOR, content=b"<nu/>", content_type="application/xml"
    )
    _refused(response, 415)


def test_media_type_parameters_and_case_are_understood(api: Api) -> None:
    bericht = fresh(example(EVIDES_VERWIJZING))
    response = api.post(
        "/v1/berichten",
        EVIDES,
        content=json.dumps(bericht).encode(),
        content_type="Application/JSON; charset=utf-8",
    )
    assert response.status_code == 201, response.text


# --- malformed JSON ------------------------------------------------------------------------------

MALFORMED_JSON = {
    "empty": b"",
    "truncated": b'{"berichttype": "Verwijzing", ',
    "null": b"null",
    "array": b"[]",
    "string": b'"Verwijzing"',
    "number": b"1e999999",
    "huge integer": b"1" * 10000,
    "nan": b'{"x": NaN}',
    "trailing comma": b'{"berichttype": "Verwijzing",}',
    "single quotes": b"{'berichttype': 'Verwijzing'}",
    "invalid utf-8": b'{"berichttype": "Verw\xffijzing"}',
    "utf-16": '{"berichttype": "Verwijzing"}'.encode("utf-16"),
    "bom": b'\xef\xbb\xbf{"berichttype": "Verwijzing"}',
    "lone surrogate": b'{"berichttype": "\\ud800"}',
    "nul byte": b'{"berichttype": "Verwijzing\x00"}',
    "deep arrays": b"[" * 100_000 + b"]" * 100_000,
    "deep objects": b'{"a":' * 40_000 + b"1" + b"}" * 40_000,
    "two documents": b"{}{}",
    "comment": b'/* */ {"berichttype": "Verwijzing"}',
}


@pytest.mark.parametrize("name", list(MALFORMED_JSON))
@pytest.mark.parametrize(("method", "path", "token"), JSON_ENDPOINTS)
def test_malformed_json_is_400(api: Api, method: str, path: str, token: str, name: str) -> None:
    response = api.request(
        method, path, token=token, content=MALFORMED_JSON[name], content_type="application/json"
    )
    assert _refused(response, 400)["fouten"], "a 400 names what is wrong"


def test_json_with_the_wrong_shape_lists_violations(api: Api) -> None:
    for body in (
        {"berichttype": "Verwijzing"},
        {"berichttype": ["Verwijzing"]},
        {"berichttype": "Verwijzing", "hulpvrager": {"bsn": 999901011}},
        {**example(EVIDES_VERWIJZING), "hulpvrager": "iemand"},
    ):
        response = api.post("/v1/berichten", EVIDES, json_body=body)
        assert _refused(response, 400)["fouten"]
    _still_serving(api)


# --- hostile XML ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", xml_hostile_corpus.CASES, ids=lambda c: c.name)
def test_hostile_xml_is_refused(api: Api, case: xml_hostile_corpus.Case) -> None:
    body = case.build()
    response = api.post("/v1/berichten", EVIDES, content=body, content_type="application/xml")
    if len(body) > MAX:
        _refused(response, 413)  # refused before any parser sees it
    else:
        problem = _refused(response, 400)
        assert problem["fouten"][0]["code"] == case.code, problem
    assert "root:" not in response.text  # /etc/passwd never comes back
    _still_serving(api)


def test_hostile_xml_as_text_xml_is_refused_too(api: Api) -> None:
    for case in xml_hostile_corpus.CASES[:7]:  # the DOCTYPE attacks, small files
        response = api.post("/v1/berichten", EVIDES, content=case.build(), content_type="text/xml")
        assert _refused(response, 400)["fouten"][0]["code"] == "xml_doctype"


def test_a_valid_referral_still_succeeds_after_the_hostile_input(api: Api) -> None:
    bericht = fresh(example(EVIDES_VERWIJZING))
    api.stuur(EVIDES, bericht)
    assert api.get(f"/v1/verwijzingen/{bericht['conversatieId']}", EVIDES).status_code == 200
    xml = api.post(
        "/v1/berichten",
        EVIDES,
        content=example_bytes(EVIDES_VERWIJZING, "xml"),
        content_type="application/xml",
    )
    assert xml.status_code == 201  # the first referral again: its original answer, in XML


# --- generated junk ------------------------------------------------------------------------------

_header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@_SETTINGS
@given(
    endpoint=st.sampled_from(JSON_ENDPOINTS),
    body=st.binary(max_size=3000),
    content_type=st.sampled_from(["application/json", "application/xml", "text/xml"])
    | _header_text,
)
def test_junk_bodies_never_cause_a_server_error(
    api: Api, endpoint: tuple[str, str, str], body: bytes, content_type: str
) -> None:
    method, path, token = endpoint
    response = api.request(method, path, token=token, content=body, content_type=content_type)
    assert response.status_code < 500  # check_exchange also checked the problem details


@_SETTINGS
@given(endpoint=st.sampled_from(JSON_ENDPOINTS), document=_json_values)
def test_junk_json_never_causes_a_server_error(
    api: Api, endpoint: tuple[str, str, str], document: Any
) -> None:
    method, path, token = endpoint
    response = api.request(method, path, token=token, json_body=document)
    assert 400 <= response.status_code < 500


@_SETTINGS
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    prefix=st.sampled_from(["", "/v1", "/v1/verwijzingen", f"/v1/verwijzingen/{CONV}", "/v2"]),
    segments=st.lists(st.text(min_size=1, max_size=40), min_size=0, max_size=3),
    token=st.sampled_from([EVIDES, OPERATOR, "onbekend"]),
)
def test_junk_paths_never_cause_a_server_error(
    api: Api, method: str, prefix: str, segments: list[str], token: str
) -> None:
    path = prefix + "".join("/" + quote(segment, safe="") for segment in segments) or "/"
    response = api.request(method, path, token=token)
    if method == "HEAD":
        assert response.status_code < 500
    else:
        assert 200 <= response.status_code < 500


@_SETTINGS
@given(
    path=st.sampled_from(
        ["/v1/postvak", "/v1/verwijzingen", "/v1/termijnbewaking", "/v1/testklok"]
    ),
    params=st.lists(
        st.tuples(
            st.sampled_from(["na", "limiet", "gemeentecode"]) | st.text(max_size=10),
            st.text(max_size=30),
        ),
        max_size=4,
    ),
    token=st.sampled_from([EVIDES, OPERATOR]),
)
def test_junk_query_parameters_never_cause_a_server_error(
    api: Api, path: str, params: list[tuple[str, str]], token: str
) -> None:
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
    response = api.get(f"{path}?{query}" if query else path, token)
    assert response.status_code < 500


def test_junk_conversatie_ids_are_400_not_a_lookup(api: Api) -> None:
    for junk in (
        "..",
        "%2e%2e",
        "null",
        "1",
        CONV.replace("-", ""),
        "{" + CONV + "}",
        f"urn:uuid:{CONV}",
    ):
        response = api.get(f"/v1/verwijzingen/{quote(junk, safe='%')}", OPERATOR)
        assert response.status_code in (400, 404), (junk, response.text)
    # Only the RFC 4122 form names a referral (case-insensitive).
    assert api.get(f"/v1/verwijzingen/{CONV.upper()}", OPERATOR).status_code == 200
    assert api.get(f"/v1/verwijzingen/{CONV.replace('-', '')}", OPERATOR).status_code == 400


def test_authorization_junk_is_401(api: Api) -> None:
    for value in (
        "Bearer",
        "Bearer ",
        "bearer dev-evides-x",
        "Token dev-evides",
        "Bearer\tdev-evides",
        "dev-evides",
    ):
        response = api.get("/v1/postvak", headers={"Authorization": value})
        _refused(response, 401)
    assert api.get("/v1/postvak", headers=auth(EVIDES)).status_code == 200


@pytest.mark.parametrize("value", ["²", "٣", "１", "1_0", "+1", " 1", "0x10", "1e3", "-0"])
def test_only_ascii_digits_make_a_number(api: Api, value: str) -> None:
    # str.isdigit() is true for "²" (int() then fails) and for other scripts' digits.
    for name in ("na", "limiet"):
        response = api.get("/v1/postvak", EVIDES, params={name: value})
        assert _refused(response, 400)["fouten"][0]["pointer"] == f"/{name}"
