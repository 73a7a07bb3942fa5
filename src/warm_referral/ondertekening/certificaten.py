"""X.509 for message signing: our signing key with its chain, the trust anchors, a verified signer.

Chains are validated with ``cryptography``'s X.509 verification (RFC 5280 path building, the
webpki profile for the CAs), never by hand. The signing certificate itself is checked for what
signing needs (keyUsage digitalSignature or nonRepudiation, an RSA key of 2048 bits or more for
PS256) and is free in its extended key usage: PKIoverheid signing certificates need not say
clientAuth.

Keys are read with the address book's key import (:func:`warm_referral.adresboek.handtekening.
importeer_sleutel`), so the library has one way to read a key. Trust is configuration, never a
default: :class:`Vertrouwensankers` holds the CA certificates a signature must chain to (the
PKIoverheid roots in production, the test CA of ``spec/v1/ondertekening/pki`` in tests).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    CertificateExpired,
    CertificateIsTlsCertificate,
    CertificateNotYetValid,
    SignerIsNotSender,
    SigningSetupError,
    UntrustedChain,
)

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.x509.verification import Store
    from joserfc.jwk import RSAKey

__all__ = [
    "MAX_KETEN",
    "Certificaatsleutel",
    "Ondertekenaar",
    "Vertrouwensankers",
    "laad_certificaatsleutel",
    "laad_vertrouwensankers",
]

#: At most this many certificates in ``x5c`` (signing certificate and intermediates).
MAX_KETEN = 6
_OIN = re.compile(r"[0-9]{20}", re.ASCII)


def _lees(bron: str | Path | bytes, wat: str) -> tuple[bytes, str]:
    if isinstance(bron, bytes):
        return bron, wat
    pad = Path(bron)
    try:
        return pad.read_bytes(), str(pad)
    except OSError as exc:
        raise SigningSetupError(f"{pad}: cannot read the {wat}: {exc.strerror or exc}") from None


def _certificaten_uit_pem(data: bytes, waar: str) -> list[x509.Certificate]:
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise SigningSetupError(f"{waar}: not PEM certificates: {exc}") from None


def der(certificaat: x509.Certificate) -> bytes:
    """The certificate's DER bytes (what ``x5c`` carries in base64, and what is fingerprinted)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return certificaat.public_bytes(Encoding.DER)


def zelfde_sleutel(a: x509.Certificate, b: x509.Certificate) -> bool:
    """Whether two certificates certify the same public key."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    vorm = (Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return a.public_key().public_bytes(*vorm) == b.public_key().public_bytes(*vorm)


def geschiktheid(certificaat: x509.Certificate) -> str | None:
    """Why the certificate may not sign PS256 signatures, or None when it may."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    sleutel = certificaat.public_key()
    if not isinstance(sleutel, RSAPublicKey):
        return f"the certificate holds a {type(sleutel).__name__}, PS256 needs an RSA key"
    if sleutel.key_size < 2048:
        return f"the certificate's RSA key has {sleutel.key_size} bits, at least 2048 are needed"
    try:
        gebruik = certificaat.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return "the certificate has no keyUsage extension (digitalSignature or nonRepudiation)"
    if not (gebruik.digital_signature or gebruik.content_commitment):
        return "the certificate's keyUsage allows neither digitalSignature nor nonRepudiation"
    return None


def controleer_geldigheid(certificaat: x509.Certificate, moment: datetime) -> None:
    """Raise :class:`CertificateExpired` or :class:`CertificateNotYetValid` for ``moment``."""
    if moment > certificaat.not_valid_after_utc:
        raise CertificateExpired(
            f"the signing certificate expired at {certificaat.not_valid_after_utc.isoformat()}"
            f" ({_naam(certificaat)})"
        )
    if moment < certificaat.not_valid_before_utc:
        raise CertificateNotYetValid(
            f"the signing certificate is valid from {certificaat.not_valid_before_utc.isoformat()}"
            f" ({_naam(certificaat)})"
        )


def _naam(certificaat: x509.Certificate) -> str:
    return _rfc4514(certificaat.subject)


def _rfc4514(naam: x509.Name) -> str:
    from cryptography.x509.oid import NameOID

    return naam.rfc4514_string({NameOID.SERIAL_NUMBER: "serialNumber"})


