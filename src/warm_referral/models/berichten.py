"""The messages of specVersie 1.0 and 1.1: a common envelope and one class per ``berichttype``.

1.1 only adds (docs/versiebeheer.md): two kinds of referrer (UWV, SVB), the afsluitregeling for
health insurers, and the drastic measures in a Betaalgedragmelding. A message that says 1.0 may not
use them (code ``niet_in_spec_versie``); :func:`~.versies.benodigde_versie` tells which version a
message needs, and :func:`~.versies.voor_peer` restamps it for a peer that knows an older one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal, Union
from uuid import UUID

from pydantic import Field

from .._tijd import amsterdamse_datum
from .._version import SPEC_VERSIE, SPEC_VERSIES
from ._base import Regelfout, WireModel
from .enums import (
    Advies,
    Eindresultaat,
    Grondslag,
    Incassostopwijzigingsreden,
    IngrijpendeMaatregel,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    SoortIncassostopwijziging,
    SoortVerwijzer,
    SpecVersie,
    Toestemmingsreikwijdte,
)
from .onderdelen import (
    Achterstand,
    Afsprakenprofielverwijzing,
    Contactpersoon,
    Crisis,
    Fout,
    Geldbedrag,
    Hulpvrager,
    Maatregel,
    Partij,
    Periode,
    Toestemming,
)
from .wire_types import REGEL_PATTERN, TEKST_PATTERN, Referentie, Tekst, Tijdstip, Uuid

__all__ = [
    "BERICHTTYPES",
    "BSN_TOEGESTAAN",
    "SINDS_1_1_GRONDSLAGEN",
    "SINDS_1_1_SOORTEN",
    "TOEGESTANE_GRONDSLAGEN",
    "Bericht",
    "Betaalgedragmelding",
    "Doorzending",
    "Foutbericht",
    "Incassostopwijziging",
    "Intrekking",
    "Message",
    "NietOpgepakt",
    "Ontvangstbevestiging",
    "Richting",
    "Statusbericht",
    "Statusverzoek",
    "Verwijzing",
    "nieuwe_envelop",
]


#: The most the law permits (the published schemas encode this table): which legal grounds each
#: kind of referrer may invoke. Consent is open to all; landlords have the Besluit gemeentelijke
#: schuldhulpverlening (BGS art. 2); energy, water and health insurers the afsluitregelingen, and the
#: BGS as the 1.0 documentation gave it. An agreement profile and the participants register can only
#: narrow it (``warm_referral.afspraken``, ``warm_referral.afsprakenstelsel``); docs/afspraken.md
#: gives the source of every row.
TOEGESTANE_GRONDSLAGEN: dict[SoortVerwijzer, frozenset[Grondslag]] = {
    soort: frozenset({Grondslag.TOESTEMMING}) for soort in SoortVerwijzer
} | {
    SoortVerwijzer.HUUR: frozenset({Grondslag.BESLUIT_SCHULDHULPVERLENING, Grondslag.TOESTEMMING}),
    SoortVerwijzer.ZORG: frozenset(Grondslag),
    SoortVerwijzer.ENERGIE: frozenset(Grondslag),
    SoortVerwijzer.WATER: frozenset(Grondslag),
}

#: Referrers that may carry the BSN: those that process it under their own statute (health
#: insurers under the Wbsn-z, and the public bodies under the Wet algemene bepalingen BSN, art. 10).
#: Consent is never a ground for the BSN.
BSN_TOEGESTAAN: frozenset[SoortVerwijzer] = frozenset(
    {
        SoortVerwijzer.ZORG,
        SoortVerwijzer.CAK_EIGEN_BIJDRAGE,
        SoortVerwijzer.CAK_ZORGVERZEKERINGEN,
        SoortVerwijzer.BELASTINGDIENST,
        SoortVerwijzer.DIENST_TOESLAGEN,
        SoortVerwijzer.DUO,
        SoortVerwijzer.UWV,
        SoortVerwijzer.SVB,
    }
)

#: Kinds of referrer that exist from specVersie 1.1.
SINDS_1_1_SOORTEN: frozenset[SoortVerwijzer] = frozenset({SoortVerwijzer.UWV, SoortVerwijzer.SVB})
#: (kind, ground) pairs that are allowed from specVersie 1.1.
SINDS_1_1_GRONDSLAGEN: frozenset[tuple[SoortVerwijzer, Grondslag]] = frozenset(
    {(SoortVerwijzer.ZORG, Grondslag.AFSLUITREGELING)}
)

#: The scopes a consent must cover, because every Verwijzing carries contact details and arrears.
VEREISTE_REIKWIJDTE_LIJST = (
    Toestemmingsreikwijdte.CONTACTGEGEVENS,
    Toestemmingsreikwijdte.BETALINGSACHTERSTAND,
)
VEREISTE_REIKWIJDTE = frozenset(VEREISTE_REIKWIJDTE_LIJST)


class Richting(str, Enum):
    """Who sends a message type."""

    NAAR_GEMEENTE = "schuldeiser naar gemeente"
    NAAR_SCHULDEISER = "gemeente naar schuldeiser"
    BEIDE = "beide richtingen"


class Bericht(WireModel):
    """The envelope every message carries."""

    richting: ClassVar[Richting]

    berichttype: str
    """Names the message type; decides which schema applies."""
    bericht_id: Uuid
    """Unique per message; a message sent again (retry) keeps its berichtId."""
    spec_versie: SpecVersie
    """The protocol version the message follows (1.1 only adds to 1.0)."""
    aangemaakt_op: Tijdstip
    """When the sender created the message."""
    afzender: Partij
    ontvanger: Partij
    conversatie_id: Uuid
    """Ties all messages about one referral together (the Schuldenknooppunt conversation reference)."""
    cross_referentie: Uuid | None = None
    """The berichtId of the message this one answers."""

    def to_json(self) -> bytes:
        """The canonical wire form: UTF-8 JSON, members in schema order, absent members left out.

        The XML form is a codec function, :func:`warm_referral.to_xml` (the models import no
        codec, so that they never load lxml)."""
        return self.model_dump_json(exclude_none=True).encode()

    #: Optional members that exist from specVersie 1.1 (Python names): left out when the message
    #: is restamped for a 1.0 peer (:func:`~.versies.voor_peer`).
    weglaatbaar_voor_1_0: ClassVar[tuple[str, ...]] = ()

    def sinds_1_1(self) -> Iterator[tuple[str, str]]:
        """The content that needs specVersie 1.1, as (wire path, what it is); none by default."""
        return iter(())

    def _versieregels(self) -> Iterator[Regelfout]:
        if self.spec_versie == SPEC_VERSIES[0]:
            for pad, wat in self.sinds_1_1():
                yield Regelfout(
                    pad,
                    "niet_in_spec_versie",
                    f"{wat} exists from specVersie 1.1; this message says specVersie 1.0",
                )


class _OverVerwijzing(Bericht):
    """A message about an existing referral."""

    verwijzing_id: Referentie
    """The referrer's own reference for the referral (verwijzingId of the Verwijzing)."""


