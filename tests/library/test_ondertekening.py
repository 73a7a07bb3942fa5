"""Message signing: every test vector gives its expected outcome, any payload signs and verifies,
any change fails with the right code, and every failure is a typed error naming the side at
fault. The PKI is the published test PKI of spec/v1/ondertekening/pki."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import RSAKey
from paths import SPEC

from warm_referral.errors import TimeInputError
from warm_referral.ondertekening import (
    CODES,
    DIGEST_HEADER,
    HEADER,
    Certificaatsleutel,
    CertificateExpired,
    CertificateIsTlsCertificate,
    CertificateNotYetValid,
    DisallowedAlgorithm,
    Handtekening,
    InvalidSigningTime,
    MalformedSignature,
    MissingSignature,
    SignatureDoesNotVerify,
    SignatureError,
    SignerIsNotSender,
    SigningSetupError,
    TamperedPayload,
    UnsuitableCertificate,
    UntrustedChain,
    Vertrouwensankers,
    digest_waarde,
    laad_certificaatsleutel,
    laad_vertrouwensankers,
    onderteken,
    verifieer,
)
from warm_referral.ondertekening.jades import beschermde_kop, ondertekende_invoer
from warm_referral.testing.pki import (
    ca_certificaat,
    lees_sleutel,
    nieuwe_sleutel,
    ondertekencertificaat,
    pem,
    sleutel_pem,
)

PKI = SPEC / "ondertekening" / "pki"
VECTOREN = sorted((SPEC / "ondertekening" / "vectoren").glob("*.json"))
VECTOREN = [v for v in VECTOREN if not v.name.endswith(".bericht.json")]
NU = datetime(2027, 1, 5, 9, 0, 30, tzinfo=timezone.utc)
BERICHT = (SPEC / "examples" / "verwijzing-gerechtsdeurwaarder-toestemming.json").read_bytes()
OIN = "00000003340123450000"


@pytest.fixture(scope="module")
def sleutel() -> Certificaatsleutel:
    return laad_certificaatsleutel(
        PKI / "gerechtsdeurwaarder-ondertekening.sleutel.pem",
        PKI / "gerechtsdeurwaarder-ondertekening.keten.pem",
    )


@pytest.fixture(scope="module")
def ankers() -> Vertrouwensankers:
    return laad_vertrouwensankers(PKI / "stam-ca.pem")


def _certificaat(naam: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((PKI / f"{naam}.pem").read_bytes())


def _kop(waarde: str) -> dict[str, Any]:
    segment = waarde.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _met_kop(waarde: str, **wijzigingen: Any) -> str:
    """The header value with the protected header changed (the signature no longer fits it)."""
    kop = _kop(waarde)
    for naam, nieuw in wijzigingen.items():
        if nieuw is None:
            kop.pop(naam.replace("_", "#"), None)
        else:
            kop[naam.replace("_", "#")] = nieuw
    segment = _b64url(json.dumps(kop, separators=(",", ":")).encode())
    return segment + ".." + waarde.split("..")[1]


# --- the vectors ---------------------------------------------------------------------------------


@pytest.mark.eis("WD-OND-11", "WD-OND-06", "WD-OND-07", "WD-OND-08", "WD-OND-09", "WD-OND-05")
@pytest.mark.parametrize("pad", VECTOREN, ids=[v.stem for v in VECTOREN])
def test_every_vector_gives_its_expected_outcome(pad: Path) -> None:
    vector = json.loads(pad.read_text(encoding="utf-8"))
    body = (pad.parent / vector["bericht"]).read_bytes()
    assert hashlib.sha256(body).hexdigest() == vector["berichtSha256"], "not the exact bytes"
    ankers = laad_vertrouwensankers(*(pad.parent / a for a in vector["vertrouwensankers"]))
    tls = (
        (pad.parent / vector["tlsCertificaat"]).read_bytes() if "tlsCertificaat" in vector else None
    )
    moment = datetime.fromisoformat(vector["tijdstip"].replace("Z", "+00:00"))
    headers = vector["headers"]

    def controleer() -> Any:
        return verifieer(
            body, headers.get(HEADER), headers.get(DIGEST_HEADER), ankers, moment,
            tls_certificaat=tls,
        )  # fmt: skip

    verwacht = vector["verwacht"]
    if verwacht["geldig"]:
        ondertekenaar = controleer()
        assert ondertekenaar.oin == verwacht["oin"]
        assert ondertekenaar.certificaat_sha256 == verwacht["certificaatSha256"]
    else:
        with pytest.raises(SignatureError) as fout:
            controleer()
        assert fout.value.code == verwacht["code"]
        assert fout.value.fault == "remote"


def test_the_vectors_cover_every_case_the_profile_names() -> None:
    codes = {json.loads(v.read_text())["verwacht"].get("code") for v in VECTOREN}
    assert {
        None,  # a valid one
        "inhoud_gewijzigd",
        "handtekening_ongeldig",
        "algoritme_niet_toegestaan",
        "certificaat_verlopen",
        "keten_niet_vertrouwd",
        "certificaat_gelijk_aan_tls",
        "handtekening_ontbreekt",
    } <= codes


def test_every_code_is_in_the_requirement_catalogue() -> None:
    catalogus = (SPEC / "eisen.yaml").read_text(encoding="utf-8")
    for code in CODES:
        assert f"({code}" in catalogue_text(catalogus), code


def catalogue_text(tekst: str) -> str:
    return " ".join(tekst.split())


# --- the header, as documented -------------------------------------------------------------------


@pytest.mark.eis("WD-OND-01", "WD-OND-02", "WD-OND-03", "WD-OND-04")
def test_the_header_is_the_documented_detached_jades_signature(
    sleutel: Certificaatsleutel,
) -> None:
    moment = datetime(2027, 1, 5, 9, 0, 5, 123456, tzinfo=timezone.utc)
    handtekening = onderteken(BERICHT, sleutel, moment)
    assert handtekening.headers() == {HEADER: handtekening.kop, DIGEST_HEADER: handtekening.digest}
    assert handtekening.digest == "SHA-256=" + base64.b64encode(
        hashlib.sha256(BERICHT).digest()
    ).decode("ascii")
    _, leeg, _ = handtekening.kop.split(".")
    assert leeg == "", "the payload is detached"
    kop = _kop(handtekening.kop)
    leaf, tussen = sleutel.keten
    assert kop == {
        "alg": "PS256",
        "typ": "JOSE",
        "x5c": [
            base64.b64encode(c.public_bytes(encoding=_der())).decode("ascii")
            for c in (leaf, tussen)
        ],
        "x5t#S256": _b64url(hashlib.sha256(leaf.public_bytes(encoding=_der())).digest()),
        "b64": False,
        "sigT": "2027-01-05T09:00:05Z",
        "sigD": {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["digest"]},
        "crit": ["b64", "sigT", "sigD"],
    }
    assert list(kop) == ["alg", "typ", "x5c", "x5t#S256", "b64", "sigT", "sigD", "crit"]


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


@pytest.mark.eis("WD-OND-01", "WD-OND-03")
def test_an_independent_rsa_pss_check_accepts_the_signature(sleutel: Certificaatsleutel) -> None:
    """The signing input, checked with cryptography alone (no joserfc): the JAdES HttpHeaders
    payload over the Digest, unencoded (b64 false), PSS with SHA-256 and a 32-byte salt."""
    handtekening = onderteken(BERICHT, sleutel, NU)
    kop_segment, _, handtekening_segment = handtekening.kop.split(".")
    invoer = f"{kop_segment}.digest: {digest_waarde(BERICHT)}".encode("ascii")
    publiek = sleutel.certificaat.public_key()
    assert isinstance(publiek, RSAPublicKey)
    publiek.verify(
        base64.urlsafe_b64decode(handtekening_segment + "=" * (-len(handtekening_segment) % 4)),
        invoer,
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )


# --- properties ----------------------------------------------------------------------------------


@pytest.mark.eis("WD-OND-01")
@given(payload=st.binary(max_size=4096))
def test_any_payload_signs_and_verifies(
    payload: bytes, sleutel: Certificaatsleutel, ankers: Vertrouwensankers
) -> None:
    handtekening = onderteken(payload, sleutel, NU)
    ondertekenaar = verifieer(payload, handtekening.kop, handtekening.digest, ankers, NU)
    assert ondertekenaar.oin == OIN
    assert ondertekenaar.ondertekend_op == NU.replace(microsecond=0)


@pytest.mark.eis("WD-OND-07")
@given(data=st.data(), payload=st.binary(min_size=1, max_size=2048))
def test_any_single_byte_change_of_the_body_is_a_tampered_payload(
    data: st.DataObject, payload: bytes, sleutel: Certificaatsleutel, ankers: Vertrouwensankers
) -> None:
    handtekening = onderteken(payload, sleutel, NU)
    plek = data.draw(st.integers(0, len(payload) - 1), label="byte")
    nieuw = data.draw(st.integers(0, 255).filter(lambda b: b != payload[plek]), label="waarde")
    gewijzigd = payload[:plek] + bytes([nieuw]) + payload[plek + 1 :]
    with pytest.raises(TamperedPayload):
        verifieer(gewijzigd, handtekening.kop, handtekening.digest, ankers, NU)


_BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture(scope="module")
def getekend(sleutel: Certificaatsleutel) -> Handtekening:
    """One signature for every example: PS256 is randomised (its salt), so signing per example
    would change the header between runs and make Hypothesis's data generation inconsistent."""
    return onderteken(BERICHT, sleutel, NU)


