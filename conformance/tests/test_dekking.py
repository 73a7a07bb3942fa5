"""The catalogue, the kit's checks and the tests cannot drift apart.

- every testable MOET and MOET NIET has at least one kit check that names it;
- every id a kit check names, and every id in an ``eis`` marker in the repository's tests, exists;
- a check of a role names only requirements that bind that role.
"""

from __future__ import annotations

import re
from pathlib import Path

from warm_referral_conformance.catalogus import Rol, catalogus
from warm_referral_conformance.register import controles_voor
from warm_referral_conformance.runner import AUTOMATISCH

ROOT = Path(__file__).resolve().parents[2]
_MARKER = re.compile(r"mark\.eis\(([^)]*)\)")


def _controles() -> list[tuple[Rol, str, tuple[str, ...]]]:
    return [
        (rol, c.naam, c.eisen)
        for rol in (Rol.ONTVANGER, Rol.VERWIJZER, Rol.KNOOPPUNT)
        for c in controles_voor(rol)
    ]


def test_every_testable_must_has_a_check() -> None:
    genoemd = {(rol, e) for rol, _, eisen in _controles() for e in eisen}
    zonder = [
        f"{eis.id} ({eis.rol.value})"
        for eis in catalogus().values()
        if eis.toetsbaar
        and eis.niveau.verplicht
        and not any(
            (rol, eis.id) in genoemd
            for rol in (Rol.ONTVANGER, Rol.VERWIJZER, Rol.KNOOPPUNT)
            if eis.rol.bindt(rol)
        )
    ]
    assert not zonder, f"testable MOETs without a kit check: {zonder}"


def test_every_testable_requirement_has_a_check_and_every_untestable_none() -> None:
    genoemd = {e for _, _, eisen in _controles() for e in eisen}
    for eis in catalogus().values():
        if eis.toetsbaar:
            assert eis.id in genoemd, f"{eis.id} is marked testable but no check names it"
        else:
            assert eis.id not in genoemd, (
                f"{eis.id} is marked not testable, yet {eis.id} is checked"
            )


def test_checks_name_known_requirements_of_their_role() -> None:
    cat = catalogus()
    for rol, naam, eisen in _controles():
        for eis in eisen:
            assert eis in cat, f"{naam} names {eis}, which the catalogue does not have"
            assert cat[eis].rol.bindt(rol), (
                f"{naam} ({rol.value}) names {eis}, which binds {cat[eis].rol.value}"
            )
    assert set(cat) >= AUTOMATISCH


def test_every_eis_marker_in_the_tests_names_a_known_requirement() -> None:
    bekend = set(catalogus())
    gevonden = 0
    for map_ in (ROOT / "tests", ROOT / "conformance" / "tests"):
        for pad in map_.rglob("*.py"):
            for argumenten in _MARKER.findall(pad.read_text(encoding="utf-8")):
                for eis in re.findall(r"WD-[A-Z]+-\d+", argumenten):
                    gevonden += 1
                    assert eis in bekend, (
                        f"{pad.relative_to(ROOT)} names {eis}, which the catalogue does not have"
                    )
    assert gevonden > 0
