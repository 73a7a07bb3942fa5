"""Message validity in both encodings: the spec's examples and generated messages.

Every valid example, re-dated to now and addressed from the kit's creditor to the receiver's
municipality, must be accepted with the right answer, as JSON and as XML. Every invalid example
must be refused with 400 and the violation codes its sidecar names. Generated messages
(Hypothesis, from warm_referral.testing) must be accepted; generated messages with one rule broken
must be refused with the codes the library gives.
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

from lxml import etree

from warm_referral import parse_json
from warm_referral.errors import MessageValidationError
from warm_referral.models import (
    Bericht,
    Incassostopwijziging,
    Ontvangstbevestiging,
    Partij,
    Richting,
    Statusbericht,
    Verwijzing,
)

from ..catalogus import Rol
from ..context import Controlecontext, voorbeeld, voorbeelden
from ..register import controle
from ._hulp import bericht_uit, json_of_niets, stuur_verwijzing

#: Which requirement a violation code of an invalid example belongs to.
CODE_EIS = {
    "bsn_checksum": "WD-GROND-04",
    "bsn_niet_toegestaan": "WD-GROND-03",
    "grondslag_niet_toegestaan": "WD-GROND-01",
    "toestemming_ontbreekt": "WD-GROND-02",
    "reikwijdte_onvoldoende": "WD-GROND-02",
    "crisis_ontbreekt": "WD-GROND-07",
    "onbekend_veld": "WD-BER-07",
    "null_niet_toegestaan": "WD-BER-07",
    "bedrag_formaat": "WD-BER-08",
    "bedrag_type": "WD-BER-08",
    "tijdzone_ontbreekt": "WD-BER-09",
    "berichttype_onbekend": "WD-BER-10",
    "waarde_niet_toegestaan": "WD-BER-01",
    "xml_attribuut": "WD-BER-06",
    "xml_namespace": "WD-BER-06",
    "xml_xsd": "WD-BER-06",
    "boolean_verwacht": "WD-BER-06",
}
_XML_ALLEEN = (
    "attribuut",
    "boolean-als-cijfer",
    "namespace-ontbreekt",
    "tijdstip-kleine-letters",
    "volgorde-onjuist",
)
_NS = "{urn:nl:nvvk:warme-doorverwijzing:1.0}"
_PARTIJ_VOLGORDE = ("naam", "oin", "kvkNummer", "vestigingsnummer", "gemeentecode")


def _eis_voor(naam: str, codes: list[str]) -> str:
    for code in codes:
        if code in CODE_EIS:
            return CODE_EIS[code]
    if naam.startswith(_XML_ALLEEN):
        return "WD-BER-06"
    if "specversie" in naam:
        return "WD-BER-10"
    return "WD-BER-01"


def _partij_json(partij: Partij) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(partij.model_dump_json(exclude_none=True))
    return data


def _herschrijf_json(ctx: Controlecontext, data: bytes) -> bytes:
    """An invalid JSON example addressed from the kit's creditor to the municipality: the parties
    change, the violation stays."""
    try:
        document = json.loads(data)
    except ValueError:
        return data
    if not isinstance(document, dict):
        return data
    naar_gemeente = document.get("berichttype") not in (
        "Ontvangstbevestiging",
        "Statusbericht",
        "NietOpgepakt",
        "Doorzending",
    )
    if naar_gemeente:
        if isinstance(document.get("afzender"), dict):
            document["afzender"] = _partij_json(ctx.doelwit.schuldeiser.partij)
        if isinstance(document.get("ontvanger"), dict) and "gemeentecode" in document["ontvanger"]:
            document["ontvanger"] = _partij_json(ctx.doelwit.gemeente)
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _herschrijf_xml(ctx: Controlecontext, data: bytes) -> bytes:
    """The same for an XML example, element by element (parsed without DTDs or entities)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        wortel = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return data
    if etree.QName(wortel).localname in (
        "Ontvangstbevestiging",
        "Statusbericht",
        "NietOpgepakt",
        "Doorzending",
    ):
        return data
    for naam, partij in (
        ("afzender", ctx.doelwit.schuldeiser.partij),
        ("ontvanger", ctx.doelwit.gemeente),
    ):
        element = next(
            (e for e in wortel if isinstance(e.tag, str) and etree.QName(e).localname == naam), None
        )
        if element is None:
            continue
        if naam == "ontvanger" and not any(
            isinstance(e.tag, str) and etree.QName(e).localname == "gemeentecode" for e in element
        ):
            continue
        ns = etree.QName(element).namespace
        for kind in list(element):
            element.remove(kind)
        waarden = _partij_json(partij)
        for veld in _PARTIJ_VOLGORDE:
            if veld in waarden:
                kind = etree.SubElement(element, f"{{{ns}}}{veld}" if ns else veld)
                kind.text = str(waarden[veld])
    return bytes(etree.tostring(wortel, xml_declaration=True, encoding="UTF-8"))


