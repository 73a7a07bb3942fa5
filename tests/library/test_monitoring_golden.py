"""Golden test: a small hand-made set of histories, every figure computed by hand.

The calendar: 2025-04-14 (Mon) .. 2025-04-25. Good Friday 18 April and Easter Monday 21 April are
not werkdagen (Atw), so from Wednesday 16 April the 3rd werkdag is Wednesday 23 April.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest

from warm_referral.deadlines import contact_deadline
from warm_referral.lifecycle import Contactpoging, DdasEindresultaat, Toestand
from warm_referral.models import (
    Contactsoort,
    Dagdeel,
    Grondslag,
    Mijlpaal,
    NietOpgepaktReden,
    SoortVerwijzer,
)
from warm_referral.monitoring import (
    Eindresultaatfeit,
    Evaluatie,
    NietOpgepaktfeit,
    Verwijzingshistorie,
    bereken,
    percentiel,
    publiceerbaar,
)

TEL, OCHTEND = Contactsoort.TELEFOON, Dagdeel.OCHTEND


def _h(nr: int, ontvangen: date, **velden: object) -> Verwijzingshistorie:
    ontvangen_op = datetime(ontvangen.year, ontvangen.month, ontvangen.day, 8, tzinfo=timezone.utc)
    basis: dict[str, object] = {
        "verwijzing_id": f"G-{nr}",
        "gemeentecode": "0687" if nr % 2 else "0718",
        "organisatie": "Schuldhulp Walcheren",
        "schuldeiser": "Drinkwaterbedrijf Zuidwest",
        "soort_verwijzer": SoortVerwijzer.WATER,
        "grondslag": Grondslag.AFSLUITREGELING,
        "crisis": False,
        "verwijsdatum": ontvangen,
        "ontvangen_op": ontvangen_op,
        "contactdeadline": contact_deadline(ontvangen_op),
        "toestand": Toestand.ONTVANGEN,
    }
    basis.update(velden)
    return Verwijzingshistorie(**basis)  # type: ignore[arg-type]


def _poging(d: date, bereikt: bool) -> Contactpoging:
    return Contactpoging(d, TEL, OCHTEND, bereikt)


WO = date(2025, 4, 16)  # Wednesday before Easter
MA = date(2025, 4, 14)  # Monday

HISTORIEN = [
    # 1: reached on the first attempt on day 1, help offered on day 6, accepted day 9, closed.
    _h(
        1,
        WO,
        toestand=Toestand.AFGESLOTEN,
        contactpogingen=(_poging(date(2025, 4, 17), True),),
        mijlpalen={
            Mijlpaal.OPGEPAKT: date(2025, 4, 17),
            Mijlpaal.BEREIKT: date(2025, 4, 17),
            Mijlpaal.HULP_AANGEBODEN: date(2025, 4, 22),
            Mijlpaal.HULP_AANVAARD: date(2025, 4, 25),
            Mijlpaal.AFGESLOTEN: date(2025, 5, 20),
        },
        eindresultaat=Eindresultaatfeit(
            datum=date(2025, 5, 20), resultaat=DdasEindresultaat.VERVOLGHULP_FINANCIEEL
        ),
        evaluaties=(
            Evaluatie(peildatum=date(2025, 6, 1), regulier_betaald=False),
            Evaluatie(peildatum=date(2025, 7, 1), regulier_betaald=True),
        ),
    ),
    # 2: first attempt (not reached) Tue 22 Apr = 2 werkdagen / 6 days; reached Thu 24 Apr
    #    = 4 werkdagen / 8 days (after the deadline of Wed 23 Apr); help declined.
    _h(
        2,
        WO,
        toestand=Toestand.HULP_AFGEWEZEN,
        contactpogingen=(_poging(date(2025, 4, 22), False), _poging(date(2025, 4, 24), True)),
        mijlpalen={
            Mijlpaal.OPGEPAKT: date(2025, 4, 22),
            Mijlpaal.BEREIKT: date(2025, 4, 24),
            Mijlpaal.HULP_AANGEBODEN: date(2025, 4, 24),
            Mijlpaal.HULP_AFGEWEZEN: date(2025, 4, 28),
        },
        evaluaties=(Evaluatie(peildatum=date(2025, 7, 1), regulier_betaald=False),),
    ),
    # 3: first attempt on Thu 24 Apr (4 werkdagen, late), never reached: stopped, closed.
    _h(
        3,
        WO,
        toestand=Toestand.AFGESLOTEN,
        contactpogingen=(_poging(date(2025, 4, 24), False), _poging(date(2025, 4, 25), False)),
        mijlpalen={Mijlpaal.OPGEPAKT: date(2025, 4, 24), Mijlpaal.AFGESLOTEN: date(2025, 5, 2)},
        contact_gestaakt=date(2025, 4, 30),
        eindresultaat=Eindresultaatfeit(
            datum=date(2025, 5, 2), resultaat=DdasEindresultaat.DEFINITIEF_GEEN_CONTACT
        ),
    ),
    # 4: not taken up on the day of receipt: no contact term to judge.
    _h(
        4,
        MA,
        toestand=Toestand.NIET_OPGEPAKT,
        niet_opgepakt=NietOpgepaktfeit(datum=MA, reden=NietOpgepaktReden.HERHAALDE_MELDING),
        eindresultaat=Eindresultaatfeit(
            datum=MA, resultaat=DdasEindresultaat.NIET_OPGEPAKT_HERHAALDE_MELDING
        ),
    ),
    # 5: nobody tried; the deadline (Thu 17 Apr) passed before the peildatum: late.
    _h(5, MA),
    # 6: reached on the day of receipt (0 werkdagen, 0 days), help offered the same day.
    _h(
        6,
        MA,
        toestand=Toestand.HULP_AANGEBODEN,
        contactpogingen=(_poging(MA, True),),
        mijlpalen={
            Mijlpaal.OPGEPAKT: MA,
            Mijlpaal.BEREIKT: MA,
            Mijlpaal.HULP_AANGEBODEN: MA,
        },
    ),
    # 7: another month (May): only in the year's totals.
    _h(7, date(2025, 5, 6)),
]
PEILDATUM = date(2025, 6, 30)


def _figuren(periode: str = "2025-K2") -> dict[str, object]:
    resultaat = bereken(HISTORIEN, peildatum=PEILDATUM, periodesoorten=["kwartaal", "maand"])
    uit: dict[str, object] = {}
    for u in resultaat.selecteer(periode=periode, dimensie="totaal"):
        sleutel = u.indicator + (f"[{u.categorie}]" if u.categorie else "")
        if u.mediaan is not None or u.indicator.startswith(("werkdagen", "kalenderdagen")):
            uit[sleutel] = (u.noemer, u.mediaan, u.p75, u.p90)
        elif u.noemer is None:
            uit[sleutel] = u.teller
        else:
            uit[sleutel] = (u.teller, u.noemer)
    return uit


def test_the_hand_computed_figures_of_the_quarter() -> None:
    f = _figuren()
    assert f["verwijzingen"] == 7
    assert f["doorgezonden"] == (0, 7)
    assert f["ingetrokken"] == (0, 7)
    assert f["niet_opgepakt"] == (1, 7)
    assert f["niet_opgepakt_naar_reden[Niet opgepakt: herhaalde melding]"] == (1, 1)
    assert f["opgepakt"] == (4, 7)  # 1, 2, 3, 6
    assert f["bereikt"] == (3, 4)  # 1, 2, 6
    assert f["niet_bereikt"] == (1, 4)  # 3
    # First attempt: 1 -> 1 wd/1 d, 2 -> 2 wd/6 d, 3 -> 4 wd/8 d, 6 -> 0/0.
    assert f["werkdagen_tot_poging"] == (4, 1, 2, 4)  # sorted 0 1 2 4: ranks 2, 3, 4
    assert f["kalenderdagen_tot_poging"] == (4, 1, 6, 8)
    # Reached: 1 -> 1 wd/1 d, 2 -> 4 wd/8 d, 6 -> 0/0.
    assert f["werkdagen_tot_bereikt"] == (3, 1, 4, 4)
    assert f["kalenderdagen_tot_bereikt"] == (3, 1, 8, 8)
    # Judged: 1, 2, 3, 6 (attempts) and 5 (deadline passed, nobody tried); 7 too (its deadline
    # of 9 May passed before the peildatum). Not 4 (not taken up on the day).
    assert f["poging_binnen_termijn"] == (3, 6)  # 1, 2, 6
    assert f["bereikt_binnen_termijn"] == (2, 6)  # 1, 6
    assert f["hulp_aangeboden"] == (3, 3)  # 1, 2, 6
    assert f["kalenderdagen_tot_aanbod"] == (3, 6, 8, 8)  # 0, 6, 8
    assert f["hulp_aanvaard"] == (1, 3)
    assert f["hulp_afgewezen"] == (1, 3)
    assert f["kalenderdagen_tot_aanvaarding"] == (1, 9, 9, 9)
    assert f["eindresultaat[Vervolghulp en/of verwijzing financieel]"] == (1, 3)
    assert f["eindresultaat[Definitief geen contact kunnen krijgen]"] == (1, 3)
    assert f["eindresultaat[Niet opgepakt: herhaalde melding]"] == (1, 3)
    # The latest report counts: 1 resumed (July after June), 2 did not.
    assert f["betaling_hervat"] == (1, 2)
    assert f["maatregel_voorkomen"] == (0, 0)


def test_months_add_up_to_the_quarter() -> None:
    april, mei = _figuren("2025-04"), _figuren("2025-05")
    assert april["verwijzingen"] == 6 and mei["verwijzingen"] == 1
    assert "2025-06" not in {u.periode for u in bereken(HISTORIEN, peildatum=PEILDATUM).uitkomsten}


def test_groupings_split_the_total() -> None:
    resultaat = bereken(HISTORIEN, peildatum=PEILDATUM, periodesoorten=["kwartaal"])
    per_gemeente = {
        u.groep: u.teller
        for u in resultaat.selecteer("verwijzingen", dimensie="gemeente", periode="2025-K2")
    }
    assert per_gemeente == {"0687": 4, "0718": 3}


def test_a_later_peildatum_judges_more_deadlines() -> None:
    vroeg = bereken(HISTORIEN, peildatum=date(2025, 4, 17), periodesoorten=["kwartaal"])
    (u,) = vroeg.selecteer("poging_binnen_termijn", dimensie="totaal")
    # 5's deadline (Thursday 17 April) has not passed on the 17th, and 7's lies in May: only the
    # four with an attempt are judged.
    assert (u.teller, u.noemer) == (3, 4)


@pytest.mark.parametrize(
    ("waarden", "p", "verwacht"),
    [
        ([1], 50, 1),
        ([0, 1, 2, 4], 50, 1),
        ([0, 1, 2, 4], 75, 2),
        ([0, 1, 2, 4], 90, 4),
        ([5, 5, 5, 9], 75, 5),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9),
        ([], 50, None),
    ],
)
def test_percentiles_are_nearest_rank(waarden: list[int], p: int, verwacht: int | None) -> None:
    assert percentiel(Counter(waarden), p) == verwacht


def test_published_golden_figures_hide_everything_below_five() -> None:
    resultaat = bereken(HISTORIEN, peildatum=PEILDATUM, periodesoorten=["kwartaal"])
    rijen = {
        (r.indicator, r.categorie): r
        for r in publiceerbaar(resultaat.selecteer(dimensie="totaal"), drempel=5)
    }
    assert rijen[("verwijzingen", "")].teller == 7
    opgepakt = rijen[("opgepakt", "")]
    assert opgepakt.teller is None and opgepakt.noemer == 7 and opgepakt.aandeel is None
    assert opgepakt.onderdrukt
    assert rijen[("werkdagen_tot_poging", "")].mediaan is None  # n = 4
    drie = publiceerbaar(resultaat.selecteer(dimensie="totaal"), drempel=3)
    assert next(r for r in drie if r.indicator == "opgepakt").aandeel == pytest.approx(400 / 7)