@pytest.mark.eis("WD-OND-06", "WD-OND-07")
@given(data=st.data())
def test_any_single_character_change_of_the_signature_header_fails(
    data: st.DataObject, getekend: Handtekening, ankers: Vertrouwensankers
) -> None:
    handtekening = getekend
    waarde = handtekening.kop
    plek = data.draw(st.integers(0, len(waarde) - 1), label="plek")
    teken = data.draw(
        st.sampled_from(_BASE64URL + ".").filter(lambda t: t != waarde[plek]), label="teken"
    )
    gewijzigd = waarde[:plek] + teken + waarde[plek + 1 :]
    with pytest.raises(SignatureError) as fout:
        verifieer(BERICHT, gewijzigd, handtekening.digest, ankers, NU)
    assert fout.value.code in {
        "handtekening_onleesbaar",
        "handtekening_ongeldig",
        "algoritme_niet_toegestaan",
        "certificaat_ongeschikt",
    }


@pytest.mark.eis("WD-OND-07")
@given(data=st.data())
def test_any_change_of_the_digest_header_fails(
    data: st.DataObject, sleutel: Certificaatsleutel, ankers: Vertrouwensankers
) -> None:
    handtekening = onderteken(BERICHT, sleutel, NU)
    anders = data.draw(
        st.binary(min_size=32, max_size=32).filter(lambda b: b != hashlib.sha256(BERICHT).digest())
    )
    digest = "SHA-256=" + base64.b64encode(anders).decode("ascii")
    with pytest.raises(SignatureDoesNotVerify):
        verifieer(BERICHT, handtekening.kop, digest, ankers, NU)


