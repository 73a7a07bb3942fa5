"""Creditor-safe feedback: every state and every final result, with secrets planted in the
municipality's record that must never reach the creditor."""

from __future__ import annotations

import dataclasses
from enum import Enum

import pytest
from lifecycle_helpers import (
    D0,
    DAG,
    GEHEIME_HULP,
    GEHEIME_REDEN,
    GEHEIME_TOELICHTING,
    Paar,
    paar_in,
    verwijzing,
)

from warm_referral.lifecycle import (
    SCHULDEISER_EINDRESULTAAT,
    Afsluiting,
    Contactpoging,
    DdasEindresultaat,
    HulpAangeboden,
    NietOppakken,
    Oppakken,
    Schuldeiserbeeld,
    Schuldeiserstatus,
    Toestand,
    schuldeiserbeeld,
)
from warm_referral.lifecycle._table import MIJLPAAL, NA_CONTACT, VOOR_CONTACTPOGING, ZONDER_CONTACT
from warm_referral.models import (
    Advies,
    Contactsoort,
    Dagdeel,
    Eindresultaat,
    Grondslag,
    Mijlpaal,
    NietOpgepaktReden,
    SoortVerwijzer,
)

#: Every field a creditor may see. A new field must be added here on purpose, after review.
TOEGESTANE_VELDEN = {
    "verwijzing_id",
    "status",
    "sinds",
    "ontvangen_op",
    "contactdeadline",
    "incassostop",
    "niet_opgepakt_reden",
    "nieuwe_gemeente",
    "eindresultaat",
    "advies_incassostop",
    "statusterugmelding",
    "te_laat",
}
_CREDITOR_SAFE_ENUMS = (
    Schuldeiserstatus,
    NietOpgepaktReden,
    Eindresultaat,
    Advies,
)


def _controleer_veilig(beeld: Schuldeiserbeeld) -> None:
    assert {f.name for f in dataclasses.fields(beeld)} == TOEGESTANE_VELDEN
    tekst = repr(beeld)
    for geheim in (GEHEIME_REDEN, GEHEIME_HULP, GEHEIME_TOELICHTING, "GEHEIM"):
        assert geheim not in tekst
    for waarde in dataclasses.astuple(beeld):
        if isinstance(waarde, Enum):
            assert isinstance(waarde, _CREDITOR_SAFE_ENUMS), waarde
    assert beeld.status.value not in (Toestand.CONTACTPOGINGEN.value, Toestand.NIET_BEREIKT.value)
    for contactsoort in Contactsoort:
        assert f"Contactsoort.{contactsoort.name}" not in tekst
    for dagdeel in Dagdeel:
        assert f"Dagdeel.{dagdeel.name}" not in tekst


def _verwijzing(statusterugmelding: bool):  # type: ignore[no-untyped-def]
    if statusterugmelding:
        return verwijzing()
    return verwijzing(
        soort=SoortVerwijzer.HYPOTHEEK, grondslag=Grondslag.TOESTEMMING, statusterugmelding=False
    )


@pytest.mark.parametrize("statusterugmelding", [True, False])
@pytest.mark.parametrize("toestand", list(Toestand), ids=lambda t: t.name)
def test_every_state_shows_only_what_the_creditor_may_see(
    toestand: Toestand, statusterugmelding: bool
) -> None:
    paar = paar_in(toestand, _verwijzing(statusterugmelding))
    beeld = schuldeiserbeeld(paar.gemeente)
    _controleer_veilig(beeld)
    # The creditor's copy, fed only the messages, sees exactly the same.
    assert schuldeiserbeeld(paar.schuldeiser) == beeld
    mijlpaal = MIJLPAAL[toestand]
    if mijlpaal is not None and statusterugmelding:
        assert beeld.status.value == mijlpaal.value
        assert beeld.sinds == paar.gemeente.mijlpalen[mijlpaal]
    elif mijlpaal is not None:
        assert beeld.status is Schuldeiserstatus.ONTVANGEN
        assert beeld.eindresultaat is None and beeld.advies_incassostop is None
    assert beeld.statusterugmelding is statusterugmelding


def test_contact_attempts_and_giving_up_show_as_taken_up() -> None:
    for toestand in (Toestand.CONTACTPOGINGEN, Toestand.NIET_BEREIKT):
        paar = paar_in(toestand)
        assert paar.gemeente.contactpogingen
        assert schuldeiserbeeld(paar.gemeente).status is Schuldeiserstatus.OPGEPAKT


def test_other_reason_never_carries_the_reason_behind_it() -> None:
    paar = Paar.start()
    paar.gemeente_doet(NietOppakken(D0, NietOpgepaktReden.ANDERE_REDEN, GEHEIME_REDEN))
    assert paar.gemeente.niet_opgepakt_toelichting == GEHEIME_REDEN  # kept by the municipality
    beeld = schuldeiserbeeld(paar.gemeente)
    assert beeld.niet_opgepakt_reden is NietOpgepaktReden.ANDERE_REDEN
    _controleer_veilig(beeld)
    for effect in paar.effecten:
        assert GEHEIME_REDEN not in repr(effect)
    for bericht in paar.verstuurd.values():
        assert GEHEIME_REDEN.encode() not in bericht.to_json()


