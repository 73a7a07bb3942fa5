"""The reference receiver with NVVK's address book (issue 17): it refuses a referral for a
municipality the book does not give it on the verwijsdatum (WD-ADR-07), its Doorzending names the
organisation the book gives for the new municipality (WD-ADR-08), and a tampered book stops it
from starting. Without a book it behaves as before (the other receiver tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from adresboek_support import (
    GOES_OIN,
    WALCHEREN_OIN,
    schrijf_boek,
    veere_naar_goes,
    vervals,
    voorbeeld,
)
from receiver_support import (
    EVIDES,
    EVIDES_KLOK,
    EVIDES_VERWIJZING,
    Api,
    example,
    fresh,
    running_receiver,
)
from warm_referral_reference.deelnemers import DEV_REGISTER
from warm_referral_reference.receiver.config import Instellingen, Modus
from warm_referral_reference.receiver.errors import ConfigError

from warm_referral import parse_json
from warm_referral.models import Verwijzing

TYPE = "https://standaarden.nvvk.nl/warme-doorverwijzing/v1/problemen/"


def _config(map_: Path, boek: Path, oin: str = WALCHEREN_OIN) -> Path:
    """A receiver configuration with the book and the development register, in which Walcheren is
    listed without gemeentecodes (the book gives them) and Evides has agreements everywhere, so
    only the book's answer decides."""
    register = json.loads(
        (Path(__file__).resolve().parents[2] / "reference_server/src/warm_referral_reference/data"
         / DEV_REGISTER).read_text(encoding="utf-8")
    )  # fmt: skip
    for afspraak in register["schuldeisers"][0]["afspraken"]:
        afspraak["gemeentecodes"] = ["0664", "0687", "0717", "0718"]
    register["organisaties"] = [
        {"id": "walcheren", "naam": "Schuldhulp Walcheren", "oin": WALCHEREN_OIN}
    ]
    (map_ / "register.json").write_text(json.dumps(register), encoding="utf-8")
    config = {
        "deelnemersregister": "register.json",
        "tokens": {"dev-evides": "evides", "dev-operator": "walcheren"},
        "adresboek": {"bestand": boek.name, "sleutels": "nvvk.jwks.json", "organisatie": oin},
    }
    pad = map_ / "ontvanger.json"
    pad.write_text(json.dumps(config), encoding="utf-8")
    return pad


@pytest.fixture
def instellingen(tmp_path: Path) -> Instellingen:
    boek = schrijf_boek(tmp_path, veere_naar_goes(voorbeeld()))
    return Instellingen.laad(_config(tmp_path, boek), Modus.ONTWIKKELING)


@pytest.fixture
def api(tmp_path: Path, instellingen: Instellingen) -> Iterator[Api]:
    with running_receiver(tmp_path, instellingen) as client:
        client.zet_klok(EVIDES_KLOK)
        yield client


def _aan(code: str, naam: str) -> dict[str, object]:
    verwijzing = fresh(example(EVIDES_VERWIJZING))
    verwijzing["ontvanger"] = {"naam": naam, "gemeentecode": code}
    return verwijzing


@pytest.mark.eis("WD-ADR-07")
def test_a_referral_for_a_municipality_the_book_gives_it_is_accepted(api: Api) -> None:
    api.stuur(EVIDES, _aan("0718", "Gemeente Vlissingen"))
    api.stuur(EVIDES, _aan("0687", "Gemeente Middelburg"))


@pytest.mark.eis("WD-ADR-07")
def test_a_referral_for_another_organisations_municipality_is_refused(api: Api) -> None:
    antwoord = api.stuur(EVIDES, _aan("0664", "Gemeente Goes"), status=422)
    probleem = antwoord.json()
    assert probleem["type"] == TYPE + "gemeente-niet-bediend"
    assert "0664" in probleem["detail"] and "edition 7" in probleem["detail"]
    assert api.get("/v1/verwijzingen", "dev-operator").json()["verwijzingen"] == []


@pytest.mark.eis("WD-ADR-07")
def test_the_check_is_made_on_the_verwijsdatum(api: Api, instellingen: Instellingen) -> None:
    """Veere moved from Walcheren to Goes on 1 April 2026: a referral of that day is refused,
    one dated 31 March (Dutch time) would still be Walcheren's."""
    antwoord = api.stuur(EVIDES, _aan("0717", "Gemeente Veere"), status=422)
    assert antwoord.json()["type"] == TYPE + "gemeente-niet-bediend"
    assert "2026-04-01" in antwoord.json()["detail"]

    bediening = instellingen.bediening
    assert bediening is not None
    verwijzing = parse_json(json.dumps(_aan("0717", "Gemeente Veere")).encode())
    assert isinstance(verwijzing, Verwijzing)
    eerder = verwijzing.model_copy(
        update={"verwezen_op": datetime(2026, 3, 31, 21, 59, tzinfo=timezone.utc)}
    )
    bediening.controleer(eerder)  # 23:59 on 31 March in Vlissingen: still served
    later = verwijzing.model_copy(
        update={"verwezen_op": datetime(2026, 3, 31, 22, 0, tzinfo=timezone.utc)}
    )
    with pytest.raises(Exception, match="does not serve gemeentecode 0717 on the verwijsdatum"):
        bediening.controleer(later)