def _ongeldige_voorbeelden() -> list[tuple[str, bytes, list[dict[str, str]]]]:
    alle = voorbeelden()
    uit = []
    for naam, data in alle.items():
        if not naam.startswith("ongeldig/") or naam.endswith(".verwacht.json"):
            continue
        sidecar = naam[: -len(".json")] + ".verwacht.json" if naam.endswith(".json") else None
        if naam.endswith(".xml"):
            eigen = naam + ".verwacht.json"
            sidecar = eigen if eigen in alle else naam[: -len(".xml")] + ".verwacht.json"
        assert sidecar is not None and sidecar in alle, naam
        verwacht = json.loads(alle[sidecar])["fouten"]
        uit.append((naam, data, verwacht))
    return uit


@controle(
    "WD-BER-04",
    "WD-BER-05",
    "WD-BER-06",
    "WD-BER-07",
    "WD-BER-08",
    "WD-BER-09",
    "WD-BER-10",
    "WD-BER-01",
    "WD-GROND-01",
    "WD-GROND-02",
    "WD-GROND-03",
    "WD-GROND-04",
    "WD-GROND-07",
    rol=Rol.ONTVANGER,
    titel="Elk ongeldig voorbeeld wordt geweigerd met 400 en de verwachte codes",
)
def ongeldige_voorbeelden(ctx: Controlecontext) -> None:
    for naam, data, verwacht in _ongeldige_voorbeelden():
        xml = naam.endswith(".xml")
        inhoud = _herschrijf_xml(ctx, data) if xml else _herschrijf_json(ctx, data)
        antwoord = ctx.stuur(ctx.schuldeiser, inhoud, xml=xml)
        codes = [f["code"] for f in verwacht]
        eis = _eis_voor(naam.split("/", 1)[1], codes)
        if 200 <= antwoord.status_code < 300:
            ctx.afwijking(
                eis,
                f"{naam} is ongeldig ({', '.join(codes)}) maar werd aangenomen ({antwoord.status_code})",
                antwoord,
            )
            ctx.afwijking("WD-BER-04", f"{naam} werd aangenomen", antwoord)
            continue
        if antwoord.status_code != 400:
            ctx.afwijking("WD-BER-04", f"{naam} kreeg {antwoord.status_code}, niet 400", antwoord)
            continue
        probleem = json_of_niets(antwoord)
        fouten = probleem.get("fouten") if isinstance(probleem, dict) else None
        gevonden = {(f.get("pointer"), f.get("code")) for f in fouten or [] if isinstance(f, dict)}
        ontbreekt = [f for f in verwacht if (f["pointer"], f["code"]) not in gevonden]
        if ontbreekt:
            lijst = ", ".join(f"{f['pointer'] or '/'} {f['code']}" for f in ontbreekt)
            ctx.afwijking(eis, f"{naam}: de weigering noemt niet {lijst}", antwoord)
            ctx.afwijking(
                "WD-BER-05", f"{naam}: verwachte codes ontbreken in fouten: {lijst}", antwoord
            )


# --- valid examples ----------------------------------------------------------------------------------


def _verwijzingsvoorbeelden() -> list[str]:
    return [n for n in voorbeelden() if n.startswith("verwijzing-") and n.endswith(".json")]


def _vervolg(
    ctx: Controlecontext, naam: str, verwijzing: Verwijzing, bevestiging: Ontvangstbevestiging
) -> Bericht:
    bericht = parse_json(voorbeeld(naam))
    nieuw: Bericht = ctx.herdateer(
        bericht, conversatie_id=verwijzing.conversatie_id, verwijzing_id=verwijzing.verwijzing_id
    )
    if isinstance(nieuw, Incassostopwijziging):
        data = nieuw.model_dump(mode="python", by_alias=False, exclude_none=True)
        data["soort"] = "Verlengen"
        data["einddatum"] = bevestiging.incassostop.einddatum + timedelta(days=14)
        nieuw = Incassostopwijziging(**data)
    return nieuw


