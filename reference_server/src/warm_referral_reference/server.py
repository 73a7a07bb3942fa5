"""Running the receiver under uvicorn, with the deadline monitor beside it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from .app import create_app
from .config import Instellingen, Modus
from .service import Ontvanger
from .storage.sqlite import SqliteOpslag

__all__ = ["build_receiver", "serve_receiver"]


def build_receiver(
    instellingen: Instellingen, db: Path, bewaking_interval: float = 60.0
) -> Starlette:
    """The app with its store and a lifespan that runs the deadline monitor periodically."""
    opslag = SqliteOpslag(db)
    ontvanger = Ontvanger(instellingen, opslag)
    app = create_app(instellingen, ontvanger)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async def bewaak() -> None:
            while True:
                with contextlib.suppress(Exception):
                    await ontvanger.bewaak()
                await asyncio.sleep(bewaking_interval)

        task = asyncio.create_task(bewaak())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            opslag.sluit()

    app.router.lifespan_context = lifespan
    return app


def serve_receiver(
    instellingen: Instellingen,
    *,
    db: Path,
    host: str,
    port: int,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    tls_ca: Path | None = None,
    bewaking_interval: float = 60.0,
) -> None:
    import uvicorn

    from .tls import TlsH11Protocol

    app = build_receiver(instellingen, db, bewaking_interval)
    tls: dict[str, Any] = {}
    if tls_cert and tls_key:
        tls = {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key)}
        if tls_ca:
            tls |= {"ssl_ca_certs": str(tls_ca), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    if instellingen.modus is Modus.ONTWIKKELING:
        tokens = ", ".join(
            f"{d.token} ({d.naam}, {d.rol.value})" for d in instellingen.deelnemers if d.token
        )
        print(
            f"warm-referral receiver: development mode, database {db}, tokens: {tokens}",
            file=sys.stderr,
        )
    # What is loaded by now (modules, validators, calendars) lives as long as the process: keep it
    # out of every later garbage collection, whose full passes otherwise take ~0.1 s, a latency
    # spike for the requests that wait meanwhile. Only here, in the server process, not in
    # build_receiver (tests build many apps in one process).
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, http=TlsH11Protocol, log_level="warning", **tls)
