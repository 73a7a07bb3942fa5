"""Where the tests find the repository's files: one place, whatever folder a test lives in."""

from __future__ import annotations

from pathlib import Path

#: The repository root (tests/support/ is two levels below it).
ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "v1"
EXAMPLES = SPEC / "examples"
#: ``../shared`` beside the checkout: the DDAS schema and other external material.
SHARED = ROOT.parent / "shared"
