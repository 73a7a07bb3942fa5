"""The access policy: who may do what, over which referrals. One table, checked here only.

:data:`BELEID` maps role x operation to a scope (:class:`Bereik`): the caller's own referrals, those
of the municipalities it serves, or everything (the test clock). A role without an entry for an
operation is refused with the reason in :data:`WEIGERING`. Every use case asks
:func:`toegang` first, then lets the returned :class:`Toegang` decide which referrals the caller
sees: a referral outside its scope is, to the caller, one that does not exist.

Adding a role (NVVK's aggregate view, say) or an operation (a monitoring endpoint) is a row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from ...deelnemers import Deelnemer, Rol
from ..errors import AccessDenied
from ..storage import DossierIndex

__all__ = ["BELEID", "WEIGERING", "Bereik", "Operatie", "Toegang", "toegang"]


class Operatie(str, Enum):
    """What a caller asks of the receiver (one per API operation)."""

    BERICHT_AANLEVEREN = "bericht aanleveren"
    POSTVAK_LEZEN = "postvak lezen"
    VERWIJZINGEN_ZOEKEN = "verwijzingen zoeken"
    VERWIJZING_LEZEN = "verwijzing lezen"
    ACTIE_REGISTREREN = "actie registreren"
    TERMIJNBEWAKING_LEZEN = "termijnbewaking lezen"
    TESTKLOK_LEZEN = "testklok lezen"
    TESTKLOK_ZETTEN = "testklok zetten"
    MONITORING_LEZEN = "monitoring lezen"


class Bereik(str, Enum):
    """Which referrals an operation reaches for a caller."""

    EIGEN = "eigen"
    """The referrals the caller sent (a creditor's own)."""
    GEMEENTEN = "gemeenten"
    """The referrals addressed to the municipalities the caller serves."""
    ALLES = "alles"
    """Not about particular referrals (the test clock), or aggregates over every municipality
    (NVVK's monitoring)."""


_O, _B = Operatie, Bereik

#: Role x operation -> scope. Not listed: refused.
BELEID: dict[Rol, dict[Operatie, Bereik]] = {
    Rol.SCHULDEISER: {
        _O.BERICHT_AANLEVEREN: _B.EIGEN,
        _O.POSTVAK_LEZEN: _B.EIGEN,
        _O.VERWIJZINGEN_ZOEKEN: _B.EIGEN,
        _O.VERWIJZING_LEZEN: _B.EIGEN,
    },
    Rol.OPERATOR: {
        _O.VERWIJZINGEN_ZOEKEN: _B.GEMEENTEN,
        _O.VERWIJZING_LEZEN: _B.GEMEENTEN,
        _O.ACTIE_REGISTREREN: _B.GEMEENTEN,
        _O.TERMIJNBEWAKING_LEZEN: _B.GEMEENTEN,
        _O.TESTKLOK_LEZEN: _B.ALLES,
        _O.TESTKLOK_ZETTEN: _B.ALLES,
        _O.MONITORING_LEZEN: _B.GEMEENTEN,
    },
    # Aggregates only (WD-MON-04): no operation on a referral, a message or the postvak.
    Rol.NVVK: {
        _O.MONITORING_LEZEN: _B.ALLES,
    },
}

#: What a refused caller is told, per operation.
WEIGERING: dict[Operatie, str] = {
    _O.BERICHT_AANLEVEREN: "only a creditor delivers messages here",
    _O.POSTVAK_LEZEN: "the postvak holds messages for creditors",
    _O.VERWIJZINGEN_ZOEKEN: "your role may not list referrals",
    _O.VERWIJZING_LEZEN: "your role may not read referrals",
    _O.ACTIE_REGISTREREN: "only an operator of the municipality may do this",
    _O.TERMIJNBEWAKING_LEZEN: "the deadline monitor is for operators",
    _O.TESTKLOK_LEZEN: "the test clock is for operators",
    _O.TESTKLOK_ZETTEN: "only an operator may move the test clock",
    _O.MONITORING_LEZEN: "monitoring figures are for operators and NVVK",
}


@dataclass(frozen=True)
class Toegang:
    """One caller's access for one operation: what it may see."""

    wie: Deelnemer
    operatie: Operatie
    bereik: Bereik

    def ziet(self, index: DossierIndex) -> bool:
        """May the caller reach this referral? (If not, to the caller it does not exist.)"""
        if self.bereik is Bereik.EIGEN:
            return index.schuldeiser == self.wie.sleutel
        if self.bereik is Bereik.GEMEENTEN:
            return index.gemeentecode in self.wie.gemeentecodes
        return True

    def selectie(self, gemeentecode: str | None = None) -> dict[str, Any]:
        """The filter of a store query that lists what the caller may see; ``gemeentecode``
        narrows the list to one municipality (for an operator, one it serves: another is
        refused). A filter the caller sends is applied or refused, never ignored."""
        if self.bereik is Bereik.EIGEN:
            eigen: dict[str, Any] = {"schuldeiser": self.wie.sleutel}
            if gemeentecode is not None:
                eigen["gemeentecodes"] = [gemeentecode]
            return eigen
        if self.bereik is Bereik.GEMEENTEN:
            if gemeentecode is None:
                return {"gemeentecodes": sorted(self.wie.gemeentecodes)}
            if gemeentecode not in self.wie.gemeentecodes:
                raise AccessDenied(f"you do not serve gemeentecode {gemeentecode}")
            return {"gemeentecodes": [gemeentecode]}
        return {}


def toegang(wie: Deelnemer, operatie: Operatie) -> Toegang:
    """The caller's access for ``operatie``; :class:`AccessDenied` when its role has none."""
    bereik = BELEID.get(wie.rol, {}).get(operatie)
    if bereik is None:
        raise AccessDenied(WEIGERING[operatie])
    return Toegang(wie, operatie, bereik)
