"""The kit's HTTP side: one client per set of credentials, every exchange recorded for the report
and checked against the OpenAPI document and the NL API Design Rules."""

from __future__ import annotations

import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from .maskeren import maskeer, maskeer_header
from .openapi import controleer_antwoord
from .resultaten import Uitwisseling

if TYPE_CHECKING:
    from warm_referral.models import Partij

    from .context import Controlecontext

__all__ = ["GeenAntwoord", "HttpClient", "Toegang", "Verbindingen", "curl_regel"]

#: How much of a body a report shows; a curl line leaves out bodies longer than this.
_MAX_TEKST = 20_000


class GeenAntwoord(Exception):
    """The implementation did not answer (refused, reset, time-out); the exchange is recorded."""


@dataclass(frozen=True, slots=True)
class Toegang:
    """Credentials of one participant: a bearer token (development) or a client certificate."""

    token: str | None = None
    cert: Path | None = None
    key: Path | None = None

    def __post_init__(self) -> None:
        if (self.cert is None) != (self.key is None):
            raise ValueError("a client certificate needs both cert and key")
        if self.token is None and self.cert is None:
            raise ValueError("give a token or a client certificate")


class Verbindingen:
    """One connection pool per set of credentials, shared by the checks of a run."""

    def __init__(self, ca: Path | None, timeout: float) -> None:
        self._ca = ca
        self._timeout = timeout
        self._pools: dict[Toegang | None, httpx.Client] = {}

    def pool(self, toegang: Toegang | None) -> httpx.Client:
        if toegang not in self._pools:
            opties: dict[str, object] = {}
            if toegang is not None and toegang.cert is not None:
                opties["cert"] = (str(toegang.cert), str(toegang.key))
            if self._ca is not None:
                opties["verify"] = str(self._ca)
            self._pools[toegang] = httpx.Client(
                timeout=httpx.Timeout(self._timeout, connect=min(self._timeout, 5.0)),
                follow_redirects=False,
                **opties,  # type: ignore[arg-type]
            )
        return self._pools[toegang]

    def sluit(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


def curl_regel(
    methode: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    toegang: Toegang | None,
    ca: Path | None,
) -> str:
    """A shell command that sends the same request (credentials and BSNs masked)."""
    delen = ["curl", "-sS", "-i", "-X", methode, shlex.quote(url)]
    for naam, waarde in headers.items():
        if naam.lower() in (
            "host",
            "content-length",
            "accept-encoding",
            "connection",
            "user-agent",
            "accept",
        ):
            continue
        delen += ["-H", shlex.quote(f"{naam}: {maskeer_header(naam, waarde)}")]
    if toegang is not None and toegang.cert is not None:
        delen += ["--cert", shlex.quote(str(toegang.cert)), "--key", shlex.quote(str(toegang.key))]
    if ca is not None:
        delen += ["--cacert", shlex.quote(str(ca))]
    if body:
        if len(body) > _MAX_TEKST:
            delen += [
                "--data-binary",
                "@verzoek.bin",
                f"# de inhoud ({len(body)} bytes) staat niet in het rapport",
            ]
        else:
            delen += ["--data-binary", shlex.quote(maskeer(body.decode("utf-8", errors="replace")))]
    return " ".join(delen)


def _tekst(data: bytes) -> str:
    tekst = data[:_MAX_TEKST].decode("utf-8", errors="replace")
    if len(data) > _MAX_TEKST:
        tekst += f"\n... ({len(data) - _MAX_TEKST} bytes meer)"
    return maskeer(tekst)


class HttpClient:
    """Requests on behalf of one participant, recorded in the check's context."""

    def __init__(
        self,
        ctx: Controlecontext,
        basis_url: str,
        pool: httpx.Client,
        toegang: Toegang | None,
        ca: Path | None,
        naam: str,
        *,
        ondertekenaar: Partij | None = None,
    ) -> None:
        self._ctx = ctx
        self.ondertekenaar = ondertekenaar
        """The creditor whose signature a message posted to /berichten gets (WD-OND), if any."""
        self.basis_url = basis_url.rstrip("/")
        self.basispad = urlsplit(self.basis_url).path or "/"
        self._pool = pool
        self.toegang = toegang
        self._ca = ca
        self.naam = naam

    def verzoek(
        self,
        methode: str,
        pad: str,
        *,
        inhoud: bytes | None = None,
        content_type: str | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        controleer: bool = True,
        authenticeer: bool = True,
        onderteken: bool = True,
    ) -> httpx.Response:
        """Send one request; ``controleer``: check the answer against the OpenAPI document and
        the NL API Design Rules (off for probes whose own check judges the answer);
        ``onderteken``: sign a message posted to /berichten when the receiver checks signatures
        (off for the signature checks, which bring their own headers)."""
        alle = dict(headers or {})
        if authenticeer and self.toegang is not None and self.toegang.token is not None:
            alle.setdefault("Authorization", f"Bearer {self.toegang.token}")
        if content_type is not None:
            alle["Content-Type"] = content_type
        if (
            onderteken
            and self.ondertekenaar is not None
            and methode == "POST"
            and pad == "/berichten"
        ):
            from .ondertekening import PkiFout, onderteken_als

            try:
                alle.update(onderteken_als(self.ondertekenaar, inhoud or b"", self._ctx.nu()))
            except PkiFout as exc:
                self._ctx.niet_uitgevoerd(f"de kit kan niet ondertekenen: {exc}")
        verzoek = self._pool.build_request(
            methode, self.basis_url + pad, content=inhoud, params=params, headers=alle
        )
        body = inhoud or b""
        uitwisseling = Uitwisseling(
            methode=methode,
            url=maskeer(str(verzoek.url)),
            verzoekheaders={k: maskeer_header(k, v) for k, v in verzoek.headers.items()},
            verzoekbody=_tekst(body),
            curl=curl_regel(
                methode, str(verzoek.url), verzoek.headers, body, self.toegang, self._ca
            ),
        )
        begin = time.monotonic()
        try:
            antwoord = self._pool.send(verzoek)
        except httpx.HTTPError as exc:
            uitwisseling.duur = time.monotonic() - begin
            uitwisseling.fout = f"{type(exc).__name__}: {exc}".rstrip(": ")
            self._ctx.bewaar(uitwisseling)
            raise GeenAntwoord(f"geen antwoord op {methode} {pad}: {uitwisseling.fout}") from None
        uitwisseling.duur = time.monotonic() - begin
        uitwisseling.status = antwoord.status_code
        uitwisseling.antwoordheaders = {k: maskeer(v) for k, v in antwoord.headers.items()}
        uitwisseling.antwoordbody = _tekst(antwoord.content)
        index = self._ctx.bewaar(uitwisseling, antwoord)
        if controleer:
            for eis, melding in controleer_antwoord(antwoord, self.basispad):
                self._ctx.afwijking(eis, melding, antwoord, _index=index)
        return antwoord

    def get(self, pad: str, **opties: object) -> httpx.Response:
        return self.verzoek("GET", pad, **opties)  # type: ignore[arg-type]

    def post(self, pad: str, **opties: object) -> httpx.Response:
        return self.verzoek("POST", pad, **opties)  # type: ignore[arg-type]

    def put(self, pad: str, **opties: object) -> httpx.Response:
        return self.verzoek("PUT", pad, **opties)  # type: ignore[arg-type]
