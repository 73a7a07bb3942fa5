"""Seal a message for the route through an intermediary, and open it at the receiver.

Sign, then encrypt (the order of the NL API Design Rules' encryption module): the sender signs
the message's exact bytes (:func:`warm_referral.ondertekening.onderteken`), wraps bytes and
signature in an :class:`~.envelop.Inhoud`, encrypts that to the receiver's key from the address
book and puts the JWE in an :class:`~.envelop.Envelop` whose fields it copies from the message::

    envelop = verzegel(bericht, vermelding.organisatie.sleutels[0], ondertekensleutel, nu)
    ...  # the intermediary stores and forwards envelop.to_json(); it cannot read inside
    geopend = ontzegel(data, eigen_sleutels, pkioverheid, nu)
    geopend.bericht, geopend.ondertekenaar.oin

The JWE (RFC 7516, compact) uses one content encryption, A256GCM, and the key management the
receiver's key dictates: ECDH-ES+A256KW for an EC P-256 key (an ephemeral key per message, small
keys; "Recommended+" in RFC 7518), RSA-OAEP-256 for an RSA key of 2048 bits or more (what an
organisation that encrypts with its PKIoverheid certificate's key has; OAEP with SHA-256 rather
than the draft encryption module's SHA-1 RSA-OAEP). RSA1_5, direct keys and compression are
refused. The protected header is exactly ``alg``, ``enc``, ``kid`` (the receiver's key id),
``typ`` (:data:`TYP`), and ``epk`` for ECDH-ES.

Opening checks, in order: the envelope's form, the key id (ours?), decryption, the signature
inside (every failure of :mod:`warm_referral.ondertekening`), the message itself, that the
envelope's fields are the message's, and that the signer is the sender.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .envelop import MAX_ENVELOP, Envelop, Inhoud
from .errors import (
    DecryptionFailed,
    EnvelopeMismatch,
    MalformedEnvelope,
    SealingError,
    UnknownRecipientKey,
)

if TYPE_CHECKING:
    from joserfc.jwe import JWERegistry
    from joserfc.jwk import ECKey, RSAKey

    from ..adresboek.model import PubliekeSleutel
    from ..models import Message
    from ..models.onderdelen import Partij
    from ..ondertekening import Certificaatsleutel, Ondertekenaar, Vertrouwensankers

__all__ = [
    "MAX_BERICHT",
    "SLEUTELBEHEER",
    "TYP",
    "VERSLEUTELING",
    "Geopend",
    "kies_versleutelsleutel",
    "laad_ontsleutelsleutels",
    "lees_envelop",
    "ontzegel",
    "partij_oin",
    "verzegel",
]

#: The JWE ``typ`` of a sealed Inhoud (explicit typing, RFC 8725 section 3.11).
TYP = "warm-referral-inhoud+jwe"
#: The content encryption.
VERSLEUTELING = "A256GCM"
#: The key management algorithm for each key type of the receiver's key.
SLEUTELBEHEER = {"EC": "ECDH-ES+A256KW", "RSA": "RSA-OAEP-256"}
#: The largest message that can be sealed (the XML codec's limit).
MAX_BERICHT = 2_000_000

_KOP = frozenset({"alg", "enc", "kid", "typ"})


@cache
def _register() -> JWERegistry:
    from joserfc.jwe import JWERegistry

    register = JWERegistry(algorithms=[*SLEUTELBEHEER.values(), VERSLEUTELING])
    register.max_ciphertext_length = MAX_ENVELOP
    return register


def partij_oin(partij: Partij) -> str | None:
    """The OIN an organisation has on the route: its own, or the one derived from its KvK number.

    >>> from warm_referral.models.onderdelen import Partij
    >>> partij_oin(Partij(naam="Deurwaarder", kvk_nummer="34012345"))
    '00000003340123450000'
    """
    from ..identifiers import oin

    if partij.oin is not None:
        return partij.oin
    if partij.kvk_nummer is not None:
        return oin.from_kvk(partij.kvk_nummer)
    return None


def kies_versleutelsleutel(sleutels: Sequence[PubliekeSleutel] | None) -> PubliekeSleutel:
    """The key to encrypt to from an organisation's ``sleutels`` in the address book: the first
    with ``use`` "enc" (during a rotation the address book lists the new key first)."""
    for sleutel in sleutels or ():
        if sleutel.use == "enc":
            return sleutel
    raise SealingError("the organisation publishes no key with use 'enc' in the address book")


def _ontvangersleutel(
    jwk: PubliekeSleutel | Mapping[str, Any],
) -> tuple[ECKey | RSAKey, str, str]:
    """The receiver's public key, its kid and the key management algorithm for it."""
    from ..adresboek.errors import InvalidKey
    from ..adresboek.handtekening import algoritme_voor, importeer_sleutel
    from ..adresboek.model import PubliekeSleutel

    data = (
        jwk.model_dump(by_alias=True, exclude_none=True)
        if isinstance(jwk, PubliekeSleutel)
        else dict(jwk)
    )
    kid = data.get("kid")
    if not isinstance(kid, str) or not kid:
        raise SealingError("the receiver's key has no kid; the receiver finds its key by it")
    if data.get("use", "enc") != "enc":
        raise SealingError(f"key {kid!r} is for use {data['use']!r}, not for encryption ('enc')")
    if {"d", "p", "q", "k"} & data.keys():
        raise SealingError(f"key {kid!r} holds private members; give the public key")
    try:
        sleutel = importeer_sleutel(data, f"key {kid!r}")
        algoritme_voor(sleutel)  # EC P-256, or RSA of 2048 bits or more
    except InvalidKey as exc:
        raise SealingError(str(exc)) from None
    alg = SLEUTELBEHEER[sleutel.key_type]
    if data.get("alg", alg) != alg:
        raise SealingError(
            f"key {kid!r} names alg {data['alg']!r}; a {sleutel.key_type} key uses {alg}"
        )
    return sleutel, kid, alg


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _lees_bericht(bericht: bytes, eigen: bool) -> Message:
    from ..codec.detect import parse_any
    from ..errors import InvalidLocalMessage, MessageValidationError

    try:
        return parse_any(bericht)
    except MessageValidationError as exc:
        if eigen:
            raise InvalidLocalMessage(exc.violations) from None
        raise


