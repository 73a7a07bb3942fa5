"""A participant's side of the knooppunt: deliver sealed envelopes, and empty the own mailbox by
opening each envelope, handing the message on and confirming it.

This is the adapter with which the reference sender and receiver work through a knooppunt instead
of directly: the sender seals (:func:`warm_referral.knooppunt.verzegel`) and delivers; the
receiving side calls :func:`verwerk_postbus` with what it does with an opened message (for the
municipality: hand it to its receiver, and seal the answer back). Every envelope is confirmed once
it is dealt with, refused ones included (WD-KNP-07): a refusal is the sender's to hear, through a
Foutbericht, not the knooppunt's to keep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from warm_referral.errors import RemoteProtocolError
from warm_referral.knooppunt import Envelop, Geopend, ontzegel

if TYPE_CHECKING:
    from joserfc.jwk import ECKey, RSAKey

    from warm_referral.ondertekening import Vertrouwensankers

__all__ = ["KnooppuntRefused", "Postbusclient", "Verwerkt", "verwerk_postbus"]

logger = logging.getLogger("warm_referral_reference.knooppunt.postbus")


class KnooppuntRefused(Exception):
    """The knooppunt refused a request: ``status`` and its problem ``code``."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status, self.code = status, code


class Postbusclient:
    """The knooppunt's REST binding, for one participant (its credentials are on ``http``)."""

    def __init__(self, http: httpx.Client, basis: str = "/v1") -> None:
        self.http = http
        self.basis = basis

    @classmethod
    def voor(
        cls, url: str, *, token: str | None = None, timeout: float = 30.0, **opties: Any
    ) -> Postbusclient:
        """A client of the knooppunt at ``url`` (its base URL, ``.../v1``) with our credentials:
        a bearer ``token`` (development), or httpx's ``cert`` and ``verify`` (mutual TLS)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        http = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout, **opties)
        return cls(http, basis="")

    def _controleer(self, antwoord: httpx.Response) -> httpx.Response:
        if antwoord.is_success:
            return antwoord
        try:
            probleem: dict[str, Any] = antwoord.json()
        except ValueError:
            probleem = {}
        code = str(probleem.get("type", "")).rsplit("/", 1)[-1] or "onbekend"
        raise KnooppuntRefused(antwoord.status_code, code, str(probleem.get("detail", "")))

    def lever_af(self, envelop: Envelop | bytes) -> dict[str, Any]:
        """Deliver; the receipt. Deliver the same bytes again after a failure (WD-KNP-02)."""
        data = envelop.to_json() if isinstance(envelop, Envelop) else envelop
        antwoord = self.http.post(
            f"{self.basis}/enveloppen", content=data, headers={"Content-Type": "application/json"}
        )
        bewijs: dict[str, Any] = self._controleer(antwoord).json()
        return bewijs

    def postbus(self) -> list[dict[str, Any]]:
        regels: list[dict[str, Any]] = self._controleer(
            self.http.get(f"{self.basis}/postbus")
        ).json()["enveloppen"]
        return regels

    def haal_op(self, bericht_id: str) -> bytes:
        return self._controleer(self.http.get(f"{self.basis}/postbus/{bericht_id}")).content

    def bevestig(self, bericht_id: str) -> None:
        self._controleer(self.http.delete(f"{self.basis}/postbus/{bericht_id}"))


@dataclass(frozen=True, slots=True)
class Verwerkt:
    """What became of one envelope: opened and handed on, or refused with a stable code."""

    bericht_id: str
    geopend: Geopend | None
    geweigerd: str | None = None
    """The code of the refusal (``ontsleutelen_mislukt``, ``handtekening_ongeldig``, ...)."""


def verwerk_postbus(
    client: Postbusclient,
    sleutels: Mapping[str, ECKey | RSAKey],
    vertrouwd: Vertrouwensankers,
    nu: Callable[[], datetime],
    verwerk: Callable[[Geopend], None],
) -> list[Verwerkt]:
    """Open every waiting envelope (our keys, the trusted roots, at ``nu()``), hand each good
    message to ``verwerk``, and confirm each envelope once it is dealt with. ``verwerk`` raising
    leaves the envelope unconfirmed: it is offered again on the next round (or expires)."""
    uitkomsten = []
    for regel in client.postbus():
        bericht_id = str(regel["berichtId"])
        data = client.haal_op(bericht_id)
        try:
            geopend = ontzegel(data, sleutels, vertrouwd, nu())
        except RemoteProtocolError as exc:
            code = str(getattr(exc, "code", type(exc).__name__))
            logger.warning("refused envelope %s from %s: %s", bericht_id, regel["afzender"], code)
            uitkomsten.append(Verwerkt(bericht_id, None, code))
        else:
            verwerk(geopend)
            uitkomsten.append(Verwerkt(bericht_id, geopend))
        client.bevestig(bericht_id)
    return uitkomsten
