"""Signing messages: the JAdES payload signature of the NL API Design Rules' signing module.

The sender signs the exact bytes of the body with its signing certificate (PKIoverheid, separate
from its TLS certificate) and sends two headers with it, ``Digest`` and ``nlgov-adr-payload-sig``
(:mod:`.jades` shows the layout); the receiver checks them against its trust anchors::

    sleutel = laad_certificaatsleutel("ondertekening.sleutel.pem", "ondertekening.keten.pem")
    handtekening = onderteken(body, sleutel, nu)          # handtekening.headers(): both headers
    ...
    ankers = laad_vertrouwensankers("pkioverheid-stam.pem")
    ondertekenaar = verifieer(body, request_headers.getlist("nlgov-adr-payload-sig"),
                              request_headers.getlist("Digest"), ankers, nu,
                              tls_certificaat=peer_certificate_der)
    ondertekenaar.oin                                       # who signed it

Sans-IO: bytes and header values in, a result or a typed error out
(:mod:`.errors`: the peer's :class:`SignatureError` with a stable code, or our
:class:`SigningSetupError`). The route through an intermediary adds end-to-end encryption on top:
:mod:`warm_referral.knooppunt`.

Names load on first use; ``cryptography`` and joserfc only when a key, a certificate or a
signature is handled.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .certificaten import (
        Certificaatsleutel,
        Ondertekenaar,
        Vertrouwensankers,
        laad_certificaatsleutel,
        laad_vertrouwensankers,
    )
    from .errors import (
        CODES,
        CertificateExpired,
        CertificateIsTlsCertificate,
        CertificateNotYetValid,
        DisallowedAlgorithm,
        InvalidSigningTime,
        MalformedSignature,
        MissingSignature,
        SignatureDoesNotVerify,
        SignatureError,
        SignerIsNotSender,
        SigningSetupError,
        TamperedPayload,
        UnsuitableCertificate,
        UntrustedChain,
    )
    from .jades import (
        ALGORITME,
        DIGEST_HEADER,
        HEADER,
        Handtekening,
        digest_waarde,
        onderteken,
        verifieer,
    )

_WAAR = {
    **dict.fromkeys(
        (
            "Certificaatsleutel",
            "Ondertekenaar",
            "Vertrouwensankers",
            "laad_certificaatsleutel",
            "laad_vertrouwensankers",
        ),
        ".certificaten",
    ),
    **dict.fromkeys(
        (
            "CODES",
            "CertificateExpired",
            "CertificateIsTlsCertificate",
            "CertificateNotYetValid",
            "DisallowedAlgorithm",
            "InvalidSigningTime",
            "MalformedSignature",
            "MissingSignature",
            "SignatureDoesNotVerify",
            "SignatureError",
            "SignerIsNotSender",
            "SigningSetupError",
            "TamperedPayload",
            "UnsuitableCertificate",
            "UntrustedChain",
        ),
        ".errors",
    ),
    **dict.fromkeys(
        (
            "ALGORITME",
            "DIGEST_HEADER",
            "HEADER",
            "Handtekening",
            "digest_waarde",
            "onderteken",
            "verifieer",
        ),
        ".jades",
    ),
}

__all__ = [
    "ALGORITME",
    "CODES",
    "DIGEST_HEADER",
    "HEADER",
    "Certificaatsleutel",
    "CertificateExpired",
    "CertificateIsTlsCertificate",
    "CertificateNotYetValid",
    "DisallowedAlgorithm",
    "Handtekening",
    "InvalidSigningTime",
    "MalformedSignature",
    "MissingSignature",
    "Ondertekenaar",
    "SignatureDoesNotVerify",
    "SignatureError",
    "SignerIsNotSender",
    "SigningSetupError",
    "TamperedPayload",
    "UnsuitableCertificate",
    "UntrustedChain",
    "Vertrouwensankers",
    "digest_waarde",
    "laad_certificaatsleutel",
    "laad_vertrouwensankers",
    "onderteken",
    "verifieer",
]


def __getattr__(naam: str) -> Any:
    module = _WAAR.get(naam)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {naam!r}")
    waarde = getattr(import_module(module, __name__), naam)
    globals()[naam] = waarde
    return waarde


def __dir__() -> list[str]:
    return sorted(__all__)
