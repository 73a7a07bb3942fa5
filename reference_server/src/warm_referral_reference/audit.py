"""The processing log, in the spirit of Logius' Logboek dataverwerkingen.

One record per processing and data subject, with the W3C trace id of the request (an incoming
``traceparent`` is honoured, else a fresh one is made). The data subject is a keyed hash (HMAC-SHA256
with the configured audit key) of the BSN, or when there is none of name, birth date and postcode:
the same person gives the same value, and nobody without the key can go back. The BSN never
appears in clear in any log.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from warm_referral.models import Hulpvrager

__all__ = ["betrokkene_sleutel", "trace_context"]

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def trace_context(traceparent: str | None) -> tuple[str, str]:
    """(trace id, traceparent to pass on). An invalid or all-zero header starts a new trace."""
    match = _TRACEPARENT.match(traceparent or "")
    # W3C Trace Context: an all-zero trace id or parent id makes the whole header invalid.
    if match and set(match.group(1)) != {"0"} and set(match.group(2)) != {"0"}:
        trace_id = match.group(1)
    else:
        trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


def betrokkene_sleutel(hulpvrager: Hulpvrager, sleutel: bytes) -> str:
    if hulpvrager.bsn is not None:
        identiteit = "bsn:" + hulpvrager.bsn
    else:
        identiteit = "|".join(
            (
                "persoon",
                hulpvrager.geslachtsnaam.casefold(),
                hulpvrager.geboortedatum.isoformat() if hulpvrager.geboortedatum else "",
                hulpvrager.adres.postcode,
                str(hulpvrager.adres.huisnummer),
            )
        )
    return "hmac-sha256:" + hmac.new(sleutel, identiteit.encode(), hashlib.sha256).hexdigest()
