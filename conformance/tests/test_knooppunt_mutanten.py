"""Against every mutant of the reference knooppunt (one rule of the profile broken each) the kit's
role knooppunt fails the run and names the requirement the mutant breaks: a mutation score of
100% over WD-KNP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import referentie_knooppunt
from knooppunt_mutanten import KNOOPPUNT_MUTANTEN
from mutanten import Mutant, proxy
from warm_referral_conformance.catalogus import Rol, catalogus
from warm_referral_conformance.knooppunt.run import draai_knooppunt_tegen
from warm_referral_conformance.resultaten import Status

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gedeeld(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with referentie_knooppunt.knooppunt(tmp_path_factory.mktemp("proxy-knooppunt")) as url:
        yield url


def test_every_testable_must_of_the_role_has_a_mutant() -> None:
    gebroken = {m.eis for m in KNOOPPUNT_MUTANTEN}
    for eis in catalogus().values():
        if eis.rol is Rol.KNOOPPUNT and eis.toetsbaar and eis.niveau.verplicht:
            assert eis.id in gebroken, f"no mutant breaks {eis.id}"
    assert len({m.naam for m in KNOOPPUNT_MUTANTEN}) == len(KNOOPPUNT_MUTANTEN)


@pytest.mark.parametrize("mutant", KNOOPPUNT_MUTANTEN, ids=[m.naam for m in KNOOPPUNT_MUTANTEN])
def test_the_kit_fails_each_knooppunt_mutant_and_names_its_requirement(
    mutant: Mutant, gedeeld: str
) -> None:
    with proxy(mutant, gedeeld) as url:
        run = draai_knooppunt_tegen(referentie_knooppunt.doelwit(url), limiet=120)
    gefaald = {e.eis for e in run.eisen if e.status is Status.GEFAALD}
    assert not run.geslaagd, f"{mutant.naam} ({mutant.omschrijving}) passed the kit"
    assert mutant.eis in gefaald, (
        f"{mutant.naam}: the kit failed {sorted(gefaald)}, not {mutant.eis}"
    )