class Verwijzing(_OverVerwijzing):
    """A warm referral from a creditor to the municipality: the help-seeker wants help."""

    richting: ClassVar[Richting] = Richting.NAAR_GEMEENTE
    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "grondslag fits soortVerwijzer: Toestemming always; BesluitGemeentelijkeSchuldhulpverlening "
        "only for Huur, Energie, Water and Zorg; Afsluitregeling only for Energie, Water and Zorg "
        "(Zorg from specVersie 1.1). An agreement profile or the participants register may narrow "
        "this further.",
        "toestemming is present exactly when grondslag is Toestemming, and its reikwijdte covers "
        "Contactgegevens and Betalingsachterstand.",
        "hulpvrager.bsn only for referrers with a legal ground for the BSN: Zorg, CAK Eigen "
        "bijdrage, CAK Zorgverzekeringen, Belastingdienst, Dienst Toeslagen, DUO, UWV and SVB.",
        "With specVersie 1.0: soortVerwijzer is not UWV or SVB, and Zorg does not invoke "
        "Afsluitregeling (both from specVersie 1.1).",
        "crisis is present exactly when crisissignaal is true.",
        "ontvanger has a gemeentecode.",
        "Dates agree: hulpvrager.geboortedatum lies before the date of aangemaaktOp; "
        "achterstand.ontstaansdatum is not after the verwijsdatum; toestemming.vastgelegdOp is not "
        "after verwezenOp; verwezenOp is not after aangemaaktOp; incassostop.ingangsdatum is the "
        "verwijsdatum (the date of verwezenOp in Europe/Amsterdam).",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "allOf": [
            {
                "if": {"properties": {"grondslag": {"const": "Toestemming"}}},
                "then": {"required": ["toestemming"]},
                "else": {"not": {"required": ["toestemming"]}},
            },
            {
                "if": {"properties": {"crisissignaal": {"const": True}}},
                "then": {"required": ["crisis"]},
                "else": {"not": {"required": ["crisis"]}},
            },
            {
                "if": {
                    "properties": {
                        "soortVerwijzer": {"not": {"enum": sorted(s.value for s in BSN_TOEGESTAAN)}}
                    }
                },
                "then": {"properties": {"hulpvrager": {"not": {"required": ["bsn"]}}}},
            },
            *(
                {
                    "if": {"properties": {"grondslag": {"const": grondslag.value}}},
                    "then": {
                        "properties": {
                            "soortVerwijzer": {
                                "enum": [
                                    soort.value
                                    for soort, toegestaan in TOEGESTANE_GRONDSLAGEN.items()
                                    if grondslag in toegestaan
                                ]
                            }
                        }
                    },
                }
                for grondslag in Grondslag
                if grondslag is not Grondslag.TOESTEMMING
            ),
            {
                "if": {"properties": {"specVersie": {"const": SPEC_VERSIES[0]}}},
                "then": {
                    "properties": {
                        "soortVerwijzer": {
                            "not": {"enum": sorted(s.value for s in SINDS_1_1_SOORTEN)}
                        }
                    },
                    "not": {
                        "anyOf": [
                            {
                                "required": ["soortVerwijzer", "grondslag"],
                                "properties": {
                                    "soortVerwijzer": {"const": soort.value},
                                    "grondslag": {"const": grondslag.value},
                                },
                            }
                            for soort, grondslag in sorted(SINDS_1_1_GRONDSLAGEN)
                        ]
                    },
                },
            },
        ],
        "properties": {
            "ontvanger": {"required": ["gemeentecode"]},
            "toestemming": {
                "properties": {
                    "reikwijdte": {
                        "allOf": [
                            {"contains": {"const": r.value}} for r in VEREISTE_REIKWIJDTE_LIJST
                        ]
                    }
                }
            },
        },
    }

    berichttype: Literal["Verwijzing"] = "Verwijzing"
    verwezen_op: Tijdstip
    """The moment the creditor referred the help-seeker; its Dutch date is the verwijsdatum."""
    soort_verwijzer: SoortVerwijzer
    grondslag: Grondslag
    toestemming: Toestemming | None = None
    hulpvrager: Hulpvrager
    achterstand: Achterstand
    crisissignaal: bool
    crisis: Crisis | None = None
    incassostop: Periode
    """The incassostop as the referrer computed it from its agreement profile."""
    contactpersoon: Contactpersoon
    toelichting: Tekst | None = None
    """A short free-text explanation for the municipality (no special categories of data)."""

    def _regels(self) -> Iterator[Regelfout]:
        if self.grondslag not in TOEGESTANE_GRONDSLAGEN[self.soort_verwijzer]:
            yield Regelfout(
                "grondslag",
                "grondslag_niet_toegestaan",
                f"a referrer of kind {self.soort_verwijzer.value!r} cannot invoke "
                f"{self.grondslag.value!r}; use 'Toestemming' with a recorded consent",
            )
        if self.grondslag is Grondslag.TOESTEMMING and self.toestemming is None:
            yield Regelfout(
                "toestemming",
                "toestemming_ontbreekt",
                "grondslag Toestemming needs the consent record",
            )
        if self.grondslag is not Grondslag.TOESTEMMING and self.toestemming is not None:
            yield Regelfout(
                "toestemming",
                "toestemming_zonder_grondslag",
                "a consent record belongs only to a referral whose grondslag is Toestemming",
            )
        if self.toestemming is not None:
            ontbreekt = VEREISTE_REIKWIJDTE - set(self.toestemming.reikwijdte)
            if ontbreekt:
                yield Regelfout(
                    "toestemming/reikwijdte",
                    "reikwijdte_onvoldoende",
                    "the consent does not cover " + ", ".join(sorted(r.value for r in ontbreekt)),
                )
            if self.toestemming.vastgelegd_op > self.verwezen_op:
                yield Regelfout(
                    "toestemming/vastgelegdOp",
                    "toestemming_na_verwijzing",
                    "consent was recorded after the referral",
                )
        if self.hulpvrager.bsn is not None and self.soort_verwijzer not in BSN_TOEGESTAAN:
            yield Regelfout(
                "hulpvrager/bsn",
                "bsn_niet_toegestaan",
                f"a referrer of kind {self.soort_verwijzer.value!r} has no legal ground to share "
                "the BSN; leave it out",
            )
        if self.crisissignaal and self.crisis is None:
            yield Regelfout(
                "crisis", "crisis_ontbreekt", "crisissignaal is true but crisis is missing"
            )
        if not self.crisissignaal and self.crisis is not None:
            yield Regelfout(
                "crisis", "crisis_zonder_signaal", "crisis is given but crisissignaal is false"
            )
        if self.ontvanger.gemeentecode is None:
            yield Regelfout(
                "ontvanger/gemeentecode",
                "gemeentecode_ontbreekt",
                "a Verwijzing is addressed to a municipality: ontvanger needs its gemeentecode",
            )
        verwijsdatum = amsterdamse_datum(self.verwezen_op)
        geboren = self.hulpvrager.geboortedatum
        if geboren is not None and geboren >= amsterdamse_datum(self.aangemaakt_op):
            yield Regelfout(
                "hulpvrager/geboortedatum",
                "geboortedatum_toekomst",
                "geboortedatum is not in the past",
            )
        if self.achterstand.ontstaansdatum > verwijsdatum:
            yield Regelfout(
                "achterstand/ontstaansdatum",
                "achterstand_na_verwijzing",
                f"the arrears cannot arise after the referral date {verwijsdatum.isoformat()}",
            )
        if self.verwezen_op > self.aangemaakt_op:
            yield Regelfout(
                "verwezenOp", "verwijzing_na_aanmaak", "verwezenOp lies after aangemaaktOp"
            )
        if self.incassostop.ingangsdatum != verwijsdatum:
            yield Regelfout(
                "incassostop/ingangsdatum",
                "incassostop_ingangsdatum",
                f"the incassostop starts on the referral date {verwijsdatum.isoformat()} "
                "(verwezenOp in Europe/Amsterdam)",
            )
        yield from self._versieregels()

    def sinds_1_1(self) -> Iterator[tuple[str, str]]:
        if self.soort_verwijzer in SINDS_1_1_SOORTEN:
            yield "soortVerwijzer", f"soortVerwijzer {self.soort_verwijzer.value!r}"
        if (self.soort_verwijzer, self.grondslag) in SINDS_1_1_GRONDSLAGEN:
            yield (
                "grondslag",
                f"grondslag {self.grondslag.value!r} for soortVerwijzer "
                f"{self.soort_verwijzer.value!r}",
            )


