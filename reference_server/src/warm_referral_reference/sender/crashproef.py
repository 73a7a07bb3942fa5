"""The crash test: a stream of referrals while the receiver is killed (SIGKILL) and restarted.

The claim under test: the sender's durable outbox plus at-least-once delivery with the same
berichtId, and the receiver's durable commit before answering plus idempotency on berichtId, give
exactly-once storage. Afterwards every referral must be stored exactly once at the receiver, every
one must have its acknowledgement at the sender, and the outbox must be empty. The receiver's
SQLite file is opened directly to count, so the check does not trust the API under test.

Used by ``tests/reference/test_crash.py`` (2,000 referrals) and ``bench/crash_test.py`` (any count).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .bouwen import synthetische_verwijzing
from .client import Retrybeleid, Verzender
from .ontvangerproces import Ontvangerproces
from .outbox import Outbox, Status

__all__ = ["Crashresultaat", "draai_crashproef"]


@dataclass
class Crashresultaat:
    """What the crash test found. ``ok`` is the verdict; ``problemen`` says what is wrong."""

    verzonden: int
    """Referrals the sender stored in its outbox (and so promised to deliver)."""
    opgeslagen: int
    """Distinct referrals in the receiver's database."""
    dubbel: int
    """Referrals stored (or acknowledged) more than once at the receiver."""
    kwijt: int
    """Referrals sent but not in the receiver's database."""
    bevestigd: int
    """Outbox rows acknowledged, each with its Ontvangstbevestiging in the inbox."""
    openstaand: int
    geweigerd: int
    kills: int
    pogingen: int
    duur: float
    storingen: dict[str, int] = field(default_factory=dict)
    """Failed attempts by cause: connection refused while down, cut off mid-request, ..."""
    problemen: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problemen

    def samenvatting(self) -> str:
        storingen = ", ".join(f"{n} {soort}" for soort, n in sorted(self.storingen.items()))
        return (
            f"sent {self.verzonden} / stored {self.opgeslagen} / duplicates {self.dubbel} / "
            f"lost {self.kwijt}\n"
            f"acknowledged {self.bevestigd}, pending {self.openstaand}, refused {self.geweigerd}; "
            f"receiver killed {self.kills}x; {self.pogingen} HTTP attempts "
            f"(failed: {storingen or 'none'}); {self.duur:.1f}s"
        )


class _Sloper(threading.Thread):
    """Kills the receiver at random moments of the stream and restarts it on the same file and
    port. The moments are random points of progress (acknowledged referrals), so the kills land
    mid-stream however fast or loaded the machine is, plus a random fraction of a second."""

    def __init__(
        self,
        ontvanger: Ontvangerproces,
        outbox: Outbox,
        punten: list[int],
        rng: random.Random,
        melding: Callable[[str], None],
    ) -> None:
        super().__init__(name="crashproef-sloper", daemon=True)
        self.ontvanger = ontvanger
        self.outbox = outbox
        self.punten = punten
        self.rng = rng
        self.melding = melding
        self.stop = threading.Event()
        self.kills = 0
        self.fout: BaseException | None = None

    def run(self) -> None:
        try:
            for punt in self.punten:
                while self.outbox.aantal(Status.ACKNOWLEDGED) < punt:
                    if self.stop.wait(0.02):
                        return
                if self.stop.wait(self.rng.uniform(0.0, 0.25)):
                    return
                self.ontvanger.kill()
                self.kills += 1
                self.melding(
                    f"  kill -9 #{self.kills} after {punt} acknowledged "
                    f"({time.strftime('%H:%M:%S')})"
                )
                time.sleep(self.rng.uniform(0.0, 0.3))  # down a little longer, now and then
                self.ontvanger.start()
        except BaseException as exc:  # reported by the main thread
            self.fout = exc


