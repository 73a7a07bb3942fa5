"""The reference receiver holds every Verwijzing to the participants register and the agreement
profile, each refusal with its own problem type; both records keep the acknowledged period; a
withdrawal of consent and the retention term erase the personal data; history keeps its rules."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from receiver_support import (
    BANK,
    EVIDES,
    EVIDES_KLOK,
    EVIDES_VERWIJZING,
    OPERATOR,
    Api,
    db_rows,
    dev_register_met,
    example,
    fresh,
    running_receiver,
)
from warm_referral_reference.deelnemers import DEV_TOKENS, deelnemers_uit_register
from warm_referral_reference.receiver.config import Instellingen

HYPOTHEEK = "verwijzing-hypotheek-toestemming"
HYPOTHEEK_KLOK = "2026-12-24T15:45:04Z"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with running_receiver(tmp_path) as client:
        client.zet_klok(EVIDES_KLOK)
        yield client


def probleem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["type"].endswith("/" + code), body
    return body


def evides(**changes: Any) -> dict[str, Any]:
    return fresh(example(EVIDES_VERWIJZING), **changes)


# --- the incassostop -------------------------------------------------------------------------------


@pytest.mark.eis("WD-TERM-12")
@pytest.mark.parametrize("einddatum", ["2026-04-02", "2026-04-30"])
def test_a_short_incassostop_is_refused_naming_the_expected_end(api: Api, einddatum: str) -> None:
    kort = evides(incassostop={"ingangsdatum": "2026-04-01", "einddatum": einddatum})
    body = probleem(api.post("/v1/berichten", EVIDES, json_body=kort), 422, "incassostop-te-kort")
    assert ("/incassostop/einddatum", "incassostop_te_kort") in {
        (f["pointer"], f["code"]) for f in body["fouten"]
    }
    assert "2026-05-01" in body["detail"]
    assert db_rows(api.db, "SELECT count(*) FROM dossiers") == [(0,)]


@pytest.mark.eis("WD-TERM-13", "WD-ONTV-04", "WD-ONTV-06")
def test_a_longer_incassostop_is_held_by_the_acknowledgement_the_record_and_the_monitor(
    api: Api,
) -> None:
    lang = evides(incassostop={"ingangsdatum": "2026-04-01", "einddatum": "2027-05-01"})
    bevestiging = api.stuur(EVIDES, lang).json()
    assert bevestiging["incassostop"] == lang["incassostop"]
    pad = f"/v1/verwijzingen/{lang['conversatieId']}"
    assert api.get(pad, OPERATOR).json()["incassostop"] == lang["incassostop"]
    assert api.get(pad, EVIDES).json()["incassostop"] == lang["incassostop"]
    # The end of the incassostop fires on the held period, not on 30 days.
    api.zet_klok("2026-05-02T10:00:00Z")
    voorbij = api.get("/v1/termijnbewaking", OPERATOR).json()["incassostopVoorbij"]
    assert lang["conversatieId"] not in {v["conversatieId"] for v in voorbij}
    api.zet_klok("2027-05-02T10:00:00Z")
    voorbij = api.get("/v1/termijnbewaking", OPERATOR).json()["incassostopVoorbij"]
    assert lang["conversatieId"] in {v["conversatieId"] for v in voorbij}


@pytest.mark.eis("WD-TERM-10")
def test_a_change_cannot_end_the_incassostop_before_the_agreed_minimum(api: Api) -> None:
    verwijzing = evides()
    api.stuur(EVIDES, verwijzing)
    wijziging = fresh(
        example("incassostopwijziging"),
        conversatieId=verwijzing["conversatieId"],
        verwijzingId=verwijzing["verwijzingId"],
        soort="Opheffen",
        einddatum="2026-04-20",
    )
    body = probleem(
        api.post("/v1/berichten", EVIDES, json_body=wijziging), 422, "incassostop-voor-minimum"
    )
    assert ("/einddatum", "incassostop_voor_minimum") in {
        (f["pointer"], f["code"]) for f in body["fouten"]
    }


@pytest.mark.eis("WD-TERM-14")
def test_a_late_referral_is_refused(api: Api) -> None:
    # Wednesday 1 April 2026; the 5th werkdag after it is Friday 10 April (Good Friday and Easter
    # Monday do not count): in time until then, late on Monday 13 April.
    api.zet_klok("2026-04-10T20:00:00Z")
    api.stuur(EVIDES, evides())
    api.zet_klok("2026-04-13T06:30:00Z")
    probleem(api.post("/v1/berichten", EVIDES, json_body=evides()), 422, "verwijzing-te-laat")
    api.zet_klok("2026-12-01T08:30:00Z")  # eight months: the incassostop long over
    probleem(api.post("/v1/berichten", EVIDES, json_body=evides()), 422, "verwijzing-te-laat")


# --- the participants register ----------------------------------------------------------------------


@pytest.mark.eis("WD-ENV-06")
@pytest.mark.parametrize(
    "afzender",
    [
        {"naam": "Evides", "oin": "00000003241234560000", "kvkNummer": "24123456"},
        {"naam": "Evides Waterbedrijf", "oin": "00000003241234560000", "kvkNummer": "22012345"},
        {"naam": "Evides Waterbedrijf", "oin": "00000003241234560000"},
        {"naam": "Woongoed Zeeland", "kvkNummer": "22012345"},
    ],
)
def test_an_afzender_that_is_not_exactly_the_registered_identity_is_refused(
    api: Api, afzender: dict[str, str]
) -> None:
    body = probleem(
        api.post("/v1/berichten", EVIDES, json_body=evides(afzender=afzender)),
        403,
        "verkeerde-afzender",
    )
    assert all(f["pointer"].startswith("/afzender") for f in body["fouten"])


@pytest.mark.eis("WD-DEEL-01", "WD-DEEL-02", "WD-DEEL-03")
def test_kind_ground_and_municipality_outside_the_registration_each_have_their_code(
    api: Api,
) -> None:
    energie = evides(soortVerwijzer="Energie")
    probleem(api.post("/v1/berichten", EVIDES, json_body=energie), 403, "soort-niet-ingeschreven")
    bgs = evides(grondslag="BesluitGemeentelijkeSchuldhulpverlening")
    probleem(api.post("/v1/berichten", EVIDES, json_body=bgs), 403, "grondslag-niet-ingeschreven")
    api.zet_klok(HYPOTHEEK_KLOK)
    bank = fresh(example(HYPOTHEEK))
    bank["ontvanger"] = {"naam": "Gemeente Middelburg", "gemeentecode": "0687"}
    probleem(api.post("/v1/berichten", BANK, json_body=bank), 403, "geen-afspraak")


@pytest.mark.eis("WD-DEEL-02")
def test_a_bsn_from_a_creditor_not_registered_for_it_is_refused(tmp_path: Path) -> None:
    def zonder_bsn(document: dict[str, Any]) -> None:
        zorg = next(s for s in document["schuldeisers"] if s["id"] == "zorgverzekeraar")
        zorg["bsn"] = False

    register = dev_register_met(zonder_bsn)
    instellingen = Instellingen(
        register=register, deelnemers=deelnemers_uit_register(register, DEV_TOKENS)
    )
    with running_receiver(tmp_path, instellingen) as api:
        zorg = fresh(example("verwijzing-zorg-bsn"))
        api.zet_klok(zorg["aangemaaktOp"])
        probleem(
            api.post("/v1/berichten", "dev-zorg", json_body=zorg), 403, "bsn-niet-ingeschreven"
        )


@pytest.mark.eis("WD-GROND-10")
def test_a_ground_the_profile_does_not_allow_is_refused_with_its_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile that narrows the grounds: the register was checked against the shipped
    profiles, so the profile changes under it (as a new profile version would)."""
    from warm_referral import afspraken, deadlines

    echt = deadlines.afsprakenprofielen()
    pilot = echt.versie("nvvk-pilot", "1.1")
    smal = [
        r for r in json.loads(dict(pilot.bijlagen)["grondslagen"]) if r["soortVerwijzer"] != "Water"
    ]
    smal.append({"soortVerwijzer": "Water", "grondslagen": ["Toestemming"], "bsn": False})
    bijlagen = tuple((k, json.dumps(smal) if k == "grondslagen" else v) for k, v in pilot.bijlagen)
    from dataclasses import replace

    ander = replace(pilot, bijlagen=bijlagen)
    nieuw = deadlines.Afsprakenprofielen(
        [echt.versie("nvvk-pilot", "1.0"), ander], echt.standaardnaam
    )
    monkeypatch.setattr(deadlines, "_gedeeld", nieuw)
    afspraken._afspraken.cache_clear()
    with running_receiver(tmp_path) as api:
        api.zet_klok(EVIDES_KLOK)
        body = probleem(
            api.post("/v1/berichten", EVIDES, json_body=evides()), 422, "niet-in-afsprakenprofiel"
        )
        assert ("/grondslag", "grondslag_niet_in_profiel") in {
            (f["pointer"], f["code"]) for f in body["fouten"]
        }
    afspraken._afspraken.cache_clear()


