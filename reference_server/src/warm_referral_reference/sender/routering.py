"""Which receiver gets a referral: from the customer's address, through NVVK's address book.

A thin adapter over the library's :class:`~warm_referral.adresboek.Router` (there is one routing
logic, the library's): the address source finds the gemeentecode on the verwijsdatum, the address
book the organisation serving it and its endpoint. The address book is read from its file and its
signature verified on *every* load (WD-ADR-03), an edition not valid on the verwijsdatum is refused
(WD-ADR-04) and so is one older than the newest seen (WD-ADR-05). Every failure is a typed error
raised before anything is stored or sent (WD-ADR-01): an unknown or ambiguous address
(:mod:`warm_referral.adressen.errors`), a municipality without an organisation
(:class:`~warm_referral.adresboek.NoReceiver`), a referral addressed to another municipality than
its address lies in (:class:`~.errors.MunicipalityMismatch`).

``overschrijvingen`` (gemeentecode to URL) replace the book's endpoint, never its organisation:
for tests and migrations. An overridden endpoint is not pinned to a certificate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from warm_referral import amsterdamse_datum
from warm_referral.adresboek import (
    Adresboek,
    Binding,
    Eindpunt,
    Route,
    Router,
    Sleutelbos,
    laad_adresboek,
    laad_sleutelbos,
)
from warm_referral.adressen import Gemeentezoeker
from warm_referral.models import Partij, Verwijzing

from .errors import MunicipalityMismatch

__all__ = ["Adresboekbron", "Verwijzingsrouter", "ontvanger_voor"]


class Adresboekbron:
    """The address book as a file NVVK publishes (replaced by each new edition) and the trust
    list of NVVK's keys. :meth:`laad` reads and verifies it every time it is called."""

    def __init__(self, bestand: Path, sleutels: Path | Sleutelbos) -> None:
        self.bestand = Path(bestand)
        self.sleutels = sleutels if isinstance(sleutels, Sleutelbos) else laad_sleutelbos(sleutels)
        self.hoogste_editie: int | None = None
        """The newest edition seen: an older one is refused (WD-ADR-05)."""

    def laad(self, *, op: date) -> Adresboek:
        """The verified edition, valid on ``op``; a typed AdresboekError otherwise."""
        boek = laad_adresboek(
            self.bestand.read_bytes(), self.sleutels, op=op, minimale_editie=self.hoogste_editie
        )
        self.hoogste_editie = max(self.hoogste_editie or 0, boek.editie)
        return boek


class Verwijzingsrouter:
    """Routes a Verwijzing by its hulpvrager's address on its verwijsdatum."""

    def __init__(
        self,
        bron: Adresboekbron,
        zoeker: Gemeentezoeker,
        *,
        overschrijvingen: Mapping[str, str] | None = None,
        bindingen: Iterable[Binding | str] = (Binding.REST,),
    ) -> None:
        self.bron = bron
        self.zoeker = zoeker
        self.bindingen = tuple(Binding(b) for b in bindingen)
        self.overschrijvingen = {
            code: _eindpunt(url) for code, url in (overschrijvingen or {}).items()
        }

    def route_adres(self, verwijzing: Verwijzing) -> Route:
        """The route of the referral's address on its verwijsdatum (the book loaded anew)."""
        datum = amsterdamse_datum(verwijzing.verwezen_op)
        router = Router(
            self.zoeker,
            self.bron.laad(op=datum),
            bindingen=self.bindingen,
            overschrijvingen=self.overschrijvingen,
        )
        return router.route(verwijzing.hulpvrager.adres, op=datum)

    def route(self, verwijzing: Verwijzing) -> Route:
        """As :meth:`route_adres`, and the referral must be addressed to that municipality."""
        route = self.route_adres(verwijzing)
        geadresseerd = verwijzing.ontvanger.gemeentecode
        if geadresseerd != route.gemeentecode:
            raise MunicipalityMismatch(
                f"{verwijzing.verwijzing_id} is addressed to gemeentecode {geadresseerd}, but the "
                f"address {route.vondst.adres} lies in {route.gemeentecode} on "
                f"{route.vondst.datum.isoformat()} ({route.vondst.bron}); not sent"
            )
        return route


def ontvanger_voor(route: Route) -> Partij:
    """The Verwijzing's ontvanger for a route: the municipality, with the serving organisation's
    OIN (the party that will answer)."""
    return Partij(
        naam=f"Gemeente {route.vermelding.gemeente.naam}",
        oin=route.organisatie.oin,
        gemeentecode=route.gemeentecode,
    )


def _eindpunt(url: str) -> Eindpunt:
    # Configured by hand for a test or a migration: taken as given (no certificate to pin).
    from warm_referral import SPEC_VERSIE

    return Eindpunt.model_construct(
        binding=Binding.REST, url=url, tls_certificaten=[], spec_versies=[SPEC_VERSIE]
    )
