"""Hostile input: a clear 4xx problem details for each, never a 5xx, and the service stays up;
malformed and oversized HTTP itself (over a raw socket, :mod:`..ruw`) included."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from ..catalogus import Rol
from ..context import Controlecontext
from ..http import GeenAntwoord
from ..openapi import PROBLEM_JSON
from ..register import controle
from ..ruw import ruw_verzoek
from ._hulp import stuur_verwijzing

_BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']>\n<Verwijzing xmlns="urn:nl:nvvk:warme-doorverwijzing:1.0"><toelichting>&lol9;</toelichting></Verwijzing>'
)
_XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Verwijzing [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<Verwijzing xmlns="urn:nl:nvvk:warme-doorverwijzing:1.0"><toelichting>&xxe;</toelichting></Verwijzing>'
)


def _proeven(ctx: Controlecontext) -> list[tuple[str, str, Callable[[], httpx.Response]]]:
    geldig = ctx.verwijzing().to_json()
    client = ctx.schuldeiser
    # Each probe on its own connection: a server may rightly close one after hostile input.
    sluit = {"Connection": "close"}

    def post(inhoud: bytes, mediatype: str = "application/json") -> Callable[[], httpx.Response]:
        return lambda: client.post(
            "/berichten", inhoud=inhoud, content_type=mediatype, controleer=False, headers=sluit
        )

    return [
        (
            "WD-ROB-01",
            "een bericht van 3 MB",
            post(b'{"toelichting": "' + b"x" * 3_000_000 + b'"}'),
        ),
        ("WD-ROB-01", "100.000 geneste arrays", post(b"[" * 100_000 + b"]" * 100_000)),
        ("WD-ROB-01", "100.000 geneste objecten", post(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)),
        (
            "WD-ROB-01",
            "een getal met 100.000 cijfers",
            post(
                geldig.replace(
                    b'"crisissignaal":',
                    b'"huisnummer": ' + b"9" * 100_000 + b', "crisissignaal":',
                    1,
                )
            ),
        ),
        ("WD-ROB-01", "geen JSON", post(b"\xff\xfe\x00dit is geen json")),
        ("WD-ROB-01", "een lege inhoud", post(b"")),
        ("WD-ROB-01", "een JSON-array in plaats van een bericht", post(b"[]")),
        ("WD-ROB-01", "Content-Type text/plain", post(geldig, "text/plain")),
        (
            "WD-ROB-01",
            "geen Content-Type",
            lambda: client.post("/berichten", inhoud=geldig, controleer=False, headers=sluit),
        ),
        (
            "WD-ROB-03",
            "XML met entiteitexpansie (billion laughs)",
            post(_BILLION_LAUGHS, "application/xml"),
        ),
        ("WD-ROB-03", "XML met een externe entiteit (XXE)", post(_XXE, "application/xml")),
        (
            "WD-ROB-03",
            "XML met een DOCTYPE",
            post(b'<?xml version="1.0"?><!DOCTYPE x><x/>', "application/xml"),
        ),
        ("WD-ROB-01", "kapotte XML", post(b"<Verwijzing><niet-gesloten>", "application/xml")),
        (
            "WD-ROB-04",
            "een negatieve queryparameter",
            lambda: client.get("/postvak", params={"na": "-1"}, controleer=False, headers=sluit),
        ),
        (
            "WD-ROB-04",
            "een queryparameter met 5000 cijfers",
            lambda: client.get(
                "/postvak", params={"na": "9" * 5000}, controleer=False, headers=sluit
            ),
        ),
    ]


@controle(
    "WD-ROB-01",
    "WD-ROB-02",
    "WD-ROB-03",
    "WD-ROB-04",
    rol=Rol.ONTVANGER,
    titel="Vijandige invoer krijgt een duidelijke 4xx en de dienst blijft werken",
)
def vijandige_invoer(ctx: Controlecontext) -> None:
    for eis, wat, proef in _proeven(ctx):
        try:
            antwoord = proef()
        except GeenAntwoord as exc:
            ctx.afwijking(eis, f"{wat}: {exc}")
            continue
        mediatype = antwoord.headers.get("content-type", "").split(";")[0].strip().lower()
        if not 400 <= antwoord.status_code < 500:
            ctx.afwijking(eis, f"{wat} kreeg {antwoord.status_code}, geen 4xx", antwoord)
        elif mediatype != PROBLEM_JSON:
            ctx.afwijking(
                eis,
                f"{wat} kreeg {antwoord.status_code} als {mediatype or 'zonder Content-Type'}, niet als problem details",
                antwoord,
            )
        elif "api-version" not in antwoord.headers:
            ctx.afwijking(eis, f"{wat}: het antwoord heeft geen API-Version", antwoord)
    verzonden = stuur_verwijzing(ctx, eis="WD-ROB-02")
    if verzonden.bevestiging is None:
        ctx.afwijking(
            "WD-ROB-02",
            "na de vijandige invoer werd een geldige Verwijzing niet meer aangenomen",
            verzonden.antwoord,
        )


def _ruw(
    ctx: Controlecontext, methode: bytes, pad: bytes, *headers: bytes, body: bytes = b""
) -> bytes:
    """A request as bytes to the target's ``pad`` (under its base path), with its own Host."""
    url = urlsplit(ctx.doelwit.url)
    basis = url.path.rstrip("/").encode()
    kop = methode + b" " + basis + pad + b" HTTP/1.1\r\n"
    host = b"Host: " + (url.netloc or "localhost").encode() + b"\r\n"
    return kop + host + b"".join(headers) + b"\r\n" + body


