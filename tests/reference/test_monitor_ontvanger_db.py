"""``warm-referral monitor`` reads the reference receiver's database (issue 15, item 5): the
source plugin ``--ontvanger-db`` that the reference distribution installs in the entry-point group
``warm_referral.monitor.bronnen``, for ``monitor rapport`` and ``monitor export``.

The database is built through the receiver's API, as in production; the report's figures must be
those of the referrals sent, with the organisation from the receiver's configuration.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from receiver_support import (
    EVIDES,
    EVIDES_KLOK,
    EVIDES_VERWIJZING,
    example,
    fresh,
    running_receiver,
)

from warm_referral.cli import main
from warm_referral.cli.historiebronnen import BRONNEN_GROEP, laad_bronnen
from warm_referral.monitoring import lees_historie


@pytest.fixture(scope="module")
def ontvanger_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A receiver database with 7 referrals to Vlissingen, one of them reached."""
    with running_receiver(tmp_path_factory.mktemp("ontvanger")) as api:
        api.zet_klok(EVIDES_KLOK)
        convs = []
        for _ in range(7):
            verwijzing = fresh(example(EVIDES_VERWIJZING))
            api.stuur(EVIDES, verwijzing)
            convs.append(verwijzing["conversatieId"])
        api.actie(
            convs[0],
            {
                "soort": "Contactpoging",
                "datum": "2026-04-01",
                "contactsoort": "Telefoon",
                "dagdeel": "Middag",
                "bereikt": True,
            },
        )
        yield api.db


def _csv(pad: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(pad.read_text(encoding="utf-8"))))


def _rij(rijen: list[dict[str, str]], **waarden: str) -> dict[str, str]:
    gevonden = [r for r in rijen if all(r[k] == v for k, v in waarden.items())]
    assert len(gevonden) == 1, (waarden, gevonden)
    return gevonden[0]


def test_the_reference_installs_the_source_in_the_entry_point_group() -> None:
    assert [b.naam for b in laad_bronnen()] == ["--ontvanger-db FILE"]
    assert BRONNEN_GROEP == "warm_referral.monitor.bronnen"


def test_monitor_rapport_reads_the_receiver_database(ontvanger_db: Path, tmp_path: Path) -> None:
    uit = tmp_path / "rapport"
    code = main(
        [
            "monitor",
            "rapport",
            "--ontvanger-db",
            str(ontvanger_db),
            "--uit",
            str(uit),
            "--kwartaal",
            "2026-K2",
            "--peildatum",
            "2026-04-15",
            "--engine",
            "python",
        ]
    )
    assert code == 0
    rijen = _csv(uit / "monitoring.csv")
    kwartaal = {"periodesoort": "kwartaal", "periode": "2026-K2"}
    assert _rij(rijen, indicator="verwijzingen", dimensie="totaal", **kwartaal)["teller"] == "7"
    organisatie = _rij(rijen, indicator="verwijzingen", dimensie="organisatie", **kwartaal)
    assert (organisatie["groep"], organisatie["teller"]) == ("Schuldhulp Walcheren", "7")
    bereikt = _rij(rijen, indicator="bereikt", dimensie="totaal", **kwartaal)
    assert (bereikt["teller"], bereikt["onderdrukt"]) == ("", "ja")  # 1 of 7: below 5
    assert "2026-K2" in (uit / "monitoring.html").read_text(encoding="utf-8")


def test_the_organisation_comes_from_the_receivers_participants_register(
    ontvanger_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The organisation comes from the participants register the configuration names.
    register = {
        "formaat": "warm-referral-deelnemersregister/1",
        "uitgever": {"naam": "NVVK", "kvkNummer": "40123456"},
        "uitgegevenOp": "2026-11-02T09:00:00Z",
        "schuldeisers": [],
        "organisaties": [
            {
                "id": "kbz",
                "naam": "Kredietbank Zeeland",
                "oin": "00000001001234567000",
                "gemeentecodes": ["0718"],
            }
        ],
    }
    (tmp_path / "register.json").write_text(json.dumps(register), encoding="utf-8")
    config = tmp_path / "ontvanger.json"
    config.write_text(json.dumps({"deelnemersregister": "register.json"}), encoding="utf-8")
    uit = tmp_path / "historie.jsonl"
    code = main(
        [
            "monitor",
            "export",
            "--ontvanger-db",
            str(ontvanger_db),
            "--ontvanger-config",
            str(config),
            "--uit",
            str(uit),
        ]
    )
    assert code == 0
    assert "7 histories" in capsys.readouterr().err
    with uit.open(encoding="utf-8") as f:
        historien = list(lees_historie(f, bron=str(uit)))  # strict: every line valid
    assert len(historien) == 7
    assert {h.organisatie for h in historien} == {"Kredietbank Zeeland"}
    assert sum(1 for h in historien if h.contactpogingen) == 1


def test_export_writes_json_lines_to_stdout(
    ontvanger_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["monitor", "export", "--ontvanger-db", str(ontvanger_db)]) == 0
    regels = capsys.readouterr().out.splitlines()
    assert len(regels) == 7
    assert all(json.loads(r)["formaat"] == "verwijzingshistorie/1" for r in regels)


def test_export_reads_a_postgresql_database_alike(
    ontvanger_db: Path, postgres_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same histories, stored through the storage contract in PostgreSQL, export the same
    (``--ontvanger-db`` takes the URL)."""
    from warm_referral_reference.receiver.storage import open_opslag

    bron, doel = open_opslag(ontvanger_db), open_opslag(postgres_database)
    try:
        regels = asyncio.run(bron.lees(lambda tx: list(tx.historien())))

        def bewaar(tx: Any) -> None:
            for regel in regels:
                tx.bewaar_historie(regel)

        asyncio.run(doel.transactie(bewaar))
    finally:
        bron.sluit()
        doel.sluit()
    assert main(["monitor", "export", "--ontvanger-db", str(ontvanger_db)]) == 0
    uit_sqlite = sorted(capsys.readouterr().out.splitlines())
    assert main(["monitor", "export", "--ontvanger-db", postgres_database]) == 0
    uit_postgresql = sorted(capsys.readouterr().out.splitlines())
    assert len(uit_postgresql) == 7
    assert uit_postgresql == uit_sqlite


@pytest.mark.parametrize(
    "argumenten",
    [
        ["monitor", "rapport", "--uit", "x"],  # no source
        ["monitor", "rapport", "--uit", "x", "--historie", "h.jsonl", "--ontvanger-db", "o.db"],
        ["monitor", "export"],
    ],
)
def test_exactly_one_source_is_a_usage_rule(
    argumenten: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argumenten)
    assert exc.value.code == 2
    assert "exactly one source of histories" in capsys.readouterr().err


def test_a_missing_database_is_reported_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bestaat-niet.sqlite3"
    code = main(["monitor", "rapport", "--ontvanger-db", str(db), "--uit", str(tmp_path / "u")])
    assert code == 1
    assert "no such receiver database" in capsys.readouterr().err
    assert not db.exists()


def test_a_broken_configuration_is_reported(
    ontvanger_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kapot.json"
    config.write_text("{", encoding="utf-8")
    argumenten: list[Any] = ["--ontvanger-db", ontvanger_db, "--ontvanger-config", config]
    assert main(["monitor", "export", *map(str, argumenten)]) == 1
    assert "kapot.json: not JSON" in capsys.readouterr().err
