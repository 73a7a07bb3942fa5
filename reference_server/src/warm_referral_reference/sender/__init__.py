"""The reference sender: the creditor's side of the warm referral.

A durable outbox (:mod:`.outbox`), a client that delivers every message exactly once however
the receiver crashes (:mod:`.client`), the creditor's lifecycle copy (:mod:`.kopie`), message
builders (:mod:`.bouwen`), the ``send`` and ``serve sender`` commands (:mod:`.cli`), and its errors
(:mod:`.errors`). It never imports the receiver: the two meet over HTTP (:mod:`.ontvangerproces`
starts a receiver as a child process, for the demo and the crash test).

Names are imported on first use, so that ``warm-referral --help`` does not load httpx and pydantic
for a command it does not run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .bouwen import (
        bouw_intrekking,
        bouw_statusverzoek,
        bouw_verwijzing,
        synthetische_verwijzing,
    )
    from .client import Retrybeleid, Verzender, Verzendrapport
    from .errors import (
        BerichtIdReused,
        InvalidReceiverUrl,
        OutboxError,
        PostvakError,
        ReceiverStartError,
        SenderError,
    )
    from .kopie import Schuldeiserkopie, bouw_kopie
    from .outbox import Inkomend, Outbox, Status, Uitgaand

_WAAR = {
    "bouw_intrekking": ".bouwen",
    "bouw_statusverzoek": ".bouwen",
    "bouw_verwijzing": ".bouwen",
    "synthetische_verwijzing": ".bouwen",
    "InvalidReceiverUrl": ".errors",
    "PostvakError": ".errors",
    "Retrybeleid": ".client",
    "SenderError": ".errors",
    "Verzender": ".client",
    "Verzendrapport": ".client",
    "Schuldeiserkopie": ".kopie",
    "bouw_kopie": ".kopie",
    "BerichtIdReused": ".errors",
    "Inkomend": ".outbox",
    "Outbox": ".outbox",
    "OutboxError": ".errors",
    "ReceiverStartError": ".errors",
    "Status": ".outbox",
    "Uitgaand": ".outbox",
}

__all__ = [
    "BerichtIdReused",
    "Inkomend",
    "InvalidReceiverUrl",
    "Outbox",
    "OutboxError",
    "PostvakError",
    "ReceiverStartError",
    "Retrybeleid",
    "Schuldeiserkopie",
    "SenderError",
    "Status",
    "Uitgaand",
    "Verzender",
    "Verzendrapport",
    "bouw_intrekking",
    "bouw_kopie",
    "bouw_statusverzoek",
    "bouw_verwijzing",
    "synthetische_verwijzing",
]


def __getattr__(naam: str) -> Any:
    module = _WAAR.get(naam)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {naam!r}")
    return getattr(importlib.import_module(module, __name__), naam)
