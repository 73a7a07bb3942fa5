"""The address packages keep the library's bare import light: the JOSE library, httpx, pydantic
and numpy load only when something needs them."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(out.split())


def test_the_bare_import_loads_no_jose_or_http() -> None:
    geladen = _modules_after(
        "import warm_referral, warm_referral.adressen, warm_referral.adresboek"
    )
    for zwaar in ("joserfc", "cryptography", "httpx", "pydantic", "numpy"):
        assert zwaar not in geladen, f"the bare import loads {zwaar}"


def test_an_address_look_up_needs_no_pydantic_jose_or_http() -> None:
    geladen = _modules_after(
        "from warm_referral.adressen.voorbeeld import voorbeeldindex\n"
        "from warm_referral.adressen import Gemeentezoeker\n"
        "from datetime import date\n"
        "Gemeentezoeker([voorbeeldindex()]).gemeentecode('4381AB', 1, op=date(2026, 3, 2))"
    )
    for zwaar in ("joserfc", "cryptography", "httpx", "pydantic", "numpy"):
        assert zwaar not in geladen, f"an address look-up loads {zwaar}"


def test_the_pdok_conversation_needs_no_http_client() -> None:
    geladen = _modules_after("from warm_referral.adressen.pdok import PdokOpzoeking")
    assert "httpx" not in geladen


def test_the_jose_library_loads_when_a_signature_is_checked() -> None:
    geladen = _modules_after(
        "from warm_referral.adresboek import Sleutelbos\n"
        "try:\n"
        "    from warm_referral.adresboek import verifieer\n"
        "    verifieer(b'a.b.c', Sleutelbos({}))\n"
        "except Exception:\n"
        "    pass"
    )
    assert "joserfc" in geladen
