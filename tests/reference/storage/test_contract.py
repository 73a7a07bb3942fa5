"""The storage contract: what every backend of the receiver must do (see ``storage/contract.py``).

Each test runs against every backend in ``conftest.BACKENDS``. The guarantees the protocol rests on:
a berichtId is answered once (idempotency), concurrent transactions lose no update and double
nothing (also from several processes on one database), a crash loses nothing that was acknowledged
and leaves no transaction half-done, and each creditor's postvak is numbered 1, 2, 3, ... in order.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warm_referral_reference.receiver.storage import (
    Antwoord,
    DossierIndex,
    Gebeurtenisregel,
    Historieregel,
    Opslag,
    Transactie,
    Verwerking,
    open_opslag,
)

T0 = datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc)
SCHULDEISER = "kvk:24123456"


@pytest.fixture
def opslag(database: str) -> Iterator[Opslag]:
    store = open_opslag(database)
    try:
        yield store
    finally:
        store.sluit()


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def _index(conv: uuid.UUID, **changes: Any) -> DossierIndex:
    velden: dict[str, Any] = {
        "conversatie_id": conv,
        "verwijzing_id": f"R-{conv.hex[:8]}",
        "gemeentecode": "0718",
        "schuldeiser": SCHULDEISER,
        "toestand": "Ontvangen",
        "wacht_op_contact": True,
        "contactdeadline": T0 + timedelta(days=7),
        "incassostop_einde": T0 + timedelta(days=30),
        "afgerond": False,
        "bijgewerkt_op": T0,
        "volgende_tik": T0 + timedelta(days=7),
    }
    velden.update(changes)
    return DossierIndex(**velden)


# --- idempotency on berichtId ----------------------------------------------------------------------


def test_an_answer_is_kept_by_berichtid(opslag: Opslag) -> None:
    bericht_id = uuid.uuid4()

    def bewaar(tx: Transactie) -> None:
        assert tx.eerder_antwoord(bericht_id) is None
        tx.bewaar_antwoord(bericht_id, "hash-1", Antwoord("bevestigd", b'{"a": 1}'))
        assert tx.eerder_antwoord(bericht_id) == ("hash-1", Antwoord("bevestigd", b'{"a": 1}'))

    _run(opslag.transactie(bewaar))
    assert _run(opslag.lees(lambda tx: tx.eerder_antwoord(bericht_id))) == (
        "hash-1",
        Antwoord("bevestigd", b'{"a": 1}'),
    )


def test_a_berichtid_is_answered_once_and_a_second_answer_rolls_back(opslag: Opslag) -> None:
    bericht_id, conv = uuid.uuid4(), uuid.uuid4()
    _run(opslag.transactie(lambda tx: tx.bewaar_antwoord(bericht_id, "h1", Antwoord("x", b"1"))))

    def nog_eens(tx: Transactie) -> None:
        tx.voeg_toe(conv, Gebeurtenisregel("Getikt", b"{}", T0))
        tx.bewaar_antwoord(bericht_id, "h2", Antwoord("x", b"2"))

    with pytest.raises(Exception):  # noqa: B017, PT011 - each backend raises its own error
        _run(opslag.transactie(nog_eens))
    assert _run(opslag.lees(lambda tx: tx.eerder_antwoord(bericht_id))) == (
        "h1",
        Antwoord("x", b"1"),
    )
    assert _run(opslag.lees(lambda tx: tx.gebeurtenissen(conv))) == []


def test_concurrent_check_then_store_stores_once(nieuwe_database: Callable[[], str]) -> None:
    """The receiver's pattern: look for an earlier answer, else apply and store one. Many at once,
    from two stores on one database (two worker processes), for the same berichtId: one applies,
    every other one sees its answer."""
    database = nieuwe_database()
    stores = [open_opslag(database), open_opslag(database)]
    bericht_id, conv = uuid.uuid4(), uuid.uuid4()

    def werk(tx: Transactie) -> str:
        eerder = tx.eerder_antwoord(bericht_id)
        if eerder is not None:
            return "herhaald"
        tx.voeg_toe(conv, Gebeurtenisregel("VerwijzingOntvangen", b"{}", T0))
        tx.in_postvak(SCHULDEISER, uuid.uuid4(), "Ontvangstbevestiging", b"{}")
        tx.bewaar_antwoord(bericht_id, "h", Antwoord("bevestigd", b"{}"))
        return "toegepast"

    async def allemaal() -> list[str]:
        return list(await asyncio.gather(*(stores[i % 2].transactie(werk) for i in range(24))))

    try:
        uitkomsten = _run(allemaal())
        assert sorted(uitkomsten) == ["herhaald"] * 23 + ["toegepast"]
        assert len(_run(stores[0].lees(lambda tx: tx.gebeurtenissen(conv)))) == 1
        assert len(_run(stores[1].lees(lambda tx: tx.postvak(SCHULDEISER, 0, 100)))) == 1
    finally:
        for store in stores:
            store.sluit()


# --- atomicity and concurrency ---------------------------------------------------------------------


def test_a_failing_transaction_stores_nothing_and_spoils_no_other(opslag: Opslag) -> None:
    goed, fout = uuid.uuid4(), uuid.uuid4()

    def slaagt(tx: Transactie) -> int:
        tx.voeg_toe(goed, Gebeurtenisregel("Getikt", b"{}", T0))
        return 1

    def faalt(tx: Transactie) -> None:
        tx.voeg_toe(fout, Gebeurtenisregel("Getikt", b"{}", T0))
        tx.in_postvak(SCHULDEISER, uuid.uuid4(), "Statusbericht", b"{}")
        raise LookupError("no such referral")

    async def samen() -> list[Any]:
        taken = [opslag.transactie(slaagt), opslag.transactie(faalt), opslag.transactie(slaagt)]
        return list(await asyncio.gather(*taken, return_exceptions=True))

    uitkomsten = _run(samen())
    assert uitkomsten[0] == uitkomsten[2] == 1
    assert isinstance(uitkomsten[1], LookupError)
    assert len(_run(opslag.lees(lambda tx: tx.gebeurtenissen(goed)))) == 2
    assert _run(opslag.lees(lambda tx: tx.gebeurtenissen(fout))) == []
    assert _run(opslag.lees(lambda tx: tx.postvak(SCHULDEISER, 0, 10))) == []


async def _increments(stores: list[Opslag], n: int, conv: uuid.UUID) -> None:
    """Each transaction reads the number of events and appends one carrying the next number."""

    def werk(tx: Transactie) -> int:
        volgende = len(tx.gebeurtenissen(conv)) + 1
        tx.voeg_toe(conv, Gebeurtenisregel(f"n{volgende}", b"{}", T0))
        return volgende

    results = await asyncio.gather(*(stores[i % len(stores)].transactie(werk) for i in range(n)))
    assert sorted(results) == list(range(1, n + 1))  # every number handed out exactly once


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 60), processen=st.integers(1, 3))
def test_concurrent_read_modify_write_loses_no_update(
    nieuwe_database: Callable[[], str], n: int, processen: int
) -> None:
    """Lost updates are what concurrency gets wrong. One to three stores on one database (as
    worker processes) run ``n`` concurrent read-modify-write transactions: the log must read n1,
    n2, ... nn, each number once, in order."""
    database = nieuwe_database()
    stores = [open_opslag(database) for _ in range(processen)]
    conv = uuid.uuid4()
    try:
        _run(_increments(stores, n, conv))
        log = _run(stores[0].lees(lambda tx: tx.gebeurtenissen(conv)))
    finally:
        for store in stores:
            store.sluit()
    assert [regel.type for regel in log] == [f"n{i}" for i in range(1, n + 1)]


def test_a_read_sees_only_committed_work(opslag: Opslag) -> None:
    conv = uuid.uuid4()
    _run(opslag.transactie(lambda tx: tx.voeg_toe(conv, Gebeurtenisregel("a", b"{}", T0))))

    def leest_twee_keer(tx: Transactie) -> tuple[int, int]:
        return len(tx.gebeurtenissen(conv)), len(tx.gebeurtenissen(conv))

    assert _run(opslag.lees(leest_twee_keer)) == (1, 1)


# --- the event log, the index, the processing log, the clock ---------------------------------------


def test_the_event_log_keeps_order_content_and_time(opslag: Opslag) -> None:
    conv = uuid.uuid4()
    regels = [
        Gebeurtenisregel("VerwijzingOntvangen", b'{"type": "VerwijzingOntvangen"}', T0),
        Gebeurtenisregel("BerichtVerstuurd", '{"ü": 1}'.encode(), T0 + timedelta(microseconds=7)),
        Gebeurtenisregel("Getikt", b"{}", T0 + timedelta(days=9)),
    ]
    for regel in regels:
        _run(opslag.transactie(lambda tx, r=regel: tx.voeg_toe(conv, r)))
    assert _run(opslag.lees(lambda tx: tx.gebeurtenissen(conv))) == regels
    assert _run(opslag.lees(lambda tx: tx.gebeurtenissen(uuid.uuid4()))) == []


@pytest.mark.eis("WD-PRIV-05", "WD-GROND-09")
def test_replacing_a_log_erases_it_from_the_store_and_appending_goes_on(
    opslag: Opslag, database: str
) -> None:
    """Erasing personal data replaces a referral's log: the old entries are gone from the store
    (not hidden), another referral's log is untouched, and appending continues after the new one."""
    conv, ander = uuid.uuid4(), uuid.uuid4()
    geheim = "GEHEIM-Jansen-9999-02-01"
    oud = [
        Gebeurtenisregel("VerwijzingOntvangen", f'{{"naam": "{geheim}"}}'.encode(), T0),
        Gebeurtenisregel("Getikt", b"{}", T0 + timedelta(days=1)),
    ]
    for regel in oud:
        _run(opslag.transactie(lambda tx, r=regel: tx.voeg_toe(conv, r)))
    _run(opslag.transactie(lambda tx: tx.voeg_toe(ander, oud[0])))
    gewist = Gebeurtenisregel(
        "DossierGewist", b'{"type": "DossierGewist"}', T0 + timedelta(days=90)
    )
    _run(opslag.transactie(lambda tx: tx.vervang_gebeurtenissen(conv, [gewist])))
    later = Gebeurtenisregel("BerichtOntvangen", b"{}", T0 + timedelta(days=91))
    _run(opslag.transactie(lambda tx: tx.voeg_toe(conv, later)))
    assert _run(opslag.lees(lambda tx: tx.gebeurtenissen(conv))) == [gewist, later]
    assert _run(opslag.lees(lambda tx: tx.gebeurtenissen(ander))) == [oud[0]]

    # A failing transaction leaves the log as it was.
    def mislukt(tx: Transactie) -> None:
        tx.vervang_gebeurtenissen(ander, [])
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        _run(opslag.transactie(mislukt))
    assert _run(opslag.lees(lambda tx: tx.gebeurtenissen(ander))) == [oud[0]]
    opslag.sluit()
    if not database.startswith("postgresql"):  # a file store: the bytes must be gone too
        from pathlib import Path

        rest = b"".join(
            p.read_bytes() for p in Path(database).parent.glob(Path(database).name + "*")
        )
        assert rest.count(geheim.encode()) <= 1, "only the other referral's copy may remain"


