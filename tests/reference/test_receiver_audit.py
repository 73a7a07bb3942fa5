"""The processing log (Logboek dataverwerkingen): one record per processing, with the W3C trace id
of the request, and the data subject pseudonymised; the BSN never in clear outside the event log.

The Zorg example (spec/v1/examples/verwijzing-zorg-bsn.json, from dev-zorg) carries BSN 999901011.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from receiver_support import (
    EVIDES,
    OPERATOR,
    ZORG,
    Api,
    db_rows,
    example,
    example_bytes,
    fresh,
    running_receiver,
)
from warm_referral_reference.receiver.config import Instellingen
from warm_referral_reference.receiver.http.tracing import trace_context

BSN = "999901011"
ZORG_VERWIJZING = "verwijzing-zorg-bsn"
ZORG_KLOK = "2026-11-30T10:00:05Z"  # the Zorg example is referred at 2026-11-30T09:58:00Z
CONV = example(ZORG_VERWIJZING)["conversatieId"]
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
_TRACE_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with running_receiver(tmp_path) as client:
        client.zet_klok(ZORG_KLOK)
        yield client


def _log(api: Api) -> list[dict[str, Any]]:
    conn = sqlite3.connect(str(api.db))
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM verwerkingen ORDER BY id")]
    finally:
        conn.close()


def _expected_betrokkene(bsn: str) -> str:
    sleutel = Instellingen().audit_sleutel
    return "hmac-sha256:" + hmac.new(sleutel, f"bsn:{bsn}".encode(), hashlib.sha256).hexdigest()


def _traced(traceparent: str | None) -> dict[str, str]:
    return {} if traceparent is None else {"traceparent": traceparent}


# --- one record per processing, with the trace id ------------------------------------------------


def test_each_processing_is_logged_once_with_the_incoming_trace_id(api: Api) -> None:
    parents = [f"00-{i:032x}-{i:016x}-01" for i in range(1, 5)]
    api.post("/v1/berichten", ZORG, json_body=example(ZORG_VERWIJZING), headers=_traced(parents[0]))
    api.post(
        f"/v1/verwijzingen/{CONV}/acties",
        OPERATOR,
        json_body={"soort": "Oppakken", "datum": "2026-11-30"},
        headers=_traced(parents[1]),
    )
    assert (
        api.get(f"/v1/verwijzingen/{CONV}", OPERATOR, headers=_traced(parents[2])).status_code
        == 200
    )
    verzoek = example("statusverzoek") | {
        "afzender": example(ZORG_VERWIJZING)["afzender"],
        "ontvanger": example(ZORG_VERWIJZING)["ontvanger"],
        "conversatieId": CONV,
        "verwijzingId": example(ZORG_VERWIJZING)["verwijzingId"],
        "aangemaaktOp": "2026-11-30T10:00:00Z",
    }
    api.post("/v1/berichten", ZORG, json_body=verzoek, headers=_traced(parents[3]))

    log = _log(api)
    assert [r["activiteit"] for r in log] == [
        "verwijzing ontvangen",
        "actie Oppakken",
        "verwijzing ingezien",
        "Statusverzoek ontvangen",
    ]
    assert [r["trace_id"] for r in log] == [p.split("-")[1] for p in parents]
    assert {r["conversatie_id"] for r in log} == {CONV}
    assert [r["actor"] for r in log] == [
        "kvk:30123456",
        "oin:00000001001234567000",
        "oin:00000001001234567000",
        "kvk:30123456",
    ]
    # One data subject: the same keyed pseudonym on every record.
    assert {r["betrokkene"] for r in log} == {_expected_betrokkene(BSN)}
    assert all(r["tijdstip"].startswith("2026-11-30T10:00:05") for r in log)


def test_without_traceparent_each_request_gets_a_fresh_valid_trace_id(api: Api) -> None:
    api.post("/v1/berichten", ZORG, json_body=example(ZORG_VERWIJZING))
    api.get(f"/v1/verwijzingen/{CONV}", OPERATOR)
    api.get(f"/v1/verwijzingen/{CONV}", OPERATOR)
    ids = [r["trace_id"] for r in _log(api)]
    assert len(ids) == 3
    assert all(_TRACE_ID.match(i) and set(i) != {"0"} for i in ids), ids
    assert len(set(ids)) == 3


@pytest.mark.parametrize(
    "traceparent",
    [
        f"00-{'0' * 32}-00f067aa0ba902b7-01",  # all-zero trace id
        f"00-{TRACE_ID}-{'0' * 16}-01",  # all-zero parent id
        f"00-{TRACE_ID.upper()}-00f067aa0ba902b7-01",  # upper case
        f"ff-{TRACE_ID}-00f067aa0ba902b7-01",  # version ff is forbidden
        f"00-{TRACE_ID[:-1]}-00f067aa0ba902b7-01",  # too short
        f"00-{TRACE_ID}-00f067aa0ba902b7",  # no flags
        f"00_{TRACE_ID}_00f067aa0ba902b7_01",
        "",
    ],
)
def test_an_invalid_traceparent_starts_a_new_trace(api: Api, traceparent: str) -> None:
    response = api.post(
        "/v1/berichten", ZORG, json_body=example(ZORG_VERWIJZING), headers=_traced(traceparent)
    )
    assert response.status_code == 201
    (record,) = _log(api)
    assert _TRACE_ID.match(record["trace_id"])
    assert set(record["trace_id"]) != {"0"}
    assert record["trace_id"] != TRACE_ID


def test_trace_context_passes_the_trace_on() -> None:
    trace_id, doorgeven = trace_context(TRACEPARENT)
    assert trace_id == TRACE_ID
    version, trace, parent, flags = doorgeven.split("-")
    assert (version, trace, flags) == ("00", TRACE_ID, "01")
    assert re.fullmatch(r"[0-9a-f]{16}", parent) and parent != "00f067aa0ba902b7"


def test_refusals_retries_and_creditor_reads_are_not_processings(api: Api) -> None:
    bericht = example(ZORG_VERWIJZING)
    api.post("/v1/berichten", ZORG, json_body=bericht, headers=_traced(TRACEPARENT))
    api.post("/v1/berichten", ZORG, json_body=bericht)  # the same again: the stored answer
    assert api.post("/v1/berichten", EVIDES, json_body=bericht).status_code == 403
    assert (
        api.post("/v1/berichten", ZORG, json_body=bericht | {"verwijzingId": "ander"}).status_code
        == 409
    )
    ongeldig = fresh(bericht)
    ongeldig["hulpvrager"] = {**bericht["hulpvrager"], "bsn": "999901012"}  # fails the elfproef
    assert api.post("/v1/berichten", ZORG, json_body=ongeldig).status_code == 400
    assert api.get(f"/v1/verwijzingen/{CONV}", ZORG).status_code == 200  # creditor-safe view
    assert api.get("/v1/verwijzingen", OPERATOR).status_code == 200  # index only
    assert [(r["activiteit"], r["trace_id"]) for r in _log(api)] == [
        ("verwijzing ontvangen", TRACE_ID)
    ]


def test_without_a_bsn_the_subject_is_a_keyed_hash_of_name_birth_date_and_address(
    api: Api,
) -> None:
    api.zet_klok("2026-11-30T10:00:05Z")
    evides = fresh(example("verwijzing-water-afsluitregeling"))
    evides["verwezenOp"] = "2026-11-30T09:00:00Z"
    evides["aangemaaktOp"] = "2026-11-30T09:00:01Z"
    evides["incassostop"] = {"ingangsdatum": "2026-11-30", "einddatum": "2026-12-30"}
    evides["achterstand"]["ontstaansdatum"] = "2026-10-01"
    api.stuur(EVIDES, evides)
    (record,) = _log(api)
    hulpvrager = evides["hulpvrager"]
    identiteit = "|".join(
        (
            "persoon",
            hulpvrager["geslachtsnaam"].casefold(),
            hulpvrager["geboortedatum"],
            hulpvrager["adres"]["postcode"],
            str(hulpvrager["adres"]["huisnummer"]),
        )
    )
    sleutel = Instellingen().audit_sleutel
    verwacht = hmac.new(sleutel, identiteit.encode(), hashlib.sha256).hexdigest()
    assert record["betrokkene"] == f"hmac-sha256:{verwacht}"
    assert hulpvrager["geslachtsnaam"] not in str(record)


# --- the BSN never in clear ---------------------------------------------------------------------


def test_the_bsn_never_appears_in_the_processing_log_or_any_log_output(
    api: Api, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    # Everything that touches the referral: JSON and XML intake, retries, a refused variant that
    # names the field, follow-ups, actions, views, the monitor.
    api.post(
        "/v1/berichten", ZORG, json_body=example(ZORG_VERWIJZING), headers=_traced(TRACEPARENT)
    )
    api.post(
        "/v1/berichten",
        ZORG,
        content=example_bytes(ZORG_VERWIJZING, "xml"),
        content_type="application/xml",
    )
    ongeldig = fresh(example(ZORG_VERWIJZING))
    ongeldig["hulpvrager"]["bsn"] = "999901012"
    assert api.post("/v1/berichten", ZORG, json_body=ongeldig).status_code == 400
    xml = fresh(example(ZORG_VERWIJZING))
    api.post(
        "/v1/berichten",
        ZORG,
        content=example_bytes(ZORG_VERWIJZING, "xml")
        .replace(example(ZORG_VERWIJZING)["berichtId"].encode(), xml["berichtId"].encode())
        .replace(CONV.encode(), xml["conversatieId"].encode()),
        content_type="application/xml",
    )
    api.post(
        f"/v1/verwijzingen/{CONV}/acties",
        OPERATOR,
        json_body={"soort": "Oppakken", "datum": "2026-11-30"},
    )
    dossier = api.get(f"/v1/verwijzingen/{CONV}", OPERATOR).json()
    assert dossier["verwijzing"]["hulpvrager"]["bsn"] == BSN  # the municipality may see it
    for token in (ZORG, OPERATOR):
        api.get("/v1/verwijzingen", token)
    api.get(f"/v1/verwijzingen/{CONV}", ZORG)
    api.get("/v1/postvak", ZORG)
    api.zet_klok("2027-01-15T00:00:00Z")  # runs the monitor over both referrals
    api.get("/v1/termijnbewaking", OPERATOR)

    log = _log(api)
    assert len(log) == 4  # two referrals, one action, one view
    for record in log:
        assert BSN not in repr(record)
        assert record["betrokkene"] == _expected_betrokkene(BSN)

    captured = capsys.readouterr()
    for text in (caplog.text, captured.out, captured.err):
        assert BSN not in text
        assert "999901012" not in text  # nor the refused one
    assert all(BSN not in record.getMessage() for record in caplog.records)

    # The event log keeps the message (it is the record); nothing else holds the BSN.
    assert any(
        BSN.encode() in bytes(r[0]) for r in db_rows(api.db, "SELECT inhoud FROM gebeurtenissen")
    )
    for table in ("verwerkingen", "dossiers", "postvak", "antwoorden", "klok"):
        for row in db_rows(api.db, f"SELECT * FROM {table}"):
            assert BSN not in repr(row), table
    # Nor does the creditor ever get it back in what the receiver writes for it.
    assert BSN not in api.get("/v1/postvak", ZORG).text
    assert BSN not in api.get(f"/v1/verwijzingen/{CONV}", ZORG).text


def test_the_pseudonym_depends_on_the_configured_key(tmp_path: Path) -> None:
    anders = Instellingen(audit_sleutel=b"een-andere-sleutel")
    with running_receiver(tmp_path, anders) as api:
        api.zet_klok(ZORG_KLOK)
        api.stuur(ZORG, example(ZORG_VERWIJZING))
        (record,) = _log(api)
    assert record["betrokkene"].startswith("hmac-sha256:")
    assert record["betrokkene"] != _expected_betrokkene(BSN)
    plain = "sha256:" + hashlib.sha256(f"bsn:{BSN}".encode()).hexdigest()
    assert record["betrokkene"].split(":")[1] != plain.split(":")[1]  # not an unkeyed hash
