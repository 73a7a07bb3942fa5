"""What the knooppunt answers: the receipt of a delivery and the mailbox listing. Envelope
fields and times only: the knooppunt has nothing else to say (WD-KNP-06)."""

from __future__ import annotations

from warm_referral.models import WireModel
from warm_referral.models.wire_types import Oin, Tijdstip, Uuid

__all__ = ["Afleverbewijs", "Postbus", "Postbusregel"]


class Afleverbewijs(WireModel):
    """The knooppunt holds the envelope: in whose mailbox, since when, and until when."""

    bericht_id: Uuid
    ontvanger: Oin
    afgeleverd_op: Tijdstip
    vervalt_op: Tijdstip
    """Unless confirmed before, the envelope is gone at this moment (WD-KNP-05)."""


class Postbusregel(WireModel):
    """One waiting envelope, without its content."""

    berichttype: str
    spec_versie: str
    bericht_id: Uuid
    conversatie_id: Uuid
    afzender: Oin
    ontvanger: Oin
    afgeleverd_op: Tijdstip
    vervalt_op: Tijdstip


class Postbus(WireModel):
    """The envelopes waiting in the caller's mailbox, oldest first."""

    enveloppen: list[Postbusregel]