@dataclass(frozen=True)
class Certificaatsleutel:
    """Our signing key with its certificate chain: the signing certificate first, then the
    intermediates up to (not including) the trust anchor. The chain goes into ``x5c``.

    The key must be the certificate's, an RSA key of 2048 bits or more (PS256), and the
    certificate must allow signing (keyUsage digitalSignature or nonRepudiation); anything else
    is a :class:`SigningSetupError` here, not a refusal at the receiver later.
    """

    sleutel: RSAKey
    keten: tuple[x509.Certificate, ...]

    def __post_init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
        from joserfc.jwk import RSAKey

        if not self.keten:
            raise SigningSetupError("the certificate chain is empty: give the signing certificate")
        if len(self.keten) > MAX_KETEN:
            raise SigningSetupError(
                f"a chain of {len(self.keten)} certificates; at most {MAX_KETEN}"
            )
        if not isinstance(self.sleutel, RSAKey) or not self.sleutel.is_private:
            raise SigningSetupError("signing with PS256 needs a private RSA key")
        reden = geschiktheid(self.certificaat)
        if reden is not None:
            raise SigningSetupError(f"{reden} ({_naam(self.certificaat)})")
        rsa = self.certificaat.public_key()
        if not isinstance(rsa, RSAPublicKey):  # geschiktheid() refused it already
            raise SigningSetupError("PS256 needs an RSA key")
        publiek = RSAKey.import_key(rsa).as_dict(private=False)
        if {k: publiek[k] for k in ("n", "e")} != {
            k: self.sleutel.as_dict(private=False)[k] for k in ("n", "e")
        }:
            raise SigningSetupError(
                f"the private key does not belong to the signing certificate {_naam(self.certificaat)}"
            )

    @property
    def certificaat(self) -> x509.Certificate:
        """The signing certificate (the first of the chain)."""
        return self.keten[0]

    @property
    def oin(self) -> str | None:
        """The OIN in the signing certificate's subject serialNumber, if it holds one."""
        return oin_van(self.certificaat)


def laad_certificaatsleutel(
    sleutel: str | Path | bytes, keten: str | Path | bytes
) -> Certificaatsleutel:
    """Our signing key (PEM, PKCS#8, unencrypted) and its chain (PEM, signing certificate first;
    the intermediates may follow in the same file). Paths, or the files' bytes."""
    from joserfc.jwk import RSAKey

    from ..adresboek.errors import InvalidKey
    from ..adresboek.handtekening import importeer_sleutel

    sleuteldata, sleutelbron = _lees(sleutel, "signing key")
    ketendata, ketenbron = _lees(keten, "certificate chain")
    try:
        privé = importeer_sleutel(sleuteldata, sleutelbron)
    except InvalidKey as exc:
        raise SigningSetupError(str(exc)) from None
    if not isinstance(privé, RSAKey):
        raise SigningSetupError(f"{sleutelbron}: signing with PS256 needs an RSA key")
    return Certificaatsleutel(privé, tuple(_certificaten_uit_pem(ketendata, ketenbron)))


class Vertrouwensankers(Sequence["x509.Certificate"]):
    """The CA certificates a signing certificate must chain to; configuration, never a default."""

    def __init__(self, certificaten: Iterable[x509.Certificate]) -> None:
        self._certificaten = tuple(certificaten)
        if not self._certificaten:
            raise SigningSetupError("no trust anchors: give at least one CA certificate")
        self._store: Store | None = None

    @classmethod
    def uit_pem(cls, data: bytes, bron: str = "trust anchors") -> Vertrouwensankers:
        return cls(_certificaten_uit_pem(data, bron))

    def store(self) -> Store:
        """The anchors as a ``cryptography`` verification store (built once)."""
        if self._store is None:
            from cryptography.x509.verification import Store

            self._store = Store(list(self._certificaten))
        return self._store

    def __getitem__(self, index: Any) -> Any:
        return self._certificaten[index]

    def __len__(self) -> int:
        return len(self._certificaten)

    def __iter__(self) -> Iterator[x509.Certificate]:
        return iter(self._certificaten)

    def __repr__(self) -> str:
        return f"<Vertrouwensankers {[_naam(c) for c in self._certificaten]}>"


def laad_vertrouwensankers(*paden: str | Path) -> Vertrouwensankers:
    """The trust anchors from one or more PEM files (each may hold several certificates)."""
    certificaten: list[x509.Certificate] = []
    for pad in paden:
        data, bron = _lees(pad, "trust anchors")
        certificaten += _certificaten_uit_pem(data, bron)
    return Vertrouwensankers(certificaten)


