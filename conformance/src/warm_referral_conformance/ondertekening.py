"""The kit's signing certificates: issued at run time under the published test PKI.

A receiver with a signing profile (WD-OND) refuses unsigned or wrongly signed messages, so the
kit, as each creditor it plays, signs what it sends. It issues itself a signing certificate for
that creditor's OIN under the test intermediate CA (its key is published in
spec/v1/ondertekening/pki; the kit carries a generated copy), so a vendor's receiver only has to
trust the test root ``stam-ca.pem``. The signature checks (:mod:`.ontvanger.ondertekening`) issue
the wrong certificates they need (expired, another organisation's, an untrusted CA's) the same way.
"""

from __future__ import annotations

import base64
import enum
import json
import threading
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from warm_referral.models import Partij
    from warm_referral.ondertekening import Certificaatsleutel, Handtekening

__all__ = [
    "Handtekeningen",
    "PkiFout",
    "certificaatsleutel",
    "handtekening_met_andere_sleutel",
    "oin_van",
    "onderteken_als",
    "stam_ca_pem",
    "tussen_ca",
]


class Handtekeningen(enum.Enum):
    """Whether the receiver under test checks payload signatures (``--handtekeningen``)."""

    GEEN = "geen"
    """It has no signing profile: the kit does not sign, the signature checks do not apply."""
    OPTIONEEL = "optioneel"
    """It checks a signature when a message carries one, and takes unsigned messages too."""
    VEREIST = "vereist"
    """It refuses a message without a signature (WD-OND-06)."""


class PkiFout(Exception):
    """The test PKI cannot serve the receiver's clock (its CAs are not valid then)."""


def _data(naam: str) -> bytes:
    return (files(__package__) / "data" / "ondertekening" / naam).read_bytes()


def stam_ca_pem() -> bytes:
    """The test root a receiver under test must trust (spec/v1/ondertekening/pki/stam-ca.pem)."""
    return _data("stam-ca.pem")


@cache
def tussen_ca() -> tuple[x509.Certificate, RSAPrivateKey]:
    """The test intermediate CA and its (published) key."""
    from cryptography import x509

    from warm_referral.testing import pki

    return (
        x509.load_pem_x509_certificate(_data("tussen-ca.pem")),
        pki.lees_sleutel(_data("tussen-ca.sleutel.pem")),
    )


def oin_van(partij: Partij) -> str | None:
    """The OIN a party signs with: its own, or the one derived from its KvK number (WD-OND-10)."""
    from warm_referral.knooppunt.verzegeling import partij_oin

    return partij_oin(partij)


def certificaatsleutel(
    organisatie: str,
    oin: str | None,
    *,
    vanaf: datetime,
    tot: datetime,
    uitgever: tuple[x509.Certificate, RSAPrivateKey] | None = None,
    naam: str = "kit ondertekening",
) -> Certificaatsleutel:
    """A fresh key with a signing certificate for ``oin``, issued by ``uitgever`` (default the
    test intermediate CA); the chain is the certificate and the issuer (x5c carries no root)."""
    from warm_referral.testing import pki

    return pki.certificaatsleutel(
        organisatie, oin, uitgever=uitgever or tussen_ca(), vanaf=vanaf, tot=tot, naam=naam
    )


_SLOT = threading.Lock()
_PER_OIN: dict[str, Certificaatsleutel] = {}


def _voor(partij: Partij) -> Certificaatsleutel:
    """The kit's signing key for ``partij`` (one per OIN and process, valid as long as the test
    intermediate CA, so that a test clock moved forward does not outrun it)."""
    oin = oin_van(partij)
    if oin is None:
        raise PkiFout(f"{partij.naam} has no OIN or kvkNummer to put in a signing certificate")
    with _SLOT:
        if oin not in _PER_OIN:
            tussen = tussen_ca()[0]
            _PER_OIN[oin] = certificaatsleutel(
                partij.naam,
                oin,
                vanaf=tussen.not_valid_before_utc,
                tot=tussen.not_valid_after_utc,
            )
        return _PER_OIN[oin]


def onderteken_als(partij: Partij, body: bytes, nu: datetime) -> dict[str, str]:
    """The ``nlgov-adr-payload-sig`` and ``Digest`` headers for ``body``, signed as ``partij``
    at ``nu`` (the receiver's clock)."""
    from warm_referral.ondertekening import SigningSetupError, onderteken

    tussen = tussen_ca()[0]
    if not tussen.not_valid_before_utc <= nu <= tussen.not_valid_after_utc:
        raise PkiFout(
            f"the test PKI's intermediate CA is valid {tussen.not_valid_before_utc:%Y-%m-%d} to "
            f"{tussen.not_valid_after_utc:%Y-%m-%d}, not at the receiver's time {nu.isoformat()}"
        )
    try:
        return onderteken(body, _voor(partij), nu).headers()
    except SigningSetupError as exc:
        raise PkiFout(str(exc)) from None


def handtekening_met_andere_sleutel(
    body: bytes, echt: Certificaatsleutel, ander: Certificaatsleutel, nu: datetime
) -> Handtekening:
    """A signature whose protected header names ``echt``'s certificate chain (x5c), made with
    ``ander``'s key: what a forger without the private key sends (handtekening_ongeldig).

    The library will not sign with a key that is not the certificate's, rightly; so the JWS is
    put together here: the library's protected header and signed input, signed with PS256
    (RSASSA-PSS, SHA-256, MGF1 SHA-256, a 32-byte salt: RFC 7518 3.5) by ``cryptography``."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from warm_referral.ondertekening import Handtekening, digest_waarde
    from warm_referral.ondertekening.jades import beschermde_kop, ondertekende_invoer

    digest = digest_waarde(body)
    kop = _b64url(json.dumps(beschermde_kop(echt.keten, nu), separators=(",", ":")).encode("utf-8"))
    invoer = kop.encode("ascii") + b"." + ondertekende_invoer(digest)
    sleutel = ander.sleutel.private_key
    handtekening = sleutel.sign(  # type: ignore[union-attr]
        invoer,
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    return Handtekening(f"{kop}..{_b64url(handtekening)}", digest)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
