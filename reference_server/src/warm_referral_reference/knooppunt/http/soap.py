"""The knooppunt's SOAP 1.1 document/literal binding with WS-Addressing
(spec/v1/knooppunt/knooppunt.wsdl): the same four operations as REST, on ``POST /soap/v1``.

A request is parsed with the library's hardened XML parser (no DTDs, no entities, size and depth
limits), dispatched by its body element, and checked against its ``wsa:Action``; the answer carries
``wsa:Action``, a fresh ``wsa:MessageID`` and ``wsa:RelatesTo`` the request's. An envelope delivered
over SOAP is read into the same :class:`~warm_referral.knooppunt.Envelop` as over REST and stored in
its JSON form, so a delivery is recognised as a duplicate whichever binding brought it. Every
refusal is a ``soap:Fault`` (HTTP 500, as SOAP 1.1 over HTTP asks) whose detail carries the REST
binding's code and status.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from lxml import etree
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from warm_referral.errors import InvalidPeerMessage, Violation

from ...deelnemers import Deelnemer
from ...receiver.config import Instellingen
from ...receiver.errors import InvalidRequest, ReceiverError
from ...receiver.http import params
from ...receiver.http.auth import Authenticatie
from ...receiver.http.problems import status_van
from ..domein import Knooppunt

__all__ = ["ACTION_BASE", "KNP", "SOAP_ENV", "WSA", "soap_routes"]

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSA = "http://www.w3.org/2005/08/addressing"
KNP = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/knooppunt"
ACTION_BASE = KNP + "/"
_SOAP_TYPES = ("text/xml",)
_MAX = 4_100_000
_ENVELOP_VELDEN = (
    "berichttype",
    "specVersie",
    "berichtId",
    "conversatieId",
    "afzender",
    "ontvanger",
    "inhoud",
)
_REGEL_VELDEN = (*_ENVELOP_VELDEN[:6], "afgeleverdOp", "vervaltOp")


def _q(naam: str, ns: str = KNP) -> str:
    return f"{{{ns}}}{naam}"


class SoapRequestInvalid(InvalidRequest):
    """Not a SOAP 1.1 request of this binding."""

    code = "soap-ongeldig"


def _kinderen(element: etree._Element) -> dict[str, str]:
    """The element's children by local name (text), each once, all in the binding's namespace."""
    uit: dict[str, str] = {}
    for kind in element:
        if not isinstance(kind.tag, str):
            continue  # comments, processing instructions
        qn = etree.QName(kind)
        if qn.namespace != KNP or qn.localname in uit or len(kind):
            raise SoapRequestInvalid(
                f"unexpected element {kind.tag} in {element.tag}",
                [Violation(f"/{qn.localname}", "onverwacht", "not an element of this binding")],
            )
        uit[qn.localname] = kind.text or ""
    return uit


def _envelop_json(element: etree._Element) -> bytes:
    """The envelope's JSON (the same model reads it as over REST)."""
    return json.dumps(_kinderen(element), ensure_ascii=False).encode()


def _voeg_toe(ouder: etree._Element, velden: tuple[str, ...], waarden: dict[str, Any]) -> None:
    for veld in velden:
        etree.SubElement(ouder, _q(veld)).text = str(waarden[veld])


def _antwoord(
    actie: str, relates_to: str | None, body: etree._Element, status: int = 200
) -> Response:
    env = etree.Element(_q("Envelope", SOAP_ENV), nsmap={"soap": SOAP_ENV, "wsa": WSA, "knp": KNP})
    kop = etree.SubElement(env, _q("Header", SOAP_ENV))
    etree.SubElement(kop, _q("Action", WSA)).text = actie
    etree.SubElement(kop, _q("MessageID", WSA)).text = f"urn:uuid:{uuid.uuid4()}"
    if relates_to:
        etree.SubElement(kop, _q("RelatesTo", WSA)).text = relates_to
    etree.SubElement(kop, _q("To", WSA)).text = WSA + "/anonymous"
    etree.SubElement(env, _q("Body", SOAP_ENV)).append(body)
    return Response(
        etree.tostring(env, xml_declaration=True, encoding="UTF-8"),
        status_code=status,
        media_type="text/xml; charset=utf-8",
    )


def _fout(fout: ReceiverError, relates_to: str | None) -> Response:
    status = status_van(fout)
    fault = etree.Element(_q("Fault", SOAP_ENV))
    etree.SubElement(fault, "faultcode").text = "soap:Client" if status < 500 else "soap:Server"
    etree.SubElement(fault, "faultstring").text = fout.detail
    detail = etree.SubElement(fault, "detail")
    knp_fout = etree.SubElement(detail, _q("Knooppuntfout"))
    etree.SubElement(knp_fout, _q("code")).text = fout.code
    etree.SubElement(knp_fout, _q("status")).text = str(status)
    etree.SubElement(knp_fout, _q("detail")).text = fout.detail
    return _antwoord(WSA + "/fault", relates_to, fault, status=500)


Handler = Callable[[Deelnemer, dict[str, str], etree._Element], Awaitable[etree._Element]]


