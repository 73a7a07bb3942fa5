"""The PDOK Locatieserver source: the sans-IO conversation, and the httpx client against a local
HTTP server that answers in the service's documented format (``response.docs[]``)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from warm_referral.adressen import (
    AmbiguousAddress,
    SourceError,
    UnknownHouseNumber,
    UnknownPostcode,
    zoekadres,
)
from warm_referral.adressen.pdok import PDOK_BASIS_URL, HttpVerzoek, PdokOpzoeking
from warm_referral.adressen.pdok_httpx import AsyncPdokBron, PdokBron
from warm_referral.adressen.zoeker import Gemeentezoeker


def doc(
    postcode: str, huisnummer: int, code: str, letter: str = "", toevoeging: str = ""
) -> dict[str, Any]:
    """An address document as the Locatieserver returns it (a subset of its fields)."""
    d: dict[str, Any] = {
        "type": "adres",
        "id": f"adr-{postcode}-{huisnummer}{letter}{toevoeging}",
        "weergavenaam": f"Straat {huisnummer}{letter}, {postcode} Plaats",
        "postcode": postcode,
        "huisnummer": huisnummer,
        "huis_nlt": f"{huisnummer}{letter}{toevoeging}",
        "gemeentecode": code,
        "gemeentenaam": "Gemeente",
        "score": 12.5,
    }
    if letter:
        d["huisletter"] = letter
    if toevoeging:
        d["huisnummertoevoeging"] = toevoeging
    return d


DOCS = [
    doc("4381AB", 1, "0718"),
    doc("4381AB", 3, "0718"),
    doc("4381AB", 3, "0718", letter="A"),
    doc("4381AB", 5, "0718", toevoeging="2"),
    doc("4356XY", 8, "0687"),
    doc("4356XY", 8, "0717", letter="B"),  # a number whose letters lie in two municipalities
    {"type": "weg", "id": "wgd-1", "weergavenaam": "Straat, Plaats", "gemeentecode": "0718"},
]


class Locatieserver(BaseHTTPRequestHandler):
    """GET /free?fq=...&fl=...&rows=N answered from DOCS; a path prefix selects a failure."""

    verzoeken: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _stuur(self, status: int, body: bytes, soort: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", soort)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        delen = urlsplit(self.path)
        Locatieserver.verzoeken.append(self.path)
        if delen.path.startswith("/stuk/"):
            self._stuur(500, b"<html>upstream error</html>", "text/html")
            return
        if delen.path.startswith("/fout/"):
            body = {"error": {"code": 400, "metadata": ["error-class"], "msg": "undefined field"}}
            self._stuur(400, json.dumps(body).encode())
            return
        if delen.path.startswith("/onzin/"):
            self._stuur(200, b"this is not json")
            return
        if not delen.path.endswith("/free"):
            self._stuur(404, b"not found", "text/plain")
            return
        params = parse_qs(delen.query)
        filters = dict(f.split(":", 1) for f in params.get("fq", []))
        docs = [d for d in DOCS if all(str(d.get(k)) == v for k, v in filters.items())]
        rows = int(params.get("rows", ["10"])[0])
        body = {
            "response": {
                "numFound": len(docs),
                "start": 0,
                "maxScore": 12.5,
                "numFoundExact": True,
                "docs": docs[:rows],
            }
        }
        self._stuur(200, json.dumps(body).encode())


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Locatieserver)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def bron(server: str) -> Iterator[PdokBron]:
    with httpx.Client(timeout=5) as client:
        yield PdokBron(client, basis_url=server, vandaag=lambda: date(2026, 3, 2))


@pytest.mark.parametrize(
    ("adres", "code"),
    [
        (("4381AB", 1), "0718"),
        (("4381AB", 3), "0718"),  # 3 and 3A: both in Vlissingen
        (("4381AB", 3, "a"), "0718"),
        (("4381AB", 5, None, "2"), "0718"),
        (("4356XY", 8, "B"), "0717"),
    ],
)
def test_an_address_is_found(bron: PdokBron, adres: tuple[Any, ...], code: str) -> None:
    assert bron.zoek(zoekadres(*adres)) == code


def test_the_request_filters_on_type_postcode_and_number(bron: PdokBron, server: str) -> None:
    Locatieserver.verzoeken.clear()
    bron.zoek(zoekadres("4381 ab", 1))
    (pad,) = Locatieserver.verzoeken
    params = parse_qs(urlsplit(pad).query)
    assert params["fq"] == ["type:adres", "postcode:4381AB", "huisnummer:1"]
    assert "gemeentecode" in params["fl"][0].split()


def test_unknown_number_and_unknown_postcode_are_told_apart(bron: PdokBron) -> None:
    with pytest.raises(UnknownHouseNumber):
        bron.zoek(zoekadres("4381AB", 2))
    with pytest.raises(UnknownPostcode):
        bron.zoek(zoekadres("4381ZZ", 1))
    with pytest.raises(UnknownHouseNumber):  # the letter does not exist
        bron.zoek(zoekadres("4381AB", 1, "C"))


def test_letters_in_two_municipalities_without_a_letter_are_ambiguous(bron: PdokBron) -> None:
    with pytest.raises(AmbiguousAddress, match="house letter") as exc:
        bron.zoek(zoekadres("4356XY", 8))
    assert exc.value.kandidaten == ("0687", "0717")


@pytest.mark.parametrize(
    ("pad", "fout_van"), [("/stuk", "remote"), ("/fout", "local"), ("/onzin", "remote")]
)
def test_a_failing_service_is_a_typed_error(server: str, pad: str, fout_van: str) -> None:
    with httpx.Client() as client:
        bron = PdokBron(client, basis_url=server + pad)
        with pytest.raises(SourceError) as exc:
            bron.zoek(zoekadres("4381AB", 1))
    assert exc.value.fault == fout_van


def test_an_unreachable_service_is_a_typed_error() -> None:
    with httpx.Client(timeout=0.5) as client:
        bron = PdokBron(client, basis_url="http://127.0.0.1:9/unreachable")
        with pytest.raises(SourceError, match="unreachable"):
            bron.zoek(zoekadres("4381AB", 1))


def test_the_async_client_gives_the_same_answers(server: str) -> None:
    async def main() -> tuple[str, type[Exception]]:
        async with httpx.AsyncClient() as client:
            bron = AsyncPdokBron(client, basis_url=server)
            code = await bron.zoek(zoekadres("4381AB", 3))
            try:
                await bron.zoek(zoekadres("4381ZZ", 1))
            except UnknownPostcode as exc:
                return code, type(exc)
        raise AssertionError("no error")

    assert asyncio.run(main()) == ("0718", UnknownPostcode)


def test_pdok_answers_in_todays_classification(bron: PdokBron) -> None:
    # The service says 0718 today; for a date before a (hypothetical) change nothing moves.
    vondst = Gemeentezoeker([bron]).zoek(zoekadres("4381AB", 1), op=date(2024, 1, 1))
    assert (vondst.gemeentecode, vondst.bron_indeling) == ("0718", date(2026, 3, 2))


# --- the conversation without any HTTP ---------------------------------------------------------


def antwoord(docs: list[dict[str, Any]], num_found: int | None = None) -> bytes:
    n = len(docs) if num_found is None else num_found
    return json.dumps({"response": {"numFound": n, "start": 0, "docs": docs}}).encode()


def test_the_conversation_takes_two_steps_only_when_nothing_matches() -> None:
    opzoeking = PdokOpzoeking(zoekadres("4381AB", 2))
    eerste = opzoeking.eerste_verzoek()
    assert eerste.url.startswith(PDOK_BASIS_URL + "/free?")
    tweede = opzoeking.ontvang(200, antwoord([]))
    assert isinstance(tweede, HttpVerzoek)
    assert parse_qs(urlsplit(tweede.url).query)["rows"] == ["0"]
    with pytest.raises(UnknownHouseNumber):
        opzoeking.ontvang(200, antwoord([], num_found=12))
    with pytest.raises(RuntimeError):
        opzoeking.ontvang(200, antwoord([]))


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'{"response": []}',
        b'{"response": {"numFound": 1, "docs": {}}}',
        b'{"response": {"numFound": 1, "docs": [1]}}',
        json.dumps(
            {"response": {"docs": [{**doc("4381AB", 1, "0718"), "gemeentecode": 718}]}}
        ).encode(),
        json.dumps(
            {"response": {"docs": [{**doc("4381AB", 1, "0718"), "gemeentecode": "GM0718"}]}}
        ).encode(),
        json.dumps(
            {"response": {"docs": [{**doc("4381AB", 1, "0718"), "huisletter": 7}]}}
        ).encode(),
        b"x" * (3 * 1024 * 1024),
    ],
)
def test_answers_outside_the_documented_format_are_the_services_fault(body: bytes) -> None:
    opzoeking = PdokOpzoeking(zoekadres("4381AB", 1, "A"))
    opzoeking.eerste_verzoek()
    with pytest.raises(SourceError) as exc:
        opzoeking.ontvang(200, body)
    assert exc.value.fault == "remote"


def test_a_bad_count_in_the_second_step_is_the_services_fault() -> None:
    opzoeking = PdokOpzoeking(zoekadres("4381AB", 2))
    opzoeking.eerste_verzoek()
    opzoeking.ontvang(200, antwoord([]))
    with pytest.raises(SourceError, match="numFound"):
        opzoeking.ontvang(200, b'{"response": {"numFound": "12", "docs": []}}')


def test_a_look_up_is_used_once() -> None:
    opzoeking = PdokOpzoeking(zoekadres("4381AB", 1))
    with pytest.raises(RuntimeError):
        opzoeking.ontvang(200, antwoord([]))
    opzoeking.eerste_verzoek()
    with pytest.raises(RuntimeError):
        opzoeking.eerste_verzoek()
