"""The receiver's answers, one class per shape: what the domain returns, what the HTTP layer
serialises, and what the OpenAPI document's components are generated from. A change of shape is a
change here and nowhere else.

Wire conventions as for messages (they are :class:`~warm_referral.models.WireModel`): camelCase,
closed objects, timestamps RFC 3339 in UTC, an absent member rather than ``null``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from warm_referral import format_tijdstip, parse_tijdstip
from warm_referral.errors import InvalidTimestamp
from warm_referral.lifecycle import Schuldeiserbeeld as _Beeld
from warm_referral.lifecycle import (
    Schuldeiserstatus,
    Tijdfeit,
    Toestand,
    Verwijzingsdossier,
)
from warm_referral.models import (
    Advies,
    Afsprakenprofielverwijzing,
    Contactsoort,
    Dagdeel,
    Eindresultaat,
    Message,
    Mijlpaal,
    NietOpgepaktReden,
    Partij,
    Periode,
    Verwijzing,
    WireModel,
)
from warm_referral.models.wire_types import Tijdstip
from warm_referral.schemas import SCHEMA_BASE_URI

from ..storage import DossierIndex

if TYPE_CHECKING:
    from .gebeurtenissen import DossierGewist

__all__ = [
    "Actieresultaat",
    "Dossier",
    "Ontvangst",
    "Postvak",
    "Postvakitem",
    "Schuldeiserbeeld",
    "Termijnbewaking",
    "Testklok",
    "Verwijzingenlijst",
    "Verwijzingsindex",
]

#: A message in an answer: the published schema of any message (bericht.json).
_Bericht = Annotated[Message, WithJsonSchema({"$ref": SCHEMA_BASE_URI + "bericht.json"})]


class Ontvangst(WireModel):
    """A message other than a Verwijzing or Statusverzoek was accepted (202)."""

    bericht_id: UUID
    berichttype: str
    ontvangen_op: Tijdstip


class Postvakitem(WireModel):
    volgnummer: int
    """Counts per creditor from 1, without gaps."""
    bericht: _Bericht


class Postvak(WireModel):
    """The municipality's messages to the calling creditor after ``na``, oldest first."""

    berichten: list[Postvakitem]
    laatste_volgnummer: int
    """Pass it as ``na`` next time (``na`` itself when nothing is new)."""


class Verwijzingsindex(WireModel):
    """A referral in a list: enough to find it and see what is due, nothing personal."""

    conversatie_id: UUID
    verwijzing_id: str
    gemeentecode: str
    toestand: Toestand
    contactdeadline: Tijdstip | None = None
    incassostop_einde: Tijdstip
    """The first moment collection may resume."""
    afgerond: bool

    @classmethod
    def van(cls, index: DossierIndex) -> Verwijzingsindex:
        return cls(
            conversatie_id=index.conversatie_id,
            verwijzing_id=index.verwijzing_id,
            gemeentecode=index.gemeentecode,
            toestand=Toestand(index.toestand),
            contactdeadline=index.contactdeadline,
            incassostop_einde=index.incassostop_einde,
            afgerond=index.afgerond,
        )


class Verwijzingenlijst(WireModel):
    verwijzingen: list[Verwijzingsindex]


class Schuldeiserbeeld(WireModel):
    """What a creditor may see of its referral: never contact attempts, the content of help, or the
    reason behind 'andere reden'. Closed, so that it is told apart from a Dossier."""

    conversatie_id: UUID
    verwijzing_id: str
    toestand: Schuldeiserstatus
    sinds: date | None = None
    ontvangen_op: Tijdstip | None = None
    contactdeadline: Tijdstip | None = None
    incassostop: Periode | None = None
    niet_opgepakt_reden: NietOpgepaktReden | None = None
    nieuwe_gemeente: Partij | None = None
    eindresultaat: Eindresultaat | None = None
    advies_incassostop: Advies | None = None
    statusterugmelding: bool
    te_laat: bool = False
    """The referral arrived late (under a profile that marks late referrals)."""

    @classmethod
    def van(cls, conversatie_id: UUID, beeld: _Beeld) -> Schuldeiserbeeld:
        return cls(
            conversatie_id=conversatie_id,
            verwijzing_id=beeld.verwijzing_id,
            toestand=beeld.status,
            sinds=beeld.sinds,
            ontvangen_op=beeld.ontvangen_op,
            contactdeadline=beeld.contactdeadline,
            incassostop=None
            if beeld.incassostop is None
            else Periode(ingangsdatum=beeld.incassostop[0], einddatum=beeld.incassostop[1]),
            niet_opgepakt_reden=beeld.niet_opgepakt_reden,
            nieuwe_gemeente=beeld.nieuwe_gemeente,
            eindresultaat=beeld.eindresultaat,
            advies_incassostop=beeld.advies_incassostop,
            statusterugmelding=beeld.statusterugmelding,
            te_laat=beeld.te_laat,
        )