class Ontvangstbevestiging(_OverVerwijzing):
    """The municipality received the referral: its deadlines, and proof that help was asked for."""

    richting: ClassVar[Richting] = Richting.NAAR_SCHULDEISER
    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "crossReferentie (the berichtId of the Verwijzing) is present.",
        "contactdeadline is after ontvangenOp.",
        "teLaat only with specVersie 1.1, and only true (left out for a referral in time).",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "required": ["crossReferentie"],
        "if": {"properties": {"specVersie": {"const": SPEC_VERSIES[0]}}},
        "then": {"not": {"required": ["teLaat"]}},
        "properties": {"teLaat": {"const": True}},
    }

    berichttype: Literal["Ontvangstbevestiging"] = "Ontvangstbevestiging"
    ontvangen_op: Tijdstip
    contactdeadline: Tijdstip
    """The end of the term in which the municipality contacts the help-seeker."""
    incassostop: Periode
    """The incassostop the municipality holds: the Verwijzing's, which lasts at least the
    profile's term; the creditor's records take it over."""
    afsprakenprofiel: Afsprakenprofielverwijzing
    te_laat: bool | None = None
    """Present (true) when the referral arrived late and the profile marks rather than refuses
    late referrals (specVersie 1.1)."""

    weglaatbaar_voor_1_0: ClassVar[tuple[str, ...]] = ("te_laat",)

    def sinds_1_1(self) -> Iterator[tuple[str, str]]:
        if self.te_laat is not None:
            yield "teLaat", "teLaat"

    def _regels(self) -> Iterator[Regelfout]:
        if self.te_laat is False:  # a plain boolean on the wire so that XML binds it like JSON
            yield Regelfout(
                "teLaat",
                "waarde_niet_toegestaan",
                "teLaat is true when present: leave it out for a referral that arrived in time",
            )
        if self.cross_referentie is None:
            yield Regelfout(
                "crossReferentie",
                "cross_referentie_ontbreekt",
                "an Ontvangstbevestiging answers a Verwijzing: give its berichtId",
            )
        if self.contactdeadline <= self.ontvangen_op:
            yield Regelfout(
                "contactdeadline",
                "deadline_voor_ontvangst",
                "contactdeadline is not after ontvangenOp",
            )
        yield from self._versieregels()


