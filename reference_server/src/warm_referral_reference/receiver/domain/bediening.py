"""Which municipalities this receiver serves, and on which days, per NVVK's signed address book.

With an address book configured (the ``adresboek`` object of the configuration file) the receiver
knows its own organisation (OIN) and asks the book, per referral, whether that organisation serves
the referral's gemeentecode on the verwijsdatum (WD-ADR-07); a Doorzending names the organisation
the book gives for the new municipality on the Doorzending's date (WD-ADR-08). Without one
(development mode) neither check runs, as before.

The book is verified (JWS against the configured NVVK keys) when the configuration is loaded; a
tampered or foreign edition stops the receiver from starting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from warm_referral import amsterdamse_datum
from warm_referral.adresboek import (
    AddressBookExpired,
    Adresboek,
    AdresboekError,
    NoReceiver,
    laad_adresboek,
    laad_sleutelbos,
)
from warm_referral.identifiers import oin as _oin
from warm_referral.models import Partij, Verwijzing

from ..errors import (
    ConfigError,
    MunicipalityNotServed,
    NoOrganisationForMunicipality,
    WrongOrganisation,
)

__all__ = ["Bediening"]


@dataclass(frozen=True)
class Bediening:
    """The receiver's organisation in one verified edition of the address book."""

    boek: Adresboek
    oin: str
    """The OIN of the organisation this receiver is (as the address book lists it)."""

    @classmethod
    def uit_config(cls, bron: str, data: Any, basis: Path) -> Bediening:
        """From ``{"bestand": ..., "sleutels": ..., "organisatie": OIN}``; paths relative to the
        configuration file's folder. Every fault is a :class:`ConfigError` naming the file."""
        if not isinstance(data, dict):
            raise ConfigError(f"{bron}: 'adresboek' must be an object")
        onbekend = sorted(set(data) - {"bestand", "sleutels", "organisatie"})
        if onbekend:
            raise ConfigError(f"{bron}: adresboek: unknown setting(s) {onbekend}")
        for naam in ("bestand", "sleutels", "organisatie"):
            if not isinstance(data.get(naam), str) or not data[naam]:
                raise ConfigError(f"{bron}: adresboek.{naam} is required (text)")
        oin = data["organisatie"]
        if not _oin.is_valid(oin):
            raise ConfigError(f"{bron}: adresboek.organisatie {oin!r} is not a 20-digit OIN")
        bestand = basis / data["bestand"]
        try:
            jws = bestand.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{bron}: adresboek: cannot read {bestand}: {exc.strerror}") from None
        try:
            boek = laad_adresboek(jws, laad_sleutelbos(basis / data["sleutels"]))
        except AdresboekError as exc:
            raise ConfigError(f"{bron}: adresboek {bestand} refused: {exc}") from None
        try:
            boek.organisatie(oin)
        except KeyError:
            raise ConfigError(
                f"{bron}: adresboek edition {boek.editie} lists no organisation with OIN {oin}"
            ) from None
        return cls(boek, oin)

    def controleer(self, verwijzing: Verwijzing) -> None:
        """Refuse a referral for a municipality this organisation does not serve that day."""
        code = verwijzing.ontvanger.gemeentecode
        datum = amsterdamse_datum(verwijzing.verwezen_op)
        if not self.boek.geldig_op(datum):  # WD-ADR-04: ours to fix (a 503), nothing stored
            d = self.boek.document
            raise AddressBookExpired(d.editie, d.geldig_vanaf, d.geldig_tot, datum)
        if code is None or code not in self.boek.bediend_door(self.oin, op=datum):
            raise MunicipalityNotServed(
                f"per address book edition {self.boek.editie}, this receiver (OIN {self.oin}) "
                f"does not serve gemeentecode {code} on the verwijsdatum {datum.isoformat()}"
            )

    def nieuwe_organisatie(self, nieuwe_gemeente: Partij, datum: date) -> Partij:
        """The Doorzending's nieuweGemeente: the organisation the book gives for its code on
        ``datum``, with the code. An OIN the operator gave must be that organisation's."""
        code = nieuwe_gemeente.gemeentecode
        if code is None:  # the action's schema requires it; said again for the type checker
            raise NoOrganisationForMunicipality("nieuweGemeente needs a gemeentecode")
        try:
            organisatie = self.boek.zoek(code, op=datum).organisatie
        except NoReceiver:
            raise NoOrganisationForMunicipality(
                f"address book edition {self.boek.editie} names no organisation for gemeentecode "
                f"{code} on {datum.isoformat()}: there is nobody to forward the referral to"
            ) from None
        if nieuwe_gemeente.oin is not None and nieuwe_gemeente.oin != organisatie.oin:
            raise WrongOrganisation(
                f"nieuweGemeente names OIN {nieuwe_gemeente.oin}, but address book edition "
                f"{self.boek.editie} gives {organisatie.naam} (OIN {organisatie.oin}) for "
                f"gemeentecode {code} on {datum.isoformat()}"
            )
        return Partij(
            naam=organisatie.naam,
            oin=organisatie.oin,
            kvk_nummer=organisatie.kvk_nummer,
            gemeentecode=code,
        )
