"""The runner, the reports and the bundle, on checks made up for the test (no implementation)."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from warm_referral_conformance.bundel import controleer_bundel, maak_bundel, maak_sleutelpaar
from warm_referral_conformance.catalogus import Rol, catalogus
from warm_referral_conformance.context import Controlecontext
from warm_referral_conformance.http import GeenAntwoord, curl_regel
from warm_referral_conformance.maskeren import maskeer
from warm_referral_conformance.rapport import schrijf_html, schrijf_junit
from warm_referral_conformance.register import Controle, NietUitgevoerd
from warm_referral_conformance.resultaten import Run, Status, Uitwisseling
from warm_referral_conformance.runner import Selectie, bouw_run, voer_uit
from warm_referral_conformance.vrijstellingen import (
    Vrijstelling,
    VrijstellingFout,
    lees_vrijstellingen,
)


class _Ctx:
    """Just enough of a Controlecontext for made-up checks."""

    def __init__(self, controle: Controle) -> None:
        self.controle = controle
        self.afwijkingen: list[object] = []
        self.uitwisselingen: list[Uitwisseling] = []

    def afwijking(self, eis: str, melding: str) -> None:
        from warm_referral_conformance.resultaten import Afwijking

        self.afwijkingen.append(Afwijking(eis, melding))


def _controle(naam: str, eisen: tuple[str, ...], functie: object) -> Controle:
    return Controle(naam, f"titel {naam}", eisen, Rol.ONTVANGER, functie)  # type: ignore[arg-type]


def _run(
    controles: list[Controle],
    vrijstellingen: dict[str, Vrijstelling] | None = None,
    selectie: Selectie | None = None,
    limiet: float = 5.0,
) -> Run:
    selectie = selectie or Selectie()
    resultaten = voer_uit(controles, _Ctx, lambda c: None, limiet=limiet, selectie=selectie)  # type: ignore[arg-type]
    return bouw_run(
        rol=Rol.ONTVANGER,
        doel="http://test/v1",
        begin=datetime.now(timezone.utc),
        resultaten=resultaten,
        selectie=selectie,
        vrijstellingen=vrijstellingen or {},
        alle_controles=controles,
    )


def _goed(ctx: Controlecontext) -> None:
    return None


def _fout(eis: str) -> object:
    def functie(ctx: Controlecontext) -> None:
        ctx.afwijking(eis, "kapot")

    return functie


def _status(run: Run, eis: str) -> Status:
    return next(e.status for e in run.eisen if e.eis == eis)


def test_a_passing_run_passes_and_names_what_it_did_not_run() -> None:
    run = _run([_controle("a.goed", ("WD-ENV-03",), _goed)])
    assert run.geslaagd
    assert _status(run, "WD-ENV-03") is Status.GESLAAGD
    assert _status(run, "WD-ENV-04") is Status.NIET_UITGEVOERD
    assert (
        _status(run, "WD-API-01") is Status.GESLAAGD
    )  # every ontvanger exchange is checked for it


def test_a_failed_must_fails_the_run_a_failed_should_does_not() -> None:
    assert not _run([_controle("a.fout", ("WD-ENV-03",), _fout("WD-ENV-03"))]).geslaagd
    zou = _run([_controle("a.zou", ("WD-ENV-09",), _fout("WD-ENV-09"))])
    assert zou.geslaagd and _status(zou, "WD-ENV-09") is Status.GEFAALD


def test_a_run_in_which_nothing_ran_fails() -> None:
    def nooit(ctx: Controlecontext) -> None:
        raise NietUitgevoerd("geen testklok")

    run = _run([_controle("a.nooit", ("WD-TERM-02",), nooit)])
    assert not run.geslaagd and "geen enkele controle" in run.samenvatting
    assert _status(run, "WD-TERM-02") is Status.NIET_UITGEVOERD
    assert next(e.reden for e in run.eisen if e.eis == "WD-TERM-02") == "geen testklok"
    assert not _run([]).geslaagd


def test_waivers_valid_and_expired() -> None:
    geldig = {"WD-ENV-03": Vrijstelling("WD-ENV-03", "volgende release", date(2999, 1, 1))}
    run = _run([_controle("a.fout", ("WD-ENV-03",), _fout("WD-ENV-03"))], geldig)
    assert run.geslaagd and _status(run, "WD-ENV-03") is Status.VRIJGESTELD
    verlopen = {"WD-ENV-03": Vrijstelling("WD-ENV-03", "te laat", date(2000, 1, 1))}
    run = _run([_controle("a.goed", ("WD-ENV-03",), _goed)], verlopen)
    assert not run.geslaagd and _status(run, "WD-ENV-03") is Status.GEFAALD
    assert "verlopen" in (next(e.reden for e in run.eisen if e.eis == "WD-ENV-03") or "")


def test_waiver_file(tmp_path: Path) -> None:
    pad = tmp_path / "v.yaml"
    pad.write_text('- id: WD-ENV-03\n  reden: komt\n  geldig_tot: "2030-01-01"\n', encoding="utf-8")
    assert lees_vrijstellingen(pad, catalogus())["WD-ENV-03"].geldig_tot == date(2030, 1, 1)
    pad.write_text("- id: WD-XX-01\n  reden: x\n  geldig_tot: 2030-01-01\n", encoding="utf-8")
    with pytest.raises(VrijstellingFout, match="not a requirement"):
        lees_vrijstellingen(pad, catalogus())
    pad.write_text("- id: WD-ENV-03\n  reden: x\n", encoding="utf-8")
    with pytest.raises(VrijstellingFout, match="geldig_tot"):
        lees_vrijstellingen(pad, catalogus())


def test_selection_by_id_and_prefix() -> None:
    controles = [
        _controle("a.een", ("WD-ENV-03",), _fout("WD-ENV-03")),
        _controle("a.twee", ("WD-TERM-02",), _goed),
    ]
    run = _run(controles, selectie=Selectie(alleen=("WD-TERM",)))
    assert [c.controle for c in run.controles] == ["a.twee"] and run.geslaagd
    assert next(e.reden for e in run.eisen if e.eis == "WD-ENV-03") == "niet gekozen met --alleen"
    run = _run(controles, selectie=Selectie(zonder=("WD-ENV-03",)))
    assert [c.controle for c in run.controles] == ["a.twee"]


def test_a_check_that_hangs_is_stopped_and_fails_its_requirements() -> None:
    def hangt(ctx: Controlecontext) -> None:
        time.sleep(30)

    run = _run([_controle("a.hangt", ("WD-ENV-03", "WD-ENV-04"), hangt)], limiet=0.2)
    assert not run.geslaagd
    assert {a.eis for a in run.controles[0].afwijkingen} == {"WD-ENV-03", "WD-ENV-04"}
    assert "--timeout" in run.controles[0].afwijkingen[0].melding


def test_no_answer_and_a_crash_are_failures_not_passes() -> None:
    def geen_antwoord(ctx: Controlecontext) -> None:
        raise GeenAntwoord("geen antwoord op POST /berichten: ConnectError")

    def crash(ctx: Controlecontext) -> None:
        raise KeyError("berichtId")

    run = _run(
        [
            _controle("a.stil", ("WD-ENV-03",), geen_antwoord),
            _controle("a.crash", ("WD-ENV-04",), crash),
        ]
    )
    assert [c.status for c in run.controles] == [Status.GEFAALD, Status.GEFAALD]
    assert "liep vast" in run.controles[1].afwijkingen[0].melding


def _voorbeeldrun() -> Run:
    run = _run(
        [
            _controle("a.fout", ("WD-ENV-03",), _fout("WD-ENV-03")),
            _controle("a.goed", ("WD-ENV-04",), _goed),
        ]
    )
    run.controles[0].uitwisselingen.append(
        Uitwisseling(
            "POST",
            "http://test/v1/berichten",
            {"authorization": "Bearer <token>"},
            maskeer('{"bsn": "999990019"}'),
            201,
            {},
            "{}",
            0.01,
            None,
            "curl ...",
        )
    )
    run.controles[0].afwijkingen[0].uitwisseling = 0
    return run


def test_junit_report(tmp_path: Path) -> None:
    pad = tmp_path / "junit.xml"
    schrijf_junit(_voorbeeldrun(), pad)
    suite = ET.parse(pad).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    mislukt = [t for t in suite.iter("testcase") if t.find("failure") is not None]
    assert "WD-ENV-03: kapot" in (mislukt[0].find("failure").text or "")  # type: ignore[union-attr]


def test_html_report_is_self_contained_and_masks_the_bsn(tmp_path: Path) -> None:
    pad = tmp_path / "r.html"
    schrijf_html(_voorbeeldrun(), pad)
    tekst = pad.read_text(encoding="utf-8")
    assert "WD-ENV-03" in tekst and "NIET GESLAAGD" in tekst and "curl ..." in tekst
    assert "999990019" not in tekst and "*********" in tekst
    for verboden in ("<script", "<link", "<img", "src=", "@import", "url("):
        assert verboden not in tekst


def test_json_report_round_trips() -> None:
    run = _voorbeeldrun()
    assert Run.uit_dict(json.loads(json.dumps(run.als_dict()))).als_dict() == run.als_dict()


def test_bundle_integrity_and_signature(tmp_path: Path) -> None:
    run = _voorbeeldrun()
    sleutel = tmp_path / "sleutel.pem"
    publiek = maak_sleutelpaar(sleutel)
    pad = tmp_path / "bundel.json"
    pad.write_text(json.dumps(maak_bundel(run, sleutel)), encoding="utf-8")
    uitslag = controleer_bundel(pad, publiek)
    assert uitslag.intact and uitslag.ondertekend and uitslag.run is not None
    bundel = json.loads(pad.read_text(encoding="utf-8"))
    bundel["inhoud"]["geslaagd"] = True
    pad.write_text(json.dumps(bundel), encoding="utf-8")
    assert not controleer_bundel(pad).intact  # edited: the hash no longer matches
    bundel["sha256"] = (
        __import__("hashlib")
        .sha256(
            json.dumps(
                bundel["inhoud"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode()
        )
        .hexdigest()
    )
    pad.write_text(json.dumps(bundel), encoding="utf-8")
    assert not controleer_bundel(pad).intact  # hash fixed up: the signature still tells
    ander = tmp_path / "ander.pem"
    ander_publiek = maak_sleutelpaar(ander)
    pad.write_text(json.dumps(maak_bundel(run, sleutel)), encoding="utf-8")
    assert not controleer_bundel(pad, ander_publiek).intact
    pad.write_text(json.dumps(maak_bundel(run)), encoding="utf-8")
    assert controleer_bundel(pad).intact and not controleer_bundel(pad, publiek).intact


def test_curl_line_masks_credentials_and_bsns() -> None:
    regel = curl_regel(
        "POST",
        "https://x/v1/berichten",
        {"Authorization": "Bearer geheim", "Content-Type": "application/json"},
        b'{"bsn": "999990019"}',
        None,
        None,
    )
    assert "geheim" not in regel and "<token>" in regel and "999990019" not in regel
    assert regel.startswith("curl -sS -i -X POST https://x/v1/berichten")
