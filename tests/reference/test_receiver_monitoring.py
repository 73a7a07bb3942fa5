"""GET /v1/monitoring in the reference receiver (issue 15, item 6): the figures of the caller's
own municipalities for an operator, every municipality's aggregates for NVVK (which sees no
referral at all), a creditor refused, and suppression below the threshold always.

Every exchange is checked against the OpenAPI document (receiver_support.Api). The histories the
figures come from are written with each change of a referral, in its transaction; the property
test at the end checks the publishing step on many synthetic histories.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from receiver_support import (
    EVIDES,
    EVIDES_KLOK,
    EVIDES_VERWIJZING,
    OPERATOR,
    WOONGOED,
    Api,
    db_rows,
    example,
    fresh,
    running_receiver,
)
from warm_referral_reference.deelnemers import (
    DEV_NVVK,
    DEV_REGISTER,
    DEV_TOKENS,
    Deelnemer,
    Rol,
    deelnemers_uit_register,
)
from warm_referral_reference.receiver.config import (
    MINIMUM_MONITORINGDREMPEL,
    Instellingen,
    Modus,
)
from warm_referral_reference.receiver.domain.monitoring import (
    Dimensie,
    Monitoringvraag,
    Periodesoort,
    monitoringcijfers,
    organisaties,
)
from warm_referral_reference.receiver.domain.toegang import BELEID, Bereik, Operatie
from warm_referral_reference.receiver.errors import ConfigError
from warm_referral_reference.receiver.http.openapi import openapi_document
from warm_referral_reference.receiver.storage import Historieregel

from warm_referral.afsprakenstelsel import Deelnemersregister, lees_deelnemersregister
from warm_referral.monitoring import (
    STANDAARD_DREMPEL,
    Verwijzingshistorie,
    bereken,
)
from warm_referral.monitoring.synthetisch import synthetische_historien

NVVK = "dev-nvvk"
VEERE = "dev-veere"  # an operator of another organisation, for 0717 only (see _instellingen)


def _register_met_veere() -> Deelnemersregister:
    """The development register, with Veere (0717) served by another organisation, Schuldhulp
    Veere, and in every creditor's agreement."""
    data = json.loads((files("warm_referral_reference") / "data" / DEV_REGISTER).read_bytes())
    for schuldeiser in data["schuldeisers"]:
        for afspraak in schuldeiser["afspraken"]:
            if "0717" not in afspraak["gemeentecodes"]:
                afspraak["gemeentecodes"].append("0717")
    data["organisaties"].append(
        {
            "id": "veere",
            "naam": "Schuldhulp Veere",
            "oin": "00000001001234568000",
            "gemeentecodes": ["0717"],
        }
    )
    return lees_deelnemersregister(json.dumps(data).encode())


_REGISTER = _register_met_veere()
_DEELNEMERS = (
    *deelnemers_uit_register(_REGISTER, {**DEV_TOKENS, VEERE: "veere"}),
    DEV_NVVK,
)


def _instellingen(**changes: Any) -> Instellingen:
    return Instellingen(register=_REGISTER, deelnemers=_DEELNEMERS, **changes)


@pytest.fixture
def api(receiver_db: Path | str) -> Iterator[Api]:
    """A receiver on each backend (PostgreSQL in the slow set: ``tests/reference/conftest.py``)."""
    with running_receiver(receiver_db, _instellingen()) as client:
        client.zet_klok(EVIDES_KLOK)
        yield client


def _verwijs(api: Api, aantal: int, gemeentecode: str = "0718", token: str = EVIDES) -> list[str]:
    """``aantal`` fresh referrals to ``gemeentecode``; their conversatieIds."""
    basis = example(EVIDES_VERWIJZING if token == EVIDES else "verwijzing-huur-bgs-crisis")
    convs = []
    for _ in range(aantal):
        bericht = fresh(basis)
        bericht["ontvanger"] = {**bericht["ontvanger"], "gemeentecode": gemeentecode}
        api.stuur(token, bericht)
        convs.append(bericht["conversatieId"])
    return convs