def soap_routes(instellingen: Instellingen, knooppunt: Knooppunt) -> list[Route]:
    deelnemer = Authenticatie(instellingen)

    async def afleveren(wie: Deelnemer, _: dict[str, str], body: etree._Element) -> etree._Element:
        elementen = [e for e in body if isinstance(e.tag, str)]
        if len(elementen) != 1 or elementen[0].tag != _q("Envelop"):
            raise SoapRequestInvalid("AfleverenVerzoek holds one knp:Envelop")
        element = elementen[0]
        nieuw, bewijs = await knooppunt.lever_af(wie, _envelop_json(element))
        uit = etree.Element(_q("Afleverbewijs"))
        _voeg_toe(uit, ("berichtId", "ontvanger", "afgeleverdOp", "vervaltOp"), _dump(bewijs))
        etree.SubElement(uit, _q("eerderAfgeleverd")).text = "false" if nieuw else "true"
        return uit

    async def opsommen(wie: Deelnemer, velden: dict[str, str], _: etree._Element) -> etree._Element:
        tekst = velden.get("limiet", "100")
        if not (tekst.isascii() and tekst.isdigit() and 1 <= int(tekst) <= 500):
            raise SoapRequestInvalid("limiet is a whole number from 1 to 500")
        postbus = await knooppunt.postbus(wie, int(tekst))
        uit = etree.Element(_q("Postbus"))
        for regel in _dump(postbus)["enveloppen"]:
            _voeg_toe(etree.SubElement(uit, _q("envelop")), _REGEL_VELDEN, regel)
        return uit

    async def ophalen(wie: Deelnemer, velden: dict[str, str], _: etree._Element) -> etree._Element:
        data = await knooppunt.haal_op(wie, _bericht_id(velden))
        uit = etree.Element(_q("OphalenAntwoord"))
        _voeg_toe(etree.SubElement(uit, _q("Envelop")), _ENVELOP_VELDEN, json.loads(data))
        return uit

    async def bevestigen(
        wie: Deelnemer, velden: dict[str, str], _: etree._Element
    ) -> etree._Element:
        bericht_id = _bericht_id(velden)
        await knooppunt.bevestig(wie, bericht_id)
        uit = etree.Element(_q("Bevestigd"))
        etree.SubElement(uit, _q("berichtId")).text = bericht_id
        return uit

    bewerkingen: dict[str, tuple[str, str, Handler]] = {
        _q("AfleverenVerzoek"): ("Afleveren", "AfleverenAntwoord", afleveren),
        _q("OpsommenVerzoek"): ("Opsommen", "OpsommenAntwoord", opsommen),
        _q("OphalenVerzoek"): ("Ophalen", "OphalenAntwoord", ophalen),
        _q("BevestigenVerzoek"): ("Bevestigen", "BevestigenAntwoord", bevestigen),
    }

    async def soap(request: Request) -> Response:
        message_id: str | None = None
        try:
            params.alleen_bekende_parameters(request)
            data, _ = await params.body(request, _SOAP_TYPES, _MAX)
            try:
                from warm_referral.codec.xml.hardened import parse_document

                env = parse_document(data)
            except InvalidPeerMessage as exc:
                raise SoapRequestInvalid(
                    "the request is not well-formed XML", exc.violations
                ) from None
            kop, body = _kop_en_body(env)
            message_id = kop.get("MessageID")
            wie = deelnemer(request)
            inhoud = [e for e in body if isinstance(e.tag, str)]
            if len(inhoud) != 1 or inhoud[0].tag not in bewerkingen:
                raise SoapRequestInvalid(
                    f"the Body holds one of {sorted(etree.QName(t).localname for t in bewerkingen)}"
                )
            naam, antwoordnaam, handler = bewerkingen[inhoud[0].tag]
            actie = kop.get("Action")
            if actie != ACTION_BASE + naam:
                raise SoapRequestInvalid(
                    f"wsa:Action must be {ACTION_BASE + naam} for {naam}, not {actie!r}"
                )
            if not message_id:
                raise SoapRequestInvalid("wsa:MessageID is required (WS-Addressing)")
            velden = {} if naam == "Afleveren" else _kinderen(inhoud[0])
            resultaat = await handler(wie, velden, inhoud[0])
            return _antwoord(ACTION_BASE + antwoordnaam, message_id, resultaat)
        except ReceiverError as fout:
            return _fout(fout, message_id)

    return [Route("/soap/v1", soap, methods=["POST"])]


def _dump(model: Any) -> dict[str, Any]:
    uit: dict[str, Any] = json.loads(model.model_dump_json(exclude_none=True))
    return uit


def _bericht_id(velden: dict[str, str]) -> str:
    waarde = velden.get("berichtId", "")
    try:
        if str(uuid.UUID(waarde)) == waarde:
            return waarde
    except ValueError:
        pass
    raise SoapRequestInvalid("berichtId is not a UUID in lower-case hyphenated form")


def _kop_en_body(env: etree._Element) -> tuple[dict[str, str], etree._Element]:
    if env.tag != _q("Envelope", SOAP_ENV):
        raise SoapRequestInvalid(f"the document is not a SOAP 1.1 Envelope but {env.tag}")
    kop: dict[str, str] = {}
    body = None
    for deel in env:
        if deel.tag == _q("Header", SOAP_ENV):
            for blok in deel:
                if isinstance(blok.tag, str) and etree.QName(blok).namespace == WSA:
                    kop[etree.QName(blok).localname] = (blok.text or "").strip()
        elif deel.tag == _q("Body", SOAP_ENV):
            body = deel
    if body is None:
        raise SoapRequestInvalid("the SOAP Envelope has no Body")
    return kop, body