@pytest.mark.eis("WD-ADR-08")
def test_a_doorzending_names_the_organisation_the_book_gives(api: Api) -> None:
    verwijzing = _aan("0718", "Gemeente Vlissingen")
    api.stuur(EVIDES, verwijzing)
    resultaat = api.actie(
        verwijzing["conversatieId"],
        {"soort": "Doorzending", "datum": "2026-04-01",
         "nieuweGemeente": {"naam": "Gemeente Veere", "gemeentecode": "0717"}},
    )  # fmt: skip
    nieuwe = resultaat["berichten"][0]["nieuweGemeente"]
    assert nieuwe == {"naam": "Gemeente Goes (voorbeeld)", "oin": GOES_OIN, "gemeentecode": "0717"}
    assert api.postvak(EVIDES)[-1]["bericht"]["nieuweGemeente"] == nieuwe


@pytest.mark.eis("WD-ADR-08")
def test_a_doorzending_to_nobody_or_to_the_wrong_organisation_is_refused(api: Api) -> None:
    verwijzing = _aan("0718", "Gemeente Vlissingen")
    api.stuur(EVIDES, verwijzing)
    conv = verwijzing["conversatieId"]
    terneuzen = {"naam": "Gemeente Terneuzen", "gemeentecode": "0715"}
    fout = api.actie(conv, {"soort": "Doorzending", "datum": "2026-04-01",
                            "nieuweGemeente": terneuzen}, 422)  # fmt: skip
    assert fout["type"] == TYPE + "gemeente-zonder-organisatie"
    verkeerd = {"naam": "Gemeente Goes", "gemeentecode": "0664", "oin": WALCHEREN_OIN}
    fout = api.actie(conv, {"soort": "Doorzending", "datum": "2026-04-01",
                            "nieuweGemeente": verkeerd}, 422)  # fmt: skip
    assert fout["type"] == TYPE + "verkeerde-organisatie"
    assert api.postvak(EVIDES)[-1]["bericht"]["berichttype"] == "Ontvangstbevestiging"


@pytest.mark.eis("WD-ADR-03")
def test_a_tampered_book_stops_the_receiver_from_starting(tmp_path: Path) -> None:
    boek = schrijf_boek(tmp_path, voorbeeld())
    boek.write_text(vervals(boek.read_text()), encoding="ascii")
    with pytest.raises(ConfigError, match="refused: the signature does not verify"):
        Instellingen.laad(_config(tmp_path, boek), Modus.ONTWIKKELING)


def test_an_organisation_not_in_the_book_stops_the_receiver_from_starting(tmp_path: Path) -> None:
    boek = schrijf_boek(tmp_path, voorbeeld())
    with pytest.raises(ConfigError, match="lists no organisation with OIN 00000001009999999000"):
        Instellingen.laad(_config(tmp_path, boek, "00000001009999999000"), Modus.ONTWIKKELING)


def test_production_mode_accepts_the_book_instead_of_gemeentecodes(tmp_path: Path) -> None:
    boek = schrijf_boek(tmp_path, voorbeeld())
    pad = _config(tmp_path, boek)
    data = json.loads(pad.read_text())
    data["auditSleutel"] = "geheim"
    pad.write_text(json.dumps(data))
    instellingen = Instellingen.laad(pad, Modus.PRODUCTIE)
    assert instellingen.bediening is not None and instellingen.gemeentecodes is None
    del data["adresboek"]
    pad.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="needs 'adresboek' or 'gemeentecodes'"):
        Instellingen.laad(pad, Modus.PRODUCTIE)


@pytest.mark.eis("WD-ADR-04")
def test_an_address_book_not_valid_on_the_verwijsdatum_is_a_503_with_retry_after(
    api: Api,
) -> None:
    """The edition is valid until 31 December 2027. A referral of 2 January 2028 cannot be
    checked against it: the receiver must not use it, and the fault is ours (the operator loads
    the current edition), so the sender is asked to retry later; nothing is stored."""
    from warm_referral.testing.voorbeelden import herdateer

    api.zet_klok("2028-01-02T09:00:00Z")
    verwijzing = herdateer(
        parse_json(json.dumps(_aan("0718", "Gemeente Vlissingen")).encode()),
        datetime(2028, 1, 2, 8, 59, tzinfo=timezone.utc),
    )
    antwoord = api.post(
        "/v1/berichten",
        EVIDES,
        content=verwijzing.to_json(),
        content_type="application/json",
    )
    assert antwoord.status_code == 503, antwoord.text
    assert antwoord.headers["retry-after"] == "300"
    probleem = antwoord.json()
    assert probleem["type"] == TYPE + "adresboek-verlopen"
    assert "edition 7" in probleem["detail"] and "2028-01-02" in probleem["detail"]
    assert api.get("/v1/verwijzingen", "dev-operator").json()["verwijzingen"] == []
