"""``import warm_referral`` must not drag in pydantic, lxml, holidays or a web framework."""

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


def test_plain_import_is_light() -> None:
    loaded = _modules_after("import warm_referral")
    for heavy in ("pydantic", "lxml", "xsdata", "holidays", "starlette", "httpx", "jsonschema"):
        assert heavy not in loaded, f"import warm_referral loads {heavy}"


def test_the_json_codec_needs_no_xml_or_calendar_stack() -> None:
    loaded = _modules_after("import warm_referral\nwarm_referral.parse_json")
    assert "pydantic" in loaded
    for heavy in ("lxml", "xsdata", "holidays"):
        assert heavy not in loaded


def test_signing_and_the_envelope_load_their_crypto_on_first_use() -> None:
    loaded = _modules_after("import warm_referral.ondertekening, warm_referral.knooppunt")
    for heavy in ("cryptography", "joserfc", "pydantic", "lxml"):
        assert heavy not in loaded, f"importing the signing packages loads {heavy}"
    loaded = _modules_after("import warm_referral.ondertekening as o\no.HEADER\no.SignatureError")
    assert "cryptography" not in loaded and "pydantic" not in loaded
