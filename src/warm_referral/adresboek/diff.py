"""What changed between two editions: per organisation and per municipality, field by field.

NVVK reviews this before signing a new edition, and participants read it to see what a new
edition does to them (a new endpoint, a certificate rollover, a municipality that moves to a
regional organisation, a merger on 1 January).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .model import AdresboekDocument, Gemeentevermelding

__all__ = ["Veldwijziging", "Wijziging", "verschillen"]

Soort = Literal["toegevoegd", "verwijderd", "gewijzigd"]


@dataclass(frozen=True, slots=True)
class Veldwijziging:
    """One field: its path inside the entry (JSON pointer) and the two values (None: absent)."""

    pad: str
    oud: Any
    nieuw: Any


@dataclass(frozen=True, slots=True)
class Wijziging:
    """One entry that was added, removed or changed."""

    soort: Soort
    onderwerp: Literal["adresboek", "organisatie", "gemeente"]
    sleutel: str
    """The organisation id, or gemeentecode plus geldigVanaf, or "" for the edition itself."""
    velden: tuple[Veldwijziging, ...] = field(default=())

    def als_json(self) -> dict[str, Any]:
        uit: dict[str, Any] = {
            "soort": self.soort,
            "onderwerp": self.onderwerp,
            "sleutel": self.sleutel,
        }
        if self.velden:
            uit["velden"] = [{"pad": v.pad, "oud": v.oud, "nieuw": v.nieuw} for v in self.velden]
        return uit


def _vlak(waarde: Any, pad: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(waarde, dict):
        for k, v in waarde.items():
            yield from _vlak(v, f"{pad}/{k}")
    elif isinstance(waarde, list) and waarde and any(isinstance(v, dict) for v in waarde):
        for i, v in enumerate(waarde):
            yield from _vlak(v, f"{pad}/{i}")
    else:
        yield pad, waarde


def _velden(oud: Any, nieuw: Any) -> tuple[Veldwijziging, ...]:
    a, b = dict(_vlak(oud)), dict(_vlak(nieuw))
    return tuple(
        Veldwijziging(pad, a.get(pad), b.get(pad))
        for pad in sorted(a.keys() | b.keys())
        if a.get(pad) != b.get(pad)
    )


def _json(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _sleutel(v: Gemeentevermelding) -> str:
    return f"{v.gemeentecode}@{v.geldig_vanaf.isoformat()}"


def verschillen(oud: AdresboekDocument, nieuw: AdresboekDocument) -> list[Wijziging]:
    """Every difference, the edition's own fields first, then organisations, then municipalities."""
    uit: list[Wijziging] = []
    kop_oud = {k: v for k, v in _json(oud).items() if k not in ("organisaties", "gemeenten")}
    kop_nieuw = {k: v for k, v in _json(nieuw).items() if k not in ("organisaties", "gemeenten")}
    velden = _velden(kop_oud, kop_nieuw)
    if velden:
        uit.append(Wijziging("gewijzigd", "adresboek", "", velden))

    orgs_oud = {o.id: o for o in oud.organisaties}
    orgs_nieuw = {o.id: o for o in nieuw.organisaties}
    for org_id in sorted(orgs_oud.keys() | orgs_nieuw.keys()):
        if org_id not in orgs_nieuw:
            uit.append(Wijziging("verwijderd", "organisatie", org_id))
        elif org_id not in orgs_oud:
            uit.append(Wijziging("toegevoegd", "organisatie", org_id))
        else:
            velden = _velden(_json(orgs_oud[org_id]), _json(orgs_nieuw[org_id]))
            if velden:
                uit.append(Wijziging("gewijzigd", "organisatie", org_id, velden))

    per_code_oud: dict[str, list[Gemeentevermelding]] = defaultdict(list)
    per_code_nieuw: dict[str, list[Gemeentevermelding]] = defaultdict(list)
    for v in oud.gemeenten:
        per_code_oud[v.gemeentecode].append(v)
    for v in nieuw.gemeenten:
        per_code_nieuw[v.gemeentecode].append(v)
    for code in sorted(per_code_oud.keys() | per_code_nieuw.keys()):
        a = {v.geldig_vanaf: v for v in per_code_oud.get(code, [])}
        b = {v.geldig_vanaf: v for v in per_code_nieuw.get(code, [])}
        paren = [(a.pop(d), b.pop(d)) for d in sorted(a.keys() & b.keys())]
        if len(a) == 1 and len(b) == 1:  # one entry whose start date moved
            paren.append((a.popitem()[1], b.popitem()[1]))
        for v_oud, v_nieuw in paren:
            velden = _velden(_json(v_oud), _json(v_nieuw))
            if velden:
                uit.append(Wijziging("gewijzigd", "gemeente", _sleutel(v_nieuw), velden))
        uit.extend(Wijziging("verwijderd", "gemeente", _sleutel(v)) for v in a.values())
        uit.extend(Wijziging("toegevoegd", "gemeente", _sleutel(v)) for v in b.values())
    return uit