# --- feedback, consent withdrawal and retention ------------------------------------------------------


@pytest.mark.eis("WD-TERUG-09")
def test_a_first_failed_contact_attempt_reports_opgepakt_once(api: Api) -> None:
    verwijzing = evides()
    api.stuur(EVIDES, verwijzing)
    poging = {
        "soort": "Contactpoging",
        "datum": "2026-04-01",
        "contactsoort": "Telefoon",
        "dagdeel": "Ochtend",
        "bereikt": False,
    }
    resultaat = api.actie(verwijzing["conversatieId"], poging)
    assert [b["mijlpaal"] for b in resultaat["berichten"]] == ["Opgepakt"]
    mijlpalen = [
        b["bericht"].get("mijlpaal")
        for b in api.postvak(EVIDES)
        if b["bericht"]["conversatieId"] == verwijzing["conversatieId"]
    ]
    assert mijlpalen == [None, "Opgepakt"]


def _op_toestemming(api: Api) -> dict[str, Any]:
    api.zet_klok(HYPOTHEEK_KLOK)
    verwijzing = fresh(example(HYPOTHEEK))
    api.stuur(BANK, verwijzing)
    return verwijzing


def _intrekking(verwijzing: dict[str, Any], reden: str) -> dict[str, Any]:
    intrekking = fresh(
        example("intrekking"),
        conversatieId=verwijzing["conversatieId"],
        verwijzingId=verwijzing["verwijzingId"],
        afzender=verwijzing["afzender"],
        reden=reden,
        aangemaaktOp=HYPOTHEEK_KLOK,
    )
    return intrekking


