"""The deadline monitor: fires the time facts that fell due (contact deadline passed, incassostop
ended) in every referral, as ticks in their logs, and erases the personal data of every closed
referral whose retention term ended (the job of the AVG's storage limitation, on the same schedule);
and the loop that runs it in the background.

The loop must outlive any one failure: a pass that fails (a broken log entry, a busy disk) is
logged with its traceback and the next pass runs at the next interval, as if nothing happened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from ..storage import Transactie
from .dossiers import Werkdossier
from .gebeurtenissen import Getikt

__all__ = ["bewaak", "bewaak_voortdurend", "log"]

log = logging.getLogger("warm_referral_reference.receiver.bewaking")
log.addHandler(logging.NullHandler())  # the service decides where logs go


def bewaak(
    tx: Transactie,
    nu: datetime,
    *,
    bewaartermijn_dagen: int | None = None,
    audit_sleutel: bytes = b"",
) -> int:
    """One pass inside a transaction: tick every referral with a time fact due by ``nu``, and
    erase the closed ones whose retention term (``bewaartermijn_dagen``, else their profile's)
    ended; the number of referrals that changed."""
    aantal = 0
    for index in tx.dossiers(tik_voor=nu):
        record = Werkdossier.herbouw(tx, index)
        wijziging = record.dossier.tik(nu)
        veranderd = bool(wijziging.soorten)
        if veranderd:
            record.schrijf(Getikt(tijdstip=nu))
        wismoment = record.wismoment(bewaartermijn_dagen)
        if wismoment is not None and wismoment <= nu:
            record.wis("bewaartermijn", nu, audit_sleutel)
            veranderd = True
        aantal += veranderd
        record.bewaar_index(nu, bewaartermijn_dagen)
    return aantal


async def bewaak_voortdurend(ronde: Callable[[], Awaitable[int]], interval: float) -> None:
    """Run ``ronde`` (one pass) every ``interval`` seconds until cancelled; a failing pass is
    logged, and the monitor carries on."""
    while True:
        try:
            aantal = await ronde()
        except Exception:
            log.exception("the deadline monitor failed; it runs again in %.0f s", interval)
        else:
            if aantal:
                log.info("the deadline monitor fired time facts in %d referral(s)", aantal)
        await asyncio.sleep(interval)
