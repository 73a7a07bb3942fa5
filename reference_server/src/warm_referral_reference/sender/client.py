"""The creditor's sender: store first, then send, retry until answered, never double.

Delivery is at-least-once with the same berichtId on every attempt; the receiver is idempotent on
berichtId (same body: the original answer again), so the referral is stored there exactly once
however often a crash makes us resend. What decides between "try again" and "stop":

- no answer (connection refused or reset, timeout, a response cut off), 408, 425, 429 and every
  5xx: the receiver may not have it, or cannot take it now. Retry after an exponential backoff with
  full jitter (a random wait between 0 and ``basis * 2**(poging-1)``, capped at ``plafond``), or
  after Retry-After when the receiver names a longer wait. The attempt count and the next attempt
  time are stored, so a restarted sender keeps the schedule.
- any other 4xx (and a 3xx: a wrong URL): the receiver read the message and refuses it; sending
  it again cannot help. The status and the problem details are stored (``refused``) for a person
  to act on (``send --opnieuw`` queues it again).
- 2xx: acknowledged. A 201 carries the Ontvangstbevestiging and a 200 the Statusbericht that
  answers a Statusverzoek; both go to the inbox with the answer, in one transaction.

The municipality's messages come from the receiver's postvak (it offers no callback), fetched
with a durable cursor. See :mod:`.outbox` for the stores and :mod:`.kopie` for the lifecycle copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx

from warm_referral import parse_json
from warm_referral.afsprakenstelsel import Deelnemersregister
from warm_referral.errors import MessageValidationError
from warm_referral.models import Bericht, Verwijzing, voor_peer

from .errors import InvalidReceiverUrl, NotAllowedByAgreements, PostvakError
from .kopie import Schuldeiserkopie, bouw_kopie
from .outbox import Inkomend, Outbox, Status, Uitgaand

if TYPE_CHECKING:
    from warm_referral.ondertekening import Certificaatsleutel

__all__ = ["Retrybeleid", "Verzender", "Verzendrapport"]

log = logging.getLogger("warm_referral_reference.sender")
log.addHandler(logging.NullHandler())  # a library logs; the application decides where to

_OPNIEUW = frozenset({408, 425, 429})
_POSTVAK_LIMIET = 500
#: How often the service looks at the outbox when idle, for messages enqueued by other processes.
_CONTROLE = 1.0


@dataclass(frozen=True, slots=True)
class Retrybeleid:
    """Exponential backoff with full jitter: spreads retries of many senders after an outage,
    so a restarted receiver is not hit by all of them at once."""

    basis: float = 0.5
    """The window of the first retry, in seconds; it doubles per attempt."""
    plafond: float = 60.0
    """No single wait is longer than this (Retry-After included)."""

    def wachttijd(self, poging: int, rng: random.Random, retry_after: float | None = None) -> float:
        # The exponent is capped so that a message retried for days cannot overflow a float.
        venster = min(self.plafond, self.basis * 2.0 ** min(max(0, poging - 1), 60))
        wacht = rng.uniform(0, venster)
        if retry_after is not None:
            wacht = max(wacht, min(retry_after, self.plafond))
        return wacht


@dataclass(slots=True)
class Verzendrapport:
    """What one run of the sending loop did."""

    bevestigd: int = 0
    geweigerd: int = 0
    pogingen: int = 0
    mislukt: int = 0
    """Attempts that will be retried (no answer, 408/425/429, 5xx)."""
    openstaand: int = 0
    """Messages still pending when the run ended (given up for now, not refused)."""
    laatste_fout: str | None = None
    geweigerde: list[UUID] = field(default_factory=list)


def _controleer_url(url: str) -> str:
    delen = urlsplit(url)
    if delen.scheme not in ("http", "https") or not delen.hostname:
        raise InvalidReceiverUrl(
            f"{url!r} is not a usable receiver URL; expected http(s)://host[:port]/v1"
        )
    return url.rstrip("/")


def _retry_after(waarde: str | None) -> float | None:
    if not waarde:
        return None
    if waarde.strip().isdigit():
        return float(waarde)
    with contextlib.suppress(TypeError, ValueError, IndexError):
        return max(0.0, parsedate_to_datetime(waarde).timestamp() - time.time())
    return None


def _probleemtekst(antwoord: httpx.Response) -> str:
    """Status, title, detail and every violation of a problem-details answer, on one line."""
    tekst = f"{antwoord.status_code} {antwoord.reason_phrase}"
    try:
        data = antwoord.json()
    except ValueError:
        inhoud = antwoord.text.strip()[:200]
        return f"{tekst}: {inhoud}" if inhoud else tekst
    if not isinstance(data, dict):
        return tekst
    if data.get("title"):
        tekst = f"{antwoord.status_code} {data['title']}"
    if data.get("detail"):
        tekst += f": {data['detail']}"
    fouten = data.get("fouten")
    if isinstance(fouten, list) and fouten:
        tekst += (
            " ["
            + "; ".join(
                f"{f.get('pointer') or '/'}: {f.get('melding')}"
                for f in fouten
                if isinstance(f, dict)
            )
            + "]"
        )
    return tekst


def _traceparent(bericht_id: UUID) -> str:
    """W3C trace context whose trace id is the berichtId: every retry of a message lands in the
    same trace in the receiver's processing log."""
    return f"00-{bericht_id.hex}-{secrets.token_hex(8)}-01"


