"""The agreements of a profile in the protocol's vocabulary: grounds per kind of referrer, what a
creditor learns back, and the one check of a Verwijzing against them.

:mod:`warm_referral.deadlines` reads a profile's numbers (terms, lateness, retention) and keeps its
tables as data it does not interpret; this module reads those tables, because they speak of kinds of
referrer, grounds and milestones:

- ``grondslagen``: which kind of referrer may invoke which ground, and which may carry a BSN. The
  published schemas encode the most the law permits (``models.TOEGESTANE_GRONDSLAGEN`` and
  ``models.BSN_TOEGESTAAN``); a profile can only narrow that, and the participants register
  narrows it per participant (:mod:`warm_referral.afsprakenstelsel`). A profile without the table
  allows what the schemas allow.
- ``terugmelding`` (the *terugmeldbeleid*): per ground, and for consent with and without the scope
  Statusterugmelding, which milestones the creditor learns. :class:`Terugmelding` is the one place
  the lifecycle, the creditor's view and both reference services ask. A profile without the table
  reports every milestone, except under a consent without Statusterugmelding (the rule of
  specVersie 1.0, which profile nvvk-pilot 1.0 keeps).

Never sent back, whatever a profile says (the lifecycle and the models see to that): contact
attempts, the content of the help, the free text behind "Niet opgepakt: andere reden".

>>> a = afspraken("nvvk-pilot")
>>> a.grondslag_toegestaan(SoortVerwijzer.WATER, Grondslag.AFSLUITREGELING)
True
>>> sorted(m.value for m in a.terugmelding(Grondslag.AFSLUITREGELING, True).mijlpalen)
['Afgesloten', 'Hulp aanvaard', 'Opgepakt']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import deadlines
from .deadlines import Afsprakenprofiel, TeLaatBeleid, Termijnafwijking
from .errors import ProfileDataError, Violation
from .models.berichten import BSN_TOEGESTAAN, TOEGESTANE_GRONDSLAGEN
from .models.enums import Grondslag, Mijlpaal, SoortVerwijzer, Toestemmingsreikwijdte

if TYPE_CHECKING:
    from .models.berichten import Verwijzing

__all__ = [
    "ALLE_MIJLPALEN",
    "Afspraken",
    "Grondslagregel",
    "Terugmelding",
    "Terugmeldregel",
    "Toetsing",
    "afspraken",
    "heeft_statusterugmelding",
]

#: Every milestone, in the order a referral reaches them.
ALLE_MIJLPALEN: tuple[Mijlpaal, ...] = tuple(Mijlpaal)


@dataclass(frozen=True, slots=True)
class Grondslagregel:
    """One row of the grounds table: a kind of referrer, the grounds it may invoke, whether it may
    carry the BSN, and where that comes from (shown in the docs)."""

    soort: SoortVerwijzer
    grondslagen: frozenset[Grondslag]
    bsn: bool
    bron: str = ""


@dataclass(frozen=True, slots=True)
class Terugmelding:
    """What the creditor of one referral may learn back: the milestones (in creditor-safe words).

    The Ontvangstbevestiging, a NietOpgepakt with its reason code and a Doorzending always reach
    the creditor: they decide whether it may resume collection, and whom it deals with now.
    """

    mijlpalen: frozenset[Mijlpaal]

    def toont(self, mijlpaal: Mijlpaal) -> bool:
        return mijlpaal in self.mijlpalen

    def naar_json(self) -> list[str]:
        return [m.value for m in ALLE_MIJLPALEN if m in self.mijlpalen]

    @classmethod
    def van_json(cls, waarden: Any) -> Terugmelding:
        return cls(frozenset(Mijlpaal(w) for w in waarden))


#: Every milestone: the rule of specVersie 1.0 for a referral with a legal ground or a consent that
#: covers Statusterugmelding.
ALLES = Terugmelding(frozenset(Mijlpaal))
#: No milestone: a consent without Statusterugmelding, or after the consent was withdrawn.
NIETS = Terugmelding(frozenset())


@dataclass(frozen=True, slots=True)
class Terugmeldregel:
    """One row of the feedback table: a ground (for Toestemming: with or without the scope
    Statusterugmelding) and what the creditor learns."""

    grondslag: Grondslag
    statusterugmelding: bool | None
    """None for a legal ground (it has no consent scope)."""
    terugmelding: Terugmelding
    bron: str = ""


@dataclass(frozen=True, slots=True)
class Toetsing:
    """The outcome of :meth:`Afspraken.toets_verwijzing`: what breaks the agreements (refuse the
    referral if any), and whether it is late (under a profile that marks rather than refuses)."""

    afwijkingen: tuple[Violation, ...]
    te_laat: Termijnafwijking | None = None


def heeft_statusterugmelding(grondslag: Grondslag, reikwijdte: Any) -> bool | None:
    """The consent scope that picks a feedback row: None for a legal ground, else whether the
    consent's ``reikwijdte`` covers Statusterugmelding."""
    if grondslag is not Grondslag.TOESTEMMING:
        return None
    return Toestemmingsreikwijdte.STATUSTERUGMELDING in (reikwijdte or ())


