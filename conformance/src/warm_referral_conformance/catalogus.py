"""The requirement catalogue as the kit reads it: its own generated copy of spec/v1/eisen.yaml.

The kit ships the copy (``data/eisen.yaml``, written by tools/generate.py) so that a vendor's
report names the catalogue version it was checked against.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = [
    "Catalogus",
    "CatalogusFout",
    "Eis",
    "Niveau",
    "Rol",
    "catalogus",
    "lees_catalogus",
]

ID_PATROON = re.compile(r"^WD-[A-Z]{2,6}-\d{2}$")


class CatalogusFout(ValueError):
    """The catalogue file is not what the schema describes; the message names the entry."""


class Niveau(str, Enum):
    """The Dutch RFC 2119 words that Logius standards use."""

    MOET = "MOET"
    MOET_NIET = "MOET NIET"
    ZOU_MOETEN = "ZOU MOETEN"
    ZOU_NIET_MOETEN = "ZOU NIET MOETEN"
    MAG = "MAG"

    @property
    def verplicht(self) -> bool:
        """MOET and MOET NIET: a failure makes the run fail."""
        return self in (Niveau.MOET, Niveau.MOET_NIET)


class Rol(str, Enum):
    VERWIJZER = "verwijzer"
    ONTVANGER = "ontvanger"
    BEIDE = "beide"
    KNOOPPUNT = "knooppunt"
    """An intermediary (docs/knooppunt.md); "beide" binds the two parties, not the router."""

    def bindt(self, rol: Rol) -> bool:
        """Whether a requirement with this role binds an implementation of ``rol``."""
        return self is rol or (self is Rol.BEIDE and rol is not Rol.KNOOPPUNT)


@dataclass(frozen=True, slots=True)
class Eis:
    id: str
    niveau: Niveau
    rol: Rol
    tekst: str
    bron: str
    toetsbaar: bool
    niet_toetsbaar_omdat: str | None = None

    @property
    def gebied(self) -> str:
        """The area: ``BER`` for ``WD-BER-01``."""
        return self.id.split("-")[1]


class Catalogus(Mapping[str, Eis]):
    """The requirements by id, in catalogue order."""

    def __init__(self, versie: str, specversie: str, eisen: list[Eis]) -> None:
        self.versie = versie
        self.specversie = specversie
        self._eisen = {e.id: e for e in eisen}

    def __getitem__(self, eis_id: str) -> Eis:
        return self._eisen[eis_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._eisen)

    def __len__(self) -> int:
        return len(self._eisen)


_SLEUTELS = {"id", "niveau", "rol", "tekst", "bron", "toetsbaar", "niet_toetsbaar_omdat"}


def lees_catalogus(data: Any) -> Catalogus:
    """Check the parsed YAML against the rules of eisen.schema.json and the ones a schema cannot
    express (unique ids, a reason exactly when not testable); raise :class:`CatalogusFout`."""
    if not isinstance(data, dict) or set(data) != {"versie", "specversie", "eisen"}:
        raise CatalogusFout("the top level has exactly versie, specversie and eisen")
    versie, specversie, lijst = data["versie"], data["specversie"], data["eisen"]
    if not isinstance(versie, str) or not isinstance(specversie, str):
        raise CatalogusFout("versie and specversie are strings (quote them in YAML)")
    if not isinstance(lijst, list) or not lijst:
        raise CatalogusFout("eisen is a non-empty list")
    eisen: list[Eis] = []
    gezien: set[str] = set()
    for index, item in enumerate(lijst):
        waar = f"eisen[{index}]"
        if not isinstance(item, dict):
            raise CatalogusFout(f"{waar} is not a mapping")
        waar = f"eisen[{index}] ({item.get('id')!r})"
        if not _SLEUTELS >= set(item) >= _SLEUTELS - {"niet_toetsbaar_omdat"}:
            raise CatalogusFout(f"{waar}: keys {sorted(item)} differ from {sorted(_SLEUTELS)}")
        eis_id = item["id"]
        if not isinstance(eis_id, str) or not ID_PATROON.match(eis_id):
            raise CatalogusFout(f"{waar}: id must look like WD-BER-01")
        if eis_id in gezien:
            raise CatalogusFout(f"{waar}: id {eis_id} is used twice")
        gezien.add(eis_id)
        for sleutel in ("tekst", "bron"):
            if not isinstance(item[sleutel], str) or not item[sleutel].strip():
                raise CatalogusFout(f"{waar}: {sleutel} is a non-empty string")
        if not isinstance(item["toetsbaar"], bool):
            raise CatalogusFout(f"{waar}: toetsbaar is true or false")
        reden = item.get("niet_toetsbaar_omdat")
        if item["toetsbaar"] == (reden is not None) or (
            reden is not None and not str(reden).strip()
        ):
            raise CatalogusFout(f"{waar}: niet_toetsbaar_omdat is given exactly when not testable")
        try:
            niveau, rol = Niveau(item["niveau"]), Rol(item["rol"])
        except ValueError as exc:
            raise CatalogusFout(f"{waar}: {exc}") from None
        eisen.append(
            Eis(eis_id, niveau, rol, item["tekst"], item["bron"], item["toetsbaar"], reden)
        )
    return Catalogus(versie, specversie, eisen)


@cache
def catalogus() -> Catalogus:
    """The catalogue this kit was built with."""
    import yaml

    tekst = (files(__package__) / "data" / "eisen.yaml").read_text(encoding="utf-8")
    return lees_catalogus(yaml.safe_load(tekst))
