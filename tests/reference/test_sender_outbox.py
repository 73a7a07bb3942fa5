"""The sender's durable store: outbox rows, inbox deduplication, the postvak cursor (issue 7)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sender_support import NepGemeente, verwijzing
from warm_referral_reference.sender import BerichtIdReused, Outbox, OutboxError, Status
from warm_referral_reference.sender.bouwen import bouw_intrekking

from warm_referral.models import Intrekkingsreden


def test_a_message_is_durable_before_enqueue_returns(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    outbox = Outbox(db)
    v = verwijzing()
    [rij] = outbox.voeg_toe([v], nu=100.0)
    assert rij.status is Status.PENDING and rij.pogingen == 0 and rij.volgende_poging == 100.0
    # Another connection (another process after a crash) sees it: it was committed.
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT bericht_id, status FROM uitgaand").fetchall() == [
        (str(v.bericht_id), "pending")
    ]
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
    outbox.sluit()
    heropend = Outbox(db)
    assert heropend.uitgaand(v.bericht_id) == rij
    assert heropend.uitgaand(v.bericht_id).bericht() == v  # type: ignore[union-attr]


def test_enqueueing_the_same_message_again_changes_nothing(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3")
    v = verwijzing()
    eerste = outbox.voeg_toe([v], nu=1.0)
    assert outbox.voeg_toe([v], nu=2.0) == eerste
    assert outbox.tellingen() == {Status.PENDING: 1, Status.ACKNOWLEDGED: 0, Status.REFUSED: 0}


def test_another_message_under_a_known_berichtid_is_refused_and_nothing_stored(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3")
    v = verwijzing(1)
    outbox.voeg_toe([v], nu=1.0)
    ander = v.model_copy(update={"verwijzing_id": "ANDERS-1"})
    nieuw = verwijzing(2)
    with pytest.raises(BerichtIdReused, match=str(v.bericht_id)):
        outbox.voeg_toe([nieuw, ander], nu=2.0)
    assert outbox.uitgaand(nieuw.bericht_id) is None  # the batch is one transaction


def test_opnieuw_puts_a_refused_message_back_in_the_queue(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3")
    v = verwijzing()
    outbox.voeg_toe([v], nu=1.0)
    outbox.weiger(v.bericht_id, 401, "401 Niet geauthenticeerd: unknown token", b"{}", nu=2.0)
    assert outbox.voeg_toe([v], nu=3.0)[0].status is Status.REFUSED
    rij = outbox.voeg_toe([v], nu=4.0, opnieuw=True)[0]
    assert rij.status is Status.PENDING and rij.volgende_poging == 4.0


def test_a_follow_up_never_overtakes_its_pending_referral(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3")
    v1, v2 = verwijzing(1), verwijzing(2)
    intrekking = bouw_intrekking(v1, Intrekkingsreden.BETAALD, nu=v1.verwezen_op)
    outbox.voeg_toe([v1, intrekking, v2], nu=1.0)
    due = outbox.te_verzenden(nu=5.0, limiet=10)
    assert [r.bericht_id for r in due] == [v1.bericht_id, v2.bericht_id]
    # Not twice: what is in flight can be excluded.
    assert [r.bericht_id for r in outbox.te_verzenden(5.0, 10, {str(v1.bericht_id)})] == [
        v2.bericht_id
    ]
    outbox.bevestig(v1.bericht_id, 201, b"{}", nu=6.0)
    assert [r.bericht_id for r in outbox.te_verzenden(7.0, 10)] == [
        intrekking.bericht_id,
        v2.bericht_id,
    ]


def test_retries_wait_for_their_time_and_count_attempts(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3")
    v = verwijzing()
    outbox.voeg_toe([v], nu=1.0)
    outbox.later(v.bericht_id, "no answer: ConnectError", volgende_poging=10.0)
    assert outbox.te_verzenden(nu=9.9, limiet=10) == []
    assert outbox.volgende_poging() == 10.0
    [rij] = outbox.te_verzenden(nu=10.0, limiet=10)
    assert rij.pogingen == 1 and rij.laatste_fout == "no answer: ConnectError"
    outbox.bevestig(v.bericht_id, 201, b"{}", nu=11.0)
    assert outbox.volgende_poging() is None
    # A late failure report of an attempt that crossed the acknowledgement changes nothing.
    outbox.later(v.bericht_id, "late", volgende_poging=20.0)
    outbox.weiger(v.bericht_id, 422, "late", b"", nu=21.0)
    assert outbox.uitgaand(v.bericht_id).status is Status.ACKNOWLEDGED  # type: ignore[union-attr]


def _pagina(gemeente: NepGemeente) -> list[tuple[int, object]]:
    return [(b["volgnummer"], b["bericht"]) for b in gemeente.postvak]


def test_postvak_pages_are_stored_once_and_the_cursor_moves_with_them(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3")
    gemeente = NepGemeente()
    v = verwijzing()
    outbox.voeg_toe([v], nu=1.0)
    gemeente._bewaar(v, v.to_json())
    gemeente.oppakken(v.conversatie_id)
    pagina = _pagina(gemeente)
    nieuw = outbox.bewaar_postvak("p", pagina, laatste=2, nu=2.0)
    assert [r.berichttype for r in nieuw] == ["Ontvangstbevestiging", "Statusbericht"]
    assert outbox.cursor("p") == 2 and outbox.cursor("ander") == 0
    # The same page again (a crash between fetch and store, or two fetchers) adds nothing and
    # never moves the cursor back.
    assert outbox.bewaar_postvak("p", pagina, laatste=1, nu=3.0) == []
    assert outbox.cursor("p") == 2
    assert len(outbox.inkomend(v.conversatie_id)) == 2
    # The Ontvangstbevestiging in the postvak acknowledged the pending Verwijzing.
    rij = outbox.uitgaand(v.bericht_id)
    assert rij is not None and rij.status is Status.ACKNOWLEDGED and rij.antwoord_status == 201


def test_an_invalid_postvak_message_is_kept_for_a_person_not_dropped(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3")
    nieuw = outbox.bewaar_postvak(
        "p", [(7, {"berichttype": "Statusbericht", "berichtId": "x"})], laatste=7, nu=1.0
    )
    assert len(nieuw) == 1 and nieuw[0].fout and "berichtId" in nieuw[0].fout
    assert json.loads(nieuw[0].body)["berichtId"] == "x"
    assert outbox.cursor("p") == 7


def test_an_unusable_outbox_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutboxError, match="cannot open the outbox"):
        Outbox(tmp_path / "no-such-folder" / "o.sqlite3")