@pytest.mark.eis("WD-GROND-08")
def test_a_consent_withdrawal_on_a_legal_ground_is_refused(api: Api) -> None:
    verwijzing = evides()
    api.stuur(EVIDES, verwijzing)
    intrekking = fresh(
        example("intrekking"),
        conversatieId=verwijzing["conversatieId"],
        verwijzingId=verwijzing["verwijzingId"],
        reden="Toestemming ingetrokken",
    )
    body = probleem(
        api.post("/v1/berichten", EVIDES, json_body=intrekking),
        422,
        "intrekking-zonder-toestemming",
    )
    assert ("/reden", "intrekking_zonder_toestemming") in {
        (f["pointer"], f["code"]) for f in body["fouten"]
    }


def _persoonsgegevens(verwijzing: dict[str, Any]) -> list[str]:
    hulpvrager = verwijzing["hulpvrager"]
    return [
        hulpvrager["geslachtsnaam"],
        hulpvrager["adres"]["postcode"],
        hulpvrager["telefoonnummer"],
        verwijzing["achterstand"]["klantnummer"],
    ]


def _opgeslagen_tekst(api: Api) -> str:
    rijen = db_rows(api.db, "SELECT inhoud FROM gebeurtenissen")
    return "\n".join(bytes(r[0]).decode() for r in rijen)


