"""What a record asks its caller to do: send a message, schedule a tick, raise an alarm.

Effects are plain frozen data, so a record stays free of I/O. A message effect carries the fields of
the message without the envelope; :meth:`als_bericht` wraps them in one when the caller passes the
parties and the time (the reference server does exactly that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, TypeAlias
from uuid import UUID

from .._version import SPEC_VERSIE
from ..models.berichten import BERICHTTYPES, Bericht, nieuwe_envelop
from ..models.enums import Advies, Eindresultaat, Mijlpaal, NietOpgepaktReden
from ..models.onderdelen import Afsprakenprofielverwijzing, Partij, Periode
from .events import Soort
from .states import Tijdfeit, Toestand

__all__ = [
    "ContactTeLaat",
    "Effect",
    "HerhaalBericht",
    "IncassostopVoorbij",
    "Plan",
    "StuurNietOpgepakt",
    "StuurOntvangstbevestiging",
    "StuurStatusbericht",
    "Wijziging",
]


class _Stuur:
    """A message to send: its fields without the envelope."""

    __slots__ = ()
    berichttype: ClassVar[str]
    verwijzing_id: str
    cross_referentie: UUID | None

    def velden(self) -> dict[str, object]:
        """The message's own fields (not the envelope), by Python name."""
        raise NotImplementedError

    def als_bericht(
        self,
        *,
        afzender: Partij,
        ontvanger: Partij,
        conversatie_id: UUID,
        nu: datetime,
        spec_versie: str = SPEC_VERSIE,
    ) -> Bericht:
        """The full message: a fresh berichtId, this conversation, and ``nu`` as aangemaaktOp.
        Pass the record's ``spec_versie`` (the Verwijzing's): the municipality answers in it."""
        envelop = nieuwe_envelop(
            afzender,
            ontvanger,
            conversatie_id=conversatie_id,
            cross_referentie=self.cross_referentie,
            nu=nu,
            spec_versie=spec_versie,
        )
        velden: dict[str, Any] = {**envelop, "verwijzing_id": self.verwijzing_id, **self.velden()}
        return BERICHTTYPES[self.berichttype](**velden)


@dataclass(frozen=True, slots=True)
class StuurOntvangstbevestiging(_Stuur):
    """Acknowledge the Verwijzing: the proof, useful to the creditor, that help was asked for."""

    berichttype: ClassVar[str] = "Ontvangstbevestiging"
    verwijzing_id: str
    cross_referentie: UUID
    ontvangen_op: datetime
    contactdeadline: datetime
    incassostop: Periode
    """The incassostop the municipality holds (the Verwijzing's, at least the agreed term)."""
    afsprakenprofiel: Afsprakenprofielverwijzing
    te_laat: bool = False
    """The referral arrived late (under a profile that marks late referrals)."""

    def velden(self) -> dict[str, object]:
        return {
            "ontvangen_op": self.ontvangen_op,
            "contactdeadline": self.contactdeadline,
            "incassostop": self.incassostop,
            "afsprakenprofiel": self.afsprakenprofiel,
            "te_laat": True if self.te_laat else None,
        }

    def als_bericht(
        self,
        *,
        afzender: Partij,
        ontvanger: Partij,
        conversatie_id: UUID,
        nu: datetime,
        spec_versie: str = SPEC_VERSIE,
    ) -> Bericht:
        """As for every message; a 1.0 creditor is not told ``teLaat`` (1.1 added it)."""
        bericht = _Stuur.als_bericht(
            self,
            afzender=afzender,
            ontvanger=ontvanger,
            conversatie_id=conversatie_id,
            nu=nu,
            spec_versie=SPEC_VERSIE,
        )
        if spec_versie == SPEC_VERSIE:
            return bericht
        from ..models.versies import voor_peer

        return voor_peer(bericht, [spec_versie])[0]


@dataclass(frozen=True, slots=True)
class StuurNietOpgepakt(_Stuur):
    """Tell the creditor the referral is not taken up, with the creditor-safe reason only."""

    berichttype: ClassVar[str] = "NietOpgepakt"
    verwijzing_id: str
    reden: NietOpgepaktReden
    datum: date
    cross_referentie: UUID | None = None

    def velden(self) -> dict[str, object]:
        return {"reden": self.reden, "datum": self.datum}


@dataclass(frozen=True, slots=True)
class StuurStatusbericht(_Stuur):
    """Report a creditor-safe milestone (only produced when the consent allows it)."""

    berichttype: ClassVar[str] = "Statusbericht"
    verwijzing_id: str
    mijlpaal: Mijlpaal
    datum: date
    eindresultaat: Eindresultaat | None = None
    advies_incassostop: Advies | None = None
    cross_referentie: UUID | None = None
    """The Statusverzoek this answers, if any."""

    def velden(self) -> dict[str, object]:
        return {
            "mijlpaal": self.mijlpaal,
            "datum": self.datum,
            "eindresultaat": self.eindresultaat,
            "advies_incassostop": self.advies_incassostop,
        }


@dataclass(frozen=True, slots=True)
class HerhaalBericht:
    """Send an earlier message again, unchanged (same berichtId): the answer to a Statusverzoek
    when no milestone may or can be reported."""

    berichttype: str
    bericht_id: UUID


@dataclass(frozen=True, slots=True)
class Plan:
    """Call ``tik`` at or after ``wanneer``: then ``tijdfeit`` becomes true."""

    wanneer: datetime
    tijdfeit: Tijdfeit


@dataclass(frozen=True, slots=True)
class ContactTeLaat:
    """The contact deadline passed and nobody had contacted the help-seeker (municipality side)."""

    contactdeadline: datetime


@dataclass(frozen=True, slots=True)
class IncassostopVoorbij:
    """The incassostop's last day has passed: collection may resume from the next day."""

    einddatum: date


Effect: TypeAlias = (
    StuurOntvangstbevestiging
    | StuurNietOpgepakt
    | StuurStatusbericht
    | HerhaalBericht
    | Plan
    | ContactTeLaat
    | IncassostopVoorbij
)
"""Anything a record asks its caller to do."""


@dataclass(frozen=True, slots=True)
class Wijziging:
    """What one message, action or tick did to a record.

    ``dubbel``: the berichtId was seen before, nothing happened. ``genegeerd``: the table absorbed
    the event (a report of what the record already knew, or a message that crossed a withdrawal).
    """

    van: Toestand
    naar: Toestand
    soorten: tuple[Soort, ...] = ()
    effecten: tuple[Effect, ...] = ()
    dubbel: bool = False
    genegeerd: bool = False

    @property
    def veranderd(self) -> bool:
        """Did the state change?"""
        return self.van is not self.naar
