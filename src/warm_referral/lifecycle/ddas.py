"""How the lifecycle maps onto DDAS vroegsignalering v1.2, the municipality-to-CBS reporting model.

A municipality reports each warm referral as a *Vroegsignaal* (with a ``status`` from
EnumSignaalstatus) and a *Vroegsignaalzaak* (with a ``resultaat`` from EnumEindresultaat and its
contact attempts). The two enums below copy those lists unchanged; ``tests/library/test_ddas_mapping.py``
reads the official schema so they cannot drift. :data:`SCHULDEISER_EINDRESULTAAT` coarsens each DDAS
final result to the creditor-safe :class:`~warm_referral.models.enums.Eindresultaat`.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from ..models.enums import Eindresultaat, Intrekkingsreden, NietOpgepaktReden
from .states import Toestand

if TYPE_CHECKING:
    from .dossier import Verwijzingsdossier

__all__ = [
    "EINDRESULTAAT_BIJ_INTREKKING",
    "NIET_OPGEPAKT_EINDRESULTAAT",
    "SCHULDEISER_EINDRESULTAAT",
    "SIGNAALSTATUS",
    "DdasEindresultaat",
    "DdasSignaalstatus",
    "ddas_eindresultaat",
    "ddas_signaalstatus",
    "vroegsignaalzaak",
]


class DdasSignaalstatus(str, Enum):
    """DDAS v1.2 EnumSignaalstatus, unchanged."""

    AL_BEKEND = "Inwoner al bekend bij schuldhulpverlening"
    OVERLEDEN = "Inwoner is overleden"
    NIET_OPGEPAKT_ANDERE_REDEN = "Niet opgepakt: andere reden"
    NIET_OPGEPAKT_HERHAALDE_MELDING = "Niet opgepakt: herhaalde melding"
    NIET_OPGEPAKT_ONTERECHT_SIGNAAL = "Niet opgepakt: onterecht signaal"
    NOG_NIET_OPGEPAKT = "Nog niet opgepakt"
    OPGEPAKT = "Opgepakt"
    GEEN_INWONER = "Persoon is geen inwoner (meer) in de gemeente"


class DdasEindresultaat(str, Enum):
    """DDAS v1.2 EnumEindresultaat, unchanged: the municipality's own final result of a referral."""

    BUDGETADVIES_OF_QUICK_FIX = "(Budget)advies en/of quick fix"
    DEFINITIEF_GEEN_CONTACT = "Definitief geen contact kunnen krijgen"
    GEEN_REACTIE_NA_EERDER_CONTACT = "Geen reactie na eerder contact"
    AL_BEKEND = "Inwoner al bekend bij schuldhulpverlening"
    ANDER_LOPEND_TRAJECT = "Inwoner heeft al een ander lopend traject"
    ZELF_BETAALD = "Inwoner heeft zelf al betaald/betalingsregeling getroffen"
    OVERLEDEN = "Inwoner is overleden"
    REGELT_HET_ZELF = "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"
    NIET_OPGEPAKT_ANDERE_REDEN = "Niet opgepakt: andere reden"
    NIET_OPGEPAKT_HERHAALDE_MELDING = "Niet opgepakt: herhaalde melding"
    NIET_OPGEPAKT_ONTERECHT_SIGNAAL = "Niet opgepakt: onterecht signaal"
    GEEN_INWONER = "Persoon is geen inwoner (meer) in de gemeente"
    VERVOLGHULP = "Vervolghulp en/of verwijzing"
    VERVOLGHULP_FINANCIEEL = "Vervolghulp en/of verwijzing financieel"
    VERVOLGHULP_NIET_FINANCIEEL = "Vervolghulp en/of verwijzing niet financieel"
    VERWIJZING_ZONDER_TUSSENKOMST = "Verwijzing zonder tussenkomst inwoner"


#: What the creditor may learn of each final result: never the kind of help (financial or not,
#: advice or follow-up care), never the reason behind "Niet opgepakt: andere reden".
SCHULDEISER_EINDRESULTAAT: dict[DdasEindresultaat, Eindresultaat] = {
    DdasEindresultaat.BUDGETADVIES_OF_QUICK_FIX: Eindresultaat.ONDERSTEUNING_GESTART,
    DdasEindresultaat.VERVOLGHULP: Eindresultaat.ONDERSTEUNING_GESTART,
    DdasEindresultaat.VERVOLGHULP_FINANCIEEL: Eindresultaat.ONDERSTEUNING_GESTART,
    DdasEindresultaat.VERVOLGHULP_NIET_FINANCIEEL: Eindresultaat.ONDERSTEUNING_GESTART,
    DdasEindresultaat.ZELF_BETAALD: Eindresultaat.REGELT_HET_ZELF,
    DdasEindresultaat.REGELT_HET_ZELF: Eindresultaat.REGELT_HET_ZELF,
    DdasEindresultaat.AL_BEKEND: Eindresultaat.AL_IN_BEGELEIDING,
    DdasEindresultaat.ANDER_LOPEND_TRAJECT: Eindresultaat.AL_IN_BEGELEIDING,
    DdasEindresultaat.DEFINITIEF_GEEN_CONTACT: Eindresultaat.GEEN_CONTACT,
    DdasEindresultaat.GEEN_REACTIE_NA_EERDER_CONTACT: Eindresultaat.GEEN_CONTACT,
    DdasEindresultaat.OVERLEDEN: Eindresultaat.OVERLEDEN,
    DdasEindresultaat.GEEN_INWONER: Eindresultaat.GEEN_INWONER,
    # The resident was not involved, so nothing tells the creditor that support started.
    DdasEindresultaat.VERWIJZING_ZONDER_TUSSENKOMST: Eindresultaat.OVERIG,
    DdasEindresultaat.NIET_OPGEPAKT_ANDERE_REDEN: Eindresultaat.OVERIG,
    DdasEindresultaat.NIET_OPGEPAKT_HERHAALDE_MELDING: Eindresultaat.OVERIG,
    DdasEindresultaat.NIET_OPGEPAKT_ONTERECHT_SIGNAAL: Eindresultaat.OVERIG,
}