def test_the_index_is_replaced_and_filtered(opslag: Opslag) -> None:
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    indexen = [
        _index(a, bijgewerkt_op=T0 + timedelta(hours=2)),
        _index(b, gemeentecode="0687", bijgewerkt_op=T0 + timedelta(hours=1)),
        _index(c, schuldeiser="kvk:22012345", volgende_tik=None, contactdeadline=None),
    ]

    def bewaar(tx: Transactie) -> None:
        for index in indexen:
            tx.bewaar_dossier(index)
        tx.bewaar_dossier(_index(a, toestand="Opgepakt", bijgewerkt_op=T0 + timedelta(hours=3)))

    _run(opslag.transactie(bewaar))
    lees = opslag.lees
    opgepakt = _run(lees(lambda tx: tx.dossier(a)))
    assert opgepakt is not None and opgepakt.toestand == "Opgepakt"
    assert _run(lees(lambda tx: tx.dossier(b))) == indexen[1]
    assert _run(lees(lambda tx: tx.dossier(uuid.uuid4()))) is None
    alle = _run(lees(lambda tx: tx.dossiers()))
    assert [i.conversatie_id for i in alle] == [c, b, a]  # least recently changed first
    assert [i.conversatie_id for i in _run(lees(lambda tx: tx.dossiers(["0687"])))] == [b]
    eigen = _run(lees(lambda tx: tx.dossiers(schuldeiser="kvk:22012345")))
    assert [i.conversatie_id for i in eigen] == [c]
    due = _run(lees(lambda tx: tx.dossiers(tik_voor=T0 + timedelta(days=7))))
    assert {i.conversatie_id for i in due} == {a, b}  # c has no tick planned
    assert _run(lees(lambda tx: tx.dossiers(tik_voor=T0))) == []
    assert _run(lees(lambda tx: tx.dossiers(gemeentecodes=[]))) == []


