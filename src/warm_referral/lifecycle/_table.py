"""The one transition table of a referral's lifecycle.

Two rules for this file, as in h11's ``_state.py``:

1. Everything that affects which state a referral is in lives here: the transitions, their guards,
   which party sends each kind of event, and the facts the guards read. Records, feedback,
   the DDAS mapping and the diagram only read this table.
2. This file does not know which role it plays. It knows which party *sends* each kind of event
   (that is the protocol), never which party *we* are; the caller says whether an event came from
   the peer, and only to pick the side the error blames.

How to read the table: ``TABEL[toestand][soort]`` is the :class:`Regel` for that event in that
state; a pair that is missing is not allowed. A rule whose ``doel`` is a state moves there (or stays,
for a self-loop that still records the event); a rule whose ``doel`` is None changes nothing at all:
a report of what the record already knows (the same or an older milestone again), or a message that
crossed a withdrawal on the way. A guard returns None to allow the event, or the reason it refuses.

Milestone reports (Statusbericht) may skip milestones, because a municipality reports what it
reaches, and an older milestone arriving late is absorbed; milestone dates never go backwards.
Terminal states never change: every rule in them is a self-loop or absorbs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from .._tijd import amsterdamse_datum
from ..afspraken import Terugmelding
from ..models.enums import (
    Eindresultaat,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    SoortIncassostopwijziging,
)
from ..models.onderdelen import Partij
from .ddas import SCHULDEISER_EINDRESULTAAT, DdasEindresultaat
from .errors import InvalidTransition, LocalInvalidTransition, RemoteInvalidTransition, Weigering
from .events import STATUS_SOORT, Soort
from .states import Rol, Toestand

__all__ = [
    "AFZENDER",
    "BEGINTOESTAND",
    "EINDTOESTANDEN",
    "LOKALE_ACTIES",
    "MIJLPAAL",
    "MIJLPAALRANG",
    "NA_CONTACT",
    "NEEMT_OP",
    "RESULTAATGROEPEN",
    "STATUS_MIJLPAAL",
    "TABEL",
    "VOOR_CONTACTPOGING",
    "WACHT_OP_CONTACT",
    "ZONDER_CONTACT",
    "Feiten",
    "Regel",
    "overgang",
    "toegestaan",
]

# --- what the guards read --------------------------------------------------------------------------


class Feiten(Protocol):
    """The facts of a record that guards read (a :class:`Verwijzingsdossier` has them all)."""

    @property
    def laatste_datum(self) -> date:
        """The date of the latest step of the municipality: no new step may lie before it."""

    @property
    def verwijzing_bericht_id(self) -> UUID: ...

    @property
    def contactdeadline(self) -> datetime | None: ...

    @property
    def incassostop(self) -> tuple[date, date]: ...

    @property
    def incassostop_minimum(self) -> date:
        """The agreed minimum end of the incassostop: no change may end it earlier."""

    @property
    def terugmelding(self) -> Terugmelding:
        """Which milestones the creditor may learn (the agreement profile's feedback policy)."""

    @property
    def grondslag(self) -> Grondslag:
        """The ground the referral rests on."""

    @property
    def toestemming_ingetrokken(self) -> bool:
        """Did the creditor report that the help-seeker withdrew the consent?"""

    @property
    def eindresultaat(self) -> Eindresultaat | None:
        """The creditor-safe final result, once closed."""

    @property
    def niet_opgepakt_reden(self) -> NietOpgepaktReden | None: ...

    @property
    def doorgezonden_naar(self) -> Partij | None:
        """The municipality the referral was forwarded to, if it was."""


Bewaking = Callable[[Feiten, Any], "str | Weigering | None"]
"""A guard: None allows the event; a sentence, or a :class:`Weigering` with a stable code, is the
reason it is refused."""


@dataclass(frozen=True, slots=True)
class Regel:
    """One allowed (state, event kind) pair: where it leads, and the guard that must pass."""

    doel: Toestand | None
    bewaking: Bewaking | None = None


# --- guards ----------------------------------------------------------------------------------------


def _datum_niet_terug(feiten: Feiten, datum: date) -> str | None:
    if datum < feiten.laatste_datum:
        return (
            f"its date {datum.isoformat()} lies before {feiten.laatste_datum.isoformat()}, the "
            "date of the previous step; milestone dates never go backwards"
        )
    return None


def _gedateerd(feiten: Feiten, g: Any) -> str | None:
    return _datum_niet_terug(feiten, g.datum)


def _ontvangstbevestiging(feiten: Feiten, g: Any) -> str | None:
    if g.cross_referentie != feiten.verwijzing_bericht_id:
        return (
            f"its crossReferentie {g.cross_referentie} is not the berichtId "
            f"{feiten.verwijzing_bericht_id} of the Verwijzing"
        )
    return _ontvangstbevestiging_gelijk(feiten, g)


def _ontvangstbevestiging_na_doorzending(feiten: Feiten, g: Any) -> str | None:
    # After a Doorzending the new municipality answers a Verwijzing it got from the old one, so
    # its crossReferentie may name that message instead; the old one has nothing more to confirm.
    nieuw = feiten.doorgezonden_naar
    if (
        nieuw is not None
        and nieuw.gemeentecode is not None
        and g.afzender.gemeentecode not in (None, nieuw.gemeentecode)
    ):
        return (
            f"after the Doorzending only the new municipality {nieuw.gemeentecode} acknowledges, "
            f"not {g.afzender.gemeentecode}"
        )
    return _ontvangstbevestiging_gelijk(feiten, g)


def _ontvangstbevestiging_gelijk(feiten: Feiten, g: Any) -> str | None:
    if feiten.contactdeadline is not None and g.contactdeadline != feiten.contactdeadline:
        return (
            f"its contactdeadline {g.contactdeadline.isoformat()} differs from the one computed at "
            f"receipt, {feiten.contactdeadline.isoformat()}"
        )
    return _datum_niet_terug(feiten, amsterdamse_datum(g.ontvangen_op))


def _niet_te_melden(feiten: Feiten, g: Any) -> Weigering | None:
    if feiten.toestemming_ingetrokken:
        return Weigering(
            "toestemming_ingetrokken",
            "",
            "the help-seeker withdrew the consent: nothing more about this referral is reported",
        )
    if not feiten.terugmelding.toont(g.mijlpaal):
        return Weigering(
            "mijlpaal_niet_te_melden",
            "mijlpaal",
            f"the feedback agreed for this referral does not report the milestone "
            f"{g.mijlpaal.value!r}",
        )
    return None


def _statusbericht(feiten: Feiten, g: Any) -> str | Weigering | None:
    return _niet_te_melden(feiten, g) or _datum_niet_terug(feiten, g.datum)


def _statusbericht_bekend(feiten: Feiten, g: Any) -> str | Weigering | None:
    # A report of the current or an older milestone: nothing to check but the feedback rules.
    return _niet_te_melden(feiten, g)


def _statusbericht_afgesloten_bekend(feiten: Feiten, g: Any) -> str | Weigering | None:
    geweigerd = _niet_te_melden(feiten, g)
    if geweigerd is not None:
        return geweigerd
    if feiten.eindresultaat is not None and g.eindresultaat is not feiten.eindresultaat:
        return (
            f"the referral was closed with eindresultaat {feiten.eindresultaat.value!r}, "
            f"not {g.eindresultaat.value!r}"
        )
    return None


def _zelfde_reden(feiten: Feiten, g: Any) -> str | None:
    if g.reden is not feiten.niet_opgepakt_reden:
        bekend = feiten.niet_opgepakt_reden.value if feiten.niet_opgepakt_reden else "?"
        return f"the referral was not taken up for {bekend!r}, not {g.reden.value!r}"
    return None


def _incassostopwijziging(feiten: Feiten, g: Any) -> str | Weigering | None:
    _, einde = feiten.incassostop
    minimum = feiten.incassostop_minimum
    if g.einddatum < minimum:
        return Weigering(
            "incassostop_voor_minimum",
            "einddatum",
            f"the incassostop ends no earlier than {minimum.isoformat()}, the end agreed when it "
            f"started; not on {g.einddatum.isoformat()}",
        )
    if g.soort is SoortIncassostopwijziging.VERLENGEN and g.einddatum <= einde:
        return (
            f"an extension must end after the current einddatum {einde.isoformat()}, "
            f"not on {g.einddatum.isoformat()}"
        )
    if g.soort is SoortIncassostopwijziging.OPHEFFEN and g.einddatum > einde:
        return (
            f"lifting the incassostop sets its last day between {minimum.isoformat()} and "
            f"{einde.isoformat()}, not {g.einddatum.isoformat()}"
        )
    return None


def _intrekking(feiten: Feiten, g: Any) -> Weigering | None:
    if (
        g.reden is Intrekkingsreden.TOESTEMMING_INGETROKKEN
        and feiten.grondslag is not Grondslag.TOESTEMMING
    ):
        return Weigering(
            "intrekking_zonder_toestemming",
            "reden",
            f"the referral rests on {feiten.grondslag.value!r}, not on consent: a withdrawal of "
            "consent does not apply to it (withdraw it for another reason)",
        )
    return None


def _statusverzoek_na_intrekking(feiten: Feiten, g: Any) -> str | Weigering:
    """Withdrawn: nothing more is reported; after a withdrawal of consent, say so (WD-GROND-09)."""
    return _statusverzoek(feiten, g) or "the referral was withdrawn: nothing more is reported"


def _statusverzoek(feiten: Feiten, g: Any) -> Weigering | None:
    if feiten.toestemming_ingetrokken:
        return Weigering(
            "toestemming_ingetrokken",
            "",
            "the help-seeker withdrew the consent: nothing more about this referral is reported",
        )
    return None


# Which final results fit where the referral stands (DDAS EnumEindresultaat). "Niet opgepakt: ..."
# results come with a NietOpgepakt, never with a closing, and "Inwoner al bekend" has its own kind.
_ALTIJD = frozenset(
    {
        DdasEindresultaat.ANDER_LOPEND_TRAJECT,
        DdasEindresultaat.ZELF_BETAALD,
        DdasEindresultaat.OVERLEDEN,
        DdasEindresultaat.GEEN_INWONER,
    }
)
#: Results that say the person was never reached.
ZONDER_CONTACT = _ALTIJD | {
    DdasEindresultaat.DEFINITIEF_GEEN_CONTACT,
    DdasEindresultaat.VERWIJZING_ZONDER_TUSSENKOMST,
}
#: Results that need contact with the person.
NA_CONTACT = _ALTIJD | {
    DdasEindresultaat.BUDGETADVIES_OF_QUICK_FIX,
    DdasEindresultaat.GEEN_REACTIE_NA_EERDER_CONTACT,
    DdasEindresultaat.REGELT_HET_ZELF,
    DdasEindresultaat.VERVOLGHULP,
    DdasEindresultaat.VERVOLGHULP_FINANCIEEL,
    DdasEindresultaat.VERVOLGHULP_NIET_FINANCIEEL,
}
#: Before any contact attempt, "definitively no contact" cannot be true yet.
VOOR_CONTACTPOGING = ZONDER_CONTACT - {DdasEindresultaat.DEFINITIEF_GEEN_CONTACT}
#: The groups by the name the guards and the generated docs use.
RESULTAATGROEPEN: dict[str, frozenset[DdasEindresultaat]] = {
    "voor_contactpoging": VOOR_CONTACTPOGING,
    "zonder_contact": ZONDER_CONTACT,
    "na_contact": NA_CONTACT,
}


def _afsluiten(toegestaan: frozenset[DdasEindresultaat], waar: str, naam: str) -> Bewaking:
    def bewaking(feiten: Feiten, g: Any) -> str | None:
        if g.resultaat not in toegestaan:
            return f"the result {g.resultaat.value!r} does not fit a referral {waar}"
        return _datum_niet_terug(feiten, g.datum)

    bewaking.__name__ = bewaking.__qualname__ = f"_resultaat_{naam}"
    return bewaking


# --- the table -------------------------------------------------------------------------------------

BEGINTOESTAND = Toestand.VERZONDEN
"""A record starts here, made from its Verwijzing (which no state accepts again)."""

_ABSORBEER = Regel(None)


def _overal(t: Toestand) -> dict[Soort, Regel]:
    """Allowed in every state, terminal ones too: monitoring, errors, the clock."""
    return {
        Soort.BETAALGEDRAGMELDING: Regel(t),
        Soort.FOUTBERICHT: Regel(t),
        Soort.CONTACTDEADLINE_VERSTREKEN: Regel(t),
        Soort.INCASSOSTOP_AFGELOPEN: Regel(t),
    }


def _beantwoordbaar(t: Toestand) -> dict[Soort, Regel]:
    """Also allowed while the municipality still answers about the referral."""
    return _overal(t) | {
        Soort.STATUSVERZOEK: Regel(t, _statusverzoek),
        Soort.INCASSOSTOPWIJZIGING: Regel(t, _incassostopwijziging),
    }


def _lopend(t: Toestand) -> dict[Soort, Regel]:
    """Allowed in every state that is not terminal."""
    return _beantwoordbaar(t) | {Soort.INTREKKING: Regel(Toestand.INGETROKKEN, _intrekking)}


def _statussen(huidige: Mijlpaal | None) -> dict[Soort, Regel]:
    """Statusberichten in an open state: a later milestone moves there, others are absorbed."""
    regels: dict[Soort, Regel] = {}
    for mijlpaal, soort in STATUS_SOORT.items():
        if huidige is None or MIJLPAALRANG[mijlpaal] > MIJLPAALRANG[huidige]:
            regels[soort] = Regel(_MIJLPAALTOESTAND[mijlpaal], _statusbericht)
        elif mijlpaal is huidige or MIJLPAALRANG[mijlpaal] < MIJLPAALRANG[huidige]:
            regels[soort] = Regel(None, _statusbericht_bekend)
        # The other answer at the same rank (accepted after declined) contradicts: not allowed.
    return regels


def _contact(t: Toestand) -> dict[Soort, Regel]:
    """Later contact attempts are recorded without changing the state (DDAS keeps them all)."""
    return {
        Soort.CONTACTPOGING_BEREIKT: Regel(t, _gedateerd),
        Soort.CONTACTPOGING_NIET_BEREIKT: Regel(t, _gedateerd),
    }


def _afsluitbaar(toegestaan: frozenset[DdasEindresultaat], waar: str) -> dict[Soort, Regel]:
    naam = next(n for n, groep in RESULTAATGROEPEN.items() if groep is toegestaan)
    return {
        Soort.AFSLUITEN: Regel(Toestand.AFGESLOTEN, _afsluiten(toegestaan, waar, naam)),
        Soort.AFSLUITEN_AL_BEKEND: Regel(Toestand.AL_BEKEND, _gedateerd),
    }


#: The milestone each Statusbericht kind reports.
STATUS_MIJLPAAL: dict[Soort, Mijlpaal] = {s: m for m, s in STATUS_SOORT.items()}
#: The order of the milestones (the two answers to help share a rank).
MIJLPAALRANG: dict[Mijlpaal, int] = {
    Mijlpaal.OPGEPAKT: 1,
    Mijlpaal.BEREIKT: 2,
    Mijlpaal.HULP_AANGEBODEN: 3,
    Mijlpaal.HULP_AANVAARD: 4,
    Mijlpaal.HULP_AFGEWEZEN: 4,
    Mijlpaal.AFGESLOTEN: 5,
}
#: The state a Statusbericht leads to, in a copy that knows no more than the report.
_MIJLPAALTOESTAND: dict[Mijlpaal, Toestand] = {
    Mijlpaal.OPGEPAKT: Toestand.OPGEPAKT,
    Mijlpaal.BEREIKT: Toestand.BEREIKT,
    Mijlpaal.HULP_AANGEBODEN: Toestand.HULP_AANGEBODEN,
    Mijlpaal.HULP_AANVAARD: Toestand.HULP_AANVAARD,
    Mijlpaal.HULP_AFGEWEZEN: Toestand.HULP_AFGEWEZEN,
    Mijlpaal.AFGESLOTEN: Toestand.AFGESLOTEN,
}

#: The milestone the creditor may know in each state (None: the state has no milestone). States
#: only the municipality can tell apart share one: contact attempts and "not reached" are
#: "Opgepakt", "already known" is "Afgesloten".
MIJLPAAL: dict[Toestand, Mijlpaal | None] = {
    Toestand.VERZONDEN: None,
    Toestand.ONTVANGEN: None,
    Toestand.NIET_OPGEPAKT: None,
    Toestand.DOORGEZONDEN: None,
    Toestand.OPGEPAKT: Mijlpaal.OPGEPAKT,
    Toestand.CONTACTPOGINGEN: Mijlpaal.OPGEPAKT,
    Toestand.NIET_BEREIKT: Mijlpaal.OPGEPAKT,
    Toestand.BEREIKT: Mijlpaal.BEREIKT,
    Toestand.HULP_AANGEBODEN: Mijlpaal.HULP_AANGEBODEN,
    Toestand.HULP_AANVAARD: Mijlpaal.HULP_AANVAARD,
    Toestand.HULP_AFGEWEZEN: Mijlpaal.HULP_AFGEWEZEN,
    Toestand.AL_BEKEND: Mijlpaal.AFGESLOTEN,
    Toestand.AFGESLOTEN: Mijlpaal.AFGESLOTEN,
    Toestand.INGETROKKEN: None,
}

_T = Toestand
_S = Soort

#: The transition table: ``TABEL[toestand][soort]``.
TABEL: dict[Toestand, dict[Soort, Regel]] = {
    _T.VERZONDEN: _lopend(_T.VERZONDEN)
    | {
        _S.ONTVANGSTBEVESTIGING: Regel(_T.ONTVANGEN, _ontvangstbevestiging),
        _S.NIET_OPGEPAKT: Regel(_T.NIET_OPGEPAKT, _gedateerd),
        _S.NIET_OPPAKKEN: Regel(_T.NIET_OPGEPAKT, _gedateerd),
        _S.DOORZENDING: Regel(_T.DOORGEZONDEN, _gedateerd),
    },
    _T.ONTVANGEN: _lopend(_T.ONTVANGEN)
    | _statussen(None)
    | {
        _S.NIET_OPGEPAKT: Regel(_T.NIET_OPGEPAKT, _gedateerd),
        _S.NIET_OPPAKKEN: Regel(_T.NIET_OPGEPAKT, _gedateerd),
        _S.DOORZENDING: Regel(_T.DOORGEZONDEN, _gedateerd),
        _S.OPPAKKEN: Regel(_T.OPGEPAKT, _gedateerd),
        # A first contact attempt picks the referral up on its date.
        _S.CONTACTPOGING_NIET_BEREIKT: Regel(_T.CONTACTPOGINGEN, _gedateerd),
        _S.CONTACTPOGING_BEREIKT: Regel(_T.BEREIKT, _gedateerd),
        _S.AFSLUITEN_AL_BEKEND: Regel(_T.AL_BEKEND, _gedateerd),
    },
    _T.DOORGEZONDEN: _lopend(_T.DOORGEZONDEN)
    | {
        # The new municipality answers the creditor as a first one would.
        _S.ONTVANGSTBEVESTIGING: Regel(_T.ONTVANGEN, _ontvangstbevestiging_na_doorzending),
        _S.NIET_OPGEPAKT: Regel(_T.NIET_OPGEPAKT, _gedateerd),
        _S.DOORZENDING: Regel(_T.DOORGEZONDEN, _gedateerd),
    },
    _T.OPGEPAKT: _lopend(_T.OPGEPAKT)
    | _statussen(Mijlpaal.OPGEPAKT)
    | _afsluitbaar(VOOR_CONTACTPOGING, "taken up but not yet contacted")
    | {
        _S.CONTACTPOGING_NIET_BEREIKT: Regel(_T.CONTACTPOGINGEN, _gedateerd),
        _S.CONTACTPOGING_BEREIKT: Regel(_T.BEREIKT, _gedateerd),
        _S.DOORZENDING: Regel(_T.DOORGEZONDEN, _gedateerd),
    },
    _T.CONTACTPOGINGEN: _lopend(_T.CONTACTPOGINGEN)
    | _statussen(Mijlpaal.OPGEPAKT)
    | _afsluitbaar(ZONDER_CONTACT, "whose help-seeker was not reached")
    | {
        _S.CONTACTPOGING_NIET_BEREIKT: Regel(_T.CONTACTPOGINGEN, _gedateerd),
        _S.CONTACTPOGING_BEREIKT: Regel(_T.BEREIKT, _gedateerd),
        _S.CONTACT_GESTAAKT: Regel(_T.NIET_BEREIKT, _gedateerd),
        _S.DOORZENDING: Regel(_T.DOORGEZONDEN, _gedateerd),
    },
    _T.NIET_BEREIKT: _lopend(_T.NIET_BEREIKT)
    | _statussen(Mijlpaal.OPGEPAKT)
    | _afsluitbaar(ZONDER_CONTACT, "whose help-seeker was not reached")
    | {
        # The help-seeker may still call back.
        _S.CONTACTPOGING_NIET_BEREIKT: Regel(_T.NIET_BEREIKT, _gedateerd),
        _S.CONTACTPOGING_BEREIKT: Regel(_T.BEREIKT, _gedateerd),
        _S.DOORZENDING: Regel(_T.DOORGEZONDEN, _gedateerd),
    },
    _T.BEREIKT: _lopend(_T.BEREIKT)
    | _statussen(Mijlpaal.BEREIKT)
    | _afsluitbaar(NA_CONTACT, "after contact")
    | _contact(_T.BEREIKT)
    | {_S.HULP_AANBIEDEN: Regel(_T.HULP_AANGEBODEN, _gedateerd)},
    _T.HULP_AANGEBODEN: _lopend(_T.HULP_AANGEBODEN)
    | _statussen(Mijlpaal.HULP_AANGEBODEN)
    | _afsluitbaar(NA_CONTACT, "after contact")
    | _contact(_T.HULP_AANGEBODEN)
    | {
        _S.HULP_AANVAARD: Regel(_T.HULP_AANVAARD, _gedateerd),
        _S.HULP_AFGEWEZEN: Regel(_T.HULP_AFGEWEZEN, _gedateerd),
    },
    _T.HULP_AANVAARD: _lopend(_T.HULP_AANVAARD)
    | _statussen(Mijlpaal.HULP_AANVAARD)
    | _afsluitbaar(NA_CONTACT, "after contact")
    | _contact(_T.HULP_AANVAARD),
    _T.HULP_AFGEWEZEN: _lopend(_T.HULP_AFGEWEZEN)
    | _statussen(Mijlpaal.HULP_AFGEWEZEN)
    | _afsluitbaar(NA_CONTACT, "after contact")
    | _contact(_T.HULP_AFGEWEZEN),
    # Terminal states. A withdrawal that crossed the ending on the way (or followed an ending the
    # creditor was not told) is recorded without changing the state.
    _T.NIET_OPGEPAKT: _beantwoordbaar(_T.NIET_OPGEPAKT)
    | {
        _S.INTREKKING: Regel(_T.NIET_OPGEPAKT, _intrekking),
        _S.NIET_OPGEPAKT: Regel(None, _zelfde_reden),
    },
    _T.AL_BEKEND: _beantwoordbaar(_T.AL_BEKEND)
    | {_S.INTREKKING: Regel(_T.AL_BEKEND, _intrekking)}
    | {s: Regel(None, _statusbericht_bekend) for s in STATUS_MIJLPAAL}
    | {_S.STATUS_AFGESLOTEN: Regel(None, _statusbericht_afgesloten_bekend)},
    _T.AFGESLOTEN: _beantwoordbaar(_T.AFGESLOTEN)
    | {_S.INTREKKING: Regel(_T.AFGESLOTEN, _intrekking)}
    | {s: Regel(None, _statusbericht_bekend) for s in STATUS_MIJLPAAL}
    | {_S.STATUS_AFGESLOTEN: Regel(None, _statusbericht_afgesloten_bekend)},
    # After a withdrawal the municipality's messages already on their way are absorbed; the
    # creditor may still report payment behaviour for monitoring, nothing else.
    _T.INGETROKKEN: _overal(_T.INGETROKKEN)
    | {
        _S.INTREKKING: Regel(None, _intrekking),
        _S.STATUSVERZOEK: Regel(None, _statusverzoek_na_intrekking),
        _S.ONTVANGSTBEVESTIGING: _ABSORBEER,
        _S.NIET_OPGEPAKT: _ABSORBEER,
        _S.DOORZENDING: _ABSORBEER,
    }
    | dict.fromkeys(STATUS_MIJLPAAL, _ABSORBEER),
}

#: Who sends each kind of event (None: the clock). Protocol knowledge, not our role.
AFZENDER: dict[Soort, Rol | None] = {
    _S.VERWIJZING: Rol.SCHULDEISER,
    _S.STATUSVERZOEK: Rol.SCHULDEISER,
    _S.INTREKKING: Rol.SCHULDEISER,
    _S.INCASSOSTOPWIJZIGING: Rol.SCHULDEISER,
    _S.BETAALGEDRAGMELDING: Rol.SCHULDEISER,
    _S.ONTVANGSTBEVESTIGING: Rol.GEMEENTE,
    _S.NIET_OPGEPAKT: Rol.GEMEENTE,
    _S.DOORZENDING: Rol.GEMEENTE,
    **dict.fromkeys(STATUS_MIJLPAAL, Rol.GEMEENTE),
    _S.FOUTBERICHT: None,  # either party
    _S.OPPAKKEN: Rol.GEMEENTE,
    _S.NIET_OPPAKKEN: Rol.GEMEENTE,
    _S.CONTACTPOGING_BEREIKT: Rol.GEMEENTE,
    _S.CONTACTPOGING_NIET_BEREIKT: Rol.GEMEENTE,
    _S.CONTACT_GESTAAKT: Rol.GEMEENTE,
    _S.HULP_AANBIEDEN: Rol.GEMEENTE,
    _S.HULP_AANVAARD: Rol.GEMEENTE,
    _S.HULP_AFGEWEZEN: Rol.GEMEENTE,
    _S.AFSLUITEN: Rol.GEMEENTE,
    _S.AFSLUITEN_AL_BEKEND: Rol.GEMEENTE,
    _S.CONTACTDEADLINE_VERSTREKEN: None,
    _S.INCASSOSTOP_AFGELOPEN: None,
}

#: Local actions: events that are no message (only the municipality's record takes them).
LOKALE_ACTIES: frozenset[Soort] = frozenset(
    {
        _S.OPPAKKEN,
        _S.NIET_OPPAKKEN,
        _S.CONTACTPOGING_BEREIKT,
        _S.CONTACTPOGING_NIET_BEREIKT,
        _S.CONTACT_GESTAAKT,
        _S.HULP_AANBIEDEN,
        _S.HULP_AANVAARD,
        _S.HULP_AFGEWEZEN,
        _S.AFSLUITEN,
        _S.AFSLUITEN_AL_BEKEND,
    }
)

#: Local actions that take the referral up on their date when it was not yet (the first contact
#: attempt): the record then reaches the milestone "Opgepakt" on the way.
NEEMT_OP: frozenset[Soort] = frozenset({_S.CONTACTPOGING_BEREIKT, _S.CONTACTPOGING_NIET_BEREIKT})

#: States in which nobody has contacted the help-seeker yet, as far as the municipality's record
#: shows: the contact deadline passing here is an overdue contact.
WACHT_OP_CONTACT: frozenset[Toestand] = frozenset({_T.VERZONDEN, _T.ONTVANGEN, _T.OPGEPAKT})

#: States no event leaves.
EINDTOESTANDEN: frozenset[Toestand] = frozenset(
    t
    for t, regels in TABEL.items()
    if all(regel.doel is None or regel.doel is t for regel in regels.values())
)

# --- lookup ----------------------------------------------------------------------------------------

# Flattened for speed: one dict look-up per event.
_VLAK: dict[tuple[Toestand, Soort], Regel] = {
    (t, s): regel for t, regels in TABEL.items() for s, regel in regels.items()
}


def toegestaan(toestand: Toestand, afzender: Rol | None = None) -> tuple[Soort, ...]:
    """The event kinds allowed in a state, optionally only those ``afzender`` sends (a
    Foutbericht counts for both parties, the clock for neither)."""
    regels = TABEL[toestand]
    if afzender is None:
        return tuple(s for s in Soort if s in regels)
    return tuple(
        s for s in Soort if s in regels and (AFZENDER[s] is afzender or s is Soort.FOUTBERICHT)
    )


def overgang(
    toestand: Toestand,
    soort: Soort,
    feiten: Feiten,
    gebeurtenis: object,
    *,
    van_peer: bool,
) -> Toestand | None:
    """The state after ``gebeurtenis`` (of kind ``soort``), or None when it changes nothing.

    Raises :class:`RemoteInvalidTransition` when ``van_peer`` (the peer sent it), else
    :class:`LocalInvalidTransition`, if the table has no such pair or its guard refuses.
    """
    regel = _VLAK.get((toestand, soort))
    reden: str | Weigering | None = None
    if regel is not None:
        if regel.bewaking is None:
            return regel.doel
        reden = regel.bewaking(feiten, gebeurtenis)
        if reden is None:
            return regel.doel
    fout: type[InvalidTransition] = RemoteInvalidTransition if van_peer else LocalInvalidTransition
    raise fout(toestand, soort, toegestaan(toestand, AFZENDER[soort]), reden)


def _controleer_tabel(tabel: Mapping[Toestand, Mapping[Soort, Regel]]) -> None:
    # Import-time sanity: every state has a row, every event kind a sender, and the results that
    # need a closing map to something the creditor may see.
    assert set(tabel) == set(Toestand), set(Toestand) - set(tabel)
    assert set(AFZENDER) == set(Soort), set(Soort) - set(AFZENDER)
    assert set(SCHULDEISER_EINDRESULTAAT) == set(DdasEindresultaat)


_controleer_tabel(TABEL)