class Verzender:
    """One creditor's sender to one receiver. Use as ``async with Verzender(...) as v:``.

    ``url`` is the receiver's base (``http://host:port/v1``); ``token`` the development bearer
    token (production uses the client certificate in ``client_opties``, e.g. ``cert`` and
    ``verify``, passed to :class:`httpx.AsyncClient`). One outbox per creditor: a sender sends
    everything its outbox holds, with its own credentials. ``postvak`` names the postvak cursor in
    the outbox (default: the URL).

    ``register``: the participants register; a Verwijzing is then held to the creditor's
    registration and to the agreement profile it signed before it is stored
    (:class:`~.errors.NotAllowedByAgreements` when it may not go). ``spec_versies``: the
    specVersie values the receiver accepts (its endpoint's ``specVersies`` in the address book):
    every message is stored restamped for it (:func:`warm_referral.models.voor_peer`); a 1.0
    receiver never gets what 1.1 added.
    """

    def __init__(
        self,
        outbox: Outbox,
        url: str,
        *,
        token: str | None = None,
        beleid: Retrybeleid | None = None,
        gelijktijdig: int = 16,
        timeout: float = 10.0,
        postvak: str | None = None,
        client: httpx.AsyncClient | None = None,
        client_opties: Mapping[str, Any] | None = None,
        klok: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        register: Deelnemersregister | None = None,
        spec_versies: Sequence[str] | None = None,
        ondertekening: Certificaatsleutel | None = None,
    ) -> None:
        if gelijktijdig < 1:
            raise ValueError("gelijktijdig must be at least 1")
        self.outbox = outbox
        self.register = register
        self.ondertekening = ondertekening
        """The signing key and chain: each attempt's body is signed with it (WD-OND-01)."""
        self.spec_versies = tuple(spec_versies) if spec_versies is not None else None
        self.weggelaten: dict[UUID, tuple[str, ...]] = {}
        """Members left out of a message for the receiver's older specVersie, by berichtId."""
        self.url = _controleer_url(url)
        self.beleid = beleid or Retrybeleid()
        self.gelijktijdig = gelijktijdig
        self.postvak = postvak or self.url
        self._klok = klok
        self._rng = rng or random.Random()
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._eigen_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(max_connections=gelijktijdig + 2),
            **dict(client_opties or {}),
        )
        self._wek = asyncio.Event()
        self._bijvullen = max(1, gelijktijdig // 4)
        self.storingen: Counter[str] = Counter()
        """Failed attempts by cause (exception type or HTTP status), for reports and tests."""

    async def __aenter__(self) -> Verzender:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._eigen_client:
            await self._client.aclose()

    # --- the outbox -----------------------------------------------------------------------------

    async def enqueue(self, bericht: Bericht, *, opnieuw: bool = False) -> Uitgaand:
        """Store ``bericht`` durably for sending (it is safe once this returns)."""
        return (await self.enqueue_alle([bericht], opnieuw=opnieuw))[0]

    async def enqueue_alle(
        self, berichten: Sequence[Bericht], *, opnieuw: bool = False
    ) -> list[Uitgaand]:
        """Store several messages in one transaction. A follow-up (Intrekking, Statusverzoek, ...)
        about a referral in this outbox must fit the creditor's copy of its lifecycle, or
        :class:`~warm_referral.lifecycle.LocalInvalidTransition` says why it may not go out. With
        a register, a Verwijzing must fit the creditor's registration and agreement profile
        (:class:`~.errors.NotAllowedByAgreements`); with the receiver's versions, each message is
        restamped for it (:class:`~warm_referral.errors.PeerVersionError` if it cannot be)."""
        berichten = [self._voor_ontvanger(b) for b in berichten]
        for bericht in berichten:
            if not isinstance(bericht, Verwijzing):
                kopie = await asyncio.to_thread(self.kopie, bericht.conversatie_id)
                if kopie is not None and self.outbox.uitgaand(bericht.bericht_id) is None:
                    kopie.dossier.verstuur(bericht)
        rijen = await asyncio.to_thread(
            self.outbox.voeg_toe, berichten, self._klok(), opnieuw=opnieuw
        )
        self._wek.set()
        return rijen

    def _voor_ontvanger(self, bericht: Bericht) -> Bericht:
        if isinstance(bericht, Verwijzing) and self.register is not None:
            self._toets(bericht)
        if self.spec_versies is None:
            return bericht
        aangepast, weggelaten = voor_peer(bericht, self.spec_versies)
        if weggelaten:
            self.weggelaten[bericht.bericht_id] = weggelaten
            log.warning(
                "%s %s: left out %s (the receiver accepts specVersie %s)",
                bericht.berichttype,
                bericht.bericht_id,
                ", ".join(weggelaten),
                ", ".join(self.spec_versies),
            )
        return aangepast

    def _toets(self, verwijzing: Verwijzing) -> None:
        """The Verwijzing against the register and the profile of the agreement it falls under."""
        from warm_referral import deadlines
        from warm_referral.afspraken import afspraken

        assert self.register is not None
        afzender = verwijzing.afzender
        inschrijving = self.register.schuldeiser_met(oin=afzender.oin, kvk=afzender.kvk_nummer)
        if inschrijving is None:
            raise NotAllowedByAgreements(f"{afzender.naam} is not in the participants register", ())
        toets = self.register.toets_verwijzing(inschrijving, verwijzing)
        fouten = list(toets.afwijkingen)
        if toets.afspraak is not None:
            ref = toets.afspraak.afsprakenprofiel
            profiel = deadlines.afsprakenprofielen().versie(ref.naam, ref.versie)
            fouten += afspraken(profiel).toets_verwijzing(verwijzing).afwijkingen
        if fouten:
            raise NotAllowedByAgreements(
                f"Verwijzing {verwijzing.verwijzing_id} may not go out: "
                + "; ".join(str(f) for f in fouten),
                tuple(fouten),
            )

    async def verzend_alles(self, *, opgeven_na: float | None = None) -> Verzendrapport:
        """Send until nothing is pending, or until ``opgeven_na`` seconds have passed: what is
        still pending then stays in the outbox for a later run (it is not refused)."""
        return await self._verzendlus(stop=None, tot_leeg=True, opgeven_na=opgeven_na)

    async def _verzendlus(
        self, *, stop: asyncio.Event | None, tot_leeg: bool, opgeven_na: float | None = None
    ) -> Verzendrapport:
        rapport = Verzendrapport()
        einde = None if opgeven_na is None else time.monotonic() + opgeven_na
        bezig: dict[str, asyncio.Task[None]] = {}
        eerste_ronde = True  # what is due is tried at least once, however short opgeven_na is
        try:
            while True:
                gestopt = (stop is not None and stop.is_set()) or (
                    einde is not None and time.monotonic() >= einde and not eerste_ronde
                )
                eerste_ronde = False
                vrij = self.gelijktijdig - len(bezig)
                # Refill in batches: one outbox query per quarter of the window, not per answer.
                if vrij > 0 and not gestopt and (not bezig or vrij >= self._bijvullen):
                    rijen = await asyncio.to_thread(
                        self.outbox.te_verzenden, self._klok(), vrij, set(bezig)
                    )
                    for rij in rijen:
                        bezig[str(rij.bericht_id)] = asyncio.create_task(self._poging(rij, rapport))
                if bezig:
                    # With room for a refill, look again soon (retries fall due meanwhile);
                    # otherwise wait for an answer.
                    ruimte = self.gelijktijdig - len(bezig) >= self._bijvullen
                    klaar, _ = await asyncio.wait(
                        bezig.values(),
                        timeout=0.05 if ruimte and not gestopt else None,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    for sleutel, taak in list(bezig.items()):
                        if taak in klaar:
                            del bezig[sleutel]
                            taak.result()
                    continue
                if gestopt:
                    break
                volgende = await asyncio.to_thread(self.outbox.volgende_poging)
                if volgende is None and tot_leeg:
                    break
                wacht = None if volgende is None else max(0.0, volgende - self._klok())
                if not tot_leeg:
                    # Another process (``send --alleen-opslaan``) may enqueue into the same file.
                    wacht = _CONTROLE if wacht is None else min(wacht, _CONTROLE)
                if einde is not None:
                    rest = max(0.0, einde - time.monotonic())
                    wacht = rest if wacht is None else min(wacht, rest)
                await self._slaap(wacht, stop)
        finally:
            for taak in bezig.values():
                taak.cancel()
            if bezig:
                await asyncio.gather(*bezig.values(), return_exceptions=True)
        rapport.openstaand = await asyncio.to_thread(self.outbox.aantal, Status.PENDING)
        return rapport

    async def _slaap(self, seconden: float | None, stop: asyncio.Event | None) -> None:
        """Sleep until the time passes, a message is enqueued, or ``stop`` is set."""
        if seconden is not None and seconden <= 0:
            return
        wachters = [asyncio.ensure_future(self._wek.wait())]
        if stop is not None:
            wachters.append(asyncio.ensure_future(stop.wait()))
        try:
            await asyncio.wait(wachters, timeout=seconden, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in wachters:
                w.cancel()
            self._wek.clear()

    async def _poging(self, rij: Uitgaand, rapport: Verzendrapport) -> None:
        """One attempt at one message, and its outcome stored before returning."""
        rapport.pogingen += 1
        headers = {
            **self._headers,
            "Content-Type": "application/json",
            "traceparent": _traceparent(rij.bericht_id),
        }
        if self.ondertekening is not None:
            from warm_referral.ondertekening import onderteken

            moment = datetime.fromtimestamp(self._klok(), timezone.utc)
            headers.update(onderteken(rij.body, self.ondertekening, moment).headers())
        try:
            antwoord = await self._client.post(
                f"{self.url}/berichten", content=rij.body, headers=headers
            )
        except httpx.TransportError as exc:
            self.storingen[type(exc).__name__] += 1
            await self._later(rij, rapport, f"no answer: {type(exc).__name__}: {exc}".rstrip(": "))
            return
        status = antwoord.status_code
        if 200 <= status < 300:
            await self._bevestig(rij, antwoord)
            rapport.bevestigd += 1
            return
        if status in _OPNIEUW or status >= 500:
            self.storingen[str(status)] += 1
            await self._later(
                rij,
                rapport,
                _probleemtekst(antwoord),
                _retry_after(antwoord.headers.get("retry-after")),
            )
            return
        fout = _probleemtekst(antwoord)
        if 300 <= status < 400:
            fout += f" (redirect to {antwoord.headers.get('location', '?')}; give the final URL)"
        await asyncio.to_thread(
            self.outbox.weiger, rij.bericht_id, status, fout, antwoord.content, self._klok()
        )
        rapport.geweigerd += 1
        rapport.geweigerde.append(rij.bericht_id)
        log.warning("%s %s refused: %s", rij.berichttype, rij.bericht_id, fout)

    async def _later(
        self, rij: Uitgaand, rapport: Verzendrapport, fout: str, retry_after: float | None = None
    ) -> None:
        wacht = self.beleid.wachttijd(rij.pogingen + 1, self._rng, retry_after)
        await asyncio.to_thread(self.outbox.later, rij.bericht_id, fout, self._klok() + wacht)
        rapport.mislukt += 1
        rapport.laatste_fout = fout
        log.info("%s %s: %s; retry in %.2fs", rij.berichttype, rij.bericht_id, fout, wacht)

    async def _bevestig(self, rij: Uitgaand, antwoord: httpx.Response) -> None:
        inkomend: Bericht | None = None
        fout: str | None = None
        if antwoord.status_code in (200, 201):
            try:
                inkomend = parse_json(antwoord.content)
            except MessageValidationError as exc:
                # The receiver has the message (2xx) but its answer is broken: the same answer
                # also comes through the postvak, so note it and move on.
                fout = f"the {antwoord.status_code} answer is not a valid message: {exc}"
        await asyncio.to_thread(
            self.outbox.bevestig,
            rij.bericht_id,
            antwoord.status_code,
            antwoord.content,
            self._klok(),
            inkomend,
            fout,
        )

    # --- the inbox --------------------------------------------------------------------------------

    async def haal_postvak(self) -> list[Inkomend]:
        """Fetch the municipality's new messages into the inbox; returns the new ones.

        Page by page from the stored cursor; each page and the cursor are stored together, so a
        crash in between fetches the page again and the inbox drops the duplicates.
        """
        nieuw: list[Inkomend] = []
        while True:
            na = await asyncio.to_thread(self.outbox.cursor, self.postvak)
            try:
                antwoord = await self._client.get(
                    f"{self.url}/postvak",
                    params={"na": na, "limiet": _POSTVAK_LIMIET},
                    headers=self._headers,
                )
            except httpx.TransportError as exc:
                raise PostvakError(
                    f"cannot fetch the postvak at {self.url}: {type(exc).__name__}: {exc}"
                ) from None
            if antwoord.status_code != 200:
                raise PostvakError(f"the postvak at {self.url} answered {_probleemtekst(antwoord)}")
            try:
                data = antwoord.json()
                pagina = [(int(b["volgnummer"]), b["bericht"]) for b in data["berichten"]]
                laatste = int(data["laatsteVolgnummer"])
            except (ValueError, KeyError, TypeError) as exc:
                raise PostvakError(
                    f"the postvak at {self.url} answered something unreadable: {exc!r}"
                ) from None
            if not pagina:
                return nieuw
            nieuw += await asyncio.to_thread(
                self.outbox.bewaar_postvak, self.postvak, pagina, laatste, self._klok()
            )
            if len(pagina) < _POSTVAK_LIMIET:
                return nieuw

    # --- the service ------------------------------------------------------------------------------

    async def draai(
        self, stop: asyncio.Event | None = None, *, postvak_interval: float = 10.0
    ) -> None:
        """Run the outbox and the inbox until ``stop`` is set: send whatever is (or gets)
        enqueued, and fetch the postvak every ``postvak_interval`` seconds."""
        stop = stop or asyncio.Event()
        taken = [
            asyncio.create_task(self._verzendlus(stop=stop, tot_leeg=False)),
            asyncio.create_task(self._postvaklus(stop, postvak_interval)),
        ]
        try:
            await asyncio.gather(*taken)
        finally:  # one loop failing stops the other: no half-running service
            stop.set()
            for taak in taken:
                taak.cancel()
            await asyncio.gather(*taken, return_exceptions=True)

    async def _postvaklus(self, stop: asyncio.Event, interval: float) -> None:
        mislukt = 0
        while not stop.is_set():
            try:
                nieuw = await self.haal_postvak()
            except PostvakError as exc:
                mislukt += 1
                wacht = max(interval, self.beleid.wachttijd(mislukt, self._rng))
                # A restart takes a moment; say it loudly only when it lasts.
                niveau = logging.WARNING if mislukt >= 3 else logging.INFO
                log.log(niveau, "%s; next try in %.1fs", exc, wacht)
            else:
                mislukt = 0
                wacht = interval
                for rij in nieuw:
                    log.info("postvak: %s %s", rij.berichttype, rij.bericht_id)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), wacht)

    # --- the creditor's view ----------------------------------------------------------------------

    def kopie(self, conversatie_id: UUID) -> Schuldeiserkopie | None:
        """The creditor's lifecycle copy of the referral in ``conversatie_id``, rebuilt from the
        stores; None when this outbox never held its Verwijzing."""
        uitgaand = self.outbox.alle_uitgaand(conversatie_id=conversatie_id)
        verwijzing = next((r.bericht() for r in uitgaand if r.berichttype == "Verwijzing"), None)
        if not isinstance(verwijzing, Verwijzing):
            return None
        return bouw_kopie(verwijzing, uitgaand, self.outbox.inkomend(conversatie_id))
