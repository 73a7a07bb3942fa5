"""The comparison the evaluation is for: warm referrals beside ordinary early signals and beside the
published national figures, on the national monitor's own definitions.

The national vroegsignalering monitor (Divosa) counts per signal and per case (*zaak*): the share of
signals that became a case, the share of cases in which the resident was reached, the share of
those reached who accepted help, and that last one per case. Those four are defined here once,
over DDAS-level facts, and computed the same way for both populations: the warm referrals (from
their histories) and a baseline of ordinary signals (from a DDAS v1.2 delivery, validated against
the official schema). The published national figures are data (``data/landelijke_monitor.json``).

Definitions, over DDAS v1.2:

- a signal *became a case* when a Vroegsignaalzaak with a ``datumOpgepakt`` refers to it;
- a case *reached* the resident when one of its contact attempts has ``bereikt`` true;
- a case *accepted help* when its ``resultaat`` is one of :data:`HULP_GEACCEPTEERD`;
- a case belongs to the year of its earliest signal's ``signaaldatum`` (else its datumOpgepakt);
  a warm referral's signal date is its verwijsdatum.
- signals flagged ``warmeOverdracht`` are left out of a baseline: it is the ordinary signals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..errors import Violation
from ..lifecycle import DdasEindresultaat
from ..models.enums import Mijlpaal
from .berekening import Monitoringresultaat
from .errors import InvalidDelivery
from .historie import Verwijzingshistorie
from .indicatoren import CATEGORIEEN, Indicator, Indicatorsoort

__all__ = [
    "HULP_GEACCEPTEERD",
    "LANDELIJKE_INDICATOREN",
    "Referentiewaarde",
    "Signaaltelling",
    "ddas_schema",
    "landelijke_bron",
    "landelijke_referentie",
    "lees_ddas_levering",
    "tel_historie",
    "tel_historien",
    "tel_levering",
    "tel_resultaat",
]

#: Final results that count as "accepted help" (advice included: about 4 in 10 municipalities do not
#: count an advice conversation, so the national figures are a little lower on this point).
HULP_GEACCEPTEERD: frozenset[DdasEindresultaat] = frozenset(
    {
        DdasEindresultaat.BUDGETADVIES_OF_QUICK_FIX,
        DdasEindresultaat.VERVOLGHULP,
        DdasEindresultaat.VERVOLGHULP_FINANCIEEL,
        DdasEindresultaat.VERVOLGHULP_NIET_FINANCIEEL,
    }
)
_GEACCEPTEERD = frozenset(r.value for r in HULP_GEACCEPTEERD)

_P = Indicatorsoort.AANDEEL
#: The national monitor's indicators; ``teller``/``noemer`` name :class:`Signaaltelling` fields.
LANDELIJKE_INDICATOREN: tuple[Indicator, ...] = (
    Indicator(
        "aandeel_signalen_zaak",
        "Signaal werd zaak",
        "Aandeel van de signalen dat een vroegsignaalzaak werd (de gemeente pakte het op).",
        _P,
        "procent",
        "signalen_zaak",
        "signalen",
    ),
    Indicator(
        "aandeel_zaken_bereikt",
        "Zaak: inwoner bereikt",
        "Aandeel van de zaken waarin de inwoner is bereikt (een contactpoging met bereikt = ja).",
        _P,
        "procent",
        "zaken_bereikt",
        "zaken",
    ),
    Indicator(
        "aandeel_bereikt_hulp",
        "Bereikt: hulp geaccepteerd",
        "Aandeel van de zaken met een bereikte inwoner waarin hulp is geaccepteerd "
        "(eindresultaat advies/quick fix of vervolghulp).",
        _P,
        "procent",
        "zaken_bereikt_hulp",
        "zaken_bereikt",
    ),
    Indicator(
        "aandeel_zaken_hulp",
        "Zaak: hulp geaccepteerd",
        "Aandeel van alle zaken waarin hulp is geaccepteerd.",
        _P,
        "procent",
        "zaken_hulp",
        "zaken",
    ),
)


@dataclass
class Signaaltelling:
    """The counts the national indicators are made of, for one population and year."""

    signalen: int = 0
    signalen_zaak: int = 0
    zaken: int = 0
    zaken_bereikt: int = 0
    zaken_bereikt_hulp: int = 0
    zaken_hulp: int = 0

    def tel(
        self, *, zaak: bool, bereikt: bool, hulp: bool, signalen: int = 1, zaken: int = 1
    ) -> None:
        """Count ``signalen`` signals that share one outcome; when they became a case, as
        ``zaken`` cases (one case for several signals in a delivery, one each for referrals)."""
        self.signalen += signalen
        if zaak:
            self.signalen_zaak += signalen
            self.zaken += zaken
            self.zaken_bereikt += zaken * bereikt
            self.zaken_hulp += zaken * hulp
            self.zaken_bereikt_hulp += zaken * (bereikt and hulp)

    def waarde(self, naam: str) -> int:
        waarde: int = getattr(self, naam)
        return waarde


def tel_historie(h: Verwijzingshistorie, per_jaar: dict[str, Signaaltelling]) -> None:
    """Count one warm referral as a DDAS signal (and case) in the year of its verwijsdatum."""
    telling = per_jaar.get(f"{h.verwijsdatum.year:04d}")
    if telling is None:
        telling = per_jaar[f"{h.verwijsdatum.year:04d}"] = Signaaltelling()
    resultaat = h.eindresultaat
    telling.tel(
        zaak=Mijlpaal.OPGEPAKT in h.mijlpalen,
        bereikt=any(p.bereikt for p in h.contactpogingen),
        hulp=resultaat is not None and resultaat.resultaat in HULP_GEACCEPTEERD,
    )


def tel_historien(historien: Iterable[Verwijzingshistorie]) -> dict[str, Signaaltelling]:
    """The warm referrals counted as DDAS signals and cases, per year of their verwijsdatum."""
    per_jaar: dict[str, Signaaltelling] = {}
    for h in historien:
        tel_historie(h, per_jaar)
    return per_jaar


def tel_resultaat(resultaat: Monitoringresultaat) -> dict[str, Signaaltelling]:
    """:func:`tel_historien` from a computed result instead of the histories: the same counts,
    taken from each year's accumulator of the whole set (a case is the fact ``opgepakt``, reached
    is ``bereikt``, accepted help an eindresultaat in :data:`HULP_GEACCEPTEERD`)."""
    from .kenmerken import BIT

    zaak, bereikt = BIT["opgepakt"], BIT["bereikt"]
    i_resultaat = list(CATEGORIEEN).index("eindresultaat")
    per_jaar: dict[str, Signaaltelling] = {}
    jaren = [
        (periode, acc)
        for (soort, periode, dimensie, _), acc in resultaat.groepen.items()
        if soort == "jaar" and dimensie == "totaal"
    ]
    if not jaren and resultaat.aantal_historien:
        raise ValueError("the result has no yearly figures for the whole set (jaar, totaal)")
    for jaar, acc in sorted(jaren):
        telling = per_jaar[jaar] = Signaaltelling()
        for (bits, categorieen), n in acc.tellen.items():
            telling.tel(
                zaak=bool(bits & zaak),
                bereikt=bool(bits & bereikt),
                hulp=categorieen[i_resultaat] in _GEACCEPTEERD,
                signalen=n,
                zaken=n,
            )
    return per_jaar


def tel_levering(levering: Mapping[str, Any]) -> dict[str, Signaaltelling]:
    """An (already validated) DDAS delivery counted per year, ordinary signals only."""
    per_jaar: dict[str, Signaaltelling] = {}
    for deel in levering.get("leveringen", []):
        signalen = {
            s["ID"]: s for s in deel.get("vroegsignalen", []) if not s.get("warmeOverdracht", False)
        }
        in_zaak: set[str] = set()
        for zaak in deel.get("vroegsignaalzaken", []):
            # A signal counts once, in the first case that refers to it.
            ids = [
                v["ID"]
                for v in zaak["vroegsignalen"]
                if v["ID"] in signalen and v["ID"] not in in_zaak
            ]
            if not ids or "datumOpgepakt" not in zaak:
                continue
            in_zaak.update(ids)
            data = [signalen[i]["signaaldatum"] for i in ids if "signaaldatum" in signalen[i]]
            jaar = (min(data) if data else zaak["datumOpgepakt"])[:4]
            telling = per_jaar.setdefault(jaar, Signaaltelling())
            telling.tel(
                zaak=True,
                bereikt=any(p.get("bereikt", False) for p in zaak.get("contactpogingen", [])),
                hulp=zaak.get("resultaat") in _GEACCEPTEERD,
                signalen=len(ids),
            )
        for signaal_id, signaal in signalen.items():
            if signaal_id in in_zaak:
                continue
            datum = signaal.get("signaaldatum") or levering["startdatumLevering"]
            per_jaar.setdefault(datum[:4], Signaaltelling()).tel(
                zaak=False, bereikt=False, hulp=False
            )
    return per_jaar


# --- DDAS deliveries ---------------------------------------------------------------------------------


def ddas_schema() -> dict[str, Any]:
    """The official DDAS v1.2 JSON Schema (an unchanged copy shipped in the package)."""
    tekst = (
        resources.files("warm_referral.data")
        .joinpath("ddas/json_schema_Uitwisselmodel.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(tekst)
    return schema


def valideer_ddas(levering: Any) -> None:
    """Raise :class:`InvalidDelivery` unless ``levering`` validates (formats included)."""
    try:
        import jsonschema
    except ImportError as exc:  # an optional extra
        raise ImportError(
            "validating DDAS deliveries needs jsonschema: pip install 'warm-referral[rapport]'"
        ) from exc
    validator = jsonschema.Draft202012Validator(
        ddas_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    fouten = sorted(validator.iter_errors(levering), key=lambda e: list(e.absolute_path))
    if fouten:
        raise InvalidDelivery(
            Violation(
                "".join(f"/{deel}" for deel in fout.absolute_path),
                f"ddas_{fout.validator}",
                fout.message[:500],
            )
            for fout in fouten
        )


def lees_ddas_levering(data: bytes | str) -> dict[str, Any]:
    """Parse a DDAS v1.2 delivery and validate it against the official schema."""
    try:
        levering = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise InvalidDelivery([Violation("", "geen_json", str(exc)[:500])]) from None
    valideer_ddas(levering)
    if not isinstance(levering, dict):  # the schema says object; a guard for the type checker
        raise InvalidDelivery([Violation("", "object_verwacht", "expected an object")])
    return levering


# --- the published national figures -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Referentiewaarde:
    """One published national figure."""

    jaar: int
    indicator: str
    procent: float
    toelichting: str


@dataclass(frozen=True)
class _Referentie:
    bron: str
    toelichting: str
    waarden: tuple[Referentiewaarde, ...] = field(default=())


def _laad_referentie() -> _Referentie:
    tekst = (
        resources.files("warm_referral.data")
        .joinpath("landelijke_monitor.json")
        .read_text(encoding="utf-8")
    )
    data = json.loads(tekst)
    codes = {i.code for i in LANDELIJKE_INDICATOREN}
    waarden = []
    for w in data["waarden"]:
        if w["indicator"] not in codes:
            raise ValueError(f"landelijke_monitor.json: unknown indicator {w['indicator']!r}")
        waarden.append(
            Referentiewaarde(int(w["jaar"]), w["indicator"], float(w["procent"]), w["toelichting"])
        )
    return _Referentie(data["bron"], data["toelichting"], tuple(waarden))


def landelijke_referentie() -> tuple[Referentiewaarde, ...]:
    """The published national figures (see ``landelijke_bron`` for the source)."""
    return _laad_referentie().waarden


def landelijke_bron() -> tuple[str, str]:
    """(source, note) of the national figures."""
    r = _laad_referentie()
    return r.bron, r.toelichting
