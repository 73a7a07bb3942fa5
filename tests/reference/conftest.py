"""The receiver's database for the tests that run on both storage backends.

``receiver_db`` is a new SQLite file, or a fresh migrated database on the session's real
PostgreSQL server (``tests/support/postgres_fixtures.py``). The PostgreSQL runs are in the slow set
(``-m slow``, which tox runs on one interpreter), so the API tests run on both backends without
doubling every interpreter's time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]


@pytest.fixture(params=BACKENDS)
def receiver_db(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    if request.param == "sqlite":
        return tmp_path / "receiver.sqlite3"
    maak: Callable[..., str] = request.getfixturevalue("nieuwe_postgres")
    return maak()
