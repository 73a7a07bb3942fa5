"""The result bundle: everything a run found, in one JSON file that NVVK can check for integrity,
optionally signed with an Ed25519 key so that NVVK can tell it was not edited afterwards.

    {"formaat": "warm-referral-conformance/bundel/1", "inhoud": {...the run...},
     "sha256": "<hex of the canonical JSON of inhoud>",
     "handtekening": {"algoritme": "Ed25519", "publieke_sleutel": "<base64 raw>", "waarde": "<base64>"}}

The canonical JSON is ``json.dumps(inhoud, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
in UTF-8; the signature is over the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .resultaten import Run

__all__ = [
    "FORMAAT",
    "BundelFout",
    "Controleuitslag",
    "controleer_bundel",
    "maak_bundel",
    "maak_sleutelpaar",
]

FORMAAT = "warm-referral-conformance/bundel/1"


class BundelFout(ValueError):
    """The bundle cannot be read or checked; the message says why."""


def _canoniek(inhoud: Any) -> bytes:
    return json.dumps(inhoud, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def maak_bundel(run: Run, sleutel: Path | None = None) -> dict[str, Any]:
    inhoud = run.als_dict()
    data = _canoniek(inhoud)
    bundel: dict[str, Any] = {
        "formaat": FORMAAT,
        "inhoud": inhoud,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if sleutel is not None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        privé = serialization.load_pem_private_key(sleutel.read_bytes(), password=None)
        if not isinstance(privé, Ed25519PrivateKey):
            raise BundelFout(f"{sleutel} is not an Ed25519 private key (PEM, PKCS#8)")
        publiek = privé.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        bundel["handtekening"] = {
            "algoritme": "Ed25519",
            "publieke_sleutel": base64.b64encode(publiek).decode(),
            "waarde": base64.b64encode(privé.sign(data)).decode(),
        }
    return bundel


@dataclass(frozen=True, slots=True)
class Controleuitslag:
    intact: bool
    ondertekend: bool
    sleutel_vingerafdruk: str | None
    run: Run | None
    reden: str


def controleer_bundel(pad: Path, publieke_sleutel: Path | None = None) -> Controleuitslag:
    """Is the bundle unchanged since it was made (and signed by the expected key, if given)?"""
    try:
        bundel = json.loads(pad.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BundelFout(f"{pad}: not a readable JSON file: {exc}") from None
    if not isinstance(bundel, dict) or bundel.get("formaat") != FORMAAT:
        raise BundelFout(f"{pad}: not a result bundle ({FORMAAT})")
    data = _canoniek(bundel.get("inhoud"))
    if hashlib.sha256(data).hexdigest() != bundel.get("sha256"):
        return Controleuitslag(
            False, False, None, None, "de inhoud is gewijzigd: de sha256 klopt niet"
        )
    handtekening = bundel.get("handtekening")
    vingerafdruk = None
    if handtekening is not None:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            ruw = base64.b64decode(handtekening["publieke_sleutel"], validate=True)
            publiek = Ed25519PublicKey.from_public_bytes(ruw)
            publiek.verify(base64.b64decode(handtekening["waarde"], validate=True), data)
        except (KeyError, TypeError, ValueError, InvalidSignature):
            return Controleuitslag(
                False, True, None, None, "de handtekening klopt niet bij de inhoud"
            )
        vingerafdruk = hashlib.sha256(ruw).hexdigest()[:16]
        if publieke_sleutel is not None:
            verwacht = serialization.load_pem_public_key(publieke_sleutel.read_bytes())
            if (
                not isinstance(verwacht, Ed25519PublicKey)
                or verwacht.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
                != ruw
            ):
                return Controleuitslag(
                    False,
                    True,
                    vingerafdruk,
                    None,
                    "ondertekend met een andere sleutel dan opgegeven",
                )
    elif publieke_sleutel is not None:
        return Controleuitslag(False, False, None, None, "de bundel is niet ondertekend")
    try:
        run = Run.uit_dict(bundel["inhoud"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BundelFout(f"{pad}: the content is not a run: {exc!r}") from None
    reden = "intact" + (
        f", ondertekend met sleutel {vingerafdruk}" if vingerafdruk else ", niet ondertekend"
    )
    return Controleuitslag(True, handtekening is not None, vingerafdruk, run, reden)


def maak_sleutelpaar(privé_pad: Path) -> Path:
    """Write a new Ed25519 private key (PEM) and its public key beside it (``.pub.pem``)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    sleutel = Ed25519PrivateKey.generate()
    privé_pad.write_bytes(
        sleutel.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    privé_pad.chmod(0o600)
    publiek_pad = privé_pad.with_suffix(".pub.pem")
    publiek_pad.write_bytes(
        sleutel.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return publiek_pad
