"""Build and serve the knooppunt: its store, its use cases, its app (REST and SOAP), uvicorn with
the receiver's protocol limits and mutual TLS."""

from __future__ import annotations

import asyncio
import ssl
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from warm_referral.knooppunt import Knooppuntprofiel

from ..receiver.config import Instellingen, Modus
from .domein import Knooppunt
from .opslag import Opslag

__all__ = ["build_knooppunt", "in_een_draad", "serve_knooppunt"]


def build_knooppunt(instellingen: Instellingen, db: Path, profiel: Knooppuntprofiel) -> Starlette:
    from .http.rest import create_app
    from .http.soap import soap_routes

    opslag = Opslag(db)
    knooppunt = Knooppunt(
        opslag, profiel, deelnemers=instellingen.deelnemers, testklok=instellingen.testklok
    )
    app = create_app(instellingen, knooppunt, extra=soap_routes(instellingen, knooppunt))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        opslag.close()

    app.router.lifespan_context = lifespan
    return app


def serve_knooppunt(
    instellingen: Instellingen,
    profiel: Knooppuntprofiel,
    *,
    db: Path,
    host: str,
    port: int,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    tls_ca: Path | None = None,
) -> None:
    """Serve until stopped."""
    import uvicorn

    from ..receiver.server import _stel_protocol_in, uvicorn_options

    tls: dict[str, Any] = {}
    if tls_cert and tls_key:
        tls = {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key)}
        if tls_ca:
            tls |= {"ssl_ca_certs": str(tls_ca), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    if instellingen.modus is Modus.ONTWIKKELING:
        tokens = ", ".join(f"{d.token} ({d.naam})" for d in instellingen.deelnemers if d.token)
        print(
            f"warm-referral knooppunt: development mode, profile {profiel.naam}, database {db}, "
            f"tokens: {tokens}",
            file=sys.stderr,
        )
    _stel_protocol_in(instellingen)
    app = build_knooppunt(instellingen, db, profiel)
    uvicorn.run(app, host=host, port=port, **(uvicorn_options(instellingen) | tls))


@contextmanager
def in_een_draad(instellingen: Instellingen, db: Path, profiel: Knooppuntprofiel) -> Iterator[str]:
    """The knooppunt served by uvicorn in a thread on a free local port (the demo, tests); its
    base URL."""
    import uvicorn

    from ..sender.ontvangerproces import vrije_poort

    poort = vrije_poort()
    server = uvicorn.Server(
        uvicorn.Config(
            build_knooppunt(instellingen, db, profiel),
            host="127.0.0.1",
            port=poort,
            log_level="warning",
            lifespan="on",
        )
    )
    draad = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    draad.start()
    einde = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > einde or not draad.is_alive():
            raise RuntimeError("the knooppunt did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{poort}/v1"
    finally:
        server.should_exit = True
        draad.join(10)