def _monitoring(api: Api, token: str, status: int = 200, **params: str) -> Any:
    response = api.get("/v1/monitoring", token, params=params)
    assert response.status_code == status, response.text
    return response.json()


def _cijfer(data: dict[str, Any], indicator: str, groep: str | None = None) -> dict[str, Any]:
    gevonden = [
        c for c in data["cijfers"] if c["indicator"] == indicator and c.get("groep") == groep
    ]
    assert len(gevonden) == 1, (indicator, groep, gevonden)
    return gevonden[0]


# --- an operator: its own municipalities ----------------------------------------------------------


@pytest.mark.eis("WD-MON-03")
def test_an_operator_sees_the_figures_of_its_own_municipalities_only(api: Api) -> None:
    _verwijs(api, 6, "0718")
    _verwijs(api, 5, "0717")
    walcheren = _monitoring(api, OPERATOR, periodesoort="maand", dimensie="gemeente")
    assert walcheren["gemeentecodes"] == ["0687", "0718"]
    assert {c.get("groep") for c in walcheren["cijfers"]} == {"0718"}
    assert _cijfer(walcheren, "verwijzingen", "0718")["teller"] == 6
    veere = _monitoring(api, VEERE, dimensie="gemeente")
    assert veere["gemeentecodes"] == ["0717"]
    assert _cijfer(veere, "verwijzingen", "0717") == {
        "indicator": "verwijzingen",
        "periode": "2026-K2",
        "groep": "0717",
        "teller": 5,
        "onderdrukt": False,
    }
    totaal = _monitoring(api, VEERE, periodesoort="jaar")
    assert _cijfer(totaal, "verwijzingen")["teller"] == 5
    assert totaal["periodesoort"] == "jaar" and totaal["dimensie"] == "totaal"


def test_the_serving_organisation_comes_from_the_configured_operators(api: Api) -> None:
    _verwijs(api, 5, "0718")
    _verwijs(api, 5, "0717")
    data = _monitoring(api, NVVK, dimensie="organisatie")
    per_organisatie = {
        c.get("groep"): c["teller"] for c in data["cijfers"] if c["indicator"] == "verwijzingen"
    }
    assert per_organisatie == {"Schuldhulp Walcheren": 5, "Schuldhulp Veere": 5}
    # Two differently named operators for one municipality: no organisation is guessed.
    dubbel = Deelnemer(
        "Ander", Rol.OPERATOR, oin="00000001001234569000", gemeentecodes=frozenset({"0717"})
    )
    assert organisaties(_instellingen()) == {
        "0718": "Schuldhulp Walcheren",
        "0687": "Schuldhulp Walcheren",
        "0717": "Schuldhulp Veere",
    }
    assert "0717" not in organisaties(
        Instellingen(register=_REGISTER, deelnemers=(*_DEELNEMERS, dubbel))
    )


# --- NVVK: aggregates of every municipality, and no referral -------------------------------------


@pytest.mark.eis("WD-MON-04")
def test_nvvk_sees_the_aggregates_of_every_municipality(api: Api) -> None:
    _verwijs(api, 6, "0718")
    _verwijs(api, 5, "0717")
    data = _monitoring(api, NVVK, dimensie="gemeente")
    assert "gemeentecodes" not in data  # every municipality
    per_gemeente = {
        c.get("groep"): c["teller"] for c in data["cijfers"] if c["indicator"] == "verwijzingen"
    }
    assert per_gemeente == {"0718": 6, "0717": 5}
    assert _cijfer(_monitoring(api, NVVK), "verwijzingen")["teller"] == 11


