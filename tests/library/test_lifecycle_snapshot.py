"""A record saved as a snapshot and restored behaves exactly as the record that was replayed.

Random conversations (both sides, refused events included, ticks, messages crossing) are recorded
call by call. For every point of each record's history, the history is replayed up to that point,
the record saved to a snapshot (through JSON, as a store keeps it), restored, and fed the rest: every
later answer (the change, or the error raised) and the final snapshot equal those of the record that
saw the whole history in one go.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifecycle_helpers import (
    ONTVANGEN_OP,
    Paar,
    gebeurtenis,
    incassostopwijziging,
    intrekking,
    paar_in,
    pas_toe,
    verwijzing,
)

from warm_referral.lifecycle import (
    IncassostopVoorbij,
    InvalidEvent,
    InvalidTransition,
    Rol,
    Soort,
    Toestand,
    Verwijzingsdossier,
)
from warm_referral.lifecycle._table import LOKALE_ACTIES, STATUS_MIJLPAAL
from warm_referral.models import Grondslag, SoortIncassostopwijziging, SoortVerwijzer

_METHODEN = ("ontvang", "verstuur", "registreer", "tik")
_GEMEENTE = sorted(LOKALE_ACTIES | {Soort.NIET_OPGEPAKT, Soort.DOORZENDING}, key=lambda s: s.name)
_SCHULDEISER = [
    Soort.STATUSVERZOEK,
    Soort.INTREKKING,
    Soort.INCASSOSTOPWIJZIGING,
    Soort.BETAALGEDRAGMELDING,
    *sorted(STATUS_MIJLPAAL, key=lambda s: s.name),
]


def _neem_op(dossier: Verwijzingsdossier, spoor: list[tuple[str, Any]]) -> None:
    """Record every call made to ``dossier`` (instance attributes shadow the methods)."""
    for naam in _METHODEN:
        methode = getattr(dossier, naam)

        def opgenomen(arg: Any, _methode: Any = methode, _naam: str = naam) -> Any:
            spoor.append((_naam, arg))
            return _methode(arg)

        setattr(dossier, naam, opgenomen)


def _uitkomst(dossier: Verwijzingsdossier, naam: str, arg: Any) -> Any:
    try:
        return getattr(Verwijzingsdossier, naam)(dossier, arg)
    except (InvalidTransition, InvalidEvent) as exc:
        return (type(exc).__name__, str(exc))


def _via_json(dossier: Verwijzingsdossier) -> Verwijzingsdossier:
    opname = json.loads(json.dumps(dossier.momentopname()))
    hersteld = Verwijzingsdossier.herstel(opname)
    assert hersteld.momentopname() == dossier.momentopname()
    return hersteld


def _controleer(begin: Any, spoor: list[tuple[str, Any]]) -> None:
    """Snapshot at every point of ``spoor``; the rest must go exactly as in one replay."""
    heel = begin()
    verwacht = [_uitkomst(heel, naam, arg) for naam, arg in spoor]
    eind = heel.momentopname()
    velden = set(vars(heel))
    for punt in range(len(spoor) + 1):
        dossier = begin()
        for naam, arg in spoor[:punt]:
            _uitkomst(dossier, naam, arg)
        hersteld = _via_json(dossier)
        assert set(vars(hersteld)) == velden  # every attribute is in the snapshot
        rest = [_uitkomst(hersteld, naam, arg) for naam, arg in spoor[punt:]]
        assert rest == verwacht[punt:], punt
        assert hersteld.momentopname() == eind, punt


@settings(max_examples=60)
@given(st.data())
def test_a_restored_snapshot_continues_as_the_replayed_record(data: st.DataObject) -> None:
    toestemming, terugmelding = data.draw(st.booleans()), data.draw(st.booleans())
    v = (
        verwijzing(
            soort=SoortVerwijzer.HYPOTHEEK,
            grondslag=Grondslag.TOESTEMMING,
            statusterugmelding=terugmelding,
        )
        if toestemming
        else verwijzing()
    )
    paar = Paar.start(v, bevestig=False)
    spoor: dict[Rol, list[tuple[str, Any]]] = {Rol.GEMEENTE: [], Rol.SCHULDEISER: []}
    _neem_op(paar.gemeente, spoor[Rol.GEMEENTE])
    _neem_op(paar.schuldeiser, spoor[Rol.SCHULDEISER])
    # The first change again (Paar.start dropped it): its Ontvangstbevestiging, recorded as sent.
    paar.verwerk(Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP)[1])
    for _ in range(data.draw(st.integers(1, 14))):
        stap = data.draw(st.sampled_from(("gemeente", "schuldeiser", "bezorg", "tik")))
        try:
            if stap == "gemeente":
                soort = data.draw(st.sampled_from(_GEMEENTE))
                g = data.draw(gebeurtenis(soort, paar.gemeente))
                if soort in LOKALE_ACTIES:
                    paar.gemeente_doet(g)
                else:
                    paar.gemeente_stuurt(g)
            elif stap == "schuldeiser":
                soort = data.draw(st.sampled_from(_SCHULDEISER))
                g = data.draw(gebeurtenis(soort, paar.schuldeiser))
                if soort in STATUS_MIJLPAAL:
                    pas_toe(paar.schuldeiser, soort, g)  # as if the municipality had sent it
                else:
                    paar.schuldeiser_stuurt(g)
            elif stap == "bezorg":
                paar.bezorg(data.draw(st.integers(1, 3)))
            else:
                paar.tik(paar.nu + timedelta(hours=data.draw(st.integers(1, 24 * 40))))
        except (InvalidTransition, InvalidEvent):
            pass  # refused: recorded all the same, and replayed as refused
    _controleer(lambda: Verwijzingsdossier.voor_gemeente(v, ONTVANGEN_OP)[0], spoor[Rol.GEMEENTE])
    _controleer(lambda: Verwijzingsdossier.voor_schuldeiser(v)[0], spoor[Rol.SCHULDEISER])


@pytest.mark.parametrize("toestand", list(Toestand))
def test_a_record_in_every_state_survives_a_snapshot(toestand: Toestand) -> None:
    paar = paar_in(toestand)
    for dossier in (paar.gemeente, paar.schuldeiser):
        hersteld = Verwijzingsdossier.herstel(dossier.momentopname())
        assert hersteld.toestand is dossier.toestand
        assert hersteld.momentopname() == dossier.momentopname()
        assert hersteld.mijlpalen == dossier.mijlpalen
        assert hersteld.afgerond is dossier.afgerond


def test_a_snapshot_of_another_format_is_refused() -> None:
    paar = paar_in(Toestand.OPGEPAKT)
    opname = paar.gemeente.momentopname()
    with pytest.raises(InvalidEvent, match="not a snapshot"):
        Verwijzingsdossier.herstel({**opname, "formaat": "warm_referral.verwijzingsdossier/99"})
    kapot = dict(opname)
    del kapot["incassostop"]
    with pytest.raises(InvalidEvent, match="broken snapshot"):
        Verwijzingsdossier.herstel(kapot)


def test_the_withdrawal_after_a_snapshot_is_applied_once() -> None:
    """A duplicate is recognised by the berichtIds the snapshot remembers."""
    paar = paar_in(Toestand.OPGEPAKT)
    bericht = intrekking(paar.schuldeiser, paar.vandaag)
    paar.gemeente.ontvang(bericht)
    hersteld = Verwijzingsdossier.herstel(paar.gemeente.momentopname())
    assert hersteld.ontvang(bericht).dubbel


def test_an_alarm_given_before_the_snapshot_is_not_given_again_after_it() -> None:
    """The incassostop ends (alarm), is extended, then lifted back to the same last day: its end
    passing again gives no second alarm, also when the record was restored in between."""
    paar = paar_in(Toestand.OPGEPAKT)
    einde = paar.gemeente.incassostop[1]
    gemeente, _ = paar.tik(paar.gemeente.incassostop_voorbij_om + timedelta(hours=1))
    assert IncassostopVoorbij(einde) in gemeente.effecten
    verlengd = incassostopwijziging(paar.schuldeiser, paar.vandaag, einde + timedelta(days=10))
    paar.schuldeiser_stuurt(verlengd)
    opgeheven = incassostopwijziging(
        paar.schuldeiser, paar.vandaag, einde, SoortIncassostopwijziging.OPHEFFEN
    )
    paar.schuldeiser_stuurt(opgeheven)
    hersteld = Verwijzingsdossier.herstel(paar.gemeente.momentopname())
    later = paar.nu + timedelta(hours=1)
    assert paar.gemeente.tik(later).effecten == ()
    assert hersteld.tik(later).effecten == ()
