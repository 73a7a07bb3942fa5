"""The lifecycle of a warm referral: one transition table, a sans-IO record, creditor-safe feedback.

Creditor and municipality keep the same kind of record and feed it the same messages, so they agree
on the state of a referral and on which message may follow which::

    from warm_referral.lifecycle import Verwijzingsdossier, Contactpoging, schuldeiserbeeld

    dossier, wijziging = Verwijzingsdossier.voor_gemeente(verwijzing, ontvangen_op=nu)
    for effect in wijziging.effecten: ...   # send the Ontvangstbevestiging, plan two ticks
    dossier.verstuur(ontvangstbevestiging)
    wijziging = dossier.registreer(Contactpoging(datum, Contactsoort.TELEFOON, Dagdeel.OCHTEND, True))
    schuldeiserbeeld(dossier)               # what the creditor may see
    dossier.momentopname()                  # JSON-able; Verwijzingsdossier.herstel(...) restores it

The transition table and its guards are internal (:mod:`._table`, see its two rules): a caller asks a
record (``toestand``, ``afgerond``, ``wacht_op_contact``, ``mijlpaal``) or the errors it raises
(which name the kinds allowed now). :mod:`.ddas` maps states and results to DDAS vroegsignalering
v1.2; :mod:`.diagram` draws the table. The lifecycle does no I/O and never reads the clock.
"""

from __future__ import annotations

from .ddas import (
    SCHULDEISER_EINDRESULTAAT,
    DdasEindresultaat,
    DdasSignaalstatus,
    ddas_eindresultaat,
    ddas_signaalstatus,
    vroegsignaalzaak,
)
from .dossier import Betaalgedrag, Vastlegging, Verwijzingsdossier
from .effects import (
    ContactTeLaat,
    Effect,
    HerhaalBericht,
    IncassostopVoorbij,
    Plan,
    StuurNietOpgepakt,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Wijziging,
)
from .errors import (
    AgreementViolation,
    InvalidEvent,
    InvalidTransition,
    LocalAgreementViolation,
    LocalInvalidTransition,
    RemoteAgreementViolation,
    RemoteInvalidTransition,
    Weigering,
    WrongReferral,
)
from .events import (
    Afsluiting,
    ContactGestaakt,
    Contactpoging,
    Gebeurtenis,
    HulpAangeboden,
    Hulpbesluit,
    LokaleActie,
    NietOppakken,
    Oppakken,
    Soort,
    Tijdgebeurtenis,
    Tik,
    soort_van,
)
from .feedback import Schuldeiserbeeld, Schuldeiserstatus, schuldeiserbeeld
from .states import Rol, Tijdfeit, Toestand

__all__ = [
    "SCHULDEISER_EINDRESULTAAT",
    "Afsluiting",
    "AgreementViolation",
    "Betaalgedrag",
    "ContactGestaakt",
    "ContactTeLaat",
    "Contactpoging",
    "DdasEindresultaat",
    "DdasSignaalstatus",
    "Effect",
    "Gebeurtenis",
    "HerhaalBericht",
    "HulpAangeboden",
    "Hulpbesluit",
    "IncassostopVoorbij",
    "InvalidEvent",
    "InvalidTransition",
    "LocalAgreementViolation",
    "LocalInvalidTransition",
    "LokaleActie",
    "NietOppakken",
    "Oppakken",
    "Plan",
    "RemoteAgreementViolation",
    "RemoteInvalidTransition",
    "Rol",
    "Schuldeiserbeeld",
    "Schuldeiserstatus",
    "Soort",
    "StuurNietOpgepakt",
    "StuurOntvangstbevestiging",
    "StuurStatusbericht",
    "Tijdfeit",
    "Tijdgebeurtenis",
    "Tik",
    "Toestand",
    "Vastlegging",
    "Verwijzingsdossier",
    "Weigering",
    "Wijziging",
    "WrongReferral",
    "ddas_eindresultaat",
    "ddas_signaalstatus",
    "schuldeiserbeeld",
    "soort_van",
    "vroegsignaalzaak",
]
