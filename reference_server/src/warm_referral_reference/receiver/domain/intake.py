"""A creditor's message arrives: checked, applied to its referral, answered, all in one transaction.

A Verwijzing starts a referral and is answered with the Ontvangstbevestiging; a Statusverzoek is
answered with the message that says where the referral stands; any other message is acknowledged.
The answer is stored with the berichtId, so that a retry of the same message gets the same answer
and another message under the same berichtId is refused.

A Verwijzing is held first to the creditor's registration in the participants register (its kind
of referrer, ground, BSN, and an agreement with the municipality on the verwijsdatum), then to the
agreement profile that agreement names (the incassostop's term, lateness, the profile's grounds
table): every breach is refused with its own problem code (:data:`WEIGERING`). A withdrawal of
consent erases the referral's personal data at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from warm_referral import deadlines, format_tijdstip
from warm_referral.afsprakenstelsel import Deelnemersregister
from warm_referral.errors import UnknownProfileError, Violation
from warm_referral.lifecycle import (
    InvalidEvent,
    InvalidTransition,
    RemoteAgreementViolation,
    Wijziging,
)
from warm_referral.models import Bericht, Intrekking, Intrekkingsreden, Statusverzoek, Verwijzing

from ...deelnemers import Deelnemer
from ..errors import (
    AccessDenied,
    BerichtIdReused,
    BsnNotRegistered,
    ConsentWithdrawalWithoutConsent,
    ConsentWithdrawn,
    ConversationExists,
    GroundNotRegistered,
    IncassostopBeforeMinimum,
    IncassostopTooLong,
    IncassostopTooShort,
    KindNotRegistered,
    LateReferral,
    NoAgreement,
    NotInProfile,
    ReceiverError,
    ReferredInFuture,
    TransitionRefused,
    UnknownMunicipality,
    UnknownReferral,
    WrongSender,
)
from ..storage import Antwoord, Transactie
from .bediening import Bediening
from .dossiers import Werkdossier
from .gebeurtenissen import BerichtOntvangen
from .toegang import Toegang
from .weergaven import Ontvangst

__all__ = ["KLOKSPELING", "WEIGERING", "Aanlevering", "Uitkomst", "neem_aan", "weigering"]

#: How far a creditor's clock may run ahead before a referral "from the future" is refused.
KLOKSPELING = timedelta(minutes=5)

#: The refusal for each violation code of the register, the agreement profile and the lifecycle
#: guards, in order of precedence: the first code found decides the problem type (every violation
#: is listed in ``fouten``).
WEIGERING: dict[str, type[ReceiverError]] = {
    "afzender_wijkt_af": WrongSender,
    "soort_niet_ingeschreven": KindNotRegistered,
    "grondslag_niet_ingeschreven": GroundNotRegistered,
    "bsn_niet_ingeschreven": BsnNotRegistered,
    "geen_afspraak": NoAgreement,
    "soort_niet_in_profiel": NotInProfile,
    "grondslag_niet_in_profiel": NotInProfile,
    "bsn_niet_in_profiel": NotInProfile,
    "incassostop_te_kort": IncassostopTooShort,
    "incassostop_te_lang": IncassostopTooLong,
    "verwijzing_te_laat": LateReferral,
    "incassostop_voor_minimum": IncassostopBeforeMinimum,
    "intrekking_zonder_toestemming": ConsentWithdrawalWithoutConsent,
    "toestemming_ingetrokken": ConsentWithdrawn,
}


def weigering(fouten: tuple[Violation, ...] | list[Violation], detail: str) -> ReceiverError:
    """The refusal for these violations (the first code in :data:`WEIGERING` order decides)."""
    codes = {f.code for f in fouten}
    soort = next((cls for code, cls in WEIGERING.items() if code in codes), TransitionRefused)
    return soort(detail, fouten)


class Uitkomst(str, Enum):
    """What kind of answer a message got (the HTTP layer gives each its status)."""

    BEVESTIGD = "bevestigd"
    """A Verwijzing accepted: the answer is the Ontvangstbevestiging."""
    BEANTWOORD = "beantwoord"
    """A Statusverzoek answered with a message."""
    ONTVANGEN = "ontvangen"
    """Another message accepted: the answer is an :class:`Ontvangst`."""


@dataclass(frozen=True)
class Aanlevering:
    """A message as it arrived, checked outside the transaction already (valid, the right
    direction, from the caller)."""

    wie: Deelnemer
    toegang: Toegang
    bericht: Bericht
    canoniek: bytes
    """Its canonical JSON: what is stored, and what a retry is compared by."""
    trace_id: str
    body_hash: str = field(init=False)
    """The hash a retry is compared by (computed here, outside the transaction)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "body_hash", hashlib.sha256(self.canoniek).hexdigest())