def _operaties() -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document, as (method, path with a conversatieId)."""
    return [
        (
            methode.upper(),
            "/v1" + pad.replace("{conversatieId}", "3f8e2c1a-7b4d-4e6f-9a2b-1c3d5e7f9a0b"),
        )
        for pad, operaties in openapi_document()["paths"].items()
        for methode in operaties
        if pad not in ("/openapi.json", "/monitoring")
    ]


@pytest.mark.eis("WD-MON-04")
@pytest.mark.parametrize(("methode", "pad"), _operaties())
def test_nvvk_is_refused_every_operation_on_referrals_messages_and_the_clock(
    api: Api, methode: str, pad: str
) -> None:
    convs = _verwijs(api, 1)
    pad = pad.replace("3f8e2c1a-7b4d-4e6f-9a2b-1c3d5e7f9a0b", convs[0])
    body = {"soort": "Oppakken", "datum": "2026-04-01"} if pad.endswith("/acties") else None
    if pad.endswith("/berichten"):
        body = fresh(example(EVIDES_VERWIJZING))
    if methode == "PUT":
        body = {"nu": "2026-04-02T08:00:00Z"}
    response = api.request(methode, pad, token=NVVK, json_body=body)
    assert response.status_code == 403, response.text


@pytest.mark.eis("WD-MON-04")
def test_the_access_table_gives_nvvk_nothing_but_monitoring() -> None:
    assert BELEID[Rol.NVVK] == {Operatie.MONITORING_LEZEN: Bereik.ALLES}
    assert BELEID[Rol.OPERATOR][Operatie.MONITORING_LEZEN] is Bereik.GEMEENTEN
    assert Operatie.MONITORING_LEZEN not in BELEID[Rol.SCHULDEISER]


@pytest.mark.eis("WD-MON-03")
@pytest.mark.parametrize("token", [EVIDES, WOONGOED])
def test_a_creditor_is_refused_monitoring(api: Api, token: str) -> None:
    _verwijs(api, 5)
    problem = _monitoring(api, token, status=403)
    assert problem["status"] == 403 and "monitoring" in problem["detail"]


# --- suppression ------------------------------------------------------------------------------------


@pytest.mark.eis("WD-MON-01")
def test_a_count_below_five_is_never_shown_and_five_is(api: Api) -> None:
    _verwijs(api, 4)
    vier = _cijfer(_monitoring(api, OPERATOR), "verwijzingen")
    assert vier == {"indicator": "verwijzingen", "periode": "2026-K2", "onderdrukt": True}
    _verwijs(api, 1)
    vijf = _monitoring(api, OPERATOR)
    assert _cijfer(vijf, "verwijzingen")["teller"] == 5
    assert vijf["drempel"] == 5
    for cijfer in vijf["cijfers"]:  # nobody was contacted: every other count is 0, hidden
        for veld in ("teller", "noemer"):
            assert cijfer.get(veld) is None or cijfer[veld] >= 5, cijfer


@pytest.mark.eis("WD-MON-01")
def test_the_threshold_may_be_raised_never_lowered(tmp_path: Path) -> None:
    with running_receiver(tmp_path, _instellingen(monitoring_drempel=7)) as api:
        api.zet_klok(EVIDES_KLOK)
        _verwijs(api, 6)
        data = _monitoring(api, NVVK)
        assert data["drempel"] == 7
        assert _cijfer(data, "verwijzingen")["onderdrukt"] is True
    assert MINIMUM_MONITORINGDREMPEL == STANDAARD_DREMPEL == 5
    for te_laag in (4, 1, 0, True, "5"):
        with pytest.raises(ConfigError, match="monitoringDrempel"):
            _instellingen(monitoring_drempel=te_laag)
    config = tmp_path / "ontvanger.json"
    nvvk = [{"naam": "NVVK", "kvkNummer": "40123456", "token": NVVK}]
    config.write_text(json.dumps({"nvvk": nvvk, "monitoringDrempel": 3}))
    with pytest.raises(ConfigError, match=r"ontvanger\.json: monitoringDrempel .* at least 5"):
        Instellingen.laad(config, Modus.ONTWIKKELING)
    config.write_text(json.dumps({"nvvk": nvvk, "monitoringDrempel": 10}))
    geladen = Instellingen.laad(config, Modus.ONTWIKKELING)
    assert geladen.monitoring_drempel == 10
    assert [d.token for d in geladen.deelnemers if d.rol is Rol.NVVK] == [NVVK]


# --- the query --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "pointer", "code"),
    [
        ({"periodesoort": "week"}, "/periodesoort", "ongeldig"),
        ({"dimensie": "postcode"}, "/dimensie", "ongeldig"),
        ({"van": "2026-13-01"}, "/van", "datum_ongeldig"),
        ({"tot": "20260401"}, "/tot", "datum_ongeldig"),
    ],
)
def test_a_wrong_query_is_refused_with_where_and_why(
    api: Api, params: dict[str, str], pointer: str, code: str
) -> None:
    problem = _monitoring(api, OPERATOR, status=400, **params)
    assert [(f["pointer"], f["code"]) for f in problem["fouten"]] == [(pointer, code)]


@pytest.mark.eis("WD-MON-01")
@pytest.mark.parametrize(
    ("params", "pointer", "code"),
    [
        ({"van": "2026-07-01", "tot": "2026-03-31"}, "/tot", "volgorde"),
        ({"van": "2026-04-02"}, "/van", "geen_periodegrens"),  # a kwartaal starts on 04-01
        ({"van": "2026-05-01"}, "/van", "geen_periodegrens"),
        (
            {"periodesoort": "maand", "van": "2026-05-01", "tot": "2026-05-30"},
            "/tot",
            "geen_periodegrens",
        ),
        ({"periodesoort": "jaar", "tot": "2026-06-30"}, "/tot", "geen_periodegrens"),
    ],
)
def test_a_range_must_be_whole_periods_in_order(
    api: Api, params: dict[str, str], pointer: str, code: str
) -> None:
    """Each date is valid (the document accepts the request), the meaning is refused: 422. A
    range that cut a period would let one query minus another reveal one day's referrals."""
    problem = _monitoring(api, OPERATOR, status=422, **params)
    assert problem["type"].endswith("/periode-ongeldig")
    assert [(f["pointer"], f["code"]) for f in problem["fouten"]] == [(pointer, code)]