@pytest.mark.eis("WD-GROND-09")
def test_a_consent_withdrawal_erases_the_personal_data_and_stops_the_feedback(api: Api) -> None:
    verwijzing = _op_toestemming(api)
    conv = verwijzing["conversatieId"]
    geheim = "GEHEIM budgetcoaching bij de wijkteamcoach"
    api.actie(conv, {"soort": "Oppakken", "datum": "2026-12-24"})
    api.actie(
        conv,
        {
            "soort": "Contactpoging",
            "datum": "2026-12-24",
            "contactsoort": "Telefoon",
            "dagdeel": "Middag",
            "bereikt": True,
        },
    )
    api.actie(conv, {"soort": "HulpAangeboden", "datum": "2026-12-24", "omschrijving": geheim})
    assert geheim in _opgeslagen_tekst(api)
    assert all(g in _opgeslagen_tekst(api) for g in _persoonsgegevens(verwijzing))
    api.stuur(BANK, _intrekking(verwijzing, "Toestemming ingetrokken"), 202)
    tekst = _opgeslagen_tekst(api)
    for gegeven in [*_persoonsgegevens(verwijzing), geheim]:
        assert gegeven not in tekst, gegeven
    dossier = api.get(f"/v1/verwijzingen/{conv}", OPERATOR).json()
    assert "verwijzing" not in dossier
    assert dossier["gewist"]["reden"] == "toestemming ingetrokken"
    assert dossier["toestand"] == "Ingetrokken"
    beeld = api.get(f"/v1/verwijzingen/{conv}", BANK).json()
    assert beeld["toestand"] == "Ingetrokken"
    verzoek = fresh(
        example("statusverzoek"),
        conversatieId=conv,
        verwijzingId=verwijzing["verwijzingId"],
        afzender=verwijzing["afzender"],
        aangemaaktOp=HYPOTHEEK_KLOK,
    )
    # In Ingetrokken the lifecycle refuses a Statusverzoek (nothing more is reported).
    assert api.post("/v1/berichten", BANK, json_body=verzoek).status_code == 422
    activiteiten = [r[0] for r in db_rows(api.db, "SELECT activiteit FROM verwerkingen")]
    assert "persoonsgegevens gewist (toestemming ingetrokken)" in activiteiten


@pytest.mark.eis("WD-PRIV-05")
def test_the_monitor_erases_a_closed_referral_after_the_retention_term(api: Api) -> None:
    verwijzing = evides()
    conv = verwijzing["conversatieId"]
    api.stuur(EVIDES, verwijzing)
    api.actie(
        conv,
        {
            "soort": "NietOppakken",
            "datum": "2026-04-01",
            "reden": "Niet opgepakt: herhaalde melding",
        },
    )
    dossier = api.get(f"/v1/verwijzingen/{conv}", OPERATOR).json()
    assert dossier["afgerondOp"] == "2026-04-01" and "gewist" not in dossier
    api.zet_klok("2026-06-30T12:00:00Z")  # day 90 after closing: still kept
    assert "verwijzing" in api.get(f"/v1/verwijzingen/{conv}", OPERATOR).json()
    api.zet_klok("2026-07-01T00:00:01+02:00")  # the day after the last day of the term
    dossier = api.get(f"/v1/verwijzingen/{conv}", OPERATOR).json()
    assert "verwijzing" not in dossier and dossier["gewist"]["reden"] == "bewaartermijn"
    tekst = _opgeslagen_tekst(api)
    for gegeven in _persoonsgegevens(verwijzing):
        assert gegeven not in tekst, gegeven
    # What monitoring counts stays, and the creditor still sees how it ended.
    assert dossier["toestand"] == "Niet opgepakt" and dossier["ddas"]
    assert api.get(f"/v1/verwijzingen/{conv}", EVIDES).json()["toestand"] == "Niet opgepakt"
    # A late evaluation report still counts.
    melding = fresh(
        example("betaalgedragmelding"),
        conversatieId=conv,
        verwijzingId=verwijzing["verwijzingId"],
        aangemaaktOp="2026-07-01T08:00:00Z",
    )
    api.stuur(EVIDES, melding, 202)
    assert api.get(f"/v1/verwijzingen/{conv}", OPERATOR).status_code == 200


