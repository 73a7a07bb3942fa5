"""Waivers: a requirement a vendor may fail for now, with a reason and an end date.

    - id: WD-BER-13
      reden: Dubbele namen worden vanaf release 4.2 geweigerd.
      geldig_tot: "2027-03-01"

A valid waiver turns the requirement's failure into 'vrijgesteld'; an expired one counts as a
failure, whatever the check found, so that a waiver cannot silently outlive its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .catalogus import Catalogus

__all__ = ["Vrijstelling", "VrijstellingFout", "lees_vrijstellingen"]


class VrijstellingFout(ValueError):
    """The waiver file is wrong; the message names the entry."""


@dataclass(frozen=True, slots=True)
class Vrijstelling:
    eis: str
    reden: str
    geldig_tot: date

    def geldig(self, vandaag: date) -> bool:
        return vandaag <= self.geldig_tot


def lees_vrijstellingen(pad: Path, catalogus: Catalogus) -> dict[str, Vrijstelling]:
    import yaml

    try:
        data = yaml.safe_load(pad.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VrijstellingFout(f"{pad}: cannot read the waivers: {exc}") from None
    if isinstance(data, dict) and set(data) == {"vrijstellingen"}:
        data = data["vrijstellingen"]
    if not isinstance(data, list):
        raise VrijstellingFout(f"{pad}: expected a list of waivers (id, reden, geldig_tot)")
    uit: dict[str, Vrijstelling] = {}
    for index, item in enumerate(data):
        waar = f"{pad}: waiver {index + 1}"
        if not isinstance(item, dict) or set(item) != {"id", "reden", "geldig_tot"}:
            raise VrijstellingFout(f"{waar}: needs exactly id, reden and geldig_tot")
        eis, reden, tot = item["id"], item["reden"], item["geldig_tot"]
        if eis not in catalogus:
            raise VrijstellingFout(f"{waar}: {eis!r} is not a requirement of the catalogue")
        if eis in uit:
            raise VrijstellingFout(f"{waar}: {eis} is waived twice")
        if not isinstance(reden, str) or not reden.strip():
            raise VrijstellingFout(f"{waar}: reden must say why")
        if isinstance(tot, str):
            try:
                tot = date.fromisoformat(tot)
            except ValueError:
                raise VrijstellingFout(
                    f"{waar}: geldig_tot {tot!r} is not a date (jjjj-mm-dd)"
                ) from None
        if not isinstance(tot, date):
            raise VrijstellingFout(f"{waar}: geldig_tot must be a date (jjjj-mm-dd)")
        uit[eis] = Vrijstelling(eis, reden.strip(), tot)
    return uit
