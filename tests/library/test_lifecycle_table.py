"""The transition table itself: complete, connected, terminal states closed, typed refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warm_referral.afspraken import Terugmelding
from warm_referral.errors import LocalProtocolError, RemoteProtocolError
from warm_referral.lifecycle import (
    InvalidTransition,
    LocalInvalidTransition,
    RemoteInvalidTransition,
    Rol,
    Soort,
    Toestand,
)
from warm_referral.lifecycle._table import (
    AFZENDER,
    BEGINTOESTAND,
    EINDTOESTANDEN,
    LOKALE_ACTIES,
    MIJLPAAL,
    RESULTAATGROEPEN,
    STATUS_MIJLPAAL,
    TABEL,
    overgang,
    toegestaan,
)
from warm_referral.lifecycle.ddas import DdasEindresultaat
from warm_referral.models import (
    Eindresultaat,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    Partij,
)

_RANG = {
    Mijlpaal.OPGEPAKT: 1,
    Mijlpaal.BEREIKT: 2,
    Mijlpaal.HULP_AANGEBODEN: 3,
    Mijlpaal.HULP_AANVAARD: 4,
    Mijlpaal.HULP_AFGEWEZEN: 4,
    Mijlpaal.AFGESLOTEN: 5,
}


def _bereikbaar(vanaf: Toestand) -> set[Toestand]:
    gezien, rand = {vanaf}, [vanaf]
    while rand:
        for regel in TABEL[rand.pop()].values():
            if regel.doel is not None and regel.doel not in gezien:
                gezien.add(regel.doel)
                rand.append(regel.doel)
    return gezien


def test_every_state_has_a_row_and_every_event_kind_a_sender() -> None:
    assert set(TABEL) == set(Toestand)
    assert set(AFZENDER) == set(Soort)
    assert all(AFZENDER[s] is Rol.GEMEENTE for s in LOKALE_ACTIES)


def test_the_terminal_states_are_the_four_endings() -> None:
    assert {
        Toestand.NIET_OPGEPAKT,
        Toestand.AL_BEKEND,
        Toestand.AFGESLOTEN,
        Toestand.INGETROKKEN,
    } == EINDTOESTANDEN


@pytest.mark.parametrize("toestand", sorted(EINDTOESTANDEN))
def test_terminal_states_never_change(toestand: Toestand) -> None:
    for soort, regel in TABEL[toestand].items():
        assert regel.doel in (None, toestand), soort
    assert not any(s in LOKALE_ACTIES for s in TABEL[toestand])


def test_every_state_is_reachable_and_every_state_can_end() -> None:
    assert _bereikbaar(BEGINTOESTAND) == set(Toestand)
    for toestand in Toestand:
        assert _bereikbaar(toestand) & EINDTOESTANDEN, toestand


def test_a_verwijzing_starts_a_record_and_is_never_allowed_in_one() -> None:
    assert all(Soort.VERWIJZING not in regels for regels in TABEL.values())


def test_the_clock_is_allowed_everywhere_and_never_changes_the_state() -> None:
    for toestand, regels in TABEL.items():
        for soort in (Soort.CONTACTDEADLINE_VERSTREKEN, Soort.INCASSOSTOP_AFGELOPEN):
            assert regels[soort].doel is toestand
            assert regels[soort].bewaking is None


def test_milestones_never_go_back() -> None:
    for van, regels in TABEL.items():
        for soort, regel in regels.items():
            oud = MIJLPAAL[van]
            nieuw = MIJLPAAL[regel.doel] if regel.doel is not None else None
            if oud is not None and nieuw is not None:
                assert _RANG[nieuw] >= _RANG[oud], (van, soort, regel.doel)


def test_a_report_of_a_milestone_leads_to_the_state_of_that_milestone() -> None:
    for van, regels in TABEL.items():
        for soort, regel in regels.items():
            if soort in STATUS_MIJLPAAL and regel.doel not in (None, van):
                assert MIJLPAAL[regel.doel] is STATUS_MIJLPAAL[soort]


def test_withdrawal_is_possible_from_every_open_state() -> None:
    for toestand in set(Toestand) - EINDTOESTANDEN:
        assert TABEL[toestand][Soort.INTREKKING].doel is Toestand.INGETROKKEN


def test_every_final_result_can_close_a_referral_somewhere() -> None:
    gebruikt = set().union(*RESULTAATGROEPEN.values()) | {DdasEindresultaat.AL_BEKEND}
    niet_opgepakt = {DdasEindresultaat(r.value) for r in NietOpgepaktReden}
    assert gebruikt | niet_opgepakt == set(DdasEindresultaat)


def test_toegestaan_filters_by_sender() -> None:
    assert Soort.OPPAKKEN in toegestaan(Toestand.ONTVANGEN, Rol.GEMEENTE)
    assert Soort.OPPAKKEN not in toegestaan(Toestand.ONTVANGEN, Rol.SCHULDEISER)
    assert Soort.INTREKKING in toegestaan(Toestand.ONTVANGEN, Rol.SCHULDEISER)


# --- overgang() on its own, with facts that any record could have ---------------------------------


@dataclass
class _Feiten:
    laatste_datum: date
    verwijzing_bericht_id: UUID
    contactdeadline: datetime | None
    incassostop: tuple[date, date]
    incassostop_minimum: date
    terugmelding: Terugmelding
    grondslag: Grondslag
    toestemming_ingetrokken: bool
    eindresultaat: Eindresultaat | None
    niet_opgepakt_reden: NietOpgepaktReden | None
    doorgezonden_naar: Partij | None


@dataclass
class _Gebeurtenis:
    """Carries every attribute any guard reads."""

    datum: date
    ontvangen_op: datetime
    contactdeadline: datetime
    cross_referentie: UUID
    eindresultaat: Eindresultaat
    reden: NietOpgepaktReden | Intrekkingsreden
    mijlpaal: Mijlpaal
    resultaat: DdasEindresultaat
    soort: Any
    einddatum: date
    afzender: Partij


_GEMEENTEN = [
    Partij(naam="Gemeente A", gemeentecode="0718"),
    Partij(naam="Gemeente B", gemeentecode="0687"),
    Partij(naam="Schuldhulp C", kvk_nummer="12345678"),
]
_DATUM = st.dates(date(2026, 1, 1), date(2026, 12, 31))
_MOMENT = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(lambda d: d.astimezone())


@st.composite
def _feiten(draw: st.DrawFn) -> _Feiten:
    begin = draw(_DATUM)
    einde = draw(st.dates(begin, date(2027, 12, 31)))
    return _Feiten(
        laatste_datum=draw(_DATUM),
        verwijzing_bericht_id=draw(st.sampled_from([UUID(int=1), uuid4()])),
        contactdeadline=draw(st.none() | _MOMENT),
        incassostop=(begin, einde),
        incassostop_minimum=draw(st.dates(begin, einde)),
        terugmelding=Terugmelding(draw(st.frozensets(st.sampled_from(Mijlpaal)))),
        grondslag=draw(st.sampled_from(Grondslag)),
        toestemming_ingetrokken=draw(st.booleans()),
        eindresultaat=draw(st.none() | st.sampled_from(Eindresultaat)),
        niet_opgepakt_reden=draw(st.none() | st.sampled_from(NietOpgepaktReden)),
        doorgezonden_naar=draw(st.sampled_from([None, *_GEMEENTEN])),
    )


@st.composite
def _gebeurtenissen(draw: st.DrawFn) -> _Gebeurtenis:
    from warm_referral.models import SoortIncassostopwijziging

    return _Gebeurtenis(
        datum=draw(_DATUM),
        ontvangen_op=draw(_MOMENT),
        contactdeadline=draw(_MOMENT),
        cross_referentie=draw(st.sampled_from([UUID(int=1), uuid4()])),
        eindresultaat=draw(st.sampled_from(Eindresultaat)),
        reden=draw(st.sampled_from([*NietOpgepaktReden, *Intrekkingsreden])),
        mijlpaal=draw(st.sampled_from(Mijlpaal)),
        resultaat=draw(st.sampled_from(DdasEindresultaat)),
        soort=draw(st.sampled_from(SoortIncassostopwijziging)),
        einddatum=draw(_DATUM),
        afzender=draw(st.sampled_from(_GEMEENTEN)),
    )


@given(
    toestand=st.sampled_from(Toestand),
    soort=st.sampled_from(Soort),
    feiten=_feiten(),
    g=_gebeurtenissen(),
    van_peer=st.booleans(),
)
def test_every_pair_gives_a_state_or_the_typed_error(
    toestand: Toestand, soort: Soort, feiten: _Feiten, g: _Gebeurtenis, van_peer: bool
) -> None:
    regel = TABEL[toestand].get(soort)
    try:
        doel = overgang(toestand, soort, feiten, g, van_peer=van_peer)
    except InvalidTransition as fout:
        assert isinstance(fout, RemoteInvalidTransition if van_peer else LocalInvalidTransition)
        assert isinstance(fout, RemoteProtocolError if van_peer else LocalProtocolError)
        assert (fout.toestand, fout.soort) == (toestand, soort)
        assert (regel is None) == (fout.reden is None)
        assert toestand.value in str(fout) and soort.value in str(fout)
        return
    assert regel is not None
    assert doel is regel.doel


def test_the_error_names_what_would_have_been_allowed() -> None:
    with pytest.raises(LocalInvalidTransition) as info:
        overgang(Toestand.VERZONDEN, Soort.OPPAKKEN, None, None, van_peer=False)  # type: ignore[arg-type]
    assert Soort.NIET_OPPAKKEN in info.value.toegestaan
    assert Soort.ONTVANGSTBEVESTIGING in info.value.toegestaan
    assert Soort.INTREKKING not in info.value.toegestaan  # the creditor's, not ours
    assert "niet oppakken" in str(info.value)