class NietOpgepakt(_OverVerwijzing):
    """The municipality does not take the referral up, for a creditor-safe reason."""

    richting: ClassVar[Richting] = Richting.NAAR_SCHULDEISER
    berichttype: Literal["NietOpgepakt"] = "NietOpgepakt"
    reden: NietOpgepaktReden
    datum: date


class Doorzending(_OverVerwijzing):
    """The help-seeker lives in another municipality; the referral went there."""

    richting: ClassVar[Richting] = Richting.NAAR_SCHULDEISER
    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "nieuweGemeente has a gemeentecode, not that of the afzender.",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "properties": {"nieuweGemeente": {"required": ["gemeentecode"]}}
    }

    berichttype: Literal["Doorzending"] = "Doorzending"
    nieuwe_gemeente: Partij
    datum: date

    def _regels(self) -> Iterator[Regelfout]:
        if self.nieuwe_gemeente.gemeentecode is None:
            yield Regelfout(
                "nieuweGemeente/gemeentecode",
                "gemeentecode_ontbreekt",
                "the new municipality must be named by its gemeentecode",
            )
        elif self.nieuwe_gemeente.gemeentecode == self.afzender.gemeentecode:
            yield Regelfout(
                "nieuweGemeente/gemeentecode",
                "doorzending_naar_zelf",
                "a referral cannot be forwarded to the municipality that forwards it",
            )


