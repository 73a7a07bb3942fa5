"""warm_referral.testing.voorbeelden.herdateer: every example, re-dated to any moment, stays valid
and keeps its own relations (incassostop from the verwijsdatum, same length, order of moments)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from paths import EXAMPLES as VOORBEELDEN

from warm_referral import amsterdamse_datum, parse_json
from warm_referral.models import Partij, Verwijzing
from warm_referral.testing.strategies import tijdstippen
from warm_referral.testing.voorbeelden import RedateError, herdateer

EXAMPLES = sorted(VOORBEELDEN.glob("*.json"))


@pytest.mark.eis("WD-BER-01")
@pytest.mark.parametrize("pad", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@given(nu=tijdstippen(min_value=datetime(2001, 1, 1, tzinfo=timezone.utc)))
def test_example_redated_stays_valid(pad: Path, nu: datetime) -> None:
    oud = parse_json(pad.read_bytes())
    nieuw = herdateer(oud, nu)
    assert parse_json(nieuw.to_json()) == nieuw  # valid on the wire too
    assert nieuw.aangemaakt_op == nu.astimezone(timezone.utc)
    assert nieuw.bericht_id != oud.bericht_id and nieuw.conversatie_id != oud.conversatie_id
    assert nieuw.aangemaakt_op - oud.aangemaakt_op == nu - oud.aangemaakt_op
    if isinstance(oud, Verwijzing):
        assert isinstance(nieuw, Verwijzing)
        assert nieuw.incassostop.ingangsdatum == amsterdamse_datum(nieuw.verwezen_op)
        lengte = oud.incassostop.einddatum - oud.incassostop.ingangsdatum
        assert nieuw.incassostop.einddatum - nieuw.incassostop.ingangsdatum == lengte
        assert nieuw.verwijzing_id != oud.verwijzing_id
        assert nieuw.verwijzing_id.startswith(oud.verwijzing_id[:20])
        assert nieuw.hulpvrager.geboortedatum == oud.hulpvrager.geboortedatum


@given(st.uuids(), st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=64))
def test_given_identifiers_and_parties_are_used(conversatie_id: object, verwijzing_id: str) -> None:
    oud = parse_json(EXAMPLES[0].read_bytes())
    afzender = Partij(naam="Ander Bedrijf", kvk_nummer="12345678")
    nieuw = herdateer(
        oud,
        datetime(2030, 1, 2, 3, 4, tzinfo=timezone.utc),
        afzender=afzender,
        conversatie_id=conversatie_id,  # type: ignore[arg-type]
        verwijzing_id=verwijzing_id,
    )
    assert nieuw.afzender == afzender
    assert nieuw.conversatie_id == conversatie_id
    assert nieuw.verwijzing_id == verwijzing_id  # type: ignore[attr-defined]


def test_naive_moment_is_refused() -> None:
    oud = parse_json(EXAMPLES[0].read_bytes())
    with pytest.raises(RedateError, match="no UTC offset"):
        herdateer(oud, datetime(2030, 1, 2))
    with pytest.raises(RedateError, match="Partij"):
        herdateer(oud, afzender="Evides")


def test_a_day_later_moves_dates_by_one_day() -> None:
    oud = parse_json((EXAMPLES[0].parent / "verwijzing-water-afsluitregeling.json").read_bytes())
    assert isinstance(oud, Verwijzing)
    nieuw = herdateer(oud, oud.aangemaakt_op + timedelta(days=1))
    assert nieuw.incassostop.einddatum == oud.incassostop.einddatum + timedelta(days=1)
    assert nieuw.achterstand.ontstaansdatum == oud.achterstand.ontstaansdatum + timedelta(days=1)
