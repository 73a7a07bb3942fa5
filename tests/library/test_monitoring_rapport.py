"""The quarterly report: the CLI writes it, it holds no personal data or small counts, and a
person sees it (headless Chromium: every chart rendered, no console error, a screenshot)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from warm_referral.cli import main
from warm_referral.monitoring.synthetisch import synthetische_basislijn

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
GRAFIEKEN = {"trechter", "verdeling", "trend", "schuldeisers", "vergelijking"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uit = tmp_path_factory.mktemp("monitor-demo")
    assert main(["monitor", "demo", "--uit", str(uit), "--aantal", "600", "--seed", "3"]) == 0
    return uit


def test_demo_writes_data_csv_and_page(demo: Path) -> None:
    for naam in ("historie.jsonl", "basislijn-ddas.json", "monitoring.csv", "monitoring.html"):
        assert (demo / naam).stat().st_size > 0
    pagina = (demo / "monitoring.html").read_text(encoding="utf-8")
    assert pagina.startswith("<!DOCTYPE html>") and 'lang="nl"' in pagina
    assert set(re.findall(r'data-grafiek="([a-z]+)"', pagina)) == GRAFIEKEN
    # Self-contained: no script, no external resource.
    assert "<script" not in pagina
    assert not re.search(r'(src|href)="(https?:)?//', pagina)
    assert "kwartaalrapportage 2025-K4" in pagina and "Divosa" in pagina


def test_no_referral_id_and_no_small_count_in_the_published_files(demo: Path) -> None:
    ids = [
        json.loads(r)["verwijzingId"] for r in (demo / "historie.jsonl").read_text().splitlines()
    ]
    pagina = (demo / "monitoring.html").read_text(encoding="utf-8")
    tabel = (demo / "monitoring.csv").read_text(encoding="utf-8")
    for verwijzing_id in ids:
        assert verwijzing_id not in pagina and verwijzing_id not in tabel
    for rij in csv.DictReader(io.StringIO(tabel)):
        assert rij["teller"] == "" or int(rij["teller"]) >= 5
    # Every number in a table cell of the page is either a percentage or at least 5.
    for cel in re.findall(r"<td class=getal>([^<]*)</td>", pagina):
        for getal in re.findall(r"(?<![\d,])(\d+)(?![\d,%])", cel.replace(".", "")):
            if "P75" in cel or "P90" in cel or "mediaan" in cel:
                continue  # day counts of a distribution with n >= 5
            assert int(getal) >= 5, cel


def test_report_from_files_with_a_baseline(demo: Path, tmp_path: Path) -> None:
    uit = tmp_path / "rapport"
    code = main(
        [
            "monitor",
            "rapport",
            "--historie",
            str(demo / "historie.jsonl"),
            "--basislijn",
            str(demo / "basislijn-ddas.json"),
            "--uit",
            str(uit),
            "--kwartaal",
            "2025-K3",
            "--peildatum",
            "2026-01-15",
            "--drempel",
            "10",
        ]
    )
    assert code == 0
    assert "kwartaalrapportage 2025-K3" in (uit / "monitoring.html").read_text(encoding="utf-8")
    for rij in csv.DictReader(io.StringIO((uit / "monitoring.csv").read_text(encoding="utf-8"))):
        assert rij["teller"] == "" or int(rij["teller"]) >= 10


def test_every_engine_writes_the_same_report(demo: Path, tmp_path: Path) -> None:
    from warm_referral.monitoring.engine import beschikbaar

    engines = ["python", "auto"] + (["duckdb"] if beschikbaar() else [])
    teksten = set()
    for engine in engines:
        for vertrouwd in ([], ["--vertrouwd"]):
            uit = tmp_path / f"{engine}{vertrouwd}"
            argumenten = ["monitor", "rapport", "--historie", str(demo / "historie.jsonl")]
            argumenten += ["--uit", str(uit), "--peildatum", "2026-01-15", "--engine", engine]
            assert main(argumenten + vertrouwd) == 0
            teksten.add(
                (uit / "monitoring.csv").read_text(encoding="utf-8")
                + (uit / "monitoring.html").read_text(encoding="utf-8")
            )
    assert len(teksten) == 1


def test_forcing_duckdb_without_it_is_a_usage_error(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from warm_referral.monitoring import engine

    monkeypatch.setattr(engine, "beschikbaar", lambda: False)
    argumenten = ["monitor", "rapport", "--historie", str(demo / "historie.jsonl")]
    with pytest.raises(SystemExit) as einde:
        main([*argumenten, "--uit", str(tmp_path), "--engine", "duckdb"])
    assert einde.value.code == 2
    assert "warm-referral[analyse]" in capsys.readouterr().err


def test_a_bad_history_line_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bestand = tmp_path / "h.jsonl"
    bestand.write_text('{"formaat": "verwijzingshistorie/1"}\n', encoding="utf-8")
    assert main(["monitor", "rapport", "--historie", str(bestand), "--uit", str(tmp_path)]) == 1
    fout = capsys.readouterr().err
    assert "h.jsonl:1" in fout and "/verwijzingId" in fout


def test_an_invalid_baseline_is_refused(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    basis = synthetische_basislijn(
        10,
        seed=1,
        van=__import__("datetime").date(2025, 1, 1),
        tot=__import__("datetime").date(2025, 3, 31),
    )
    del basis["codeGegevensleverancier"]
    bestand = tmp_path / "b.json"
    bestand.write_text(json.dumps(basis), encoding="utf-8")
    assert (
        main(
            [
                "monitor",
                "rapport",
                "--historie",
                str(demo / "historie.jsonl"),
                "--basislijn",
                str(bestand),
                "--uit",
                str(tmp_path),
            ]
        )
        == 1
    )
    assert "codeGegevensleverancier" in capsys.readouterr().err


def test_ddas_command(demo: Path, tmp_path: Path) -> None:
    ids = [json.loads(r) for r in (demo / "historie.jsonl").read_text().splitlines()]
    clienten = {h["verwijzingId"]: {"postcode": "9999ZZ", "huisnummer": "1"} for h in ids}
    (tmp_path / "c.json").write_text(json.dumps(clienten), encoding="utf-8")
    uit = tmp_path / "ddas.json"
    assert (
        main(
            [
                "monitor",
                "ddas",
                "--historie",
                str(demo / "historie.jsonl"),
                "--clienten",
                str(tmp_path / "c.json"),
                "--gemeente",
                "0599",
                "--kwartaal",
                "2025-K2",
                "--organisatie",
                "Schuldhulp Rotterdam",
                "--uit",
                str(uit),
            ]
        )
        == 0
    )
    levering = json.loads(uit.read_text(encoding="utf-8"))
    assert levering["startdatumLevering"] == "2025-04-01"
    assert levering["einddatumLevering"] == "2025-06-30"


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)
def test_a_person_sees_every_chart(demo: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    assert CHROMIUM is not None
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            pagina = browser.new_page(viewport={"width": 1100, "height": 900})
            meldingen: list[str] = []
            pagina.on("console", lambda m: meldingen.append(f"{m.type}: {m.text}"))
            pagina.on("pageerror", lambda e: meldingen.append(f"pageerror: {e}"))
            verzoeken: list[str] = []
            pagina.on("request", lambda r: verzoeken.append(r.url))
            pagina.goto((demo / "monitoring.html").as_uri())
            grafieken = pagina.evaluate(
                """() => Array.from(document.querySelectorAll('figure.grafiek')).map(f => {
                    const svg = f.querySelector('svg');
                    const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                    return {naam: f.dataset.grafiek, breed: r.width, hoog: r.height,
                            vormen: svg ? svg.querySelectorAll('path, rect, use, line').length : 0,
                            tekst: svg ? svg.textContent.trim().length : 0};
                })"""
            )
            pagina.screenshot(path=str(tmp_path / "monitoring.png"), full_page=True)
        finally:
            browser.close()
    assert {g["naam"] for g in grafieken} == GRAFIEKEN
    for g in grafieken:
        assert g["breed"] > 300 and g["hoog"] > 150 and g["vormen"] > 5 and g["tekst"] > 0, g
    assert [m for m in meldingen if m.startswith(("error", "pageerror", "warning"))] == []
    assert all(u.startswith("file://") for u in verzoeken), verzoeken
    assert (tmp_path / "monitoring.png").stat().st_size > 10_000