class Statusbericht(_OverVerwijzing):
    """A creditor-safe milestone of the referral, with an optional incassostop advice."""

    richting: ClassVar[Richting] = Richting.NAAR_SCHULDEISER
    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "eindresultaat is present exactly when mijlpaal is Afgesloten.",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"mijlpaal": {"const": "Afgesloten"}}},
        "then": {"required": ["eindresultaat"]},
        "else": {"not": {"required": ["eindresultaat"]}},
    }

    berichttype: Literal["Statusbericht"] = "Statusbericht"
    mijlpaal: Mijlpaal
    datum: date
    eindresultaat: Eindresultaat | None = None
    advies_incassostop: Advies | None = None

    def _regels(self) -> Iterator[Regelfout]:
        afgesloten = self.mijlpaal is Mijlpaal.AFGESLOTEN
        if afgesloten and self.eindresultaat is None:
            yield Regelfout(
                "eindresultaat",
                "eindresultaat_ontbreekt",
                "mijlpaal Afgesloten needs an eindresultaat",
            )
        if not afgesloten and self.eindresultaat is not None:
            yield Regelfout(
                "eindresultaat",
                "eindresultaat_te_vroeg",
                "an eindresultaat belongs only to mijlpaal Afgesloten",
            )


class Statusverzoek(_OverVerwijzing):
    """The referrer asks for the current creditor-safe status; answered by a Statusbericht."""

    richting: ClassVar[Richting] = Richting.NAAR_GEMEENTE
    berichttype: Literal["Statusverzoek"] = "Statusverzoek"


