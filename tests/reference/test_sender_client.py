"""The sender's retry policy and outcomes, against a fake receiver with scripted faults (issue 7)."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import httpx
import pytest
from sender_support import URL, NepGemeente, verwijzing
from warm_referral_reference.sender import (
    InvalidReceiverUrl,
    Outbox,
    PostvakError,
    Retrybeleid,
    Status,
    Verzender,
)
from warm_referral_reference.sender.bouwen import bouw_intrekking, bouw_statusverzoek

from warm_referral.lifecycle import LocalInvalidTransition
from warm_referral.models import Intrekkingsreden, Ontvangstbevestiging


def test_backoff_is_exponential_with_full_jitter_and_a_cap() -> None:
    beleid = Retrybeleid(basis=0.5, plafond=8.0)
    rng = random.Random(7)
    for poging, venster in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (12, 8.0)]:
        wachten = [beleid.wachttijd(poging, rng) for _ in range(300)]
        assert all(0 <= w <= venster for w in wachten)
        assert max(wachten) > venster * 0.8  # the whole window is used (full jitter) ...
        assert min(wachten) < venster * 0.2  # ... from zero up
    # A message retried for days (the receiver down over a weekend) still gets a finite wait.
    assert 0 <= beleid.wachttijd(100_000, rng) <= 8.0
    # Retry-After is honoured up to the cap.
    assert beleid.wachttijd(1, rng, retry_after=3.0) >= 3.0
    assert beleid.wachttijd(1, rng, retry_after=999.0) == 8.0


async def _stuur(
    tmp_path: Path, gemeente: NepGemeente, *berichten: object, **opties: object
) -> tuple[Verzender, Outbox]:
    outbox = Outbox(tmp_path / "o.sqlite3")
    verzender = gemeente.verzender(outbox, **opties)
    for bericht in berichten:
        await verzender.enqueue(bericht)  # type: ignore[arg-type]
    await verzender.verzend_alles(opgeven_na=10)
    return verzender, outbox


@pytest.mark.parametrize(
    "storingen",
    [
        ["connect", "connect", "ok"],
        ["503", "500", "ok"],
        ["429", "ok"],
        ["verlies", "ok"],  # stored, the answer lost: the retry gets the original answer
        ["timeout", "verlies", "503", "ok"],
    ],
)
def test_retries_use_the_same_berichtid_and_body_until_acknowledged(
    tmp_path: Path, storingen: list[str]
) -> None:
    gemeente = NepGemeente(storingen=list(storingen))
    v = verwijzing()
    _, outbox = asyncio.run(_stuur(tmp_path, gemeente, v))
    assert len(gemeente.posts) == len(storingen)
    assert {bid for bid, _ in gemeente.posts} == {v.bericht_id}
    assert len({body for _, body in gemeente.posts}) == 1
    rij = outbox.uitgaand(v.bericht_id)
    assert rij is not None and rij.status is Status.ACKNOWLEDGED
    assert rij.pogingen == len(storingen) and rij.antwoord_status == 201
    # Exactly one referral at the receiver, and its acknowledgement in our inbox.
    assert list(gemeente.dossiers) == [v.conversatie_id]
    [bevestiging] = outbox.inkomend(v.conversatie_id)
    assert bevestiging.bron == "antwoord" and bevestiging.cross_referentie == v.bericht_id
    assert isinstance(bevestiging.bericht(), Ontvangstbevestiging)


def test_a_definitive_4xx_stops_and_records_the_problem(tmp_path: Path) -> None:
    def weiger(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            json={
                "title": "Niet verwerkbaar",
                "status": 422,
                "detail": "this receiver does not serve gemeentecode 0718",
                "fouten": [{"pointer": "/ontvanger", "code": "x", "melding": "unknown"}],
            },
            headers={"content-type": "application/problem+json"},
        )

    async def scenario() -> tuple[Outbox, int]:
        outbox = Outbox(tmp_path / "o.sqlite3")
        client = httpx.AsyncClient(transport=httpx.MockTransport(weiger))
        verzender = Verzender(outbox, URL, client=client)
        v = verwijzing()
        await verzender.enqueue(v)
        rapport = await verzender.verzend_alles(opgeven_na=10)
        assert rapport.geweigerd == 1 and rapport.geweigerde == [v.bericht_id]
        return outbox, rapport.pogingen

    outbox, pogingen = asyncio.run(scenario())
    assert pogingen == 1
    [rij] = outbox.alle_uitgaand()
    assert rij.status is Status.REFUSED and rij.antwoord_status == 422
    assert rij.laatste_fout == (
        "422 Niet verwerkbaar: this receiver does not serve gemeentecode 0718 [/ontvanger: unknown]"
    )


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 415, 422])
def test_every_other_4xx_is_definitive(tmp_path: Path, status: int) -> None:
    async def scenario() -> Outbox:
        outbox = Outbox(tmp_path / "o.sqlite3")
        transport = httpx.MockTransport(lambda r: httpx.Response(status, text="nee"))
        verzender = Verzender(outbox, URL, client=httpx.AsyncClient(transport=transport))
        await verzender.enqueue(verwijzing())
        await verzender.verzend_alles(opgeven_na=10)
        return outbox

    [rij] = asyncio.run(scenario()).alle_uitgaand()
    assert rij.status is Status.REFUSED and rij.pogingen == 1
    assert rij.laatste_fout is not None and rij.laatste_fout.startswith(str(status))


def test_an_unreachable_receiver_is_retried_then_reported_and_kept(tmp_path: Path) -> None:
    async def scenario() -> None:
        outbox = Outbox(tmp_path / "o.sqlite3")
        # Port 1 on localhost: nothing listens there, the connection is refused at once.
        verzender = Verzender(
            outbox, "http://127.0.0.1:1/v1", beleid=Retrybeleid(basis=0.01, plafond=0.05)
        )
        async with verzender:
            await verzender.enqueue(verwijzing())
            rapport = await verzender.verzend_alles(opgeven_na=0.5)
        assert rapport.openstaand == 1 and rapport.bevestigd == 0 and rapport.mislukt >= 3
        assert rapport.laatste_fout is not None and "ConnectError" in rapport.laatste_fout
        [rij] = outbox.alle_uitgaand()
        assert rij.status is Status.PENDING and rij.pogingen == rapport.mislukt
        assert verzender.storingen["ConnectError"] == rapport.mislukt

    asyncio.run(scenario())


def test_a_bad_url_is_refused_before_anything_happens(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3")
    for url in ("ftp://ontvanger/v1", "ontvanger:8080", "http:///v1"):
        with pytest.raises(InvalidReceiverUrl, match="not a usable receiver URL"):
            Verzender(outbox, url)


def test_a_restarted_sender_continues_with_the_stored_attempts(tmp_path: Path) -> None:
    gemeente = NepGemeente(storingen=["connect"] * 3)
    v = verwijzing()

    async def eerste() -> None:
        outbox = Outbox(tmp_path / "o.sqlite3")
        verzender = gemeente.verzender(outbox)
        await verzender.enqueue(v)
        await verzender.verzend_alles(opgeven_na=0.0)  # one round, then "crash"
        outbox.sluit()

    async def tweede() -> Outbox:
        outbox = Outbox(tmp_path / "o.sqlite3")
        await gemeente.verzender(outbox).verzend_alles(opgeven_na=10)
        return outbox

    asyncio.run(eerste())
    assert len(gemeente.posts) == 1
    rij = asyncio.run(tweede()).uitgaand(v.bericht_id)
    assert rij is not None and rij.status is Status.ACKNOWLEDGED and rij.pogingen == 4
    assert len(gemeente.dossiers) == 1


def test_follow_ups_wait_for_the_referral_and_must_fit_its_lifecycle(tmp_path: Path) -> None:
    gemeente = NepGemeente(storingen=["503", "503", "ok"])
    v = verwijzing()
    intrekking = bouw_intrekking(v, Intrekkingsreden.BETAALD, nu=v.verwezen_op)

    async def scenario() -> tuple[Verzender, Outbox]:
        verzender, outbox = await _stuur(tmp_path, gemeente, v, intrekking)
        with pytest.raises(LocalInvalidTransition, match="Ingetrokken"):
            await verzender.enqueue(bouw_statusverzoek(v, nu=v.verwezen_op))
        return verzender, outbox

    verzender, outbox = asyncio.run(scenario())
    # The Intrekking went out only after the Verwijzing was acknowledged (never a 422 for an
    # unknown referral), so the receiver took both.
    assert [bid for bid, _ in gemeente.posts] == [v.bericht_id] * 3 + [intrekking.bericht_id]
    assert outbox.tellingen()[Status.ACKNOWLEDGED] == 2
    kopie = verzender.kopie(v.conversatie_id)
    assert kopie is not None and kopie.beeld.status.value == "Ingetrokken"


def test_the_postvak_is_fetched_page_by_page_into_the_inbox(tmp_path: Path) -> None:
    gemeente = NepGemeente()
    referrals = [verwijzing(n) for n in range(1, 511)]

    async def scenario() -> tuple[Verzender, Outbox]:
        verzender, outbox = await _stuur(tmp_path, gemeente, *referrals[:1], gelijktijdig=4)
        await verzender.enqueue_alle(referrals[1:])
        await verzender.verzend_alles(opgeven_na=30)
        nieuw = await verzender.haal_postvak()
        # Every Ontvangstbevestiging came with its 201 already: the postvak adds none of them.
        assert nieuw == []
        gemeente.oppakken(referrals[0].conversatie_id)
        [status] = await verzender.haal_postvak()
        assert status.berichttype == "Statusbericht"
        return verzender, outbox

    verzender, outbox = asyncio.run(scenario())
    assert gemeente.postvak_verzoeken == 3  # a full page of 500, then 10 (the last); then 1
    assert outbox.cursor(verzender.postvak) == 511
    kopie = verzender.kopie(referrals[0].conversatie_id)
    assert kopie is not None and kopie.beeld.status.value == "Opgepakt"


def test_a_failing_postvak_is_a_clear_error(tmp_path: Path) -> None:
    async def scenario(transport: httpx.MockTransport) -> None:
        outbox = Outbox(tmp_path / "o.sqlite3")
        verzender = Verzender(outbox, URL, client=httpx.AsyncClient(transport=transport))
        await verzender.haal_postvak()

    def weg(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(PostvakError, match=r"cannot fetch the postvak.*ConnectError"):
        asyncio.run(scenario(httpx.MockTransport(weg)))
    with pytest.raises(PostvakError, match="answered 403"):
        asyncio.run(scenario(httpx.MockTransport(lambda r: httpx.Response(403, json={}))))


def test_the_service_sends_what_gets_enqueued_and_fetches_the_postvak(tmp_path: Path) -> None:
    gemeente = NepGemeente()
    v = verwijzing()

    async def scenario() -> Outbox:
        outbox = Outbox(tmp_path / "o.sqlite3")
        verzender = gemeente.verzender(outbox)
        stop = asyncio.Event()
        dienst = asyncio.create_task(verzender.draai(stop, postvak_interval=0.01))
        await asyncio.sleep(0.05)
        await verzender.enqueue(v)  # wakes the idle service
        for _ in range(1000):
            if outbox.tellingen()[Status.ACKNOWLEDGED]:
                break
            await asyncio.sleep(0.01)
        gemeente.oppakken(v.conversatie_id)
        for _ in range(1000):
            if len(outbox.inkomend()) == 2:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(dienst, 5)
        return outbox

    outbox = asyncio.run(scenario())
    assert [r.berichttype for r in outbox.inkomend()] == ["Ontvangstbevestiging", "Statusbericht"]
