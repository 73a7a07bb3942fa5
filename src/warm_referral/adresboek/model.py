"""The address book's document: who serves which municipality, where, and under which agreement.

One edition is one JSON document that NVVK signs (see :mod:`.handtekening`). Organisations are
listed once and referred to by ``id`` from the municipalities they serve, so an organisation that
serves twenty municipalities has its endpoint and certificate in one place. Every entry carries
validity dates: on a merger (1 January, as a rule) an edition published beforehand holds the old
codes until the day before and the new code from that day, so routing switches on the day itself.

The same vocabulary as the messages: camelCase on the wire, snake_case in Python, closed objects.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from enum import Enum
from itertools import pairwise
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field

from ..models._base import Regelfout, WireModel
from ..models.onderdelen import Afsprakenprofielverwijzing, Partij
from ..models.wire_types import Gemeentecode, KvkNummer, Naam, Oin, Referentie, Tijdstip

__all__ = [
    "FORMAAT",
    "AdresboekDocument",
    "Binding",
    "Eindpunt",
    "Gemeentevermelding",
    "Organisatie",
    "PubliekeSleutel",
]

#: The format name and major version every edition states; a reader refuses others.
FORMAAT = "warm-referral-adresboek/1"

Sha256 = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 fingerprint of the DER-encoded X.509 certificate, lower-case hex.",
    ),
]
SpecVersie = Annotated[
    str, Field(pattern=r"^[1-9][0-9]*\.[0-9]+$", description="A specVersie, e.g. '1.0'.")
]
Url = Annotated[
    str,
    Field(
        min_length=8,
        max_length=500,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="The base URL (e.g. https://host/v1): https; plain http only on loopback "
        "addresses (development).",
    ),
]
Base64Url = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[A-Za-z0-9_-]+$")]


class Binding(str, Enum):
    """How a sender reaches the endpoint."""

    REST = "rest"
    """Directly over the REST binding of spec/v1/openapi.yaml, with mutual TLS."""
    KNOOPPUNT = "knooppunt"
    """Through an intermediary (the Schuldenknooppunt profile; the url is the intermediary's)."""


class Eindpunt(WireModel):
    """One way to deliver messages to an organisation."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "An https endpoint lists at least one tlsCertificaat; plain http only on loopback hosts.",
        "tlsCertificaten and specVersies list each value at most once.",
        "geldigVanaf is not after geldigTot.",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "properties": {
            "tlsCertificaten": {"uniqueItems": True},
            "specVersies": {"uniqueItems": True},
        },
        "if": {"properties": {"url": {"pattern": "^https://"}}},
        "then": {
            "required": ["tlsCertificaten"],
            "properties": {"tlsCertificaten": {"minItems": 1}},
        },
    }

    binding: Binding
    url: Url
    tls_certificaten: list[Sha256] = Field(default_factory=list, max_length=4)
    """The server certificates a sender accepts (two during a renewal)."""
    spec_versies: list[SpecVersie] = Field(min_length=1, max_length=10)
    """The specVersie values the endpoint accepts."""
    geldig_vanaf: date | None = None
    geldig_tot: date | None = None
    """The last day (inclusive) the endpoint may be used."""

    def _regels(self) -> Iterator[Regelfout]:
        delen = urlsplit(self.url)
        if delen.scheme == "http" and not _is_loopback(delen.hostname or ""):
            yield Regelfout("url", "url_onveilig", "plain http is only allowed on a loopback host")
        if delen.scheme == "https" and not self.tls_certificaten:
            yield Regelfout(
                "tlsCertificaten",
                "certificaat_ontbreekt",
                "an https endpoint lists the fingerprint of at least one certificate",
            )
        if len(set(self.tls_certificaten)) != len(self.tls_certificaten):
            yield Regelfout("tlsCertificaten", "dubbele_waarde", "a fingerprint is listed twice")
        if len(set(self.spec_versies)) != len(self.spec_versies):
            yield Regelfout("specVersies", "dubbele_waarde", "a specVersie is listed twice")
        if self.geldig_vanaf and self.geldig_tot and self.geldig_vanaf > self.geldig_tot:
            yield Regelfout("geldigTot", "periode_omgekeerd", "geldigTot lies before geldigVanaf")

    def geldig_op(self, datum: date) -> bool:
        return (self.geldig_vanaf is None or self.geldig_vanaf <= datum) and (
            self.geldig_tot is None or datum <= self.geldig_tot
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PubliekeSleutel(WireModel):
    """A public JSON Web Key (RFC 7517) of the organisation, e.g. for end-to-end encryption.

    Only public members: a private key (``d``, ``p``, ``q``, ...) is refused as an unknown member.
    """

    kty: Literal["EC", "RSA", "OKP"]
    kid: Referentie
    use: Literal["enc", "sig"]
    alg: str | None = Field(default=None, pattern=r"^[A-Za-z0-9+-]{1,30}$")
    crv: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]{1,20}$")
    x: Base64Url | None = None
    y: Base64Url | None = None
    n: Base64Url | None = None
    e: Base64Url | None = None


class Organisatie(WireModel):
    """A receiving organisation: a municipality itself, a kredietbank or a joint arrangement."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = ("Every sleutel kid is unique.",)

    id: Referentie
    """The address book's own key for the organisation (stable across editions)."""
    naam: Naam
    oin: Oin
    kvk_nummer: KvkNummer | None = None
    eindpunten: list[Eindpunt] = Field(min_length=1, max_length=10)
    sleutels: list[PubliekeSleutel] | None = Field(default=None, min_length=1, max_length=10)

    def _regels(self) -> Iterator[Regelfout]:
        kids = [s.kid for s in self.sleutels or ()]
        if len(set(kids)) != len(kids):
            yield Regelfout("sleutels", "dubbele_waarde", "a key id is listed twice")


class Gemeentevermelding(WireModel):
    """Which organisation serves one municipality, from when until when, under which agreement."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = ("geldigVanaf is not after geldigTot.",)

    gemeentecode: Gemeentecode
    naam: Naam
    """The municipality's name (as the CBS writes it)."""
    organisatie: Referentie
    """The ``id`` of the serving organisation in this edition."""
    afsprakenprofiel: Afsprakenprofielverwijzing
    geldig_vanaf: date
    geldig_tot: date | None = None
    """The last day (inclusive); absent while no end is known."""

    def _regels(self) -> Iterator[Regelfout]:
        if self.geldig_tot is not None and self.geldig_vanaf > self.geldig_tot:
            yield Regelfout("geldigTot", "periode_omgekeerd", "geldigTot lies before geldigVanaf")

    def geldig_op(self, datum: date) -> bool:
        return self.geldig_vanaf <= datum and (self.geldig_tot is None or datum <= self.geldig_tot)


class AdresboekDocument(WireModel):
    """One edition of the address book (the payload NVVK signs)."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "geldigVanaf is not after geldigTot.",
        "Organisation ids and OINs are unique.",
        "Every gemeente names an organisation of this edition.",
        "The periods of one gemeentecode do not overlap.",
    )

    formaat: Literal["warm-referral-adresboek/1"]
    editie: int = Field(ge=1, le=1_000_000)
    """Increases with every edition; a reader can refuse to go back to an older one."""
    uitgever: Partij
    uitgegeven_op: Tijdstip
    geldig_vanaf: date
    geldig_tot: date
    """The edition must be replaced by then; after it, readers refuse it."""
    organisaties: list[Organisatie] = Field(min_length=1, max_length=2000)
    gemeenten: list[Gemeentevermelding] = Field(min_length=1, max_length=5000)

    def _regels(self) -> Iterator[Regelfout]:
        if self.geldig_vanaf > self.geldig_tot:
            yield Regelfout("geldigTot", "periode_omgekeerd", "geldigTot lies before geldigVanaf")
        gezien_id: dict[str, int] = {}
        gezien_oin: dict[str, int] = {}
        for i, org in enumerate(self.organisaties):
            if org.id in gezien_id:
                yield Regelfout(
                    f"organisaties/{i}/id", "dubbele_waarde", f"id {org.id!r} is used twice"
                )
            gezien_id.setdefault(org.id, i)
            if org.oin in gezien_oin:
                yield Regelfout(
                    f"organisaties/{i}/oin", "dubbele_waarde", f"OIN {org.oin} is used twice"
                )
            gezien_oin.setdefault(org.oin, i)
        perioden: dict[str, list[tuple[int, Gemeentevermelding]]] = defaultdict(list)
        for i, vermelding in enumerate(self.gemeenten):
            if vermelding.organisatie not in gezien_id:
                yield Regelfout(
                    f"gemeenten/{i}/organisatie",
                    "organisatie_onbekend",
                    f"no organisation with id {vermelding.organisatie!r} in this edition",
                )
            perioden[vermelding.gemeentecode].append((i, vermelding))
        for code, lijst in perioden.items():
            lijst.sort(key=lambda iv: iv[1].geldig_vanaf)
            for (_, vorige), (i, volgende) in pairwise(lijst):
                if vorige.geldig_tot is None or vorige.geldig_tot >= volgende.geldig_vanaf:
                    yield Regelfout(
                        f"gemeenten/{i}/geldigVanaf",
                        "periode_overlapt",
                        f"gemeentecode {code} has two entries valid on "
                        f"{volgende.geldig_vanaf.isoformat()}",
                    )