def controleer_keten(
    keten: Sequence[x509.Certificate], ankers: Vertrouwensankers, moment: datetime
) -> None:
    """Raise :class:`UntrustedChain` unless ``keten[0]`` chains to an anchor at ``moment``."""
    from cryptography.x509.verification import (
        ExtensionPolicy,
        PolicyBuilder,
        VerificationError,
    )

    verifier = (
        PolicyBuilder()
        .store(ankers.store())
        .time(moment)
        .max_chain_depth(MAX_KETEN)
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(),
            # The signing certificate's own checks (keyUsage, key) are done before, with a code of
            # their own; its extended key usage is free (a signing certificate is no TLS client).
            ee_policy=ExtensionPolicy.permit_all(),
        )
        .build_client_verifier()
    )
    try:
        verifier.verify(keten[0], list(keten[1:]))
    except VerificationError as exc:
        raise UntrustedChain(
            f"the x5c chain of {_naam(keten[0])} does not lead to a trusted anchor: {exc}"
        ) from None


def controleer_tls(ondertekencertificaat: x509.Certificate, tls: x509.Certificate) -> None:
    """Raise :class:`CertificateIsTlsCertificate` if the signing certificate is the TLS
    certificate of the connection, or certifies the same key."""
    if der(ondertekencertificaat) == der(tls):
        raise CertificateIsTlsCertificate(
            "the message is signed with the TLS certificate of the connection; "
            "use a separate signing certificate"
        )
    if zelfde_sleutel(ondertekencertificaat, tls):
        raise CertificateIsTlsCertificate(
            "the signing certificate certifies the key of the TLS certificate; "
            "the signing certificate needs a key of its own"
        )


def lees_tls_certificaat(tls: x509.Certificate | bytes) -> x509.Certificate:
    """The TLS certificate as the transport gives it: an object, DER or PEM bytes."""
    from cryptography import x509

    if isinstance(tls, x509.Certificate):
        return tls
    try:
        if tls.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(tls)
        return x509.load_der_x509_certificate(tls)
    except ValueError as exc:
        raise SigningSetupError(f"the TLS certificate given cannot be read: {exc}") from None


def oin_van(certificaat: x509.Certificate) -> str | None:
    """The OIN (20 digits) in the subject serialNumber, as PKIoverheid certificates carry it."""
    from cryptography.x509.oid import NameOID

    for attribuut in certificaat.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        waarde = attribuut.value
        if isinstance(waarde, str) and _OIN.fullmatch(waarde):
            return waarde
    return None


@dataclass(frozen=True, slots=True)
class Ondertekenaar:
    """Who signed a message, as the verified signing certificate says."""

    onderwerp: str
    """The certificate's subject (RFC 4514), e.g. ``CN=...,O=...,serialNumber=...``."""
    oin: str | None
    """The OIN in the subject serialNumber (PKIoverheid), if the certificate holds one."""
    organisatie: str | None
    """The subject's organizationName."""
    uitgever: str
    """The issuing CA's subject (RFC 4514)."""
    serienummer: str
    """The certificate's serial number, hexadecimal."""
    certificaat_sha256: str
    """SHA-256 fingerprint of the signing certificate's DER, lower-case hex (for the log)."""
    geldig_tot: datetime
    ondertekend_op: datetime
    """The claimed signing time (``sigT``)."""

    @classmethod
    def uit_certificaat(
        cls, certificaat: x509.Certificate, ondertekend_op: datetime
    ) -> Ondertekenaar:
        from cryptography.x509.oid import NameOID

        organisaties = certificaat.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        organisatie = organisaties[0].value if organisaties else None
        return cls(
            onderwerp=_naam(certificaat),
            oin=oin_van(certificaat),
            organisatie=organisatie if isinstance(organisatie, str) else None,
            uitgever=_rfc4514(certificaat.issuer),
            serienummer=format(certificaat.serial_number, "x"),
            certificaat_sha256=hashlib.sha256(der(certificaat)).hexdigest(),
            geldig_tot=certificaat.not_valid_after_utc,
            ondertekend_op=ondertekend_op,
        )

    def bevestig_afzender(self, oin: str | None) -> None:
        """Raise :class:`SignerIsNotSender` unless the certificate's OIN is ``oin`` (the OIN of
        the message's afzender)."""
        if self.oin is None or self.oin != oin:
            raise SignerIsNotSender(
                f"the message names afzender OIN {oin or '(none)'}, but the signing certificate "
                f"belongs to OIN {self.oin or '(none)'} ({self.onderwerp})"
            )


def x5c(keten: Sequence[x509.Certificate]) -> list[str]:
    """The chain as ``x5c`` carries it: standard base64 (not base64url) of each DER."""
    return [base64.b64encode(der(c)).decode("ascii") for c in keten]
