"""The payload signature on a creditor's message (WD-OND-06 to WD-OND-10): checked before the
message is taken in, so that a tampered, forged or expired message never reaches the records.

The configuration's ``ondertekening`` object is this receiver's signing profile: the trust anchors
(``vertrouwensankers``: PEM files, the PKIoverheid roots in production) and whether every message
must be signed (``vereist``). With it, a message that carries ``nlgov-adr-payload-sig`` is always
checked, even where a signature is not required: a bad signature is never ignored. Without it, the
receiver does not check signatures (mutual TLS alone authenticates the sender).

The check is the library's (:func:`warm_referral.ondertekening.verifieer`): at the receiver's clock
(the test clock in development mode, so a certificate's expiry can be tested), against the TLS
certificate of the connection in production mode (it may not be the signing certificate), and the
signer must be the message's afzender. Every refusal is a :class:`SignatureRefused` whose one
violation carries the library's stable code (``handtekening_ontbreekt``, ``inhoud_gewijzigd``...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warm_referral.errors import Violation

from ..errors import ConfigError, SignatureRefused

if TYPE_CHECKING:
    from warm_referral.models import Bericht
    from warm_referral.ondertekening import Ondertekenaar, SignatureError, Vertrouwensankers

__all__ = [
    "Handtekeningkoppen",
    "Ondertekeningsprofiel",
    "bevestig_ondertekenaar",
    "controleer_handtekening",
]

_SLEUTELS = frozenset({"vertrouwensankers", "vereist"})


@dataclass(frozen=True)
class Handtekeningkoppen:
    """What the request carried for the signature: every ``nlgov-adr-payload-sig`` and
    ``Digest`` field (more than one of either is refused), and the TLS client certificate (PEM
    or DER) in production mode."""

    handtekening: Sequence[str] = ()
    digest: Sequence[str] = ()
    tls_certificaat: bytes | None = None

    @property
    def ondertekend(self) -> bool:
        return bool(self.handtekening)


@dataclass(frozen=True)
class Ondertekeningsprofiel:
    """This receiver's signing profile (the configuration's ``ondertekening``)."""

    vertrouwensankers: Vertrouwensankers
    vereist: bool = False

    @classmethod
    def uit_config(cls, bron: str, data: Any, basis: Path) -> Ondertekeningsprofiel:
        """Read ``{"vertrouwensankers": ["root.pem", ...], "vereist": true}``; paths are
        relative to the configuration file. :class:`ConfigError` says what is wrong."""
        from warm_referral.ondertekening import SigningSetupError, laad_vertrouwensankers

        waar = f"{bron}: ondertekening"
        if not isinstance(data, dict):
            raise ConfigError(f"{waar}: must be an object with 'vertrouwensankers' and 'vereist'")
        onbekend = set(data) - _SLEUTELS
        if onbekend:
            raise ConfigError(
                f"{waar}: unknown keys {', '.join(sorted(onbekend))}; known: "
                f"{', '.join(sorted(_SLEUTELS))}"
            )
        ankers = data.get("vertrouwensankers")
        if (
            not isinstance(ankers, list)
            or not ankers
            or not all(isinstance(a, str) and a for a in ankers)
        ):
            raise ConfigError(
                f"{waar}: 'vertrouwensankers' must list one or more PEM files (the trusted root "
                "certificates; PKIoverheid's in production)"
            )
        vereist = data.get("vereist", False)
        if not isinstance(vereist, bool):
            raise ConfigError(f"{waar}: 'vereist' must be true or false, not {vereist!r}")
        try:
            vertrouwd = laad_vertrouwensankers(*(basis / a for a in ankers))
        except SigningSetupError as exc:
            raise ConfigError(f"{waar}: {exc}") from None
        return cls(vertrouwd, vereist)


def _weigering(fout: SignatureError) -> SignatureRefused:
    tekst = str(fout.args[0]) if fout.args else type(fout).__name__
    return SignatureRefused(
        f"the message's signature is refused ({fout.code}): {tekst}",
        [Violation("", fout.code, tekst)],
    )


def controleer_handtekening(
    profiel: Ondertekeningsprofiel | None,
    koppen: Handtekeningkoppen,
    body: bytes,
    bericht: Bericht,
    nu: datetime,
) -> Ondertekenaar | None:
    """Who signed ``body`` (the bytes as received), None when it is unsigned and may be; or
    :class:`SignatureRefused` with the stable code."""
    if profiel is None:
        return None
    from warm_referral.ondertekening import MissingSignature, SignatureError, verifieer

    try:
        if not koppen.ondertekend:
            if not profiel.vereist:
                return None
            raise MissingSignature(
                "this receiver requires a signature (header nlgov-adr-payload-sig) on every message"
            )
        ondertekenaar = verifieer(
            body,
            list(koppen.handtekening),
            list(koppen.digest) or None,
            profiel.vertrouwensankers,
            nu,
            tls_certificaat=koppen.tls_certificaat,
        )
    except SignatureError as exc:
        raise _weigering(exc) from None
    bevestig_ondertekenaar(ondertekenaar, bericht)
    return ondertekenaar


def bevestig_ondertekenaar(ondertekenaar: Ondertekenaar, bericht: Bericht) -> None:
    """:class:`SignatureRefused` (``ondertekenaar_niet_afzender``) unless the verified signer is
    the message's afzender (WD-OND-10)."""
    from warm_referral.knooppunt.verzegeling import partij_oin
    from warm_referral.ondertekening import SignatureError

    try:
        ondertekenaar.bevestig_afzender(partij_oin(bericht.afzender))
    except SignatureError as exc:
        raise _weigering(exc) from None