class Intrekking(_OverVerwijzing):
    """The referrer withdraws the referral."""

    richting: ClassVar[Richting] = Richting.NAAR_GEMEENTE
    berichttype: Literal["Intrekking"] = "Intrekking"
    reden: Intrekkingsreden
    toelichting: Tekst | None = None


class Incassostopwijziging(_OverVerwijzing):
    """The referrer extends or lifts the incassostop; ``einddatum`` is the new last day of the stop."""

    richting: ClassVar[Richting] = Richting.NAAR_GEMEENTE
    berichttype: Literal["Incassostopwijziging"] = "Incassostopwijziging"
    soort: SoortIncassostopwijziging
    einddatum: date
    reden: Incassostopwijzigingsreden
    toelichting: Tekst | None = None


class Betaalgedragmelding(_OverVerwijzing):
    """For the evaluation, some months after the referral: has the help-seeker resumed regular
    payments at the reference date, and (from specVersie 1.1) which drastic collection measures
    were taken or avoided?"""

    richting: ClassVar[Richting] = Richting.NAAR_GEMEENTE
    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "ingrijpendeMaatregelen lists each soort at most once, and only with specVersie 1.1.",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"specVersie": {"const": SPEC_VERSIES[0]}}},
        "then": {"not": {"required": ["ingrijpendeMaatregelen"]}},
        "properties": {
            "ingrijpendeMaatregelen": {
                # Each soort at most once (uniqueItems cannot say it: genomen may differ).
                "allOf": [
                    {
                        "contains": {
                            "type": "object",
                            "required": ["soort"],
                            "properties": {"soort": {"const": soort.value}},
                        },
                        "minContains": 0,
                        "maxContains": 1,
                    }
                    for soort in IngrijpendeMaatregel
                ]
            }
        },
    }
    weglaatbaar_voor_1_0: ClassVar[tuple[str, ...]] = ("ingrijpende_maatregelen",)

    berichttype: Literal["Betaalgedragmelding"] = "Betaalgedragmelding"
    peildatum: date
    regulier_betaald: bool
    """True when the regular payments (the fixed charges themselves) are paid again."""
    openstaand_bedrag: Geldbedrag | None = None
    """What is still owed at the peildatum, when the referrer reports it."""
    ingrijpende_maatregelen: list[Maatregel] | None = Field(
        default=None, min_length=1, max_length=4
    )
    """Since the referral, up to the peildatum (specVersie 1.1): each drastic measure the creditor
    reports on, taken or not (avoided); left out when it reports none. (At least one: XML cannot
    tell an empty repeated element from an absent one.)"""

    def _regels(self) -> Iterator[Regelfout]:
        soorten = [m.soort for m in self.ingrijpende_maatregelen or ()]
        if len(set(soorten)) != len(soorten):
            yield Regelfout(
                "ingrijpendeMaatregelen", "dubbele_waarde", "a measure is listed more than once"
            )
        yield from self._versieregels()

    def sinds_1_1(self) -> Iterator[tuple[str, str]]:
        if self.ingrijpende_maatregelen is not None:
            yield "ingrijpendeMaatregelen", "ingrijpendeMaatregelen"


