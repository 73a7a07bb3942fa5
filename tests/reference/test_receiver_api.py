"""The reference receiver's API (issue 6): endpoints, NL API Design Rules, idempotency,
concurrency, durability, tenancy, the operator's actions, the deadline monitor and the test clock.

Every exchange goes through :mod:`receiver_support`, which checks it against the published OpenAPI
document and the design rules; the tests here check what each answer means.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from paths import EXAMPLES
from receiver_support import (
    BANK,
    EVIDES,
    EVIDES_KLOK,
    EVIDES_VERWIJZING,
    OPERATOR,
    WOONGOED,
    ZORG,
    Api,
    ContractViolation,
    auth,
    check_exchange,
    db_execute,
    db_rows,
    dev_register_met,
    encode,
    example,
    example_bytes,
    fresh,
    new_app,
    run,
    running_async,
    running_receiver,
)
from starlette.testclient import TestClient
from warm_referral_reference.deelnemers import DEV_TOKENS, deelnemers_uit_register
from warm_referral_reference.receiver.config import Instellingen, Modus
from warm_referral_reference.receiver.http.openapi import API_VERSIE, openapi_document
from warm_referral_reference.receiver.storage import is_postgresql
from warm_referral_reference.receiver.storage.sqlite import connect

from warm_referral import parse_json, parse_xml
from warm_referral.cli import main

CONV = example(EVIDES_VERWIJZING)["conversatieId"]
PAD = f"/v1/verwijzingen/{CONV}"
OPPAKKEN = {"soort": "Oppakken", "datum": "2026-04-01"}
BEREIKT = {
    "soort": "Contactpoging",
    "datum": "2026-04-01",
    "contactsoort": "Telefoon",
    "dagdeel": "Ochtend",
    "bereikt": True,
}


@pytest.fixture
def api(receiver_db: Path | str) -> Iterator[Api]:
    with running_receiver(receiver_db) as client:
        client.zet_klok(EVIDES_KLOK)
        yield client


@pytest.fixture
def verwezen(api: Api) -> Api:
    """The receiver with the Evides example referral received."""
    api.stuur(EVIDES, example(EVIDES_VERWIJZING))
    return api


def _ids(lijst: list[dict[str, Any]]) -> list[str]:
    return [item["conversatieId"] for item in lijst]


# --- every endpoint's happy path -------------------------------------------------------------


def test_openapi_json_is_published_without_authentication(api: Api) -> None:
    response = api.get("/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document == json.loads(json.dumps(openapi_document()))
    assert document["servers"] == [{"url": "/v1"}]
    assert document["info"]["version"] == API_VERSIE


def test_a_referral_is_confirmed_and_listed(api: Api) -> None:
    verwijzing = example(EVIDES_VERWIJZING)
    response = api.stuur(EVIDES, verwijzing)
    bevestiging = parse_json(response.content)
    assert bevestiging.berichttype == "Ontvangstbevestiging"
    assert str(bevestiging.conversatie_id) == CONV
    assert str(bevestiging.cross_referentie) == verwijzing["berichtId"]
    assert response.json()["aangemaaktOp"] == EVIDES_KLOK

    for token in (EVIDES, OPERATOR):
        lijst = api.get("/v1/verwijzingen", token).json()["verwijzingen"]
        assert _ids(lijst) == [CONV]
        assert lijst[0]["toestand"] == "Ontvangen"
        assert lijst[0]["gemeentecode"] == "0718"
    assert api.get("/v1/verwijzingen", OPERATOR, params={"gemeentecode": "0718"}).json()[
        "verwijzingen"
    ]
    assert api.get("/v1/verwijzingen", OPERATOR, params={"gemeentecode": "0687"}).json() == {
        "verwijzingen": []
    }

    beeld = api.get(PAD, EVIDES).json()
    assert beeld["toestand"] == "Ontvangen"
    assert beeld["verwijzingId"] == verwijzing["verwijzingId"]
    assert beeld["incassostop"] == verwijzing["incassostop"]
    dossier = api.get(PAD, OPERATOR).json()
    assert dossier["verwijzing"] == json.loads(parse_json(encode(verwijzing)).to_json())

    postvak = api.postvak(EVIDES)
    assert [b["bericht"] for b in postvak] == [response.json()]
    assert api.get("/v1/postvak", EVIDES).json()["laatsteVolgnummer"] == postvak[0]["volgnummer"]


def test_a_referral_in_xml_is_answered_in_xml(api: Api) -> None:
    response = api.post(
        "/v1/berichten",
        EVIDES,
        content=example_bytes(EVIDES_VERWIJZING, "xml"),
        content_type="application/xml",
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/xml")
    bevestiging = parse_xml(response.content)
    assert bevestiging.berichttype == "Ontvangstbevestiging"
    assert str(bevestiging.conversatie_id) == CONV
    # The postvak keeps the same message (JSON is the API's own encoding).
    assert parse_json(encode(api.postvak(EVIDES)[0]["bericht"])) == bevestiging


def test_text_xml_is_taken_as_xml(api: Api) -> None:
    response = api.post(
        "/v1/berichten",
        EVIDES,
        content=example_bytes(EVIDES_VERWIJZING, "xml"),
        content_type="text/xml; charset=utf-8",
    )
    assert response.status_code == 201, response.text
    assert parse_xml(response.content).berichttype == "Ontvangstbevestiging"


def test_follow_up_messages_are_accepted_and_a_status_request_answered(verwezen: Api) -> None:
    bevestiging = verwezen.postvak(EVIDES)[0]["bericht"]
    verwezen.zet_klok("2026-04-10T08:00:05Z")
    # Before any milestone the answer to a Statusverzoek is the last decision again.
    response = verwezen.stuur(EVIDES, example("statusverzoek"), 200)
    assert response.json() == bevestiging
    # After one, a new Statusverzoek is answered with a Statusbericht naming it.
    verwezen.actie(CONV, OPPAKKEN | {"datum": "2026-04-10"})
    verzoek = example("statusverzoek") | {"berichtId": "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"}
    status = parse_json(verwezen.stuur(EVIDES, verzoek, 200).content)
    assert status.berichttype == "Statusbericht"
    assert status.mijlpaal == "Opgepakt"
    assert str(status.cross_referentie) == verzoek["berichtId"]
    assert len(verwezen.postvak(EVIDES)) == 3  # the answer is also in the postvak

    response = verwezen.stuur(EVIDES, example("incassostopwijziging"), 202)
    assert response.json() == {
        "berichtId": example("incassostopwijziging")["berichtId"],
        "berichttype": "Incassostopwijziging",
        "ontvangenOp": "2026-04-10T08:00:05Z",
    }


def test_postvak_pages_with_na_and_limiet(verwezen: Api) -> None:
    verwezen.actie(CONV, OPPAKKEN)
    verwezen.actie(CONV, BEREIKT)
    verwezen.actie(CONV, {"soort": "HulpAangeboden", "datum": "2026-04-01"})
    verwezen.actie(CONV, {"soort": "Hulpbesluit", "datum": "2026-04-01", "aanvaard": True})
    alles = verwezen.postvak(EVIDES)
    assert len(alles) == 3
    nummers = [b["volgnummer"] for b in alles]
    assert nummers == sorted(nummers)
    assert len(set(nummers)) == 3

    eerste = verwezen.get("/v1/postvak", EVIDES, params={"limiet": "2"}).json()
    assert [b["volgnummer"] for b in eerste["berichten"]] == nummers[:2]
    assert eerste["laatsteVolgnummer"] == nummers[1]
    rest = verwezen.postvak(EVIDES, na=eerste["laatsteVolgnummer"])
    assert [b["volgnummer"] for b in rest] == nummers[2:]
    leeg = verwezen.get("/v1/postvak", EVIDES, params={"na": str(nummers[-1])}).json()
    assert leeg == {"berichten": [], "laatsteVolgnummer": nummers[-1]}


def test_test_clock_reads_and_moves_forward_only(api: Api) -> None:
    assert api.get("/v1/testklok", OPERATOR).json() == {"nu": EVIDES_KLOK}
    api.zet_klok("2026-04-02T10:00:00+02:00")
    assert api.get("/v1/testklok", OPERATOR).json() == {"nu": "2026-04-02T08:00:00Z"}
    terug = api.put("/v1/testklok", OPERATOR, json_body={"nu": "2026-04-01T00:00:00Z"})
    assert terug.status_code == 409
    assert (
        api.put("/v1/testklok", EVIDES, json_body={"nu": "2027-01-01T00:00:00Z"}).status_code == 403
    )
    slechte: list[tuple[Any, str]] = [
        ({"nu": "gisteren"}, "/nu"),
        ({"nu": "2026-05-01T00:00:00"}, "/nu"),  # no offset
        ({"nu": "2026-05-01 00:00:00Z"}, "/nu"),  # ISO, not RFC 3339
        ({"nu": "20260501T000000Z"}, "/nu"),
        ({"nu": 1777593600}, "/nu"),
        ({"nu": "0001-01-01T00:00:00+01:00"}, "/nu"),  # before year 1 in UTC
        ({"nu": "9999-12-31T23:59:59Z"}, "/nu"),  # deadlines from it would overflow
        ({}, "/nu"),
        (["2026-05-01T00:00:00Z"], ""),  # not an object: the whole document, as for any body
        ({"nu": "2026-05-01T00:00:00Z", "x/y": 42}, "/x~1y"),  # Testklok is closed
    ]
    for slecht, pointer in slechte:
        response = api.put("/v1/testklok", OPERATOR, json_body=slecht)
        assert response.status_code == 400, slecht
        assert response.json()["fouten"][0]["pointer"] == pointer
    assert api.get("/v1/testklok", OPERATOR).json() == {"nu": "2026-04-02T08:00:00Z"}


# --- ADR rules on errors --------------------------------------------------------------------


def _big() -> bytes:
    return b'{"x": "' + b"a" * (300 * 1024) + b'"}'


ERRORS: list[tuple[int, str, str, dict[str, Any]]] = [
    (
        400,
        "POST",
        "/v1/berichten",
        {"token": EVIDES, "content": b"{", "content_type": "application/json"},
    ),
    (400, "GET", "/v1/postvak", {"token": EVIDES, "params": {"limiet": "0"}}),
    (400, "GET", "/v1/verwijzingen", {"token": OPERATOR, "params": {"gemeentecode": "07"}}),
    (400, "GET", "/v1/verwijzingen/niet-een-uuid", {"token": OPERATOR}),
    (401, "GET", "/v1/postvak", {}),
    (401, "GET", "/v1/postvak", {"token": "geraden"}),
    (401, "GET", "/v1/verwijzingen", {"headers": {"Authorization": "Basic ZGV2OmRldg=="}}),
    (403, "POST", "/v1/berichten", {"token": OPERATOR, "json_body": example(EVIDES_VERWIJZING)}),
    (403, "POST", "/v1/berichten", {"token": WOONGOED, "json_body": example(EVIDES_VERWIJZING)}),
    (403, "GET", "/v1/termijnbewaking", {"token": EVIDES}),
    (403, "GET", "/v1/postvak", {"token": OPERATOR}),
    (403, "GET", "/v1/verwijzingen", {"token": OPERATOR, "params": {"gemeentecode": "0363"}}),
    (404, "GET", "/v1/bestaat-niet", {"token": EVIDES}),
    (404, "GET", "/v2/berichten", {}),
    (404, "GET", "/v1/verwijzingen/00000000-0000-4000-8000-000000000000", {"token": EVIDES}),
    (405, "DELETE", "/v1/berichten", {"token": EVIDES}),
    (405, "GET", "/v1/berichten", {"token": EVIDES}),
    (405, "PATCH", "/v1/testklok", {"token": OPERATOR}),
    (
        413,
        "POST",
        "/v1/berichten",
        {"token": EVIDES, "content": _big(), "content_type": "application/json"},
    ),
    (
        415,
        "POST",
        "/v1/berichten",
        {"token": EVIDES, "content": b"{}", "content_type": "text/plain"},
    ),
    (415, "POST", "/v1/berichten", {"token": EVIDES, "content": b"{}"}),
    (422, "POST", "/v1/berichten", {"token": EVIDES, "json_body": example("ontvangstbevestiging")}),
]


@pytest.mark.parametrize(
    ("status", "method", "path", "kwargs"),
    ERRORS,
    ids=[f"{e[0]}-{e[1]}-{e[2]}-{i}" for i, e in enumerate(ERRORS)],
)
def test_every_error_is_problem_details(
    api: Api, status: int, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    # check_exchange (in api.request) asserts problem+json with status/title/detail/fouten,
    # API-Version, Cache-Control: no-store and the OpenAPI document's response for the status.
    response = api.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["instance"] == path
    assert body["type"].startswith("https://")


def test_401_names_the_scheme(api: Api) -> None:
    assert api.get("/v1/postvak").headers["www-authenticate"] == "Bearer"
    assert "invalid_token" in api.get("/v1/postvak", "geraden").headers["www-authenticate"]


def test_405_names_the_allowed_methods(api: Api) -> None:
    allow = api.request("DELETE", "/v1/testklok", token=OPERATOR).headers["allow"]
    assert {m.strip() for m in allow.split(",")} >= {"GET", "PUT"}
    assert "DELETE" not in allow


def test_invalid_message_lists_every_violation(api: Api) -> None:
    bad = json.loads((EXAMPLES / "ongeldig" / "meerdere-fouten.json").read_text())
    bad["afzender"] = example(EVIDES_VERWIJZING)["afzender"]
    response = api.post("/v1/berichten", EVIDES, json_body=bad)
    assert response.status_code == 400
    assert len(response.json()["fouten"]) >= 3


def test_409_conflict_and_422_business_rules(verwezen: Api) -> None:
    # A new berichtId in a conversation that already holds a referral.
    again = example(EVIDES_VERWIJZING) | {"berichtId": "0f0e0d0c-0b0a-4998-8776-655443322110"}
    assert verwezen.stuur(EVIDES, again, 409).json()["type"].endswith("conversatie-bestaat")
    # Referred "in the future" (more than the clock skew after the test clock).
    toekomst = fresh(example(EVIDES_VERWIJZING), verwezenOp="2026-04-02T08:30:00Z")
    toekomst["aangemaaktOp"] = "2026-04-02T08:30:01Z"
    toekomst["incassostop"] = {"ingangsdatum": "2026-04-02", "einddatum": "2026-05-02"}
    assert verwezen.stuur(EVIDES, toekomst, 422).json()["type"].endswith("in-de-toekomst")
    # An action the lifecycle does not allow now; an action dated after today.
    besluit = {"soort": "Hulpbesluit", "datum": "2026-04-01", "aanvaard": True}
    assert verwezen.actie(CONV, besluit, 409)["type"].endswith("actie-niet-toegestaan")
    morgen = OPPAKKEN | {"datum": "2026-04-02"}
    assert verwezen.actie(CONV, morgen, 422)["fouten"][0]["pointer"] == "/datum"
    # An invalid action is 400 with its violations.
    fout = verwezen.actie(CONV, {"soort": "Contactpoging", "datum": "2026-04-01"}, 400)
    assert {f["pointer"] for f in fout["fouten"]} >= {"/contactsoort", "/dagdeel", "/bereikt"}
    # Nothing of the refused steps was stored.
    assert verwezen.get(PAD, OPERATOR).json()["toestand"] == "Ontvangen"
    assert len(verwezen.postvak(EVIDES)) == 1


def test_date_times_are_answered_in_utc(api: Api) -> None:
    """A creditor may write offsets; every date-time the API answers is UTC with Z (checked by
    check_exchange on every response, including the echoed referral in the operator's view)."""
    verwijzing = fresh(
        example(EVIDES_VERWIJZING),
        verwezenOp="2026-04-01T10:29:00+02:00",
        aangemaaktOp="2026-04-01T10:29:30+02:00",
    )
    api.stuur(EVIDES, verwijzing)
    dossier = api.get(f"/v1/verwijzingen/{verwijzing['conversatieId']}", OPERATOR).json()
    assert dossier["verwijzing"]["verwezenOp"] == "2026-04-01T08:29:00Z"
    assert dossier["ontvangenOp"] == EVIDES_KLOK


# --- idempotency -----------------------------------------------------------------------------


def test_the_same_message_again_gets_the_original_answer(api: Api) -> None:
    body = example_bytes(EVIDES_VERWIJZING)
    first = api.post("/v1/berichten", EVIDES, content=body, content_type="application/json")
    api.zet_klok("2026-04-01T09:00:00Z")  # later: a new answer would carry another time
    # The same message, written differently (member order, white space), is the same message.
    herschreven = json.dumps(dict(reversed(list(json.loads(body).items()))), indent=2).encode()
    for retry_body in (body, herschreven):
        retry = api.post(
            "/v1/berichten", EVIDES, content=retry_body, content_type="application/json"
        )
        assert retry.status_code == first.status_code == 201
        assert retry.content == first.content
        assert retry.headers["content-type"] == first.headers["content-type"]
    assert len(api.postvak(EVIDES)) == 1
    assert db_rows(api.db, "SELECT count(*) FROM gebeurtenissen")[0][0] == 2  # referral + answer


def test_same_berichtid_with_another_body_is_409(api: Api) -> None:
    api.stuur(EVIDES, example(EVIDES_VERWIJZING))
    anders = example(EVIDES_VERWIJZING) | {"verwijzingId": "EVD-2026-999999"}
    response = api.stuur(EVIDES, anders, 409)
    assert response.json()["type"].endswith("bericht-id-hergebruikt")
    assert api.get(PAD, OPERATOR).json()["verwijzing"]["verwijzingId"] == "EVD-2026-000123"
    assert len(api.postvak(EVIDES)) == 1


def test_follow_up_retry_gets_its_original_answer(verwezen: Api) -> None:
    verwezen.zet_klok("2026-04-10T08:00:05Z")
    first = verwezen.stuur(EVIDES, example("statusverzoek"), 200)
    verwezen.actie(CONV, OPPAKKEN | {"datum": "2026-04-10"})
    verwezen.zet_klok("2026-04-11T08:00:00Z")
    retry = verwezen.stuur(EVIDES, example("statusverzoek"), 200)
    assert retry.content == first.content  # not the newer status: the original answer


def test_an_xml_retry_of_a_json_message_gets_the_original_answer(api: Api) -> None:
    first = api.stuur(EVIDES, example(EVIDES_VERWIJZING))
    api.zet_klok("2026-04-01T09:00:00Z")
    retry = api.post(
        "/v1/berichten",
        EVIDES,
        content=example_bytes(EVIDES_VERWIJZING, "xml"),
        content_type="application/xml",
    )
    assert retry.status_code == 201, retry.text
    assert retry.headers["content-type"].startswith("application/xml")
    assert parse_xml(retry.content) == parse_json(first.content)
    assert len(api.postvak(EVIDES)) == 1


def test_a_json_retry_of_an_xml_message_gets_the_original_answer(api: Api) -> None:
    first = api.post(
        "/v1/berichten",
        EVIDES,
        content=example_bytes(EVIDES_VERWIJZING, "xml"),
        content_type="application/xml",
    )
    api.zet_klok("2026-04-01T09:00:00Z")
    retry = api.stuur(EVIDES, example(EVIDES_VERWIJZING))
    assert parse_json(retry.content) == parse_xml(first.content)
    assert len(api.postvak(EVIDES)) == 1


# --- concurrency and durability ----------------------------------------------------------------


async def _concurrently(app: Any, bodies: list[bytes], token: str = EVIDES) -> list[httpx.Response]:
    async with running_async(app) as client:
        zet = await client.request(
            "PUT", "/v1/testklok", token=OPERATOR, content=encode({"nu": EVIDES_KLOK})
        )
        assert zet.status_code == 200
        return await asyncio.gather(
            *(client.request("POST", "/v1/berichten", token=token, content=b) for b in bodies)
        )


def test_concurrent_duplicates_are_stored_once(receiver_db: Path | str) -> None:
    db = receiver_db
    body = example_bytes(EVIDES_VERWIJZING)
    responses = run(_concurrently(new_app(db), [body] * 20))
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert db_rows(db, "SELECT type FROM gebeurtenissen") == [
        ("VerwijzingOntvangen",),
        ("BerichtVerstuurd",),
    ]
    assert db_rows(db, "SELECT berichttype FROM postvak") == [("Ontvangstbevestiging",)]
    assert db_rows(db, "SELECT count(*) FROM antwoorden") == [(1,)]
    assert db_rows(db, "SELECT count(*) FROM dossiers") == [(1,)]
    assert db_rows(db, "SELECT activiteit FROM verwerkingen") == [("verwijzing ontvangen",)]


def test_concurrent_conflicting_bodies_one_wins(receiver_db: Path | str) -> None:
    db = receiver_db
    basis = example(EVIDES_VERWIJZING)
    varianten = [encode(basis | {"verwijzingId": f"EVD-2026-{i:06d}"}) for i in range(10)]
    responses = run(_concurrently(new_app(db), varianten))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 9
    winner = next(r for r in responses if r.status_code == 201)
    stored = db_rows(db, "SELECT verwijzing_id FROM dossiers")
    assert stored == [(parse_json(winner.content).verwijzing_id,)]
    assert db_rows(db, "SELECT count(*) FROM postvak") == [(1,)]


def test_concurrent_distinct_referrals_are_all_stored(receiver_db: Path | str) -> None:
    db = receiver_db
    berichten = [fresh(example(EVIDES_VERWIJZING)) for _ in range(15)]
    bodies = [encode(b) for b in berichten] * 2  # and each one twice
    responses = run(_concurrently(new_app(db), bodies))
    assert {r.status_code for r in responses} == {201}
    stored = {row[0] for row in db_rows(db, "SELECT conversatie_id FROM dossiers")}
    assert stored == {b["conversatieId"] for b in berichten}
    assert db_rows(db, "SELECT count(*) FROM postvak") == [(15,)]


def test_two_instances_on_one_database_answer_each_message_once(receiver_db: Path | str) -> None:
    """Two receivers (two apps, each with its own store, as two ``serve receiver`` processes) on
    one database, the same referrals sent to both at once: each stored once, each retry answered
    with the original Ontvangstbevestiging, the postvak numbered 1..n; then a deadline monitor
    pass in both instances at once fires each due time fact once."""
    berichten = [fresh(example(EVIDES_VERWIJZING)) for _ in range(8)]
    bodies = [encode(b) for b in berichten]

    async def beide() -> tuple[list[httpx.Response], list[int]]:
        een, twee = new_app(receiver_db), new_app(receiver_db)
        async with running_async(een) as a, running_async(twee) as b:
            zet = await a.request(
                "PUT", "/v1/testklok", token=OPERATOR, content=encode({"nu": EVIDES_KLOK})
            )
            assert zet.status_code == 200
            antwoorden = await asyncio.gather(
                *(
                    client.request("POST", "/v1/berichten", token=EVIDES, content=body)
                    for body in bodies
                    for client in (a, b)
                )
            )
            # Ten days on (the clock is shared: it lives in the database), both monitors at once.
            db_execute(receiver_db, "UPDATE klok SET nu = '2026-04-11T00:00:00.000000+00:00'")
            getikt = await asyncio.gather(
                een.state.ontvanger.bewaak(), twee.state.ontvanger.bewaak()
            )
        return list(antwoorden), list(getikt)

    antwoorden, getikt = run(beide())
    assert {r.status_code for r in antwoorden} == {201}
    for i in range(len(bodies)):  # both instances gave the same answer to the same message
        assert antwoorden[2 * i].content == antwoorden[2 * i + 1].content
    assert sorted(r[0] for r in db_rows(receiver_db, "SELECT conversatie_id FROM dossiers")) == (
        sorted(b["conversatieId"] for b in berichten)
    )
    volgnummers = db_rows(receiver_db, "SELECT volgnummer FROM postvak ORDER BY volgnummer")
    assert [r[0] for r in volgnummers] == list(range(1, len(bodies) + 1))
    assert sum(getikt) == len(bodies)  # each referral's contact deadline fired once
    tikken = db_rows(receiver_db, "SELECT count(*) FROM gebeurtenissen WHERE type = 'Getikt'")
    assert tikken == [(len(bodies),)]


def test_an_answered_referral_is_durable(api: Api) -> None:
    api.stuur(EVIDES, example(EVIDES_VERWIJZING))
    # A connection of our own, opened after the answer, sees everything the answer implies.
    assert db_rows(api.db, "SELECT toestand FROM dossiers WHERE conversatie_id = ?", CONV) == [
        ("Ontvangen",)
    ]
    assert db_rows(api.db, "SELECT count(*) FROM postvak") == [(1,)]
    assert db_rows(api.db, "SELECT count(*) FROM antwoorden") == [(1,)]
    if is_postgresql(api.db):  # a commit returns once its WAL is on disk
        assert db_rows(api.db, "SHOW fsync") == [("on",)]
        assert db_rows(api.db, "SHOW synchronous_commit") == [("on",)]
        return
    conn = sqlite3.connect(str(api.db))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()
    # Every connection of the store runs synchronous=FULL (2), the writer's included.
    opslag = api.app.state.ontvanger.opslag
    assert opslag._writer_conn.execute("PRAGMA synchronous").fetchone() == (2,)
    assert opslag._writer_conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    eigen = connect(api.db)
    try:
        assert eigen.execute("PRAGMA synchronous").fetchone() == (2,)
    finally:
        eigen.close()


def test_a_restarted_receiver_keeps_referrals_and_answers(receiver_db: Path | str) -> None:
    with running_receiver(receiver_db) as api:
        api.zet_klok(EVIDES_KLOK)
        first = api.stuur(EVIDES, example(EVIDES_VERWIJZING))
        api.actie(CONV, OPPAKKEN)
    with running_receiver(receiver_db) as api:
        assert api.get("/v1/testklok", OPERATOR).json() == {"nu": EVIDES_KLOK}
        assert api.get(PAD, OPERATOR).json()["toestand"] == "Opgepakt"
        assert api.stuur(EVIDES, example(EVIDES_VERWIJZING)).content == first.content
        assert len(api.postvak(EVIDES)) == 2


# --- tenancy ---------------------------------------------------------------------------------

SECRET_OMSCHRIJVING = "Budgetcoaching-GEHEIM-omschrijving"
SECRET_TOELICHTING = "Schuldbewind-GEHEIM-toelichting"
GEHEIME_SLEUTELS = (
    "contactpogingen",
    "toelichting",
    "omschrijving",
    "ddas",
    "mijlpalen",
    "hulpvrager",
)


def test_a_creditor_cannot_see_or_act_on_another_creditors_referral(verwezen: Api) -> None:
    for token in (WOONGOED, ZORG, BANK):
        assert verwezen.get(PAD, token).status_code == 404
        assert verwezen.get("/v1/verwijzingen", token).json() == {"verwijzingen": []}
        assert verwezen.postvak(token) == []
        assert verwezen.post(f"{PAD}/acties", token, json_body=OPPAKKEN).status_code == 403
    # Another creditor's follow-up in this conversation is refused as unknown to it.
    verzoek = example("statusverzoek")
    verzoek["afzender"] = example("verwijzing-huur-bgs-crisis")["afzender"]
    verzoek["berichtId"] = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    verwezen.zet_klok("2026-04-10T08:00:05Z")
    response = verwezen.stuur(WOONGOED, verzoek, 422)
    assert response.json()["type"].endswith("onbekende-verwijzing")
    assert verwezen.postvak(WOONGOED) == []
    assert verwezen.get(PAD, EVIDES).status_code == 200


def test_an_operator_sees_only_its_municipalities(receiver_db: Path | str) -> None:
    def met_amsterdam(document: dict[str, Any]) -> None:
        document["schuldeisers"][0]["afspraken"][0]["gemeentecodes"].append("0363")
        document["organisaties"].append(
            {
                "id": "amsterdam",
                "naam": "Schuldhulp Amsterdam",
                "oin": "00000001002564440000",
                "gemeentecodes": ["0363"],
            }
        )

    register = dev_register_met(met_amsterdam)
    instellingen = Instellingen(
        register=register,
        deelnemers=deelnemers_uit_register(register, {**DEV_TOKENS, "dev-amsterdam": "amsterdam"}),
    )
    with running_receiver(receiver_db, instellingen) as api:
        api.zet_klok(EVIDES_KLOK)
        api.stuur(EVIDES, example(EVIDES_VERWIJZING))
        elders = fresh(example(EVIDES_VERWIJZING))
        elders["ontvanger"] = {"naam": "Gemeente Amsterdam", "gemeentecode": "0363"}
        api.stuur(EVIDES, elders)
        pad = f"/v1/verwijzingen/{elders['conversatieId']}"

        assert _ids(api.get("/v1/verwijzingen", OPERATOR).json()["verwijzingen"]) == [CONV]
        assert api.get(pad, OPERATOR).status_code == 404
        assert api.post(f"{pad}/acties", OPERATOR, json_body=OPPAKKEN).status_code == 404
        assert (
            api.get("/v1/termijnbewaking", OPERATOR, params={"gemeentecode": "0363"}).status_code
            == 403
        )
        assert (
            api.get("/v1/verwijzingen", OPERATOR, params={"gemeentecode": "0363"}).status_code
            == 403
        )

        assert _ids(api.get("/v1/verwijzingen", "dev-amsterdam").json()["verwijzingen"]) == [
            elders["conversatieId"]
        ]
        assert api.get(PAD, "dev-amsterdam").status_code == 404
        assert (
            api.get(pad, "dev-amsterdam").json()["verwijzing"]["ontvanger"]["gemeentecode"]
            == "0363"
        )
        # The creditor sees both of its own.
        assert len(api.get("/v1/verwijzingen", EVIDES).json()["verwijzingen"]) == 2


def test_creditor_views_never_show_the_municipalitys_record(verwezen: Api) -> None:
    verwezen.actie(CONV, OPPAKKEN)
    verwezen.actie(CONV, BEREIKT | {"bereikt": False})
    verwezen.actie(CONV, BEREIKT)
    verwezen.actie(
        CONV,
        {"soort": "HulpAangeboden", "datum": "2026-04-01", "omschrijving": SECRET_OMSCHRIJVING},
    )
    verwezen.actie(CONV, {"soort": "Hulpbesluit", "datum": "2026-04-01", "aanvaard": True})
    afsluiting = {
        "soort": "Afsluiting",
        "datum": "2026-04-01",
        "eindresultaat": "Vervolghulp en/of verwijzing financieel",
        "toelichting": SECRET_TOELICHTING,
    }
    verwezen.actie(CONV, afsluiting)
    operator = verwezen.get(PAD, OPERATOR).json()
    assert len(operator["contactpogingen"]) == 2  # the municipality's record has them
    assert operator["ddas"]

    creditor_answers = [
        verwezen.get(PAD, EVIDES),
        verwezen.get("/v1/verwijzingen", EVIDES),
        verwezen.get("/v1/postvak", EVIDES),
    ]
    for response in creditor_answers:
        text = response.text
        assert SECRET_OMSCHRIJVING not in text
        assert SECRET_TOELICHTING not in text
        assert "Vervolghulp en/of verwijzing financieel" not in text  # the DDAS result itself
        for sleutel in GEHEIME_SLEUTELS:
            assert f'"{sleutel}"' not in text, (sleutel, response.request.url)
    beeld = creditor_answers[0].json()
    assert beeld["toestand"] == "Afgesloten"
    assert beeld["eindresultaat"] == "Ondersteuning gestart"  # the creditor-safe mapping


def test_andere_reden_stays_with_the_municipality(verwezen: Api) -> None:
    verwezen.actie(
        CONV,
        {
            "soort": "NietOppakken",
            "datum": "2026-04-01",
            "reden": "Niet opgepakt: andere reden",
            "toelichting": SECRET_TOELICHTING,
        },
    )
    berichten = [b["bericht"] for b in verwezen.postvak(EVIDES)]
    assert [b["berichttype"] for b in berichten] == ["Ontvangstbevestiging", "NietOpgepakt"]
    assert berichten[1]["reden"] == "Niet opgepakt: andere reden"
    for response in (verwezen.get(PAD, EVIDES), verwezen.get("/v1/postvak", EVIDES)):
        assert SECRET_TOELICHTING not in response.text
    assert verwezen.get(PAD, EVIDES).json()["nietOpgepaktReden"] == "Niet opgepakt: andere reden"


# --- operator actions produce the creditor's messages ---------------------------------------------


@pytest.mark.eis("WD-TERUG-05", "WD-TERUG-11")
def test_operator_actions_produce_the_creditors_messages_in_order(verwezen: Api) -> None:
    """The Evides referral rests on the afsluitregeling: under nvvk-pilot 1.1 the creditor learns
    that it was taken up, that help is under way and that it closed, not that the resident was
    reached or offered help (test_receiver_afspraken.py has the consent case)."""
    stappen: list[tuple[dict[str, Any], str, list[str | None]]] = [
        (OPPAKKEN, "Opgepakt", ["Opgepakt"]),
        (BEREIKT | {"bereikt": False}, "Contactpogingen", []),
        (BEREIKT | {"dagdeel": "Middag"}, "Bereikt", []),
        (
            {"soort": "HulpAangeboden", "datum": "2026-04-01"},
            "Hulp aangeboden",
            [],
        ),
        (
            {"soort": "Hulpbesluit", "datum": "2026-04-01", "aanvaard": True},
            "Hulp aanvaard",
            ["Hulp aanvaard"],
        ),
        (
            {
                "soort": "Afsluiting",
                "datum": "2026-04-01",
                "eindresultaat": "(Budget)advies en/of quick fix",
            },
            "Afgesloten",
            ["Afgesloten"],
        ),
    ]
    verwacht: list[dict[str, Any]] = [b["bericht"] for b in verwezen.postvak(EVIDES)]
    for actie, toestand, mijlpalen in stappen:
        resultaat = verwezen.actie(CONV, actie)
        assert resultaat["toestand"] == toestand
        assert [b.get("mijlpaal") for b in resultaat["berichten"]] == mijlpalen
        verwacht += resultaat["berichten"]
    postvak = verwezen.postvak(EVIDES)
    assert [b["bericht"] for b in postvak] == verwacht  # the same messages, in the same order
    assert [b["bericht"]["berichttype"] for b in postvak] == ["Ontvangstbevestiging"] + [
        "Statusbericht"
    ] * 3
    for entry in postvak:
        bericht = parse_json(encode(entry["bericht"]))  # each is a valid protocol message
        assert str(bericht.conversatie_id) == CONV
        assert bericht.ontvanger.oin == example(EVIDES_VERWIJZING)["afzender"]["oin"]
    assert verwezen.get("/v1/verwijzingen", OPERATOR).json()["verwijzingen"][0]["afgerond"] is True
    # A closed referral takes no more actions.
    assert verwezen.actie(CONV, OPPAKKEN, 409)["status"] == 409


def test_a_doorzending_reaches_the_creditor(verwezen: Api) -> None:
    nieuwe = {"naam": "Gemeente Middelburg", "gemeentecode": "0687"}
    resultaat = verwezen.actie(
        CONV, {"soort": "Doorzending", "datum": "2026-04-01", "nieuweGemeente": nieuwe}
    )
    assert [b["berichttype"] for b in resultaat["berichten"]] == ["Doorzending"]
    assert verwezen.postvak(EVIDES)[-1]["bericht"] == resultaat["berichten"][0]
    assert verwezen.get(PAD, EVIDES).json()["nieuweGemeente"] == nieuwe


# --- the deadline monitor ------------------------------------------------------------------------


def test_contact_deadline_and_incassostop_end_show_in_the_monitor(verwezen: Api) -> None:
    bewaking = verwezen.get("/v1/termijnbewaking", OPERATOR).json()
    assert bewaking == {"nu": EVIDES_KLOK, "contactTeLaat": [], "incassostopVoorbij": []}
    deadline = verwezen.get(PAD, EVIDES).json()["contactdeadline"]
    assert deadline == "2026-04-08T21:59:59Z"

    verwezen.zet_klok(deadline)  # at the deadline: not late yet
    assert verwezen.get("/v1/termijnbewaking", OPERATOR).json()["contactTeLaat"] == []
    verwezen.zet_klok("2026-04-08T22:00:00Z")
    bewaking = verwezen.get("/v1/termijnbewaking", OPERATOR).json()
    assert _ids(bewaking["contactTeLaat"]) == [CONV]
    assert bewaking["incassostopVoorbij"] == []
    assert verwezen.get(PAD, OPERATOR).json()["tijdfeiten"] == ["contactdeadline verstreken"]
    # Per municipality: 0687 has nothing overdue.
    assert (
        verwezen.get("/v1/termijnbewaking", OPERATOR, params={"gemeentecode": "0687"}).json()[
            "contactTeLaat"
        ]
        == []
    )

    index = verwezen.get("/v1/verwijzingen", OPERATOR).json()["verwijzingen"][0]
    assert index["incassostopEinde"] == "2026-05-01T22:00:00Z"  # einddatum ends, Dutch time
    verwezen.zet_klok("2026-05-01T21:59:59Z")
    assert verwezen.get("/v1/termijnbewaking", OPERATOR).json()["incassostopVoorbij"] == []
    verwezen.zet_klok(index["incassostopEinde"])
    bewaking = verwezen.get("/v1/termijnbewaking", OPERATOR).json()
    assert _ids(bewaking["incassostopVoorbij"]) == [CONV]
    assert _ids(bewaking["contactTeLaat"]) == [CONV]
    assert verwezen.get(PAD, OPERATOR).json()["tijdfeiten"] == [
        "contactdeadline verstreken",
        "incassostop afgelopen",
    ]
    assert "tijdfeiten" not in verwezen.get(PAD, EVIDES).text  # the monitor is the municipality's


def test_contact_made_in_time_leaves_the_monitor_empty(verwezen: Api) -> None:
    verwezen.actie(CONV, BEREIKT)
    verwezen.zet_klok("2026-04-20T12:00:00Z")
    bewaking = verwezen.get("/v1/termijnbewaking", OPERATOR).json()
    assert bewaking["contactTeLaat"] == []
    assert bewaking["nu"] == "2026-04-20T12:00:00Z"


def test_the_monitor_runs_in_the_background_too(receiver_db: Path | str) -> None:
    """bewaak() (the lifespan's loop) fires due time facts; the test clock only makes them due."""
    with running_receiver(receiver_db) as api:
        api.zet_klok(EVIDES_KLOK)
        api.stuur(EVIDES, example(EVIDES_VERWIJZING))
        ontvanger = api.app.state.ontvanger
        # Move the stored clock directly, without PUT /v1/testklok (which runs the monitor).
        db_execute(api.db, "UPDATE klok SET nu = '2026-04-09T00:00:00.000000+00:00'")
        assert api.get(PAD, OPERATOR).json()["tijdfeiten"] == []
        assert api.client.portal is not None
        aantal = api.client.portal.call(ontvanger.bewaak)
        assert aantal == 1
        assert api.get(PAD, OPERATOR).json()["tijdfeiten"] != []
        assert api.client.portal.call(ontvanger.bewaak) == 0  # fired once


# --- the test clock in production mode --------------------------------------------------------


def test_the_test_clock_does_not_exist_in_production(receiver_db: Path | str) -> None:
    instellingen = Instellingen(modus=Modus.PRODUCTIE)
    assert instellingen.testklok is False
    with running_receiver(receiver_db, instellingen) as api:
        for token in (None, OPERATOR):
            assert api.get("/v1/testklok", token).status_code == 404
            response = api.put("/v1/testklok", token, json_body={"nu": "2030-01-01T00:00:00Z"})
            assert response.status_code == 404
        # And a bearer token is no identity in production mode: a client certificate is.
        assert api.get("/v1/verwijzingen", OPERATOR).status_code == 401
        assert db_rows(api.db, "SELECT count(*) FROM klok") == [(0,)]


# --- the operator CLI --------------------------------------------------------------------------


def test_gemeente_cli_argument_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["gemeente"],
        ["gemeente", "actie"],
        ["gemeente", "actie", CONV],
        ["gemeente", "actie", CONV, "Opruimen"],
        ["gemeente", "onbekend"],
    ):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2, argv
        assert "usage:" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["gemeente", "actie", CONV, "Oppakken", "datum"])
    assert caught.value.code == 2
    assert "NAAM=WAARDE" in capsys.readouterr().err