def _historie(
    conv: uuid.UUID, gemeentecode: str, dag: date, inhoud: bytes = b"{}"
) -> Historieregel:
    return Historieregel(conv, gemeentecode, dag, inhoud)


def test_monitoring_histories_are_replaced_and_selected_by_municipality_and_date(
    opslag: Opslag,
) -> None:
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def bewaar(tx: Transactie) -> None:
        tx.bewaar_historie(_historie(a, "0718", date(2026, 3, 31), b'{"v": 1}'))
        tx.bewaar_historie(_historie(b, "0687", date(2026, 4, 1)))
        tx.bewaar_historie(_historie(c, "0718", date(2026, 6, 30)))
        tx.bewaar_historie(_historie(a, "0718", date(2026, 3, 31), b'{"v": 2}'))  # the latest wins

    _run(opslag.transactie(bewaar))

    def ids(**selectie: Any) -> set[uuid.UUID]:
        return {
            r.conversatie_id for r in _run(opslag.lees(lambda tx: list(tx.historien(**selectie))))
        }

    alle = _run(opslag.lees(lambda tx: list(tx.historien())))
    assert sorted(alle, key=lambda r: r.verwijsdatum) == [
        _historie(a, "0718", date(2026, 3, 31), b'{"v": 2}'),
        _historie(b, "0687", date(2026, 4, 1)),
        _historie(c, "0718", date(2026, 6, 30)),
    ]
    assert ids(gemeentecodes=["0718"]) == {a, c}
    assert ids(gemeentecodes=["0718", "0687"]) == {a, b, c}
    assert ids(gemeentecodes=[]) == set()
    assert ids(van=date(2026, 4, 1)) == {b, c}  # inclusive
    assert ids(tot=date(2026, 4, 1)) == {a, b}  # inclusive
    assert ids(gemeentecodes=["0718"], van=date(2026, 4, 1), tot=date(2026, 6, 30)) == {c}


