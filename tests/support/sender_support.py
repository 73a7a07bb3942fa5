"""Shared support for the reference sender's tests (issue 7).

- :class:`NepGemeente`: a fake receiver for ``httpx.MockTransport``, built on the library's
  lifecycle, whose faults are scripted per request (refuse the connection, store and then lose the
  answer, 503, 429 with Retry-After, ...), and whose postvak a test can fill in any order;
- :func:`echte_ontvanger`: the real reference receiver in-process (``build_receiver`` behind
  ``httpx.ASGITransport``), with its lifespan running, for end-to-end tests without a process;
- synthetic referrals with fresh identifiers.

Everything here is synthetic.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from warm_referral_reference.receiver.config import Instellingen
from warm_referral_reference.receiver.server import build_receiver
from warm_referral_reference.sender import Outbox, Retrybeleid, Verzender
from warm_referral_reference.sender.bouwen import synthetische_verwijzing

from warm_referral import parse_json
from warm_referral.lifecycle import (
    Oppakken,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Verwijzingsdossier,
)
from warm_referral.models import Bericht, Verwijzing

NU = datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc)
URL = "http://ontvanger.test/v1"
SNEL = Retrybeleid(basis=0.001, plafond=0.01)
"""A retry policy for tests: the same shape, waits of milliseconds."""


def verwijzing(nummer: int = 1, verwezen_op: datetime = NU) -> Verwijzing:
    return synthetische_verwijzing(nummer, verwezen_op=verwezen_op)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- a fake receiver with scripted faults ---------------------------------------------------------


@dataclass
class NepGemeente:
    """Answers POST /berichten and GET /postvak like the reference receiver (idempotent on
    berichtId, 409 for another body), with one scripted fault per request from ``storingen``:

    ``"connect"`` (refused before anything is stored), ``"verlies"`` (stored, then the connection
    drops: the answer is lost), ``"timeout"`` (stored, then a read timeout), ``"503"``, ``"500"``,
    ``"429"`` (with Retry-After: 0), or ``"ok"``.
    """

    storingen: list[str] = field(default_factory=list)
    nu: datetime = NU
    posts: list[tuple[UUID, bytes]] = field(default_factory=list)
    postvak: list[dict[str, Any]] = field(default_factory=list)
    antwoorden: dict[UUID, tuple[str, int, bytes]] = field(default_factory=dict)
    dossiers: dict[UUID, Verwijzingsdossier] = field(default_factory=dict)
    postvak_verzoeken: int = 0
    bevestiging_in_postvak: bool = True
    """The reference receiver also puts each Ontvangstbevestiging in the postvak; a receiver
    that answers it only in the 201 is allowed too."""

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._verwerk)

    def _verwerk(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/postvak"):
            self.postvak_verzoeken += 1
            na = int(request.url.params.get("na", "0"))
            limiet = int(request.url.params.get("limiet", "100"))
            pagina = [b for b in self.postvak if b["volgnummer"] > na][:limiet]
            laatste = pagina[-1]["volgnummer"] if pagina else na
            return httpx.Response(200, json={"berichten": pagina, "laatsteVolgnummer": laatste})
        assert request.method == "POST" and request.url.path.endswith("/berichten")
        storing = self.storingen.pop(0) if self.storingen else "ok"
        bericht = parse_json(request.content)
        self.posts.append((bericht.bericht_id, request.content))
        if storing == "connect":
            raise httpx.ConnectError("connection refused", request=request)
        if storing in ("503", "500"):
            return httpx.Response(int(storing), json={"title": "Niet beschikbaar", "status": 503})
        if storing == "429":
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"title": "Te veel"})
        status, body = self._bewaar(bericht, request.content)
        if storing == "verlies":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        if storing == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    def _bewaar(self, bericht: Bericht, body: bytes) -> tuple[int, bytes]:
        sleutel = hashlib.sha256(bericht.to_json()).hexdigest()
        eerder = self.antwoorden.get(bericht.bericht_id)
        if eerder is not None:
            if eerder[0] != sleutel:
                return 409, json.dumps(
                    {"title": "Conflict", "status": 409, "detail": "berichtId reused"}
                ).encode()
            return eerder[1], eerder[2]
        if isinstance(bericht, Verwijzing):
            dossier, wijziging = Verwijzingsdossier.voor_gemeente(bericht, self.nu)
            self.dossiers[bericht.conversatie_id] = dossier
            effect = next(e for e in wijziging.effecten if isinstance(e, StuurOntvangstbevestiging))
            bevestiging = self._stuur(dossier, effect, postvak=self.bevestiging_in_postvak)
            antwoord = (201, bevestiging.to_json())
        else:
            dossier = self.dossiers[bericht.conversatie_id]
            dossier.ontvang(bericht)
            antwoord = (202, json.dumps({"berichtId": str(bericht.bericht_id)}).encode())
        self.antwoorden[bericht.bericht_id] = (sleutel, *antwoord)
        return antwoord

    def _stuur(self, dossier: Verwijzingsdossier, effect: Any, postvak: bool = True) -> Bericht:
        bericht: Bericht = effect.als_bericht(
            afzender=dossier.gemeente, ontvanger=dossier.schuldeiser,
            conversatie_id=dossier.conversatie_id, nu=self.nu,
        )  # fmt: skip
        dossier.verstuur(bericht)
        if postvak:
            self.in_postvak(bericht)
        return bericht

    def in_postvak(self, bericht: Bericht) -> None:
        volgnummer = (self.postvak[-1]["volgnummer"] if self.postvak else 0) + 1
        self.postvak.append({"volgnummer": volgnummer, "bericht": json.loads(bericht.to_json())})

    def oppakken(self, conversatie_id: UUID, datum: date | None = None) -> Bericht:
        """The operator takes the referral up; the Statusbericht goes to the postvak."""
        dossier = self.dossiers[conversatie_id]
        wijziging = dossier.registreer(Oppakken(datum=datum or self.nu.date()))
        effect = next(e for e in wijziging.effecten if isinstance(e, StuurStatusbericht))
        return self._stuur(dossier, effect)

    def verzender(self, outbox: Outbox, **opties: Any) -> Verzender:
        client = httpx.AsyncClient(transport=self.transport())
        return Verzender(outbox, URL, token="dev-evides", client=client, beleid=SNEL, **opties)


# --- the real receiver, in-process ----------------------------------------------------------------


@dataclass
class EchteOntvanger:
    client: httpx.AsyncClient
    db: Path

    async def klok(self, moment: datetime) -> None:
        antwoord = await self.client.put(
            "/v1/testklok",
            json={"nu": moment.strftime("%Y-%m-%dT%H:%M:%SZ")},
            headers=auth("dev-operator"),
        )
        assert antwoord.status_code == 200, antwoord.text

    async def actie(self, conversatie_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
        antwoord = await self.client.post(
            f"/v1/verwijzingen/{conversatie_id}/acties", json=body, headers=auth("dev-operator")
        )
        assert antwoord.status_code == 201, antwoord.text
        data: dict[str, Any] = antwoord.json()
        return data

    def verzender(self, outbox: Outbox, token: str = "dev-evides", **opties: Any) -> Verzender:
        return Verzender(
            outbox, "http://ontvanger/v1", token=token, client=self.client, beleid=SNEL, **opties
        )

    def tel(self, sql: str) -> int:
        import sqlite3

        conn = sqlite3.connect(self.db)
        try:
            return int(conn.execute(sql).fetchone()[0])
        finally:
            conn.close()


@contextlib.asynccontextmanager
async def echte_ontvanger(
    map: Path, klok: datetime = NU, instellingen: Instellingen | None = None
) -> AsyncIterator[EchteOntvanger]:
    """The reference receiver with a fresh database in ``map``, its test clock at ``klok``."""
    db = map / "ontvanger.sqlite3"
    app = build_receiver(instellingen or Instellingen(), db)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ontvanger") as client:
            ontvanger = EchteOntvanger(client, db)
            await ontvanger.klok(klok)
            yield ontvanger


__all__ = [
    "NU",
    "SNEL",
    "URL",
    "EchteOntvanger",
    "NepGemeente",
    "auth",
    "echte_ontvanger",
    "verwijzing",
]