def test_van_and_tot_select_whole_periods_by_referral_date(api: Api) -> None:
    _verwijs(api, 5)
    binnen = _monitoring(api, OPERATOR, periodesoort="maand", van="2026-04-01", tot="2026-04-30")
    assert _cijfer(binnen, "verwijzingen")["teller"] == 5
    assert (binnen["van"], binnen["tot"]) == ("2026-04-01", "2026-04-30")
    assert _monitoring(api, OPERATOR, van="2026-07-01")["cijfers"] == []
    assert _monitoring(api, OPERATOR, periodesoort="jaar", tot="2025-12-31")["cijfers"] == []
    schrikkel = _monitoring(api, OPERATOR, periodesoort="maand", van="2024-02-01", tot="2024-02-29")
    assert schrikkel["cijfers"] == []
    _monitoring(api, OPERATOR, periodesoort="jaar", tot="9999-12-31")


# --- the histories beside the dossier --------------------------------------------------------------


def test_each_change_of_a_referral_rewrites_its_history_in_the_same_transaction(api: Api) -> None:
    verwijzing = fresh(example(EVIDES_VERWIJZING))
    api.stuur(EVIDES, verwijzing)
    conv = verwijzing["conversatieId"]

    def historie() -> dict[str, Any]:
        rows = db_rows(api.db, "SELECT inhoud FROM historien WHERE conversatie_id = ?", conv)
        assert len(rows) == 1
        geladen: dict[str, Any] = json.loads(rows[0][0])
        return geladen

    assert historie()["toestand"] == "Ontvangen" and historie()["contactpogingen"] == []
    api.actie(
        conv,
        {
            "soort": "Contactpoging",
            "datum": "2026-04-01",
            "contactsoort": "Telefoon",
            "dagdeel": "Middag",
            "bereikt": True,
        },
    )
    na = historie()
    assert na["toestand"] == "Bereikt"
    assert na["contactpogingen"] == [
        {"datum": "2026-04-01", "soort": "Telefoon", "dagdeel": "Middag", "bereikt": True}
    ]
    assert na["verwijzingId"] == verwijzing["verwijzingId"]
    # No personal data: nothing of the help-seeker is in the stored history.
    tekst = json.dumps(na)
    for waarde in _persoonsgegevens(verwijzing["hulpvrager"]):
        assert waarde not in tekst, waarde


