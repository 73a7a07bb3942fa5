"""The participants register: its format (validated with a pointer for every problem, and held
against the agreement profiles), its look-ups, and the one check of a Verwijzing against a
registration, with a stable code per refusal."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from paths import ROOT

from warm_referral import parse_json
from warm_referral.afsprakenstelsel import (
    InvalidRegister,
    Schuldeiser,
    afwijkingen_afzender,
    lees_deelnemersregister,
    register_schema,
)
from warm_referral.models import Partij, Verwijzing

REGISTER = ROOT / "spec/v1/deelnemersregister/voorbeeld-deelnemersregister.json"
SCHEMA = ROOT / "spec/v1/deelnemersregister/deelnemersregister.schema.json"
EXAMPLES = ROOT / "spec/v1/examples"


def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REGISTER.read_text(encoding="utf-8"))
    return data


def lees(data: dict[str, Any]) -> Any:
    return lees_deelnemersregister(json.dumps(data).encode(), bron="test.json")


def voorbeeld(naam: str) -> Verwijzing:
    bericht = parse_json((EXAMPLES / f"{naam}.json").read_bytes())
    assert isinstance(bericht, Verwijzing)
    return bericht


def test_the_example_register_is_valid_against_its_published_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document())
    assert schema == json.loads(json.dumps(register_schema()))


@pytest.mark.eis("WD-DEEL-04")
@pytest.mark.parametrize(
    ("wijziging", "pointer", "code"),
    [
        (lambda d: d["schuldeisers"][0].pop("naam"), "/schuldeisers/0/naam", "verplicht"),
        (
            lambda d: d["schuldeisers"][1].update(oin=None),
            "/schuldeisers/1/oin",
            "null_niet_toegestaan",
        ),
        (
            lambda d: d["schuldeisers"][0].update(soortenVerwijzer=["Water", "Water"]),
            "/schuldeisers/0/soortenVerwijzer",
            "dubbele_waarde",
        ),
        (
            lambda d: d["schuldeisers"][1].update(kvkNummer="24123456"),
            "/schuldeisers/1/kvkNummer",
            "dubbele_waarde",
        ),
        (
            lambda d: d["schuldeisers"][0]["afspraken"][0].update(
                afsprakenprofiel={"naam": "nvvk-pilot", "versie": "7.0"}
            ),
            "/schuldeisers/0/afspraken/0/afsprakenprofiel",
            "profiel_onbekend",
        ),
        (
            lambda d: d["schuldeisers"][3].update(grondslagen=["Afsluitregeling"]),
            "/schuldeisers/3/grondslagen/0",
            "niet_in_profiel",
        ),
        (
            lambda d: d["schuldeisers"][1].update(bsn=True),
            "/schuldeisers/1/bsn",
            "niet_in_profiel",
        ),
        (
            lambda d: d["schuldeisers"][0]["afspraken"][0].update(
                geldigVanaf="2026-01-01", geldigTot="2025-01-01"
            ),
            "/schuldeisers/0/afspraken/0/geldigTot",
            "periode_omgekeerd",
        ),
    ],
)
def test_every_problem_names_the_entry_member_and_why(
    wijziging: Any, pointer: str, code: str
) -> None:
    data = copy.deepcopy(document())
    wijziging(data)
    with pytest.raises(InvalidRegister) as fout:
        lees(data)
    assert (pointer, code) in {(v.pointer, v.code) for v in fout.value.violations}
    assert str(fout.value).startswith("test.json: ")


def test_all_problems_are_reported_at_once() -> None:
    data = copy.deepcopy(document())
    data["schuldeisers"][0]["grondslagen"] = ["Kabouterwet"]
    data["organisaties"][0]["oin"] = "123"
    with pytest.raises(InvalidRegister) as fout:
        lees(data)
    assert {v.pointer for v in fout.value.violations} >= {
        "/schuldeisers/0/grondslagen/0",
        "/organisaties/0/oin",
    }


def test_look_ups() -> None:
    register = lees(document())
    evides = register.schuldeiser_met(oin="00000003241234560000")
    assert evides is not None and evides.id == "evides"
    assert register.schuldeiser_met(kvk="22012345").id == "woongoed"  # type: ignore[union-attr]
    assert register.schuldeiser_met(oin="00000000000000000001") is None
    assert register.bediend_door("00000001001234567000", op=date(2026, 5, 1)) == {"0718", "0687"}
    assert register.bediend_door("00000009999999999999", op=date(2026, 5, 1)) == frozenset()


def test_an_organisation_without_gemeentecodes_is_served_by_the_address_book() -> None:
    """No second truth: the signed address book (its ``bediend_door``) answers instead."""
    data = copy.deepcopy(document())
    data["organisaties"][0].pop("gemeentecodes")

    class Adresboek:
        def bediend_door(self, oin: str, *, op: date) -> frozenset[str]:
            return frozenset({"0718"}) if op.year >= 2026 else frozenset()

    register = lees(data)
    assert register.bediend_door("00000001001234567000", op=date(2026, 1, 1)) == frozenset()
    met = register.met_bediening(Adresboek())
    assert met.bediend_door("00000001001234567000", op=date(2026, 1, 1)) == {"0718"}
    assert met.bediend_door("00000001001234567000", op=date(2025, 1, 1)) == frozenset()


def _codes(inschrijving: Schuldeiser, v: Verwijzing) -> set[tuple[str, str]]:
    register = lees(document())
    return {(f.pointer, f.code) for f in register.toets_verwijzing(inschrijving, v).afwijkingen}


def _inschrijving(id_: str) -> Schuldeiser:
    gevonden = lees(document()).schuldeiser(id_)
    assert gevonden is not None
    return gevonden


@pytest.mark.parametrize(
    ("naam", "id_"),
    [
        ("verwijzing-water-afsluitregeling", "evides"),
        ("verwijzing-huur-bgs-crisis", "woongoed"),
        ("verwijzing-zorg-bsn", "zorgverzekeraar"),
        ("verwijzing-hypotheek-toestemming", "hypotheekbank"),
        ("verwijzing-gerechtsdeurwaarder-toestemming", "deurwaarder"),
        ("verwijzing-uwv-toestemming", "uwv"),
    ],
)
def test_every_example_referral_fits_its_senders_registration(naam: str, id_: str) -> None:
    register = lees(document())
    toets = register.toets_verwijzing(_inschrijving(id_), voorbeeld(naam))
    assert toets.afwijkingen == ()
    assert toets.afspraak is not None


@pytest.mark.eis("WD-ENV-06")
@pytest.mark.parametrize(
    ("afzender", "pointers"),
    [
        (
            {"naam": "Evides", "oin": "00000003241234560000", "kvkNummer": "24123456"},
            {"/afzender/naam"},
        ),
        # One participant's OIN with another's KvK number.
        (
            {"naam": "Evides Waterbedrijf", "oin": "00000003241234560000", "kvkNummer": "22012345"},
            {"/afzender/kvkNummer"},
        ),
        ({"naam": "Evides Waterbedrijf", "oin": "00000003241234560000"}, {"/afzender/kvkNummer"}),
        (
            {
                "naam": "Evides Waterbedrijf",
                "kvkNummer": "24123456",
                "vestigingsnummer": "000012345678",
            },
            {"/afzender/oin", "/afzender/vestigingsnummer"},
        ),
    ],
)
def test_the_afzender_must_be_exactly_the_registered_identity(
    afzender: dict[str, str], pointers: set[str]
) -> None:
    gevonden = {
        v.pointer
        for v in afwijkingen_afzender(_inschrijving("evides"), Partij.model_validate(afzender))
    }
    assert gevonden == pointers


@pytest.mark.eis("WD-DEEL-01", "WD-DEEL-02", "WD-DEEL-03")
def test_kind_ground_bsn_and_municipality_each_have_their_code() -> None:
    water = voorbeeld("verwijzing-water-afsluitregeling")
    data = water.model_dump(mode="python", by_alias=False, exclude_none=True)
    data["soort_verwijzer"] = "Energie"
    assert ("/soortVerwijzer", "soort_niet_ingeschreven") in _codes(
        _inschrijving("evides"), Verwijzing(**data)
    )
    bank = voorbeeld("verwijzing-hypotheek-toestemming")
    data = bank.model_dump(mode="python", by_alias=False, exclude_none=True)
    data["ontvanger"] = {"naam": "Gemeente Middelburg", "gemeentecode": "0687"}
    assert _codes(_inschrijving("hypotheekbank"), Verwijzing(**data)) == {
        ("/ontvanger/gemeentecode", "geen_afspraak")
    }
    woongoed = _inschrijving("woongoed")
    huur = voorbeeld("verwijzing-huur-bgs-crisis")
    beperkt = woongoed.model_copy(update={"grondslagen": [huur.grondslag.TOESTEMMING]})
    assert ("/grondslag", "grondslag_niet_ingeschreven") in _codes(beperkt, huur)
    zorg = voorbeeld("verwijzing-zorg-bsn")
    zonder_bsn = _inschrijving("zorgverzekeraar").model_copy(update={"bsn": False})
    assert _codes(zonder_bsn, zorg) == {("/hulpvrager/bsn", "bsn_niet_ingeschreven")}


@pytest.mark.eis("WD-DEEL-03")
def test_an_agreement_counts_only_within_its_dates() -> None:
    water = voorbeeld("verwijzing-water-afsluitregeling")
    evides = _inschrijving("evides")
    afspraak = evides.afspraken[0].model_copy(update={"geldig_tot": date(2026, 3, 31)})
    verlopen = evides.model_copy(update={"afspraken": [afspraak]})
    assert ("/ontvanger/gemeentecode", "geen_afspraak") in _codes(verlopen, water)


def test_the_shipped_development_register_is_the_example(tmp_path: Path) -> None:
    kopie = ROOT / "reference_server/src/warm_referral_reference/data/dev-deelnemersregister.json"
    assert kopie.read_bytes() == REGISTER.read_bytes()
