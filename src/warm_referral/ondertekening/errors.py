"""Typed errors of message signing, each with a stable code and the side at fault.

A signature that cannot be accepted is the peer's fault (``fault == "remote"``): refuse the message
and answer with the ``code`` (the requirement catalogue, spec/v1/eisen.yaml, lists every code under
WD-OND). A key, certificate or trust list of our own that cannot be used is our fault
(:class:`SigningSetupError`, ``fault == "local"``): fix the configuration.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import LocalProtocolError, RemoteProtocolError

__all__ = [
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
]


class SignatureError(RemoteProtocolError):
    """The peer's signature cannot be accepted. ``code`` is the stable code to answer with."""

    code: ClassVar[str] = "handtekening_ongeldig"

    def __str__(self) -> str:
        return f"{self.args[0] if self.args else self.__class__.__name__} [{self.code}]"


class MissingSignature(SignatureError):
    """The message carries no ``nlgov-adr-payload-sig`` header, and the profile requires one."""

    code = "handtekening_ontbreekt"


class MalformedSignature(SignatureError):
    """The header is not a signature of this profile: not a detached compact JWS, a header member
    missing, unknown or wrong, the header or the ``Digest`` header sent more than once or not at
    all, or an ``x5c`` certificate that cannot be read."""

    code = "handtekening_onleesbaar"


class DisallowedAlgorithm(SignatureError):
    """The JWS ``alg`` is not PS256 (the NL API Design Rules' signing module)."""

    code = "algoritme_niet_toegestaan"


class SignatureDoesNotVerify(SignatureError):
    """The signature does not verify with the key of the signing certificate (``x5c[0]``): it was
    made with another key (a wrong key), or the protected header or the ``Digest`` header was
    altered after signing. The two cannot be told apart, by design of the signature."""

    code = "handtekening_ongeldig"


class TamperedPayload(SignatureError):
    """The signature and the signed ``Digest`` hold, but the body is not the body that was signed:
    it changed on the way."""

    code = "inhoud_gewijzigd"


class CertificateExpired(SignatureError):
    """The signing certificate expired before the moment of verification."""

    code = "certificaat_verlopen"


class CertificateNotYetValid(SignatureError):
    """The signing certificate is not valid yet at the moment of verification."""

    code = "certificaat_nog_niet_geldig"


class UntrustedChain(SignatureError):
    """The ``x5c`` chain does not lead from the signing certificate to a trusted anchor: an
    intermediate is missing (a broken chain), a certificate in it is invalid or expired, or the
    chain ends at a CA that is not trusted."""

    code = "keten_niet_vertrouwd"


class UnsuitableCertificate(SignatureError):
    """The signing certificate may not sign: no keyUsage digitalSignature or nonRepudiation, or
    not an RSA key of at least 2048 bits (PS256)."""

    code = "certificaat_ongeschikt"


class CertificateIsTlsCertificate(SignatureError):
    """The message was signed with the TLS certificate of the connection, or with its key. The
    signing certificate must be a separate one (the DDAS profile), so that one key's compromise or
    renewal does not touch the other."""

    code = "certificaat_gelijk_aan_tls"


class InvalidSigningTime(SignatureError):
    """The claimed signing time ``sigT`` lies in the future (beyond the allowed clock skew) or
    outside the signing certificate's validity."""

    code = "ondertekentijd_ongeldig"


class SignerIsNotSender(SignatureError):
    """The signing certificate's OIN is not the OIN of the message's ``afzender``: one organisation
    signed a message another organisation claims to send."""

    code = "ondertekenaar_niet_afzender"


class SigningSetupError(LocalProtocolError, ValueError):
    """Our own signing key, certificate chain, trust anchors or TLS certificate cannot be used (a
    configuration mistake on this side, never the peer's)."""


#: Every stable code, with the error that carries it (the catalogue and the docs list them).
CODES: dict[str, type[SignatureError]] = {
    cls.code: cls
    for cls in (
        MissingSignature,
        MalformedSignature,
        DisallowedAlgorithm,
        SignatureDoesNotVerify,
        TamperedPayload,
        CertificateExpired,
        CertificateNotYetValid,
        UntrustedChain,
        UnsuitableCertificate,
        CertificateIsTlsCertificate,
        InvalidSigningTime,
        SignerIsNotSender,
    )
}
