"""The operator's actions as they travel in the API (camelCase JSON), to and from the lifecycle's
local actions. The same JSON is what the event log stores, so replay reads what the API accepted."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Union

from pydantic import Field, TypeAdapter, ValidationError

from warm_referral.errors import InvalidPeerMessage
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
from warm_referral.models.violations import violations_from_pydantic

__all__ = ["ActieDoorzending", "Actieverzoek", "lees_actie", "naar_lokale_actie"]


class _Actie(WireModel):
    """An action is a wire object like a message: camelCase, closed, frozen."""


_Toelichting = Annotated[str, Field(min_length=1, max_length=1000)]


class ActieOppakken(_Actie):
    soort: Literal["Oppakken"]
    datum: date
    advies_incassostop: Advies | None = None


class ActieNietOppakken(_Actie):
    soort: Literal["NietOppakken"]
    datum: date
    reden: NietOpgepaktReden
    toelichting: _Toelichting | None = None


class ActieContactpoging(_Actie):
    soort: Literal["Contactpoging"]
    datum: date
    contactsoort: Contactsoort
    dagdeel: Dagdeel
    bereikt: bool


class ActieContactGestaakt(_Actie):
    soort: Literal["ContactGestaakt"]
    datum: date


class ActieHulpAangeboden(_Actie):
    soort: Literal["HulpAangeboden"]
    datum: date
    omschrijving: _Toelichting | None = None
    advies_incassostop: Advies | None = None


class ActieHulpbesluit(_Actie):
    soort: Literal["Hulpbesluit"]
    datum: date
    aanvaard: bool
    advies_incassostop: Advies | None = None


class ActieAfsluiting(_Actie):
    soort: Literal["Afsluiting"]
    datum: date
    eindresultaat: DdasEindresultaat
    toelichting: _Toelichting | None = None
    advies_incassostop: Advies | None = None


class ActieDoorzending(_Actie):
    """Not a local action but a message: the service builds the Doorzending from it."""

    soort: Literal["Doorzending"]
    datum: date
    nieuwe_gemeente: Partij


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
_ADAPTER: TypeAdapter[Actieverzoek] = TypeAdapter(Actieverzoek)


def lees_actie(data: bytes) -> Actieverzoek:
    """Parse an action; every violation is listed (the caller's input is at fault)."""
    try:
        return _ADAPTER.validate_json(data, strict=True)
    except ValidationError as exc:
        raise InvalidPeerMessage(violations_from_pydantic(exc, tagged_union=True)) from None


def naar_lokale_actie(actie: Actieverzoek) -> LokaleActie:
    if isinstance(actie, ActieOppakken):
        return Oppakken(datum=actie.datum, advies_incassostop=actie.advies_incassostop)
    if isinstance(actie, ActieNietOppakken):
        return NietOppakken(datum=actie.datum, reden=actie.reden, toelichting=actie.toelichting)
    if isinstance(actie, ActieContactpoging):
        return Contactpoging(
            datum=actie.datum,
            soort=actie.contactsoort,
            dagdeel=actie.dagdeel,
            bereikt=actie.bereikt,
        )
    if isinstance(actie, ActieContactGestaakt):
        return ContactGestaakt(datum=actie.datum)
    if isinstance(actie, ActieHulpAangeboden):
        return HulpAangeboden(
            datum=actie.datum,
            omschrijving=actie.omschrijving,
            advies_incassostop=actie.advies_incassostop,
        )
    if isinstance(actie, ActieHulpbesluit):
        return Hulpbesluit(
            datum=actie.datum, aanvaard=actie.aanvaard, advies_incassostop=actie.advies_incassostop
        )
    if isinstance(actie, ActieAfsluiting):
        return Afsluiting(
            datum=actie.datum,
            resultaat=actie.eindresultaat,
            toelichting=actie.toelichting,
            advies_incassostop=actie.advies_incassostop,
        )
    raise TypeError(f"{type(actie).__name__} is not a local action")