# --- each failure, its type, its code and its side -----------------------------------------------


@pytest.fixture(scope="module")
def geldig(sleutel: Certificaatsleutel) -> tuple[str, str]:
    handtekening = onderteken(BERICHT, sleutel, NU - timedelta(seconds=25))
    return handtekening.kop, handtekening.digest


@pytest.mark.eis("WD-OND-06")
@pytest.mark.parametrize("waarde", [None, "", "  ", []])
def test_a_missing_signature(waarde: Any, ankers: Vertrouwensankers) -> None:
    with pytest.raises(MissingSignature) as fout:
        verifieer(BERICHT, waarde, digest_waarde(BERICHT), ankers, NU)
    assert (fout.value.code, fout.value.fault) == ("handtekening_ontbreekt", "remote")


@pytest.mark.eis("WD-OND-02", "WD-OND-06")
@pytest.mark.parametrize(
    ("wijziging", "melding"),
    [
        (lambda k: [k, k], "appears 2 times"),
        (lambda k: k.replace("..", "."), "compact JWS"),
        (lambda k: k.replace("..", ".ZGlnZXN0.", 1), "detached"),
        (lambda k: "bm9uc2Vucw.." + k.split("..")[1], "cannot be read"),
        (lambda k: "W10.." + k.split("..")[1], "not a JSON object"),
        (lambda k: k + "é", "compact JWS"),
        (lambda k: _met_kop(k, b64=True), "b64 must be false"),
        (lambda k: _met_kop(k, crit=["b64", "sigT"]), "crit must list"),
        (lambda k: _met_kop(k, crit=["b64", "sigT", "sigD", "sigD"]), "crit must list"),
        (lambda k: _met_kop(k, sigD={"mId": "urn:x", "pars": ["digest"]}), "sigD must be"),
        (lambda k: _met_kop(k, sigD={**_kop(k)["sigD"], "pars": ["digest", "host"]}), "sigD"),
        (lambda k: _met_kop(k, sigT="2027-01-05T09:00:05.5Z"), "sigT must be"),
        (lambda k: _met_kop(k, sigT="2027-02-30T09:00:05Z"), "sigT is not a valid time"),
        (lambda k: _met_kop(k, sigT=None), "lacks sigT"),
        (lambda k: _met_kop(k, x5c=None), "lacks x5c"),
        (lambda k: _met_kop(k, x5c=[]), "x5c must list"),
        (lambda k: _met_kop(k, x5c=["bm90IGEgY2VydA=="]), "x5c[0]"),
        (lambda k: _met_kop(k, x5c=[1]), "x5c[0]"),
        (lambda k: _met_kop(k, x5t_S256="AAAA"), "x5t#S256"),
        (lambda k: _met_kop(k, typ="JWT"), "typ"),
        (lambda k: _met_kop(k, kid=7), "kid"),
        (lambda k: _met_kop(k, jku="https://aanvaller.example/jwks"), "not allowed"),
    ],
)
def test_a_malformed_signature(
    wijziging: Any, melding: str, geldig: tuple[str, str], ankers: Vertrouwensankers
) -> None:
    kop, digest = geldig
    with pytest.raises(MalformedSignature) as fout:
        verifieer(BERICHT, wijziging(kop), digest, ankers, NU)
    assert fout.value.code == "handtekening_onleesbaar"
    assert fout.value.fault == "remote"
    assert melding in str(fout.value)