@pytest.mark.eis("WD-PRIV-05")
def test_a_receiver_setting_replaces_the_profiles_retention_term(tmp_path: Path) -> None:
    with running_receiver(tmp_path, Instellingen(bewaartermijn_dagen=7)) as api:
        api.zet_klok(EVIDES_KLOK)
        verwijzing = evides()
        api.stuur(EVIDES, verwijzing)
        conv = verwijzing["conversatieId"]
        api.actie(
            conv,
            {"soort": "NietOppakken", "datum": "2026-04-01", "reden": "Inwoner is overleden"},
        )
        api.zet_klok("2026-04-09T12:00:00Z")
        assert (
            api.get(f"/v1/verwijzingen/{conv}", OPERATOR).json()["gewist"]["reden"]
            == "bewaartermijn"
        )


# --- specVersie 1.1 ----------------------------------------------------------------------------------


@pytest.mark.eis("WD-BER-16", "WD-BER-18")
def test_the_municipality_answers_in_the_referrals_version(api: Api) -> None:
    oud = evides()
    assert api.stuur(EVIDES, oud).json()["specVersie"] == "1.0"
    nieuw = evides(specVersie="1.1")
    bevestiging = api.stuur(EVIDES, nieuw).json()
    assert bevestiging["specVersie"] == "1.1"
    api.actie(oud["conversatieId"], {"soort": "Oppakken", "datum": "2026-04-01"})
    api.actie(nieuw["conversatieId"], {"soort": "Oppakken", "datum": "2026-04-01"})
    versies = {
        (b["bericht"]["conversatieId"], b["bericht"]["specVersie"]) for b in api.postvak(EVIDES)
    }
    assert versies == {(oud["conversatieId"], "1.0"), (nieuw["conversatieId"], "1.1")}
    evaluatie = fresh(
        example("betaalgedragmelding-evaluatie"),
        conversatieId=nieuw["conversatieId"],
        verwijzingId=nieuw["verwijzingId"],
        aangemaaktOp=EVIDES_KLOK,
        peildatum="2026-04-01",
    )
    api.stuur(EVIDES, evaluatie, 202)


@pytest.mark.eis("WD-BER-16")
def test_a_uwv_referral_in_1_1(tmp_path: Path) -> None:
    with running_receiver(tmp_path) as api:
        uwv = fresh(example("verwijzing-uwv-toestemming"))
        api.zet_klok(HYPOTHEEK_KLOK)
        assert api.stuur("dev-uwv", uwv).json()["specVersie"] == "1.1"


# --- history keeps its rules --------------------------------------------------------------------------


