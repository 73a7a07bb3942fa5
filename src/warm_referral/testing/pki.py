"""A test PKI for signing tests: a root CA, an intermediate, signing and TLS certificates.

Shaped like PKIoverheid private services certificates where it matters to the protocol: the
organisation's OIN in the subject serialNumber, a separate signing certificate (keyUsage
digitalSignature and nonRepudiation) beside the TLS certificate (serverAuth and clientAuth), the
CAs as RFC 5280 and the webpki profile want them. Never use it outside tests.

Certificates are deterministic: the same keys, names, serial numbers and dates give the same bytes
(PKCS#1 v1.5 signatures involve no randomness), so a generator can keep published keys and rebuild
the certificates from them (``tools/generate.py`` does, for ``spec/v1/ondertekening/pki``)::

    stam_sleutel, tussen_sleutel, sleutel = (nieuwe_sleutel() for _ in range(3))
    stam = ca_certificaat(stam_sleutel, "Test Stam-CA", vanaf=begin, tot=einde)
    tussen = ca_certificaat(tussen_sleutel, "Test Tussen-CA", vanaf=begin, tot=einde,
                            uitgever=(stam, stam_sleutel))
    ondertekening = ondertekencertificaat(sleutel, "Voorbeeld BV", oin="00000003340123450000",
                                          uitgever=(tussen, tussen_sleutel), vanaf=begin, tot=einde)
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from ..ondertekening import Certificaatsleutel

__all__ = [
    "ca_certificaat",
    "certificaatsleutel",
    "lees_sleutel",
    "nieuwe_sleutel",
    "ondertekencertificaat",
    "pem",
    "sleutel_pem",
    "tls_certificaat",
]

Uitgever = tuple["x509.Certificate", "RSAPrivateKey"]


def nieuwe_sleutel(bits: int = 2048) -> RSAPrivateKey:
    """A fresh RSA key (PS256 needs RSA; 2048 bits is the minimum and quick to make)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def sleutel_pem(sleutel: RSAPrivateKey) -> bytes:
    """The key as unencrypted PKCS#8 PEM (what :func:`laad_certificaatsleutel` reads)."""
    from cryptography.hazmat.primitives import serialization

    return sleutel.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def lees_sleutel(data: bytes) -> RSAPrivateKey:
    """An RSA key from unencrypted PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    sleutel = serialization.load_pem_private_key(data, password=None)
    if not isinstance(sleutel, RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return sleutel


def pem(*certificaten: x509.Certificate) -> bytes:
    """Certificates as one PEM text, in the order given."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return b"".join(c.public_bytes(Encoding.PEM) for c in certificaten)


def _naam(organisatie: str, cn: str, oin: str | None) -> x509.Name:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attributen = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisatie),
    ]
    if oin is not None:
        attributen.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, oin))
    attributen.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attributen)


def _serienummer(*delen: str) -> int:
    """A stable positive serial number (at most 20 octets, as RFC 5280 allows) from the names."""
    return int.from_bytes(hashlib.sha256("|".join(delen).encode()).digest()[:16], "big") >> 1


def _bouw(
    onderwerp: x509.Name,
    sleutel: RSAPrivateKey,
    uitgever: Uitgever | None,
    vanaf: datetime,
    tot: datetime,
    serienummer: int,
) -> x509.CertificateBuilder:
    from cryptography import x509

    uitgever_naam, uitgever_sleutel = (
        (uitgever[0].subject, uitgever[1]) if uitgever else (onderwerp, sleutel)
    )
    return (
        x509.CertificateBuilder()
        .subject_name(onderwerp)
        .issuer_name(uitgever_naam)
        .public_key(sleutel.public_key())
        .serial_number(serienummer)
        .not_valid_before(vanaf)
        .not_valid_after(tot)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(sleutel.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(uitgever_sleutel.public_key()),
            critical=False,
        )
    )


def _teken(bouwer: x509.CertificateBuilder, sleutel: RSAPrivateKey) -> x509.Certificate:
    from cryptography.hazmat.primitives import hashes

    return bouwer.sign(sleutel, hashes.SHA256())


def ca_certificaat(
    sleutel: RSAPrivateKey,
    naam: str,
    *,
    vanaf: datetime,
    tot: datetime,
    uitgever: Uitgever | None = None,
) -> x509.Certificate:
    """A CA certificate: self-signed (a root) without ``uitgever``, else issued by it."""
    from cryptography import x509

    bouwer = (
        _bouw(
            _naam("Warm Referral Test PKI", naam, None),
            sleutel,
            uitgever,
            vanaf,
            tot,
            _serienummer("ca", naam),
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return _teken(bouwer, uitgever[1] if uitgever else sleutel)


def ondertekencertificaat(
    sleutel: RSAPrivateKey,
    organisatie: str,
    *,
    oin: str | None,
    uitgever: Uitgever,
    vanaf: datetime,
    tot: datetime,
    naam: str = "ondertekening",
) -> x509.Certificate:
    """A signing certificate of ``organisatie`` (keyUsage digitalSignature, nonRepudiation)."""
    from cryptography import x509

    bouwer = (
        _bouw(
            _naam(organisatie, f"{organisatie} {naam}", oin),
            sleutel,
            uitgever,
            vanaf,
            tot,
            _serienummer("ondertekening", organisatie, naam, vanaf.isoformat()),
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return _teken(bouwer, uitgever[1])


def tls_certificaat(
    sleutel: RSAPrivateKey,
    organisatie: str,
    *,
    oin: str | None,
    host: str,
    uitgever: Uitgever,
    vanaf: datetime,
    tot: datetime,
) -> x509.Certificate:
    """A TLS certificate of ``organisatie`` for ``host`` (server and client authentication)."""
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    bouwer = (
        _bouw(
            _naam(organisatie, host, oin),
            sleutel,
            uitgever,
            vanaf,
            tot,
            _serienummer("tls", organisatie, host, vanaf.isoformat()),
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
    )
    return _teken(bouwer, uitgever[1])


def certificaatsleutel(
    organisatie: str,
    oin: str | None,
    *,
    uitgever: Uitgever,
    vanaf: datetime,
    tot: datetime,
    naam: str = "ondertekening",
) -> Certificaatsleutel:
    """A fresh key with a signing certificate for ``oin`` issued by ``uitgever`` (an
    intermediate CA), ready to sign: the chain is the certificate and the issuer (``x5c`` carries
    no root)."""
    from ..ondertekening import laad_certificaatsleutel

    sleutel = nieuwe_sleutel()
    certificaat = ondertekencertificaat(
        sleutel, organisatie, oin=oin, uitgever=uitgever, vanaf=vanaf, tot=tot, naam=naam
    )
    return laad_certificaatsleutel(sleutel_pem(sleutel), pem(certificaat, uitgever[0]))
