"""Who has a mailbox at the knooppunt: every participant the services know (the participants
register, :mod:`warm_referral_reference.deelnemers`), found by OIN. One small lookup, so that the
rest of the knooppunt does not depend on where the participants come from."""

from __future__ import annotations

from collections.abc import Iterable

from warm_referral.identifiers import oin as _oin

from ..deelnemers import Deelnemer, dev_deelnemers

__all__ = ["oin_van", "postbushouder"]


def oin_van(deelnemer: Deelnemer) -> str | None:
    """A participant's OIN on the route: its own, or the one derived from its KvK number."""
    if deelnemer.oin:
        return deelnemer.oin
    if deelnemer.kvk_nummer:
        return _oin.from_kvk(deelnemer.kvk_nummer)
    return None


def postbushouder(oin: str, deelnemers: Iterable[Deelnemer] | None = None) -> Deelnemer | None:
    """The participant with OIN ``oin`` (among ``deelnemers``, default those of development
    mode), whose mailbox an envelope to that OIN goes to."""
    alle = dev_deelnemers() if deelnemers is None else deelnemers
    return next((d for d in alle if oin_van(d) == oin), None)