@pytest.mark.eis("WD-TERM-15")
def test_an_upgraded_profile_and_calendar_leave_a_stored_referral_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A referral stored under nvvk-pilot 1.1; then the release changes that profile (another
    contact term and incassostop) and a decree equates the contact deadline's day: replaying the
    stored referral keeps its dates and never fails, and a new referral gets the new ones."""
    from dataclasses import replace

    from warm_referral import deadlines
    from warm_referral.calendar import standaard_kalender

    with running_receiver(tmp_path) as api:
        api.zet_klok(EVIDES_KLOK)
        verwijzing = evides()
        bevestiging = api.stuur(EVIDES, verwijzing).json()
        conv = verwijzing["conversatieId"]
        voor = api.get(f"/v1/verwijzingen/{conv}", OPERATOR).json()

    deadline_dag = date.fromisoformat(bevestiging["contactdeadline"][:10])
    kalender = standaard_kalender().met_extra_dagen(
        {deadline_dag: "brugdag bij besluit"}, grondslag="Besluit gelijkstelling (test)", naam="atw"
    )
    echt = deadlines.afsprakenprofielen()
    nieuw_pilot = replace(
        echt.versie("nvvk-pilot", "1.1"),
        incassostop_dagen=45,
        contacttermijn_werkdagen=5,
        kalender=kalender,
    )
    monkeypatch.setattr(
        deadlines,
        "_gedeeld",
        deadlines.Afsprakenprofielen([echt.versie("nvvk-pilot", "1.0"), nieuw_pilot], "nvvk-pilot"),
    )
    with running_receiver(tmp_path) as api:
        na = api.get(f"/v1/verwijzingen/{conv}", OPERATOR).json()
        assert na["contactdeadline"] == voor["contactdeadline"] == bevestiging["contactdeadline"]
        assert na["incassostop"] == voor["incassostop"] == bevestiging["incassostop"]
        assert na["afspraken"] == voor["afspraken"]
        # The old referral still takes actions under its own rules.
        api.actie(conv, {"soort": "Oppakken", "datum": "2026-04-01"})
        # A new referral is held to the new version: 30 days are too short now.
        probleem(api.post("/v1/berichten", EVIDES, json_body=evides()), 422, "incassostop-te-kort")


@pytest.mark.eis("WD-TERM-15")
def test_a_version_1_log_replays_with_the_dates_its_acknowledgement_stated(api: Api) -> None:
    """A log written before the agreements were recorded (VerwijzingOntvangen version 1): the
    record takes its dates from the Ontvangstbevestiging in the log and the feedback of the
    profile version it names (nvvk-pilot 1.0: every milestone)."""
    verwijzing = evides()
    conv = verwijzing["conversatieId"]
    bevestiging = api.stuur(EVIDES, verwijzing).json()
    [(inhoud,)] = db_rows(
        api.db,
        "SELECT inhoud FROM gebeurtenissen WHERE conversatie_id = ? AND volgnummer = 1",
        conv,
    )
    eerste = json.loads(bytes(inhoud))
    assert eerste["versie"] == 2 and eerste["vastlegging"]["incassostopMinimum"] == "2026-05-01"
    oud = copy.deepcopy(eerste)
    oud["versie"] = 1
    del oud["vastlegging"]
    oud["afsprakenprofiel"] = {"naam": "nvvk-pilot", "versie": "1.0"}
    import sqlite3

    with sqlite3.connect(api.db) as conn:
        conn.execute(
            "UPDATE gebeurtenissen SET inhoud = ? WHERE conversatie_id = ? AND volgnummer = 1",
            (json.dumps(oud).encode(), conv),
        )
    dossier = api.get(f"/v1/verwijzingen/{conv}", OPERATOR).json()
    assert dossier["contactdeadline"] == bevestiging["contactdeadline"]
    assert dossier["afspraken"]["afsprakenprofiel"] == {"naam": "nvvk-pilot", "versie": "1.0"}
    assert "Bereikt" in dossier["afspraken"]["terugmelding"]  # the 1.0 rule: every milestone
    resultaat = api.actie(
        conv,
        {
            "soort": "Contactpoging",
            "datum": "2026-04-01",
            "contactsoort": "Telefoon",
            "dagdeel": "Ochtend",
            "bereikt": True,
        },
    )
    assert [b["mijlpaal"] for b in resultaat["berichten"]] == ["Opgepakt", "Bereikt"]
