"""The reference sender on the route through a knooppunt (issue 19): for a creditor without a
direct link, such as a bailiff referring on consent.

:class:`Knooppuntverzender` is the :class:`~.client.Verzender` with two things changed:

- **Sending** seals each message (signed with our signing certificate, encrypted to the key the
  address book gives the recipient organisation) and delivers the envelope to the knooppunt. The
  knooppunt's receipt ends the attempts: it holds the envelope until the recipient fetches it.
  The Ontvangstbevestiging comes later, through our mailbox. A retry seals anew, and the knooppunt
  keeps each berichtId once: its 409 for our own berichtId means it is there already.
- **The inbox** is our mailbox at the knooppunt: each envelope is opened with our decryption keys,
  its signature checked against the trusted roots, the message stored in the inbox (an
  Ontvangstbevestiging acknowledges its Verwijzing there, as through the postvak), and the
  envelope confirmed. A refused envelope is logged and confirmed.

The outbox, its retry policy, the lifecycle copy and the CLI are the direct route's.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import httpx

from warm_referral.errors import WarmReferralError

from ..knooppunt.postbus import KnooppuntRefused, Postbusclient, verwerk_postbus
from .client import Verzender, Verzendrapport
from .errors import PostvakError
from .outbox import Inkomend, Uitgaand

if TYPE_CHECKING:
    from joserfc.jwk import ECKey, RSAKey

    from warm_referral.adresboek import Adresboek
    from warm_referral.knooppunt import Envelop, Geopend
    from warm_referral.ondertekening import Certificaatsleutel, Vertrouwensankers

    from .outbox import Outbox

__all__ = ["Knooppuntverzender"]

log = logging.getLogger("warm_referral_reference.sender.knooppunt")


class Knooppuntverzender(Verzender):
    """Send through the knooppunt at ``url`` (its base URL, ``.../v1``)."""

    def __init__(
        self,
        outbox: Outbox,
        url: str,
        *,
        adresboek: Adresboek,
        ondertekening: Certificaatsleutel,
        ontsleutelsleutels: Mapping[str, ECKey | RSAKey],
        vertrouwd: Vertrouwensankers,
        **opties: Any,
    ) -> None:
        super().__init__(outbox, url, ondertekening=ondertekening, **opties)
        self.adresboek = adresboek
        self.ontsleutelsleutels = ontsleutelsleutels
        self.vertrouwd = vertrouwd
        self.postvak = f"knooppunt:{self.url}"
        self._postbus = Postbusclient.voor(
            self.url,
            token=opties.get("token"),
            timeout=opties.get("timeout", 10.0),
            **dict(opties.get("client_opties") or {}),
        )

    async def aclose(self) -> None:
        await super().aclose()
        self._postbus.http.close()

    def _nu(self) -> datetime:
        return datetime.fromtimestamp(self._klok(), timezone.utc)

    def _verzegel(self, rij: Uitgaand) -> Envelop:
        from warm_referral.knooppunt import kies_versleutelsleutel, partij_oin, verzegel

        assert self.ondertekening is not None
        ontvanger = partij_oin(rij.bericht().ontvanger)
        if ontvanger is None:
            raise ValueError("the message's ontvanger has no OIN or KvK number")
        try:
            organisatie = self.adresboek.organisatie(ontvanger)
        except KeyError:
            raise ValueError(f"OIN {ontvanger} is not in the address book") from None
        sleutel = kies_versleutelsleutel(organisatie.sleutels)
        return verzegel(rij.body, sleutel, self.ondertekening, self._nu())

    async def _poging(self, rij: Uitgaand, rapport: Verzendrapport) -> None:
        """One delivery to the knooppunt, and its outcome stored before returning."""
        rapport.pogingen += 1
        try:
            envelop = self._verzegel(rij)
        except (ValueError, WarmReferralError) as exc:
            await self._weiger(rij, rapport, 0, f"cannot be sealed: {exc}", b"")
            return
        try:
            bewijs = await asyncio.to_thread(self._postbus.lever_af, envelop)
        except httpx.TransportError as exc:
            self.storingen[type(exc).__name__] += 1
            await self._later(rij, rapport, f"no answer: {type(exc).__name__}: {exc}".rstrip(": "))
            return
        except KnooppuntRefused as exc:
            if exc.status == 409:  # our own berichtId, sealed before: the knooppunt has it
                bewijs = {"berichtId": str(rij.bericht_id), "al": "afgeleverd"}
            elif exc.status in (408, 425, 429) or exc.status >= 500:
                self.storingen[str(exc.status)] += 1
                await self._later(rij, rapport, str(exc))
                return
            else:
                await self._weiger(rij, rapport, exc.status, str(exc), b"")
                return
        await asyncio.to_thread(
            self.outbox.bevestig,
            rij.bericht_id,
            202,
            json.dumps(bewijs).encode(),
            self._klok(),
            None,
            None,
        )
        rapport.bevestigd += 1

    async def _weiger(
        self, rij: Uitgaand, rapport: Verzendrapport, status: int, fout: str, antwoord: bytes
    ) -> None:
        await asyncio.to_thread(
            self.outbox.weiger, rij.bericht_id, status, fout, antwoord, self._klok()
        )
        rapport.geweigerd += 1
        rapport.geweigerde.append(rij.bericht_id)
        log.warning("%s %s refused: %s", rij.berichttype, rij.bericht_id, fout)

    async def haal_postvak(self) -> list[Inkomend]:
        """Empty our mailbox at the knooppunt into the inbox; returns the new messages."""
        nieuw: list[Inkomend] = []

        def bewaar(geopend: Geopend) -> None:
            from warm_referral.codec.detect import parse_any

            document = json.loads(parse_any(geopend.bericht).to_json())  # XML too
            nieuw.extend(self.outbox.bewaar_postvak(self.postvak, [(0, document)], 0, self._klok()))

        try:
            uitkomsten = await asyncio.to_thread(
                verwerk_postbus,
                self._postbus,
                self.ontsleutelsleutels,
                self.vertrouwd,
                self._nu,
                bewaar,
            )
        except (httpx.HTTPError, KnooppuntRefused) as exc:
            raise PostvakError(f"cannot empty our mailbox at {self.url}: {exc}") from None
        for uitkomst in uitkomsten:
            if uitkomst.geweigerd is not None:
                log.warning("envelope %s refused: %s", uitkomst.bericht_id, uitkomst.geweigerd)
        return nieuw