def test_a_duplicate_header_member_is_malformed(
    geldig: tuple[str, str], ankers: Vertrouwensankers
) -> None:
    kop, digest = geldig
    tekst = json.dumps(_kop(kop), separators=(",", ":"))
    dubbel = tekst[:-1] + ',"alg":"PS256"}'
    with pytest.raises(MalformedSignature, match="twice"):
        verifieer(BERICHT, _b64url(dubbel.encode()) + ".." + kop.split("..")[1], digest, ankers, NU)


def test_a_non_canonical_signature_encoding_is_malformed(
    geldig: tuple[str, str], ankers: Vertrouwensankers
) -> None:
    """The last character of a 256-byte signature carries 4 unused bits: a second spelling of the
    same bytes must not pass."""
    kop, digest = geldig
    laatste = kop[-1]
    andere = _BASE64URL[_BASE64URL.index(laatste) ^ 1]
    with pytest.raises(MalformedSignature, match="canonical"):
        verifieer(BERICHT, kop[:-1] + andere, digest, ankers, NU)


@pytest.mark.eis("WD-OND-06")
@pytest.mark.parametrize(
    "digest",
    [None, [], "MD5=HUXZLQLMuI/KZ5KDcJPcOA==", "SHA-256=abc", "sha-256=" + "A" * 44, "x"],
)
def test_a_missing_or_malformed_digest_header(
    digest: Any, geldig: tuple[str, str], ankers: Vertrouwensankers
) -> None:
    with pytest.raises(MalformedSignature, match="Digest"):
        verifieer(BERICHT, geldig[0], digest, ankers, NU)


