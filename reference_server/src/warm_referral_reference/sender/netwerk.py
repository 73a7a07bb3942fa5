"""One creditor sending to the whole network: each referral routed by address to its receiver.

:class:`Netwerkverzender` routes a Verwijzing (:mod:`.routering`) *before* storing it, so an
unknown address or a municipality without an organisation is a typed error and nothing is queued.
It keeps one :class:`~.client.Verzender` and one outbox file per endpoint (a Verzender sends what its
outbox holds to one receiver), so follow-up messages (Intrekking, Statusverzoek) go where their
Verwijzing went: :meth:`Netwerkverzender.enqueue` finds the outbox that holds the conversation.

Before anything is sent to an https endpoint, the certificate the server presents is checked
against the fingerprints the address book lists for it (WD-ADR-06), on a connection of its own
(httpx has no hook into its handshake); on a mismatch nothing is sent there.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warm_referral.adresboek import Eindpunt, Route
from warm_referral.models import Bericht, Verwijzing

from .client import Retrybeleid, Verzender, Verzendrapport
from .errors import CertificateMismatch, SenderError
from .outbox import Outbox, Uitgaand
from .routering import Verwijzingsrouter

__all__ = ["Geplaatst", "Netwerkverzender", "controleer_certificaat"]


@dataclass(frozen=True, slots=True)
class Geplaatst:
    """A referral stored for sending, and the route that chose its receiver."""

    route: Route
    uitgaand: Uitgaand


async def controleer_certificaat(
    url: str,
    vingerafdrukken: Collection[str],
    *,
    context: ssl.SSLContext | None = None,
    timeout: float = 10.0,
) -> str:
    """The SHA-256 of the certificate the server at ``url`` presents, if it is one of
    ``vingerafdrukken``; :class:`CertificateMismatch` otherwise. ``context`` is the TLS
    configuration the sender uses (its CA bundle, its client certificate)."""
    delen = urlsplit(url)
    if delen.scheme != "https" or not delen.hostname:
        raise ValueError(f"{url} is not an https URL")
    context = context or ssl.create_default_context()
    try:
        lezer, schrijver = await asyncio.wait_for(
            asyncio.open_connection(
                delen.hostname, delen.port or 443, ssl=context, server_hostname=delen.hostname
            ),
            timeout,
        )
    except (OSError, asyncio.TimeoutError) as exc:
        raise CertificateMismatch(
            f"cannot check the certificate of {url}: {type(exc).__name__}: {exc}"
        ) from None
    try:
        ssl_object = schrijver.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
    finally:
        schrijver.close()
        await asyncio.gather(schrijver.wait_closed(), return_exceptions=True)
        del lezer
    if not der:
        raise CertificateMismatch(f"{url} presented no certificate")
    gezien = hashlib.sha256(der).hexdigest()
    if gezien not in {v.lower() for v in vingerafdrukken}:
        raise CertificateMismatch(
            f"{url} presented a certificate with SHA-256 {gezien}, which the address book does "
            f"not list ({', '.join(sorted(vingerafdrukken)) or 'none'}); nothing was sent"
        )
    return gezien


class Netwerkverzender:
    """A creditor's sender to every receiver in the address book. ``async with`` it."""

    def __init__(
        self,
        router: Verwijzingsrouter,
        map_: Path,
        *,
        token: str | None = None,
        beleid: Retrybeleid | None = None,
        client_opties: Mapping[str, Any] | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.router = router
        self.map = Path(map_)
        self.map.mkdir(parents=True, exist_ok=True)
        self._token = token
        self._beleid = beleid
        self._client_opties = dict(client_opties or {})
        self._tls_context = tls_context
        self._eindpunten: dict[str, Eindpunt] = {}
        self.verzenders: dict[str, Verzender] = {}
        """Per endpoint URL its sender (and outbox), created when a referral is routed there."""

    async def __aenter__(self) -> Netwerkverzender:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for verzender in self.verzenders.values():
            await verzender.aclose()
            verzender.outbox.sluit()

    def verzender_voor(self, eindpunt: Eindpunt) -> Verzender:
        url = eindpunt.url.rstrip("/")
        if url not in self.verzenders:
            naam = hashlib.sha256(url.encode()).hexdigest()[:16]
            outbox = Outbox(self.map / f"outbox-{naam}.sqlite3")
            self.verzenders[url] = Verzender(
                outbox,
                url,
                token=self._token,
                beleid=self._beleid,
                client_opties=self._client_opties,
            )
        self._eindpunten[url] = eindpunt
        return self.verzenders[url]

    async def enqueue(self, bericht: Bericht) -> Geplaatst | Uitgaand:
        """Store a message for sending to its receiver. A Verwijzing is routed first (a typed
        error, and nothing stored, when it cannot be); a follow-up goes where its referral went."""
        if isinstance(bericht, Verwijzing):
            route = await asyncio.to_thread(self.router.route, bericht)
            verzender = self.verzender_voor(route.eindpunt)
            return Geplaatst(route, await verzender.enqueue(bericht))
        verzender_ = self.waar(bericht.conversatie_id)
        if verzender_ is not None:
            return await verzender_.enqueue(bericht)
        raise SenderError(
            f"no referral of conversation {bericht.conversatie_id} was sent through this "
            f"network sender; a {bericht.berichttype} goes where its Verwijzing went"
        )

    async def verzend_alles(self, *, opgeven_na: float | None = None) -> dict[str, Verzendrapport]:
        """Send every outbox until empty (or ``opgeven_na``); per endpoint URL what happened.
        An https endpoint whose certificate the book does not list gets nothing
        (:class:`CertificateMismatch`)."""
        for url, eindpunt in self._eindpunten.items():
            if url.startswith("https://") and eindpunt.tls_certificaten:
                await controleer_certificaat(
                    url, eindpunt.tls_certificaten, context=self._tls_context
                )
        rapporten = await asyncio.gather(
            *(v.verzend_alles(opgeven_na=opgeven_na) for v in self.verzenders.values())
        )
        return dict(zip(self.verzenders, rapporten, strict=True))

    def waar(self, conversatie_id: Any) -> Verzender | None:
        """The sender (and outbox) that holds a conversation's referral."""
        for verzender in self.verzenders.values():
            if verzender.outbox.alle_uitgaand(conversatie_id=conversatie_id):
                return verzender
        return None
