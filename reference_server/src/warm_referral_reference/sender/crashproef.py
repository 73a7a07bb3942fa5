"""The crash test: a stream of referrals while the receiver is killed (SIGKILL) and restarted.

The claim under test: the sender's durable outbox plus at-least-once delivery with the same
berichtId, and the receiver's durable commit before answering plus idempotency on berichtId, give
exactly-once storage. Afterwards every referral must be stored exactly once at the receiver, every
one must have its acknowledgement at the sender, the outbox must be empty, and the creditor's
postvak must be numbered 1, 2, 3, ... without a gap. The receiver's database (its SQLite file, or
the PostgreSQL database) is read directly to count, so the check does not trust the API under test.

With several instances (separate ``serve receiver`` processes on one PostgreSQL database, or on
one SQLite file), the sender talks to a round-robin load balancer in front of them
(:mod:`warm_referral_reference.round_robin`), and each kill hits one instance chosen at random:
the same berichtId may then reach both instances, one after the other or at once.

Used by ``tests/reference/test_crash.py`` and ``bench/crash_test.py`` (any count, either backend).
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..round_robin import RoundRobin
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
    instanties: int = 1
    verbindingen: dict[int, int] = field(default_factory=dict)
    """With several instances: connections the load balancer gave each one (by number)."""

    @property
    def ok(self) -> bool:
        return not self.problemen

    def samenvatting(self) -> str:
        storingen = ", ".join(f"{n} {soort}" for soort, n in sorted(self.storingen.items()))
        verdeling = ""
        if self.instanties > 1:
            verdeling = "; connections per instance " + ", ".join(
                f"#{i + 1}: {self.verbindingen.get(i, 0)}" for i in range(self.instanties)
            )
        return (
            f"sent {self.verzonden} / stored {self.opgeslagen} / duplicates {self.dubbel} / "
            f"lost {self.kwijt}\n"
            f"acknowledged {self.bevestigd}, pending {self.openstaand}, refused {self.geweigerd}; "
            f"{self.instanties} receiver instance{'s' if self.instanties != 1 else ''}, "
            f"killed {self.kills}x{verdeling}; {self.pogingen} HTTP attempts "
            f"(failed: {storingen or 'none'}); {self.duur:.1f}s"
        )


class _Sloper(threading.Thread):
    """Kills a receiver instance (one chosen at random) at random moments of the stream and
    restarts it on the same database and port. The moments are random points of progress
    (acknowledged referrals), so the kills land mid-stream however fast or loaded the machine is,
    plus a random fraction of a second."""

    def __init__(
        self,
        ontvangers: list[Ontvangerproces],
        outbox: Outbox,
        punten: list[int],
        rng: random.Random,
        melding: Callable[[str], None],
    ) -> None:
        super().__init__(name="crashproef-sloper", daemon=True)
        self.ontvangers = ontvangers
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
                nummer = self.rng.randrange(len(self.ontvangers))
                slachtoffer = self.ontvangers[nummer]
                slachtoffer.kill()
                self.kills += 1
                welke = f" instance #{nummer + 1}" if len(self.ontvangers) > 1 else ""
                self.melding(
                    f"  kill -9 #{self.kills}{welke} after {punt} acknowledged "
                    f"({time.strftime('%H:%M:%S')})"
                )
                time.sleep(self.rng.uniform(0.0, 0.3))  # down a little longer, now and then
                slachtoffer.start()
        except BaseException as exc:  # reported by the main thread
            self.fout = exc


_TELLINGEN = {
    # Per conversatieId: dossiers, intake events; per verwijzingId: dossiers; per crossReferentie:
    # the Ontvangstbevestigingen in the postvak; and the creditor's postvak numbers, in order.
    "dossiers": "SELECT conversatie_id FROM dossiers",
    "intake": "SELECT conversatie_id FROM gebeurtenissen WHERE type = 'VerwijzingOntvangen'",
    "verwijzingen": "SELECT verwijzing_id FROM dossiers",
    "bevestigingen": "SELECT body FROM postvak WHERE berichttype = 'Ontvangstbevestiging'",
    "volgnummers": "SELECT volgnummer FROM postvak WHERE ontvanger = 'oin:00000003241234560000' "
    "ORDER BY volgnummer",
}


def _ontvangertelling(db: Path | str) -> dict[str, list[Any]]:
    """The rows of :data:`_TELLINGEN`' queries (first column), read from the receiver's database
    itself; identifiers as text, the acknowledgements' crossReferentie."""
    rijen: dict[str, list[Any]]
    if isinstance(db, str):
        import psycopg

        with psycopg.connect(db) as pg:
            rijen = {k: [r[0] for r in pg.execute(q.encode())] for k, q in _TELLINGEN.items()}
    else:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rijen = {k: [r[0] for r in conn.execute(q)] for k, q in _TELLINGEN.items()}
        finally:
            conn.close()
    for soort in ("dossiers", "intake"):
        rijen[soort] = [str(c) for c in rijen[soort]]
    rijen["bevestigingen"] = [
        json.loads(bytes(b))["crossReferentie"] for b in rijen["bevestigingen"]
    ]
    return rijen