def test_the_digest_algorithm_name_is_case_insensitive_and_ows_is_trimmed(
    geldig: tuple[str, str], ankers: Vertrouwensankers
) -> None:
    """RFC 3230 algorithm names are case-insensitive, but the signed line is the value as sent:
    a changed spelling no longer matches the signature."""
    kop, digest = geldig
    assert verifieer(BERICHT, f" {kop}\t", [f" {digest} "], ankers, NU).oin == OIN
    with pytest.raises(SignatureDoesNotVerify):
        verifieer(BERICHT, kop, digest.replace("SHA-256", "sha-256"), ankers, NU)


@pytest.mark.eis("WD-OND-03")
@pytest.mark.parametrize("alg", ["RS256", "ES256", "HS256", "none", "PS512"])
def test_another_algorithm_is_refused(
    alg: str, geldig: tuple[str, str], ankers: Vertrouwensankers
) -> None:
    with pytest.raises(DisallowedAlgorithm) as fout:
        verifieer(BERICHT, _met_kop(geldig[0], alg=alg), geldig[1], ankers, NU)
    assert fout.value.code == "algoritme_niet_toegestaan"


@pytest.mark.eis("WD-OND-07")
def test_a_signature_by_another_key_does_not_verify(ankers: Vertrouwensankers) -> None:
    from warm_referral.ondertekening.jades import _register

    keten = laad_certificaatsleutel(
        PKI / "gerechtsdeurwaarder-ondertekening.sleutel.pem",
        PKI / "gerechtsdeurwaarder-ondertekening.keten.pem",
    ).keten
    andere = RSAKey.import_key(lees_sleutel((PKI / "andere.sleutel.pem").read_bytes()))
    digest = digest_waarde(BERICHT)
    waarde = jws.serialize_compact(
        beschermde_kop(keten, NU), ondertekende_invoer(digest), andere, registry=_register()
    )
    with pytest.raises(SignatureDoesNotVerify) as fout:
        verifieer(BERICHT, waarde, digest, ankers, NU)
    assert (fout.value.code, fout.value.fault) == ("handtekening_ongeldig", "remote")


@pytest.mark.eis("WD-OND-08")
def test_validity_is_judged_at_the_moment_of_verification(
    geldig: tuple[str, str], ankers: Vertrouwensankers, sleutel: Certificaatsleutel
) -> None:
    kop, digest = geldig
    tot = sleutel.certificaat.not_valid_after_utc
    with pytest.raises(CertificateExpired) as verlopen:
        verifieer(BERICHT, kop, digest, ankers, tot + timedelta(seconds=1))
    assert verlopen.value.code == "certificaat_verlopen"
    with pytest.raises(CertificateNotYetValid) as te_vroeg:
        verifieer(
            BERICHT,
            kop,
            digest,
            ankers,
            sleutel.certificaat.not_valid_before_utc - timedelta(seconds=1),
        )
    assert te_vroeg.value.code == "certificaat_nog_niet_geldig"


@pytest.mark.eis("WD-OND-08")
def test_a_signing_time_in_the_future_is_refused(
    sleutel: Certificaatsleutel, ankers: Vertrouwensankers
) -> None:
    handtekening = onderteken(BERICHT, sleutel, NU + timedelta(minutes=6))
    with pytest.raises(InvalidSigningTime) as fout:
        verifieer(BERICHT, handtekening.kop, handtekening.digest, ankers, NU)
    assert fout.value.code == "ondertekentijd_ongeldig"
    binnen_marge = onderteken(BERICHT, sleutel, NU + timedelta(minutes=4))
    assert verifieer(BERICHT, binnen_marge.kop, binnen_marge.digest, ankers, NU).oin == OIN