def verzegel(
    bericht: bytes,
    ontvanger: PubliekeSleutel | Mapping[str, Any],
    ondertekenaar: Certificaatsleutel,
    nu: datetime,
) -> Envelop:
    """Sign ``bericht`` (its exact bytes, JSON or XML) at ``nu`` and seal it to the receiver's
    public key (a :class:`PubliekeSleutel` from the address book, or a JWK dict).

    Raises :class:`SealingError` (our fault) when the message names a party without OIN or KvK
    number, when our signing certificate's OIN is not the afzender's, or when the key is
    unusable; :class:`~warm_referral.errors.InvalidLocalMessage` when the message is invalid.
    """
    from joserfc import jwe

    from ..ondertekening import onderteken

    if len(bericht) > MAX_BERICHT:
        raise SealingError(
            f"a message of {len(bericht)} bytes; at most {MAX_BERICHT} can be sealed"
        )
    boodschap = _lees_bericht(bericht, eigen=True)
    afzender, ontvanger_oin = partij_oin(boodschap.afzender), partij_oin(boodschap.ontvanger)
    if afzender is None or ontvanger_oin is None:
        raise SealingError(
            "on the route through an intermediary, afzender and ontvanger need an oin or a "
            "kvkNummer (the envelope names both by OIN)"
        )
    if ondertekenaar.oin != afzender:
        raise SealingError(
            f"our signing certificate holds OIN {ondertekenaar.oin or '(none)'}, but the message's "
            f"afzender is OIN {afzender}; the receiver would refuse it"
        )
    sleutel, kid, alg = _ontvangersleutel(ontvanger)
    handtekening = onderteken(bericht, ondertekenaar, nu)
    inhoud = Inhoud(bericht=_b64url(bericht), handtekening=handtekening.kop)
    versleuteld = jwe.encrypt_compact(
        {"alg": alg, "enc": VERSLEUTELING, "kid": kid, "typ": TYP},
        inhoud.to_json(),
        sleutel,
        registry=_register(),
    )
    return Envelop(
        berichttype=boodschap.berichttype,
        spec_versie=boodschap.spec_versie,
        bericht_id=boodschap.bericht_id,
        conversatie_id=boodschap.conversatie_id,
        afzender=afzender,
        ontvanger=ontvanger_oin,
        inhoud=versleuteld,
    )