#: The signal status of each state when the record adds nothing. Two states refine it from the
#: record (:func:`ddas_signaalstatus`): NIET_OPGEPAKT reports its reason (every
#: NietOpgepaktReden is a DDAS signal status), INGETROKKEN reports "Opgepakt" once picked up.
SIGNAALSTATUS: dict[Toestand, DdasSignaalstatus] = {
    Toestand.VERZONDEN: DdasSignaalstatus.NOG_NIET_OPGEPAKT,
    Toestand.ONTVANGEN: DdasSignaalstatus.NOG_NIET_OPGEPAKT,
    Toestand.NIET_OPGEPAKT: DdasSignaalstatus.NIET_OPGEPAKT_ANDERE_REDEN,
    Toestand.DOORGEZONDEN: DdasSignaalstatus.GEEN_INWONER,
    Toestand.OPGEPAKT: DdasSignaalstatus.OPGEPAKT,
    Toestand.CONTACTPOGINGEN: DdasSignaalstatus.OPGEPAKT,
    Toestand.BEREIKT: DdasSignaalstatus.OPGEPAKT,
    Toestand.NIET_BEREIKT: DdasSignaalstatus.OPGEPAKT,
    Toestand.HULP_AANGEBODEN: DdasSignaalstatus.OPGEPAKT,
    Toestand.HULP_AANVAARD: DdasSignaalstatus.OPGEPAKT,
    Toestand.HULP_AFGEWEZEN: DdasSignaalstatus.OPGEPAKT,
    Toestand.AL_BEKEND: DdasSignaalstatus.AL_BEKEND,
    Toestand.AFGESLOTEN: DdasSignaalstatus.OPGEPAKT,
    Toestand.INGETROKKEN: DdasSignaalstatus.NIET_OPGEPAKT_ANDERE_REDEN,
}

#: The final result of a withdrawn referral, by the creditor's reason.
EINDRESULTAAT_BIJ_INTREKKING: dict[Intrekkingsreden, DdasEindresultaat] = {
    Intrekkingsreden.BETAALD: DdasEindresultaat.ZELF_BETAALD,
    Intrekkingsreden.TEN_ONRECHTE_VERZONDEN: DdasEindresultaat.NIET_OPGEPAKT_ONTERECHT_SIGNAAL,
    Intrekkingsreden.TOESTEMMING_INGETROKKEN: DdasEindresultaat.REGELT_HET_ZELF,
}


#: The final result that goes with each reason for not taking a referral up (same words in DDAS).
NIET_OPGEPAKT_EINDRESULTAAT: dict[NietOpgepaktReden, DdasEindresultaat] = {
    reden: DdasEindresultaat(reden.value) for reden in NietOpgepaktReden
}


def ddas_signaalstatus(dossier: Verwijzingsdossier) -> DdasSignaalstatus:
    """The DDAS signal status of a referral (the Vroegsignaal ``status``)."""
    toestand = dossier.toestand
    if toestand is Toestand.NIET_OPGEPAKT and dossier.niet_opgepakt_reden is not None:
        return DdasSignaalstatus(dossier.niet_opgepakt_reden.value)
    if toestand is Toestand.INGETROKKEN and dossier.opgepakt_op is not None:
        return DdasSignaalstatus.OPGEPAKT
    return SIGNAALSTATUS[toestand]


def ddas_eindresultaat(dossier: Verwijzingsdossier) -> DdasEindresultaat | None:
    """The DDAS final result (the Vroegsignaalzaak ``resultaat``); None while the referral runs.

    A creditor's copy that only learnt the creditor-safe result has no DDAS result either.
    """
    toestand = dossier.toestand
    if toestand is Toestand.AFGESLOTEN or toestand is Toestand.AL_BEKEND:
        return dossier.ddas_eindresultaat
    if toestand is Toestand.NIET_OPGEPAKT and dossier.niet_opgepakt_reden is not None:
        return NIET_OPGEPAKT_EINDRESULTAAT[dossier.niet_opgepakt_reden]
    if toestand is Toestand.DOORGEZONDEN:
        return DdasEindresultaat.GEEN_INWONER
    if toestand is Toestand.INGETROKKEN and dossier.intrekkingsreden is not None:
        return EINDRESULTAAT_BIJ_INTREKKING[dossier.intrekkingsreden]
    return None


def vroegsignaalzaak(dossier: Verwijzingsdossier) -> dict[str, Any]:
    """The referral as a DDAS ``Vroegsignaalzaak`` object (valid against the v1.2 schema).

    Monitoring exports put it in a ``levering``; only the municipality's record has the contact
    attempts, so export from that side.
    """

    def iso(d: date) -> str:
        return d.isoformat()

    zaak: dict[str, Any] = {"vroegsignalen": [{"ID": dossier.verwijzing_id}]}
    resultaat = ddas_eindresultaat(dossier)
    if resultaat is not None:
        zaak["resultaat"] = resultaat.value
    if dossier.opgepakt_op is not None:
        zaak["datumOpgepakt"] = iso(dossier.opgepakt_op)
    if dossier.contactpogingen:
        zaak["contactpogingen"] = [
            {
                "soort": p.soort.value,
                "bereikt": p.bereikt,
                "datum": iso(p.datum),
                "dagdeel": p.dagdeel.value,
            }
            for p in dossier.contactpogingen
        ]
    return zaak