def _persoonsgegevens(node: Any, sleutel: str = "") -> Iterator[str]:
    """The help-seeker's identifying values (not the preferences, which are codes)."""
    if isinstance(node, dict):
        for naam, waarde in node.items():
            yield from _persoonsgegevens(waarde, naam)
    elif isinstance(node, str) and len(node) > 3 and not sleutel.startswith("voorkeur"):
        yield node


@pytest.mark.eis("WD-MON-02")
def test_the_figures_hold_no_referral_identifier_or_personal_data(api: Api) -> None:
    verwijzingen = [fresh(example(EVIDES_VERWIJZING)) for _ in range(6)]
    for v in verwijzingen:
        api.stuur(EVIDES, v)
    response = api.get("/v1/monitoring", NVVK, params={"dimensie": "schuldeiser"})
    tekst = response.text
    for v in verwijzingen:
        assert v["verwijzingId"] not in tekst and v["conversatieId"] not in tekst
        for waarde in _persoonsgegevens(v["hulpvrager"]):
            assert waarde not in tekst
    assert _cijfer(response.json(), "verwijzingen", "Evides Waterbedrijf")["teller"] == 6


# --- the publishing step, on many histories -----------------------------------------------------------


class _Historien:
    """A transaction that holds only monitoring histories (what monitoringcijfers reads)."""

    def __init__(self, historien: list[Verwijzingshistorie]) -> None:
        self.regels = [
            Historieregel(uuid.uuid4(), h.gemeentecode, h.verwijsdatum, h.naar_json().encode())
            for h in historien
        ]

    def historien(
        self,
        gemeentecodes: list[str] | None = None,
        van: date | None = None,
        tot: date | None = None,
    ) -> Iterator[Historieregel]:
        for r in self.regels:
            if gemeentecodes is not None and r.gemeentecode not in gemeentecodes:
                continue
            if (van is not None and r.verwijsdatum < van) or (
                tot is not None and r.verwijsdatum > tot
            ):
                continue
            yield r


_PEILDATUM = date(2026, 1, 15)


@pytest.mark.eis("WD-MON-01", "WD-MON-02")
@settings(max_examples=40)
@given(
    aantal=st.integers(0, 120),
    seed=st.integers(0, 2**16),
    periodesoort=st.sampled_from(Periodesoort),
    dimensie=st.sampled_from(Dimensie),
    drempel=st.integers(5, 12),
    alleen=st.sampled_from([None, ["0718"], ["0718", "0687", "1621"]]),
)
def test_published_figures_hide_every_small_value_and_change_no_other(
    aantal: int,
    seed: int,
    periodesoort: Periodesoort,
    dimensie: Dimensie,
    drempel: int,
    alleen: list[str] | None,
) -> None:
    historien = list(
        synthetische_historien(aantal, seed=seed, van=date(2025, 1, 1), tot=date(2025, 12, 31))
    )
    tx = _Historien(historien)
    gepubliceerd = monitoringcijfers(
        tx,  # type: ignore[arg-type]
        Monitoringvraag(periodesoort=periodesoort, dimensie=dimensie),
        gemeentecodes=alleen,
        peildatum=_PEILDATUM,
        organisaties={},
        drempel=drempel,
    )
    gekozen = [h for h in historien if alleen is None or h.gemeentecode in alleen]
    echt = {
        (u.indicator, u.periode, u.groep or None, u.categorie or None): u
        for u in bereken(
            gekozen,
            peildatum=_PEILDATUM,
            periodesoorten=(periodesoort.value,),
            dimensies=(dimensie.value,),
        ).uitkomsten
    }
    assert len(gepubliceerd.cijfers) == len(echt)
    verwijzing_ids = {h.verwijzing_id for h in historien}
    for c in gepubliceerd.cijfers:
        u = echt[(c.indicator, c.periode, c.groep, c.categorie)]
        for getoond, waar in ((c.teller, u.teller), (c.noemer, u.noemer)):
            assert getoond is None or (getoond == waar and getoond >= drempel)
        if c.aandeel is not None:
            assert c.teller is not None and c.noemer is not None
            assert u.aandeel is not None and c.aandeel == round(u.aandeel, 1)
        for getoond, waar in ((c.mediaan, u.mediaan), (c.p75, u.p75), (c.p90, u.p90)):
            assert getoond is None or (
                getoond == waar and u.noemer is not None and u.noemer >= drempel
            )
        verborgen = (
            (c.teller is None and u.teller is not None)
            or (c.noemer is None and u.noemer is not None)
            or (c.mediaan is None and u.mediaan is not None)
        )
        assert c.onderdrukt == (verborgen or (c.aandeel is None and u.aandeel is not None))
        assert c.groep not in verwijzing_ids
    assert not re.search(r"\b\d{9}\b", gepubliceerd.model_dump_json())  # no BSN-like number


