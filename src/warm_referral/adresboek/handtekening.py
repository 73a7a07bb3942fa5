"""Sign and verify an address-book edition: a compact JWS (RFC 7515) by NVVK's key.

The edition's JSON is the JWS payload, so the signed file is self-contained (one file to
publish, mirror and cache) and any JOSE library can check it. The protected header holds exactly
``alg`` (ES256 or PS256, the algorithms of the DDAS signing profile), ``kid`` (which NVVK key) and
``typ`` (:data:`TYP`, so a signature NVVK makes for anything else can never pass as an edition,
RFC 8725 section 3.11); anything else in it is refused.

Trust is configuration, never a default: a :class:`Sleutelbos` of NVVK's public keys (a JWKS
file), so keys can be rotated by publishing a new trust list with both keys for a while.

The JOSE library is joserfc (typed, maintained with Authlib, and it also does the JWE and the
detached RFC 7797 signatures issue 19 needs); it is imported on first use only.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import InvalidKey, InvalidSignature, UnknownKey

if TYPE_CHECKING:
    from joserfc.jwk import ECKey, RSAKey

__all__ = [
    "ALGORITMEN",
    "TYP",
    "Geverifieerd",
    "Ondertekensleutel",
    "Sleutelbos",
    "algoritme_voor",
    "importeer_sleutel",
    "laad_ondertekensleutel",
    "laad_sleutelbos",
    "onderteken",
    "verifieer",
]

TYP = "warm-referral-adresboek+jws"
ALGORITMEN = ("ES256", "PS256")
_KOP = frozenset({"alg", "kid", "typ"})
_MAX_JWS = 8 * 1024 * 1024
_PRIVE_LEDEN = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def algoritme_voor(sleutel: ECKey | RSAKey) -> str:
    """The signing algorithm of a usable key: ES256 for EC P-256, PS256 for RSA >= 2048 bits."""
    from joserfc.jwk import ECKey, RSAKey

    if isinstance(sleutel, ECKey):
        if sleutel.as_dict(private=False).get("crv") != "P-256":
            raise InvalidKey("an EC key must be on curve P-256 (ES256)")
        return "ES256"
    if isinstance(sleutel, RSAKey):
        if sleutel.raw_value.key_size < 2048:
            raise InvalidKey("an RSA key must have at least 2048 bits (PS256)")
        return "PS256"
    raise InvalidKey(f"unsupported key type {type(sleutel).__name__}: use EC P-256 or RSA")


def importeer_sleutel(data: str | bytes | dict[str, Any], waar: str) -> ECKey | RSAKey:
    """An EC or RSA key from a PEM text or a JWK; ``waar`` names the source in the error.

    The one key import of the library: the address book, message signing
    (:mod:`warm_referral.ondertekening`) and the envelope (:mod:`warm_referral.knooppunt`) use it.
    """
    from joserfc.errors import JoseError
    from joserfc.jwk import ECKey, RSAKey, import_key

    soorten: tuple[Literal["EC", "RSA"], ...] = ("EC", "RSA")
    if isinstance(data, dict):
        kty = data.get("kty")
        if kty not in soorten:
            raise InvalidKey(f"{waar}: kty {kty!r}; use an EC P-256 or an RSA key")
        soorten = (kty,)
    fout: Exception | None = None
    for soort in soorten:  # a PEM file does not say; try both, so nothing is guessed silently
        try:
            sleutel = import_key(data, soort)
            break
        except (JoseError, ValueError, TypeError) as exc:
            fout = exc
    else:
        raise InvalidKey(f"{waar}: not a usable key: {fout}") from None
    if not isinstance(sleutel, (ECKey, RSAKey)):
        raise InvalidKey(f"{waar}: use an EC P-256 or an RSA key")
    return sleutel


@dataclass(frozen=True)
class Ondertekensleutel:
    """NVVK's private key with its key id; the algorithm follows from the key type."""

    sleutel: ECKey | RSAKey
    kid: str

    @property
    def alg(self) -> str:
        return algoritme_voor(self.sleutel)

    def publiek(self) -> dict[str, Any]:
        """The public JWK (with ``kid``, ``use`` and ``alg``) to put in a trust list."""
        jwk = dict(self.sleutel.as_dict(private=False))
        jwk.update(kid=self.kid, use="sig", alg=self.alg)
        return jwk


def laad_ondertekensleutel(pad: str | Path, kid: str | None = None) -> Ondertekensleutel:
    """A private key from a PEM (PKCS#8) or JWK file; ``kid`` is required for PEM."""
    pad = Path(pad)
    try:
        data = pad.read_bytes()
    except OSError as exc:
        raise InvalidKey(f"{pad}: cannot read: {exc.strerror or exc}") from None
    if data.lstrip().startswith(b"{"):
        try:
            jwk = json.loads(data)
        except ValueError as exc:
            raise InvalidKey(f"{pad}: not JSON: {exc}") from None
        if not isinstance(jwk, dict):
            raise InvalidKey(f"{pad}: a JWK is a JSON object")
        kid = kid or jwk.get("kid")
        sleutel = importeer_sleutel(jwk, str(pad))
    else:
        sleutel = importeer_sleutel(data, str(pad))
    if not sleutel.is_private:
        raise InvalidKey(f"{pad}: this is a public key; signing needs the private key")
    if not kid:
        raise InvalidKey(f"{pad}: give the key id (kid) the trust list knows it by")
    algoritme_voor(sleutel)
    return Ondertekensleutel(sleutel, kid)


