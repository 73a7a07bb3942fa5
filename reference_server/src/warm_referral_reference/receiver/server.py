"""Starting the receiver: its store, the app, the deadline monitor beside it, under uvicorn (one
process, or several worker processes on one port: :mod:`.workers`), with the HTTP protocol layer
that enforces the connection limits (:mod:`.protocol`)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from .config import Instellingen, Modus
from .domain import Ontvanger
from .domain.bewaking import bewaak_voortdurend
from .http.app import create_app
from .storage import beschrijf, open_opslag

__all__ = ["build_receiver", "receiver_for_worker", "serve_receiver", "uvicorn_options"]

#: How ``serve_receiver`` tells its worker processes what to build (JSON; see receiver_for_worker).
WORKER_ENV = "WARM_REFERRAL_RECEIVER_WORKER"


def build_receiver(
    instellingen: Instellingen,
    db: str | Path,
    bewaking_interval: float = 60.0,
    *,
    db_pool: int | None = None,
) -> Starlette:
    """The app with its store (``db``: a SQLite path or a PostgreSQL URL) and a lifespan that runs
    the deadline monitor periodically, and the knooppunt route when configured. A database whose schema this receiver does not know is
    refused here (:class:`~.errors.StoreSchemaError`)."""
    opslag = open_opslag(db, pool=db_pool)
    ontvanger = Ontvanger(instellingen, opslag)
    app = create_app(instellingen, ontvanger)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        taken = [asyncio.create_task(bewaak_voortdurend(ontvanger.bewaak, bewaking_interval))]
        if instellingen.knooppunt is not None:
            from .knooppuntroute import Knooppuntroute, draai_route, postbusclient, uitvoerder

            route = Knooppuntroute(
                instellingen,
                ontvanger,
                postbusclient(instellingen.knooppunt),
                uitvoerder(asyncio.get_running_loop()),
            )
            taken.append(asyncio.create_task(draai_route(route, instellingen.knooppunt.interval)))
        try:
            yield
        finally:
            for task in taken:
                task.cancel()
            for task in taken:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            opslag.sluit()

    app.router.lifespan_context = lifespan
    return app


def serve_receiver(
    instellingen: Instellingen,
    *,
    db: str | Path,
    host: str,
    port: int,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    tls_ca: Path | None = None,
    bewaking_interval: float = 60.0,
    workers: int = 1,
    config: Path | None = None,
    db_pool: int | None = None,
) -> None:
    """Serve until stopped. With ``workers`` > 1, that many processes share the socket and the
    database; each rebuilds the settings from ``config`` (the file ``instellingen`` was loaded
    from, None for the built-in development settings) and ``instellingen.modus``. The database
    is checked first: one clear error, not one per worker."""
    import uvicorn

    from .workers import REUSE_PORT, run_workers

    app: Starlette | str
    if workers > 1:
        open_opslag(db, pool=1).sluit()  # refuses an unknown schema before any worker starts
        os.environ[WORKER_ENV] = json.dumps(
            {
                "config": None if config is None else str(config),
                "modus": instellingen.modus.value,
                "db": str(db),
                "dbPool": db_pool,
                "bewakingInterval": bewaking_interval,
            }
        )
        app = f"{__name__}:receiver_for_worker"
    else:
        app = build_receiver(instellingen, db, bewaking_interval, db_pool=db_pool)
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
            f"warm-referral receiver: development mode, database {beschrijf(db)}, tokens: {tokens}",
            file=sys.stderr,
        )
    options = uvicorn_options(instellingen) | tls
    if workers > 1 and REUSE_PORT:
        code = run_workers(workers, host, port, {"app": app, "factory": True, **options})
        if code:
            raise SystemExit(code)
        return
    _stel_protocol_in(instellingen)
    _freeze_startup_objects()
    uvicorn.run(app, host=host, port=port, workers=workers, factory=workers > 1, **options)


def uvicorn_options(instellingen: Instellingen) -> dict[str, Any]:
    """How uvicorn runs the receiver: the protocol class with the limits (by import string, so
    that worker processes import it themselves), no WebSocket, no Server header (the ADR: hide
    the implementation), and uvicorn's keep-alive timeout equal to the receiver's idle timeout."""
    return {
        "http": "warm_referral_reference.receiver.protocol:BegrensdProtocol",
        "ws": "none",
        "server_header": False,
        "timeout_keep_alive": instellingen.http.stil_timeout,
        "log_level": "warning",
    }


def _stel_protocol_in(instellingen: Instellingen) -> None:
    from .protocol import BegrensdProtocol

    BegrensdProtocol.stel_in(instellingen.http)


def receiver_for_worker() -> Starlette:
    """The app of one worker process (uvicorn calls this factory in each worker)."""
    opdracht = json.loads(os.environ[WORKER_ENV])
    modus = Modus(opdracht["modus"])
    config = opdracht["config"]
    instellingen = Instellingen.laad(Path(config), modus) if config else Instellingen(modus=modus)
    app = build_receiver(
        instellingen, opdracht["db"], opdracht["bewakingInterval"], db_pool=opdracht["dbPool"]
    )
    _stel_protocol_in(instellingen)
    _freeze_startup_objects()
    return app


def _freeze_startup_objects() -> None:
    """What is loaded by now (modules, validators, calendars) lives as long as the process: keep
    it out of every later garbage collection, whose full passes otherwise take ~0.1 s, a latency
    spike for the requests that wait meanwhile. Only in server processes, not in build_receiver
    (tests build many apps in one process)."""
    gc.collect()
    gc.freeze()
