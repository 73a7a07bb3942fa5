"""What a creditor learns back is the profile's feedback policy (terugmeldbeleid), enforced in one
place: the Statusbericht effects, the guard on a Statusbericht either way, the answer to a
Statusverzoek and the creditor's view all ask the record's :class:`Terugmelding`.

The default (nvvk-pilot 1.1): on a legal ground the creditor learns received, taken up or not (with
the reason code), help under way (Hulp aanvaard) and closed (in creditor-safe words); never
contact attempts ("Bereikt" included), the offer itself or a declined offer. Under a consent with
Statusterugmelding every milestone; without it none.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lifecycle_helpers import (
    D0,
    DAG,
    Paar,
    intrekking,
    statusbericht,
    statusverzoek,
    verwijzing,
)

from warm_referral.afspraken import afspraken
from warm_referral.deadlines import standaard_afsprakenprofiel
from warm_referral.lifecycle import (
    Afsluiting,
    Contactpoging,
    DdasEindresultaat,
    HulpAangeboden,
    Hulpbesluit,
    LocalInvalidTransition,
    Oppakken,
    RemoteInvalidTransition,
    Schuldeiserstatus,
    StuurStatusbericht,
    schuldeiserbeeld,
)
from warm_referral.models import (
    Contactsoort,
    Dagdeel,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    SoortVerwijzer,
)

PILOT = standaard_afsprakenprofiel()


def op_dag(dagen: int) -> date:
    """The date ``dagen`` days after receipt."""
    return D0 + dagen * DAG


def gemeld(paar: Paar) -> list[Mijlpaal]:
    return [e.mijlpaal for e in paar.effecten if isinstance(e, StuurStatusbericht)]


def hulptraject(paar: Paar, *, aanvaard: bool) -> None:
    dag = op_dag(1)
    paar.gemeente_doet(Contactpoging(dag, Contactsoort.TELEFOON, Dagdeel.OCHTEND, False))
    paar.gemeente_doet(Contactpoging(dag, Contactsoort.HUISBEZOEK, Dagdeel.MIDDAG, True))
    paar.gemeente_doet(HulpAangeboden(dag, omschrijving="budgetcoaching"))
    paar.gemeente_doet(Hulpbesluit(dag, aanvaard))
    paar.gemeente_doet(
        Afsluiting(
            dag,
            DdasEindresultaat.VERVOLGHULP_FINANCIEEL
            if aanvaard
            else DdasEindresultaat.REGELT_HET_ZELF,
        )
    )
    paar.bezorg()


@pytest.mark.eis("WD-TERUG-05", "WD-TERUG-09")
def test_the_first_failed_contact_attempt_reports_opgepakt_once() -> None:
    """The duplicate Opgepakt of the issue: a first contact attempt that reached nobody, on a
    referral not yet taken up, gave two identical Statusberichten."""
    paar = Paar.start()
    paar.gemeente_doet(Contactpoging(op_dag(1), Contactsoort.TELEFOON, Dagdeel.OCHTEND, False))
    assert gemeld(paar) == [Mijlpaal.OPGEPAKT]
    paar.bezorg()
    # And a Statusverzoek right after answers with that one milestone, once.
    paar.effecten.clear()
    paar.schuldeiser_stuurt(statusverzoek(paar.schuldeiser, op_dag(1)))
    assert gemeld(paar) == [Mijlpaal.OPGEPAKT]


def test_a_first_contact_attempt_that_reaches_reports_opgepakt_then_bereikt() -> None:
    paar = Paar.start()
    paar.gemeente_doet(Contactpoging(op_dag(1), Contactsoort.TELEFOON, Dagdeel.OCHTEND, True))
    assert gemeld(paar) == [Mijlpaal.OPGEPAKT, Mijlpaal.BEREIKT]


@pytest.mark.eis("WD-TERUG-01", "WD-TERUG-04", "WD-TERUG-11")
@pytest.mark.parametrize("aanvaard", [True, False])
@pytest.mark.parametrize(
    ("soort", "grondslag"),
    [
        (SoortVerwijzer.WATER, Grondslag.AFSLUITREGELING),
        (SoortVerwijzer.HUUR, Grondslag.BESLUIT_SCHULDHULPVERLENING),
    ],
)
def test_on_a_legal_ground_the_creditor_learns_taken_up_help_under_way_and_closed(
    soort: SoortVerwijzer, grondslag: Grondslag, aanvaard: bool
) -> None:
    paar = Paar.start(verwijzing(soort=soort, grondslag=grondslag), profiel=PILOT)
    hulptraject(paar, aanvaard=aanvaard)
    verwacht = [Mijlpaal.OPGEPAKT]
    if aanvaard:
        verwacht.append(Mijlpaal.HULP_AANVAARD)
    verwacht.append(Mijlpaal.AFGESLOTEN)
    assert gemeld(paar) == verwacht
    assert Mijlpaal.HULP_AFGEWEZEN not in gemeld(paar) and Mijlpaal.BEREIKT not in gemeld(paar)
    assert schuldeiserbeeld(paar.gemeente) == schuldeiserbeeld(paar.schuldeiser)
    assert paar.schuldeiser.mijlpalen.keys() == set(verwacht)


@pytest.mark.eis("WD-TERUG-08", "WD-TERUG-11")
def test_the_view_shows_the_last_milestone_the_creditor_may_know() -> None:
    paar = Paar.start(profiel=PILOT)
    dag = op_dag(1)
    paar.gemeente_doet(Contactpoging(dag, Contactsoort.TELEFOON, Dagdeel.OCHTEND, True))
    paar.gemeente_doet(HulpAangeboden(dag))
    paar.gemeente_doet(Hulpbesluit(dag, False))
    paar.bezorg()
    beeld = schuldeiserbeeld(paar.gemeente)
    assert beeld.status is Schuldeiserstatus.OPGEPAKT
    assert beeld == schuldeiserbeeld(paar.schuldeiser)
    # A Statusverzoek is answered with the same: Opgepakt, not Hulp afgewezen.
    paar.effecten.clear()
    paar.schuldeiser_stuurt(statusverzoek(paar.schuldeiser, dag))
    assert gemeld(paar) == [Mijlpaal.OPGEPAKT]


@pytest.mark.eis("WD-TERUG-04")
def test_a_statusbericht_the_policy_does_not_allow_is_refused_either_way() -> None:
    paar = Paar.start(profiel=PILOT)
    paar.gemeente_doet(Oppakken(op_dag(1)))
    paar.bezorg()
    bereikt = statusbericht(paar.gemeente, Mijlpaal.BEREIKT, op_dag(2))
    with pytest.raises(LocalInvalidTransition) as lokaal:
        paar.gemeente.verstuur(bereikt)
    assert lokaal.value.code == "mijlpaal_niet_te_melden"
    with pytest.raises(RemoteInvalidTransition):
        paar.schuldeiser.ontvang(bereikt)


@pytest.mark.eis("WD-TERUG-04", "WD-TERUG-05")
@pytest.mark.parametrize("status", [True, False])
def test_consent_with_and_without_statusterugmelding(status: bool) -> None:
    v = verwijzing(
        soort=SoortVerwijzer.HYPOTHEEK, grondslag=Grondslag.TOESTEMMING, statusterugmelding=status
    )
    paar = Paar.start(v, profiel=PILOT)
    hulptraject(paar, aanvaard=False)
    if status:
        assert gemeld(paar) == [
            Mijlpaal.OPGEPAKT,
            Mijlpaal.BEREIKT,
            Mijlpaal.HULP_AANGEBODEN,
            Mijlpaal.HULP_AFGEWEZEN,
            Mijlpaal.AFGESLOTEN,
        ]
    else:
        assert gemeld(paar) == []
        assert schuldeiserbeeld(paar.schuldeiser).status is Schuldeiserstatus.ONTVANGEN
    assert schuldeiserbeeld(paar.gemeente) == schuldeiserbeeld(paar.schuldeiser)


def test_the_default_policy_table() -> None:
    a = afspraken(PILOT)
    wettelijk = {Mijlpaal.OPGEPAKT, Mijlpaal.HULP_AANVAARD, Mijlpaal.AFGESLOTEN}
    assert a.terugmelding(Grondslag.AFSLUITREGELING, None).mijlpalen == wettelijk
    assert a.terugmelding(Grondslag.BESLUIT_SCHULDHULPVERLENING, None).mijlpalen == wettelijk
    assert a.terugmelding(Grondslag.TOESTEMMING, True).mijlpalen == set(Mijlpaal)
    assert a.terugmelding(Grondslag.TOESTEMMING, False).mijlpalen == set()
    assert all(r.bron for r in a.terugmeldregels)


@pytest.mark.eis("WD-TERUG-08")
@given(
    stappen=st.lists(
        st.sampled_from(["poging-nee", "poging-ja", "aanbod", "ja", "nee", "sluit", "verzoek"]),
        max_size=7,
    ),
    grondslag=st.sampled_from(
        [Grondslag.AFSLUITREGELING, Grondslag.TOESTEMMING, Grondslag.BESLUIT_SCHULDHULPVERLENING]
    ),
    status=st.booleans(),
)
def test_both_views_agree_and_show_only_what_the_policy_allows(
    stappen: list[str], grondslag: Grondslag, status: bool
) -> None:
    soort = {
        Grondslag.AFSLUITREGELING: SoortVerwijzer.WATER,
        Grondslag.BESLUIT_SCHULDHULPVERLENING: SoortVerwijzer.HUUR,
        Grondslag.TOESTEMMING: SoortVerwijzer.HYPOTHEEK,
    }[grondslag]
    paar = Paar.start(
        verwijzing(soort=soort, grondslag=grondslag, statusterugmelding=status), profiel=PILOT
    )
    toegestaan = paar.gemeente.terugmelding
    dag = op_dag(1)
    acties = {
        "poging-nee": Contactpoging(dag, Contactsoort.BRIEF, Dagdeel.AVOND, False),
        "poging-ja": Contactpoging(dag, Contactsoort.TELEFOON, Dagdeel.MIDDAG, True),
        "aanbod": HulpAangeboden(dag),
        "ja": Hulpbesluit(dag, True),
        "nee": Hulpbesluit(dag, False),
        "sluit": Afsluiting(dag, DdasEindresultaat.DEFINITIEF_GEEN_CONTACT),
    }
    for stap in stappen:
        try:
            if stap == "verzoek":
                paar.schuldeiser_stuurt(statusverzoek(paar.schuldeiser, dag))
            else:
                paar.gemeente_doet(acties[stap])
        except (LocalInvalidTransition, RemoteInvalidTransition):
            continue
    paar.bezorg()
    assert all(toegestaan.toont(m) for m in gemeld(paar))
    assert schuldeiserbeeld(paar.gemeente) == schuldeiserbeeld(paar.schuldeiser)


@pytest.mark.eis("WD-GROND-08")
@pytest.mark.parametrize(
    "grondslag", [Grondslag.AFSLUITREGELING, Grondslag.BESLUIT_SCHULDHULPVERLENING]
)
def test_a_consent_withdrawal_on_a_legal_ground_is_refused_either_way(grondslag: Grondslag) -> None:
    soort = SoortVerwijzer.WATER if grondslag is Grondslag.AFSLUITREGELING else SoortVerwijzer.HUUR
    paar = Paar.start(verwijzing(soort=soort, grondslag=grondslag), profiel=PILOT)
    melding = intrekking(paar.schuldeiser, op_dag(1), Intrekkingsreden.TOESTEMMING_INGETROKKEN)
    with pytest.raises(LocalInvalidTransition) as lokaal:
        paar.schuldeiser.verstuur(melding)
    assert lokaal.value.code == "intrekking_zonder_toestemming"
    with pytest.raises(RemoteInvalidTransition) as remote:
        paar.gemeente.ontvang(melding)
    assert (remote.value.code, remote.value.pad) == ("intrekking_zonder_toestemming", "reden")
    # Withdrawing for another reason is fine.
    paar.schuldeiser_stuurt(intrekking(paar.schuldeiser, op_dag(1), Intrekkingsreden.BETAALD))


@pytest.mark.eis("WD-GROND-09")
def test_after_a_consent_withdrawal_nothing_more_is_reported() -> None:
    v = verwijzing(soort=SoortVerwijzer.HYPOTHEEK, grondslag=Grondslag.TOESTEMMING)
    paar = Paar.start(v, profiel=PILOT)
    hulptraject(paar, aanvaard=True)  # closed: Afgesloten reported
    assert paar.gemeente.afgerond
    paar.schuldeiser_stuurt(
        intrekking(paar.schuldeiser, op_dag(2), Intrekkingsreden.TOESTEMMING_INGETROKKEN)
    )
    assert paar.gemeente.toestemming_ingetrokken and paar.gemeente.zichtbare_mijlpaal is None
    with pytest.raises(RemoteInvalidTransition) as fout:
        paar.gemeente.ontvang(statusverzoek(paar.schuldeiser, op_dag(3)))
    assert fout.value.code == "toestemming_ingetrokken"
    assert schuldeiserbeeld(paar.gemeente).status is Schuldeiserstatus.INGETROKKEN
