"""Behaviour of the models that the examples alone do not pin down."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_support import EXAMPLES

from warm_referral import InvalidLocalMessage, InvalidPeerMessage, LocalProtocolError, parse_json
from warm_referral.errors import RemoteProtocolError
from warm_referral.models import (
    BSN_TOEGESTAAN,
    Geldbedrag,
    Partij,
    SoortVerwijzer,
    Verwijzing,
    nieuwe_envelop,
)
from warm_referral.testing.strategies import bsns, tijdstippen, verwijzingen

WATER = json.loads((EXAMPLES / "verwijzing-water-afsluitregeling.json").read_text(encoding="utf-8"))
STATUSVERZOEK = json.loads((EXAMPLES / "statusverzoek.json").read_text(encoding="utf-8"))


@given(tijdstippen())
def test_timestamps_are_emitted_in_utc_with_upper_case_t_and_z(moment: datetime) -> None:
    document = dict(STATUSVERZOEK, aangemaaktOp=moment.isoformat())
    emitted = json.loads(parse_json(json.dumps(document)).to_json())["aangemaaktOp"]
    assert emitted.endswith("Z") and "T" in emitted and "+" not in emitted
    assert datetime.fromisoformat(emitted.replace("Z", "+00:00")) == moment


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30, 23, 59, 59, 999999)
    ).map(lambda d: d.replace(tzinfo=timezone.utc))
)
def test_every_accepted_timestamp_is_emitted_as_rfc_3339_and_read_back(moment: datetime) -> None:
    """Over the whole accepted range: years before 1000 keep four digits (strftime's %Y did not)."""
    document = dict(STATUSVERZOEK, aangemaaktOp=moment.isoformat())
    emitted = json.loads(parse_json(json.dumps(document)).to_json())["aangemaaktOp"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z", emitted), emitted
    assert parse_json(json.dumps(dict(document, aangemaaktOp=emitted))).aangemaakt_op == moment


@pytest.mark.parametrize("value", [312.57, 312, "312.5", "-1.00", "0.00", "1e3", "1000000000.00"])
def test_amounts_are_exact_decimal_text(value: Any) -> None:
    document = json.loads(json.dumps(WATER))
    document["achterstand"]["bedrag"]["waarde"] = value
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_json(json.dumps(document))
    assert caught.value.violations[0].pointer == "/achterstand/bedrag/waarde"


def test_amounts_keep_their_cents() -> None:
    assert Geldbedrag(waarde=Decimal("0.10"), valuta="EUR").model_dump_json() == (
        '{"waarde":"0.10","valuta":"EUR"}'
    )


def test_errors_name_the_side_at_fault() -> None:
    with pytest.raises(InvalidLocalMessage) as local:
        Partij(naam="Zonder nummer")
    assert isinstance(local.value, LocalProtocolError)
    assert local.value.violations[0].code == "partij_zonder_identificatie"
    with pytest.raises(InvalidPeerMessage) as remote:
        parse_json(b"{}")
    assert isinstance(remote.value, RemoteProtocolError)


def test_none_means_absent_in_python_but_null_is_refused_on_the_wire() -> None:
    partij = Partij(naam="Gemeente X", gemeentecode="0344", oin=None)
    assert "oin" not in json.loads(partij.model_dump_json(exclude_none=True))
    document = dict(WATER, crossReferentie=None)
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_json(json.dumps(document))
    assert {(v.pointer, v.code) for v in caught.value.violations} == {
        ("/crossReferentie", "null_niet_toegestaan")
    }


@settings(max_examples=50)
@given(st.sampled_from(sorted(set(SoortVerwijzer) - BSN_TOEGESTAAN)), bsns(), st.data())
def test_bsn_is_refused_for_every_referrer_without_a_legal_ground(
    soort: SoortVerwijzer, value: str, data: st.DataObject
) -> None:
    verwijzing = data.draw(verwijzingen(soort))
    document = json.loads(verwijzing.to_json())
    document["hulpvrager"]["bsn"] = value
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_json(json.dumps(document))
    assert ("/hulpvrager/bsn", "bsn_niet_toegestaan") in {
        (v.pointer, v.code) for v in caught.value.violations
    }


def test_the_referral_date_is_the_dutch_date_of_verwezen_op() -> None:
    # 23:30 UTC on 31 March is 1 April in Amsterdam (summer time): the incassostop starts 1 April.
    document = dict(
        WATER,
        verwezenOp="2026-03-31T23:30:00Z",
        aangemaaktOp="2026-03-31T23:31:00Z",
        incassostop={"ingangsdatum": "2026-04-01", "einddatum": "2026-05-01"},
    )
    assert parse_json(json.dumps(document)).incassostop.ingangsdatum == date(2026, 4, 1)


def test_nieuwe_envelop_builds_a_valid_envelope() -> None:
    verwijzing = parse_json(json.dumps(WATER))
    assert isinstance(verwijzing, Verwijzing)
    nu = datetime(2026, 4, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    velden = nieuwe_envelop(verwijzing.afzender, verwijzing.ontvanger, nu=nu)
    kopie = verwijzing.model_copy(update=velden)
    assert kopie.bericht_id != verwijzing.bericht_id
    assert kopie.spec_versie == "1.1"  # the newest, unless the caller asks for another
    assert (
        nieuwe_envelop(verwijzing.afzender, verwijzing.ontvanger, nu=nu, spec_versie="1.0")[
            "spec_versie"
        ]
        == "1.0"
    )
    assert "crossReferentie" not in json.loads(kopie.to_json())


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00Z"],
)
def test_timestamps_at_the_edge_of_time_are_refused_not_crashed(moment: str) -> None:
    document = dict(WATER, verwezenOp=moment, aangemaaktOp=moment)
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_json(json.dumps(document))
    assert ("/aangemaaktOp", "tijdstip_buiten_bereik") in {
        (v.pointer, v.code) for v in caught.value.violations
    }
