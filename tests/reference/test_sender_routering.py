"""The reference sender routes each referral by the customer's address through the address book
(issue 17): to the right receiver, or a typed error before anything is queued; the book is
verified on every load; an https endpoint's certificate is checked against the book."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from adresboek_support import schrijf_boek, vervals, voorbeeld
from warm_referral_reference.sender.bouwen import synthetische_verwijzing
from warm_referral_reference.sender.client import Retrybeleid
from warm_referral_reference.sender.errors import CertificateMismatch, MunicipalityMismatch
from warm_referral_reference.sender.netwerk import (
    Geplaatst,
    Netwerkverzender,
    controleer_certificaat,
)
from warm_referral_reference.sender.routering import (
    Adresboekbron,
    Verwijzingsrouter,
    ontvanger_voor,
)

from warm_referral.adresboek import InvalidSignature, NoReceiver
from warm_referral.adressen import Gemeentezoeker, UnknownPostcode
from warm_referral.adressen.voorbeeld import voorbeeldindex
from warm_referral.models import Adres, Partij, Verwijzing

WALCHEREN = "http://127.0.0.1:18001/v1"
GOES = "http://127.0.0.1:18002/v1"
OP = datetime(2026, 4, 1, 8, 25, tzinfo=timezone.utc)


def _boek() -> dict[str, Any]:
    document = voorbeeld()
    for org in document["organisaties"]:
        if org["id"] == "schuldhulp-walcheren":
            org["eindpunten"] = [{"binding": "rest", "url": WALCHEREN, "specVersies": ["1.0"]}]
        if org["id"] == "gemeente-goes":
            org["eindpunten"] = [{"binding": "rest", "url": GOES, "specVersies": ["1.0"]}]
    return document


@pytest.fixture
def boek(tmp_path: Path) -> Path:
    return schrijf_boek(tmp_path, _boek())


def _router(boek: Path, **opties: Any) -> Verwijzingsrouter:
    bron = Adresboekbron(boek, boek.parent / "nvvk.jwks.json")
    return Verwijzingsrouter(bron, Gemeentezoeker([voorbeeldindex(2025)]), **opties)


def _verwijzing(
    nummer: int, postcode: str, huisnummer: int, ontvanger: Partij | None = None
) -> Verwijzing:
    basis = synthetische_verwijzing(nummer, verwezen_op=OP)
    adres = Adres(straatnaam="Dorpsstraat", huisnummer=huisnummer, postcode=postcode,
                  woonplaats="Zeeland")  # fmt: skip
    hulpvrager = basis.hulpvrager.model_copy(update={"adres": adres})
    verwijzing = basis.model_copy(update={"hulpvrager": hulpvrager})
    if ontvanger is not None:
        verwijzing = verwijzing.model_copy(update={"ontvanger": ontvanger})
    return verwijzing


def _geadresseerd(
    router: Verwijzingsrouter, nummer: int, postcode: str, huisnummer: int
) -> Verwijzing:
    """As a creditor does: the address first, then the referral addressed to its municipality."""
    kaal = _verwijzing(nummer, postcode, huisnummer)
    return _verwijzing(nummer, postcode, huisnummer, ontvanger_voor(router.route_adres(kaal)))


class _Ontvangers:
    """Every receiver in one MockTransport: which URL got which berichtIds."""

    def __init__(self) -> None:
        self.ontvangen: dict[str, list[str]] = {}

    def __call__(self, verzoek: httpx.Request) -> httpx.Response:
        basis = str(verzoek.url).rsplit("/berichten", 1)[0]
        body = verzoek.content.decode()
        bericht_id = body.split('"berichtId":"', 1)[1].split('"', 1)[0]
        self.ontvangen.setdefault(basis, []).append(bericht_id)
        return httpx.Response(202)


def _netwerk(router: Verwijzingsrouter, map_: Path, ontvangers: _Ontvangers) -> Netwerkverzender:
    return Netwerkverzender(
        router,
        map_,
        token="dev-evides",
        beleid=Retrybeleid(basis=0.01, plafond=0.05),
        client_opties={"transport": httpx.MockTransport(ontvangers)},
    )


@pytest.mark.eis("WD-ADR-06")
def test_each_referral_reaches_the_organisation_of_its_address(boek: Path, tmp_path: Path) -> None:
    router = _router(boek)
    ontvangers = _Ontvangers()
    vlissingen = _geadresseerd(router, 1, "4381AB", 1)
    middelburg = _geadresseerd(router, 2, "4331AA", 1)
    goes = _geadresseerd(router, 3, "4461AA", 1)
    assert vlissingen.ontvanger.gemeentecode == "0718"
    assert vlissingen.ontvanger.oin == middelburg.ontvanger.oin == "00000001001234567000"

    async def draai() -> list[Geplaatst]:
        async with _netwerk(router, tmp_path / "uit", ontvangers) as netwerk:
            geplaatst = [await netwerk.enqueue(v) for v in (vlissingen, middelburg, goes)]
            rapporten = await netwerk.verzend_alles(opgeven_na=5)
            assert sum(r.bevestigd for r in rapporten.values()) == 3
            return [g for g in geplaatst if isinstance(g, Geplaatst)]

    geplaatst = asyncio.run(draai())
    assert [g.route.organisatie.id for g in geplaatst] == [
        "schuldhulp-walcheren", "schuldhulp-walcheren", "gemeente-goes"]  # fmt: skip
    assert ontvangers.ontvangen == {
        WALCHEREN: [str(vlissingen.bericht_id), str(middelburg.bericht_id)],
        GOES: [str(goes.bericht_id)],
    }


@pytest.mark.eis("WD-ADR-01")
@pytest.mark.parametrize(
    ("postcode", "fout"), [("9999ZZ", UnknownPostcode), ("4531AB", NoReceiver)]
)
def test_an_unknown_address_or_a_municipality_without_organisation_is_refused_before_queueing(
    boek: Path, tmp_path: Path, postcode: str, fout: type[Exception]
) -> None:
    router = _router(boek)
    ontvangers = _Ontvangers()
    verwijzing = _verwijzing(9, postcode, 1)

    async def draai() -> None:
        async with _netwerk(router, tmp_path / "uit", ontvangers) as netwerk:
            with pytest.raises(fout):
                await netwerk.enqueue(verwijzing)
            assert netwerk.verzenders == {}  # no outbox was even opened
            assert await netwerk.verzend_alles() == {}

    asyncio.run(draai())
    assert ontvangers.ontvangen == {}
    assert not list((tmp_path / "uit").glob("*.sqlite3"))


def test_a_referral_addressed_to_another_municipality_is_refused(boek: Path) -> None:
    router = _router(boek)
    middelburg = _geadresseerd(router, 1, "4331AA", 1)
    verkeerd = _verwijzing(1, "4381AB", 1, middelburg.ontvanger)
    with pytest.raises(MunicipalityMismatch, match="lies in 0718"):
        router.route(verkeerd)


def test_a_configured_override_replaces_the_endpoint_not_the_organisation(boek: Path) -> None:
    router = _router(boek, overschrijvingen={"0718": "http://127.0.0.1:19999/v1"})
    route = router.route(_geadresseerd(router, 1, "4381AB", 1))
    assert route.overschreven and route.eindpunt.url == "http://127.0.0.1:19999/v1"
    assert route.organisatie.id == "schuldhulp-walcheren"
    assert router.route(_geadresseerd(router, 2, "4461AA", 1)).eindpunt.url == GOES


@pytest.mark.eis("WD-ADR-03")
def test_the_book_is_verified_on_every_load_and_a_tampered_edition_refused(
    boek: Path, tmp_path: Path
) -> None:
    router = _router(boek)
    verwijzing = _geadresseerd(router, 1, "4381AB", 1)
    assert router.route(verwijzing).gemeentecode == "0718"
    boek.write_text(vervals(boek.read_text()), encoding="ascii")  # a new "edition" arrives
    ontvangers = _Ontvangers()

    async def draai() -> None:
        async with _netwerk(router, tmp_path / "uit", ontvangers) as netwerk:
            with pytest.raises(InvalidSignature):
                await netwerk.enqueue(verwijzing)
            assert netwerk.verzenders == {}

    asyncio.run(draai())
    assert ontvangers.ontvangen == {}


@pytest.mark.eis("WD-ADR-05")
def test_an_older_edition_than_one_seen_is_refused(boek: Path) -> None:
    router = _router(boek)
    verwijzing = _geadresseerd(router, 1, "4381AB", 1)
    ouder = _boek()
    ouder["editie"] = 6
    schrijf_boek(boek.parent, ouder)
    with pytest.raises(Exception, match="older than edition 7"):
        router.route(verwijzing)


# --- WD-ADR-06: the endpoint's certificate against the book's fingerprints ----------------------


@pytest.fixture
def tls_server() -> Iterator[tuple[str, str, ssl.SSLContext]]:
    """A TLS server on a free port; its URL, its certificate's SHA-256, a client context."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    pem = cert.cert_chain_pems[0].bytes()
    vingerafdruk = hashlib.sha256(x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER))
    lus = asyncio.new_event_loop()

    async def behandel(lezer: asyncio.StreamReader, schrijver: asyncio.StreamWriter) -> None:
        schrijver.close()

    server = lus.run_until_complete(asyncio.start_server(behandel, "127.0.0.1", 0, ssl=server_ctx))
    poort = server.sockets[0].getsockname()[1]
    import threading

    draad = threading.Thread(target=lus.run_forever, daemon=True)
    draad.start()
    try:
        yield f"https://127.0.0.1:{poort}/v1", vingerafdruk.hexdigest(), client_ctx
    finally:
        lus.call_soon_threadsafe(lus.stop)
        draad.join(5)


@pytest.mark.eis("WD-ADR-06")
def test_the_certificate_is_checked_against_the_books_fingerprints(
    tls_server: tuple[str, str, ssl.SSLContext],
) -> None:
    url, vingerafdruk, context = tls_server
    gezien = asyncio.run(controleer_certificaat(url, [vingerafdruk, "ab" * 32], context=context))
    assert gezien == vingerafdruk
    with pytest.raises(CertificateMismatch, match="which the address book does not list"):
        asyncio.run(controleer_certificaat(url, ["ab" * 32], context=context))