class Contactpogingweergave(WireModel):
    datum: date
    contactsoort: Contactsoort
    dagdeel: Dagdeel
    bereikt: bool


class Wissing(WireModel):
    """The referral's personal data were erased: when, and why."""

    op: Tijdstip
    reden: Literal["bewaartermijn", "toestemming ingetrokken"]


class Afsprakenweergave(WireModel):
    """The agreements the referral is held to, as fixed when it arrived."""

    afsprakenprofiel: Afsprakenprofielverwijzing
    incassostop_minimum: date
    """No Incassostopwijziging may end the incassostop before this day."""
    terugmelding: list[Mijlpaal]
    """The milestones the creditor learns."""
    te_laat: bool
    """It arrived late (under a profile that marks late referrals rather than refusing them)."""


class Dossier(WireModel):
    """The municipality's full record of a referral, for its operators only."""

    conversatie_id: UUID
    toestand: Toestand
    verwijzing: Verwijzing | None = None
    """The Verwijzing as received; absent once its personal data were erased (see gewist)."""
    gewist: Wissing | None = None
    afspraken: Afsprakenweergave
    ontvangen_op: Tijdstip | None = None
    contactdeadline: Tijdstip | None = None
    incassostop: Periode
    afgerond_op: date | None = None
    """The day it closed: the retention term counts from it."""
    mijlpalen: dict[Mijlpaal, date]
    contactpogingen: list[Contactpogingweergave]
    tijdfeiten: list[Tijdfeit]
    ddas: Annotated[
        dict[str, Any],
        WithJsonSchema(
            {
                "type": "object",
                "description": "The referral as a DDAS vroegsignalering v1.2 Vroegsignaalzaak.",
            }
        ),
    ]

    @classmethod
    def van(
        cls,
        dossier: Verwijzingsdossier,
        verwijzing: Verwijzing | None,
        gewist: DossierGewist | None = None,
    ) -> Dossier:
        from warm_referral.lifecycle import vroegsignaalzaak

        return cls(
            conversatie_id=dossier.conversatie_id,
            toestand=dossier.toestand,
            verwijzing=verwijzing,
            gewist=None if gewist is None else Wissing(op=gewist.tijdstip, reden=gewist.reden),
            afspraken=Afsprakenweergave(
                afsprakenprofiel=dossier.afsprakenprofiel,
                incassostop_minimum=dossier.incassostop_minimum,
                terugmelding=[m for m in Mijlpaal if dossier.terugmelding.toont(m)],
                te_laat=dossier.te_laat,
            ),
            ontvangen_op=dossier.ontvangen_op,
            contactdeadline=dossier.contactdeadline,
            incassostop=Periode(
                ingangsdatum=dossier.incassostop[0], einddatum=dossier.incassostop[1]
            ),
            afgerond_op=dossier.afgerond_op,
            mijlpalen=dict(dossier.mijlpalen),
            contactpogingen=[
                Contactpogingweergave(
                    datum=p.datum, contactsoort=p.soort, dagdeel=p.dagdeel, bereikt=p.bereikt
                )
                for p in dossier.contactpogingen
            ],
            tijdfeiten=sorted(dossier.tijdfeiten, key=lambda t: t.value),
            ddas=vroegsignaalzaak(dossier),
        )


class Actieresultaat(WireModel):
    """What an action did: the referral's state after it, and the messages it sent."""

    toestand: Toestand
    berichten: list[_Bericht]


class Termijnbewaking(WireModel):
    """Per municipality: referrals still waiting for contact after their deadline, and those
    whose incassostop has ended."""

    nu: Tijdstip
    contact_te_laat: list[Verwijzingsindex]
    incassostop_voorbij: list[Verwijzingsindex]


def _testkloktijd(waarde: Any) -> datetime:
    """Strict RFC 3339 (the one parser), and inside the years a deadline can be computed from."""
    if isinstance(waarde, datetime) and waarde.utcoffset() is not None:
        nu = waarde
    elif isinstance(waarde, str):
        try:
            nu = parse_tijdstip(waarde)
        except InvalidTimestamp as exc:
            raise PydanticCustomError(exc.code, exc.melding) from None
    else:
        raise PydanticCustomError("tijdstip_ongeldig", "not an RFC 3339 date-time")
    if not 2000 <= nu.year < 2100:  # else a deadline computed from it overflows
        raise PydanticCustomError("tijdstip_buiten_bereik", "a year outside 2000..2099")
    return nu


_Testkloktijd = Annotated[
    datetime,
    PlainValidator(_testkloktijd),
    PlainSerializer(format_tijdstip, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": "^20[0-9]{2}-",
            "description": "RFC 3339 date-time with an offset (upper-case T and Z); the test "
            "clock runs in the years 2000 to 2099.",
        }
    ),
]


class Testklok(WireModel):
    """The test clock (development mode only): read it, or set it forward."""

    nu: _Testkloktijd
