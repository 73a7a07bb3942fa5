"""A throwaway PostgreSQL server in a temporary folder: for the tests, the benchmark and the crash
test, which need a real server and must not depend on one being configured on the machine.

It runs the server binaries of the machine (``initdb``, ``pg_ctl``: on ``PATH``, or Debian's
``/usr/lib/postgresql/<version>/bin``; ``WARM_REFERRAL_PG_BIN`` names another folder), listens
only on a Unix socket in its own folder (no TCP port, so it cannot clash with another server), and
trusts local connections (nobody else can reach that folder's socket). PostgreSQL refuses to run as
root: as root, the folder is given to the ``postgres`` user (or ``nobody``) and the server runs as
that user. ``fsync`` and ``synchronous_commit`` keep their defaults (on): a commit is durable when
it returns, as in production, so the benchmark measures the real thing.

    with TemporaryPostgres() as server:
        url = server.create_database("ontvanger")   # postgresql://postgres@/ontvanger?host=...
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["TemporaryPostgres", "find_bin_dir", "unavailable"]

_DEBIAN = Path("/usr/lib/postgresql")


def find_bin_dir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``, or None."""
    env = os.environ.get("WARM_REFERRAL_PG_BIN")
    if env:
        return Path(env) if (Path(env) / "initdb").exists() else None
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = sorted(
        (p.parent for p in _DEBIAN.glob("*/bin/initdb")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    return versions[0] if versions else None


def _run_as() -> tuple[int, int] | None:
    """(uid, gid) of the user the server runs as when we are root; None when we are not."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    return None


def unavailable() -> str | None:
    """Why no throwaway server can run here (for a test's skip reason), or None."""
    if find_bin_dir() is None:
        return (
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
            f"{_DEBIAN}/*/bin: install Debian's postgresql (or set WARM_REFERRAL_PG_BIN)"
        )
    if hasattr(os, "geteuid") and os.geteuid() == 0 and _run_as() is None:
        return "running as root without a 'postgres' or 'nobody' user to run PostgreSQL as"
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        return (
            "psycopg and psycopg_pool are not installed (pip install psycopg[binary] psycopg-pool)"
        )
    return None


class TemporaryPostgres:
    """A PostgreSQL server in a temporary folder, from :meth:`start` until :meth:`stop`."""

    def __init__(self, settings: Mapping[str, str] | None = None) -> None:
        self.settings = {"max_connections": "200", **(settings or {})}
        self.folder: Path | None = None
        self.port = 5432  # names the socket file only: the server listens on no TCP port
        self._bin = find_bin_dir()
        self._user = _run_as()
        self._databases = 0

    @property
    def socket_dir(self) -> Path:
        assert self.folder is not None, "the server is not started"
        return self.folder

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def _run(self, *command: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        assert self.folder is not None
        if self._user is not None:
            kwargs |= {"user": self._user[0], "group": self._user[1], "extra_groups": []}
        return subprocess.run(
            [str(c) for c in command],
            cwd=self.folder,
            check=True,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def start(self) -> TemporaryPostgres:
        reason = unavailable()
        if reason:
            raise RuntimeError(reason)
        assert self._bin is not None
        # In /tmp, not in a deep pytest folder: a socket path may hold at most 107 bytes, and a
        # folder under root's private pytest folder would be out of the server user's reach.
        self.folder = Path(tempfile.mkdtemp(prefix="warm-referral-pg-", dir="/tmp"))
        if self._user is not None:
            os.chown(self.folder, *self._user)
        data = self.folder / "data"
        try:
            self._run(
                self._bin / "initdb", "-D", data, "-U", "postgres", "--auth=trust",
                "--encoding=UTF8", "--locale=C", "--no-sync",
            )  # fmt: skip
            settings = {
                "listen_addresses": "''",
                "unix_socket_directories": f"'{self.folder}'",
                "port": str(self.port),
                **self.settings,
            }
            # In the configuration file, not on pg_ctl's command line: a restart keeps them.
            with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
            self._pg_ctl_start()
        except subprocess.CalledProcessError as exc:
            log = self.log()
            self.stop()
            raise RuntimeError(
                f"PostgreSQL did not start: {exc.stderr or exc.stdout}\n{log}"
            ) from None
        return self

    def _pg_ctl_start(self) -> None:
        assert self._bin is not None and self.folder is not None
        log = self.folder / "server.log"
        self._run(
            self._bin / "pg_ctl", "-D", self.folder / "data", "-l", log, "-w", "-t", "60", "start"
        )

    def restart(self) -> None:
        """Stop the server at once (as a crash would: ``-m immediate``) and start it again."""
        assert self._bin is not None and self.folder is not None
        self._run(self._bin / "pg_ctl", "-D", self.folder / "data", "-m", "immediate", "-w", "stop")
        self._pg_ctl_start()

    def log(self) -> str:
        if self.folder is None:
            return ""
        try:
            return (self.folder / "server.log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def create_database(self, name: str | None = None) -> str:
        """A new, empty database; its URL."""
        import psycopg
        from psycopg import sql

        self._databases += 1
        name = name or f"db{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def stop(self) -> None:
        if self.folder is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").exists() and self._bin is not None:
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(self._bin / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        # Removing a few hundred MB of data files and WAL took up to half a minute on a busy
        # disk: a detached ``rm`` does it without keeping the caller (a test session) waiting.
        rm = shutil.which("rm")
        if rm is None:
            shutil.rmtree(self.folder, ignore_errors=True)
        else:
            subprocess.Popen(
                [rm, "-rf", "--", str(self.folder)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.folder = None

    def __enter__(self) -> TemporaryPostgres:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
