"""The deadline monitor runs in the background for as long as the receiver runs: a pass that fails
is logged (with its traceback) and the next pass runs all the same."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest
from receiver_support import EVIDES, EVIDES_KLOK, EVIDES_VERWIJZING, example, running_receiver
from warm_referral_reference.receiver.config import Instellingen
from warm_referral_reference.receiver.domain.bewaking import bewaak_voortdurend
from warm_referral_reference.receiver.server import build_receiver

LOGGER = "warm_referral_reference.receiver.bewaking"


def test_a_failing_pass_is_logged_and_the_monitor_runs_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rondes: list[int] = []

    async def ronde() -> int:
        rondes.append(1)
        if len(rondes) == 2:
            raise RuntimeError("the disk is busy")
        return 1

    async def draai() -> None:
        taak = asyncio.create_task(bewaak_voortdurend(ronde, 0.001))
        while len(rondes) < 5:
            await asyncio.sleep(0.001)
        taak.cancel()
        with pytest.raises(asyncio.CancelledError):
            await taak

    with caplog.at_level(logging.INFO, logger=LOGGER):
        asyncio.run(draai())
    assert len(rondes) >= 5  # it went on after the failure
    fouten = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(fouten) == 1
    assert "deadline monitor failed" in fouten[0].getMessage()
    assert fouten[0].exc_info is not None and "the disk is busy" in str(fouten[0].exc_info[1])
    assert any("fired time facts" in r.getMessage() for r in caplog.records)


def test_a_broken_log_entry_does_not_stop_the_background_monitor(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A referral whose event log this version cannot read (here: an event of a version from the
    future) makes every pass fail; each failure is logged and the monitor keeps trying."""
    with running_receiver(tmp_path) as api:
        api.zet_klok(EVIDES_KLOK)
        api.stuur(EVIDES, example(EVIDES_VERWIJZING))
    conn = sqlite3.connect(str(api.db))
    with conn:
        conn.execute(
            "UPDATE gebeurtenissen SET inhoud = "
            "CAST(replace(CAST(inhoud AS TEXT), '\"versie\":1', '\"versie\":99') AS BLOB)"
        )
        conn.execute("UPDATE klok SET nu = '2026-05-09T00:00:00.000000Z'")  # everything is due
    conn.close()

    app = build_receiver(Instellingen(), api.db, bewaking_interval=0.01)

    async def draai() -> None:
        async with app.router.lifespan_context(app):
            for _ in range(500):
                fouten = [r for r in caplog.records if r.levelno == logging.ERROR]
                if len(fouten) >= 3:
                    return
                await asyncio.sleep(0.01)

    with caplog.at_level(logging.INFO, logger=LOGGER):
        asyncio.run(draai())
    fouten = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(fouten) >= 3
    assert all("cannot be read" in str(r.exc_info[1]) for r in fouten if r.exc_info)
