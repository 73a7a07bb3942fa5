"""What a creditor may see of a referral: one function, :func:`schuldeiserbeeld`.

The municipality's record holds far more than the creditor may learn (DDAS model and RIS practice):

- never the reason behind "Niet opgepakt: andere reden" (only the creditor-safe reason itself);
- never the contact attempts: attempts that failed, and giving up on contact, show as "Opgepakt";
- never the content of the help: the kind of help offered and the DDAS final result become the
  coarse creditor-safe :class:`~warm_referral.models.enums.Eindresultaat`; "already known to debt
  help" becomes "Afgesloten: Al in begeleiding";
- only the milestones the agreed feedback shows (``Verwijzingsdossier.terugmelding``, from the
  agreement profile per ground and consent scope: see :mod:`warm_referral.afspraken`); where the
  current state's milestone is not shown, the last shown one reached before it is. No milestones
  at all when the help-seeker's consent leaves out Statusterugmelding: the creditor then sees
  "Ontvangen" until a NietOpgepakt or Doorzending, which every referral allows;
- once the creditor withdrew the referral it sees "Ingetrokken", also when the withdrawal crossed
  the municipality's ending (whose record keeps its own state).

The view of the municipality's record equals the view of the creditor's copy once the copy has
received every message the municipality's record asked to send; the tests check exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from .._tijd import amsterdamse_datum
from ..models.enums import Advies, Eindresultaat, NietOpgepaktReden
from ..models.onderdelen import Partij
from .dossier import Verwijzingsdossier
from .states import Toestand

__all__ = ["Schuldeiserbeeld", "Schuldeiserstatus", "schuldeiserbeeld"]


class Schuldeiserstatus(str, Enum):
    """The status as the creditor may know it: the states without a milestone, then the
    milestones."""

    VERZONDEN = "Verzonden"
    ONTVANGEN = "Ontvangen"
    NIET_OPGEPAKT = "Niet opgepakt"
    DOORGEZONDEN = "Doorgezonden"
    OPGEPAKT = "Opgepakt"
    BEREIKT = "Bereikt"
    HULP_AANGEBODEN = "Hulp aangeboden"
    HULP_AANVAARD = "Hulp aanvaard"
    HULP_AFGEWEZEN = "Hulp afgewezen"
    AFGESLOTEN = "Afgesloten"
    INGETROKKEN = "Ingetrokken"


@dataclass(frozen=True, slots=True)
class Schuldeiserbeeld:
    """A referral as its creditor may see it. Every field is creditor-safe by construction."""

    verwijzing_id: str
    status: Schuldeiserstatus
    sinds: date | None
    """The date of the status (the verwijsdatum while Verzonden)."""
    ontvangen_op: datetime | None = None
    contactdeadline: datetime | None = None
    incassostop: tuple[date, date] | None = None
    """(ingangsdatum, einddatum), both days included."""
    niet_opgepakt_reden: NietOpgepaktReden | None = None
    nieuwe_gemeente: Partij | None = None
    eindresultaat: Eindresultaat | None = None
    advies_incassostop: Advies | None = None
    statusterugmelding: bool = True
    """False: the consent does not let the creditor learn milestones."""
    te_laat: bool = False
    """The referral arrived late (under a profile that marks late referrals rather than refusing
    them); both records know it."""


def schuldeiserbeeld(dossier: Verwijzingsdossier) -> Schuldeiserbeeld:
    """What the creditor may see of ``dossier`` (either party's copy)."""
    toestand = dossier.toestand
    # The creditor knows its own withdrawal, also when it crossed the municipality's ending: its
    # copy then stays withdrawn, and so does this view.
    ingetrokken = dossier.intrekkingsreden is not None
    mijlpaal = dossier.zichtbare_mijlpaal if not ingetrokken else None
    status: Schuldeiserstatus
    sinds: date | None
    if ingetrokken:
        status, sinds = Schuldeiserstatus.INGETROKKEN, dossier.ingetrokken_op
    elif mijlpaal is not None:
        status, sinds = Schuldeiserstatus(mijlpaal.value), dossier.mijlpalen[mijlpaal]
    elif toestand is Toestand.NIET_OPGEPAKT:
        status, sinds = Schuldeiserstatus.NIET_OPGEPAKT, dossier.niet_opgepakt_op
    elif toestand is Toestand.DOORGEZONDEN:
        status, sinds = Schuldeiserstatus.DOORGEZONDEN, dossier.doorgezonden_op
    elif dossier.bevestigd and dossier.ontvangen_op is not None:
        # Acknowledged, and either no milestone yet or none may be told.
        status, sinds = Schuldeiserstatus.ONTVANGEN, amsterdamse_datum(dossier.ontvangen_op)
    else:
        status, sinds = Schuldeiserstatus.VERZONDEN, dossier.verwijsdatum
    # The acknowledgement's facts, while they are the current municipality's.
    ontvangst = dossier.bevestigd and not ingetrokken
    return Schuldeiserbeeld(
        verwijzing_id=dossier.verwijzing_id,
        status=status,
        sinds=sinds,
        ontvangen_op=dossier.ontvangen_op if ontvangst else None,
        contactdeadline=dossier.contactdeadline if ontvangst else None,
        incassostop=dossier.incassostop,
        niet_opgepakt_reden=(
            dossier.niet_opgepakt_reden if status is Schuldeiserstatus.NIET_OPGEPAKT else None
        ),
        nieuwe_gemeente=(
            dossier.doorgezonden_naar if status is Schuldeiserstatus.DOORGEZONDEN else None
        ),
        eindresultaat=dossier.eindresultaat if status is Schuldeiserstatus.AFGESLOTEN else None,
        advies_incassostop=dossier.advies_incassostop if mijlpaal is not None else None,
        statusterugmelding=dossier.statusterugmelding,
        te_laat=dossier.te_laat,
    )
