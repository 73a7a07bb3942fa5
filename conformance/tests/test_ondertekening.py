"""The kit's own signing: what it sends verifies under the published test root for the
creditor's OIN, and its forged signature is the forgery the library refuses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from warm_referral_conformance.ondertekening import (
    PkiFout,
    certificaatsleutel,
    handtekening_met_andere_sleutel,
    onderteken_als,
    stam_ca_pem,
)

from warm_referral.models import Partij
from warm_referral.ondertekening import (
    SignatureDoesNotVerify,
    Vertrouwensankers,
    laad_vertrouwensankers,
    verifieer,
)

SPEC_STAM = Path(__file__).resolve().parents[2] / "spec/v1/ondertekening/pki/stam-ca.pem"
NU = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
WOONGOED = Partij(naam="Woongoed Zeeland", kvk_nummer="22012345")


def _ankers() -> Vertrouwensankers:
    return laad_vertrouwensankers(SPEC_STAM)


def test_the_kit_carries_the_published_test_root() -> None:
    assert stam_ca_pem() == SPEC_STAM.read_bytes()


@pytest.mark.eis("WD-OND-01", "WD-OND-10")
def test_what_the_kit_signs_verifies_under_the_spec_root_for_the_derived_oin() -> None:
    body = b'{"berichttype": "Verwijzing"}'
    koppen = onderteken_als(WOONGOED, body, NU)
    ondertekenaar = verifieer(
        body, koppen["nlgov-adr-payload-sig"], koppen["Digest"], _ankers(), NU + timedelta(days=400)
    )
    assert ondertekenaar.oin == "00000003220123450000"


@pytest.mark.eis("WD-OND-07")
def test_the_signature_with_another_key_is_refused_as_not_verifying() -> None:
    body = b"{}"
    echt, ander = (
        certificaatsleutel(
            "Kit", "00000003220123450000", vanaf=NU - timedelta(days=1), tot=NU + timedelta(days=1)
        )
        for _ in range(2)
    )
    handtekening = handtekening_met_andere_sleutel(body, echt, ander, NU)
    with pytest.raises(SignatureDoesNotVerify):
        verifieer(body, handtekening.kop, handtekening.digest, _ankers(), NU)
    # and the same header signed with the right key verifies: only the key differs
    goed = handtekening_met_andere_sleutel(body, echt, echt, NU)
    assert verifieer(body, goed.kop, goed.digest, _ankers(), NU).oin == "00000003220123450000"


def test_outside_the_test_pki_the_kit_says_it_cannot_sign() -> None:
    with pytest.raises(PkiFout, match="intermediate"):
        onderteken_als(WOONGOED, b"{}", datetime(2050, 1, 1, tzinfo=timezone.utc))