def neem_aan(
    tx: Transactie,
    aanlevering: Aanlevering,
    nu: datetime,
    *,
    register: Deelnemersregister,
    bediend: frozenset[str] | None,
    audit_sleutel: bytes,
    bewaartermijn_dagen: int | None = None,
    bediening: Bediening | None = None,
) -> Antwoord:
    """Apply a message, or give the stored answer to its berichtId again."""
    bericht, body_hash = aanlevering.bericht, aanlevering.body_hash
    eerder = tx.eerder_antwoord(bericht.bericht_id)
    if eerder is not None:
        if eerder[0] == body_hash:
            return eerder[1]
        raise BerichtIdReused(
            f"berichtId {bericht.bericht_id} was already used for another message"
        )
    if isinstance(bericht, Verwijzing):
        dossier, wijziging = _nieuwe_verwijzing(
            tx, aanlevering, bericht, nu, register, bediend, bediening
        )
        uitgaand = dossier.voer_uit(wijziging, nu)
        bevestiging = next(b for b in uitgaand if b.berichttype == "Ontvangstbevestiging")
        antwoord = Antwoord(Uitkomst.BEVESTIGD.value, dossier.json(bevestiging))
        activiteit = "verwijzing ontvangen"
    else:
        dossier, uitgaand = _vervolgbericht(tx, aanlevering, nu)
        antwoord = _antwoord(dossier, bericht, uitgaand, nu)
        activiteit = f"{bericht.berichttype} ontvangen"
    dossier.log(activiteit, aanlevering.wie, aanlevering.trace_id, nu, audit_sleutel)
    if (
        isinstance(bericht, Intrekking)
        and bericht.reden is Intrekkingsreden.TOESTEMMING_INGETROKKEN
        and dossier.dossier.toestemming_ingetrokken
    ):
        # What only the consent allowed goes now: every personal datum of the referral.
        dossier.wis("toestemming ingetrokken", nu, audit_sleutel, aanlevering.trace_id)
    dossier.bewaar_index(nu, bewaartermijn_dagen)
    tx.bewaar_antwoord(bericht.bericht_id, body_hash, antwoord)
    return antwoord


def _nieuwe_verwijzing(
    tx: Transactie,
    aanlevering: Aanlevering,
    verwijzing: Verwijzing,
    nu: datetime,
    register: Deelnemersregister,
    bediend: frozenset[str] | None,
    bediening: Bediening | None = None,
) -> tuple[Werkdossier, Wijziging]:
    code = verwijzing.ontvanger.gemeentecode
    if bediend is not None and code not in bediend:
        raise UnknownMunicipality(f"this receiver does not serve gemeentecode {code}")
    if bediening is not None:
        bediening.controleer(verwijzing)
    inschrijving = aanlevering.wie.inschrijving
    if inschrijving is None:
        raise AccessDenied("only a creditor in the participants register sends referrals")
    toets = register.toets_verwijzing(inschrijving, verwijzing)
    if toets.afwijkingen:
        raise weigering(
            toets.afwijkingen,
            "the participants register does not allow this referral: "
            + "; ".join(f.melding for f in toets.afwijkingen),
        )
    assert toets.afspraak is not None
    ref = toets.afspraak.afsprakenprofiel
    try:
        profiel = deadlines.afsprakenprofielen().versie(ref.naam, ref.versie)
    except UnknownProfileError as exc:  # the register was checked against the profiles at start
        raise AssertionError(str(exc)) from None
    if tx.dossier(verwijzing.conversatie_id) is not None:
        raise ConversationExists(
            f"conversatieId {verwijzing.conversatie_id} already holds a referral; "
            "a new referral starts a new conversation"
        )
    if verwijzing.verwezen_op - nu > KLOKSPELING:
        raise ReferredInFuture(
            f"verwezenOp {format_tijdstip(verwijzing.verwezen_op)} lies after now "
            f"({format_tijdstip(nu)})"
        )
    ontvangen_op = max(nu, verwijzing.verwezen_op)
    try:
        return Werkdossier.nieuw(
            tx, aanlevering.wie.sleutel, verwijzing, aanlevering.canoniek, ontvangen_op, profiel
        )
    except RemoteAgreementViolation as exc:
        raise weigering(
            exc.violations,
            f"the referral breaks afsprakenprofiel {profiel.naam} {profiel.versie}: "
            + "; ".join(v.melding for v in exc.violations),
        ) from None
    except InvalidEvent as exc:
        raise TransitionRefused(str(exc)) from None


def _vervolgbericht(
    tx: Transactie, aanlevering: Aanlevering, nu: datetime
) -> tuple[Werkdossier, list[Bericht]]:
    bericht = aanlevering.bericht
    index = tx.dossier(bericht.conversatie_id)
    if index is None or not aanlevering.toegang.ziet(index):
        raise UnknownReferral(f"no referral of yours with conversatieId {bericht.conversatie_id}")
    dossier = Werkdossier.herbouw(tx, index)
    try:
        wijziging = dossier.dossier.ontvang(bericht)
    except InvalidTransition as exc:
        if exc.code is not None:
            raise weigering(
                [Violation(f"/{exc.pad}" if exc.pad else "", exc.code, exc.reden or str(exc))],
                str(exc),
            ) from None
        raise TransitionRefused(str(exc)) from None
    except InvalidEvent as exc:
        raise TransitionRefused(str(exc)) from None
    dossier.schrijf(BerichtOntvangen(tijdstip=nu, bericht=bericht), aanlevering.canoniek)
    return dossier, dossier.voer_uit(wijziging, nu)


def _antwoord(
    dossier: Werkdossier, bericht: Bericht, uitgaand: list[Bericht], nu: datetime
) -> Antwoord:
    if isinstance(bericht, Statusverzoek) and uitgaand:
        return Antwoord(Uitkomst.BEANTWOORD.value, dossier.json(uitgaand[-1]))
    ontvangst = Ontvangst(
        bericht_id=bericht.bericht_id, berichttype=bericht.berichttype, ontvangen_op=nu
    )
    return Antwoord(Uitkomst.ONTVANGEN.value, ontvangst.model_dump_json().encode())
