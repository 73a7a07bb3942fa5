"""The knooppunt's use cases: deliver, list, fetch, confirm (WD-KNP-01 to 05), on the test clock.

The knooppunt reads the envelope's schema (:func:`warm_referral.knooppunt.lees_envelop`) and
nothing inside: it has no key. Every operation first lets what is due expire, so expiry follows
the clock (the test clock included) without a background job. The log names envelope fields
only (WD-KNP-06).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

import anyio.to_thread

from warm_referral import format_tijdstip, parse_json_as
from warm_referral.errors import MessageValidationError
from warm_referral.knooppunt import EnvelopeError, Knooppuntprofiel, lees_envelop

from ..deelnemers import Deelnemer
from ..receiver.domain.weergaven import Testklok
from ..receiver.errors import BerichtIdReused, ClockBackwards, InvalidRequest, WrongSender
from .deelnemers import oin_van, postbushouder
from .fouten import EnvelopeNotFound, InvalidEnvelope, UnknownRecipient
from .modellen import Afleverbewijs, Postbus, Postbusregel
from .opslag import Aflevering, Opslag, Status, Transactie

__all__ = ["Knooppunt"]

logger = logging.getLogger("warm_referral_reference.knooppunt")

T = TypeVar("T")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _regel(a: Aflevering) -> Postbusregel:
    return Postbusregel.model_validate(
        {
            "berichttype": a.berichttype,
            "specVersie": a.spec_versie,
            "berichtId": a.bericht_id,
            "conversatieId": a.conversatie_id,
            "afzender": a.afzender,
            "ontvanger": a.ontvanger,
            "afgeleverdOp": a.afgeleverd_op,
            "vervaltOp": a.vervalt_op,
        }
    )


def _bewijs(a: Aflevering) -> Afleverbewijs:
    return Afleverbewijs.model_validate(
        {
            "berichtId": a.bericht_id,
            "ontvanger": a.ontvanger,
            "afgeleverdOp": a.afgeleverd_op,
            "vervaltOp": a.vervalt_op,
        }
    )


class Knooppunt:
    """The router. ``testklok``: whether the stored test clock (when set) replaces ``klok``."""

    def __init__(
        self,
        opslag: Opslag,
        profiel: Knooppuntprofiel,
        *,
        deelnemers: tuple[Deelnemer, ...],
        testklok: bool,
        klok: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.opslag = opslag
        self.profiel = profiel
        self.deelnemers = deelnemers
        self.testklok = testklok
        self._klok = klok

    def _nu(self, tx: Transactie) -> datetime:
        if self.testklok:
            gezet = tx.klok()
            if gezet is not None:
                return gezet
        return self._klok()

    async def _transactie(self, werk: Callable[[Transactie, datetime], T]) -> T:
        def binnen(tx: Transactie) -> T:
            nu = self._nu(tx)
            vervallen = tx.laat_vervallen(nu)
            if vervallen:
                logger.info("%d envelope(s) expired unconfirmed", vervallen)
            return werk(tx, nu)

        return await anyio.to_thread.run_sync(self.opslag.transactie, binnen)

    # --- the profile's operations ------------------------------------------------------------

    async def lever_af(self, wie: Deelnemer, data: bytes) -> tuple[bool, Afleverbewijs]:
        """Put an envelope in its recipient's mailbox; ``(new, receipt)``. A repeated delivery
        of the same envelope is answered as the first (WD-KNP-02)."""
        try:
            envelop = lees_envelop(data)
        except EnvelopeError as exc:
            raise InvalidEnvelope(str(exc), getattr(exc, "violations", ())) from None
        eigen = oin_van(wie)
        if envelop.afzender != eigen:
            raise WrongSender(
                f"the envelope's afzender is OIN {envelop.afzender}; you deliver as {eigen}"
            )
        if postbushouder(envelop.ontvanger, self.deelnemers) is None:
            raise UnknownRecipient(f"OIN {envelop.ontvanger} has no mailbox at this knooppunt")
        vingerafdruk = hashlib.sha256(envelop.to_json()).hexdigest()
        bericht_id = str(envelop.bericht_id)

        def werk(tx: Transactie, nu: datetime) -> tuple[bool, Afleverbewijs]:
            eerder = tx.zoek(bericht_id)
            if eerder is not None:
                if eerder.afzender != envelop.afzender or eerder.vingerafdruk != vingerafdruk:
                    raise BerichtIdReused(
                        f"berichtId {bericht_id} was delivered before with another envelope"
                    )
                return False, _bewijs(eerder)
            tx.bewaar(envelop, data, vingerafdruk, nu, self.profiel.vervalt_op(nu))
            nieuw = tx.zoek(bericht_id)
            assert nieuw is not None
            logger.info(
                "delivered %s %s (conversatie %s) from %s to %s",
                envelop.berichttype,
                bericht_id,
                envelop.conversatie_id,
                envelop.afzender,
                envelop.ontvanger,
            )
            return True, _bewijs(nieuw)

        return await self._transactie(werk)

    async def postbus(self, wie: Deelnemer, limiet: int) -> Postbus:
        """The caller's waiting envelopes, oldest first, without content (WD-KNP-03)."""
        eigen = oin_van(wie) or ""
        rijen = await self._transactie(lambda tx, nu: tx.postbus(eigen, limiet))
        return Postbus(enveloppen=[_regel(a) for a in rijen])

    async def haal_op(self, wie: Deelnemer, bericht_id: str) -> bytes:
        """The envelope as delivered; only from the caller's own mailbox (WD-KNP-03)."""
        eigen = oin_van(wie)

        def werk(tx: Transactie, nu: datetime) -> bytes:
            a = tx.zoek(bericht_id)
            if a is None or a.ontvanger != eigen or a.data is None:
                raise EnvelopeNotFound(f"no envelope {bericht_id} waits in your mailbox")
            return a.data

        return await self._transactie(werk)

    async def bevestig(self, wie: Deelnemer, bericht_id: str) -> None:
        """Remove the envelope from the caller's mailbox; again is no error (WD-KNP-04)."""
        eigen = oin_van(wie)

        def werk(tx: Transactie, nu: datetime) -> None:
            a = tx.zoek(bericht_id)
            if a is None or a.ontvanger != eigen or a.status == Status.VERVALLEN:
                raise EnvelopeNotFound(f"no envelope {bericht_id} waits in your mailbox")
            if a.status == Status.WACHT:
                tx.bevestig(bericht_id)
                logger.info("confirmed %s %s by %s", a.berichttype, bericht_id, eigen)

        await self._transactie(werk)

    # --- the test clock ------------------------------------------------------------------------

    async def zet_klok(self, data: bytes) -> Testklok:
        """Move the test clock forward (never back); what is then due expires."""
        try:
            gevraagd: Testklok = parse_json_as(Testklok, data)
        except MessageValidationError as exc:
            raise InvalidRequest('send {"nu": "<RFC 3339 date-time>"}', exc.violations) from None

        def werk(tx: Transactie) -> None:
            huidig = tx.klok()
            if huidig is not None and gevraagd.nu < huidig:
                raise ClockBackwards(
                    f"the test clock cannot go back from {format_tijdstip(huidig)}"
                )
            tx.zet_klok(gevraagd.nu)
            tx.laat_vervallen(gevraagd.nu)

        await anyio.to_thread.run_sync(self.opslag.transactie, werk)
        return gevraagd

    async def klok(self) -> Testklok:
        return Testklok(nu=await self._transactie(lambda tx, nu: nu))