def test_a_monitoring_history_stands_apart_from_the_dossier_and_rolls_back_with_it(
    opslag: Opslag,
) -> None:
    """Written in the transaction that changes the referral (so it rolls back with it), yet not
    tied to the index or the log: erasing those (the retention term) leaves the history."""
    conv, fout = uuid.uuid4(), uuid.uuid4()
    _run(
        opslag.transactie(lambda tx: tx.bewaar_historie(_historie(conv, "0718", date(2026, 4, 1))))
    )
    assert _run(opslag.lees(lambda tx: tx.dossier(conv))) is None  # no index entry needed

    def faalt(tx: Transactie) -> None:
        tx.bewaar_dossier(_index(fout))
        tx.bewaar_historie(_historie(fout, "0718", date(2026, 4, 1)))
        raise LookupError("the change is refused")

    with pytest.raises(LookupError):
        _run(opslag.transactie(faalt))
    bewaard = _run(opslag.lees(lambda tx: [r.conversatie_id for r in tx.historien()]))
    assert bewaard == [conv]


def test_the_processing_log_and_the_clock(opslag: Opslag) -> None:
    verwerking = Verwerking(T0, "0" * 32, "verwijzing ontvangen", "hmac:x", SCHULDEISER, None)
    _run(opslag.transactie(lambda tx: tx.log(verwerking)))
    assert _run(opslag.lees(lambda tx: tx.klok())) is None
    later = T0 + timedelta(days=1, microseconds=5)
    _run(opslag.transactie(lambda tx: tx.zet_klok(later)))
    assert _run(opslag.lees(lambda tx: tx.klok())) == later
    _run(opslag.transactie(lambda tx: tx.zet_klok(None)))
    assert _run(opslag.lees(lambda tx: tx.klok())) is None


