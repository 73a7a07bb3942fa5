"""Against every mutant of the reference (one rule broken each) the kit fails the run and names
the requirement the mutant breaks. Each run selects the checks of that requirement
(``--alleen WD-...``): they must catch the mutant on their own, and a whole run per mutant (40
of them) would cost CI twenty minutes. bench/bench_conformance.py runs the whole kit against each
mutant and prints the mutation score."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import referentie
from mutanten import MUTANTEN, Mutant, proxy
from warm_referral_conformance.ontvanger_run import draai_tegen
from warm_referral_conformance.resultaten import Run, Status
from warm_referral_conformance.runner import Selectie

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gedeelde_ontvanger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with referentie.ontvanger(tmp_path_factory.mktemp("proxy-ontvanger")) as url:
        yield url


def tegen_mutant(mutant: Mutant, tmp: Path, gedeeld: str | None) -> Run:
    from warm_referral_conformance.catalogus import catalogus
    from warm_referral_conformance.vrijstellingen import lees_vrijstellingen

    vrijstellingen = lees_vrijstellingen(referentie.VRIJSTELLINGEN, catalogus())
    selectie = Selectie(alleen=(mutant.eis,))
    if mutant.lancering is not None:
        with referentie.ontvanger(tmp, mutant=mutant.lancering) as url:
            return draai_tegen(
                referentie.doelwit(url, voorbeelden=3),
                selectie=selectie,
                vrijstellingen=vrijstellingen,
                limiet=300,
            )
    assert gedeeld is not None
    with proxy(mutant, gedeeld) as url:
        return draai_tegen(
            referentie.doelwit(url, voorbeelden=3),
            selectie=selectie,
            vrijstellingen=vrijstellingen,
            limiet=300,
        )


def test_there_are_at_least_twelve_mutants_each_breaking_a_known_must() -> None:
    from warm_referral_conformance.catalogus import catalogus

    assert len(MUTANTEN) >= 12 and len({m.naam for m in MUTANTEN}) == len(MUTANTEN)
    for mutant in MUTANTEN:
        assert catalogus()[mutant.eis].niveau.verplicht, mutant.naam


@pytest.mark.parametrize("mutant", MUTANTEN, ids=[m.naam for m in MUTANTEN])
def test_the_kit_fails_each_mutant_and_names_its_requirement(
    mutant: Mutant, tmp_path: Path, gedeelde_ontvanger: str
) -> None:
    run = tegen_mutant(mutant, tmp_path, gedeelde_ontvanger)
    gefaald = {e.eis for e in run.eisen if e.status is Status.GEFAALD}
    assert not run.geslaagd, f"{mutant.naam} ({mutant.omschrijving}) passed the kit"
    assert mutant.eis in gefaald, (
        f"{mutant.naam}: the kit failed {sorted(gefaald)}, not {mutant.eis}"
    )
