"""The signed address book: verified on every load, a tampered edition refused, the edition's
rules enforced, and the look-ups senders and receivers need."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import ECKey, OctKey, RSAKey

from warm_referral.adresboek import (
    AddressBookExpired,
    Binding,
    InvalidAddressBook,
    InvalidKey,
    InvalidSignature,
    NoReceiver,
    NoUsableEndpoint,
    Ondertekensleutel,
    OutdatedEdition,
    Router,
    Sleutelbos,
    UnknownKey,
    laad_adresboek,
    laad_ondertekensleutel,
    laad_sleutelbos,
    lees_document,
    onderteken,
)
from warm_referral.adresboek.handtekening import TYP
from warm_referral.adresboek.model import Eindpunt
from warm_referral.adressen import AmbiguousAddress, UnknownHouseNumber, zoekadres
from warm_referral.adressen.voorbeeld import voorbeeldindex
from warm_referral.adressen.zoeker import Gemeentezoeker
from warm_referral.afsprakenstelsel import lees_deelnemersregister
from warm_referral.models import kies_spec_versie

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "spec" / "v1" / "adresboek"
VOORBEELD = (MAP / "voorbeeld-adresboek.json").read_bytes()
OP = date(2026, 3, 2)
WALCHEREN = "00000001001234567000"


@pytest.fixture(scope="module")
def sleutel() -> Ondertekensleutel:
    return laad_ondertekensleutel(MAP / "nvvk-testsleutel.prive.jwk.json")


@pytest.fixture(scope="module")
def vertrouwd() -> Sleutelbos:
    return laad_sleutelbos(MAP / "nvvk-testsleutels.jwks.json")


def document(**wijzigingen: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VOORBEELD)
    data.update(wijzigingen)
    return data


def bytes_van(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- the published example ----------------------------------------------------------------------


def test_the_published_example_verifies_and_is_the_json_beside_it(vertrouwd: Sleutelbos) -> None:
    gesigneerd = (MAP / "voorbeeld-adresboek.jws").read_bytes()
    boek = laad_adresboek(gesigneerd, vertrouwd, op=OP)
    assert boek.handtekening.payload == VOORBEELD
    assert boek.handtekening.kid == "nvvk-adresboek-test-2026"
    assert boek.editie == 7


def test_the_example_validates_against_the_published_schema() -> None:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads((MAP / "adresboek.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    fouten = list(
        Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(
            json.loads(VOORBEELD)
        )
    )
    assert fouten == []


@pytest.mark.parametrize(
    ("wijziging", "code"),
    [
        (lambda d: d.update(formaat="warm-referral-adresboek/2"), "waarde_niet_toegestaan"),
        (lambda d: d.update(onbekend=1), "onbekend_veld"),
        (lambda d: d["organisaties"][0].update(oin="123"), "patroon"),
        (
            lambda d: d["organisaties"][0]["eindpunten"][0].update(tlsCertificaten=[]),
            "certificaat_ontbreekt",
        ),
        (
            lambda d: d["organisaties"][0]["eindpunten"][0].update(specVersies=["1.0", "1.0"]),
            "dubbele_waarde",
        ),
        (lambda d: d["organisaties"][0]["sleutels"][0].update(d="c2VjcmV0"), "onbekend_veld"),
        (lambda d: d["gemeenten"][0].update(geldigVanaf=None), "datum_ongeldig"),
    ],
)
def test_schema_and_models_refuse_the_same_documents(wijziging: Any, code: str) -> None:
    """For rules JSON Schema can express, both refuse (the schema is generated from the models)."""
    from jsonschema import Draft202012Validator

    schema = json.loads((MAP / "adresboek.schema.json").read_text(encoding="utf-8"))
    data = document()
    wijziging(data)
    assert list(Draft202012Validator(schema).iter_errors(data)), "the schema accepts it"
    with pytest.raises(InvalidAddressBook) as exc:
        lees_document(bytes_van(data))
    assert code in [v.code for v in exc.value.violations]


# --- verified on every load -----------------------------------------------------------------------


@pytest.mark.eis("WD-ADR-03")
def test_a_tampered_payload_is_refused(sleutel: Ondertekensleutel, vertrouwd: Sleutelbos) -> None:
    kop, _, handtekening = onderteken(VOORBEELD, sleutel).split(".")
    vervalst = VOORBEELD.replace(
        b"https://ontvanger.schuldhulp-walcheren.example/v1", b"https://evil.example/v1"
    )
    assert vervalst != VOORBEELD
    with pytest.raises(InvalidSignature, match="does not verify"):
        laad_adresboek(f"{kop}.{b64(vervalst)}.{handtekening}", vertrouwd)


@pytest.mark.eis("WD-ADR-03")
def test_a_flipped_bit_anywhere_is_refused(
    sleutel: Ondertekensleutel, vertrouwd: Sleutelbos
) -> None:
    tekst = onderteken(VOORBEELD, sleutel)
    for positie in range(0, len(tekst), max(1, len(tekst) // 97)):
        teken = tekst[positie]
        if teken == ".":
            continue
        ander = "A" if teken != "A" else "B"
        with pytest.raises(InvalidSignature):
            laad_adresboek(tekst[:positie] + ander + tekst[positie + 1 :], vertrouwd)


@pytest.mark.eis("WD-ADR-03")
def test_an_unknown_key_is_refused(vertrouwd: Sleutelbos) -> None:
    ander = Ondertekensleutel(ECKey.generate_key("P-256", private=True), "nvvk-adresboek-test-2026")
    with pytest.raises(InvalidSignature):  # same kid, other key
        laad_adresboek(onderteken(VOORBEELD, ander), vertrouwd)
    vreemd = Ondertekensleutel(ECKey.generate_key("P-256", private=True), "iemand-anders")
    with pytest.raises(UnknownKey):
        laad_adresboek(onderteken(VOORBEELD, vreemd), vertrouwd)


def test_a_rotated_key_works_while_both_are_trusted(sleutel: Ondertekensleutel) -> None:
    nieuw = Ondertekensleutel(RSAKey.generate_key(2048, private=True), "nvvk-adresboek-2027")
    bos = Sleutelbos.uit_jwks({"keys": [sleutel.publiek(), nieuw.publiek()]})
    assert laad_adresboek(onderteken(VOORBEELD, nieuw), bos).handtekening.alg == "PS256"
    assert laad_adresboek(onderteken(VOORBEELD, sleutel), bos).handtekening.alg == "ES256"


@pytest.mark.eis("WD-ADR-03")
@pytest.mark.parametrize(
    ("kop", "melding"),
    [
        ({"alg": "ES256", "kid": "nvvk-adresboek-test-2026"}, "typ"),
        ({"alg": "ES256", "kid": "nvvk-adresboek-test-2026", "typ": "JWT"}, "typ"),
        ({"alg": "none", "kid": "nvvk-adresboek-test-2026", "typ": TYP}, "alg"),
        ({"alg": "HS256", "kid": "nvvk-adresboek-test-2026", "typ": TYP}, "alg"),
        (
            {
                "alg": "ES256",
                "kid": "nvvk-adresboek-test-2026",
                "typ": TYP,
                "b64": False,
                "crit": ["b64"],
            },
            "unexpected",
        ),
        (
            {
                "alg": "ES256",
                "kid": "nvvk-adresboek-test-2026",
                "typ": TYP,
                "jku": "https://x.example",
            },
            "unexpected",
        ),
    ],
)
def test_only_the_expected_header_is_accepted(
    sleutel: Ondertekensleutel, vertrouwd: Sleutelbos, kop: dict[str, Any], melding: str
) -> None:
    handtekening = onderteken(VOORBEELD, sleutel).split(".")[2]
    tekst = f"{b64(json.dumps(kop).encode())}.{b64(VOORBEELD)}.{handtekening}"
    with pytest.raises(InvalidSignature, match=melding):
        laad_adresboek(tekst, vertrouwd)


@pytest.mark.eis("WD-ADR-03")
def test_an_hmac_signature_with_the_public_key_as_secret_is_refused(vertrouwd: Sleutelbos) -> None:
    geheim = OctKey.import_key(json.dumps(vertrouwd["nvvk-adresboek-test-2026"].as_dict()).encode())
    kop = {"alg": "HS256", "kid": "nvvk-adresboek-test-2026", "typ": TYP}
    tekst = jws.serialize_compact(kop, VOORBEELD, geheim, algorithms=["HS256"])
    with pytest.raises(InvalidSignature, match="alg"):
        laad_adresboek(tekst, vertrouwd)


@pytest.mark.parametrize(
    "tekst", [b"", b"not a jws", b"a.b", b"a.b.c.d", "é.é.é".encode(), b"eyJ9.eyJ9.eyJ9"]
)
def test_garbage_is_a_typed_error(vertrouwd: Sleutelbos, tekst: bytes) -> None:
    with pytest.raises(InvalidSignature):
        laad_adresboek(tekst, vertrouwd)


def test_an_invalid_edition_with_a_good_signature_is_refused(
    sleutel: Ondertekensleutel, vertrouwd: Sleutelbos
) -> None:
    data = document()
    data["gemeenten"][0]["organisatie"] = "bestaat-niet"
    with pytest.raises(InvalidAddressBook) as exc:
        laad_adresboek(onderteken(bytes_van(data), sleutel), vertrouwd)
    assert [v.code for v in exc.value.violations] == ["organisatie_onbekend"]
    assert exc.value.violations[0].pointer == "/gemeenten/0/organisatie"


@pytest.mark.eis("WD-ADR-04")
def test_an_expired_or_early_edition_is_refused(
    sleutel: Ondertekensleutel, vertrouwd: Sleutelbos
) -> None:
    tekst = onderteken(VOORBEELD, sleutel)
    with pytest.raises(AddressBookExpired):
        laad_adresboek(tekst, vertrouwd, op=date(2028, 1, 1))
    with pytest.raises(AddressBookExpired):
        laad_adresboek(tekst, vertrouwd, op=date(2025, 12, 31))
    assert laad_adresboek(tekst, vertrouwd, op=date(2027, 12, 31)).editie == 7


@pytest.mark.eis("WD-ADR-05")
def test_an_older_edition_is_refused_once_a_newer_was_seen(
    sleutel: Ondertekensleutel, vertrouwd: Sleutelbos
) -> None:
    tekst = onderteken(VOORBEELD, sleutel)
    with pytest.raises(OutdatedEdition):
        laad_adresboek(tekst, vertrouwd, minimale_editie=8)
    assert laad_adresboek(tekst, vertrouwd, minimale_editie=7).editie == 7


# --- trust lists and key files ----------------------------------------------------------------------


def test_a_trust_list_holds_public_keys_with_ids_only(sleutel: Ondertekensleutel) -> None:
    prive = dict(sleutel.sleutel.as_dict(private=True), kid="x")
    with pytest.raises(InvalidKey, match="public keys only"):
        Sleutelbos.uit_jwks({"keys": [prive]})
    zonder_kid = dict(sleutel.sleutel.as_dict(private=False))
    zonder_kid.pop("kid", None)
    with pytest.raises(InvalidKey, match="kid"):
        Sleutelbos.uit_jwks({"keys": [zonder_kid]})
    with pytest.raises(InvalidKey, match="twice"):
        Sleutelbos.uit_jwks({"keys": [sleutel.publiek(), sleutel.publiek()]})
    with pytest.raises(InvalidKey, match="JWKS"):
        Sleutelbos.uit_jwks({"keys": []})
    p384 = dict(ECKey.generate_key("P-384", private=False).as_dict(), kid="p384")
    with pytest.raises(InvalidKey, match="P-256"):
        Sleutelbos.uit_jwks({"keys": [p384]})
    with pytest.warns(UserWarning, match="2048"):  # joserfc warns too
        klein = dict(RSAKey.generate_key(1024, private=False).as_dict(), kid="rsa1024")
    with pytest.raises(InvalidKey, match="2048"), pytest.warns(UserWarning, match="2048"):
        Sleutelbos.uit_jwks({"keys": [klein]})


def test_a_pem_key_needs_a_kid(tmp_path: Path, sleutel: Ondertekensleutel) -> None:
    pem = tmp_path / "nvvk.pem"
    pem.write_bytes(sleutel.sleutel.as_pem(private=True))
    with pytest.raises(InvalidKey, match="kid"):
        laad_ondertekensleutel(pem)
    assert laad_ondertekensleutel(pem, "nvvk-adresboek-test-2026").alg == "ES256"
    publiek = tmp_path / "publiek.pem"
    publiek.write_bytes(sleutel.sleutel.as_pem(private=False))
    with pytest.raises(InvalidKey, match="public key"):
        laad_ondertekensleutel(publiek, "x")


# --- the edition's rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wijziging", "code", "pointer"),
    [
        (
            lambda d: d["gemeenten"].append({**d["gemeenten"][0], "geldigVanaf": "2025-01-01"}),
            "periode_overlapt",
            "/gemeenten/7/geldigVanaf",
        ),
        (
            lambda d: d["organisaties"].append({**d["organisaties"][0]}),
            "dubbele_waarde",
            "/organisaties/4/id",
        ),
        (
            lambda d: d["organisaties"][0]["eindpunten"][0].update(
                url="http://ontvanger.example/v1"
            ),
            "url_onveilig",
            "/organisaties/0/eindpunten/0/url",
        ),
        (lambda d: d.update(geldigTot="2025-01-01"), "periode_omgekeerd", "/geldigTot"),
        (
            lambda d: d["gemeenten"][0].update(geldigTot="2020-01-01"),
            "periode_omgekeerd",
            "/gemeenten/0/geldigTot",
        ),
    ],
)
def test_the_editions_rules(wijziging: Any, code: str, pointer: str) -> None:
    data = document()
    wijziging(data)
    with pytest.raises(InvalidAddressBook) as exc:
        lees_document(bytes_van(data))
    assert (code, pointer) in [(v.code, v.pointer) for v in exc.value.violations]


def test_a_municipality_may_change_organisation_on_a_date(
    sleutel: Ondertekensleutel, vertrouwd: Sleutelbos
) -> None:
    data = document()
    data["gemeenten"][0]["geldigTot"] = "2026-06-30"
    data["gemeenten"].append(
        {**data["gemeenten"][0], "organisatie": "gemeente-goes", "geldigVanaf": "2026-07-01"}
    )
    del data["gemeenten"][-1]["geldigTot"]
    boek = laad_adresboek(onderteken(bytes_van(data), sleutel), vertrouwd)
    assert boek.zoek("0718", op=date(2026, 6, 30)).organisatie.id == "schuldhulp-walcheren"
    assert boek.zoek("0718", op=date(2026, 7, 1)).organisatie.id == "gemeente-goes"


def test_http_on_loopback_is_allowed_for_development() -> None:
    data = document()
    data["organisaties"][0]["eindpunten"][0].update(
        url="http://127.0.0.1:8080/v1", tlsCertificaten=[]
    )
    lees_document(bytes_van(data))


# --- look-ups -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def boek(sleutel: Ondertekensleutel, vertrouwd: Sleutelbos) -> Any:
    return laad_adresboek(onderteken(VOORBEELD, sleutel), vertrouwd, op=OP)


def test_two_municipalities_one_organisation(boek: Any) -> None:
    vlissingen, middelburg = boek.zoek("0718", op=OP), boek.zoek("0687", op=OP)
    assert vlissingen.organisatie is middelburg.organisatie
    assert vlissingen.organisatie.naam == "Schuldhulp Walcheren (voorbeeld)"
    assert boek.zoek("0664", op=OP).organisatie.id == "gemeente-goes"


def test_no_organisation_is_a_typed_error(boek: Any) -> None:
    with pytest.raises(NoReceiver) as exc:
        boek.zoek("0715", op=OP)  # Terneuzen: not in the example
    assert exc.value.fault == "local"
    with pytest.raises(NoReceiver):
        boek.zoek("0988", op=date(2024, 6, 30))  # Weert joined on 2024-07-01


def test_endpoints_follow_their_dates_and_bindings(boek: Any) -> None:
    nu = boek.zoek("1992", op=OP)
    assert [e.binding for e in nu.eindpunten] == [Binding.REST]
    assert nu.eindpunt().url.startswith("https://api.kredietbank-voorne-putten")
    with pytest.raises(NoUsableEndpoint):
        nu.eindpunt([Binding.KNOOPPUNT])
    later = boek.zoek("1992", op=date(2027, 7, 1))
    assert later.eindpunt([Binding.REST, Binding.KNOOPPUNT]).binding is Binding.KNOOPPUNT
    with pytest.raises(NoUsableEndpoint, match=r"specVersie 2\.0"):
        nu.eindpunt(spec_versie="2.0")


@pytest.mark.eis("WD-VERZ-08")
def test_an_endpoint_of_an_older_specversie_is_found_and_says_what_to_write(boek: Any) -> None:
    """specVersie 1.1 only adds: a 1.0 endpoint is still the route (by default any version the
    library speaks), and its specVersies tell the sender to write 1.0."""
    nu = boek.zoek("1992", op=OP)
    eindpunt = nu.eindpunt()
    assert list(eindpunt.spec_versies) == ["1.0"]
    assert kies_spec_versie(eindpunt.spec_versies) == "1.0"
    with pytest.raises(NoUsableEndpoint, match=r"specVersie 1\.1"):
        nu.eindpunt(spec_versie="1.1")
    assert nu.eindpunt(spec_versie=["1.0", "1.1"]) == eindpunt


def test_the_participants_register_takes_the_served_municipalities_from_the_book(
    boek: Any,
) -> None:
    """No second truth: a register organisation without gemeentecodes asks the signed book."""
    register = lees_deelnemersregister(
        json.dumps(
            {
                "formaat": "warm-referral-deelnemersregister/1",
                "uitgever": {"naam": "NVVK", "kvkNummer": "40123456"},
                "uitgegevenOp": "2026-01-01T00:00:00Z",
                "schuldeisers": [],
                "organisaties": [
                    {"id": "walcheren", "naam": "Schuldhulp Walcheren", "oin": WALCHEREN}
                ],
            }
        ).encode()
    )
    assert register.bediend_door(WALCHEREN, op=OP) == frozenset()
    assert register.met_bediening(boek).bediend_door(WALCHEREN, op=OP) == boek.bediend_door(
        WALCHEREN, op=OP
    )
    assert boek.bediend_door(WALCHEREN, op=OP) == {"0718", "0687", "0717"}


@pytest.mark.eis("WD-ADR-07")
def test_a_receiver_learns_which_municipalities_it_serves(boek: Any) -> None:
    assert boek.bediend_door("00000001001234567000", op=OP) == {"0718", "0687", "0717"}
    assert boek.bediend_door("00000001004567890000", op=date(2024, 1, 1)) == frozenset()
    assert boek.bediend_door("99999999999999999999", op=OP) == frozenset()
    assert boek.organisatie("00000001001234567000").id == "schuldhulp-walcheren"
    assert boek.organisatie("gemeente-weert").oin == "00000001004567890000"


@pytest.mark.eis("WD-ADR-01", "WD-ADR-06")
def test_routing_an_address_end_to_end(boek: Any) -> None:
    router = Router(Gemeentezoeker([voorbeeldindex(2025), voorbeeldindex(2022)]), boek)
    route = router.route(
        zoekadres("4356 XY", 8), op=OP
    )  # the postcode that spans two municipalities
    assert (route.gemeentecode, route.organisatie.id) == ("0687", "schuldhulp-walcheren")
    assert route.eindpunt.url == "https://ontvanger.schuldhulp-walcheren.example/v1"
    assert router.route(zoekadres("3235EF", 2), op=OP).organisatie.id == "kredietbank-voorne-putten"
    with pytest.raises(UnknownHouseNumber):
        router.route(zoekadres("4381AB", 2), op=OP)
    with pytest.raises(NoReceiver):
        router.route(zoekadres("4531AB", 1), op=OP)


def test_an_override_replaces_the_endpoint_not_the_organisation(boek: Any) -> None:
    lokaal = Eindpunt(binding=Binding.REST, url="http://127.0.0.1:8123/v1", spec_versies=["1.0"])
    router = Router(Gemeentezoeker([voorbeeldindex()]), boek, overschrijvingen={"0718": lokaal})
    route = router.route(zoekadres("4381AB", 1), op=OP)
    assert route.overschreven and route.eindpunt is lokaal
    assert route.organisatie.id == "schuldhulp-walcheren"


@pytest.mark.eis("WD-ADR-02")
def test_an_ambiguous_address_is_never_routed(boek: Any) -> None:
    from warm_referral.adressen import IndexBouwer

    bouwer = IndexBouwer("dubbel", date(2025, 1, 1))
    bouwer.voeg_toe("4356XY", 8, "0717")
    bouwer.voeg_toe("4356XY", 8, "0687")
    router = Router(Gemeentezoeker([bouwer.bouw()]), boek)
    with pytest.raises(AmbiguousAddress):
        router.route(zoekadres("4356XY", 8), op=OP)


def test_a_member_name_twice_is_refused(sleutel: Ondertekensleutel, vertrouwd: Sleutelbos) -> None:
    # Parsers disagree on which of two equal names wins: one signature, two possible editions.
    tekst = VOORBEELD.replace(b'"editie": 7,', b'"editie": 7, "editie": 9,')
    assert tekst != VOORBEELD
    with pytest.raises(InvalidAddressBook) as exc:
        laad_adresboek(onderteken(tekst, sleutel), vertrouwd)
    assert [(v.pointer, v.code) for v in exc.value.violations] == [("", "dubbele_naam")]
    assert "'editie'" in exc.value.violations[0].melding


@pytest.mark.eis("WD-ADR-04")
def test_the_router_refuses_an_edition_outside_its_period(boek: Any) -> None:
    router = Router(Gemeentezoeker([voorbeeldindex()]), boek)
    with pytest.raises(AddressBookExpired):
        router.route(zoekadres("4381AB", 1), op=date(2028, 1, 3))