def test_a_closed_store_opens_again(database: str) -> None:
    store = open_opslag(database)
    conv = uuid.uuid4()
    try:
        _run(store.transactie(lambda tx: tx.voeg_toe(conv, Gebeurtenisregel("a", b"{}", T0))))
        store.sluit()
        _run(store.transactie(lambda tx: tx.voeg_toe(conv, Gebeurtenisregel("b", b"{}", T0))))
        assert len(_run(store.lees(lambda tx: tx.gebeurtenissen(conv)))) == 2
    finally:
        store.sluit()
    again = open_opslag(database)  # a restart
    try:
        assert len(_run(again.lees(lambda tx: tx.gebeurtenissen(conv)))) == 2
    finally:
        again.sluit()


def test_concurrent_monitors_tick_each_due_dossier_once(nieuwe_database: Callable[[], str]) -> None:
    """The deadline monitor in two instances at the same moment (its pattern: the due dossiers,
    a tick in each one's log, its next tick cleared): each dossier is ticked exactly once."""
    database = nieuwe_database()
    stores = [open_opslag(database), open_opslag(database)]
    convs = [uuid.uuid4() for _ in range(40)]
    nu = T0 + timedelta(days=8)

    def vul(tx: Transactie) -> None:
        for conv in convs:
            tx.bewaar_dossier(_index(conv))

    def ronde(tx: Transactie) -> int:
        due = tx.dossiers(tik_voor=nu)
        for index in due:
            assert len(tx.gebeurtenissen(index.conversatie_id)) == 0  # not ticked before
            tx.voeg_toe(index.conversatie_id, Gebeurtenisregel("Getikt", b"{}", nu))
            tx.bewaar_dossier(_index(index.conversatie_id, volgende_tik=None, bijgewerkt_op=nu))
        return len(due)

    async def monitoren() -> list[int]:
        return list(await asyncio.gather(*(stores[i % 2].transactie(ronde) for i in range(8))))

    try:
        _run(stores[0].transactie(vul))
        assert sum(_run(monitoren())) == len(convs)
        tikken = _run(stores[1].lees(lambda tx: [len(tx.gebeurtenissen(c)) for c in convs]))
        assert tikken == [1] * len(convs)
        assert _run(stores[0].transactie(ronde)) == 0  # nothing due any more
    finally:
        for store in stores:
            store.sluit()


