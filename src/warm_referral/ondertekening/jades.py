"""The payload signature of the NL API Design Rules' signing module: JAdES, detached, in a header.

A message is signed over the exact bytes of the HTTP body as sent. The signing module
(Logius, ADR "Payload signing", rule ``/signing/payload``) prescribes the JAdES HttpHeaders
mechanism (ETSI TS 119 182-1, clause 5.2.8) with ``pars`` holding only ``digest``: the signature
covers the ``Digest`` header (RFC 3230), and that header is the SHA-256 of the body. So two
headers travel with the body::

    Digest: SHA-256=<base64 of SHA-256(body)>
    nlgov-adr-payload-sig: <BASE64URL(protected header)>..<BASE64URL(signature)>

The second is a JWS in compact serialization with the payload detached (RFC 7515 appendix F: the
middle part is empty) and unencoded (RFC 7797, ``b64: false``, as JAdES requires for HttpHeaders).
The signed payload is the one line ``digest: SHA-256=...`` (the header name in lower case, a colon
and a space, the value), so the JWS signing input is::

    BASE64URL(protected header) || "." || "digest: SHA-256=<base64>"

The protected header, in this order (JAdES-B-B, the DDAS profile: PS256, the x5c chain)::

    {"alg": "PS256", "typ": "JOSE",
     "x5c": ["<signing certificate>", "<intermediate>", ...],
     "x5t#S256": "<base64url SHA-256 of the signing certificate>",
     "b64": false, "sigT": "2026-03-02T09:00:00Z",
     "sigD": {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["digest"]},
     "crit": ["b64", "sigT", "sigD"]}

A verifier refuses any other member, except ``kid`` (some producers, DDAS's example among them,
add one; it is ignored: ``x5c`` names the key). ``x5c`` carries no root: the receiver's trust
anchors supply it, and HTTP header sizes stay small (about 4 kB for a two-certificate chain).

Verification (:func:`verifieer`) checks, in this order, so that each failure has its own code:
the header's form and algorithm, the signature over the received ``Digest`` with the key of
``x5c[0]`` (a wrong key), the body against that ``Digest`` (a tampered body), the certificate's
validity at the moment of verification, its fitness to sign, the chain to the trust anchors, the
signing time, and that the signing certificate is not the TLS certificate of the connection.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from .certificaten import (
    MAX_KETEN,
    Certificaatsleutel,
    Ondertekenaar,
    Vertrouwensankers,
    controleer_geldigheid,
    controleer_keten,
    controleer_tls,
    der,
    geschiktheid,
    lees_tls_certificaat,
    x5c,
)
from .errors import (
    DisallowedAlgorithm,
    InvalidSigningTime,
    MalformedSignature,
    MissingSignature,
    SignatureDoesNotVerify,
    SigningSetupError,
    TamperedPayload,
    UnsuitableCertificate,
)

if TYPE_CHECKING:
    from cryptography import x509
    from joserfc.jws import JWSRegistry

__all__ = [
    "ALGORITME",
    "DIGEST_HEADER",
    "HEADER",
    "KLOKSPELING",
    "MECHANISME",
    "Handtekening",
    "beschermde_kop",
    "digest_waarde",
    "onderteken",
    "ondertekende_invoer",
    "verifieer",
]

#: The HTTP header that carries the signature (NL API Design Rules, signing module).
HEADER = "nlgov-adr-payload-sig"
#: The HTTP header the signature covers (RFC 3230), holding the SHA-256 of the body.
DIGEST_HEADER = "Digest"
#: The one signing algorithm (the signing module: RSASSA-PSS with SHA-256).
ALGORITME = "PS256"
#: The JAdES ``sigD`` mechanism of the signing module.
MECHANISME = "http://uri.etsi.org/19182/HttpHeaders"
#: How far a claimed signing time may lie ahead of the verifier's clock.
KLOKSPELING = timedelta(minutes=5)

_KRITIEK = ("b64", "sigT", "sigD")
_VERPLICHT = frozenset({"alg", "b64", "crit", "sigT", "sigD", "x5c"})
_TOEGESTAAN = _VERPLICHT | {"typ", "kid", "x5t#S256"}
_SIGD = {"mId": MECHANISME, "pars": ["digest"]}
_MAX_KOP = 64 * 1024
_SIGT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", re.ASCII)
_DIGEST = re.compile(r"sha-256=([A-Za-z0-9+/]{43}=)", re.ASCII | re.IGNORECASE)
_B64URL = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)


def digest_waarde(payload: bytes) -> str:
    """The ``Digest`` header's value for a body: ``SHA-256=`` and the base64 of its SHA-256.

    >>> digest_waarde(b"")
    'SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
    """
    return "SHA-256=" + base64.b64encode(hashlib.sha256(payload).digest()).decode("ascii")


def ondertekende_invoer(digest: str) -> bytes:
    """The JWS payload the HttpHeaders mechanism signs for ``pars: ["digest"]``."""
    return b"digest: " + digest.strip().encode("ascii")


def beschermde_kop(keten: Sequence[x509.Certificate], moment: datetime) -> dict[str, Any]:
    """The protected header for a signature by ``keten[0]`` at ``moment`` (whole seconds, UTC)."""
    from .._tijd import format_tijdstip

    return {
        "alg": ALGORITME,
        "typ": "JOSE",
        "x5c": x5c(keten),
        "x5t#S256": _b64url(hashlib.sha256(der(keten[0])).digest()),
        "b64": False,
        "sigT": format_tijdstip(moment.replace(microsecond=0)),
        "sigD": dict(_SIGD),
        "crit": list(_KRITIEK),
    }


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@cache
def _register() -> JWSRegistry:
    from joserfc.jws import JWSRegistry
    from joserfc.registry import HeaderParameter

    def is_object(value: Any) -> None:
        if not isinstance(value, dict):
            raise ValueError("must be an object")

    register = JWSRegistry(
        header_registry={
            "sigT": HeaderParameter("Claimed signing time (JAdES)", "str"),
            "sigD": HeaderParameter("Signed data object (JAdES)", is_object),
        },
        algorithms=[ALGORITME],
    )
    # The x5c chain makes the header kilobytes long; joserfc's defaults assume a few hundred bytes.
    register.max_header_length = _MAX_KOP
    register.max_signature_length = 2048
    return register


@dataclass(frozen=True, slots=True)
class Handtekening:
    """A signature as it travels: the two HTTP headers to send with the body."""

    kop: str
    """The value of the ``nlgov-adr-payload-sig`` header."""
    digest: str
    """The value of the ``Digest`` header (the signature covers it)."""

    def headers(self) -> dict[str, str]:
        """Both headers, by name, to add to the request or response."""
        return {HEADER: self.kop, DIGEST_HEADER: self.digest}


def onderteken(payload: bytes, sleutel: Certificaatsleutel, nu: datetime) -> Handtekening:
    """Sign the exact bytes of a body with our signing certificate at ``nu`` (an aware datetime).

    Our certificate must be valid at ``nu``; otherwise this is a :class:`SigningSetupError`
    rather than a signature every receiver would refuse.
    """
    from joserfc import jws

    _bewust(nu)
    if (
        not sleutel.certificaat.not_valid_before_utc
        <= nu
        <= sleutel.certificaat.not_valid_after_utc
    ):
        raise SigningSetupError(
            f"our signing certificate is not valid at {nu.isoformat()} (valid "
            f"{sleutel.certificaat.not_valid_before_utc.isoformat()} to "
            f"{sleutel.certificaat.not_valid_after_utc.isoformat()}): renew it"
        )
    digest = digest_waarde(payload)
    waarde = jws.serialize_compact(
        beschermde_kop(sleutel.keten, nu),
        ondertekende_invoer(digest),
        sleutel.sleutel,
        algorithms=[ALGORITME],
        registry=_register(),
    )
    return Handtekening(waarde, digest)


def _bewust(nu: datetime) -> None:
    from ..errors import TimeInputError

    if nu.utcoffset() is None:
        raise TimeInputError(
            f"the moment {nu.isoformat()} has no UTC offset; pass an aware datetime"
        )


def _een(waarde: str | Sequence[str] | None, naam: str) -> str | None:
    """The one value of a header that may be given as a list of every received field."""
    if waarde is None or isinstance(waarde, str):
        return waarde
    if len(waarde) > 1:
        raise MalformedSignature(
            f"the {naam} header appears {len(waarde)} times; it may appear only once"
        )
    return waarde[0] if waarde else None


def _json_object(paren: list[tuple[str, Any]]) -> dict[str, Any]:
    namen = [naam for naam, _ in paren]
    if len(set(namen)) != len(namen):
        raise ValueError(f"a member appears twice in the header: {sorted(namen)}")
    return dict(paren)


def _canoniek(segment: str) -> bool:
    """Whether ``segment`` is base64url without padding in its one canonical form: the unused
    low bits of the last character zero, so that no second spelling decodes to the same bytes."""
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        return False
    try:
        ruw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, binascii.Error):
        return False
    return _b64url(ruw) == segment


def _lees_kop(segment: str) -> dict[str, Any]:
    if not _canoniek(segment):
        raise MalformedSignature("the protected header is not canonical base64url")
    try:
        ruw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        kop = json.loads(ruw, object_pairs_hook=_json_object)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedSignature(f"the protected header cannot be read: {exc}") from None
    if not isinstance(kop, dict):
        raise MalformedSignature("the protected header is not a JSON object")
    return kop


def _controleer_kop(kop: dict[str, Any]) -> tuple[list[x509.Certificate], datetime]:
    """Check every member of the protected header; return the x5c chain and the signing time."""
    if "alg" not in kop:
        raise MalformedSignature("the protected header has no alg")
    if kop["alg"] != ALGORITME:
        raise DisallowedAlgorithm(f"alg is {kop['alg']!r}; only {ALGORITME} is allowed")
    ontbreekt = sorted(_VERPLICHT - kop.keys())
    if ontbreekt:
        raise MalformedSignature(f"the protected header lacks {', '.join(ontbreekt)}")
    onbekend = sorted(kop.keys() - _TOEGESTAAN)
    if onbekend:
        raise MalformedSignature(f"the protected header has members not allowed: {onbekend}")
    if kop["b64"] is not False:
        raise MalformedSignature("b64 must be false: the payload is unencoded (RFC 7797)")
    crit = kop["crit"]
    if not isinstance(crit, list) or sorted(crit) != sorted(_KRITIEK):
        raise MalformedSignature(f"crit must list exactly {list(_KRITIEK)}, not {crit!r}")
    if kop["sigD"] != _SIGD:
        raise MalformedSignature(f"sigD must be {json.dumps(_SIGD)}, not {json.dumps(kop['sigD'])}")
    if "typ" in kop and kop["typ"] != "JOSE":
        raise MalformedSignature(f"typ is {kop['typ']!r}; it may only be 'JOSE'")
    if "kid" in kop and not isinstance(kop["kid"], str):
        raise MalformedSignature("kid must be a string")
    return _lees_x5c(kop), _lees_sigt(kop["sigT"])


def _lees_sigt(waarde: Any) -> datetime:
    from .._tijd import parse_tijdstip

    if not isinstance(waarde, str) or not _SIGT.fullmatch(waarde):
        raise MalformedSignature(f"sigT must be a UTC time YYYY-MM-DDThh:mm:ssZ, not {waarde!r}")
    try:
        return parse_tijdstip(waarde)
    except ValueError as exc:
        raise MalformedSignature(f"sigT is not a valid time: {exc}") from None


def _lees_x5c(kop: dict[str, Any]) -> list[x509.Certificate]:
    from cryptography import x509

    lijst = kop["x5c"]
    if not isinstance(lijst, list) or not 1 <= len(lijst) <= MAX_KETEN:
        raise MalformedSignature(f"x5c must list 1 to {MAX_KETEN} certificates")
    keten = []
    for i, tekst in enumerate(lijst):
        try:
            if not isinstance(tekst, str):
                raise ValueError("not a string")
            keten.append(x509.load_der_x509_certificate(base64.b64decode(tekst, validate=True)))
        except (ValueError, binascii.Error, x509.InvalidVersion) as exc:
            # InvalidVersion is no ValueError: a DER certificate whose version field is not 1-3
            raise MalformedSignature(f"x5c[{i}] is not a base64 DER certificate: {exc}") from None
    if "x5t#S256" in kop and kop["x5t#S256"] != _b64url(hashlib.sha256(der(keten[0])).digest()):
        raise MalformedSignature("x5t#S256 is not the thumbprint of the certificate x5c[0]")
    return keten


def _lees_digest(digest: str | Sequence[str] | None) -> tuple[str, bytes]:
    waarde = _een(digest, DIGEST_HEADER)
    if waarde is None:
        raise MalformedSignature(
            f"the {DIGEST_HEADER} header is missing; the signature covers it (sigD pars digest)"
        )
    waarde = waarde.strip(" \t")
    gevonden = _DIGEST.fullmatch(waarde)
    if gevonden is None:
        raise MalformedSignature(
            f"the {DIGEST_HEADER} header must be one SHA-256=<base64> value, not {waarde[:80]!r}"
        )
    return waarde, base64.b64decode(gevonden.group(1))


def verifieer(
    payload: bytes,
    handtekening: str | Sequence[str] | None,
    digest: str | Sequence[str] | None,
    vertrouwd: Vertrouwensankers,
    nu: datetime,
    *,
    tls_certificaat: x509.Certificate | bytes | None = None,
) -> Ondertekenaar:
    """Check the signature of a received body; return who signed it, or raise the typed error.

    ``handtekening`` and ``digest`` are the received values of the ``nlgov-adr-payload-sig`` and
    ``Digest`` headers: a string, or the list of every field received under that name (more than
    one is refused, as the signing module requires), or None when absent. ``nu`` is the moment of
    verification (an aware datetime): the certificate must be valid then, and chain to one of
    ``vertrouwd``. ``tls_certificaat`` is the peer's certificate of the TLS connection (object,
    DER or PEM), which the signing certificate must not be.

    Every failure is a :class:`~warm_referral.ondertekening.errors.SignatureError` (the peer's
    fault) with a stable ``code``; a TLS certificate that cannot be read, a naive ``nu``, are ours.
    """
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from joserfc import jws
    from joserfc.errors import BadSignatureError, JoseError
    from joserfc.jwk import RSAKey

    _bewust(nu)
    tls = lees_tls_certificaat(tls_certificaat) if tls_certificaat is not None else None
    waarde = _een(handtekening, HEADER)
    if waarde is None or not waarde.strip(" \t"):
        raise MissingSignature(f"the message has no {HEADER} header")
    waarde = waarde.strip(" \t")
    if len(waarde) > _MAX_KOP or not waarde.isascii():
        raise MalformedSignature(
            f"the {HEADER} header is not a compact JWS of at most {_MAX_KOP} bytes"
        )
    delen = waarde.split(".")
    if len(delen) != 3:
        raise MalformedSignature("not a compact JWS: expected header..signature")
    if delen[1]:
        raise MalformedSignature(
            "the payload must be detached: header..signature, the middle empty"
        )
    if not delen[2] or not _canoniek(delen[2]):
        raise MalformedSignature("the signature part is not canonical base64url")
    keten, ondertekend_op = _controleer_kop(_lees_kop(delen[0]))
    digest_tekst, digest_bytes = _lees_digest(digest)

    certificaat = keten[0]
    publiek = certificaat.public_key()
    reden = geschiktheid(certificaat)
    if reden is not None or not isinstance(publiek, RSAPublicKey):
        raise UnsuitableCertificate(reden or "PS256 needs an RSA key")
    try:
        jws.deserialize_compact(
            waarde,
            RSAKey.import_key(publiek),
            algorithms=[ALGORITME],
            registry=_register(),
            payload=ondertekende_invoer(digest_tekst),
        )
    except BadSignatureError:
        raise SignatureDoesNotVerify(
            "the signature does not verify with the key of the signing certificate (x5c[0]): "
            "signed with another key, or the header or the Digest changed after signing"
        ) from None
    except JoseError as exc:
        raise MalformedSignature(f"the JWS cannot be checked: {exc}") from None
    if digest_bytes != hashlib.sha256(payload).digest():
        raise TamperedPayload(
            "the body is not the body that was signed: its SHA-256 differs from the signed Digest"
        )
    controleer_geldigheid(certificaat, nu)
    controleer_keten(keten, vertrouwd, nu)
    if ondertekend_op > nu + KLOKSPELING:
        raise InvalidSigningTime(
            f"sigT {ondertekend_op.isoformat()} lies after the moment of receipt {nu.isoformat()}"
        )
    if not certificaat.not_valid_before_utc <= ondertekend_op <= certificaat.not_valid_after_utc:
        raise InvalidSigningTime(
            f"sigT {ondertekend_op.isoformat()} lies outside the signing certificate's validity"
        )
    if tls is not None:
        controleer_tls(certificaat, tls)
    return Ondertekenaar.uit_certificaat(certificaat, ondertekend_op)
