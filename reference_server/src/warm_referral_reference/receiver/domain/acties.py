"""The operator's actions, defined once: as they travel in the API (camelCase JSON), as the event
log stores them, as the OpenAPI document describes them (generated from these classes), and as the
``gemeente actie`` command offers them. Each turns itself into the lifecycle's local action.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Union, get_args

from pydantic import Field

from warm_referral.lifecycle import (
    Afsluiting,
    ContactGestaakt,
    Contactpoging,
    DdasEindresultaat,
    HulpAangeboden,
    Hulpbesluit,
    LokaleActie,
    NietOppakken,
    Oppakken,
)
from warm_referral.models import (
    Advies,
    Contactsoort,
    Dagdeel,
    NietOpgepaktReden,
    Partij,
    WireModel,
)

__all__ = [
    "ACTIESOORTEN",
    "ActieAfsluiting",
    "ActieContactGestaakt",
    "ActieContactpoging",
    "ActieDoorzending",
    "ActieHulpAangeboden",
    "ActieHulpbesluit",
    "ActieNietOppakken",
    "ActieOppakken",
    "Actieverzoek",
    "LokaleActieverzoek",
]

_Toelichting = Annotated[str, Field(min_length=1, max_length=1000)]


class _LokaleActie(WireModel):
    """An action that is one of the lifecycle's local actions (everything but a Doorzending)."""

    datum: date
    """The day it happened (a Europe/Amsterdam date; never after today)."""

    def naar_lokale_actie(self) -> LokaleActie:
        raise NotImplementedError


class ActieOppakken(_LokaleActie):
    """The municipality takes the referral up."""

    soort: Literal["Oppakken"]
    advies_incassostop: Advies | None = None

    def naar_lokale_actie(self) -> LokaleActie:
        return Oppakken(datum=self.datum, advies_incassostop=self.advies_incassostop)


class ActieNietOppakken(_LokaleActie):
    """The municipality does not take it up; the toelichting never reaches the creditor."""

    soort: Literal["NietOppakken"]
    reden: NietOpgepaktReden
    toelichting: _Toelichting | None = None

    def naar_lokale_actie(self) -> LokaleActie:
        return NietOppakken(datum=self.datum, reden=self.reden, toelichting=self.toelichting)


class ActieContactpoging(_LokaleActie):
    """One attempt to contact the help-seeker."""

    soort: Literal["Contactpoging"]
    contactsoort: Contactsoort
    dagdeel: Dagdeel
    bereikt: bool

    def naar_lokale_actie(self) -> LokaleActie:
        return Contactpoging(
            datum=self.datum, soort=self.contactsoort, dagdeel=self.dagdeel, bereikt=self.bereikt
        )


class ActieContactGestaakt(_LokaleActie):
    """The municipality stops trying to reach the help-seeker."""

    soort: Literal["ContactGestaakt"]

    def naar_lokale_actie(self) -> LokaleActie:
        return ContactGestaakt(datum=self.datum)


class ActieHulpAangeboden(_LokaleActie):
    """Help was offered; the omschrijving stays with the municipality."""

    soort: Literal["HulpAangeboden"]
    omschrijving: _Toelichting | None = None
    advies_incassostop: Advies | None = None

    def naar_lokale_actie(self) -> LokaleActie:
        return HulpAangeboden(
            datum=self.datum,
            omschrijving=self.omschrijving,
            advies_incassostop=self.advies_incassostop,
        )


class ActieHulpbesluit(_LokaleActie):
    """The help-seeker accepted or declined the help offered."""

    soort: Literal["Hulpbesluit"]
    aanvaard: bool
    advies_incassostop: Advies | None = None

    def naar_lokale_actie(self) -> LokaleActie:
        return Hulpbesluit(
            datum=self.datum, aanvaard=self.aanvaard, advies_incassostop=self.advies_incassostop
        )


class ActieAfsluiting(_LokaleActie):
    """The municipality closes the referral with its DDAS final result."""

    soort: Literal["Afsluiting"]
    eindresultaat: DdasEindresultaat
    toelichting: _Toelichting | None = None
    advies_incassostop: Advies | None = None

    def naar_lokale_actie(self) -> LokaleActie:
        return Afsluiting(
            datum=self.datum,
            resultaat=self.eindresultaat,
            toelichting=self.toelichting,
            advies_incassostop=self.advies_incassostop,
        )


class ActieDoorzending(WireModel):
    """Not a local action but a message: the receiver builds the Doorzending from it."""

    # What the Doorzending it becomes requires of its nieuweGemeente, said in the request's
    # schema too (else the document promises what the server then refuses with 422).
    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "nieuweGemeente has a gemeentecode, not that of the municipality that forwards.",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "properties": {"nieuweGemeente": {"required": ["gemeentecode"]}}
    }

    soort: Literal["Doorzending"]
    datum: date
    nieuwe_gemeente: Partij


LokaleActieverzoek = Annotated[
    Union[  # noqa: UP007 - pydantic reads the discriminated union from this form
        ActieOppakken,
        ActieNietOppakken,
        ActieContactpoging,
        ActieContactGestaakt,
        ActieHulpAangeboden,
        ActieHulpbesluit,
        ActieAfsluiting,
    ],
    Field(discriminator="soort"),
]
"""An action the event log records as such (a Doorzending is recorded as the message sent)."""

Actieverzoek = Annotated[
    Union[  # noqa: UP007
        ActieOppakken,
        ActieNietOppakken,
        ActieContactpoging,
        ActieContactGestaakt,
        ActieHulpAangeboden,
        ActieHulpbesluit,
        ActieAfsluiting,
        ActieDoorzending,
    ],
    Field(discriminator="soort"),
]
"""The body of ``POST /v1/verwijzingen/{conversatieId}/acties``."""

#: The action kinds (the ``soort`` values), in the order the API documents them.
ACTIESOORTEN: tuple[str, ...] = tuple(
    get_args(cls.model_fields["soort"].annotation)[0] for cls in get_args(get_args(Actieverzoek)[0])
)