def lees_envelop(data: bytes | str) -> Envelop:
    """Validate an envelope's JSON (what an intermediary reads); every violation is reported."""
    from pydantic import ValidationError

    from ..errors import Violation
    from ..models._base import WIRE_CONTEXT
    from ..models.violations import violations_from_pydantic

    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_ENVELOP:
        raise MalformedEnvelope(
            "the envelope is too large",
            [Violation("", "te_groot", f"{len(data)} bytes; at most {MAX_ENVELOP}")],
        )
    try:
        return Envelop.model_validate_json(data, strict=True, context=WIRE_CONTEXT)
    except ValidationError as exc:
        raise MalformedEnvelope(
            "the envelope is not valid", violations_from_pydantic(exc)
        ) from None
    except RecursionError:
        raise MalformedEnvelope(
            "the envelope is not valid",
            [Violation("", "te_diep_genest", "the document is nested too deeply")],
        ) from None


def _object_zonder_dubbelen(paren: list[tuple[str, Any]]) -> dict[str, Any]:
    namen = [naam for naam, _ in paren]
    if len(set(namen)) != len(namen):
        raise ValueError("a member appears twice")
    return dict(paren)


def _canoniek(segment: str) -> bool:
    """Whether a base64url segment is in its one canonical form (unused low bits zero)."""
    try:
        ruw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, binascii.Error):
        return False
    return _b64url(ruw) == segment


def _jwe_kop(jwe_tekst: str) -> dict[str, Any]:
    delen = jwe_tekst.split(".")
    if not all(_canoniek(deel) for deel in delen):
        raise MalformedEnvelope("inhoud is not a JWE of canonical base64url parts")
    segment = delen[0]
    try:
        ruw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        kop = json.loads(ruw, object_pairs_hook=_object_zonder_dubbelen)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise MalformedEnvelope(f"the JWE header of inhoud cannot be read: {exc}") from None
    if not isinstance(kop, dict):
        raise MalformedEnvelope("the JWE header of inhoud is not a JSON object")
    alg = kop.get("alg")
    if alg not in SLEUTELBEHEER.values():
        raise MalformedEnvelope(
            f"JWE alg {alg!r} is not allowed; use {' or '.join(SLEUTELBEHEER.values())}"
        )
    toegestaan = _KOP | ({"epk"} if alg == SLEUTELBEHEER["EC"] else set())
    if kop.keys() != toegestaan:
        raise MalformedEnvelope(
            f"the JWE header must hold exactly {sorted(toegestaan)}, not {sorted(kop)}"
        )
    if kop["enc"] != VERSLEUTELING:
        raise MalformedEnvelope(f"JWE enc {kop['enc']!r} is not allowed; use {VERSLEUTELING}")
    if kop["typ"] != TYP:
        raise MalformedEnvelope(f"JWE typ {kop['typ']!r}; expected {TYP!r}")
    if not isinstance(kop["kid"], str) or not kop["kid"]:
        raise MalformedEnvelope("the JWE header's kid is not a key id")
    epk = kop.get("epk", {"kty": "EC", "crv": "P-256", "x": "", "y": ""})
    if (
        not isinstance(epk, dict)
        or epk.keys() != {"kty", "crv", "x", "y"}
        or (epk["kty"], epk["crv"]) != ("EC", "P-256")
        or not all(isinstance(epk[c], str) for c in ("x", "y"))
    ):
        raise MalformedEnvelope("the JWE header's epk is not a public EC P-256 key")
    return kop


@dataclass(frozen=True, slots=True)
class Geopend:
    """An opened envelope: the message's exact bytes, who signed them, and the envelope."""

    bericht: bytes
    ondertekenaar: Ondertekenaar
    envelop: Envelop


def _afwijkingen(envelop: Envelop, boodschap: Message) -> list[tuple[str, str, str]]:
    paren = (
        ("berichttype", envelop.berichttype, boodschap.berichttype),
        ("specVersie", envelop.spec_versie, boodschap.spec_versie),
        ("berichtId", str(envelop.bericht_id), str(boodschap.bericht_id)),
        ("conversatieId", str(envelop.conversatie_id), str(boodschap.conversatie_id)),
        ("afzender", envelop.afzender, partij_oin(boodschap.afzender) or "(geen)"),
        ("ontvanger", envelop.ontvanger, partij_oin(boodschap.ontvanger) or "(geen)"),
    )
    return [(veld, buiten, binnen) for veld, buiten, binnen in paren if buiten != binnen]


