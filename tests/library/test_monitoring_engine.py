"""The DuckDB engine gives the pure-Python results, for every indicator and every grouping; bad
lines still give InvalidHistory; the engine is imported only when it runs."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warm_referral.calendar import DateOutOfRangeError
from warm_referral.models.enums import IngrijpendeMaatregel
from warm_referral.monitoring import (
    DIMENSIES,
    Evaluatie,
    InvalidHistory,
    Verwijzingshistorie,
    bereken,
    bereken_bestand,
    lees_historie,
    publiceerbaar,
    schrijf_historie,
)
from warm_referral.monitoring.synthetisch import synthetische_historien

duckdb = pytest.importorskip(
    "duckdb", reason="the DuckDB engine is the optional extra warm-referral[analyse]"
)

from warm_referral.monitoring.engine import KOLOMMEN, EngineFout, bereken_met_duckdb  # noqa: E402

VAN, TOT = date(2024, 1, 1), date(2025, 12, 31)


def _schrijf(historien: Iterable[Verwijzingshistorie], map_: Path) -> Path:
    pad = map_ / "historie.jsonl"
    with open(pad, "w", encoding="utf-8") as f:
        schrijf_historie(historien, f)
    return pad


def _zelfde(pad: Path, peildatum: date, drempel: int = 5) -> None:
    """Both engines, the same figures: every indicator, every period, every grouping."""
    with open(pad, "rb") as f:
        python = bereken(lees_historie(f), peildatum=peildatum)
    engine = bereken_met_duckdb(pad, peildatum=peildatum)
    assert engine.aantal_historien == python.aantal_historien
    assert engine.eerste_verwijsdatum == python.eerste_verwijsdatum
    assert engine.laatste_verwijsdatum == python.laatste_verwijsdatum
    assert engine.groepen.keys() == python.groepen.keys()
    for sleutel, acc in python.groepen.items():
        assert engine.groepen[sleutel] == acc, sleutel
    assert engine.uitkomsten == python.uitkomsten
    assert publiceerbaar(engine.uitkomsten, drempel) == publiceerbaar(python.uitkomsten, drempel)


# --- histories: synthetic ones, some with what the generator does not make -------------------------

#: UTC moments around the clocks changing in Amsterdam, and late evenings (the next day there).
_MOMENTEN = st.sampled_from(
    [
        datetime(2024, 3, 31, 0, 59, tzinfo=timezone.utc),
        datetime(2024, 3, 31, 1, 0, tzinfo=timezone.utc),
        datetime(2024, 3, 31, 22, 30, tzinfo=timezone.utc),
        datetime(2024, 10, 26, 22, 30, tzinfo=timezone.utc),
        datetime(2024, 10, 27, 0, 30, tzinfo=timezone.utc),
        datetime(2024, 10, 27, 23, 15, tzinfo=timezone.utc),
        datetime(2025, 6, 2, 21, 59, 59, tzinfo=timezone.utc),
        datetime(2025, 6, 2, 22, 0, tzinfo=timezone.utc),
        datetime(2025, 12, 31, 23, 0, tzinfo=timezone.utc),
    ]
)

_EVALUATIES = st.lists(
    st.builds(
        Evaluatie,
        peildatum=st.dates(date(2025, 3, 1), date(2025, 3, 4)),  # ties on purpose
        regulier_betaald=st.none() | st.booleans(),
        ingrijpende_maatregelen=st.none()
        | st.lists(st.sampled_from(IngrijpendeMaatregel), max_size=3),
        voorkomen_maatregelen=st.none()
        | st.lists(st.sampled_from(IngrijpendeMaatregel), max_size=2),
    ),
    max_size=4,
)


@st.composite
def historien(draw: st.DrawFn) -> list[Verwijzingshistorie]:
    uit = list(
        synthetische_historien(
            draw(st.integers(1, 120)),
            seed=draw(st.integers(0, 10_000)),
            van=VAN,
            tot=draw(st.sampled_from([date(2024, 6, 30), TOT])),
            uitbreiding=draw(st.booleans()),
        )
    )
    for i in draw(st.lists(st.integers(0, len(uit) - 1), max_size=8)):
        wijziging: dict[str, object] = {}
        if draw(st.booleans()):
            wijziging["evaluaties"] = tuple(draw(_EVALUATIES))
        if draw(st.booleans()) and uit[i].ontvangen_op is not None:
            moment = draw(_MOMENTEN)
            wijziging["ontvangen_op"] = moment
            wijziging["contactdeadline"] = moment + timedelta(days=draw(st.integers(0, 6)))
        if draw(st.booleans()):
            wijziging["organisatie"] = None
        uit[i] = uit[i].model_copy(update=wijziging)
    return uit


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(historien(), st.dates(date(2024, 1, 1), date(2026, 6, 30)), st.integers(1, 12))
def test_engine_and_pure_python_give_the_same_figures(
    lijst: list[Verwijzingshistorie], peildatum: date, drempel: int
) -> None:
    with tempfile.TemporaryDirectory() as map_:
        _zelfde(_schrijf(lijst, Path(map_)), peildatum, drempel)


def test_the_same_on_a_pilot_sized_set(tmp_path: Path) -> None:
    lijst = list(synthetische_historien(3000, seed=15, van=VAN, tot=TOT, uitbreiding=True))
    _zelfde(_schrijf(lijst, tmp_path), date(2026, 1, 15))


def test_bereken_bestand_chooses_and_forces_an_engine(tmp_path: Path) -> None:
    pad = _schrijf(synthetische_historien(200, seed=4, van=VAN, tot=TOT), tmp_path)
    uitkomsten = {
        (engine, vertrouwd): bereken_bestand(
            pad, peildatum=date(2026, 1, 15), engine=engine, vertrouwd=vertrouwd
        ).uitkomsten
        for engine in ("auto", "duckdb", "python")
        for vertrouwd in (False, True)
    }
    assert len(set(uitkomsten.values())) == 1
    with pytest.raises(ValueError, match="unknown engine"):
        bereken_bestand(pad, peildatum=date(2026, 1, 15), engine="polars")


def test_empty_file(tmp_path: Path) -> None:
    pad = tmp_path / "leeg.jsonl"
    pad.write_text("\n", encoding="utf-8")
    resultaat = bereken_met_duckdb(pad, peildatum=date(2026, 1, 15))
    assert resultaat.aantal_historien == 0
    assert resultaat.uitkomsten == ()
    assert resultaat.eerste_verwijsdatum is None


# --- bad lines: the typed error, on every path -------------------------------------------------------


def _regels(aantal: int) -> list[str]:
    return [h.naar_json() for h in synthetische_historien(aantal, seed=2, van=VAN, tot=TOT)]


@pytest.mark.parametrize(
    ("wijziging", "pointer", "code"),
    [
        (lambda d: d.update(soortVerwijzer="Telecom"), "/soortVerwijzer", "waarde_niet_toegestaan"),
        (lambda d: d.pop("verwijsdatum"), "/verwijsdatum", "verplicht"),
        (lambda d: d.update(verwijsdatum="2025-02-30"), "/verwijsdatum", "datum_ongeldig"),
        (lambda d: d.update(formaat="verwijzingshistorie/2"), "/formaat", None),
        (lambda d: d.update(gemeentecode="GM0599"), "/gemeentecode", "patroon"),
        (lambda d: d.update(extra=1), "/extra", "onbekend_veld"),
    ],
)
@pytest.mark.parametrize("vertrouwd", [False, True])
def test_a_bad_line_names_line_pointer_and_code(
    tmp_path: Path, wijziging, pointer: str, code: str | None, vertrouwd: bool
) -> None:
    regels = _regels(5)
    fout = json.loads(regels[3])
    wijziging(fout)
    regels[3] = json.dumps(fout)
    pad = tmp_path / "h.jsonl"
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")
    if vertrouwd and pointer in ("/gemeentecode", "/extra"):
        # Documented: a trusted file's patterns and unknown members are not checked.
        bereken_bestand(pad, peildatum=date(2026, 1, 15), engine="duckdb", vertrouwd=True)
        return
    with pytest.raises(InvalidHistory) as info:
        bereken_bestand(pad, peildatum=date(2026, 1, 15), engine="duckdb", vertrouwd=vertrouwd)
    assert info.value.regel == 4
    assert str(info.value).startswith(f"{pad}:4: ")
    assert pointer in {v.pointer for v in info.value.violations}
    if code is not None:
        assert (pointer, code) in {(v.pointer, v.code) for v in info.value.violations}


def test_not_json_in_a_trusted_file(tmp_path: Path) -> None:
    pad = tmp_path / "h.jsonl"
    pad.write_text("\n".join([*_regels(2), "{niet json"]) + "\n", encoding="utf-8")
    with pytest.raises(InvalidHistory) as info:
        bereken_bestand(pad, peildatum=date(2026, 1, 15), engine="duckdb", vertrouwd=True)
    assert info.value.regel == 3
    assert info.value.violations[0].code == "geen_json"


# --- the calendar's window ---------------------------------------------------------------------------


def _met_poging(jaar: int) -> Verwijzingshistorie:
    h = next(h for h in synthetische_historien(50, seed=3, van=VAN, tot=TOT) if h.contactpogingen)
    poging = h.contactpogingen[0]
    verder = type(poging)(date(jaar, 6, 3), poging.soort, poging.dagdeel, poging.bereikt)
    return h.model_copy(update={"contactpogingen": (verder,)})


def test_dates_beyond_the_window_get_the_calendars_answer(tmp_path: Path) -> None:
    lijst = [*synthetische_historien(20, seed=3, van=VAN, tot=TOT), _met_poging(2150)]
    pad = _schrijf(lijst, tmp_path)
    with pytest.raises(EngineFout, match="calendar window"):  # the window ends before 2150 ...
        bereken_met_duckdb(pad, peildatum=date(2026, 1, 15))
    python = bereken(lijst, peildatum=date(2026, 1, 15))
    for vertrouwd in (False, True):  # ... so the pure-Python path answers
        resultaat = bereken_bestand(
            pad, peildatum=date(2026, 1, 15), engine="duckdb", vertrouwd=vertrouwd
        )
        assert resultaat.uitkomsten == python.uitkomsten


def test_dates_before_the_calendar_are_its_error(tmp_path: Path) -> None:
    pad = _schrijf([_met_poging(1990)], tmp_path)
    with pytest.raises(DateOutOfRangeError):
        bereken(lees_historie(pad.read_bytes().splitlines()), peildatum=date(2026, 1, 15))
    with pytest.raises(DateOutOfRangeError):
        bereken_bestand(pad, peildatum=date(2026, 1, 15), engine="duckdb", vertrouwd=True)


# --- one vocabulary, light imports -----------------------------------------------------------------


def test_the_engine_reads_exactly_the_models_members() -> None:
    wire = {veld.alias or naam for naam, veld in Verwijzingshistorie.model_fields.items()}
    assert set(KOLOMMEN) == wire


def test_duckdb_is_imported_only_when_the_engine_runs(tmp_path: Path) -> None:
    pad = _schrijf(synthetische_historien(20, seed=1, van=VAN, tot=TOT), tmp_path)
    code = (
        "import sys, datetime\n"
        "import warm_referral.monitoring as m, warm_referral.monitoring.engine\n"
        "assert 'duckdb' not in sys.modules\n"
        f"m.bereken_bestand({str(pad)!r}, peildatum=datetime.date(2026, 1, 15), engine='python')\n"
        "assert 'duckdb' not in sys.modules\n"
        f"m.bereken_bestand({str(pad)!r}, peildatum=datetime.date(2026, 1, 15))\n"
        "assert 'duckdb' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_grouping_has_an_sql_column() -> None:
    from warm_referral.monitoring.engine import GROEPEN_SQL

    assert ("totaal", *GROEPEN_SQL) == DIMENSIES
