"""The building blocks messages are made of: parties, the help-seeker, the arrears, periods."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import Regelfout, WireModel
from .enums import (
    Contactsoort,
    Crisissoort,
    Dagdeel,
    IngrijpendeMaatregel,
    Toestemmingskanaal,
    Toestemmingsreikwijdte,
)
from .wire_types import (
    REGEL_PATTERN,
    TEKST_PATTERN,
    Bedrag,
    Bsn,
    Email,
    Gemeentecode,
    Huisletter,
    Huisnummer,
    Huisnummertoevoeging,
    KvkNummer,
    Naam,
    Oin,
    Postcode,
    Referentie,
    Telefoonnummer,
    Tijdstip,
    Vestigingsnummer,
)

__all__ = [
    "Achterstand",
    "Adres",
    "Afsprakenprofielverwijzing",
    "Contactpersoon",
    "Crisis",
    "Fout",
    "Geldbedrag",
    "Hulpvrager",
    "Maatregel",
    "Partij",
    "Periode",
    "Toestemming",
]


class Partij(WireModel):
    """A sender or receiver: an organisation known by OIN, KvK number and/or gemeentecode."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "At least one of oin, kvkNummer and gemeentecode is present.",
        "vestigingsnummer only appears together with kvkNummer.",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": ["oin"]},
            {"required": ["kvkNummer"]},
            {"required": ["gemeentecode"]},
        ],
        "dependentRequired": {"vestigingsnummer": ["kvkNummer"]},
    }

    naam: Naam
    oin: Oin | None = None
    kvk_nummer: KvkNummer | None = None
    vestigingsnummer: Vestigingsnummer | None = None
    gemeentecode: Gemeentecode | None = None

    def _regels(self) -> Iterator[Regelfout]:
        if self.oin is None and self.kvk_nummer is None and self.gemeentecode is None:
            yield Regelfout(
                "", "partij_zonder_identificatie", "a party needs an oin, kvkNummer or gemeentecode"
            )
        if self.vestigingsnummer is not None and self.kvk_nummer is None:
            yield Regelfout(
                "vestigingsnummer",
                "vestigingsnummer_zonder_kvk",
                "a vestigingsnummer is only meaningful together with the kvkNummer",
            )


class Adres(WireModel):
    """A Dutch address as the BRP keeps it."""

    straatnaam: str = Field(min_length=1, max_length=80, pattern=REGEL_PATTERN)
    huisnummer: Huisnummer
    huisletter: Huisletter | None = None
    huisnummertoevoeging: Huisnummertoevoeging | None = None
    postcode: Postcode
    woonplaats: str = Field(min_length=1, max_length=80, pattern=REGEL_PATTERN)


class Hulpvrager(WireModel):
    """The resident who asked for help. Name parts follow the BRP (Dutch personal records)."""

    voorletters: str | None = Field(
        default=None, min_length=1, max_length=20, pattern=REGEL_PATTERN
    )
    voornamen: Naam | None = None
    voorvoegsel: str | None = Field(
        default=None, min_length=1, max_length=10, pattern=REGEL_PATTERN
    )
    geslachtsnaam: Naam
    geboortedatum: date | None = None
    bsn: Bsn | None = None
    """Only where the referrer has a legal ground for it (see the Verwijzing rules). Nine digits
    that pass the 11-test (weights 9..2 and -1), which no schema pattern can check."""
    adres: Adres
    telefoonnummer: Telefoonnummer | None = None
    email: Email | None = None
    voorkeur_contactsoort: Contactsoort | None = None
    voorkeur_dagdeel: Dagdeel | None = None


class Geldbedrag(WireModel):
    """An amount of money with its unit: exact decimal text, never a binary float."""

    waarde: Bedrag
    valuta: Literal["EUR"]


class Achterstand(WireModel):
    """The payment arrears behind the referral."""

    bedrag: Geldbedrag
    ontstaansdatum: date
    """The date the arrears arose (DDAS ``ontstaansdatum``)."""
    klantnummer: Referentie
    factuurnummers: list[Referentie] | None = Field(default=None, min_length=1, max_length=50)


class Crisis(WireModel):
    """A threatening situation (Wgs art. 4): contact within 3 werkdagen is then also statutory."""

    soort: Crisissoort
    voorgenomen_datum: date | None = None
    """The planned date of the eviction, cut-off or end of insurance, when known."""


class Periode(WireModel):
    """A period of whole days, both ends included."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = ("ingangsdatum is not after einddatum.",)

    ingangsdatum: date
    einddatum: date

    def _regels(self) -> Iterator[Regelfout]:
        if self.ingangsdatum > self.einddatum:
            yield Regelfout("einddatum", "periode_omgekeerd", "einddatum lies before ingangsdatum")


class Toestemming(WireModel):
    """The recorded consent of the help-seeker (the ground for creditors without a legal one)."""

    vastgelegd_op: Tijdstip
    kanaal: Toestemmingskanaal
    tekstversie: Referentie
    """Identifies the exact consent text that was read or shown to the help-seeker."""
    reikwijdte: list[Toestemmingsreikwijdte] = Field(min_length=1, max_length=3)

    regels_beschrijving: ClassVar[tuple[str, ...]] = ("reikwijdte lists each value at most once.",)
    schema_regels: ClassVar[dict[str, Any]] = {"properties": {"reikwijdte": {"uniqueItems": True}}}

    def _regels(self) -> Iterator[Regelfout]:
        if len(set(self.reikwijdte)) != len(self.reikwijdte):
            yield Regelfout("reikwijdte", "dubbele_waarde", "a scope is listed more than once")


class Contactpersoon(WireModel):
    """Who at the creditor the municipality can call about this referral."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "At least one of telefoonnummer and email is present.",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "anyOf": [{"required": ["telefoonnummer"]}, {"required": ["email"]}]
    }

    naam: Naam
    functie: str | None = Field(default=None, min_length=1, max_length=100, pattern=REGEL_PATTERN)
    telefoonnummer: Telefoonnummer | None = None
    email: Email | None = None

    def _regels(self) -> Iterator[Regelfout]:
        if self.telefoonnummer is None and self.email is None:
            yield Regelfout(
                "",
                "contactpersoon_onbereikbaar",
                "a contact person needs a telefoonnummer or email",
            )


class Maatregel(WireModel):
    """A drastic collection measure in an evaluation report (specVersie 1.1): taken, or not
    taken (avoided)."""

    soort: IngrijpendeMaatregel
    genomen: bool
    """True: the measure was taken after the referral; false: it was not (it was avoided)."""


class Afsprakenprofielverwijzing(WireModel):
    """Names the agreement profile (afsprakenprofiel) whose rules computed the deadlines."""

    naam: Referentie
    versie: Referentie


class Fout(WireModel):
    """One violation in a Foutbericht: where (RFC 6901 JSON pointer), a stable code, a message."""

    pointer: str = Field(max_length=1000, pattern=r"^(/([^~/]|~[01])*)*$")
    code: str = Field(min_length=1, max_length=100, pattern=REGEL_PATTERN)
    melding: str = Field(min_length=1, max_length=1000, pattern=TEKST_PATTERN)
