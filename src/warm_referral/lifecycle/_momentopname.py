"""A record as a JSON-able snapshot, and back: so a store can keep the state of a referral rather
than replay its whole history each time, and a history can be checked against a snapshot.

The snapshot holds every fact of the record, field by field (no pickling, nothing implicit), in a
versioned format. Dates are ISO dates, timestamps RFC 3339 in UTC, enumerations their values,
parties their wire JSON. Restoring gives a record that behaves exactly as the one that was saved:
the property test in ``tests/library/test_lifecycle_snapshot.py`` checks that a snapshot taken at
any point, restored and fed the rest of the events, equals the record that saw them all.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from .._tijd import format_tijdstip, parse_tijdstip
from ..afspraken import Terugmelding
from ..models.enums import (
    Advies,
    Contactsoort,
    Dagdeel,
    Eindresultaat,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    SoortVerwijzer,
)
from ..models.onderdelen import Afsprakenprofielverwijzing, Maatregel, Partij
from .ddas import DdasEindresultaat
from .effects import ContactTeLaat, IncassostopVoorbij
from .errors import InvalidEvent
from .events import Contactpoging, HulpAangeboden, Soort
from .states import Rol, Tijdfeit, Toestand

if TYPE_CHECKING:
    from .dossier import Verwijzingsdossier

__all__ = ["FORMAAT", "herstel", "momentopname"]

#: The snapshot format and its version; a reader refuses a format it does not know. Format 2 added
#: the agreements the record keeps (its Vastlegging, feedback, the Verwijzing's kind, ground and
#: specVersie): a format 1 snapshot lacks them, so such a record is rebuilt from its messages.
FORMAAT = "warm_referral.verwijzingsdossier/2"


def _d(waarde: date | None) -> str | None:
    return None if waarde is None else waarde.isoformat()


def _e(waarde: Any) -> Any:
    return None if waarde is None else waarde.value


def _partij(partij: Partij | None) -> dict[str, Any] | None:
    return None if partij is None else partij.model_dump(mode="json", exclude_none=True)


def momentopname(d: Verwijzingsdossier) -> dict[str, Any]:
    """Every fact of ``d`` as plain JSON values (see the module docstring)."""
    hulp = d.hulpaanbod
    return {
        "formaat": FORMAAT,
        "rol": d.rol.value,
        "toestand": d.toestand.value,
        "verwijzingId": d.verwijzing_id,
        "conversatieId": str(d.conversatie_id),
        "verwijzingBerichtId": str(d.verwijzing_bericht_id),
        "specVersie": d.spec_versie,
        "soortVerwijzer": d.soort_verwijzer.value,
        "grondslag": d.grondslag.value,
        "vastlegging": d.vastlegging.naar_json(),
        "afsprakenprofiel": d.afsprakenprofiel.model_dump(mode="json"),
        "incassostopMinimum": _d(d.incassostop_minimum),
        "terugmelding": d.terugmelding.naar_json(),
        "teLaat": d.te_laat,
        "afgerondOp": _d(d.afgerond_op),
        "schuldeiser": _partij(d.schuldeiser),
        "gemeente": _partij(d.gemeente),
        "verwezenOp": format_tijdstip(d.verwezen_op),
        "verwijsdatum": _d(d.verwijsdatum),
        "crisis": d.crisis,
        "statusterugmelding": d.statusterugmelding,
        "incassostop": [_d(d.incassostop[0]), _d(d.incassostop[1])],
        "laatsteDatum": _d(d.laatste_datum),
        "ontvangenOp": None if d.ontvangen_op is None else format_tijdstip(d.ontvangen_op),
        "contactdeadline": None
        if d.contactdeadline is None
        else format_tijdstip(d.contactdeadline),
        "eindresultaat": _e(d.eindresultaat),
        "ddasEindresultaat": _e(d.ddas_eindresultaat),
        "afsluitingToelichting": d.afsluiting_toelichting,
        "adviesIncassostop": _e(d.advies_incassostop),
        "nietOpgepaktReden": _e(d.niet_opgepakt_reden),
        "nietOpgepaktOp": _d(d.niet_opgepakt_op),
        "nietOpgepaktToelichting": d.niet_opgepakt_toelichting,
        "doorgezondenNaar": _partij(d.doorgezonden_naar),
        "doorgezondenOp": _d(d.doorgezonden_op),
        "opgepaktOp": _d(d.opgepakt_op),
        "contactpogingen": [
            [_d(p.datum), p.soort.value, p.dagdeel.value, p.bereikt] for p in d.contactpogingen
        ],
        "contactGestaaktOp": _d(d.contact_gestaakt_op),
        "hulpaanbod": None
        if hulp is None
        else [_d(hulp.datum), hulp.omschrijving, _e(hulp.advies_incassostop)],
        "intrekkingsreden": _e(d.intrekkingsreden),
        "ingetrokkenOp": _d(d.ingetrokken_op),
        "betaalgedrag": [
            [
                _d(b.peildatum),
                b.regulier_betaald,
                None
                if b.ingrijpende_maatregelen is None
                else [[m.soort.value, m.genomen] for m in b.ingrijpende_maatregelen],
            ]
            for b in d.betaalgedrag
        ],
        "foutberichten": [str(f) for f in d.foutberichten],
        "tijdfeiten": sorted(t.value for t in d.tijdfeiten),
        "mijlpalen": [[m.value, _d(datum)] for m, datum in d.mijlpalen.items()],
        "gezien": [[str(b), t] for b, t in d._gezien.items()],
        "beslissingen": [[s.value, str(b)] for s, b in d._beslissingen.items()],
        "gemeld": sorted(
            (
                ["contactTeLaat", format_tijdstip(g.contactdeadline)]
                if isinstance(g, ContactTeLaat)
                else ["incassostopVoorbij", _d(g.einddatum)]
            )
            for g in d._gemeld
        ),
    }


def _datum(waarde: Any) -> date:
    return date.fromisoformat(waarde)


def _datum_of_niets(waarde: Any) -> date | None:
    return None if waarde is None else date.fromisoformat(waarde)


def herstel(cls: type[Verwijzingsdossier], data: dict[str, Any]) -> Verwijzingsdossier:
    """The record a snapshot describes. Raises :class:`InvalidEvent` for a snapshot this version
    cannot read (an unknown format, a missing or malformed fact)."""
    if isinstance(data, dict) and data.get("formaat") == "warm_referral.verwijzingsdossier/1":
        raise InvalidEvent(
            "a snapshot of format warm_referral.verwijzingsdossier/1 does not hold the "
            "agreements the record keeps; rebuild the record from its messages"
        )
    if not isinstance(data, dict) or data.get("formaat") != FORMAAT:
        raise InvalidEvent(f"not a snapshot of format {FORMAAT}")
    try:
        return _herstel(cls, data)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InvalidEvent(f"a broken snapshot ({type(exc).__name__}: {exc})") from None


def _herstel(cls: type[Verwijzingsdossier], data: dict[str, Any]) -> Verwijzingsdossier:
    d = cls.__new__(cls)
    d.rol = Rol(data["rol"])
    d.toestand = Toestand(data["toestand"])
    d.verwijzing_id = data["verwijzingId"]
    d.conversatie_id = UUID(data["conversatieId"])
    d.verwijzing_bericht_id = UUID(data["verwijzingBerichtId"])
    d.spec_versie = str(data["specVersie"])
    d.soort_verwijzer = SoortVerwijzer(data["soortVerwijzer"])
    d.grondslag = Grondslag(data["grondslag"])
    from .dossier import Betaalgedrag, Vastlegging

    d.vastlegging = Vastlegging.van_json(data["vastlegging"])
    d.afsprakenprofiel = Afsprakenprofielverwijzing.model_validate(data["afsprakenprofiel"])
    d.incassostop_minimum = _datum(data["incassostopMinimum"])
    d.terugmelding = Terugmelding.van_json(data["terugmelding"])
    d.te_laat = bool(data["teLaat"])
    d.afgerond_op = _datum_of_niets(data["afgerondOp"])
    d.schuldeiser = Partij.model_validate(data["schuldeiser"])
    d.gemeente = Partij.model_validate(data["gemeente"])
    d.verwezen_op = parse_tijdstip(data["verwezenOp"])
    d.verwijsdatum = _datum(data["verwijsdatum"])
    d.crisis = bool(data["crisis"])
    d.statusterugmelding = bool(data["statusterugmelding"])
    d.incassostop = (_datum(data["incassostop"][0]), _datum(data["incassostop"][1]))
    d.laatste_datum = _datum(data["laatsteDatum"])
    d.ontvangen_op = None if data["ontvangenOp"] is None else parse_tijdstip(data["ontvangenOp"])
    d.contactdeadline = (
        None if data["contactdeadline"] is None else parse_tijdstip(data["contactdeadline"])
    )
    d.eindresultaat = _enum(Eindresultaat, data["eindresultaat"])
    d.ddas_eindresultaat = _enum(DdasEindresultaat, data["ddasEindresultaat"])
    d.afsluiting_toelichting = data["afsluitingToelichting"]
    d.advies_incassostop = _enum(Advies, data["adviesIncassostop"])
    d.niet_opgepakt_reden = _enum(NietOpgepaktReden, data["nietOpgepaktReden"])
    d.niet_opgepakt_op = _datum_of_niets(data["nietOpgepaktOp"])
    d.niet_opgepakt_toelichting = data["nietOpgepaktToelichting"]
    naar = data["doorgezondenNaar"]
    d.doorgezonden_naar = None if naar is None else Partij.model_validate(naar)
    d.doorgezonden_op = _datum_of_niets(data["doorgezondenOp"])
    d.opgepakt_op = _datum_of_niets(data["opgepaktOp"])
    d.contactpogingen = [
        Contactpoging(_datum(datum), Contactsoort(soort), Dagdeel(dagdeel), bool(bereikt))
        for datum, soort, dagdeel, bereikt in data["contactpogingen"]
    ]
    d.contact_gestaakt_op = _datum_of_niets(data["contactGestaaktOp"])
    hulp = data["hulpaanbod"]
    d.hulpaanbod = (
        None if hulp is None else HulpAangeboden(_datum(hulp[0]), hulp[1], _enum(Advies, hulp[2]))
    )
    d.intrekkingsreden = _enum(Intrekkingsreden, data["intrekkingsreden"])
    d.ingetrokken_op = _datum_of_niets(data["ingetrokkenOp"])
    d.betaalgedrag = [
        Betaalgedrag(
            _datum(p),
            bool(r),
            None if m is None else tuple(Maatregel(soort=s, genomen=bool(g)) for s, g in m),
        )
        for p, r, m in data["betaalgedrag"]
    ]
    d.foutberichten = [UUID(f) for f in data["foutberichten"]]
    d.tijdfeiten = {Tijdfeit(t) for t in data["tijdfeiten"]}
    d._mijlpalen = {Mijlpaal(m): _datum(datum) for m, datum in data["mijlpalen"]}
    d._gezien = {UUID(b): str(t) for b, t in data["gezien"]}
    d._beslissingen = {Soort(s): UUID(b) for s, b in data["beslissingen"]}
    d._gemeld = {
        ContactTeLaat(parse_tijdstip(waarde))
        if soort == "contactTeLaat"
        else IncassostopVoorbij(_datum(waarde))
        for soort, waarde in data["gemeld"]
    }
    return d


def _enum(soort: Any, waarde: Any) -> Any:
    return None if waarde is None else soort(waarde)