@pytest.mark.eis("WD-OND-09")
def test_a_chain_to_an_untrusted_root_is_refused(geldig: tuple[str, str]) -> None:
    begin = datetime(2025, 1, 1, tzinfo=timezone.utc)
    vreemd = ca_certificaat(
        nieuwe_sleutel(), "Vreemde CA", vanaf=begin, tot=begin + timedelta(days=7300)
    )
    with pytest.raises(UntrustedChain) as fout:
        verifieer(BERICHT, geldig[0], geldig[1], Vertrouwensankers([vreemd]), NU)
    assert fout.value.code == "keten_niet_vertrouwd"


@pytest.mark.eis("WD-OND-05")
def test_a_tls_certificate_with_the_signing_key_is_refused(
    geldig: tuple[str, str], ankers: Vertrouwensankers, sleutel: Certificaatsleutel
) -> None:
    """Not the same certificate, but the same key: still the TLS key signing."""
    tussen_sleutel = lees_sleutel((PKI / "tussen-ca.sleutel.pem").read_bytes())
    ondertekensleutel = lees_sleutel(
        (PKI / "gerechtsdeurwaarder-ondertekening.sleutel.pem").read_bytes()
    )
    zelfde_sleutel = ondertekencertificaat(
        ondertekensleutel,
        "Gerechtsdeurwaarderskantoor Voorbeeld",
        oin=OIN,
        uitgever=(sleutel.keten[1], tussen_sleutel),
        vanaf=datetime(2026, 1, 1, tzinfo=timezone.utc),
        tot=datetime(2030, 1, 1, tzinfo=timezone.utc),
        naam="tls",
    )
    with pytest.raises(CertificateIsTlsCertificate, match="key"):
        verifieer(BERICHT, geldig[0], geldig[1], ankers, NU, tls_certificaat=zelfde_sleutel)
    anders = _certificaat("gerechtsdeurwaarder-tls")
    assert verifieer(BERICHT, geldig[0], geldig[1], ankers, NU, tls_certificaat=anders).oin == OIN


def _ec_certificaat_zonder_keyusage(sleutel: Certificaatsleutel) -> tuple[Any, x509.Certificate]:
    tussen_sleutel = lees_sleutel((PKI / "tussen-ca.sleutel.pem").read_bytes())
    ec_sleutel = ec.generate_private_key(ec.SECP256R1())
    tussen = sleutel.keten[1]
    certificaat = (
        x509.CertificateBuilder()
        .subject_name(x509.Name.from_rfc4514_string("CN=EC,O=Voorbeeld,C=NL"))
        .issuer_name(tussen.subject)
        .public_key(ec_sleutel.public_key())
        .serial_number(7)
        .not_valid_before(datetime(2026, 1, 1, tzinfo=timezone.utc))
        .not_valid_after(datetime(2030, 1, 1, tzinfo=timezone.utc))
        .sign(tussen_sleutel, hashes.SHA256())
    )
    return ec_sleutel, certificaat


@pytest.mark.eis("WD-OND-04")
def test_a_certificate_that_may_not_sign_is_refused(
    sleutel: Certificaatsleutel, ankers: Vertrouwensankers
) -> None:
    _, certificaat = _ec_certificaat_zonder_keyusage(sleutel)
    der = certificaat.public_bytes(_der())
    kop = _met_kop(
        onderteken(BERICHT, sleutel, NU).kop,
        x5c=[base64.b64encode(der).decode("ascii")],
        x5t_S256=None,
    )
    with pytest.raises(UnsuitableCertificate) as fout:
        verifieer(BERICHT, kop, digest_waarde(BERICHT), ankers, NU)
    assert fout.value.code == "certificaat_ongeschikt"


@pytest.mark.eis("WD-OND-10")
def test_the_signer_must_be_the_sender(geldig: tuple[str, str], ankers: Vertrouwensankers) -> None:
    ondertekenaar = verifieer(BERICHT, geldig[0], geldig[1], ankers, NU)
    ondertekenaar.bevestig_afzender(OIN)
    for ander in ("00000001001234567000", None):
        with pytest.raises(SignerIsNotSender) as fout:
            ondertekenaar.bevestig_afzender(ander)
        assert fout.value.code == "ondertekenaar_niet_afzender"