def _ontvangertelling(db: Path) -> tuple[Counter[str], Counter[str], Counter[str], Counter[str]]:
    """Per conversatieId: dossiers, intake events, stored answers' referrals, acknowledgements."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        dossiers = Counter(r[0] for r in conn.execute("SELECT conversatie_id FROM dossiers"))
        intake = Counter(
            r[0]
            for r in conn.execute(
                "SELECT conversatie_id FROM gebeurtenissen WHERE type = 'VerwijzingOntvangen'"
            )
        )
        verwijzingen = Counter(r[0] for r in conn.execute("SELECT verwijzing_id FROM dossiers"))
        bevestigingen = Counter(
            r[0]
            for r in conn.execute(
                "SELECT json_extract(body, '$.crossReferentie') FROM postvak "
                "WHERE berichttype = 'Ontvangstbevestiging'"
            )
        )
    finally:
        conn.close()
    return dossiers, intake, verwijzingen, bevestigingen


async def draai_crashproef(
    aantal: int,
    map: Path,
    *,
    kills: int = 5,
    tempo: float = 400.0,
    gelijktijdig: int = 32,
    seed: int | None = None,
    melding: Callable[[str], None] = lambda _: None,
) -> Crashresultaat:
    """Stream ``aantal`` referrals (enqueued at most ``tempo`` per second) while the receiver is
    killed ``kills`` times at random moments and restarted; then check."""
    rng = random.Random(seed)
    begin = time.monotonic()
    ontvanger = Ontvangerproces(map / "ontvanger.sqlite3")
    outbox = Outbox(map / "verzender.sqlite3")
    ontvanger.start()
    punten = sorted(rng.randrange(aantal // 20, aantal * 19 // 20 + 1) for _ in range(kills))
    sloper = _Sloper(ontvanger, outbox, punten, rng, melding)
    verzender = Verzender(
        outbox, ontvanger.url, token="dev-evides", gelijktijdig=gelijktijdig, timeout=5.0,
        beleid=Retrybeleid(basis=0.05, plafond=1.0), rng=random.Random(rng.random()),
    )  # fmt: skip
    stop = asyncio.Event()
    dienst = asyncio.create_task(verzender.draai(stop, postvak_interval=1.0))
    verzonden: list[str] = []
    try:
        sloper.start()
        blok = 25
        for start in range(0, aantal, blok):
            nu = datetime.now(timezone.utc)
            berichten = [
                synthetische_verwijzing(i, verwezen_op=nu, verwijzing_id=f"CRASH-{i:07d}")
                for i in range(start, min(aantal, start + blok))
            ]
            await verzender.enqueue_alle(berichten)
            verzonden += [str(b.conversatie_id) for b in berichten]
            await asyncio.sleep(len(berichten) / tempo)
            if dienst.done():
                break
        # Done when nothing is pending and every planned kill has happened (the last ones can
        # land after the final acknowledgement on a fast machine; the sender then recovers too).
        while not dienst.done():
            leeg = await asyncio.to_thread(outbox.aantal, Status.PENDING) == 0
            if (leeg and not sloper.is_alive()) or sloper.fout is not None:
                break
            await asyncio.sleep(0.1)
        sloper.stop.set()
        await asyncio.to_thread(sloper.join)
        if sloper.fout is not None:
            raise sloper.fout
        if ontvanger.pid is None:
            ontvanger.start()
        stop.set()
        await dienst  # raises if the service failed
        await verzender.haal_postvak()  # the last acknowledgements, also those whose 201 was lost
    finally:
        sloper.stop.set()
        stop.set()
        if not dienst.done():
            dienst.cancel()
        await asyncio.gather(dienst, return_exceptions=True)
        await verzender.aclose()
        ontvanger.stop()
    resultaat = _controleer(ontvanger.db, outbox, verzonden, sloper.kills)
    resultaat.duur = time.monotonic() - begin
    resultaat.storingen = dict(verzender.storingen)
    return resultaat


def _controleer(db: Path, outbox: Outbox, verzonden: list[str], kills: int) -> Crashresultaat:
    dossiers, intake, verwijzingen, bevestigd_daar = _ontvangertelling(db)
    tellingen = outbox.tellingen()
    rijen = outbox.alle_uitgaand()
    inbox = Counter(
        str(r.cross_referentie)
        for r in outbox.inkomend()
        if r.berichttype == "Ontvangstbevestiging"
    )
    pogingen = sum(r.pogingen for r in rijen)
    outbox.sluit()
    verzonden_set = set(verzonden)
    dubbel = {c for c, n in dossiers.items() if n > 1} | {c for c, n in intake.items() if n > 1}
    dubbel |= {v for v, n in verwijzingen.items() if n > 1}
    dubbel |= {b for b, n in bevestigd_daar.items() if n > 1}
    kwijt = verzonden_set - set(dossiers)
    problemen: list[str] = []
    if len(verzonden_set) != len(verzonden):
        problemen.append("the stream itself repeated a conversatieId")
    if dubbel:
        problemen.append(
            f"{len(dubbel)} referrals stored more than once, e.g. {sorted(dubbel)[:3]}"
        )
    if kwijt:
        problemen.append(f"{len(kwijt)} referrals lost, e.g. {sorted(kwijt)[:3]}")
    vreemd = set(dossiers) - verzonden_set
    if vreemd:
        problemen.append(f"{len(vreemd)} referrals at the receiver that were never sent")
    if tellingen[Status.PENDING] or tellingen[Status.REFUSED]:
        problemen.append(
            f"the outbox is not empty: {tellingen[Status.PENDING]} pending, "
            f"{tellingen[Status.REFUSED]} refused"
        )
    zonder = [r for r in rijen if r.antwoord_status != 201 or inbox[str(r.bericht_id)] != 1]
    if zonder:
        problemen.append(
            f"{len(zonder)} referrals without exactly one Ontvangstbevestiging at the sender"
        )
    return Crashresultaat(
        verzonden=len(verzonden),
        opgeslagen=len(dossiers),
        dubbel=len(dubbel),
        kwijt=len(kwijt),
        bevestigd=tellingen[Status.ACKNOWLEDGED] - len(zonder),
        openstaand=tellingen[Status.PENDING],
        geweigerd=tellingen[Status.REFUSED],
        kills=kills,
        pogingen=pogingen,
        duur=0.0,
        problemen=problemen,
    )
