"""The lifecycle's DDAS vocabulary is read from the official v1.2 schema, so it cannot drift."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from lifecycle_helpers import paar_in
from paths import SHARED

from warm_referral.lifecycle import (
    SCHULDEISER_EINDRESULTAAT,
    DdasEindresultaat,
    DdasSignaalstatus,
    Toestand,
    ddas_eindresultaat,
    ddas_signaalstatus,
    vroegsignaalzaak,
)
from warm_referral.lifecycle.ddas import (
    EINDRESULTAAT_BIJ_INTREKKING,
    NIET_OPGEPAKT_EINDRESULTAAT,
    SIGNAALSTATUS,
)
from warm_referral.models import Eindresultaat, Intrekkingsreden, NietOpgepaktReden

DDAS_SCHEMA = (
    SHARED / "external" / "ddas-vroegsignalering" / "v1.2" / "json_schema_Uitwisselmodel.json"
)


@cache
def _schema() -> dict[str, Any]:
    return json.loads(Path(DDAS_SCHEMA).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _enum(naam: str) -> list[str]:
    return list(_schema()["$defs"][naam]["enum"])


def test_signal_status_is_the_official_enum() -> None:
    assert [s.value for s in DdasSignaalstatus] == _enum("EnumSignaalstatus")


def test_final_result_is_the_official_enum() -> None:
    assert [r.value for r in DdasEindresultaat] == _enum("EnumEindresultaat")


def test_every_state_maps_to_a_signal_status() -> None:
    assert set(SIGNAALSTATUS) == set(Toestand)
    assert {s.value for s in SIGNAALSTATUS.values()} <= set(_enum("EnumSignaalstatus"))


def test_every_final_result_maps_to_a_creditor_safe_one() -> None:
    assert set(SCHULDEISER_EINDRESULTAAT) == set(DdasEindresultaat)
    assert set(SCHULDEISER_EINDRESULTAAT.values()) == set(Eindresultaat)


def test_every_reason_not_taken_up_is_a_signal_status_and_a_final_result() -> None:
    for reden in NietOpgepaktReden:
        assert reden.value in _enum("EnumSignaalstatus")
        assert NIET_OPGEPAKT_EINDRESULTAAT[reden].value == reden.value
    assert set(EINDRESULTAAT_BIJ_INTREKKING) == set(Intrekkingsreden)


@pytest.mark.parametrize("toestand", list(Toestand), ids=lambda t: t.name)
def test_every_record_reports_official_values(toestand: Toestand) -> None:
    paar = paar_in(toestand)
    status = ddas_signaalstatus(paar.gemeente)
    assert status.value in _enum("EnumSignaalstatus")
    resultaat = ddas_eindresultaat(paar.gemeente)
    if toestand in (
        Toestand.NIET_OPGEPAKT,
        Toestand.DOORGEZONDEN,
        Toestand.AL_BEKEND,
        Toestand.AFGESLOTEN,
        Toestand.INGETROKKEN,
    ):
        assert resultaat is not None and resultaat.value in _enum("EnumEindresultaat")
    else:
        assert resultaat is None


@pytest.mark.parametrize("toestand", list(Toestand), ids=lambda t: t.name)
def test_the_case_export_validates_against_the_official_schema(toestand: Toestand) -> None:
    paar = paar_in(toestand)
    levering = {
        "startdatumLevering": "2026-04-01",
        "einddatumLevering": "2026-06-30",
        "aanleverdatumEnTijd": "2026-07-01T09:00:00Z",
        "codeGegevensleverancier": "TEST",
        "leveringen": [
            {
                "teller": 1,
                "gemeentecode": paar.gemeente.gemeente.gemeentecode,
                "aanleverendeOrganisatie": {"naam": "Gemeente Voorbeeld"},
                "vroegsignaalzaken": [vroegsignaalzaak(paar.gemeente)],
            }
        ],
    }
    fouten = [e.message for e in Draft202012Validator(_schema()).iter_errors(levering)]
    assert not fouten
    zaak = vroegsignaalzaak(paar.gemeente)
    assert len(zaak.get("contactpogingen", [])) == len(paar.gemeente.contactpogingen)
