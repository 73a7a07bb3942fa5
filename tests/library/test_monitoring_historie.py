"""The history: the same from a real record as from the generator, JSON Lines round trip, clear
errors, the published schema."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warm_referral.lifecycle import ddas_signaalstatus
from warm_referral.lifecycle import vroegsignaalzaak as lifecycle_zaak
from warm_referral.monitoring import (
    InvalidHistory,
    historie_van,
    lees_historie,
    schrijf_historie,
)
from warm_referral.monitoring.ddas_export import signaalstatus, vroegsignaalzaak
from warm_referral.monitoring.historie import historie_schema
from warm_referral.monitoring.synthetisch import (
    dossier_uit_verloop,
    historie_uit_verloop,
    synthetische_historien,
    synthetische_regels,
    verlopen,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "spec/v1/monitoring/verwijzingshistorie.json"
VAN, TOT = date(2024, 11, 1), date(2025, 6, 30)


@pytest.fixture(scope="module")
def paren() -> list[tuple[object, object, object]]:
    """250 synthetic referrals, each through a real record and directly."""
    uit = []
    for v in verlopen(250, seed=11, van=VAN, tot=TOT, uitbreiding=True):
        dossier, verwijzing = dossier_uit_verloop(v)
        uit.append(
            (
                historie_van(dossier, verwijzing, organisatie=v.gemeente.organisatie),
                historie_uit_verloop(v),
                dossier,
            )
        )
    return uit


def test_historie_van_a_record_equals_the_direct_history(paren: list) -> None:
    verschillen = [(a.verwijzing_id, a, b) for a, b, _ in paren if a != b]
    assert not verschillen, verschillen[:1]
    # The sample covers what matters: every end state the generator makes.
    assert {a.toestand.value for a, _, _ in paren} >= {
        "Afgesloten",
        "Niet opgepakt",
        "Doorgezonden",
        "Ingetrokken",
        "Hulp aanvaard",
        "Al bekend bij schuldhulpverlening",
    }


def test_ddas_status_and_case_agree_with_the_lifecycle(paren: list) -> None:
    for historie, _, dossier in paren:
        assert signaalstatus(historie) is ddas_signaalstatus(dossier)
        assert vroegsignaalzaak(historie) == lifecycle_zaak(dossier)


def test_json_lines_round_trip(paren: list) -> None:
    historien = [a for a, _, _ in paren]
    buffer = io.StringIO()
    assert schrijf_historie(historien, buffer) == len(historien)
    regels = buffer.getvalue().splitlines()
    assert list(lees_historie(regels)) == historien
    # bytes lines and blank lines are fine too
    assert list(lees_historie([b"\n", regels[0].encode()])) == historien[:1]


def test_every_line_validates_against_the_published_schema(paren: list) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for a, _, _ in paren:
        validator.validate(json.loads(a.naar_json()))
    assert schema == historie_schema()


def test_no_personal_data_in_a_history(paren: list) -> None:
    velden = set(historie_schema()["properties"])
    verboden = {
        "hulpvrager",
        "bsn",
        "adres",
        "naam",
        "geboortedatum",
        "telefoonnummer",
        "email",
        "achterstand",
        "bedrag",
        "toelichting",
        "omschrijving",
    }
    assert not velden & verboden
    for a, _, _ in paren:
        tekst = a.naar_json()
        for persoonlijk in ("Synthetisch", "Proefstraat", "9999ZZ", "Proefdorp", "100.00", 'SYN"'):
            assert persoonlijk not in tekst


@pytest.mark.parametrize(
    ("wijziging", "pointer", "code"),
    [
        (lambda d: d.pop("verwijzingId"), "/verwijzingId", "verplicht"),
        (lambda d: d.update(gemeentecode="GM0599"), "/gemeentecode", "patroon"),
        (lambda d: d.update(toestand="Weg"), "/toestand", "waarde_niet_toegestaan"),
        (lambda d: d.update(organisatie=None), "/organisatie", "null_niet_toegestaan"),
        (lambda d: d.update(extra=1), "/extra", "onbekend_veld"),
        (lambda d: d.update(verwijsdatum="2025-02-30"), "/verwijsdatum", "datum_ongeldig"),
    ],
)
def test_a_bad_line_names_line_field_and_reason(wijziging, pointer: str, code: str) -> None:
    goed = next(synthetische_historien(1, seed=1, van=VAN, tot=TOT)).naar_json()
    fout = json.loads(goed)
    wijziging(fout)
    with pytest.raises(InvalidHistory) as info:
        list(lees_historie([goed, "", json.dumps(fout)], bron="h.jsonl"))
    assert info.value.regel == 3
    assert (pointer, code) in {(v.pointer, v.code) for v in info.value.violations}
    assert str(info.value).startswith("h.jsonl:3: ")


def test_not_json_at_all() -> None:
    with pytest.raises(InvalidHistory) as info:
        list(lees_historie(["{niet json"]))
    assert info.value.violations[0].code == "geen_json"


def test_only_the_municipalitys_record(paren: list) -> None:
    from warm_referral.lifecycle import Verwijzingsdossier

    v = next(verlopen(1, seed=2, van=VAN, tot=TOT))
    _, verwijzing = dossier_uit_verloop(v)
    kopie, _ = Verwijzingsdossier.voor_schuldeiser(verwijzing)
    with pytest.raises(ValueError, match="municipality's record"):
        historie_van(kopie, verwijzing)
    ander = next(iter(verlopen(2, seed=3, van=VAN, tot=TOT)))
    dossier, _ = dossier_uit_verloop(ander)
    if dossier.verwijzing_id != verwijzing.verwijzing_id:
        with pytest.raises(ValueError, match="is about"):
            historie_van(dossier, verwijzing)


def test_the_generator_is_reproducible_by_seed() -> None:
    a = [h.naar_json() for h in synthetische_historien(50, seed=5, van=VAN, tot=TOT)]
    b = [h.naar_json() for h in synthetische_historien(50, seed=5, van=VAN, tot=TOT)]
    c = [h.naar_json() for h in synthetische_historien(50, seed=6, van=VAN, tot=TOT)]
    assert a == b != c


def test_the_generator_makes_the_pilot_region() -> None:
    from warm_referral.monitoring.synthetisch import PILOTREGIO

    assert len(PILOTREGIO) == 13
    assert len({g.organisatie for g in PILOTREGIO}) == 7
    historien = list(synthetische_historien(2000, seed=8, van=VAN, tot=TOT))
    assert {h.soort_verwijzer.value for h in historien} == {"Water"}
    assert len({h.gemeentecode for h in historien}) == 13
    # Holidays: some first attempts fall after Christmas or Easter, where werkdagen and days differ.
    from warm_referral.calendar import standaard_kalender

    kal = standaard_kalender()
    assert all(kal.is_werkdag(h.verwijsdatum) for h in historien)
    assert any(not h.contactpogingen for h in historien)
    assert any(h.contact_gestaakt for h in historien)


def test_monitoring_loads_no_plotting_or_schema_library() -> None:
    import subprocess
    import sys

    code = "import warm_referral.monitoring, sys; print('\\n'.join(sys.modules))"
    geladen = set(
        subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    for zwaar in ("matplotlib", "numpy", "jsonschema", "starlette", "lxml", "duckdb", "polars"):
        assert zwaar not in geladen, zwaar


@settings(max_examples=10)
@given(st.integers(0, 10_000), st.booleans())
def test_the_direct_writer_writes_what_the_model_writes(seed: int, uitbreiding: bool) -> None:
    regels = list(synthetische_regels(150, seed=seed, van=VAN, tot=TOT, uitbreiding=uitbreiding))
    historien = list(
        synthetische_historien(150, seed=seed, van=VAN, tot=TOT, uitbreiding=uitbreiding)
    )
    assert regels == [h.naar_json() for h in historien]
    assert list(lees_historie(regels)) == historien
