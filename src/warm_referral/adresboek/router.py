"""From a customer's address to the endpoint that must receive the referral: one call.

The sender's routing is a thin adapter over this: find the gemeentecode on the referral's date
(:class:`~warm_referral.adressen.zoeker.Gemeentezoeker`), then the serving organisation and an
endpoint it can use (:class:`~.boek.Adresboek`). Every failure is a typed error *before* anything
is sent: an address book that is not valid on the date, an invalid or unknown address, a
municipality without an organisation, or an organisation without an endpoint this sender can use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .._version import SPEC_VERSIES
from ..adressen.adres import AdresLike, Zoekadres
from ..adressen.zoeker import Gemeentevondst, Gemeentezoeker
from .boek import Adresboek, Vermelding
from .errors import AddressBookExpired
from .model import Binding, Eindpunt, Organisatie

__all__ = ["Route", "Router"]


@dataclass(frozen=True, slots=True)
class Route:
    """Where one referral goes, and why."""

    vondst: Gemeentevondst
    vermelding: Vermelding
    eindpunt: Eindpunt
    overschreven: bool = False
    """True when a configured override chose the endpoint (tests, a migration)."""

    @property
    def gemeentecode(self) -> str:
        return self.vondst.gemeentecode

    @property
    def organisatie(self) -> Organisatie:
        return self.vermelding.organisatie


class Router:
    """Routes addresses with one address source chain and one verified address book."""

    def __init__(
        self,
        zoeker: Gemeentezoeker,
        adresboek: Adresboek,
        *,
        bindingen: Iterable[Binding | str] = (Binding.REST,),
        spec_versie: str | Iterable[str] = SPEC_VERSIES,
        overschrijvingen: Mapping[str, Eindpunt] | None = None,
    ) -> None:
        self.zoeker = zoeker
        self.adresboek = adresboek
        self.bindingen = tuple(Binding(b) for b in bindingen)
        self.spec_versie = spec_versie if isinstance(spec_versie, str) else tuple(spec_versie)
        self.overschrijvingen = dict(overschrijvingen or {})
        """Per gemeentecode an endpoint that replaces the address book's (never its organisation)."""

    def route(self, adres: AdresLike | Zoekadres, *, op: date) -> Route:
        """The route of a referral for ``adres`` dated ``op`` (the verwijsdatum)."""
        boek = self.adresboek.document
        if not self.adresboek.geldig_op(op):
            raise AddressBookExpired(boek.editie, boek.geldig_vanaf, boek.geldig_tot, op)
        vondst = self.zoeker.zoek(adres, op=op)
        vermelding = self.adresboek.zoek(vondst.gemeentecode, op=op)
        vervanger = self.overschrijvingen.get(vondst.gemeentecode)
        if vervanger is not None:
            return Route(vondst, vermelding, vervanger, overschreven=True)
        eindpunt = vermelding.eindpunt(self.bindingen, self.spec_versie)
        return Route(vondst, vermelding, eindpunt)