def test_the_content_of_the_help_never_leaves_the_municipality() -> None:
    paar = paar_in(Toestand.AFGESLOTEN)
    assert paar.gemeente.hulpaanbod is not None
    assert paar.gemeente.hulpaanbod.omschrijving == GEHEIME_HULP
    assert paar.gemeente.afsluiting_toelichting == GEHEIME_TOELICHTING
    for bericht in paar.verstuurd.values():
        tekst = bericht.to_json()
        for geheim in (GEHEIME_HULP, GEHEIME_TOELICHTING, "financieel", "Telefoon", "Ochtend"):
            assert geheim.encode() not in tekst, (geheim, bericht.berichttype)
    assert paar.schuldeiser.hulpaanbod is None and paar.schuldeiser.ddas_eindresultaat is None


def _sluit_met(resultaat: DdasEindresultaat) -> Paar:
    """A pair closed with ``resultaat`` from a state where that result fits."""
    reden = {r.value: r for r in NietOpgepaktReden}.get(resultaat.value)
    if reden is not None and resultaat not in NA_CONTACT | ZONDER_CONTACT:
        paar = Paar.start()
        paar.gemeente_doet(NietOppakken(D0, reden, GEHEIME_REDEN))
    elif resultaat is DdasEindresultaat.AL_BEKEND or resultaat in VOOR_CONTACTPOGING:
        paar = Paar.start()
        paar.gemeente_doet(Oppakken(D0))
        paar.gemeente_doet(Afsluiting(D0 + DAG, resultaat, GEHEIME_TOELICHTING, Advies.OPHEFFEN))
    elif resultaat in ZONDER_CONTACT:
        paar = paar_in(Toestand.CONTACTPOGINGEN)
        paar.gemeente_doet(Afsluiting(D0 + 3 * DAG, resultaat, GEHEIME_TOELICHTING))
    else:
        assert resultaat in NA_CONTACT
        paar = Paar.start()
        paar.gemeente_doet(Contactpoging(D0, Contactsoort.TELEFOON, Dagdeel.OCHTEND, True))
        paar.gemeente_doet(HulpAangeboden(D0 + DAG, GEHEIME_HULP))
        paar.gemeente_doet(Afsluiting(D0 + 3 * DAG, resultaat, GEHEIME_TOELICHTING))
    paar.bezorg()
    return paar


@pytest.mark.parametrize("resultaat", list(DdasEindresultaat), ids=lambda r: r.name)
def test_every_final_result_reaches_the_creditor_coarsened(resultaat: DdasEindresultaat) -> None:
    paar = _sluit_met(resultaat)
    beeld = schuldeiserbeeld(paar.gemeente)
    _controleer_veilig(beeld)
    assert schuldeiserbeeld(paar.schuldeiser) == beeld
    if paar.gemeente.toestand is Toestand.NIET_OPGEPAKT:
        assert beeld.status is Schuldeiserstatus.NIET_OPGEPAKT
        assert beeld.eindresultaat is None
        assert beeld.niet_opgepakt_reden is not None
        assert beeld.niet_opgepakt_reden.value == resultaat.value
        return
    assert paar.gemeente.ddas_eindresultaat is resultaat
    assert beeld.status is Schuldeiserstatus.AFGESLOTEN
    assert beeld.eindresultaat is SCHULDEISER_EINDRESULTAAT[resultaat]
    assert type(beeld.eindresultaat) is Eindresultaat
    expected_state = (
        Toestand.AL_BEKEND if resultaat is DdasEindresultaat.AL_BEKEND else Toestand.AFGESLOTEN
    )
    assert paar.gemeente.toestand is expected_state
    assert paar.schuldeiser.toestand is Toestand.AFGESLOTEN


def test_every_creditor_safe_result_is_used() -> None:
    assert set(SCHULDEISER_EINDRESULTAAT.values()) == set(Eindresultaat)


def test_help_content_is_not_told_by_the_result() -> None:
    # Financial or not, advice or follow-up care: the creditor sees one value.
    hulp = {
        DdasEindresultaat.BUDGETADVIES_OF_QUICK_FIX,
        DdasEindresultaat.VERVOLGHULP,
        DdasEindresultaat.VERVOLGHULP_FINANCIEEL,
        DdasEindresultaat.VERVOLGHULP_NIET_FINANCIEEL,
    }
    assert {SCHULDEISER_EINDRESULTAAT[r] for r in hulp} == {Eindresultaat.ONDERSTEUNING_GESTART}
    niet_opgepakt = {r for r in DdasEindresultaat if r.value.startswith("Niet opgepakt")}
    assert {SCHULDEISER_EINDRESULTAAT[r] for r in niet_opgepakt} == {Eindresultaat.OVERIG}


def test_already_known_shows_as_closed_already_in_care() -> None:
    paar = paar_in(Toestand.AL_BEKEND)
    beeld = schuldeiserbeeld(paar.gemeente)
    assert beeld.status is Schuldeiserstatus.AFGESLOTEN
    assert beeld.eindresultaat is Eindresultaat.AL_IN_BEGELEIDING
    assert MIJLPAAL[Toestand.AL_BEKEND] is Mijlpaal.AFGESLOTEN
