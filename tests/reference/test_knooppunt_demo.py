"""``warm-referral demo --knooppunt``: the whole chain through the knooppunt runs in the demo, with
signing and encryption on (issue 19's "done when")."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from warm_referral.cli import main


def test_the_demo_through_the_knooppunt(tmp_path: Path) -> None:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["demo", "--knooppunt", "--map", str(tmp_path)])
    tekst = buffer.getvalue()
    assert code == 0, tekst
    assert "-> knooppunt: Verwijzing 5d7f9b1d-3f5a-4d7f-9b1d-3f5a7c9e1b3d" in tekst
    assert "knooppunt holds it until 2027-01-12T23:00:00Z" in tekst
    assert "verifies the signature of OIN 00000003340123450000" in tekst
    assert "contact by Fri 2027-01-08 23:59 (Amsterdam)" in tekst
    assert "bailiff  fetches and opens the Ontvangstbevestiging" in tekst
    assert "Verwijzing             00000003340123450000 -> 00000001001234567000  bevestigd" in tekst
    assert "holds no plaintext" in tekst
    # The knooppunt's database is there to look at, and the resident is not in it.
    assert b"Vries" not in (tmp_path / "knooppunt.sqlite3").read_bytes()