async def draai_crashproef(
    aantal: int,
    map: Path,
    *,
    db: str | None = None,
    instanties: int = 1,
    kills: int = 5,
    tempo: float = 400.0,
    gelijktijdig: int = 32,
    seed: int | None = None,
    melding: Callable[[str], None] = lambda _: None,
) -> Crashresultaat:
    """Stream ``aantal`` referrals (enqueued at most ``tempo`` per second) to ``instanties``
    receiver processes on one database (``db``: a migrated PostgreSQL database's URL; by default a
    SQLite file in ``map``) while one of them is killed ``kills`` times at random moments and
    restarted; then check. Files (outbox, logs) go in ``map``."""
    rng = random.Random(seed)
    begin = time.monotonic()
    database: Path | str = db if db is not None else map / "ontvanger.sqlite3"
    ontvangers = [
        Ontvangerproces(database, log=map / f"ontvanger-{i + 1}.log") for i in range(instanties)
    ]
    outbox = Outbox(map / "verzender.sqlite3")
    balans: RoundRobin | None = None
    for ontvanger in ontvangers:
        ontvanger.start()
    if instanties > 1:
        balans = RoundRobin([(o.host, o.port) for o in ontvangers]).start()
        url = f"{balans.url}/v1"
    else:
        url = ontvangers[0].url
    punten = sorted(rng.randrange(aantal // 20, aantal * 19 // 20 + 1) for _ in range(kills))
    sloper = _Sloper(ontvangers, outbox, punten, rng, melding)
    verzender = Verzender(
        outbox, url, token="dev-evides", gelijktijdig=gelijktijdig, timeout=5.0,
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
        for ontvanger in ontvangers:
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
        for ontvanger in ontvangers:
            ontvanger.stop()
        if balans is not None:
            balans.stop()
    resultaat = _controleer(database, outbox, verzonden, sloper.kills)
    resultaat.duur = time.monotonic() - begin
    resultaat.storingen = dict(verzender.storingen)
    resultaat.instanties = instanties
    if balans is not None:
        resultaat.verbindingen = dict(balans.verbindingen)
    return resultaat


def _controleer(db: Path | str, outbox: Outbox, verzonden: list[str], kills: int) -> Crashresultaat:
    telling = _ontvangertelling(db)
    dossiers, intake = Counter(telling["dossiers"]), Counter(telling["intake"])
    verwijzingen, bevestigd_daar = (
        Counter(telling["verwijzingen"]),
        Counter(telling["bevestigingen"]),
    )
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
    volgnummers = telling["volgnummers"]
    if volgnummers != list(range(1, len(volgnummers) + 1)):
        problemen.append("the creditor's postvak is not numbered 1, 2, 3, ... without a gap")
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
