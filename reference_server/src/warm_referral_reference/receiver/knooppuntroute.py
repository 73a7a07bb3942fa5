"""The receiver's side of the route through a knooppunt (issue 19): a creditor without a direct
link reaches this receiver through a store-and-forward router, signed and encrypted end to end.

Each round, in a thread beside the app:

1. **In.** Every envelope in our mailbox is opened with our decryption keys and its signature
   checked against the signing profile's trust anchors (:func:`.postbus.verwerk_postbus`). The
   message is taken in as the creditor that signed it: on this route the verified signature, not
   a token or a TLS certificate, says who sends (and it must be the afzender). A refusal is
   logged and the envelope confirmed: it is the sender's to hear, never the knooppunt's to keep.
2. **Out.** For each creditor the address book lists with an encryption key, the postvak after
   what was forwarded is sealed to that key, signed with our signing certificate, and delivered.
   The Ontvangstbevestiging is in the postvak too, so it travels back this way. The knooppunt
   keeps each berichtId once: a second delivery of one of our own messages (after a restart,
   sealed anew) is answered 409, which here means it is there already.

The configuration's ``knooppunt`` object (paths relative to the file) turns this on; it needs the
``ondertekening`` profile (trust anchors) and the ``adresboek`` (the creditors' keys)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..deelnemers import Deelnemer, Rol
from ..knooppunt.deelnemers import oin_van
from .errors import ConfigError, ReceiverError
from .knooppuntconfig import Knooppuntinstellingen

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from warm_referral.adresboek.model import PubliekeSleutel
    from warm_referral.knooppunt import Geopend

    from ..knooppunt.postbus import Postbusclient
    from .config import Instellingen
    from .domain import Ontvanger

__all__ = ["Knooppuntroute", "Rondeverslag", "draai_route", "postbusclient", "uitvoerder"]

logger = logging.getLogger("warm_referral_reference.receiver.knooppunt")

Uitvoerder = Callable[[Callable[[], "Awaitable[Any]"]], Any]
"""Runs a coroutine function on the app's event loop from the route's thread; its result."""


@dataclass
class Rondeverslag:
    """What one round did."""

    aangenomen: list[str] = field(default_factory=list)
    """berichtIds taken in."""
    geweigerd: dict[str, str] = field(default_factory=dict)
    """berichtId of each refused envelope or message: the code."""
    doorgestuurd: list[str] = field(default_factory=list)
    """berichtIds of our messages delivered to the knooppunt."""


def postbusclient(route: Knooppuntinstellingen) -> Postbusclient:
    """Our client of the knooppunt's REST binding, with our credentials."""
    from ..knooppunt.postbus import Postbusclient

    opties: dict[str, Any] = {}
    if route.cert is not None and route.key is not None:
        opties["cert"] = (str(route.cert), str(route.key))
    if route.ca is not None:
        opties["verify"] = str(route.ca)
    return Postbusclient.voor(route.url, token=route.token, **opties)


