"""The receiver double: a small HTTP/1.1 receiver (h11 on asyncio) that a vendor's sender is
pointed at. It answers like a receiver (library-validated messages, an Ontvangstbevestiging with
the library's deadlines, a postvak, idempotency on berichtId) and injects the faults a scenario
asks for: 503, 429, a dropped connection, a time-out, a 409, a 400 with problem details.

h11 rather than an ASGI server: a fault such as "close the connection without an answer" needs
the socket, which ASGI hides.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import h11

from warm_referral import parse_json, parse_xml, to_xml
from warm_referral.errors import MessageValidationError
from warm_referral.lifecycle import (
    RemoteAgreementViolation,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Verwijzingsdossier,
)
from warm_referral.models import Bericht, Partij, Statusverzoek, Verwijzing

if TYPE_CHECKING:
    from warm_referral.ondertekening import Vertrouwensankers

__all__ = ["STORINGEN", "Dubbel", "Poging", "Postvakverzoek"]

STORINGEN = ("ok", "503", "429", "verbreek", "timeout", "400", "409")
"""What the double can do with an attempt: answer, or one of the faults."""


@dataclass
class Poging:
    """One POST /berichten as the double saw it."""

    tijd: float
    pad: str
    content_type: str
    body: bytes
    bericht: Bericht | None
    fouten: list[str]
    storing: str = "ok"
    status: int | None = None
    antwoord: bytes = b""
    handtekening: tuple[str, ...] = ()
    """Every ``nlgov-adr-payload-sig`` field of the request, as received."""
    digest: tuple[str, ...] = ()
    """Every ``Digest`` field of the request, as received."""

    @property
    def bericht_id(self) -> str | None:
        return str(self.bericht.bericht_id) if self.bericht is not None else None


@dataclass
class Postvakverzoek:
    tijd: float
    na: int | None
    gegeven: list[int] = field(default_factory=list)


Beleid = Callable[[Poging], str]


def _probleem(
    status: int, titel: str, detail: str, fouten: list[dict[str, str]] | None = None
) -> bytes:
    return json.dumps(
        {
            "type": f"https://standaarden.nvvk.nl/warme-doorverwijzing/v1/problemen/{titel.lower().replace(' ', '-')}",
            "title": titel,
            "status": status,
            "detail": detail,
            "fouten": fouten or [],
        }
    ).encode()


class Dubbel:
    """Start with :meth:`start`, stop with :meth:`stop`; the scenario sets :attr:`beleid`."""

    def __init__(
        self,
        host: str,
        poort: int,
        gemeente: Partij,
        *,
        ssl_context: ssl.SSLContext | None = None,
        vertraging: float = 35.0,
        vertrouwd: Vertrouwensankers | None = None,
    ) -> None:
        self.host, self.poort = host, poort
        self.vertrouwd = vertrouwd
        """The roots the sender's signing certificates must chain to; None: signatures are
        not checked (the check of WD-OND is then not run)."""
        self.gemeente = gemeente
        self.ssl_context = ssl_context
        self.vertraging = vertraging
        self.beleid: Beleid = lambda poging: "ok"
        self.pogingen: list[Poging] = []
        self.postvakverzoeken: list[Postvakverzoek] = []
        self.urls: list[str] = []
        self.postvak: list[tuple[int, bytes]] = []
        self._antwoorden: dict[str, tuple[str, int, bytes, str]] = {}
        self._dossiers: dict[str, Verwijzingsdossier] = {}
        self._slot = threading.Lock()
        self._lus: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._draad: threading.Thread | None = None
        self._klaar = threading.Event()
        self._open: set[asyncio.StreamWriter] = set()

    # --- life -------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        schema = "https" if self.ssl_context else "http"
        return f"{schema}://{self.host}:{self.poort}/v1"

    def start(self) -> None:
        fout: list[BaseException] = []

        def draai() -> None:
            lus = asyncio.new_event_loop()
            self._lus = lus
            try:
                self._server = lus.run_until_complete(
                    asyncio.start_server(
                        self._verbinding, self.host, self.poort, ssl=self.ssl_context
                    )
                )
                if self.poort == 0:
                    self.poort = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:
                fout.append(exc)
                self._klaar.set()
                return
            self._klaar.set()
            lus.run_forever()
            lus.close()

        self._draad = threading.Thread(target=draai, name="ontvangerdubbel", daemon=True)
        self._draad.start()
        self._klaar.wait(10)
        if fout:
            raise fout[0]

    def stop(self) -> None:
        if self._lus is None:
            return

        async def sluit() -> None:
            if self._server is not None:
                self._server.close()
            for schrijver in list(self._open):
                schrijver.close()
            await asyncio.sleep(0.05)
            self._lus.stop()  # type: ignore[union-attr]

        asyncio.run_coroutine_threadsafe(sluit(), self._lus)
        if self._draad is not None:
            self._draad.join(10)

    # --- what it holds ----------------------------------------------------------------------------

    def pogingen_van(self, bericht_id: str) -> list[Poging]:
        with self._slot:
            return [p for p in self.pogingen if p.bericht_id == bericht_id]

    def zet_in_postvak(self, bericht: Bericht) -> int:
        with self._slot:
            nummer = len(self.postvak) + 1
            self.postvak.append((nummer, bericht.to_json()))
            return nummer

    def dossier(self, conversatie_id: str) -> Verwijzingsdossier | None:
        return self._dossiers.get(conversatie_id)

    # --- HTTP ---------------------------------------------------------------------------------------

    async def _verbinding(
        self, lezer: asyncio.StreamReader, schrijver: asyncio.StreamWriter
    ) -> None:
        verbinding = h11.Connection(h11.SERVER)
        self._open.add(schrijver)
        try:
            while True:
                verzoek, body = await self._lees(verbinding, lezer)
                if verzoek is None:
                    return
                sluiten = await self._behandel(verbinding, schrijver, verzoek, body)
                if sluiten or verbinding.our_state is h11.MUST_CLOSE:
                    return
                verbinding.start_next_cycle()
        except (h11.ProtocolError, ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._open.discard(schrijver)
            schrijver.close()

    async def _lees(
        self, verbinding: h11.Connection, lezer: asyncio.StreamReader
    ) -> tuple[h11.Request | None, bytes]:
        verzoek: h11.Request | None = None
        body = bytearray()
        while True:
            gebeurtenis = verbinding.next_event()
            if gebeurtenis is h11.NEED_DATA:
                data = await lezer.read(65536)
                verbinding.receive_data(data)
                if not data and verzoek is None:
                    return None, b""
                continue
            if isinstance(gebeurtenis, h11.Request):
                verzoek = gebeurtenis
            elif isinstance(gebeurtenis, h11.Data):
                body += gebeurtenis.data
                if len(body) > 1_000_000:
                    raise h11.RemoteProtocolError("body too large")
            elif isinstance(gebeurtenis, h11.EndOfMessage):
                return verzoek, bytes(body)
            elif isinstance(gebeurtenis, h11.ConnectionClosed):
                return None, b""

    async def _stuur(
        self,
        verbinding: h11.Connection,
        schrijver: asyncio.StreamWriter,
        status: int,
        body: bytes,
        content_type: str,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        headers = [
            ("content-type", content_type),
            ("content-length", str(len(body))),
            ("api-version", "1.0.0"),
            ("cache-control", "no-store"),
            ("x-content-type-options", "nosniff"),
            *(extra or []),
        ]
        schrijver.write(verbinding.send(h11.Response(status_code=status, headers=headers)) or b"")
        schrijver.write(verbinding.send(h11.Data(data=body)) or b"")
        schrijver.write(verbinding.send(h11.EndOfMessage()) or b"")
        await schrijver.drain()

    async def _behandel(
        self,
        verbinding: h11.Connection,
        schrijver: asyncio.StreamWriter,
        verzoek: h11.Request,
        body: bytes,
    ) -> bool:
        doel = verzoek.target.decode("latin-1")
        self.urls.append(doel)
        delen = urlsplit(doel)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in verzoek.headers}
        methode = verzoek.method.decode("ascii")
        if methode == "GET" and delen.path == "/v1/postvak":
            return await self._postvak(verbinding, schrijver, delen.query)
        if methode == "GET" and delen.path == "/v1/openapi.json":
            from ..openapi import document

            await self._stuur(
                verbinding, schrijver, 200, json.dumps(document()).encode(), "application/json"
            )
            return False
        if methode != "POST" or delen.path != "/v1/berichten":
            await self._stuur(
                verbinding,
                schrijver,
                404,
                _probleem(404, "Niet gevonden", f"no {methode} {delen.path} here"),
                "application/problem+json",
            )
            return False

        def alle(naam: bytes) -> tuple[str, ...]:
            return tuple(v.decode("latin-1") for k, v in verzoek.headers if k.lower() == naam)

        return await self._bericht(
            verbinding,
            schrijver,
            delen.path,
            headers.get("content-type", ""),
            body,
            (alle(b"nlgov-adr-payload-sig"), alle(b"digest")),
        )

    async def _postvak(
        self, verbinding: h11.Connection, schrijver: asyncio.StreamWriter, query: str
    ) -> bool:
        waarden = parse_qs(query)
        try:
            na = int(waarden.get("na", ["0"])[0])
            limiet = int(waarden.get("limiet", ["100"])[0])
        except ValueError:
            na, limiet = -1, 0
        verzoek = Postvakverzoek(time.monotonic(), na if "na" in waarden else None)
        with self._slot:
            pagina = [(n, b) for n, b in self.postvak if n > na][: max(0, min(limiet, 500))]
            verzoek.gegeven = [n for n, _ in pagina]
            self.postvakverzoeken.append(verzoek)
        body = json.dumps(
            {
                "berichten": [{"volgnummer": n, "bericht": json.loads(b)} for n, b in pagina],
                "laatsteVolgnummer": pagina[-1][0] if pagina else max(na, 0),
            }
        ).encode()
        await self._stuur(verbinding, schrijver, 200, body, "application/json")
        return False

    async def _bericht(
        self,
        verbinding: h11.Connection,
        schrijver: asyncio.StreamWriter,
        pad: str,
        content_type: str,
        body: bytes,
        handtekening: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    ) -> bool:
        mediatype = content_type.split(";")[0].strip().lower()
        xml = mediatype in ("application/xml", "text/xml")
        bericht: Bericht | None = None
        fouten: list[str] = []
        try:
            if mediatype not in ("application/json", "application/xml", "text/xml"):
                fouten.append(
                    f"Content-Type {mediatype or 'ontbreekt'} is niet application/json of application/xml"
                )
            bericht = parse_xml(body) if xml else parse_json(body)
        except MessageValidationError as exc:
            fouten += [f"{v.pointer or '/'}: {v.melding} [{v.code}]" for v in exc.violations]
        poging = Poging(
            time.monotonic(),
            pad,
            content_type,
            body,
            bericht,
            fouten,
            handtekening=handtekening[0],
            digest=handtekening[1],
        )
        with self._slot:
            self.pogingen.append(poging)
        if bericht is None:
            poging.status = 400
            poging.antwoord = _probleem(
                400,
                "Ongeldig bericht",
                "the message is not valid",
                [{"pointer": "", "code": "ongeldig", "melding": f} for f in fouten[:50]],
            )
            await self._stuur(
                verbinding, schrijver, 400, poging.antwoord, "application/problem+json"
            )
            return False
        poging.storing = storing = self.beleid(poging)
        if storing == "verbreek":
            return True
        if storing == "timeout":
            await asyncio.sleep(self.vertraging)
            return True
        if storing in ("503", "429", "400", "409"):
            status = int(storing)
            titels = {
                503: "Niet beschikbaar",
                429: "Te veel verzoeken",
                400: "Ongeldig bericht",
                409: "Conflict",
            }
            poging.status = status
            poging.antwoord = _probleem(
                status, titels[status], f"a fault the conformance kit injects ({status})"
            )
            extra = [("retry-after", "1")] if status == 429 else []
            await self._stuur(
                verbinding, schrijver, status, poging.antwoord, "application/problem+json", extra
            )
            return False
        status, antwoord, soort = self._aanvaard(bericht, xml)
        poging.status, poging.antwoord = status, antwoord
        await self._stuur(verbinding, schrijver, status, antwoord, soort)
        return False

    def _aanvaard(self, bericht: Bericht, xml: bool) -> tuple[int, bytes, str]:
        sleutel = hashlib.sha256(bericht.to_json()).hexdigest()
        bid = str(bericht.bericht_id)
        with self._slot:
            eerder = self._antwoorden.get(bid)
            if eerder is not None:
                if eerder[0] != sleutel:
                    return (
                        409,
                        _probleem(409, "Conflict", f"berichtId {bid} was used for another message"),
                        "application/problem+json",
                    )
                return eerder[1], eerder[2], eerder[3]
            nu = datetime.now(timezone.utc)
            conv = str(bericht.conversatie_id)
            status, antwoord, soort = (
                202,
                json.dumps(
                    {
                        "berichtId": bid,
                        "berichttype": bericht.berichttype,
                        "ontvangenOp": nu.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    }
                ).encode(),
                "application/json",
            )
            if isinstance(bericht, Verwijzing) and conv not in self._dossiers:
                try:
                    dossier, wijziging = Verwijzingsdossier.voor_gemeente(
                        bericht, max(nu, bericht.verwezen_op)
                    )
                except RemoteAgreementViolation as exc:
                    # Refused as a receiver would (the scenario's checks report why).
                    fouten = [
                        {"pointer": v.pointer, "code": v.code, "melding": v.melding}
                        for v in exc.violations
                    ]
                    weigering = (
                        422,
                        _probleem(422, "Afspraak geschonden", str(exc), fouten),
                        "application/problem+json",
                    )
                    self._antwoorden[bid] = (sleutel, *weigering)
                    return weigering
                self._dossiers[conv] = dossier
                for effect in wijziging.effecten:
                    if isinstance(effect, StuurOntvangstbevestiging):
                        bevestiging = effect.als_bericht(
                            afzender=self.gemeente,
                            ontvanger=bericht.afzender,
                            conversatie_id=bericht.conversatie_id,
                            nu=nu,
                            spec_versie=dossier.spec_versie,
                        )
                        dossier.verstuur(bevestiging)
                        self.postvak.append((len(self.postvak) + 1, bevestiging.to_json()))
                        status, antwoord = (
                            201,
                            (to_xml(bevestiging) if xml else bevestiging.to_json()),
                        )
                        soort = "application/xml" if xml else "application/json"
            elif isinstance(bericht, Statusverzoek) and conv in self._dossiers:
                dossier = self._dossiers[conv]
                wijziging = dossier.ontvang(bericht)
                for effect in wijziging.effecten:
                    if isinstance(effect, StuurStatusbericht):
                        bericht_uit = effect.als_bericht(
                            afzender=self.gemeente,
                            ontvanger=bericht.afzender,
                            conversatie_id=bericht.conversatie_id,
                            nu=nu,
                            spec_versie=dossier.spec_versie,
                        )
                        dossier.verstuur(bericht_uit)
                        status, antwoord = (
                            200,
                            (to_xml(bericht_uit) if xml else bericht_uit.to_json()),
                        )
                        soort = "application/xml" if xml else "application/json"
            elif isinstance(bericht, Verwijzing):
                return (
                    409,
                    _probleem(409, "Conflict", "this conversation already holds a referral"),
                    "application/problem+json",
                )
            self._antwoorden[bid] = (sleutel, status, antwoord, soort)
            return status, antwoord, soort


def poging_als_tekst(poging: Poging) -> dict[str, Any]:
    return {"content_type": poging.content_type, "storing": poging.storing, "status": poging.status}