# --- the gemeente command -----------------------------------------------------------------------------


def test_gemeente_monitoring_asks_the_api(
    api: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import httpx
    from receiver_support import check_exchange

    from warm_referral.cli import main

    _verwijs(api, 5)

    def via_testclient(method: str, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.pop("timeout", None)
        response = api.client.request(method, url, **kwargs)
        check_exchange(response)
        return response

    monkeypatch.setattr(httpx, "request", via_testclient)
    url = ["--url", "http://testserver/v1/", "--token", NVVK]
    vraag = ["--periodesoort", "maand", "--dimensie", "gemeente", "--van", "2026-04-01"]
    assert main(["gemeente", *url, "monitoring", *vraag]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["periodesoort"], data["dimensie"], data["van"]) == (
        "maand",
        "gemeente",
        "2026-04-01",
    )
    assert _cijfer(data, "verwijzingen", "0718")["teller"] == 5
    assert main(["gemeente", *url, "monitoring", "--dimensie", "postcode"]) == 1
    assert json.loads(capsys.readouterr().out)["fouten"][0]["pointer"] == "/dimensie"


def test_nvvk_is_named_in_the_configuration_not_in_the_register(tmp_path: Path) -> None:
    """NVVK keeps the participants register and is no entry in it: the configuration's 'nvvk'
    list names it, checked like every setting (file, entry, why)."""
    config = tmp_path / "ontvanger.json"
    for fout, melding in (
        ({"nvvk": [{"naam": "NVVK"}]}, r"nvvk\[0\]: needs an oin or a kvkNummer"),
        ({"nvvk": [{"naam": "NVVK", "kvkNummer": "123"}]}, r"nvvk\[0\]: kvkNummer '123'"),
        ({"nvvk": [{"naam": "NVVK", "kvkNummer": "40123456", "rol": "x"}]}, "unknown keys rol"),
        ({"nvvk": {"naam": "NVVK"}}, "'nvvk' must be a list"),
    ):
        config.write_text(json.dumps(fout))
        with pytest.raises(ConfigError, match=melding):
            Instellingen.laad(config, Modus.ONTWIKKELING)
    # Production mode: the certificate's OIN identifies NVVK, a token is ignored.
    register = tmp_path / "register.json"
    register.write_bytes((files("warm_referral_reference") / "data" / DEV_REGISTER).read_bytes())
    nvvk = [{"naam": "NVVK", "oin": "00000001001234599000", "token": "geheim"}]
    config.write_text(
        json.dumps(
            {
                "deelnemersregister": "register.json",
                "nvvk": nvvk,
                "gemeentecodes": ["0718"],
                "auditSleutel": "s",
            }
        )
    )
    productie = Instellingen.laad(config, Modus.PRODUCTIE)
    (nvvk_deelnemer,) = [d for d in productie.deelnemers if d.rol is Rol.NVVK]
    assert nvvk_deelnemer.token is None and nvvk_deelnemer.oin == "00000001001234599000"
    assert not productie.per_token()
