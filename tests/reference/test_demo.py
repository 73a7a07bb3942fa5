"""``warm-referral demo``: one command runs the whole chain; its timeline tells the four stories
(issue 7)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from warm_referral_reference.sender.errors import ReceiverStartError
from warm_referral_reference.sender.ontvangerproces import Ontvangerproces

from warm_referral.cli import main


@pytest.fixture(scope="module")
def demo_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The demo run once in-process for all the checks below: its output and its folder."""
    map = tmp_path_factory.mktemp("demo")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["demo", "--map", str(map)])
    tekst = buffer.getvalue()
    assert code == 0, tekst
    return tekst, map


@pytest.fixture
def uitvoer(demo_map: tuple[str, Path]) -> str:
    return demo_map[0]


def _blok(tekst: str, letter: str) -> str:
    """The timeline of one referral: from its heading to the next blank line."""
    match = re.search(rf"^{letter}  \S+  .*?(?=^\s*$)", tekst, re.MULTILINE | re.DOTALL)
    assert match, f"no timeline for {letter}"
    return match.group(0)


def test_the_deadline_skips_good_friday_and_easter_monday(uitvoer: str) -> None:
    assert "vr 2026-04-03  skipped: Goede Vrijdag" in uitvoer
    assert "ma 2026-04-06  skipped: Tweede Paasdag" in uitvoer
    assert "wo 2026-04-08  werkdag 3" in uitvoer
    assert "contact deadline: wo 2026-04-08 23:59:59 (Europe/Amsterdam)" in uitvoer
    assert "incassostop: 2026-04-01 to 2026-05-01 (30 calendar days)" in uitvoer


def test_a_reached_and_accepted(uitvoer: str) -> None:
    blok = _blok(uitvoer, "A")
    assert "reached and accepted" in blok
    volgorde = ["Ontvangstbevestiging", "Statusbericht Opgepakt", "Statusbericht Hulp aanvaard",
                "Statusbericht Afgesloten (Ondersteuning gestart)"]  # fmt: skip
    posities = [blok.index(stap) for stap in volgorde]
    assert posities == sorted(posities)
    # The referral rests on the afsluitregeling: reached and offered are not the creditor's.
    assert "Statusbericht Bereikt" not in blok and "Statusbericht Hulp aangeboden" not in blok
    assert blok.rstrip().endswith("Afgesloten: Ondersteuning gestart")
    assert "Vervolghulp en/of verwijzing financieel" in blok  # the municipality's own result ...
    creditor = [r for r in blok.splitlines() if " creditor " in r]
    assert not any("financieel" in r for r in creditor)  # ... never the creditor's


def test_b_not_reached_by_the_deadline(uitvoer: str) -> None:
    blok = _blok(uitvoer, "B")
    assert "do 09-04 09:00 gemeente termijnbewaking: deadline passed, no contact yet" in blok
    assert "not reached" in blok and "ContactGestaakt" in blok
    # The creditor never hears of the failed attempts: it sees Opgepakt until the closing.
    creditor = [r for r in blok.splitlines() if " creditor " in r]
    assert not any("Contactpoging" in r for r in creditor)
    assert "Statusverzoek (HTTP 200)" in blok
    assert blok.rstrip().endswith("Afgesloten: Geen contact")


def test_c_not_taken_up_without_the_reason_text(uitvoer: str) -> None:
    blok = _blok(uitvoer, "C")
    assert "BSN included (test range)" in blok
    assert "toelichting" in blok  # the municipality records it ...
    regel = next(r for r in blok.splitlines() if "<- NietOpgepakt" in r)
    assert "Leger des Heils" not in regel  # ... the creditor gets only the creditor-safe reason
    assert regel.rstrip().endswith("Niet opgepakt: andere reden")
    assert "reason text (toelichting) is not in the creditor's inbox" in uitvoer


def test_d_withdrawn(uitvoer: str) -> None:
    blok = _blok(uitvoer, "D")
    assert "-> Intrekking: Achterstand betaald (HTTP 202)" in blok
    assert re.search(r"Ingetrokken\s+Ingetrokken$", blok.rstrip())


def test_the_creditors_view_at_the_end(uitvoer: str) -> None:
    eind = uitvoer[uitvoer.index("What the creditors' own records show") :]
    for verwacht in ("Afgesloten: Ondersteuning gestart", "Afgesloten: Geen contact",
                     "Niet opgepakt: andere reden", "Ingetrokken"):  # fmt: skip
        assert verwacht in eind
    assert "All four scenarios ended as expected." in eind
    assert "\033[" not in uitvoer  # no colour codes when stdout is not a terminal


def test_routing_by_address_reaches_the_regional_organisations_receiver(uitvoer: str) -> None:
    """Issue 17's "done when": Middelburg's referral reaches Schuldhulp Walcheren's receiver,
    Goes's reaches Goes's, an unknown address is refused before anything is sent."""
    netwerk = uitvoer[uitvoer.index("The network: routing by the customer's address") :]
    assert re.search(
        r"E  4331AA 1\s+-> gemeente 0687 Middelburg -> Schuldhulp Walcheren at "
        r"http://127\.0\.0\.1:\d+/v1: received \(Ontvangen\)",
        netwerk,
    )
    assert re.search(r"F  4461AA 1\s+-> gemeente 0664 Goes -> Gemeente Goes at ", netwerk)
    assert "G  9999ZZ 1   refused before sending: UnknownPostcode" in netwerk
    assert "H  4531AB 1   refused before sending: NoReceiver" in netwerk
    assert "422 gemeente-niet-bediend" in netwerk


def test_the_databases_are_kept_in_map(demo_map: tuple[str, Path]) -> None:
    namen = {p.name for p in demo_map[1].iterdir()}
    assert {"ontvanger.sqlite3", "verzender-evides.sqlite3", "verzender-zorg.sqlite3"} <= namen
    assert {"ontvanger-goes.sqlite3", "adresboek.jws", "nvvk-demo.jwks.json"} <= namen
    assert len(list((demo_map[1] / "netwerk").glob("outbox-*.sqlite3"))) == 2


def test_a_failing_step_stops_the_demo_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def kapot(self: Ontvangerproces, timeout: float = 30.0) -> None:
        raise ReceiverStartError("port in use")

    monkeypatch.setattr(Ontvangerproces, "start", kapot)
    assert main(["demo"]) == 1
    assert "warm-referral demo: FAILED: the receiver did not start: port in use" in (
        capsys.readouterr().err
    )