class Afspraken:
    """A profile's agreements in the protocol's vocabulary. Get one with :func:`afspraken`."""

    def __init__(self, profiel: Afsprakenprofiel) -> None:
        self.profiel = profiel
        bron = f"afsprakenprofiel {profiel.naam} {profiel.versie}"
        self.grondslagen: Mapping[SoortVerwijzer, Grondslagregel] = _grondslagen(
            profiel.bijlage("grondslagen"), bron
        )
        self.terugmeldregels: tuple[Terugmeldregel, ...] = _terugmeldregels(
            profiel.bijlage("terugmelding"), bron
        )
        self._terugmelding = {(r.grondslag, r.statusterugmelding): r for r in self.terugmeldregels}

    def __repr__(self) -> str:
        return f"<Afspraken {self.profiel.naam} {self.profiel.versie}>"

    # --- grounds -------------------------------------------------------------------------------

    def grondslag_toegestaan(self, soort: SoortVerwijzer, grondslag: Grondslag) -> bool:
        regel = self.grondslagen.get(soort)
        return regel is not None and grondslag in regel.grondslagen

    def bsn_toegestaan(self, soort: SoortVerwijzer) -> bool:
        regel = self.grondslagen.get(soort)
        return regel is not None and regel.bsn

    # --- feedback ------------------------------------------------------------------------------

    def terugmelding(self, grondslag: Grondslag, statusterugmelding: bool | None) -> Terugmelding:
        """The milestones a creditor learns for a referral on ``grondslag`` (for Toestemming:
        whether its consent covers Statusterugmelding; ignored for a legal ground)."""
        sleutel = None if grondslag is not Grondslag.TOESTEMMING else bool(statusterugmelding)
        regel = self._terugmelding.get((grondslag, sleutel))
        if regel is not None:
            return regel.terugmelding
        return NIETS if sleutel is False else ALLES

    def terugmelding_voor(self, verwijzing: Verwijzing) -> Terugmelding:
        toestemming = verwijzing.toestemming
        return self.terugmelding(
            verwijzing.grondslag,
            heeft_statusterugmelding(
                verwijzing.grondslag, toestemming.reikwijdte if toestemming else None
            ),
        )

    # --- the check -----------------------------------------------------------------------------

    def toets_verwijzing(
        self, verwijzing: Verwijzing, ontvangen_op: datetime | None = None
    ) -> Toetsing:
        """Check a Verwijzing against the agreements: its kind of referrer, ground and BSN against
        the grounds table; its incassostop against the profile's term (at least, at most); and,
        given the moment of receipt, whether it arrived in time. Every breach is a
        :class:`~warm_referral.errors.Violation` with a stable code and the member's pointer.
        """
        from ._tijd import amsterdamse_datum

        p = self.profiel
        fouten: list[Violation] = []
        soort, grondslag = verwijzing.soort_verwijzer, verwijzing.grondslag
        naam = f"afsprakenprofiel {p.naam} {p.versie}"
        if soort not in self.grondslagen:
            fouten.append(
                Violation(
                    "/soortVerwijzer",
                    "soort_niet_in_profiel",
                    f"{naam} has no agreement for a referrer of kind {soort.value!r}",
                )
            )
        elif not self.grondslag_toegestaan(soort, grondslag):
            toegestaan = sorted(g.value for g in self.grondslagen[soort].grondslagen)
            fouten.append(
                Violation(
                    "/grondslag",
                    "grondslag_niet_in_profiel",
                    f"under {naam} a referrer of kind {soort.value!r} invokes "
                    f"{' or '.join(toegestaan)}, not {grondslag.value!r}",
                )
            )
        if (
            soort in self.grondslagen
            and verwijzing.hulpvrager.bsn is not None
            and not self.bsn_toegestaan(soort)
        ):
            fouten.append(
                Violation(
                    "/hulpvrager/bsn",
                    "bsn_niet_in_profiel",
                    f"under {naam} a referrer of kind {soort.value!r} does not share the BSN",
                )
            )
        verwijsdatum = amsterdamse_datum(verwijzing.verwezen_op)
        stop = verwijzing.incassostop
        termijn = deadlines.toets_incassostop(stop.ingangsdatum, stop.einddatum, verwijsdatum, p)
        if termijn is not None:
            fouten.append(Violation("/" + termijn.pad, termijn.code, termijn.melding))
        te_laat = None
        if ontvangen_op is not None:
            te_laat = deadlines.toets_tijdigheid(verwijsdatum, stop.einddatum, ontvangen_op, p)
            if te_laat is not None and p.te_laat is TeLaatBeleid.WEIGEREN:
                fouten.append(Violation("/" + te_laat.pad, te_laat.code, te_laat.melding))
                te_laat = None
        return Toetsing(tuple(fouten), te_laat)


@lru_cache(maxsize=64)
def _afspraken(profiel: Afsprakenprofiel) -> Afspraken:
    return Afspraken(profiel)


