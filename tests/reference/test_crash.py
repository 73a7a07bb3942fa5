"""Zero loss when the receiver crashes (issue 7, item 3).

A stream of 2,000 referrals from the sender while the receiver process is killed with SIGKILL at
random moments and restarted on the same database file and port. Afterwards, counted in the
receiver's SQLite file itself: every referral stored exactly once; at the sender: every one
acknowledged with its Ontvangstbevestiging, and the outbox empty. Sized to take well under three
minutes on a small machine; ``bench/crash_test.py --count 10000`` is the long version.
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
