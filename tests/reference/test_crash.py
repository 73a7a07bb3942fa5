"""Zero loss when the receiver crashes (issue 7, item 3; across instances: issue 18).

A stream of referrals from the sender while the receiver process is killed with SIGKILL at random
moments and restarted on the same database and port: one instance on SQLite (2,000 referrals), and
two instances on one PostgreSQL database behind a round-robin load balancer, one of them killed at
a time (1,000). Afterwards, counted in the receiver's database itself: every referral stored
exactly once, the creditor's postvak numbered without a gap; at the sender: every one acknowledged
with its Ontvangstbevestiging, and the outbox empty. ``bench/crash_test.py --count 10000
[--backend postgresql --instances 2]`` is the long version.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from warm_referral_reference.sender.crashproef import draai_crashproef

AANTAL = 2_000
KILLS = 5
AANTAL_PG = 1_000


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_every_referral_is_stored_exactly_once_while_the_receiver_is_killed(
    tmp_path: Path,
) -> None:
    seed = int(os.environ.get("CRASH_SEED", "0")) or None
    resultaat = asyncio.run(draai_crashproef(AANTAL, tmp_path, kills=KILLS, seed=seed))
    print(resultaat.samenvatting())
    assert resultaat.problemen == []
    assert resultaat.verzonden == resultaat.opgeslagen == resultaat.bevestigd == AANTAL
    assert (resultaat.dubbel, resultaat.kwijt, resultaat.openstaand) == (0, 0, 0)
    assert resultaat.kills == KILLS  # every planned kill happened mid-stream
    # The kills hurt: attempts failed while the receiver was down or died mid-request.
    assert sum(resultaat.storingen.values()) >= KILLS


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_two_instances_on_one_postgresql_database_store_every_referral_exactly_once(
    tmp_path: Path, postgres_database: str
) -> None:
    seed = int(os.environ.get("CRASH_SEED", "0")) or None
    resultaat = asyncio.run(
        draai_crashproef(
            AANTAL_PG, tmp_path, db=postgres_database, instanties=2, kills=KILLS, seed=seed
        )
    )
    print(resultaat.samenvatting())
    assert resultaat.problemen == []
    assert resultaat.verzonden == resultaat.opgeslagen == resultaat.bevestigd == AANTAL_PG
    assert (resultaat.dubbel, resultaat.kwijt, resultaat.openstaand) == (0, 0, 0)
    assert resultaat.kills == KILLS
    assert sum(resultaat.storingen.values()) >= KILLS
    # Both instances served: the load balancer gave each of them connections.
    assert len(resultaat.verbindingen) == 2 and min(resultaat.verbindingen.values()) > 0
