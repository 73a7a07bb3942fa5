"""Run the PDOK look-up over HTTP with httpx: an optional part of the library.

``import warm_referral`` never loads this module, and the library does not depend on httpx: a
user who wants online look-ups installs the extra (``pip install warm-referral[pdok]``) or drives
:class:`~.pdok.PdokOpzoeking` with a client of their own. The reference services use this module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx

from .._tijd import AMSTERDAM
from .adres import Zoekadres
from .errors import SourceError
from .pdok import PDOK_BASIS_URL, PDOK_NAAM, HttpVerzoek, PdokOpzoeking

__all__ = ["AsyncPdokBron", "PdokBron"]


def _vandaag() -> date:
    from datetime import datetime

    return datetime.now(AMSTERDAM).date()


class _Basis:
    naam = PDOK_NAAM

    def __init__(self, basis_url: str, vandaag: Callable[[], date] | None) -> None:
        self.basis_url = basis_url
        self._vandaag = vandaag or _vandaag

    @property
    def indeling(self) -> date:
        """PDOK follows the BAG, so its answers are in today's classification."""
        return self._vandaag()


class PdokBron(_Basis):
    """An :class:`~.zoeker.Adresbron` that asks the Locatieserver (blocking)."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        basis_url: str = PDOK_BASIS_URL,
        timeout: float = 5.0,
        vandaag: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(basis_url, vandaag)
        self.client = client or httpx.Client(timeout=timeout)

    def zoek(self, adres: Zoekadres) -> str:
        opzoeking = PdokOpzoeking(adres, self.basis_url)
        stap: HttpVerzoek | str = opzoeking.eerste_verzoek()
        while isinstance(stap, HttpVerzoek):
            try:
                antwoord = self.client.get(stap.url, headers=dict(stap.headers))
            except httpx.HTTPError as exc:
                raise SourceError(f"{PDOK_NAAM} unreachable: {type(exc).__name__}: {exc}") from None
            stap = opzoeking.ontvang(antwoord.status_code, antwoord.content)
        return stap


class AsyncPdokBron(_Basis):
    """The same look-up for asyncio callers (``await bron.zoek(adres)``)."""

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        basis_url: str = PDOK_BASIS_URL,
        timeout: float = 5.0,
        vandaag: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(basis_url, vandaag)
        self.client = client or httpx.AsyncClient(timeout=timeout)

    async def zoek(self, adres: Zoekadres) -> str:
        opzoeking = PdokOpzoeking(adres, self.basis_url)
        stap: HttpVerzoek | str = opzoeking.eerste_verzoek()
        while isinstance(stap, HttpVerzoek):
            try:
                antwoord = await self.client.get(stap.url, headers=dict(stap.headers))
            except httpx.HTTPError as exc:
                raise SourceError(f"{PDOK_NAAM} unreachable: {type(exc).__name__}: {exc}") from None
            stap = opzoeking.ontvang(antwoord.status_code, antwoord.content)
        return stap
