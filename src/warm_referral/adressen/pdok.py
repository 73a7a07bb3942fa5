"""The PDOK Locatieserver as a source, sans-IO: build the requests, read the answers.

The Locatieserver (``/free`` endpoint, version 3.1) answers a Solr query with
``{"response": {"numFound": n, "docs": [...]}}``; an address document (``type`` ``adres``) carries
``postcode``, ``huisnummer`` (a number), ``huisletter``, ``huisnummertoevoeging`` and
``gemeentecode`` (four digits, as a string) among other fields. A 400 answer carries
``{"error": {"code": 400, "msg": "..."}}`` or plain text.

A look-up is a conversation of at most two GETs, driven by the caller's own HTTP client::

    opzoeking = PdokOpzoeking(adres)
    stap = opzoeking.eerste_verzoek()
    while isinstance(stap, HttpVerzoek):
        antwoord = http_get(stap.url)                 # any client, sync or async
        stap = opzoeking.ontvang(antwoord.status, antwoord.body)
    gemeentecode = stap                               # or a typed AdresError was raised

1. the addresses with this postcode and house number (``fq=type:adres``, ``fq=postcode:...``,
   ``fq=huisnummer:...``); the letter and addition, when given, select among them;
2. only when there are none: does the postcode exist at all (``rows=0``, reading ``numFound``),
   to tell :class:`UnknownPostcode` from :class:`UnknownHouseNumber`.

PDOK answers in today's classification; :class:`~.zoeker.Gemeentezoeker` carries the code to the
date asked. :mod:`warm_referral.adressen.pdok_httpx` runs this conversation with httpx.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from .adres import AdresLike, Zoekadres, uit_adres
from .errors import AmbiguousAddress, SourceError, UnknownHouseNumber, UnknownPostcode

__all__ = ["PDOK_BASIS_URL", "PDOK_NAAM", "HttpVerzoek", "PdokOpzoeking"]

PDOK_BASIS_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
PDOK_NAAM = "PDOK Locatieserver"
#: Only what the look-up reads (the service's default field list is much longer).
_VELDEN = "id type postcode huisnummer huisletter huisnummertoevoeging gemeentecode gemeentenaam"
#: The service's maximum page; a postcode plus house number has far fewer addresses.
_RIJEN = 100
_MAX_ANTWOORD = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class HttpVerzoek:
    """One GET the caller must perform; the body of the answer goes to :meth:`PdokOpzoeking.ontvang`."""

    url: str
    methode: str = "GET"
    headers: tuple[tuple[str, str], ...] = (("Accept", "application/json"),)


class PdokOpzoeking:
    """One address look-up against the Locatieserver (use each object once)."""

    def __init__(self, adres: AdresLike | Zoekadres, basis_url: str = PDOK_BASIS_URL) -> None:
        self.adres = uit_adres(adres)
        self.basis_url = basis_url.rstrip("/")
        self._stap = 0

    def _url(self, filters: list[str], rijen: int) -> str:
        params = [("fq", f) for f in filters] + [("fl", _VELDEN), ("rows", str(rijen))]
        return f"{self.basis_url}/free?{urlencode(params)}"

    def eerste_verzoek(self) -> HttpVerzoek:
        if self._stap != 0:
            raise RuntimeError("this look-up has already started")
        self._stap = 1
        a = self.adres
        return HttpVerzoek(
            self._url(
                ["type:adres", f"postcode:{a.postcode}", f"huisnummer:{a.huisnummer}"], _RIJEN
            )
        )

    def ontvang(self, status: int, inhoud: bytes) -> HttpVerzoek | str:
        """Read one answer: the next request, or the gemeentecode; errors are typed."""
        if self._stap not in (1, 2):
            raise RuntimeError("no request of this look-up is waiting for an answer")
        response = _lees_antwoord(status, inhoud)
        a = self.adres
        if self._stap == 2:
            self._stap = 3
            if _geheel_getal(response, "numFound") > 0:
                raise UnknownHouseNumber(a.postcode, a.huisnummer, PDOK_NAAM)
            raise UnknownPostcode(a.postcode, a.huisnummer, PDOK_NAAM)
        docs = response.get("docs")
        if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
            raise SourceError(f"{PDOK_NAAM}: response.docs is not a list of objects")
        adressen = [d for d in docs if _is_dit_adres(d, a)]
        if not adressen:
            self._stap = 2
            return HttpVerzoek(self._url(["type:adres", f"postcode:{a.postcode}"], 0))
        self._stap = 3
        gemeentecodes = [_gemeentecode(d) for d in adressen]  # every one checked, used or not
        passend = [c for d, c in zip(adressen, gemeentecodes, strict=True) if _past(d, a)]
        if not passend:
            raise UnknownHouseNumber(a.postcode, a.huisnummer, PDOK_NAAM)
        codes = set(passend)
        if len(codes) > 1:
            raise AmbiguousAddress(
                f"{a} lies in more than one municipality according to {PDOK_NAAM}"
                + ("; give the house letter or addition" if len(passend) > 1 else ""),
                codes,
            )
        return codes.pop()


def _lees_antwoord(status: int, inhoud: bytes) -> dict[str, Any]:
    if len(inhoud) > _MAX_ANTWOORD:
        raise SourceError(f"{PDOK_NAAM}: an answer of {len(inhoud)} bytes is far too large")
    if status != 200:
        detail = ""
        try:
            fout = json.loads(inhoud)
            detail = str(fout["error"]["msg"])
        except (ValueError, KeyError, TypeError):
            detail = inhoud[:200].decode("utf-8", "replace").strip()
        fout_van = "local" if status == 400 else "remote"
        exc = SourceError(f"{PDOK_NAAM} answered HTTP {status}" + (f": {detail}" if detail else ""))
        exc.fault = fout_van  # a 400 means our request was wrong
        raise exc
    try:
        document = json.loads(inhoud)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"{PDOK_NAAM}: the answer is not JSON: {exc}") from None
    response = document.get("response") if isinstance(document, dict) else None
    if not isinstance(response, dict):
        raise SourceError(f"{PDOK_NAAM}: the answer has no 'response' object")
    return response


def _geheel_getal(response: dict[str, Any], veld: str) -> int:
    waarde = response.get(veld)
    if type(waarde) is not int or waarde < 0:
        raise SourceError(f"{PDOK_NAAM}: response.{veld} is not a count: {waarde!r}")
    return waarde


def _is_dit_adres(doc: dict[str, Any], adres: Zoekadres) -> bool:
    if doc.get("type") != "adres":
        return False
    postcode = doc.get("postcode")
    return (
        isinstance(postcode, str)
        and postcode.replace(" ", "").upper() == adres.postcode
        and doc.get("huisnummer") == adres.huisnummer
        and type(doc.get("huisnummer")) is int
    )


def _tekst(doc: dict[str, Any], veld: str) -> str | None:
    waarde = doc.get(veld)
    if waarde is None or waarde == "":
        return None
    if not isinstance(waarde, str):
        raise SourceError(f"{PDOK_NAAM}: {veld} is not text: {waarde!r}")
    return waarde.upper()


def _past(doc: dict[str, Any], adres: Zoekadres) -> bool:
    """Whether a document matches the letter and addition the caller gave (if any)."""
    if adres.huisletter is not None and _tekst(doc, "huisletter") != adres.huisletter:
        return False
    toevoeging = adres.huisnummertoevoeging
    return toevoeging is None or _tekst(doc, "huisnummertoevoeging") == toevoeging.upper()


def _gemeentecode(doc: dict[str, Any]) -> str:
    code = doc.get("gemeentecode")
    if not (isinstance(code, str) and len(code) == 4 and code.isascii() and code.isdigit()):
        raise SourceError(f"{PDOK_NAAM}: gemeentecode is not four digits: {code!r}")
    return code
