"""The kit's own tests: this folder's helpers (referentie.py, mutanten.py) are importable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