#: The answer each follow-up example must get.
_VERVOLG = {
    "statusverzoek.json": 200,
    "incassostopwijziging.json": 202,
    "betaalgedragmelding.json": 202,
    "intrekking.json": 202,  # last: it ends the referral
}


def _geldige_voorbeelden(ctx: Controlecontext, *, xml: bool) -> None:
    eis = "WD-BER-03" if xml else "WD-BER-02"
    gestuurd = 0
    overgeslagen: list[str] = []
    laatste: tuple[Verwijzing, Ontvangstbevestiging] | None = None
    for naam in _verwijzingsvoorbeelden():
        bericht = parse_json(voorbeeld(naam))
        assert isinstance(bericht, Verwijzing)
        if not ctx.doelwit.schuldeiser.mag(bericht.soort_verwijzer):
            overgeslagen.append(f"{naam} ({bericht.soort_verwijzer.value})")
            continue
        verwijzing: Verwijzing = ctx.herdateer(bericht)
        verzonden = stuur_verwijzing(ctx, verwijzing, xml=xml, eis=eis)
        gestuurd += 1
        if verzonden.bevestiging is not None:
            laatste = (verwijzing, verzonden.bevestiging)
            if xml:
                mediatype = verzonden.antwoord.headers.get("content-type", "").split(";")[0]
                ctx.controleer(
                    mediatype in ("application/xml", "text/xml"),
                    "WD-BER-12",
                    f"een XML-Verwijzing kreeg een antwoord als {mediatype!r}, niet als XML",
                    verzonden.antwoord,
                )
    if laatste is None:
        if gestuurd == 0:
            ctx.niet_uitgevoerd(
                "deze schuldeiser mag geen van de soorten van de voorbeelden sturen: "
                + ", ".join(overgeslagen)
            )
        return
    verwijzing, bevestiging = laatste
    for naam, status in _VERVOLG.items():
        vervolg = _vervolg(ctx, naam, verwijzing, bevestiging)
        antwoord = ctx.stuur(ctx.schuldeiser, vervolg, xml=xml)
        if antwoord.status_code != status:
            ctx.afwijking(
                eis,
                f"{naam} (geldig, over een aangenomen verwijzing) kreeg {antwoord.status_code}, niet {status}",
                antwoord,
            )
            continue
        if status == 200:
            mediatype = antwoord.headers.get("content-type", "").split(";")[0]
            if xml:
                ctx.controleer(
                    mediatype in ("application/xml", "text/xml"),
                    "WD-BER-12",
                    f"het antwoord op een XML-Statusverzoek is {mediatype!r}",
                    antwoord,
                )
            antwoordbericht = bericht_uit(
                ctx, antwoord, "WD-TERUG-06" if "WD-TERUG-06" in ctx.controle.eisen else eis
            )
            if (
                antwoordbericht is not None
                and antwoordbericht.richting is not Richting.NAAR_SCHULDEISER
            ):
                ctx.afwijking(
                    eis,
                    f"een Statusverzoek werd beantwoord met een {antwoordbericht.berichttype}",
                    antwoord,
                )


@controle(
    "WD-BER-01",
    "WD-BER-02",
    "WD-ONTV-01",
    rol=Rol.ONTVANGER,
    titel="Elk geldig voorbeeld wordt in JSON aangenomen, met het juiste antwoord",
)
def geldige_voorbeelden_json(ctx: Controlecontext) -> None:
    _geldige_voorbeelden(ctx, xml=False)


@controle(
    "WD-BER-03",
    "WD-BER-12",
    "WD-ONTV-01",
    rol=Rol.ONTVANGER,
    titel="Elk geldig voorbeeld wordt in XML aangenomen, met een antwoord in XML",
)
def geldige_voorbeelden_xml(ctx: Controlecontext) -> None:
    _geldige_voorbeelden(ctx, xml=True)


# --- generated messages ------------------------------------------------------------------------------


#: One broken rule per generated invalid message: (what to do to the JSON document, pointer).
def _breek(document: dict[str, Any], soort: int) -> dict[str, Any]:
    kapot = copy.deepcopy(document)
    if soort == 0:
        kapot["onbekendVeld"] = "x"
    elif soort == 1:
        del kapot["verwijzingId"]
    elif soort == 2:
        kapot["achterstand"]["bedrag"]["waarde"] = float(kapot["achterstand"]["bedrag"]["waarde"])
    elif soort == 3:
        kapot["hulpvrager"]["adres"]["postcode"] = "1234 ab"
    elif soort == 4:
        kapot["specVersie"] = "9.9"
    else:
        kapot["crisissignaal"] = None
    return kapot