def test_gemeente_cli_unreachable_receiver(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gemeente", "--url", "http://127.0.0.1:9/v1", "lijst"]) == 1
    assert "cannot reach" in capsys.readouterr().err


def test_gemeente_cli_acts_through_the_api(
    verwezen: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client: TestClient = verwezen.client

    def via_testclient(method: str, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.pop("timeout", None)
        response = client.request(method, url, **kwargs)
        check_exchange(response)
        return response

    monkeypatch.setattr(httpx, "request", via_testclient)
    url = ["--url", "http://testserver/v1/"]
    velden = ["datum=2026-04-01", "contactsoort=Telefoon", "dagdeel=Ochtend", "bereikt=true"]
    assert main(["gemeente", *url, "actie", CONV, "Contactpoging", *velden]) == 0
    assert json.loads(capsys.readouterr().out)["toestand"] == "Bereikt"
    assert main(["gemeente", *url, "lijst"]) == 0
    assert _ids(json.loads(capsys.readouterr().out)["verwijzingen"]) == [CONV]
    assert main(["gemeente", *url, "termijnbewaking"]) == 0
    assert json.loads(capsys.readouterr().out)["contactTeLaat"] == []
    # A refused action: exit 1 and the problem details on stdout.
    assert (
        main(["gemeente", *url, "actie", CONV, "Hulpbesluit", "datum=2026-04-01", "aanvaard=true"])
        == 1
    )
    assert json.loads(capsys.readouterr().out)["status"] == 409


def test_gemeente_cli_token_option(
    verwezen: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []

    def via_testclient(method: str, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.pop("timeout", None)
        seen.append(kwargs["headers"]["Authorization"])
        response = verwezen.client.request(method, url, **kwargs)
        check_exchange(response)
        return response

    monkeypatch.setattr(httpx, "request", via_testclient)
    base = ["gemeente", "--url", "http://testserver/v1", "--token", EVIDES]
    assert main([*base, "termijnbewaking"]) == 1  # a creditor may not
    assert json.loads(capsys.readouterr().out)["status"] == 403
    assert seen == [f"Bearer {EVIDES}"]


def test_the_same_app_serves_again_after_its_lifespan_restarts(receiver_db: Path | str) -> None:
    """One app, two lifespans (one test client after another, as schemathesis does): the store
    closed by the first shutdown reopens instead of queueing writes no writer ever runs."""
    app = new_app(receiver_db)

    def twee_keer() -> list[int]:
        statuses = []
        for nu in (EVIDES_KLOK, "2026-04-01T08:31:00Z"):
            with TestClient(app, base_url="http://testserver") as client:
                response = client.put("/v1/testklok", json={"nu": nu}, headers=auth(OPERATOR))
                check_exchange(response)
                statuses.append(response.status_code)
        return statuses

    uitkomst: list[list[int]] = []
    # A daemon thread: were the writer gone, the request would wait forever; fail instead.
    thread = threading.Thread(target=lambda: uitkomst.append(twee_keer()), daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert uitkomst == [[200, 200]]


# --- the contract check itself -------------------------------------------------------------------


def _exchange(
    method: str, path: str, status: int, body: Any, *, request_body: Any = None, **headers: str
) -> httpx.Response:
    request = httpx.Request(
        method,
        f"http://testserver{path}",
        headers={**auth(OPERATOR), "Content-Type": "application/json"},
        content=None if request_body is None else encode(request_body),
    )
    media_type = "application/problem+json" if status >= 400 else "application/json"
    base = {
        "API-Version": API_VERSIE,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    all_headers = {**base, "Content-Type": media_type, **headers}
    return httpx.Response(
        status,
        headers={k: v for k, v in all_headers.items() if v},
        content=encode(body),
        request=request,
    )


PROBLEM = {"type": "https://x/y", "title": "T", "status": 404, "detail": "d", "fouten": []}
BREACHES: dict[str, httpx.Response] = {
    "no API-Version": _exchange(
        "GET", "/v1/testklok", 200, {"nu": EVIDES_KLOK}, **{"API-Version": ""}
    ),
    "cacheable": _exchange(
        "GET", "/v1/testklok", 200, {"nu": EVIDES_KLOK}, **{"Cache-Control": "max-age=60"}
    ),
    "body breaks the schema": _exchange("GET", "/v1/testklok", 200, {"nu": 5}),
    "undocumented member": _exchange("GET", "/v1/testklok", 200, {"nu": EVIDES_KLOK, "x": 1}),
    "not UTC": _exchange("GET", "/v1/testklok", 200, {"nu": "2026-04-01T10:30:04+02:00"}),
    "undocumented status": _exchange("GET", "/v1/testklok", 202, {"nu": EVIDES_KLOK}),
    "server error": _exchange("GET", "/v1/testklok", 500, PROBLEM | {"status": 500}),
    "error not problem+json": _exchange(
        "GET", "/v1/testklok", 404, PROBLEM, **{"Content-Type": "application/json"}
    ),
    "problem without fouten": _exchange(
        "GET", "/v1/verwijzingen/x", 404, {**PROBLEM, "fouten": None}
    ),
    "status mismatch": _exchange("GET", "/v1/verwijzingen/x", 404, PROBLEM | {"status": 400}),
    "accepted an invalid request": _exchange(
        "PUT", "/v1/testklok", 200, {"nu": EVIDES_KLOK}, request_body={"nu": EVIDES_KLOK, "x": 1}
    ),
    "unknown path not 404": _exchange("GET", "/v1/elders", 400, PROBLEM | {"status": 400}),
    "unknown method not 405": _exchange("DELETE", "/v1/testklok", 404, PROBLEM),
}


@pytest.mark.parametrize("name", list(BREACHES))
def test_the_contract_check_catches_breaches(name: str) -> None:
    with pytest.raises(ContractViolation):
        check_exchange(BREACHES[name])


def test_the_contract_check_passes_a_conforming_exchange() -> None:
    check_exchange(_exchange("GET", "/v1/testklok", 200, {"nu": EVIDES_KLOK}))
    check_exchange(
        _exchange("PUT", "/v1/testklok", 200, {"nu": EVIDES_KLOK}, request_body={"nu": EVIDES_KLOK})
    )
    check_exchange(_exchange("GET", "/v1/elders", 404, PROBLEM))
