"""Checks are plain functions, registered with :func:`controle`, naming the requirements they test.

    @controle("WD-ENV-03", rol=Rol.ONTVANGER, titel="Zelfde berichtId, andere inhoud: 409")
    def berichtid_hergebruikt(ctx: Controlecontext) -> None: ...

A check records every violation with ``ctx.afwijking(eis, melding, antwoord)`` and goes on, so a
report lists them all; it raises :class:`NietUitgevoerd` when it cannot run (no operator, no test
clock). The kit's runner, not pytest, runs them, so vendors get the kit's reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .catalogus import Rol

if TYPE_CHECKING:
    from .context import Controlecontext

__all__ = ["REGISTER", "Controle", "NietUitgevoerd", "controle", "controles_voor"]

F = TypeVar("F", bound=Callable[..., Any])


class NietUitgevoerd(Exception):
    """The check cannot run here; the message says why (reported as 'niet uitgevoerd')."""


@dataclass(frozen=True, slots=True)
class Controle:
    naam: str
    titel: str
    eisen: tuple[str, ...]
    rol: Rol
    functie: Callable[[Controlecontext], None]
    testklok: bool = False
    """Needs the implementation's test clock (runs last; not run without one)."""
    operator: bool = False
    """Needs an operator's credentials (role ontvanger)."""
    tweede_schuldeiser: bool = False
    """Needs a second creditor's credentials (role ontvanger)."""
    langzaam: bool = False
    """Takes longer than a few seconds (the self-test reports its time)."""


REGISTER: dict[str, Controle] = {}


def controle(
    *eisen: str,
    rol: Rol,
    titel: str,
    testklok: bool = False,
    operator: bool = False,
    tweede_schuldeiser: bool = False,
    langzaam: bool = False,
) -> Callable[[F], F]:
    """Register the decorated function as a check of ``eisen`` for implementations of ``rol``."""
    if not eisen:
        raise ValueError("a check names at least one requirement")

    def registreer(functie: F) -> F:
        naam = f"{functie.__module__.rsplit('.', 1)[-1]}.{functie.__name__}"
        if naam in REGISTER:
            raise ValueError(f"check {naam} is registered twice")
        REGISTER[naam] = Controle(
            naam,
            titel,
            tuple(eisen),
            rol,
            functie,
            testklok,
            operator,
            tweede_schuldeiser,
            langzaam,
        )
        return functie

    return registreer


def controles_voor(rol: Rol) -> list[Controle]:
    """Every registered check for ``rol``, the ones needing the test clock last (they move the
    implementation's time forward, which the other checks must not see)."""
    if rol is Rol.ONTVANGER:
        from . import ontvanger  # noqa: F401  (registers the checks)
    elif rol is Rol.KNOOPPUNT:
        from . import knooppunt  # noqa: F401
    else:
        from . import verwijzer  # noqa: F401
    gekozen = [c for c in REGISTER.values() if c.rol is rol]
    return sorted(gekozen, key=lambda c: c.testklok)
