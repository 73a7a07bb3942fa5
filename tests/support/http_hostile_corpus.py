"""Malformed and hostile HTTP/1.1 requests, as raw bytes, each with the answer it must get.

Each case is (id, class, bytes, expected): the bytes go out on a fresh connection as they are;
``expected`` is the status of the problem-details answer, or :data:`SLUITEN` where HTTP gives the
server no chance to answer (the peer said nothing the server could answer, or went away) and a
clean close is right. The classes group the cases in the report of issue 13.

The server under test runs with small limits (:data:`LIMIETEN`), so that the oversized cases stay
small and the slow ones quick.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CASES", "LIMIETEN", "SLUITEN", "Case"]

#: The test server's ``http`` settings (camelCase, as in a configuration file).
LIMIETEN = {
    "maxVerzoekregel": 2048,
    "maxKop": 4096,
    "maxHeaders": 40,
    "kopTimeout": 1.0,
    "inhoudTimeout": 1.0,
    "stilTimeout": 1.0,
}

#: No answer: the server closes the connection (cleanly, in bounded time).
SLUITEN = 0

TOKEN = b"dev-evides"
HOST = b"Host: ontvanger.test\r\n"
AUTH = b"Authorization: Bearer " + TOKEN + b"\r\n"
JSON = b"Content-Type: application/json\r\n"
CLOSE = b"Connection: close\r\n"


class Case(NamedTuple):
    id: str
    klasse: str
    data: bytes
    verwacht: int
    langzaam: bool = False


def _get(
    target: bytes = b"/v1/openapi.json", *headers: bytes, version: bytes = b"HTTP/1.1"
) -> bytes:
    return b"GET " + target + b" " + version + b"\r\n" + HOST + b"".join(headers) + CLOSE + b"\r\n"


def _post(*headers: bytes, body: bytes = b"{}") -> bytes:
    return (
        b"POST /v1/berichten HTTP/1.1\r\n"
        + HOST
        + AUTH
        + JSON
        + CLOSE
        + b"".join(headers)
        + b"\r\n"
        + body
    )


def _json(body: bytes) -> bytes:
    """A POST of this JSON body with its true Content-Length."""
    return _post(b"Content-Length: %d\r\n" % len(body), body=body)


def _smokkel() -> list[Case]:
    k = "smuggling (CL/TE)"
    te = b"Transfer-Encoding: chunked\r\n"
    return [
        Case("cl-te", k, _post(b"Content-Length: 4\r\n", te, body=b"0\r\n\r\n"), 400),
        Case("te-cl", k, _post(te, b"Content-Length: 4\r\n", body=b"0\r\n\r\n"), 400),
        Case("cl-cl-different", k, _post(b"Content-Length: 2\r\nContent-Length: 3\r\n"), 400),
        Case("cl-cl-same", k, _post(b"Content-Length: 2\r\nContent-Length: 2\r\n"), 400),
        Case("cl-list", k, _post(b"Content-Length: 2, 2\r\n"), 400),
        Case("cl-plus", k, _post(b"Content-Length: +2\r\n"), 400),
        Case("cl-minus", k, _post(b"Content-Length: -2\r\n"), 400),
        Case("cl-hex", k, _post(b"Content-Length: 0x2\r\n"), 400),
        Case("cl-exponent", k, _post(b"Content-Length: 2e0\r\n"), 400),
        Case("cl-space-inside", k, _post(b"Content-Length: 1 2\r\n"), 400),
        Case("cl-letters", k, _post(b"Content-Length: twee\r\n"), 400),
        Case("cl-huge", k, _post(b"Content-Length: 99999999999999999999999999\r\n"), 400),
        Case("cl-2-to-the-64", k, _post(b"Content-Length: 18446744073709551616\r\n"), 400),
        Case("cl-superscript", k, _post("Content-Length: ²\r\n".encode()), 400),
        Case("te-te", k, _post(te, te, body=b"0\r\n\r\n"), 400),
        Case("te-gzip", k, _post(b"Transfer-Encoding: gzip\r\n"), 400),
        Case("te-chunked-identity", k, _post(b"Transfer-Encoding: chunked, identity\r\n"), 400),
        Case("te-identity", k, _post(b"Transfer-Encoding: identity\r\n"), 400),
        Case("te-vertical-tab", k, _post(b"Transfer-Encoding:\x0bchunked\r\n"), 400),
        Case("te-space-before-colon", k, _post(b"Transfer-Encoding : chunked\r\n"), 400),
        Case("te-xchunked", k, _post(b"Transfer-Encoding: xchunked\r\n"), 400),
        Case(
            "chunk-size-overflow",
            k,
            _post(te, body=b"fffffffffffffffffffffffff\r\n"),
            400,
        ),
        Case("chunk-size-not-hex", k, _post(te, body=b"zz\r\nab\r\n0\r\n\r\n"), 400),
        Case("chunk-size-negative", k, _post(te, body=b"-1\r\nab\r\n0\r\n\r\n"), 400),
        Case("chunk-missing-crlf", k, _post(te, body=b"2\r\nabcd\r\n0\r\n\r\n"), 400),
    ]


def _regels() -> list[Case]:
    k = "line endings and folding"
    return [
        Case("bare-lf", k, b"GET /v1/openapi.json HTTP/1.1\nHost: a\n\n", 400),
        Case(
            "bare-lf-in-headers", k, b"GET /v1/openapi.json HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400
        ),
        Case("bare-cr", k, b"GET /v1/openapi.json HTTP/1.1\rHost: a\r\r", 400),
        Case("cr-in-value", k, _get(b"/v1/openapi.json", b"X: a\rb\r\n"), 400),
        Case("obs-fold-space", k, _get(b"/v1/openapi.json", b"X: a\r\n b\r\n"), 400),
        Case("obs-fold-tab", k, _get(b"/v1/openapi.json", b"X: a\r\n\tb\r\n"), 400),
        Case("space-before-colon", k, _get(b"/v1/openapi.json", b"Host : a\r\n"), 400),
        Case("header-without-colon", k, _get(b"/v1/openapi.json", b"Zonderdubbelepunt\r\n"), 400),
        Case(
            "leading-whitespace-line", k, b"GET /v1/openapi.json HTTP/1.1\r\n Host: a\r\n\r\n", 400
        ),
        Case("empty-header-name", k, _get(b"/v1/openapi.json", b": leeg\r\n"), 400),
    ]


def _bytes() -> list[Case]:
    k = "invalid bytes"
    cases = [
        Case(f"name-{b:02x}", k, _get(b"/v1/openapi.json", b"X-" + bytes([b]) + b": a\r\n"), 400)
        for b in (0x00, 0x01, 0x1F, 0x7F, 0x80, 0xFF, 0x28, 0x2C, 0x3B, 0x5B)
    ]
    cases += [
        Case(f"value-{b:02x}", k, _get(b"/v1/openapi.json", b"X: a" + bytes([b]) + b"b\r\n"), 400)
        for b in (0x00, 0x01, 0x0B, 0x0C, 0x1F, 0x7F)
    ]
    cases += [
        Case(f"target-{b:02x}", k, _get(b"/v1/" + bytes([b])), 400)
        for b in (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x09)
    ]
    # llhttp reads a second space as the end of the target: "/v1/", which is 404 (no redirect).
    cases.append(Case("target-20", k, _get(b"/v1/ "), 404))
    cases += [
        Case("method-nul", k, b"G\x00T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Case("method-lowercase", k, b"get /v1/openapi.json HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Case("method-unknown", k, b"FOO /v1/openapi.json HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Case("method-utf8", k, "GÉT / HTTP/1.1\r\nHost: a\r\n\r\n".encode(), 400),
        Case("binary-garbage", k, bytes(range(256)), 400),
        Case(
            "tls-client-hello",
            k,
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
            400,
        ),
    ]
    return cases


def _versies_en_doelen() -> list[Case]:
    k = "versions, targets, Host"
    return [
        Case("http-0.9", k, b"GET /v1/openapi.json\r\n\r\n", 400),
        Case("http-1.2", k, _get(version=b"HTTP/1.2"), 400),
        Case("http-2.0-line", k, _get(version=b"HTTP/2.0"), 400),
        Case("http-9.9", k, _get(version=b"HTTP/9.9"), 400),
        Case("no-version", k, b"GET /v1/openapi.json \r\nHost: a\r\n\r\n", 400),
        Case("lowercase-version", k, _get(version=b"http/1.1"), 400),
        Case("http2-preface", k, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
        Case(
            "h2c-upgrade",
            k,
            _get(
                b"/v1/openapi.json",
                b"Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n",
            ),
            400,
        ),
        Case(
            "websocket-upgrade",
            k,
            _get(
                b"/v1/openapi.json",
                b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
            ),
            400,
        ),
        Case(
            "connect",
            k,
            b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
            400,
        ),
        Case("asterisk-form", k, b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Case("no-host", k, b"GET /v1/openapi.json HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
        Case("two-hosts", k, _get(b"/v1/openapi.json", b"Host: b\r\n"), 400),
        Case("two-authorizations", k, _get(b"/v1/postvak", AUTH, AUTH), 400),
        Case("two-content-types", k, _post(b"Content-Length: 2\r\n", JSON), 400),
        Case("absolute-form-unknown-path", k, _get(b"http://evil.example/v1/nergens"), 404),
        Case("path-traversal", k, _get(b"/v1/../../etc/passwd"), 404),
        Case("encoded-traversal", k, _get(b"/v1/%2e%2e/%2e%2e/etc/passwd"), 404),
        Case("percent-nul", k, _get(b"/v1/openapi.json%00"), 404),
        Case("double-slash", k, _get(b"//v1//openapi.json"), 404),
        Case("trailing-slash", k, _get(b"/v1/openapi.json/"), 404),
        Case("query-5000-digits", k, _get(b"/v1/postvak?na=" + b"9" * 1900, AUTH), 400),
        Case("query-unknown", k, _get(b"/v1/postvak?debug=1", AUTH), 400),
        Case(
            "wrong-method", k, b"DELETE /v1/openapi.json HTTP/1.1\r\n" + HOST + CLOSE + b"\r\n", 405
        ),
        Case("trace", k, b"TRACE /v1/openapi.json HTTP/1.1\r\n" + HOST + CLOSE + b"\r\n", 405),
    ]


def _grootte() -> list[Case]:
    k = "oversized"
    lang = 4096 + 1
    return [
        Case("request-line", k, _get(b"/v1/" + b"a" * 3000), 414),
        Case("request-line-query", k, _get(b"/v1/postvak?na=" + b"1" * 3000), 414),
        Case("request-line-100k", k, _get(b"/" + b"a" * 100_000), 414),
        Case("one-header-5k", k, _get(b"/v1/openapi.json", b"X: " + b"a" * lang + b"\r\n"), 431),
        Case(
            "one-header-1m", k, _get(b"/v1/openapi.json", b"X: " + b"a" * 1_000_000 + b"\r\n"), 431
        ),
        Case("header-name-5k", k, _get(b"/v1/openapi.json", b"X" * lang + b": a\r\n"), 431),
        Case(
            "41-headers",
            k,
            _get(b"/v1/openapi.json", *[b"X-%d: a\r\n" % i for i in range(41)]),
            431,
        ),
        Case(
            "1000-headers",
            k,
            _get(b"/v1/openapi.json", *[b"X-%d: a\r\n" % i for i in range(1000)]),
            431,
        ),
        Case(
            "many-small-headers-past-4k",
            k,
            _get(b"/v1/openapi.json", *[b"X-%02d: %s\r\n" % (i, b"b" * 150) for i in range(30)]),
            431,
        ),
        Case("endless-empty-lines", k, b"\r\n" * 5000, 431),
        Case(
            "body-3mb", k, _post(b"Content-Length: 3000000\r\n", body=b"{" + b" " * 3_000_000), 413
        ),
        Case(
            "body-chunked-3mb",
            k,
            _post(
                b"Transfer-Encoding: chunked\r\n",
                body=b"".join([b"10000\r\n" + b" " * 65536 + b"\r\n"] * 48) + b"0\r\n\r\n",
            ),
            413,
        ),
        Case("json-number-100k-digits", k, _json(b'{"a": ' + b"9" * 100_000 + b"}"), 400),
        Case("json-float-100k-digits", k, _json(b'{"a": 0.' + b"9" * 100_000 + b"e99999}"), 400),
        Case("json-nesting-100k", k, _json(b"[" * 100_000 + b"]" * 100_000), 400),
        Case("json-duplicate-member", k, _json(b'{"berichttype": "a", "berichttype": "b"}'), 400),
        Case("json-not-utf8", k, _json(b'{"a": "\xff\xfe"}'), 400),
        Case("json-lone-surrogate", k, _json(b'{"a": "\\ud800"}'), 400),
    ]


def _traag_en_weg() -> list[Case]:
    k = "slow and disconnects"
    return [
        Case("idle-after-connect", k, b"", SLUITEN, langzaam=True),
        Case(
            "head-never-finished",
            k,
            b"GET /v1/openapi.json HTTP/1.1\r\nHost: a\r\n",
            408,
            langzaam=True,
        ),
        Case("request-line-never-finished", k, b"GET /v1/openapi.js", 408, langzaam=True),
        Case(
            "body-shorter-than-length",
            k,
            _post(b"Content-Length: 100\r\n", body=b"{"),
            408,
            langzaam=True,
        ),
        Case(
            "chunked-body-never-finished",
            k,
            _post(b"Transfer-Encoding: chunked\r\n", body=b"2\r\n{}\r\n"),
            408,
            langzaam=True,
        ),
        Case("only-empty-lines", k, b"\r\n\r\n", SLUITEN, langzaam=True),
    ]


CASES: list[Case] = [
    *_smokkel(),
    *_regels(),
    *_bytes(),
    *_versies_en_doelen(),
    *_grootte(),
    *_traag_en_weg(),
]
