"""Exactly once, also when it gets messy (issue 7, item 4): the same message delivered twice at the
same time, a status message that arrives before the acknowledgement, and any script of faults."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sender_support import NepGemeente, echte_ontvanger, verwijzing
from warm_referral_reference.sender import Outbox, Status

from warm_referral.models import Ontvangstbevestiging, Statusbericht

# --- the same message delivered twice concurrently -------------------------------------------------


def test_the_same_referral_sent_twice_at_once_is_stored_once(tmp_path: Path) -> None:
    """Two senders on one outbox (say ``send`` and ``serve sender``) race to send the same row."""
    v = verwijzing()

    async def scenario() -> None:
        async with echte_ontvanger(tmp_path) as ontvanger:
            outbox = Outbox(tmp_path / "o.sqlite3")
            a, b = ontvanger.verzender(outbox), ontvanger.verzender(outbox)
            await a.enqueue(v)
            ra, rb = await asyncio.gather(a.verzend_alles(), b.verzend_alles())
            # Both really sent it (neither saw the other's acknowledgement first) ...
            assert (ra.pogingen, rb.pogingen) == (1, 1)
            assert (ra.bevestigd, rb.bevestigd) == (1, 1)
            # ... and the receiver stored it once and answered both with the same answer.
            assert ontvanger.tel("SELECT COUNT(*) FROM dossiers") == 1
            assert ontvanger.tel("SELECT COUNT(*) FROM antwoorden") == 1
            assert (
                ontvanger.tel(
                    "SELECT COUNT(*) FROM postvak WHERE berichttype = 'Ontvangstbevestiging'"
                )
                == 1
            )
            [rij] = outbox.alle_uitgaand()
            assert rij.status is Status.ACKNOWLEDGED and rij.antwoord_status == 201
            [bevestiging] = outbox.inkomend()
            assert bevestiging.cross_referentie == v.bericht_id
            await a.haal_postvak()  # and the postvak's copy is recognised as the same message
            assert len(outbox.inkomend()) == 1

    asyncio.run(scenario())


def test_two_senders_with_one_berichtid_for_two_messages_get_one_201_and_one_409(
    tmp_path: Path,
) -> None:
    v = verwijzing()
    ander = v.model_copy(update={"verwijzing_id": "EVI-ANDERS-1"})

    async def scenario() -> None:
        async with echte_ontvanger(tmp_path) as ontvanger:
            oa, ob = Outbox(tmp_path / "a.sqlite3"), Outbox(tmp_path / "b.sqlite3")
            a, b = ontvanger.verzender(oa), ontvanger.verzender(ob)
            await a.enqueue(v)
            await b.enqueue(ander)
            await asyncio.gather(a.verzend_alles(), b.verzend_alles())
            statussen = sorted(
                (o.alle_uitgaand()[0].status.value, o.alle_uitgaand()[0].antwoord_status)
                for o in (oa, ob)
            )
            assert statussen == [("acknowledged", 201), ("refused", 409)]
            geweigerd = next(o for o in (oa, ob) if o.tellingen()[Status.REFUSED])
            assert "already used for another message" in (
                geweigerd.alle_uitgaand()[0].laatste_fout or ""
            )
            assert ontvanger.tel("SELECT COUNT(*) FROM dossiers") == 1

    asyncio.run(scenario())


def test_many_senders_racing_on_many_referrals_store_each_once(tmp_path: Path) -> None:
    referrals = [verwijzing(n) for n in range(40)]

    async def scenario() -> None:
        async with echte_ontvanger(tmp_path) as ontvanger:
            outbox = Outbox(tmp_path / "o.sqlite3")
            verzenders = [ontvanger.verzender(outbox, gelijktijdig=8) for _ in range(4)]
            await verzenders[0].enqueue_alle(referrals)
            await asyncio.gather(*(v.verzend_alles() for v in verzenders))
            assert outbox.tellingen()[Status.ACKNOWLEDGED] == len(referrals)
            assert ontvanger.tel("SELECT COUNT(*) FROM dossiers") == len(referrals)
            assert ontvanger.tel("SELECT COUNT(DISTINCT conversatie_id) FROM dossiers") == len(
                referrals
            )
            assert len(outbox.inkomend()) == len(referrals)

    asyncio.run(scenario())


# --- a status message before the acknowledgement --------------------------------------------------


def test_a_status_before_the_acknowledgement_is_kept_and_applied_once_it_is_in(
    tmp_path: Path,
) -> None:
    """Driven through the stores: the postvak brings a Statusbericht while the Verwijzing is still
    pending (its 201 was lost, and this receiver answers the acknowledgement only in the 201)."""
    gemeente = NepGemeente(bevestiging_in_postvak=False)
    v = verwijzing()
    outbox = Outbox(tmp_path / "o.sqlite3")
    outbox.voeg_toe([v], nu=1.0)
    _, bevestiging_body = gemeente._bewaar(v, v.to_json())
    status = gemeente.oppakken(v.conversatie_id)
    [(volgnummer, document)] = [(b["volgnummer"], b["bericht"]) for b in gemeente.postvak]

    [binnen] = outbox.bewaar_postvak("p", [(volgnummer, document)], volgnummer, nu=2.0)
    assert binnen.berichttype == "Statusbericht"
    verzender = gemeente.verzender(outbox)
    kopie = verzender.kopie(v.conversatie_id)
    assert kopie is not None
    assert kopie.beeld.status.value == "Verzonden"  # not acknowledged yet, so not applicable ...
    assert kopie.wachtend == (status,)  # ... but kept, not lost
    assert outbox.uitgaand(v.bericht_id).status is Status.PENDING  # type: ignore[union-attr]

    bevestiging = Ontvangstbevestiging.model_validate_json(bevestiging_body)
    outbox.bevestig(v.bericht_id, 201, bevestiging_body, nu=3.0, inkomend=bevestiging)
    kopie = verzender.kopie(v.conversatie_id)
    assert kopie is not None and kopie.wachtend == ()
    assert kopie.beeld.status.value == "Opgepakt"
    assert kopie.beeld.contactdeadline == bevestiging.contactdeadline
    assert [b.berichttype for b in kopie.toegepast] == ["Ontvangstbevestiging", "Statusbericht"]


def test_a_lost_201_then_a_status_in_the_postvak_then_the_retry(tmp_path: Path) -> None:
    """The same, through the client: the first attempt is stored but its answer lost; the
    postvak is fetched before the retry; the retry gets the original 201."""
    gemeente = NepGemeente(storingen=["verlies"], bevestiging_in_postvak=False)
    v = verwijzing()

    async def scenario() -> None:
        outbox = Outbox(tmp_path / "o.sqlite3")
        verzender = gemeente.verzender(outbox)
        await verzender.enqueue(v)
        rapport = await verzender.verzend_alles(opgeven_na=0)
        assert rapport.mislukt == 1 and rapport.openstaand == 1
        gemeente.oppakken(v.conversatie_id)
        [status] = await verzender.haal_postvak()
        assert isinstance(status.bericht(), Statusbericht)
        kopie = verzender.kopie(v.conversatie_id)
        assert kopie is not None and kopie.beeld.status.value == "Verzonden"
        assert len(kopie.wachtend) == 1

        rapport = await verzender.verzend_alles(opgeven_na=10)
        assert rapport.bevestigd == 1
        kopie = verzender.kopie(v.conversatie_id)
        assert kopie is not None and kopie.wachtend == ()
        assert kopie.beeld.status.value == "Opgepakt"
        assert [r.berichttype for r in outbox.inkomend()] == [
            "Statusbericht",
            "Ontvangstbevestiging",
        ]
        assert len(gemeente.dossiers) == 1

    asyncio.run(scenario())


def test_with_the_reference_receiver_the_postvak_acknowledges_a_referral_whose_201_was_lost(
    tmp_path: Path,
) -> None:
    """The reference receiver also puts the Ontvangstbevestiging in the postvak, before any
    Statusbericht: a sender that fetches the postvak first records both, stops resending, and
    its copy is up to date."""
    v = verwijzing()

    async def scenario() -> None:
        async with echte_ontvanger(tmp_path) as ontvanger:
            outbox = Outbox(tmp_path / "o.sqlite3")
            verzender = ontvanger.verzender(outbox)
            await verzender.enqueue(v)
            # The referral reaches the receiver, but our process dies before it hears the 201.
            antwoord = await ontvanger.client.post(
                "/v1/berichten",
                content=v.to_json(),
                headers={"Authorization": "Bearer dev-evides", "Content-Type": "application/json"},
            )
            assert antwoord.status_code == 201
            await ontvanger.actie(v.conversatie_id, {"soort": "Oppakken", "datum": "2026-04-01"})
            nieuw = await verzender.haal_postvak()
            assert [r.berichttype for r in nieuw] == ["Ontvangstbevestiging", "Statusbericht"]
            assert outbox.uitgaand(v.bericht_id).status is Status.ACKNOWLEDGED  # type: ignore[union-attr]
            rapport = await verzender.verzend_alles()
            assert rapport.pogingen == 0  # nothing left to resend
            kopie = verzender.kopie(v.conversatie_id)
            assert kopie is not None and kopie.beeld.status.value == "Opgepakt"

    asyncio.run(scenario())


# --- any script of faults -------------------------------------------------------------------------

_STORINGEN = st.lists(
    st.sampled_from(["connect", "verlies", "timeout", "503", "500", "429", "ok"]), max_size=8
)


@settings(max_examples=40, deadline=None)
@given(storingen=_STORINGEN, in_postvak=st.booleans(), tussendoor_postvak=st.booleans())
def test_any_fault_script_ends_in_exactly_one_stored_and_acknowledged_referral(
    storingen: list[str], in_postvak: bool, tussendoor_postvak: bool
) -> None:
    gemeente = NepGemeente(storingen=list(storingen), bevestiging_in_postvak=in_postvak)
    v = verwijzing()

    async def scenario(map: Path) -> Outbox:
        outbox = Outbox(map / "o.sqlite3")
        verzender = gemeente.verzender(outbox)
        await verzender.enqueue(v)
        if tussendoor_postvak:
            await verzender.verzend_alles(opgeven_na=0)
            await verzender.haal_postvak()
        await verzender.verzend_alles(opgeven_na=30)
        await verzender.haal_postvak()
        return outbox

    with tempfile.TemporaryDirectory() as map:
        outbox = asyncio.run(scenario(Path(map)))
        assert list(gemeente.dossiers) == [v.conversatie_id]
        assert {bid for bid, _ in gemeente.posts} == {v.bericht_id}
        rij = outbox.uitgaand(v.bericht_id)
        assert rij is not None and rij.status is Status.ACKNOWLEDGED
        bevestigingen = [r for r in outbox.inkomend() if r.berichttype == "Ontvangstbevestiging"]
        assert len(bevestigingen) == 1
        outbox.sluit()