def ontzegel(
    envelop: Envelop | bytes | str,
    sleutels: Mapping[str, ECKey | RSAKey],
    vertrouwd: Vertrouwensankers,
    nu: datetime,
) -> Geopend:
    """Open an envelope with our private keys (by kid), check the signature inside against
    ``vertrouwd`` at ``nu``, and check that the envelope tells the truth about the message.

    Raises the typed errors of :mod:`.errors` (``envelop_ongeldig``, ``sleutel_onbekend``,
    ``ontsleutelen_mislukt``, ``envelop_wijkt_af``), the signing errors of
    :mod:`warm_referral.ondertekening.errors` (among them ``ondertekenaar_niet_afzender``), or
    :class:`~warm_referral.errors.InvalidPeerMessage` for an invalid message inside: all the
    sender's (or the intermediary's) fault.
    """
    from joserfc import jwe
    from joserfc.errors import JoseError
    from pydantic import ValidationError

    from ..models._base import WIRE_CONTEXT
    from ..models.violations import violations_from_pydantic
    from ..ondertekening import digest_waarde, verifieer

    if not isinstance(envelop, Envelop):
        envelop = lees_envelop(envelop)
    kop = _jwe_kop(envelop.inhoud)
    sleutel = sleutels.get(kop["kid"])
    if sleutel is None:
        raise UnknownRecipientKey(
            f"the content is encrypted to key {kop['kid']!r}; we hold {sorted(sleutels)}"
        )
    if SLEUTELBEHEER.get(sleutel.key_type) != kop["alg"]:
        raise DecryptionFailed(
            f"JWE alg {kop['alg']} does not fit our {sleutel.key_type} key {kop['kid']!r}"
        )
    try:
        platte_tekst = jwe.decrypt_compact(envelop.inhoud, sleutel, registry=_register()).plaintext
    except JoseError as exc:
        raise DecryptionFailed(
            f"the content does not decrypt with key {kop['kid']!r}: {exc.error}"
        ) from None
    except (ValueError, TypeError, KeyError, binascii.Error) as exc:  # e.g. epk off the curve
        raise DecryptionFailed(
            f"the content does not decrypt with key {kop['kid']!r}: {exc}"
        ) from None
    if platte_tekst is None:
        raise DecryptionFailed("the JWE holds no content")
    try:
        inhoud = Inhoud.model_validate_json(platte_tekst, strict=True, context=WIRE_CONTEXT)
    except ValidationError as exc:
        raise MalformedEnvelope(
            "the decrypted content is not an Inhoud", violations_from_pydantic(exc)
        ) from None
    try:
        bericht = base64.urlsafe_b64decode(inhoud.bericht + "=" * (-len(inhoud.bericht) % 4))
    except (ValueError, binascii.Error):
        raise MalformedEnvelope("the decrypted content's bericht is not base64url") from None
    ondertekenaar = verifieer(bericht, inhoud.handtekening, digest_waarde(bericht), vertrouwd, nu)
    boodschap = _lees_bericht(bericht, eigen=False)
    afwijkingen = _afwijkingen(envelop, boodschap)
    if afwijkingen:
        raise EnvelopeMismatch(afwijkingen)
    ondertekenaar.bevestig_afzender(envelop.afzender)
    return Geopend(bericht, ondertekenaar, envelop)


def laad_ontsleutelsleutels(*paden: str | Path) -> dict[str, ECKey | RSAKey]:
    """Our private decryption keys by kid, from JWK files that carry their ``kid`` (the public
    halves are our ``sleutels`` in the address book). Keep a retired key until no sender can
    still encrypt to it."""
    from ..adresboek.errors import InvalidKey
    from ..adresboek.handtekening import laad_ondertekensleutel

    sleutels: dict[str, ECKey | RSAKey] = {}
    for pad in paden:
        try:
            sleutel = laad_ondertekensleutel(pad)
        except InvalidKey as exc:
            raise SealingError(str(exc)) from None
        if sleutel.kid in sleutels:
            raise SealingError(f"{pad}: key id {sleutel.kid!r} appears twice")
        sleutels[sleutel.kid] = sleutel.sleutel
    return sleutels
