"""Publication safety: no published count below the threshold, no percentage or distribution on
fewer, and no personal data or referral id in any published output (CSV, HTML)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warm_referral.monitoring import bereken, publiceerbaar, schrijf_csv
from warm_referral.monitoring.berekening import Uitkomst
from warm_referral.monitoring.synthetisch import synthetische_historien

VAN, TOT = date(2025, 1, 1), date(2025, 12, 31)


@st.composite
def uitkomsten(draw: st.DrawFn) -> list[Uitkomst]:
    rijen = []
    for i in range(draw(st.integers(1, 30))):
        noemer = draw(st.integers(0, 40))
        soort = draw(st.sampled_from(["aantal", "aandeel", "verdeling"]))
        if soort == "aantal":
            rijen.append(
                Uitkomst("verwijzingen", "maand", "2025-01", "totaal", "", "", noemer, None)
            )
        elif soort == "aandeel":
            teller = draw(st.integers(0, noemer))
            rijen.append(
                Uitkomst(
                    "bereikt",
                    "maand",
                    f"2025-{i % 12 + 1:02d}",
                    "totaal",
                    "",
                    "",
                    teller,
                    noemer,
                    100 * teller / noemer if noemer else None,
                )
            )
        else:
            w = draw(st.integers(0, 9)) if noemer else None
            rijen.append(
                Uitkomst(
                    "werkdagen_tot_poging",
                    "maand",
                    "2025-01",
                    "totaal",
                    "",
                    "",
                    None,
                    noemer,
                    None,
                    w,
                    w,
                    w,
                )
            )
    return rijen


@given(uitkomsten(), st.integers(1, 12))
def test_nothing_below_the_threshold_is_published(rijen: list[Uitkomst], drempel: int) -> None:
    for u, p in zip(rijen, publiceerbaar(rijen, drempel), strict=True):
        assert p.teller is None or p.teller >= drempel
        assert p.noemer is None or p.noemer >= drempel
        if p.aandeel is not None:
            assert p.teller is not None and p.noemer is not None
        if p.mediaan is not None or p.p75 is not None or p.p90 is not None:
            assert p.noemer is not None and p.noemer >= drempel
        # What is hidden is said to be hidden; what is shown is the true value.
        assert p.onderdrukt == (
            (u.teller, u.noemer, u.aandeel, u.mediaan) != (p.teller, p.noemer, p.aandeel, p.mediaan)
        )
        if p.teller is not None:
            assert p.teller == u.teller


def test_the_threshold_must_be_sensible() -> None:
    for slecht in (0, -1, True, 2.5):
        with pytest.raises(ValueError, match="threshold"):
            publiceerbaar([], slecht)  # type: ignore[arg-type]


@settings(max_examples=15)
@given(st.integers(0, 10_000), st.integers(1, 200), st.integers(2, 10))
def test_published_csv_respects_the_threshold_and_holds_no_ids(
    seed: int, aantal: int, drempel: int
) -> None:
    historien = list(synthetische_historien(aantal, seed=seed, van=VAN, tot=TOT, uitbreiding=True))
    resultaat = bereken(historien, peildatum=date(2026, 1, 15))
    buffer = io.StringIO()
    schrijf_csv(publiceerbaar(resultaat.uitkomsten, drempel), buffer)
    tekst = buffer.getvalue()
    for h in historien:
        assert h.verwijzing_id not in tekst
    for rij in csv.DictReader(io.StringIO(tekst)):
        for kolom in ("teller", "noemer"):
            assert rij[kolom] == "" or int(rij[kolom]) >= drempel, rij
        if rij["waarde"] and rij["indicator"] == "verwijzingen":
            assert int(rij["waarde"]) >= drempel
        if rij["mediaan"]:
            assert int(rij["noemer"]) >= drempel
        if rij["onderdrukt"] == "nee" and rij["waarde"] and rij["noemer"]:
            assert int(rij["teller"]) >= drempel
