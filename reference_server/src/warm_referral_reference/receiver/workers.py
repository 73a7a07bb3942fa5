"""Several receiver processes on one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's own ``workers`` share one listening socket, and whichever worker wakes first accepts
every connection that is waiting: a burst of keep-alive connections (a sender's pool, a load test)
then lands mostly on one worker while the others idle. With a socket per worker, bound with
SO_REUSEPORT, the kernel spreads connections over the workers evenly. Where SO_REUSEPORT does not
exist (Windows), uvicorn's shared socket is used instead.

The supervisor is deliberately simple: it starts the workers, forwards SIGINT/SIGTERM to them, and
when one worker ends on its own it stops the others and exits with an error, so that the service
manager (systemd, Kubernetes) restarts the whole receiver rather than running it short-handed.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

__all__ = ["REUSE_PORT", "run_workers"]

REUSE_PORT = hasattr(socket, "SO_REUSEPORT")


def _listen(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(2048)
    return sock


def _worker(options: dict[str, Any], host: str, port: int) -> None:
    import uvicorn

    sock = _listen(host, port)
    config = uvicorn.Config(**options)
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(workers: int, host: str, port: int, options: dict[str, Any]) -> int:
    """Run ``workers`` processes of ``uvicorn.Config(**options)`` until stopped; the exit code.

    ``options`` must name the app by import string (each worker imports it itself).
    """
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(options, host, port), name=f"receiver-{i + 1}")
        for i in range(workers)
    ]
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for process in processes:
            process.start()
        while not stopping and all(p.is_alive() for p in processes):
            time.sleep(0.2)
        ended = [p for p in processes if not p.is_alive()]
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn shuts down gracefully
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        if not stopping and ended:
            print(
                f"warm-referral receiver: worker {ended[0].name} ended "
                f"(exit code {ended[0].exitcode}); stopped the others",
                file=sys.stderr,
            )
            return 1
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
