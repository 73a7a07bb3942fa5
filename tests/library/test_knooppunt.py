"""The sealed envelope: the vectors open (or fail) as published, a sealed message opens only with
the receiver's key, any change to the envelope is caught, and the envelope carries nothing about
the help-seeker."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jwe
from joserfc.jwk import ECKey, RSAKey
from paths import SPEC

from warm_referral.adresboek import laad_adresboek, laad_sleutelbos
from warm_referral.errors import InvalidLocalMessage, InvalidPeerMessage
from warm_referral.knooppunt import (
    CODES,
    DecryptionFailed,
    Envelop,
    EnvelopeError,
    EnvelopeMismatch,
    Inhoud,
    MalformedEnvelope,
    SealingError,
    UnknownRecipientKey,
    kies_versleutelsleutel,
    laad_ontsleutelsleutels,
    lees_envelop,
    ontzegel,
    partij_oin,
    verzegel,
)
from warm_referral.knooppunt.verzegeling import TYP, _register
from warm_referral.ondertekening import (
    Certificaatsleutel,
    SignatureDoesNotVerify,
    SignerIsNotSender,
    Vertrouwensankers,
    laad_certificaatsleutel,
    laad_vertrouwensankers,
    onderteken,
)

PKI = SPEC / "ondertekening" / "pki"
MAP = SPEC / "knooppunt"
VECTOREN = sorted((MAP / "vectoren").glob("*.json"))
BERICHT = (SPEC / "examples" / "verwijzing-gerechtsdeurwaarder-toestemming.json").read_bytes()
NU = datetime(2027, 1, 5, 9, 0, 30, tzinfo=timezone.utc)
KID = "walcheren-enc-2026"
DEURWAARDER = "00000003340123450000"
WALCHEREN = "00000001001234567000"


@pytest.fixture(scope="module")
def ondertekenaar() -> Certificaatsleutel:
    return laad_certificaatsleutel(
        PKI / "gerechtsdeurwaarder-ondertekening.sleutel.pem",
        PKI / "gerechtsdeurwaarder-ondertekening.keten.pem",
    )


@pytest.fixture(scope="module")
def ankers() -> Vertrouwensankers:
    return laad_vertrouwensankers(PKI / "stam-ca.pem")


@pytest.fixture(scope="module")
def sleutels() -> dict[str, Any]:
    return laad_ontsleutelsleutels(MAP / "walcheren-testsleutel.prive.jwk.json")


@pytest.fixture(scope="module")
def publiek(sleutels: dict[str, Any]) -> dict[str, Any]:
    return {**sleutels[KID].as_dict(private=False), "kid": KID, "use": "enc"}


@pytest.fixture(scope="module")
def envelop(ondertekenaar: Certificaatsleutel, publiek: dict[str, Any]) -> Envelop:
    return verzegel(BERICHT, publiek, ondertekenaar, NU)


# --- the vectors ---------------------------------------------------------------------------------


@pytest.mark.eis("WD-VSL-06", "WD-VSL-04")
@pytest.mark.parametrize("pad", VECTOREN, ids=[v.stem for v in VECTOREN])
def test_every_envelope_vector_gives_its_expected_outcome(pad: Path) -> None:
    vector = json.loads(pad.read_text(encoding="utf-8"))
    sleutels = laad_ontsleutelsleutels(*(pad.parent / s for s in vector["ontsleutelsleutels"]))
    ankers = laad_vertrouwensankers(*(pad.parent / a for a in vector["vertrouwensankers"]))
    moment = datetime.fromisoformat(vector["tijdstip"].replace("Z", "+00:00"))
    data = json.dumps(vector["envelop"]).encode()
    verwacht = vector["verwacht"]
    if verwacht["geopend"]:
        geopend = ontzegel(data, sleutels, ankers, moment)
        assert geopend.bericht == (pad.parent / vector["bericht"]).read_bytes()
        assert geopend.ondertekenaar.oin == verwacht["oin"]
    else:
        with pytest.raises(EnvelopeError) as fout:
            ontzegel(data, sleutels, ankers, moment)
        assert fout.value.code == verwacht["code"]
        assert fout.value.fault == "remote"


def test_the_example_address_book_publishes_the_test_key(
    sleutels: dict[str, Any], ondertekenaar: Certificaatsleutel, ankers: Vertrouwensankers
) -> None:
    """Route as a sender would: the address book names Walcheren's key; it is the public half of
    the published test key, so the vector's receiver is the address book's."""
    map_ = SPEC / "adresboek"
    boek = laad_adresboek(
        (map_ / "voorbeeld-adresboek.jws").read_bytes(),
        laad_sleutelbos(map_ / "nvvk-testsleutels.jwks.json"),
        op=date(2027, 1, 5),
    )
    organisatie = boek.zoek("0718", op=date(2027, 1, 5)).organisatie
    assert organisatie.oin == WALCHEREN
    sleutel = kies_versleutelsleutel(organisatie.sleutels)
    publiek = sleutels[KID].as_dict(private=False)
    assert (sleutel.kid, sleutel.x, sleutel.y) == (KID, publiek["x"], publiek["y"])
    envelop = verzegel(BERICHT, sleutel, ondertekenaar, NU)
    assert ontzegel(envelop.to_json(), sleutels, ankers, NU).bericht == BERICHT


# --- sealing and opening -------------------------------------------------------------------------


@pytest.mark.eis("WD-VSL-01", "WD-VSL-02", "WD-VSL-03")
def test_a_sealed_message_opens_with_the_receivers_key(
    envelop: Envelop, sleutels: dict[str, Any], ankers: Vertrouwensankers
) -> None:
    assert envelop.model_dump(mode="json", by_alias=True, exclude={"inhoud"}) == {
        "berichttype": "Verwijzing",
        "specVersie": "1.0",
        "berichtId": "5d7f9b1d-3f5a-4d7f-9b1d-3f5a7c9e1b3d",
        "conversatieId": "1b3d5f7a-9c1e-4b3d-8f7a-9c1e3b5d7f9a",
        "afzender": DEURWAARDER,  # derived from the bailiff's KvK number
        "ontvanger": WALCHEREN,
    }
    kop = _kop(envelop.inhoud)
    assert set(kop) == {"alg", "enc", "kid", "typ", "epk"}
    assert (kop["alg"], kop["enc"], kop["kid"], kop["typ"]) == (
        "ECDH-ES+A256KW",
        "A256GCM",
        KID,
        TYP,
    )
    geopend = ontzegel(envelop.to_json(), sleutels, ankers, NU)
    assert geopend.bericht == BERICHT
    assert geopend.ondertekenaar.oin == DEURWAARDER
    assert geopend.envelop == envelop


@pytest.mark.eis("WD-VSL-02")
def test_an_rsa_receiver_key_uses_rsa_oaep_256(
    ondertekenaar: Certificaatsleutel, ankers: Vertrouwensankers
) -> None:
    rsa = RSAKey.generate_key(2048, parameters={"kid": "rsa-enc", "use": "enc"}, private=True)
    envelop = verzegel(BERICHT, rsa.as_dict(private=False), ondertekenaar, NU)
    assert set(_kop(envelop.inhoud)) == {"alg", "enc", "kid", "typ"}
    assert _kop(envelop.inhoud)["alg"] == "RSA-OAEP-256"
    assert ontzegel(envelop, {"rsa-enc": rsa}, ankers, NU).bericht == BERICHT


@pytest.mark.eis("WD-VSL-03")
def test_the_envelope_carries_nothing_about_the_help_seeker(envelop: Envelop) -> None:
    bericht = json.loads(BERICHT)

    def bladeren(knoop: Any) -> list[str]:
        if isinstance(knoop, dict):
            return [b for v in knoop.values() for b in bladeren(v)]
        if isinstance(knoop, list):
            return [b for v in knoop for b in bladeren(v)]
        return [str(knoop)]

    persoonlijk = bladeren(bericht["hulpvrager"]) + bladeren(bericht["achterstand"])
    # The readable fields; inhoud is ciphertext (a short value such as "12" may occur in it by
    # chance, so it is checked for the whole message instead).
    tekst = json.dumps({k: v for k, v in json.loads(envelop.to_json()).items() if k != "inhoud"})
    for waarde in persoonlijk:
        if len(waarde) >= 4:  # "de" (a voorvoegsel) occurs in any JSON text
            assert waarde not in tekst, waarde
    assert BERICHT not in envelop.to_json()
    assert set(json.loads(envelop.to_json())) == {
        "berichttype", "specVersie", "berichtId", "conversatieId", "afzender", "ontvanger", "inhoud"
    }  # fmt: skip


_VELDEN: dict[str, Any] = {
    "berichttype": st.sampled_from(["Statusbericht", "Intrekking", "NietOpgepakt"]),
    "specVersie": st.sampled_from(["1.1", "2.0"]),
    "berichtId": st.uuids(version=4).map(str),
    "conversatieId": st.uuids(version=4).map(str),
    "afzender": st.from_regex(r"\A[0-9]{20}\Z"),
    "ontvanger": st.from_regex(r"\A[0-9]{20}\Z"),
}


@pytest.mark.eis("WD-VSL-04")
@given(data=st.data(), veld=st.sampled_from(sorted(_VELDEN)))
def test_any_change_of_an_envelope_field_is_refused(
    data: st.DataObject,
    veld: str,
    envelop: Envelop,
    sleutels: dict[str, Any],
    ankers: Vertrouwensankers,
) -> None:
    origineel = json.loads(envelop.to_json())
    nieuw = data.draw(_VELDEN[veld].filter(lambda w: w != origineel[veld]), label=veld)
    with pytest.raises(EnvelopeMismatch) as fout:
        ontzegel(json.dumps({**origineel, veld: nieuw}), sleutels, ankers, NU)
    assert [a[0] for a in fout.value.afwijkingen] == [veld]
    assert fout.value.code == "envelop_wijkt_af"


_BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.mark.eis("WD-VSL-04")
@given(data=st.data())
def test_any_single_character_change_of_the_sealed_content_is_refused(
    data: st.DataObject, envelop: Envelop, sleutels: dict[str, Any], ankers: Vertrouwensankers
) -> None:
    inhoud = envelop.inhoud
    plek = data.draw(st.integers(0, len(inhoud) - 1), label="plek")
    teken = data.draw(
        st.sampled_from(_BASE64URL).filter(lambda t: t != inhoud[plek]), label="teken"
    )
    gewijzigd = inhoud[:plek] + teken + inhoud[plek + 1 :]
    with pytest.raises(EnvelopeError) as fout:
        ontzegel(envelop.model_copy(update={"inhoud": gewijzigd}), sleutels, ankers, NU)
    assert fout.value.code in {"envelop_ongeldig", "ontsleutelen_mislukt", "sleutel_onbekend"}


# --- each failure ---------------------------------------------------------------------------------


def _kop(jwe_tekst: str) -> dict[str, Any]:
    segment = jwe_tekst.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _verzegel_met(
    inhoud: bytes, publiek: dict[str, Any], kop: dict[str, Any] | None = None, **velden: Any
) -> Envelop:
    """An envelope sealed by hand, to make what verzegel never makes."""
    sleutel = ECKey.import_key(publiek) if publiek["kty"] == "EC" else RSAKey.import_key(publiek)
    versleuteld = jwe.encrypt_compact(
        kop or {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": publiek["kid"], "typ": TYP},
        inhoud,
        sleutel,
        registry=_register(),
    )
    standaard = {
        "berichttype": "Verwijzing",
        "spec_versie": "1.0",
        "bericht_id": "5d7f9b1d-3f5a-4d7f-9b1d-3f5a7c9e1b3d",
        "conversatie_id": "1b3d5f7a-9c1e-4b3d-8f7a-9c1e3b5d7f9a",
        "afzender": DEURWAARDER,
        "ontvanger": WALCHEREN,
    }
    return Envelop(**{**standaard, **velden, "inhoud": versleuteld})


@pytest.mark.eis("WD-VSL-04")
def test_an_unknown_key_id(
    envelop: Envelop, sleutels: dict[str, Any], ankers: Vertrouwensankers
) -> None:
    with pytest.raises(UnknownRecipientKey) as fout:
        ontzegel(envelop, {"een-andere-kid": sleutels[KID]}, ankers, NU)
    assert (fout.value.code, fout.value.fault) == ("sleutel_onbekend", "remote")


@pytest.mark.eis("WD-VSL-04")
def test_content_encrypted_to_another_key_under_our_kid(
    envelop: Envelop, ankers: Vertrouwensankers
) -> None:
    with pytest.raises(DecryptionFailed) as fout:
        ontzegel(envelop, {KID: ECKey.generate_key("P-256", private=True)}, ankers, NU)
    assert fout.value.code == "ontsleutelen_mislukt"
    rsa = RSAKey.generate_key(2048, private=True)
    with pytest.raises(DecryptionFailed, match="does not fit"):
        ontzegel(envelop, {KID: rsa}, ankers, NU)


@pytest.mark.eis("WD-VSL-02", "WD-VSL-04")
@pytest.mark.parametrize(
    "kop",
    [
        {"alg": "RSA1_5", "enc": "A256GCM", "kid": KID, "typ": TYP},
        {"alg": "ECDH-ES+A256KW", "enc": "A128CBC-HS256", "kid": KID, "typ": TYP},
        {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": KID, "typ": "JWE"},
        {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": KID, "typ": TYP, "zip": "DEF"},
        {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": KID, "typ": TYP, "cty": "json"},
        {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "typ": TYP},
        {
            "alg": "ECDH-ES+A256KW",
            "enc": "A256GCM",
            "kid": KID,
            "typ": TYP,
            "epk": {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
        },
        {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": KID, "typ": TYP, "epk": "x"},
    ],
)
def test_a_jwe_header_outside_the_profile(
    kop: dict[str, Any],
    publiek: dict[str, Any],
    sleutels: dict[str, Any],
    ankers: Vertrouwensankers,
) -> None:
    """The header is checked before decryption: a forged header segment is refused as such."""
    echt = _verzegel_met(b"{}", publiek).inhoud.split(".")
    versleuteld = ".".join([_b64url(json.dumps(kop).encode()), *echt[1:]])
    envelop = _verzegel_met(b"{}", publiek).model_copy(update={"inhoud": versleuteld})
    with pytest.raises(MalformedEnvelope) as fout:
        ontzegel(envelop, sleutels, ankers, NU)
    assert fout.value.code == "envelop_ongeldig"


@pytest.mark.eis("WD-VSL-04")
@pytest.mark.parametrize(
    "inhoud", [b"geen json", b"{}", b'{"bericht":"e30","handtekening":"x..y","extra":1}']
)
def test_decrypted_content_that_is_no_inhoud(
    inhoud: bytes, publiek: dict[str, Any], sleutels: dict[str, Any], ankers: Vertrouwensankers
) -> None:
    with pytest.raises(MalformedEnvelope, match="not an Inhoud") as fout:
        ontzegel(_verzegel_met(inhoud, publiek), sleutels, ankers, NU)
    assert fout.value.violations


@pytest.mark.eis("WD-VSL-04", "WD-OND-07")
def test_a_signature_inside_that_does_not_cover_the_message(
    ondertekenaar: Certificaatsleutel,
    publiek: dict[str, Any],
    sleutels: dict[str, Any],
    ankers: Vertrouwensankers,
) -> None:
    """Inside the envelope the Digest is derived from the bytes, so a signature over other bytes
    does not verify (on the direct route, with a Digest header, it would be inhoud_gewijzigd)."""
    andere = onderteken(b"iets anders", ondertekenaar, NU)
    inhoud = Inhoud(bericht=_b64url(BERICHT), handtekening=andere.kop).to_json()
    with pytest.raises(SignatureDoesNotVerify):
        ontzegel(_verzegel_met(inhoud, publiek), sleutels, ankers, NU)


@pytest.mark.eis("WD-OND-10")
def test_a_message_signed_by_another_organisation(
    publiek: dict[str, Any], sleutels: dict[str, Any], ankers: Vertrouwensankers
) -> None:
    walcheren = laad_certificaatsleutel(
        PKI / "walcheren-ondertekening.sleutel.pem", PKI / "walcheren-ondertekening.keten.pem"
    )
    handtekening = onderteken(BERICHT, walcheren, NU)
    inhoud = Inhoud(bericht=_b64url(BERICHT), handtekening=handtekening.kop).to_json()
    with pytest.raises(SignerIsNotSender) as fout:
        ontzegel(_verzegel_met(inhoud, publiek), sleutels, ankers, NU)
    assert fout.value.code == "ondertekenaar_niet_afzender"


def test_an_invalid_message_inside_is_the_peers(
    ondertekenaar: Certificaatsleutel,
    publiek: dict[str, Any],
    sleutels: dict[str, Any],
    ankers: Vertrouwensankers,
) -> None:
    ongeldig = BERICHT.replace(b'"4381ED"', b'"4381 ED"')
    handtekening = onderteken(ongeldig, ondertekenaar, NU)
    inhoud = Inhoud(bericht=_b64url(ongeldig), handtekening=handtekening.kop).to_json()
    with pytest.raises(InvalidPeerMessage):
        ontzegel(_verzegel_met(inhoud, publiek), sleutels, ankers, NU)


@pytest.mark.parametrize(
    ("wijziging", "pointer"),
    [
        (lambda e: {**e, "afzender": "123"}, "/afzender"),
        (lambda e: {**e, "hulpvrager": "A.J. de Vries"}, "/hulpvrager"),
        (lambda e: {k: v for k, v in e.items() if k != "inhoud"}, "/inhoud"),
        (lambda e: {**e, "inhoud": "geen.jwe"}, "/inhoud"),
        (lambda e: {**e, "berichtId": None}, "/berichtId"),
    ],
)
def test_an_invalid_envelope_lists_its_violations(
    wijziging: Any, pointer: str, envelop: Envelop
) -> None:
    with pytest.raises(MalformedEnvelope) as fout:
        lees_envelop(json.dumps(wijziging(json.loads(envelop.to_json()))))
    assert pointer in {v.pointer for v in fout.value.violations}
    assert fout.value.code == "envelop_ongeldig"


def test_every_code_is_in_the_requirement_catalogue() -> None:
    catalogus = " ".join((SPEC / "eisen.yaml").read_text(encoding="utf-8").split())
    for code in CODES:
        assert f"({code})" in catalogus, code


# --- our own side: sealing errors are local ------------------------------------------------------


def test_sealing_errors_are_ours(
    ondertekenaar: Certificaatsleutel, publiek: dict[str, Any]
) -> None:
    walcheren = laad_certificaatsleutel(
        PKI / "walcheren-ondertekening.sleutel.pem", PKI / "walcheren-ondertekening.keten.pem"
    )
    bericht = json.loads(BERICHT)
    zonder_oin = {**bericht, "ontvanger": {"naam": "Gemeente Vlissingen", "gemeentecode": "0718"}}
    gevallen: list[Any] = [
        lambda: verzegel(json.dumps(zonder_oin).encode(), publiek, ondertekenaar, NU),
        lambda: verzegel(BERICHT, publiek, walcheren, NU),  # our certificate is not the afzender
        lambda: verzegel(BERICHT, {**publiek, "use": "sig"}, ondertekenaar, NU),
        lambda: verzegel(
            BERICHT, {k: v for k, v in publiek.items() if k != "kid"}, ondertekenaar, NU
        ),
        lambda: verzegel(BERICHT, {**publiek, "alg": "ECDH-ES"}, ondertekenaar, NU),
        lambda: verzegel(BERICHT, {**publiek, "d": "AAAA"}, ondertekenaar, NU),
        lambda: verzegel(
            BERICHT,
            {**ECKey.generate_key("P-384").as_dict(private=False), "kid": "p384"},
            ondertekenaar,
            NU,
        ),
        lambda: verzegel(b" " * 2_000_001, publiek, ondertekenaar, NU),
        lambda: kies_versleutelsleutel(None),
        lambda: laad_ontsleutelsleutels(PKI / "andere.sleutel.pem"),  # a PEM has no kid
    ]
    for geval in gevallen:
        with pytest.raises(SealingError) as fout:
            geval()
        assert fout.value.fault == "local"
    with pytest.raises(InvalidLocalMessage):
        verzegel(BERICHT.replace(b'"4381ED"', b'"4381 ED"'), publiek, ondertekenaar, NU)


def test_the_oin_of_a_party_on_the_route() -> None:
    from warm_referral.models.onderdelen import Partij

    assert partij_oin(Partij(naam="x", oin=WALCHEREN, kvk_nummer="34012345")) == WALCHEREN
    assert partij_oin(Partij(naam="x", kvk_nummer="34012345")) == DEURWAARDER
    assert partij_oin(Partij(naam="x", gemeentecode="0718")) is None