def test_the_clock_never_goes_back_under_concurrent_settings(
    nieuwe_database: Callable[[], str],
) -> None:
    """The test clock's pattern (read it, refuse to go back, set it) from two instances at once:
    the clock ends at the latest time asked, whatever the order."""
    database = nieuwe_database()
    stores = [open_opslag(database), open_opslag(database)]
    tijden = [T0 + timedelta(minutes=m) for m in random.Random(5).sample(range(1, 200), 30)]

    def zet(nu: datetime) -> Callable[[Transactie], bool]:
        def werk(tx: Transactie) -> bool:
            huidig = tx.klok()
            if huidig is not None and nu < huidig:
                return False
            tx.zet_klok(nu)
            return True

        return werk

    async def allemaal() -> list[bool]:
        taken = (stores[i % 2].transactie(zet(t)) for i, t in enumerate(tijden))
        return list(await asyncio.gather(*taken))

    try:
        _run(allemaal())
        assert _run(stores[0].lees(lambda tx: tx.klok())) == max(tijden)
    finally:
        for store in stores:
            store.sluit()


# --- the postvak ---------------------------------------------------------------------------------


def test_the_postvak_is_numbered_per_creditor_from_one_without_gaps(opslag: Opslag) -> None:
    anders = "kvk:22012345"
    ids = [uuid.uuid4() for _ in range(7)]

    def vul(tx: Transactie) -> list[int]:
        return [
            tx.in_postvak(SCHULDEISER if i % 3 else anders, bid, "Statusbericht", f"{i}".encode())
            for i, bid in enumerate(ids)
        ]

    nummers = _run(opslag.transactie(vul))
    assert nummers == [1, 1, 2, 2, 3, 4, 3]  # per creditor: 1, 2, 3, ...
    eigen = _run(opslag.lees(lambda tx: tx.postvak(SCHULDEISER, 0, 100)))
    assert [b.volgnummer for b in eigen] == [1, 2, 3, 4]
    assert [b.body for b in eigen] == [b"1", b"2", b"4", b"5"]
    assert [b.bericht_id for b in eigen] == [ids[1], ids[2], ids[4], ids[5]]
    pagina = _run(opslag.lees(lambda tx: tx.postvak(SCHULDEISER, 1, 2)))
    assert [b.volgnummer for b in pagina] == [2, 3]
    assert _run(opslag.lees(lambda tx: tx.postvak(SCHULDEISER, 4, 10))) == []
    assert _run(opslag.lees(lambda tx: tx.postvakbericht(ids[3]))) == (anders, b"3")
    assert _run(opslag.lees(lambda tx: tx.postvakbericht(uuid.uuid4()))) is None


def test_concurrent_senders_leave_no_gap_and_no_double_in_the_postvak(
    nieuwe_database: Callable[[], str],
) -> None:
    database = nieuwe_database()
    stores = [open_opslag(database), open_opslag(database)]

    def werk(tx: Transactie) -> int:
        return tx.in_postvak(SCHULDEISER, uuid.uuid4(), "Statusbericht", b"{}")

    async def allemaal() -> list[int]:
        return list(await asyncio.gather(*(stores[i % 2].transactie(werk) for i in range(50))))

    try:
        assert sorted(_run(allemaal())) == list(range(1, 51))
        gelezen = _run(stores[1].lees(lambda tx: tx.postvak(SCHULDEISER, 0, 500)))
        assert [b.volgnummer for b in gelezen] == list(range(1, 51))
    finally:
        for store in stores:
            store.sluit()


def test_transactions_that_fill_two_postvakken_in_opposite_orders_all_complete(
    nieuwe_database: Callable[[], str],
) -> None:
    """A backend that runs transactions side by side may deadlock on two creditors taken in
    opposite orders; it must then run one again, not fail it."""
    database = nieuwe_database()
    stores = [open_opslag(database), open_opslag(database)]
    a, b = "kvk:24123456", "kvk:22012345"

    def werk(eerst: str, dan: str) -> Callable[[Transactie], None]:
        def doe(tx: Transactie) -> None:
            tx.in_postvak(eerst, uuid.uuid4(), "Statusbericht", b"{}")
            time.sleep(0.002)  # widen the window in which the other one takes its first
            tx.in_postvak(dan, uuid.uuid4(), "Statusbericht", b"{}")

        return doe

    async def allemaal() -> None:
        await asyncio.gather(
            *(stores[i % 2].transactie(werk(*((a, b) if i % 2 else (b, a)))) for i in range(6))
        )

    try:
        _run(allemaal())
        for schuldeiser in (a, b):
            gelezen = _run(stores[0].lees(lambda tx, s=schuldeiser: tx.postvak(s, 0, 100)))
            assert [m.volgnummer for m in gelezen] == list(range(1, 7))
    finally:
        for store in stores:
            store.sluit()