class Sleutelbos(Mapping[str, "ECKey | RSAKey"]):
    """The trusted public keys by key id (a JWKS), the anchors every edition is checked against."""

    def __init__(self, sleutels: Mapping[str, ECKey | RSAKey]) -> None:
        self._sleutels = dict(sleutels)

    @classmethod
    def uit_jwks(cls, jwks: Mapping[str, Any] | str | bytes, bron: str = "JWKS") -> Sleutelbos:
        """Read ``{"keys": [...]}``; refuse private keys, keys without kid and duplicates."""
        if isinstance(jwks, (str, bytes)):
            try:
                jwks = json.loads(jwks)
            except ValueError as exc:
                raise InvalidKey(f"{bron}: not JSON: {exc}") from None
        lijst = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(lijst, list) or not lijst:
            raise InvalidKey(f"{bron}: expected a JWKS, {{'keys': [...]}} with keys")
        sleutels: dict[str, ECKey | RSAKey] = {}
        for i, jwk in enumerate(lijst):
            waar = f"{bron}: keys[{i}]"
            if not isinstance(jwk, dict):
                raise InvalidKey(f"{waar}: a JWK is an object")
            if _PRIVE_LEDEN & jwk.keys():
                raise InvalidKey(f"{waar}: a trust list holds public keys only")
            kid = jwk.get("kid")
            if not isinstance(kid, str) or not kid:
                raise InvalidKey(f"{waar}: every trusted key needs a kid")
            if kid in sleutels:
                raise InvalidKey(f"{waar}: kid {kid!r} appears twice")
            sleutel = importeer_sleutel(jwk, waar)
            algoritme_voor(sleutel)
            sleutels[kid] = sleutel
        return cls(sleutels)

    def __getitem__(self, kid: str) -> ECKey | RSAKey:
        return self._sleutels[kid]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sleutels)

    def __len__(self) -> int:
        return len(self._sleutels)

    def __repr__(self) -> str:
        return f"<Sleutelbos {sorted(self._sleutels)}>"


def laad_sleutelbos(pad: str | Path) -> Sleutelbos:
    """The trust list from a JWKS file."""
    pad = Path(pad)
    try:
        data = pad.read_bytes()
    except OSError as exc:
        raise InvalidKey(f"{pad}: cannot read: {exc.strerror or exc}") from None
    return Sleutelbos.uit_jwks(data, str(pad))


def onderteken(payload: bytes, sleutel: Ondertekensleutel) -> str:
    """The compact JWS of ``payload`` (the edition's exact JSON bytes)."""
    from joserfc import jws

    kop = {"alg": sleutel.alg, "kid": sleutel.kid, "typ": TYP}
    return jws.serialize_compact(kop, payload, sleutel.sleutel, algorithms=[sleutel.alg])


@dataclass(frozen=True, slots=True)
class Geverifieerd:
    """A verified JWS: the payload, which key signed it, and the digest of the signed file."""

    payload: bytes
    kid: str
    alg: str
    sha256: str
    """SHA-256 of the JWS as published (to log which edition file was used)."""


def _kop(deel: str) -> dict[str, Any]:
    try:
        ruw = base64.urlsafe_b64decode(deel + "=" * (-len(deel) % 4))
        kop = json.loads(ruw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidSignature(f"the JWS header cannot be read: {exc}") from None
    if not isinstance(kop, dict):
        raise InvalidSignature("the JWS header is not a JSON object")
    return kop


def verifieer(jws_tekst: str | bytes, vertrouwd: Sleutelbos) -> Geverifieerd:
    """Check the JWS against the trusted keys; return the payload or raise a typed error."""
    from joserfc import jws
    from joserfc.errors import JoseError

    if isinstance(jws_tekst, str):
        jws_tekst = jws_tekst.encode("utf-8", "surrogatepass")
    if len(jws_tekst) > _MAX_JWS:
        raise InvalidSignature(f"a JWS of {len(jws_tekst)} bytes is larger than allowed")
    digest = hashlib.sha256(jws_tekst).hexdigest()
    try:
        tekst = jws_tekst.decode("ascii").strip()
    except UnicodeDecodeError:
        raise InvalidSignature("a compact JWS is ASCII text (header.payload.signature)") from None
    delen = tekst.split(".")
    if len(delen) != 3 or not all(delen):
        raise InvalidSignature("not a compact JWS: expected header.payload.signature")
    kop = _kop(delen[0])
    onbekend = set(kop) - _KOP
    if onbekend:
        raise InvalidSignature(f"unexpected JWS header parameters: {sorted(onbekend)}")
    if kop.get("typ") != TYP:
        raise InvalidSignature(f"JWS typ is {kop.get('typ')!r}, not {TYP!r}")
    alg = kop.get("alg")
    if alg not in ALGORITMEN:
        raise InvalidSignature(f"JWS alg {alg!r} is not one of {', '.join(ALGORITMEN)}")
    kid = kop.get("kid")
    if not isinstance(kid, str) or kid not in vertrouwd:
        raise UnknownKey(f"the edition was signed with key {kid!r}, which is not trusted")
    sleutel = vertrouwd[kid]
    if algoritme_voor(sleutel) != alg:
        raise InvalidSignature(f"key {kid!r} does not sign with {alg}")
    try:
        resultaat = jws.deserialize_compact(tekst, sleutel, algorithms=[alg])
    except JoseError as exc:
        raise InvalidSignature(
            f"the signature does not verify with key {kid!r}: {exc.error}"
        ) from None
    return Geverifieerd(bytes(resultaat.payload), kid, alg, digest)
