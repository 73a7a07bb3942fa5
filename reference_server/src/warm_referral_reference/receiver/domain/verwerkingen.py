"""The processing log, in the spirit of Logius' Logboek dataverwerkingen.

One record per processing and data subject, with the W3C trace id of the request (an incoming
``traceparent`` is honoured, else a fresh one is made: see the HTTP layer's ``tracing``). The data
subject is a keyed hash (HMAC-SHA256 with the configured audit key) of the BSN, or when there is
none of name, birth date and postcode: the same person gives the same value, and nobody without
the key can go back. The BSN never appears in clear in any log.
"""

from __future__ import annotations

import hashlib
import hmac

from warm_referral.models import Hulpvrager

__all__ = ["betrokkene_sleutel"]


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
