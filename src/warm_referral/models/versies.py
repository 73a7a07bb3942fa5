"""Which specVersie a message needs, and the same message for a peer that knows an older one.

A minor version only adds (docs/versiebeheer.md), so most messages say the same thing in every
version: only their ``specVersie`` differs. A message that uses what 1.1 added (a UWV or SVB
referral, Zorg on the afsluitregeling, the drastic measures of a Betaalgedragmelding) needs 1.1;
:func:`voor_peer` restamps a message with the newest version the peer accepts, leaves out the
optional members the peer does not know (listing them), and refuses what cannot be said at all.

>>> from warm_referral.models.versies import kies_spec_versie
>>> kies_spec_versie(["1.0"]), kies_spec_versie(["1.1", "1.0", "2.0"])
('1.0', '1.1')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from .._version import SPEC_VERSIES
from ..errors import PeerVersionError
from .berichten import Bericht

__all__ = ["benodigde_versie", "kies_spec_versie", "voor_peer"]

B = TypeVar("B", bound=Bericht)


def _sleutel(versie: str) -> tuple[int, ...]:
    return tuple(int(deel) for deel in versie.split("."))


def benodigde_versie(bericht: Bericht) -> str:
    """The oldest specVersie that can carry ``bericht`` as it is."""
    return SPEC_VERSIES[1] if any(True for _ in bericht.sinds_1_1()) else SPEC_VERSIES[0]


def kies_spec_versie(peer: Iterable[str]) -> str:
    """The newest version both this library and the peer know (e.g. from the ``specVersies`` of
    the peer's endpoint in the address book). :class:`PeerVersionError` when there is none."""
    gedeeld = set(SPEC_VERSIES) & set(peer)
    if not gedeeld:
        raise PeerVersionError(
            f"the peer accepts specVersie {', '.join(sorted(peer)) or '(none)'}; this library "
            f"writes {', '.join(SPEC_VERSIES)}",
            SPEC_VERSIES[0],
        )
    return max(gedeeld, key=_sleutel)


def voor_peer(bericht: B, peer: Iterable[str]) -> tuple[B, tuple[str, ...]]:
    """``bericht`` as the peer may receive it, and the wire names of the members left out.

    The message gets the newest version both sides know. Optional members that version does not
    know are left out (a Betaalgedragmelding keeps ``regulierBetaald`` for a 1.0 peer); content
    the version cannot carry at all raises :class:`PeerVersionError`. Everything else, the
    berichtId included, stays as it was, so a retry restamped the same way is the same message.
    """
    versie = kies_spec_versie(peer)
    if bericht.spec_versie == versie:
        return bericht, ()
    weggelaten: list[str] = []
    update: dict[str, object] = {"spec_versie": versie}
    if versie == SPEC_VERSIES[0]:
        for naam in type(bericht).weglaatbaar_voor_1_0:
            if getattr(bericht, naam) is not None:
                update[naam] = None
                veld = type(bericht).model_fields[naam]
                weggelaten.append(veld.alias or naam)
    data = {**bericht.model_dump(mode="python", by_alias=False), **update}
    kandidaat = type(bericht).model_construct(**dict(data.items()))
    rest = [wat for _, wat in kandidaat.sinds_1_1()]
    if versie == SPEC_VERSIES[0] and rest:
        raise PeerVersionError(
            f"{'; '.join(rest)} exists from specVersie 1.1 and the peer accepts only 1.0: "
            f"this {bericht.berichttype} cannot go to it",
            SPEC_VERSIES[1],
        )
    nieuw = type(bericht)(**data)
    return nieuw, tuple(weggelaten)
