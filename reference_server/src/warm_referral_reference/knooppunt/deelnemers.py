"""Who has a mailbox at the knooppunt: one small lookup, to be replaced by the participants
register of the agreement system (issue 12) without touching the rest."""

from __future__ import annotations

from collections.abc import Iterable

from warm_referral.identifiers import oin as _oin

from ..deelnemers import DEV_DEELNEMERS, Deelnemer

__all__ = ["oin_van", "postbushouder"]


def oin_van(deelnemer: Deelnemer) -> str | None:
    """A participant's OIN on the route: its own, or the one derived from its KvK number."""
    if deelnemer.oin:
        return deelnemer.oin
    if deelnemer.kvk_nummer:
        return _oin.from_kvk(deelnemer.kvk_nummer)
    return None


def postbushouder(oin: str, deelnemers: Iterable[Deelnemer] = DEV_DEELNEMERS) -> Deelnemer | None:
    """The participant with OIN ``oin``, whose mailbox an envelope to that OIN goes to."""
    return next((d for d in deelnemers if oin_van(d) == oin), None)
