"""Registering the reference services' commands loads nothing heavy: ``warm-referral --help`` stays
quick although the receiver's actions (pydantic models) give the ``gemeente actie`` choices."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from warm_referral.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
print(sorted(m for m in ("pydantic", "httpx", "starlette", "uvicorn") if m in sys.modules))
"""


def test_help_loads_no_pydantic_httpx_or_web_framework() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "gemeente" in done.stdout and "serve" in done.stdout
