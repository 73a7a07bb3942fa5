"""RFC 9457 problem details: every 4xx and 5xx of the API is one of these.

The body is a Foutbericht-compatible problem document (``application/problem+json``) that lists
every violation in ``fouten`` (JSON pointer, code, message), as the NL API Design Rules ask.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from warm_referral.errors import Violation

__all__ = ["PROBLEM_JSON", "Probleem", "probleem_body"]

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/problemen/"

_TITELS = {
    400: "Ongeldige invoer",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Formaat niet beschikbaar",
    409: "Conflict",
    413: "Bericht te groot",
    415: "Mediatype niet ondersteund",
    422: "Niet verwerkbaar",
    500: "Interne fout",
    503: "Niet beschikbaar",
}


class Probleem(Exception):
    """Raise anywhere in a request to answer with problem details."""

    def __init__(
        self,
        status: int,
        soort: str,
        detail: str,
        fouten: Iterable[Violation] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.soort = soort
        self.detail = detail
        self.fouten = tuple(fouten)
        self.headers = headers or {}


def probleem_body(probleem: Probleem, instance: str) -> bytes:
    return json.dumps(
        {
            "type": _TYPE_BASE + probleem.soort,
            "title": _TITELS.get(probleem.status, "Fout"),
            "status": probleem.status,
            "detail": probleem.detail,
            "instance": instance,
            "fouten": [
                {"pointer": v.pointer, "code": v.code, "melding": v.melding}
                for v in probleem.fouten
            ],
        },
        ensure_ascii=False,
    ).encode()