def afspraken(profiel: Afsprakenprofiel | str | None = None) -> Afspraken:
    """The agreements of ``profiel`` (a profile, its name, or None for the default), read once.
    Raises :class:`~warm_referral.errors.ProfileDataError` for a broken table."""
    if profiel is None:
        profiel = deadlines.standaard_afsprakenprofiel()
    elif isinstance(profiel, str):
        profiel = deadlines.afsprakenprofielen()[profiel]
    return _afspraken(profiel)


# --- reading the tables ---------------------------------------------------------------------------


def _lijst(data: Any, bron: str) -> list[Any]:
    if not isinstance(data, list):
        raise ProfileDataError(bron, "must be a list")
    return data


def _object(item: Any, bron: str, velden: set[str], verplicht: set[str]) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ProfileDataError(bron, "must be a JSON object")
    onbekend = set(item) - velden
    if onbekend:
        raise ProfileDataError(bron, f"unknown keys: {', '.join(sorted(onbekend))}")
    ontbreekt = verplicht - set(item)
    if ontbreekt:
        raise ProfileDataError(bron, f"missing keys: {', '.join(sorted(ontbreekt))}")
    return item


def _waarde(soort: Any, waarde: Any, bron: str, wat: str) -> Any:
    try:
        return soort(waarde)
    except ValueError:
        raise ProfileDataError(
            bron, f"{wat} {waarde!r} is not one of {[w.value for w in soort]}"
        ) from None


def _grondslagen(data: Any, bron: str) -> Mapping[SoortVerwijzer, Grondslagregel]:
    if data is None:  # no table: what the schemas allow
        return {
            soort: Grondslagregel(soort, TOEGESTANE_GRONDSLAGEN[soort], soort in BSN_TOEGESTAAN)
            for soort in SoortVerwijzer
        }
    regels: dict[SoortVerwijzer, Grondslagregel] = {}
    for i, item in enumerate(_lijst(data, f"{bron}: grondslagen")):
        waar = f"{bron}: grondslagen[{i}]"
        item = _object(
            item,
            waar,
            {"soortVerwijzer", "grondslagen", "bsn", "bron"},
            {"soortVerwijzer", "grondslagen", "bsn"},
        )
        soort = _waarde(SoortVerwijzer, item["soortVerwijzer"], waar, "soortVerwijzer")
        if soort in regels:
            raise ProfileDataError(waar, f"soortVerwijzer {soort.value!r} is listed twice")
        gronden = frozenset(
            _waarde(Grondslag, g, waar, "grondslag") for g in _lijst(item["grondslagen"], waar)
        )
        if not gronden:
            raise ProfileDataError(waar, "lists no grondslag; leave the kind out instead")
        te_veel = gronden - TOEGESTANE_GRONDSLAGEN[soort]
        if te_veel:
            raise ProfileDataError(
                waar,
                f"a referrer of kind {soort.value!r} cannot invoke "
                f"{', '.join(sorted(g.value for g in te_veel))}: a profile only narrows what the "
                "schemas allow",
            )
        if not isinstance(item["bsn"], bool):
            raise ProfileDataError(waar, "'bsn' must be true or false")
        if item["bsn"] and soort not in BSN_TOEGESTAAN:
            raise ProfileDataError(
                waar,
                f"a referrer of kind {soort.value!r} has no legal ground for the BSN: a profile "
                "only narrows what the schemas allow",
            )
        regels[soort] = Grondslagregel(soort, gronden, item["bsn"], str(item.get("bron", "")))
    return regels


def _terugmeldregels(data: Any, bron: str) -> tuple[Terugmeldregel, ...]:
    if data is None:
        return ()
    regels: list[Terugmeldregel] = []
    gezien: set[tuple[Grondslag, bool | None]] = set()
    for i, item in enumerate(_lijst(data, f"{bron}: terugmelding")):
        waar = f"{bron}: terugmelding[{i}]"
        item = _object(
            item,
            waar,
            {"grondslag", "statusterugmelding", "mijlpalen", "bron"},
            {"grondslag", "mijlpalen"},
        )
        grondslag = _waarde(Grondslag, item["grondslag"], waar, "grondslag")
        status = item.get("statusterugmelding")
        if grondslag is Grondslag.TOESTEMMING:
            if not isinstance(status, bool):
                raise ProfileDataError(
                    waar, "a row for Toestemming says 'statusterugmelding': true or false"
                )
        elif status is not None:
            raise ProfileDataError(
                waar, "'statusterugmelding' belongs to Toestemming only (a consent scope)"
            )
        if (grondslag, status) in gezien:
            raise ProfileDataError(waar, "this ground (and consent scope) is listed twice")
        gezien.add((grondslag, status))
        mijlpalen = frozenset(
            _waarde(Mijlpaal, m, waar, "mijlpaal") for m in _lijst(item["mijlpalen"], waar)
        )
        regels.append(
            Terugmeldregel(grondslag, status, Terugmelding(mijlpalen), str(item.get("bron", "")))
        )
    return tuple(regels)