# --- crash consistency ---------------------------------------------------------------------------

#: A writer in its own process: each transaction stores an answer, three events and a postvak
#: message under one id, and prints the id once ``transactie`` has returned (acknowledged).
_SCHRIJVER = """
import asyncio, sys, uuid
from datetime import datetime, timezone
from warm_referral_reference.receiver.storage import Antwoord, Gebeurtenisregel, open_opslag

opslag = open_opslag(sys.argv[1])
T = datetime(2026, 4, 1, tzinfo=timezone.utc)

def werk(tx, bid):
    tx.bewaar_antwoord(bid, "h", Antwoord("bevestigd", bid.bytes))
    for soort in ("VerwijzingOntvangen", "BerichtVerstuurd", "Getikt"):
        tx.voeg_toe(bid, Gebeurtenisregel(soort, bid.bytes, T))
    tx.in_postvak("kvk:24123456", bid, "Ontvangstbevestiging", bid.bytes)

async def een():
    bid = uuid.uuid4()
    await opslag.transactie(lambda tx: werk(tx, bid))
    print(bid, flush=True)

async def main():
    while True:
        await asyncio.gather(*(een() for _ in range(8)))

asyncio.run(main())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_writer_loses_nothing_acknowledged_and_leaves_nothing_half_done(
    database: str,
) -> None:
    rng = random.Random(14)
    bevestigd: list[uuid.UUID] = []
    for _ in range(3):
        proces = subprocess.Popen(
            [sys.executable, "-c", _SCHRIJVER, database],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proces.stdout is not None
        os.set_blocking(proces.stdout.fileno(), False)
        buffer = b""
        einde = time.monotonic() + 30
        drempel = len(bevestigd) + rng.randint(20, 120)  # acknowledged ones before the kill
        while time.monotonic() < einde:
            buffer += proces.stdout.read() or b""
            if buffer.count(b"\n") + len(bevestigd) >= drempel:
                break
            if proces.poll() is not None:
                pytest.fail(f"the writer stopped: {proces.stderr.read() if proces.stderr else ''}")
            time.sleep(0.01)
        time.sleep(rng.random() * 0.05)  # mid-transaction, somewhere
        proces.send_signal(signal.SIGKILL)
        proces.wait()
        buffer += proces.stdout.read() or b""
        proces.stdout.close()
        if proces.stderr:
            proces.stderr.close()
        regels = buffer.split(b"\n")
        bevestigd += [uuid.UUID(r.decode()) for r in regels[:-1]]  # a cut last line is not one
    assert len(bevestigd) >= 60

    opslag = open_opslag(database)
    try:

        def alles(tx: Transactie) -> tuple[dict[uuid.UUID, int], list[Any]]:
            postvak = tx.postvak(SCHULDEISER, 0, 100_000)
            ids = {b.bericht_id for b in postvak}
            aantallen = {bid: len(tx.gebeurtenissen(bid)) for bid in ids | set(bevestigd)}
            antwoorden = [tx.eerder_antwoord(bid) for bid in ids | set(bevestigd)]
            return aantallen, [postvak, antwoorden]

        aantallen, (postvak, antwoorden) = _run(opslag.lees(alles))
    finally:
        opslag.sluit()
    opgeslagen = {b.bericht_id for b in postvak}
    assert set(bevestigd) <= opgeslagen  # nothing acknowledged is lost
    assert all(n == 3 for n in aantallen.values())  # every transaction whole, or not at all
    assert all(a is not None for a in antwoorden)
    assert [b.volgnummer for b in postvak] == list(range(1, len(postvak) + 1))  # gap-free