def _ruwe_proeven(ctx: Controlecontext) -> list[tuple[str, str, int, bytes]]:
    """(requirement, what, the status it must get, the bytes) for the raw probes."""
    json_ = b"Content-Type: application/json\r\n"
    te = b"Transfer-Encoding: chunked\r\n"
    url = urlsplit(ctx.doelwit.url)
    basis = url.path.rstrip("/").encode()
    return [
        ("WD-ROB-05", "Content-Length en Transfer-Encoding samen", 400,
         _ruw(ctx, b"POST", b"/berichten", json_, b"Content-Length: 5\r\n", te, body=b"0\r\n\r\n")),
        ("WD-ROB-05", "twee verschillende Content-Lengths", 400,
         _ruw(ctx, b"POST", b"/berichten", json_, b"Content-Length: 2\r\nContent-Length: 3\r\n",
              body=b"{}")),
        ("WD-ROB-05", "een header over twee regels (obs-fold)", 400,
         _ruw(ctx, b"GET", b"/openapi.json", b"X-Gevouwen: a\r\n b\r\n")),
        ("WD-ROB-05", "regels die alleen op LF eindigen", 400,
         _ruw(ctx, b"GET", b"/openapi.json").replace(b"\r\n", b"\n")),
        ("WD-ROB-05", "een stuurteken in een headernaam", 400,
         _ruw(ctx, b"GET", b"/openapi.json", b"X-\x01: a\r\n")),
        ("WD-ROB-05", "een onbekende Transfer-Encoding", 400,
         _ruw(ctx, b"POST", b"/berichten", json_, b"Transfer-Encoding: gzip\r\n")),
        ("WD-ROB-05", "een HTTP/1.1-verzoek zonder Host", 400,
         b"GET " + basis + b"/openapi.json HTTP/1.1\r\n\r\n"),
        ("WD-ROB-06", "een verzoekregel van 128 KiB", 414,
         _ruw(ctx, b"GET", b"/openapi.json?x=" + b"a" * 131_072)),
        ("WD-ROB-06", "een header van 1 MiB", 431,
         _ruw(ctx, b"GET", b"/openapi.json", b"X-Groot: " + b"a" * 1_048_576 + b"\r\n")),
        ("WD-ROB-06", "1000 headers", 431,
         _ruw(ctx, b"GET", b"/openapi.json", *(b"X-%d: a\r\n" % i for i in range(1000)))),
    ]  # fmt: skip


@controle(
    "WD-ROB-05",
    "WD-ROB-06",
    rol=Rol.ONTVANGER,
    titel="Een misvormd of te groot HTTP-verzoek krijgt 400, 414 of 431 met problem details",
)
def misvormd_http(ctx: Controlecontext) -> None:
    toegang = ctx.doelwit.schuldeiser.toegang  # its certificate, where TLS asks for one
    for eis, wat, status, data in _ruwe_proeven(ctx):
        antwoord = ruw_verzoek(ctx, data, toegang).antwoord
        if antwoord is None:
            ctx.afwijking(eis, f"{wat}: geen antwoord, de verbinding werd gesloten")
            continue
        mediatype = antwoord.headers.get("content-type", "").split(";")[0].strip().lower()
        if antwoord.status_code != status:
            ctx.afwijking(eis, f"{wat} kreeg {antwoord.status_code}, niet {status}", antwoord)
        elif mediatype != PROBLEM_JSON:
            ctx.afwijking(
                eis,
                f"{wat} kreeg {status} als {mediatype or 'zonder Content-Type'}, niet als problem details",
                antwoord,
            )
        elif "api-version" not in antwoord.headers:
            ctx.afwijking(eis, f"{wat}: het antwoord heeft geen API-Version", antwoord)
    verzonden = stuur_verwijzing(ctx, eis="WD-ROB-05")
    if verzonden.bevestiging is None:
        ctx.afwijking(
            "WD-ROB-05",
            "na de misvormde verzoeken werd een geldige Verwijzing niet meer aangenomen",
            verzonden.antwoord,
        )
