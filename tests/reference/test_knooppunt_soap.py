"""The knooppunt's SOAP 1.1 binding, driven by a real SOAP client (zeep) that reads the published
WSDL (spec/v1/knooppunt/knooppunt.wsdl): a knooppunt that speaks SOAP can adopt the profile, and
the reference speaks it (WD-KNP-09). zeep adds WS-Addressing itself, from the WSDL's wsam:Action."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from knooppunt_support import DEURWAARDER, TOKEN, WALCHEREN, verzegelde_verwijzing
from lxml import etree
from paths import SPEC
from starlette.applications import Starlette
from warm_referral_reference.knooppunt.server import build_knooppunt
from warm_referral_reference.receiver.config import Instellingen

from warm_referral.knooppunt import SCHULDENKNOOPPUNT, ontzegel

zeep = pytest.importorskip("zeep")
from zeep.exceptions import Fault  # noqa: E402
from zeep.plugins import HistoryPlugin  # noqa: E402
from zeep.proxy import AsyncServiceProxy  # noqa: E402
from zeep.transports import AsyncTransport  # noqa: E402

WSDL = SPEC / "knooppunt" / "knooppunt.wsdl"
BINDING = "{https://standaarden.nvvk.nl/warme-doorverwijzing/v1/knooppunt}PostbusSoap11"
WSA = "http://www.w3.org/2005/08/addressing"


@pytest.fixture
def app(tmp_path: Path) -> Starlette:
    app = build_knooppunt(Instellingen(), tmp_path / "knooppunt.sqlite3", SCHULDENKNOOPPUNT)
    return app


def _rest(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://knooppunt")


async def _dienst(app: Starlette, oin: str, geschiedenis: HistoryPlugin | None = None) -> Any:
    transport = AsyncTransport(
        client=httpx.AsyncClient(transport=httpx.ASGITransport(app=app)),
        wsdl_client=httpx.Client(),
    )
    # The transport resets its clients' headers; the credential goes on afterwards.
    transport.client.headers["Authorization"] = f"Bearer {TOKEN[oin]}"
    client = zeep.AsyncClient(
        str(WSDL), transport=transport, plugins=[geschiedenis] if geschiedenis else []
    )
    # AsyncClient.create_service would give the synchronous proxy (zeep 4.3).
    return AsyncServiceProxy(
        client, client.wsdl.bindings[BINDING], address="http://knooppunt/soap/v1"
    )


async def _klok(app: Starlette) -> None:
    async with _rest(app) as rest:
        antwoord = await rest.put(
            "/v1/testklok",
            json={"nu": "2027-01-05T09:00:30Z"},
            headers={"Authorization": f"Bearer {TOKEN[WALCHEREN]}"},
        )
        assert antwoord.status_code == 200


def _envelop_xml(envelop: Any) -> dict[str, Any]:
    return json.loads(envelop.to_json())  # zeep takes the element's fields as a dict


@pytest.mark.eis("WD-KNP-09", "WD-KNP-01", "WD-KNP-02", "WD-KNP-03", "WD-KNP-04")
def test_deliver_list_fetch_confirm_over_soap(app: Starlette) -> None:
    bericht, envelop = verzegelde_verwijzing()
    geschiedenis = HistoryPlugin()

    async def scenario() -> None:
        await _klok(app)
        deurwaarder = await _dienst(app, DEURWAARDER, geschiedenis)
        bewijs = await deurwaarder.Afleveren(Envelop=_envelop_xml(envelop))
        assert bewijs.berichtId == str(envelop.bericht_id)
        assert bewijs.ontvanger == WALCHEREN
        assert bewijs.eerderAfgeleverd is False
        assert bewijs.vervaltOp.isoformat() == "2027-01-12T23:00:00+00:00"

        # WS-Addressing: zeep sent Action and MessageID; the answer relates to it.
        verzoek = geschiedenis.last_sent["envelope"]
        antwoord = geschiedenis.last_received["envelope"]
        message_id = verzoek.find(f".//{{{WSA}}}MessageID").text
        assert antwoord.find(f".//{{{WSA}}}RelatesTo").text == message_id
        assert antwoord.find(f".//{{{WSA}}}Action").text.endswith("/AfleverenAntwoord")

        # The same envelope again: the same receipt, said to be a repeat.
        nogmaals = await deurwaarder.Afleveren(Envelop=_envelop_xml(envelop))
        assert (nogmaals.eerderAfgeleverd, nogmaals.afgeleverdOp) == (True, bewijs.afgeleverdOp)

        walcheren = await _dienst(app, WALCHEREN)
        regels = await walcheren.Opsommen()
        assert [r.berichtId for r in regels] == [str(envelop.bericht_id)]
        assert await deurwaarder.Opsommen() == []  # the sender's own mailbox is empty

        opgehaald = await walcheren.Ophalen(berichtId=str(envelop.bericht_id))
        # What came over SOAP opens as what was sealed: the same envelope, the same bytes.
        from knooppunt_support import NU, ankers, walcheren_sleutels

        from warm_referral.knooppunt import Envelop

        als_envelop = Envelop.model_validate(zeep.helpers.serialize_object(opgehaald, dict))
        assert als_envelop == envelop
        assert ontzegel(als_envelop, walcheren_sleutels(), ankers(), NU).bericht == bericht

        # The REST binding sees the same mailbox.
        async with _rest(app) as rest:
            lijst = await rest.get(
                "/v1/postbus", headers={"Authorization": f"Bearer {TOKEN[WALCHEREN]}"}
            )
            assert [r["berichtId"] for r in lijst.json()["enveloppen"]] == [bewijs.berichtId]

        bevestigd = await walcheren.Bevestigen(berichtId=str(envelop.bericht_id))
        assert bevestigd == str(envelop.bericht_id)
        assert await walcheren.Opsommen() == []

    asyncio.run(scenario())


@pytest.mark.eis("WD-KNP-09", "WD-KNP-01", "WD-KNP-03")
def test_refusals_are_soap_faults_with_the_rest_codes(app: Starlette) -> None:
    _, envelop = verzegelde_verwijzing()

    async def scenario() -> None:
        await _klok(app)
        bystander = await _dienst(app, "evides")
        with pytest.raises(Fault) as fout:
            await bystander.Afleveren(Envelop=_envelop_xml(envelop))
        assert _code(fout.value) == ("verkeerde-afzender", "403")

        walcheren = await _dienst(app, WALCHEREN)
        with pytest.raises(Fault) as fout:
            await walcheren.Ophalen(berichtId=str(envelop.bericht_id))
        assert _code(fout.value) == ("niet-gevonden", "404")
        assert fout.value.code == "soap:Client"

    asyncio.run(scenario())


def _code(fout: Any) -> tuple[str, str]:
    detail = fout.detail
    ns = "{https://standaarden.nvvk.nl/warme-doorverwijzing/v1/knooppunt}"
    knp = detail.find(f"{ns}Knooppuntfout")
    return knp.find(f"{ns}code").text, knp.find(f"{ns}status").text


def test_a_request_without_ws_addressing_or_with_a_dtd_is_refused(app: Starlette) -> None:
    soap = "http://schemas.xmlsoap.org/soap/envelope/"
    knp = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/knooppunt"
    zonder_wsa = (
        f'<s:Envelope xmlns:s="{soap}"><s:Body><k:OpsommenVerzoek xmlns:k="{knp}"/></s:Body>'
        "</s:Envelope>"
    ).encode()
    met_dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]>' + zonder_wsa

    async def scenario() -> list[tuple[int, str]]:
        uit = []
        async with _rest(app) as rest:
            for data in (zonder_wsa, met_dtd):
                antwoord = await rest.post(
                    "/soap/v1",
                    content=data,
                    headers={
                        "Content-Type": "text/xml; charset=utf-8",
                        "Authorization": f"Bearer {TOKEN[WALCHEREN]}",
                    },
                )
                code = etree.fromstring(antwoord.content).find(f".//{{{knp}}}code").text
                uit.append((antwoord.status_code, code))
        return uit

    assert asyncio.run(scenario()) == [(500, "soap-ongeldig"), (500, "soap-ongeldig")]
