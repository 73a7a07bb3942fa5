"""Who takes part: the participants the reference services know, from the participants register.

Shared by the receiver (who may call it, in which role, registered for what) and the sender (which
development token belongs to a message's afzender), so that neither imports the other. The source
is the register of the agreement system (:mod:`warm_referral.afsprakenstelsel`): a creditor is a
registered :class:`~warm_referral.afsprakenstelsel.Schuldeiser`, an operator works for a registered
serving :class:`~warm_referral.afsprakenstelsel.Organisatie`. Development mode ships a register
(``data/dev-deelnemersregister.json``, a copy of the spec's example) and maps a bearer token to
each entry (:data:`DEV_TOKENS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from importlib.resources import files

from warm_referral.afsprakenstelsel import Deelnemersregister, Schuldeiser, lees_deelnemersregister
from warm_referral.models import Partij

__all__ = [
    "DEV_NVVK",
    "DEV_REGISTER",
    "DEV_TOKENS",
    "Deelnemer",
    "Rol",
    "deelnemers_uit_register",
    "dev_deelnemer_voor",
    "dev_deelnemers",
    "dev_register",
]

#: The development register shipped with the services (generated copy of
#: spec/v1/deelnemersregister/voorbeeld-deelnemersregister.json).
DEV_REGISTER = "dev-deelnemersregister.json"

#: Development bearer tokens, each naming a register entry by its id.
DEV_TOKENS: Mapping[str, str] = {
    "dev-evides": "evides",
    "dev-woongoed": "woongoed",
    "dev-zorg": "zorgverzekeraar",
    "dev-bank": "hypotheekbank",
    "dev-deurwaarder": "deurwaarder",
    "dev-uwv": "uwv",
    "dev-operator": "walcheren",
}


class Rol(str, Enum):
    """What a participant is to the receiver; the access policy is keyed by it."""

    SCHULDEISER = "schuldeiser"
    """A creditor: sends referrals, sees only its own, and only creditor-safe fields."""
    OPERATOR = "operator"
    """A debt-help worker: acts on the referrals of the municipalities it serves."""
    NVVK = "nvvk"
    """The standard's owner: monitoring aggregates across every municipality, and no referral.
    NVVK keeps the participants register but is no entry in it: the configuration names it."""


@dataclass(frozen=True)
class Deelnemer:
    """An authenticated participant: its identity and role, and for a creditor its registration."""

    naam: str
    rol: Rol
    oin: str | None = None
    kvk_nummer: str | None = None
    gemeentecodes: frozenset[str] = frozenset()
    token: str | None = None
    inschrijving: Schuldeiser | None = None
    """The creditor's entry in the participants register (kinds, grounds, agreements)."""

    @property
    def sleutel(self) -> str:
        """A stable key for tenancy: the OIN when known, else the KvK number."""
        return f"oin:{self.oin}" if self.oin else f"kvk:{self.kvk_nummer}"

    def is_partij(self, partij: Partij) -> bool:
        """Does a message's party (its afzender) name this participant (by OIN or KvK number)?"""
        return bool(
            (partij.oin is not None and partij.oin == self.oin)
            or (partij.kvk_nummer is not None and partij.kvk_nummer == self.kvk_nummer)
        )


def deelnemers_uit_register(
    register: Deelnemersregister, tokens: Mapping[str, str] | None = None, *, op: date | None = None
) -> tuple[Deelnemer, ...]:
    """Every registered participant as the receiver sees it: the creditors, and the serving
    organisations (their operators) with the gemeentecodes they serve on ``op`` (default today,
    from the register or the address book behind it). ``tokens`` maps development tokens to
    register ids; an id the register does not hold is a :class:`KeyError`."""
    dag = op or date.today()
    per_id = {token_id: token for token, token_id in (tokens or {}).items()}
    onbekend = (
        set(per_id)
        - {s.id for s in register.document.schuldeisers}
        - {o.id for o in register.document.organisaties}
    )
    if onbekend:
        raise KeyError(f"no register entry with id {', '.join(sorted(onbekend))}")
    uit: list[Deelnemer] = [
        Deelnemer(
            s.naam,
            Rol.SCHULDEISER,
            oin=s.oin,
            kvk_nummer=s.kvk_nummer,
            token=per_id.get(s.id),
            inschrijving=s,
        )
        for s in register.document.schuldeisers
    ]
    uit += [
        Deelnemer(
            o.naam,
            Rol.OPERATOR,
            oin=o.oin,
            kvk_nummer=o.kvk_nummer,
            gemeentecodes=register.bediend_door(o.oin, op=dag),
            token=per_id.get(o.id),
        )
        for o in register.document.organisaties
    ]
    return tuple(uit)


@cache
def dev_register() -> Deelnemersregister:
    """The development register shipped with the services."""
    pad = files("warm_referral_reference") / "data" / DEV_REGISTER
    return lees_deelnemersregister(
        pad.read_bytes(), bron=f"warm_referral_reference/data/{DEV_REGISTER}"
    )


#: NVVK in development mode (monitoring aggregates only; not a register entry).
DEV_NVVK = Deelnemer("NVVK", Rol.NVVK, kvk_nummer="40123456", token="dev-nvvk")


@cache
def dev_deelnemers() -> tuple[Deelnemer, ...]:
    """The participants of development mode, each with its development token: the register's
    entries and NVVK."""
    return (*deelnemers_uit_register(dev_register(), DEV_TOKENS), DEV_NVVK)


def dev_deelnemer_voor(partij: Partij) -> Deelnemer | None:
    """The development creditor a message's afzender names, if any."""
    return next(
        (
            d
            for d in dev_deelnemers()
            if d.rol is Rol.SCHULDEISER and d.token and d.is_partij(partij)
        ),
        None,
    )
