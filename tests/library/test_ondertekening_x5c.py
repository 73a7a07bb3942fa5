"""A certificate in x5c whose version field is not v1-v3 is a malformed signature (the peer's
fault, ``handtekening_onleesbaar``), not an untyped error: cryptography raises InvalidVersion,
which is no ValueError. Found by the property test that changes one character of the header."""

from __future__ import annotations

import base64

import pytest
from paths import SPEC

from warm_referral.ondertekening import laad_certificaatsleutel
from warm_referral.ondertekening.errors import MalformedSignature
from warm_referral.ondertekening.jades import _lees_x5c

PKI = SPEC / "ondertekening" / "pki"


def test_a_certificate_of_an_unknown_version_in_x5c() -> None:
    from warm_referral.ondertekening.certificaten import der

    sleutel = laad_certificaatsleutel(
        PKI / "gerechtsdeurwaarder-ondertekening.sleutel.pem",
        PKI / "gerechtsdeurwaarder-ondertekening.keten.pem",
    )
    data = bytearray(der(sleutel.certificaat))
    versie = data.index(bytes([0xA0, 0x03, 0x02, 0x01, 0x02]))  # [0] EXPLICIT INTEGER 2 (v3)
    data[versie + 4] = 0x0E
    with pytest.raises(
        MalformedSignature, match=r"x5c\[0\] is not a base64 DER certificate"
    ) as fout:
        _lees_x5c({"x5c": [base64.b64encode(bytes(data)).decode()]})
    assert fout.value.code == "handtekening_onleesbaar"
