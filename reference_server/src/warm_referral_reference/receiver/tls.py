"""Client certificates for the app: the ASGI TLS extension on top of uvicorn.

uvicorn (0.54) does not yet put the TLS connection's details in the ASGI scope (upstream pull
requests are open). The protocol classes here do, per connection, following the ASGI TLS extension:
``scope["extensions"]["tls"]["client_cert_chain"]`` holds the PEM client certificate, plus
``client_cert_dict``, the parsed certificate as ``ssl.SSLSocket.getpeercert()`` returns it (the
same extra key uvicorn's pull request #3043 proposes). Remove this module once uvicorn ships it.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is installed with the reference services
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

__all__ = [
    "TlsH11Protocol",
    "TlsHttpToolsProtocol",
    "certificaat_uit_scope",
    "http_protocol",
    "oin_uit_certificaat",
]


class _TlsScope:
    """Mixin for a uvicorn HTTP protocol class: wrap its app to add the TLS extension."""

    app: Any

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is None:
            return
        der = ssl_object.getpeercert(binary_form=True)
        cipher = ssl_object.cipher()
        tls = {
            "server_cert": None,
            "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
            "client_cert_name": None,
            "client_cert_error": None,
            "tls_version": ssl_object.version(),
            "cipher_suite": cipher[0] if cipher else None,
            "client_cert_dict": ssl_object.getpeercert() if der else None,
        }
        inner = self.app

        async def app_met_tls(scope: Any, receive: Any, send: Any) -> None:
            scope = dict(scope)
            scope["extensions"] = {**(scope.get("extensions") or {}), "tls": tls}
            await inner(scope, receive, send)

        self.app = app_met_tls


class TlsH11Protocol(_TlsScope, H11Protocol):
    """h11 (pure Python): always available."""


if HttpToolsProtocol is not None:

    class TlsHttpToolsProtocol(_TlsScope, HttpToolsProtocol):
        """httptools (llhttp, in C): several times faster than h11."""

else:  # pragma: no cover
    TlsHttpToolsProtocol = TlsH11Protocol  # type: ignore[misc,assignment]


def http_protocol() -> str:
    """The import string of the fastest HTTP/1.1 protocol available, with the TLS extension.

    A string, not the class, so that uvicorn's worker processes can import it themselves.
    """
    naam = "TlsHttpToolsProtocol" if HttpToolsProtocol is not None else "TlsH11Protocol"
    return f"{__name__}:{naam}"


def oin_uit_certificaat(scope: Any) -> str | None:
    """The OIN a Digikoppeling (PKIoverheid) certificate carries in its subject serialNumber."""
    tls = (scope.get("extensions") or {}).get("tls") or {}
    cert = tls.get("client_cert_dict") or {}
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "serialNumber":
                return str(value)
    return None


def certificaat_uit_scope(scope: Any) -> bytes | None:
    """The client certificate of the TLS connection (PEM), if there is one."""
    tls = (scope.get("extensions") or {}).get("tls") or {}
    keten = tls.get("client_cert_chain") or []
    return str(keten[0]).encode("ascii") if keten else None
