"""The lifecycle of a warm referral: one transition table, a sans-IO record, creditor-safe feedback.

Creditor and municipality keep the same kind of record and feed it the same messages, so they agree
on the state of a referral and on which message may follow which::

    from warm_referral.lifecycle import Verwijzingsdossier, Contactpoging, schuldeiserbeeld

    dossier, wijziging = Verwijzingsdossier.voor_gemeente(verwijzing, ontvangen_op=nu)
    for effect in wijziging.effecten: ...   # send the Ontvangstbevestiging, plan two ticks
    dossier.verstuur(ontvangstbevestiging)
    wijziging = dossier.registreer(Contactpoging(datum, Contactsoort.TELEFOON, Dagdeel.OCHTEND, True))
    schuldeiserbeeld(dossier)               # what the creditor may see

The table lives in :mod:`._table` (see its two rules); :mod:`.ddas` maps states and results to
DDAS vroegsignalering v1.2; :mod:`.diagram` draws the table.
"""

from __future__ import annotations

from ._table import (
    AFZENDER,
    BEGINTOESTAND,
    EINDTOESTANDEN,
    MIJLPAAL,
    TABEL,
    WACHT_OP_CONTACT,
    Regel,
    overgang,
    toegestaan,
)
from .ddas import (
    SCHULDEISER_EINDRESULTAAT,
    DdasEindresultaat,
    DdasSignaalstatus,
    ddas_eindresultaat,
    ddas_signaalstatus,
    vroegsignaalzaak,
)
from .dossier import Betaalgedrag, VerkeerdDossier, Verwijzingsdossier
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
    LokaleOngeldigeOvergang,
    OngeldigeGebeurtenis,
    OngeldigeOvergang,
    PeerOngeldigeOvergang,
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
    "AFZENDER",
    "BEGINTOESTAND",
    "EINDTOESTANDEN",
    "MIJLPAAL",
    "SCHULDEISER_EINDRESULTAAT",
    "TABEL",
    "WACHT_OP_CONTACT",
    "Afsluiting",
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
    "LokaleActie",
    "LokaleOngeldigeOvergang",
    "NietOppakken",
    "OngeldigeGebeurtenis",
    "OngeldigeOvergang",
    "Oppakken",
    "PeerOngeldigeOvergang",
    "Plan",
    "Regel",
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
    "VerkeerdDossier",
    "Verwijzingsdossier",
    "Wijziging",
    "ddas_eindresultaat",
    "ddas_signaalstatus",
    "overgang",
    "schuldeiserbeeld",
    "soort_van",
    "toegestaan",
    "vroegsignaalzaak",
]