@controle(
    "WD-BER-01",
    "WD-BER-02",
    "WD-BER-04",
    "WD-BER-05",
    rol=Rol.ONTVANGER,
    titel="Gegenereerde verwijzingen (Hypothesis): geldige aangenomen, kapotte geweigerd met de codes van de bibliotheek",
)
def gegenereerde_verwijzingen(ctx: Controlecontext) -> None:
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st

    from warm_referral.testing.strategies import verwijzingen

    wie = ctx.doelwit.schuldeiser
    soorten = sorted(wie.soorten or [], key=lambda s: s.value)
    strategie = st.sampled_from(soorten).flatmap(verwijzingen) if soorten else verwijzingen()
    # Only what the creditor is registered for: a ground outside it is refused by design (WD-DEEL).
    strategie = strategie.filter(lambda v: wie.mag(v.soort_verwijzer, v.grondslag))

    @seed(ctx.doelwit.seed)
    @settings(
        max_examples=ctx.doelwit.voorbeelden,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategie, st.integers(0, 5))
    def stuur(verwijzing: Verwijzing, soort: int) -> None:
        nieuw: Verwijzing = ctx.herdateer(verwijzing)
        antwoord = ctx.stuur(ctx.schuldeiser, nieuw)
        if antwoord.status_code != 201:
            ctx.afwijking(
                "WD-BER-02",
                f"een gegenereerde geldige Verwijzing ({nieuw.soort_verwijzer.value}, {nieuw.grondslag.value}) kreeg {antwoord.status_code}",
                antwoord,
            )
        kapot = _breek(json.loads(ctx.herdateer(verwijzing).to_json()), soort)
        data = json.dumps(kapot).encode()
        try:
            parse_json(data)
        except MessageValidationError as exc:
            verwacht = {(v.pointer, v.code) for v in exc.violations}
        else:  # pragma: no cover - every _breek breaks a rule
            raise AssertionError("the broken message is valid")
        antwoord = ctx.stuur(ctx.schuldeiser, data)
        if antwoord.status_code != 400:
            ctx.afwijking(
                "WD-BER-04",
                f"een gegenereerde Verwijzing met {sorted(verwacht)} kreeg {antwoord.status_code}, niet 400",
                antwoord,
            )
            return
        probleem = json_of_niets(antwoord)
        gevonden = {
            (f.get("pointer"), f.get("code"))
            for f in (probleem or {}).get("fouten", [])
            if isinstance(f, dict)
        }
        if not verwacht <= gevonden:
            ctx.afwijking(
                "WD-BER-05", f"de weigering noemt niet {sorted(verwacht - gevonden)}", antwoord
            )

    stuur()


@controle(
    "WD-BER-11",
    rol=Rol.ONTVANGER,
    titel="Een bericht dat alleen de gemeente stuurt, wordt geweigerd",
)
def verkeerde_richting(ctx: Controlecontext) -> None:
    for naam in ("ontvangstbevestiging.json", "statusbericht-bereikt.json"):
        bericht = parse_json(voorbeeld(naam))
        assert isinstance(bericht, (Ontvangstbevestiging, Statusbericht))
        nieuw = ctx.herdateer(bericht)
        antwoord = ctx.stuur(ctx.schuldeiser, nieuw)
        ctx.controleer(
            400 <= antwoord.status_code < 500,
            "WD-BER-11",
            f"een {bericht.berichttype} afgeleverd door een verwijzer kreeg {antwoord.status_code}, geen weigering",
            antwoord,
        )


@controle(
    "WD-BER-13",
    rol=Rol.ONTVANGER,
    titel="Een JSON-object met een dubbele naam wordt geweigerd (I-JSON)",
)
def dubbele_namen(ctx: Controlecontext) -> None:
    verwijzing = ctx.verwijzing()
    tekst = verwijzing.to_json().decode()
    waarde = "true" if verwijzing.crisissignaal else "false"
    kapot = tekst.replace(
        f'"crisissignaal":{waarde}', f'"crisissignaal":{waarde},"crisissignaal":{waarde}', 1
    )
    assert kapot != tekst
    antwoord = ctx.stuur(ctx.schuldeiser, kapot.encode())
    ctx.controleer(
        antwoord.status_code == 400,
        "WD-BER-13",
        f"een Verwijzing met crisissignaal twee keer kreeg {antwoord.status_code}, niet 400",
        antwoord,
    )
