"""Client certificates for the app: the ASGI TLS extension on top of uvicorn.

uvicorn (0.54) does not yet put the TLS connection's details in the ASGI scope (upstream pull
requests are open). This protocol class does, per connection, following the ASGI TLS extension:
``scope["extensions"]["tls"]["client_cert_chain"]`` holds the PEM client certificate, plus
``client_cert_dict``, the parsed certificate as ``ssl.SSLSocket.getpeercert()`` returns it (the
same extra key uvicorn's pull request #3043 proposes). Remove this module once uvicorn ships it.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["TlsH11Protocol", "oin_uit_certificaat"]


class TlsH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
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


def oin_uit_certificaat(scope: Any) -> str | None:
    """The OIN a Digikoppeling (PKIoverheid) certificate carries in its subject serialNumber."""
    tls = (scope.get("extensions") or {}).get("tls") or {}
    cert = tls.get("client_cert_dict") or {}
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "serialNumber":
                return str(value)
    return None
