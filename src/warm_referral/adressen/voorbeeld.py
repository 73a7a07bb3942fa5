"""The shipped synthetic sample tables as ready indexes (tests, docs and the demo).

See ``warm_referral/data/adressen/README.md`` for what the samples contain. Never route real
referrals with them.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

from .cbs import index_uit_cbs
from .index import Adresindex

__all__ = ["VOORBEELD_JAREN", "voorbeeldindex", "voorbeeldtabel"]

VOORBEELD_JAREN = (2022, 2025)


def voorbeeldtabel(jaar: int = 2025) -> str:
    """The text of a sample table in the CBS form."""
    if jaar not in VOORBEELD_JAREN:
        raise ValueError(f"there are samples for {VOORBEELD_JAREN}, not for {jaar}")
    return (
        resources.files("warm_referral")
        .joinpath(f"data/adressen/pc6hnr{jaar}0801_gwb-voorbeeld.csv")
        .read_text(encoding="utf-8")
    )


@cache
def voorbeeldindex(jaar: int = 2025) -> Adresindex:
    """An index of a sample table (classification of 1 January of ``jaar``)."""
    bestand = io.StringIO(voorbeeldtabel(jaar))
    return index_uit_cbs(bestand, jaar=jaar, naam=f"CBS {jaar} (synthetic sample)")