class Foutbericht(Bericht):
    """A message was refused: RFC 9457 problem details listing every violation.

    The body is also a valid ``application/problem+json`` document (``fouten`` is an extension
    member), so the same object answers an HTTP request and travels through a message box.
    """

    richting: ClassVar[Richting] = Richting.BEIDE
    berichttype: Literal["Foutbericht"] = "Foutbericht"
    verwijzing_id: Referentie | None = None
    type: str = Field(min_length=1, max_length=500, pattern=REGEL_PATTERN)
    """A URI reference identifying the problem type (RFC 9457)."""
    title: str = Field(min_length=1, max_length=200, pattern=REGEL_PATTERN)
    status: int = Field(ge=400, le=599)
    detail: str | None = Field(default=None, min_length=1, max_length=2000, pattern=TEKST_PATTERN)
    instance: str | None = Field(default=None, min_length=1, max_length=500, pattern=REGEL_PATTERN)
    fouten: list[Fout] = Field(max_length=1000)


Message = Annotated[
    Union[  # noqa: UP007 - a discriminated union reads better spelled out
        Verwijzing,
        Ontvangstbevestiging,
        NietOpgepakt,
        Doorzending,
        Statusbericht,
        Statusverzoek,
        Intrekking,
        Incassostopwijziging,
        Betaalgedragmelding,
        Foutbericht,
    ],
    Field(discriminator="berichttype"),
]
"""Any warm-referral message; ``berichttype`` decides which."""

#: Every message class by its ``berichttype``, in specification order.
BERICHTTYPES: dict[str, type[Bericht]] = {
    cls.model_fields["berichttype"].default: cls
    for cls in (
        Verwijzing,
        Ontvangstbevestiging,
        NietOpgepakt,
        Doorzending,
        Statusbericht,
        Statusverzoek,
        Intrekking,
        Incassostopwijziging,
        Betaalgedragmelding,
        Foutbericht,
    )
}


def nieuwe_envelop(
    afzender: Partij,
    ontvanger: Partij,
    *,
    conversatie_id: UUID | None = None,
    cross_referentie: UUID | None = None,
    nu: datetime | None = None,
    spec_versie: str = SPEC_VERSIE,
) -> dict[str, object]:
    """Envelope fields for a new message: a fresh berichtId, the spec version and the time.

    A new conversation gets a fresh conversatieId; answers pass the conversation they belong to
    (and its ``spec_versie``: a municipality answers in the version of the Verwijzing). Pass
    ``nu`` to keep the library free of clock reads (tests, replays).
    """
    from uuid import uuid4

    velden: dict[str, object] = {
        "bericht_id": uuid4(),
        "spec_versie": spec_versie,
        "aangemaakt_op": nu if nu is not None else datetime.now(timezone.utc),
        "afzender": afzender,
        "ontvanger": ontvanger,
        "conversatie_id": conversatie_id if conversatie_id is not None else uuid4(),
    }
    if cross_referentie is not None:
        velden["cross_referentie"] = cross_referentie
    return velden