def test_the_signer_identity(geldig: tuple[str, str], ankers: Vertrouwensankers) -> None:
    ondertekenaar = verifieer(BERICHT, geldig[0], geldig[1], ankers, NU)
    certificaat = _certificaat("gerechtsdeurwaarder-ondertekening")
    assert ondertekenaar.oin == OIN
    assert ondertekenaar.organisatie == "Gerechtsdeurwaarderskantoor Voorbeeld"
    assert f"serialNumber={OIN}" in ondertekenaar.onderwerp
    assert ondertekenaar.uitgever.startswith("CN=Warm Referral Test Tussen-CA")
    assert ondertekenaar.serienummer == format(certificaat.serial_number, "x")
    assert ondertekenaar.geldig_tot == certificaat.not_valid_after_utc


# --- our own side: local errors ------------------------------------------------------------------


def test_our_own_configuration_errors_are_local(sleutel: Certificaatsleutel) -> None:
    andere = PKI / "andere.sleutel.pem"
    keten = PKI / "gerechtsdeurwaarder-ondertekening.keten.pem"
    gevallen: list[Any] = [
        lambda: laad_certificaatsleutel(andere, keten),  # not the certificate's key
        lambda: laad_certificaatsleutel(PKI / "bestaat-niet.pem", keten),
        lambda: laad_certificaatsleutel(andere, b"geen pem"),
        lambda: laad_certificaatsleutel(andere, PKI / "tussen-ca.pem"),  # a CA may not sign
        lambda: Vertrouwensankers([]),
        lambda: onderteken(BERICHT, sleutel, datetime(2040, 1, 1, tzinfo=timezone.utc)),
        lambda: verifieer(BERICHT, "x..y", None, Vertrouwensankers([sleutel.keten[1]]), NU,
                          tls_certificaat=b"geen certificaat"),
    ]  # fmt: skip
    for geval in gevallen:
        with pytest.raises(SigningSetupError) as fout:
            geval()
        assert fout.value.fault == "local"
    ec_sleutel, certificaat = _ec_certificaat_zonder_keyusage(sleutel)
    from cryptography.hazmat.primitives import serialization

    ec_pem = ec_sleutel.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(SigningSetupError, match="RSA"):
        laad_certificaatsleutel(ec_pem, pem(certificaat))


def test_a_naive_moment_is_a_local_error(
    sleutel: Certificaatsleutel, ankers: Vertrouwensankers
) -> None:
    with pytest.raises(TimeInputError):
        onderteken(BERICHT, sleutel, datetime(2027, 1, 5, 9))
    with pytest.raises(TimeInputError):
        verifieer(BERICHT, "x..y", "z", ankers, datetime(2027, 1, 5, 9))


def test_a_chain_and_key_made_in_memory_sign_as_the_files_do() -> None:
    """The test PKI module serves vendors' own tests: a fresh CA signs and verifies too."""
    begin = datetime(2026, 1, 1, tzinfo=timezone.utc)
    eind = begin + timedelta(days=3650)
    stam_sleutel, sleutel_ = nieuwe_sleutel(), nieuwe_sleutel()
    stam = ca_certificaat(stam_sleutel, "Eigen stam", vanaf=begin, tot=eind)
    certificaat = ondertekencertificaat(
        sleutel_, "Eigen BV", oin=None, uitgever=(stam, stam_sleutel), vanaf=begin, tot=eind
    )
    eigen = laad_certificaatsleutel(sleutel_pem(sleutel_), pem(certificaat))
    handtekening = onderteken(b"hallo", eigen, NU)
    ondertekenaar = verifieer(
        b"hallo", handtekening.kop, handtekening.digest, Vertrouwensankers([stam]), NU
    )
    assert ondertekenaar.oin is None
    assert ondertekenaar.organisatie == "Eigen BV"