class Knooppuntroute:
    """One receiver's link with its knooppunt. :meth:`ronde` blocks (HTTP to the knooppunt):
    run it in a thread; ``uitvoer`` runs the receiver's coroutines on the app's loop."""

    def __init__(
        self,
        instellingen: Instellingen,
        ontvanger: Ontvanger,
        client: Postbusclient,
        uitvoer: Uitvoerder,
    ) -> None:
        route = instellingen.knooppunt
        if route is None or instellingen.ondertekening is None or instellingen.bediening is None:
            raise ConfigError("the knooppunt route needs 'knooppunt', 'ondertekening', 'adresboek'")
        self.route = route
        self.ankers = instellingen.ondertekening.vertrouwensankers
        self.boek = instellingen.bediening.boek
        self.ontvanger = ontvanger
        self.client = client
        self.uitvoer = uitvoer
        self.per_oin = {
            oin: d
            for d in instellingen.deelnemers
            if d.rol is Rol.SCHULDEISER and (oin := oin_van(d)) is not None
        }
        self.doorgestuurd_tot: dict[str, int] = {}
        """Per creditor OIN: the last postvak volgnummer delivered (from 0 after a restart)."""

    def _sleutel_van(self, oin: str) -> PubliekeSleutel | None:
        from warm_referral.knooppunt import SealingError, kies_versleutelsleutel

        try:
            return kies_versleutelsleutel(self.boek.organisatie(oin).sleutels)
        except (KeyError, SealingError):
            return None  # not in the address book, or no encryption key: not on this route

    def ronde(self) -> Rondeverslag:
        """Empty our mailbox into the receiver, then forward the postvak of every creditor the
        address book gives a key."""
        from datetime import datetime

        from ..knooppunt.postbus import verwerk_postbus

        verslag = Rondeverslag()

        def nu() -> datetime:
            moment: datetime = self.uitvoer(self.ontvanger.nu)
            return moment

        def neem_aan(geopend: Geopend) -> None:
            bericht_id = str(geopend.envelop.bericht_id)
            wie = self.per_oin.get(geopend.ondertekenaar.oin or "")
            if wie is None:
                logger.warning("envelope %s: signer %s is no creditor here", bericht_id,
                               geopend.ondertekenaar.oin)  # fmt: skip
                verslag.geweigerd[bericht_id] = "onbekende-deelnemer"
                return
            xml = geopend.bericht.lstrip().startswith(b"<")

            async def aanlevering() -> Any:
                return await self.ontvanger.ontvang_bericht(
                    wie,
                    geopend.bericht,
                    xml=xml,
                    trace_id=bericht_id.replace("-", ""),
                    ondertekenaar=geopend.ondertekenaar,
                )

            try:
                self.uitvoer(aanlevering)
            except ReceiverError as exc:
                logger.warning("envelope %s from %s refused: %s [%s]", bericht_id,
                               geopend.ondertekenaar.oin, exc.detail, exc.code)  # fmt: skip
                verslag.geweigerd[bericht_id] = exc.code
                return
            verslag.aangenomen.append(bericht_id)

        for uitkomst in verwerk_postbus(
            self.client, self.route.ontsleutelsleutels, self.ankers, nu, neem_aan
        ):
            if uitkomst.geweigerd is not None:
                verslag.geweigerd[uitkomst.bericht_id] = uitkomst.geweigerd
        for oin, wie in self.per_oin.items():
            sleutel = self._sleutel_van(oin)
            if sleutel is not None:
                self._stuur_door(oin, wie, sleutel, nu, verslag)
        return verslag

    def _stuur_door(
        self,
        oin: str,
        wie: Deelnemer,
        sleutel: PubliekeSleutel,
        nu: Callable[[], Any],
        verslag: Rondeverslag,
    ) -> None:
        from warm_referral.knooppunt import verzegel

        from ..knooppunt.postbus import KnooppuntRefused

        while True:
            na = self.doorgestuurd_tot.get(oin, 0)

            async def lees(na: int = na) -> Any:
                return await self.ontvanger.postvak(wie, na, 100)

            postvak = self.uitvoer(lees)
            if not postvak.berichten:
                return
            for item in postvak.berichten:
                bericht = item.bericht
                envelop = verzegel(bericht.to_json(), sleutel, self.route.ondertekening, nu())
                try:
                    self.client.lever_af(envelop)
                except KnooppuntRefused as exc:
                    if exc.status != 409:
                        raise
                    # Ours already (sealed anew after a restart): the knooppunt keeps it once.
                self.doorgestuurd_tot[oin] = item.volgnummer
                verslag.doorgestuurd.append(str(bericht.bericht_id))


async def draai_route(route: Knooppuntroute, interval: float) -> None:
    """Run :meth:`Knooppuntroute.ronde` every ``interval`` seconds in a thread until cancelled;
    a failing round is logged and the next one tries again (unconfirmed envelopes wait)."""
    while True:
        try:
            verslag = await asyncio.to_thread(route.ronde)
        except Exception:
            logger.exception("a knooppunt round failed; the next one runs in %.0f s", interval)
        else:
            if verslag.aangenomen or verslag.geweigerd or verslag.doorgestuurd:
                logger.info(
                    "knooppunt: %d taken in, %d refused, %d forwarded",
                    len(verslag.aangenomen),
                    len(verslag.geweigerd),
                    len(verslag.doorgestuurd),
                )
        await asyncio.sleep(interval)


def uitvoerder(lus: asyncio.AbstractEventLoop) -> Uitvoerder:
    """Run a coroutine function on ``lus`` (the app's loop) from another thread; its result."""

    def uitvoer(functie: Callable[[], Awaitable[Any]]) -> Any:
        async def roep() -> Any:
            return await functie()

        return asyncio.run_coroutine_threadsafe(roep(), lus).result()

    return uitvoer
