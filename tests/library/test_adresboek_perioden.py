"""Validity periods, property-tested: an edition is accepted exactly when no two periods of one
gemeentecode overlap, and then a look-up finds the one entry valid on a date, or none."""

from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warm_referral.adresboek import (
    AdresboekDocument,
    InvalidAddressBook,
    NoReceiver,
    lees_document,
    verschillen,
)
from warm_referral.adresboek.boek import Adresboek
from warm_referral.adresboek.handtekening import Geverifieerd

ROOT = Path(__file__).resolve().parents[2]
VOORBEELD: dict[str, Any] = json.loads(
    (ROOT / "spec/v1/adresboek/voorbeeld-adresboek.json").read_bytes()
)
BEGIN = date(2023, 1, 1)
ORGANISATIES = [o["id"] for o in VOORBEELD["organisaties"]]

perioden = st.lists(
    st.tuples(
        st.integers(0, 60),  # start, in months after BEGIN (coarse, so overlaps are common)
        st.one_of(st.none(), st.integers(0, 24)),  # length in months; None: open-ended
        st.sampled_from(ORGANISATIES),
    ),
    min_size=1,
    max_size=4,
)


def maand(n: int) -> date:
    return date(BEGIN.year + (BEGIN.month - 1 + n) // 12, (BEGIN.month - 1 + n) % 12 + 1, 1)


def editie(per_code: dict[str, list[tuple[int, int | None, str]]]) -> dict[str, Any]:
    data = dict(VOORBEELD)
    data["gemeenten"] = [
        {
            "gemeentecode": code,
            "naam": f"Gemeente {code}",
            "organisatie": org,
            "afsprakenprofiel": {"naam": "nvvk-pilot", "versie": "1.0"},
            "geldigVanaf": maand(start).isoformat(),
            **(
                {}
                if lengte is None
                else {"geldigTot": (maand(start + lengte + 1) - timedelta(days=1)).isoformat()}
            ),
        }
        for code, lijst in per_code.items()
        for start, lengte, org in lijst
    ]
    return data


def overlapt(lijst: list[tuple[int, int | None, str]]) -> bool:
    intervallen = sorted((s, float("inf") if n is None else s + n) for s, n, _ in lijst)
    return any(b[0] <= a[1] for a, b in pairwise(intervallen))


@given(st.dictionaries(st.sampled_from(["0718", "0687", "1992"]), perioden, min_size=1))
def test_accepted_exactly_when_no_periods_overlap(per_code: dict[str, Any]) -> None:
    data = json.dumps(editie(per_code)).encode()
    if any(overlapt(lijst) for lijst in per_code.values()):
        with pytest.raises(InvalidAddressBook) as exc:
            lees_document(data)
        assert {v.code for v in exc.value.violations} == {"periode_overlapt"}
        return
    document = lees_document(data)
    boek = Adresboek(document, Geverifieerd(data, "test", "ES256", ""))
    for code, lijst in per_code.items():
        for maanden in range(0, 90, 5):
            dag = maand(maanden) + timedelta(days=maanden % 28)
            geldig = [
                org
                for start, lengte, org in lijst
                if maand(start) <= dag and (lengte is None or dag < maand(start + lengte + 1))
            ]
            if geldig:
                assert boek.zoek(code, op=dag).organisatie.id == geldig[0]
            else:
                with pytest.raises(NoReceiver):
                    boek.zoek(code, op=dag)


@given(st.dictionaries(st.sampled_from(["0718", "0687", "1992"]), perioden, min_size=1))
def test_an_edition_differs_from_itself_in_nothing(per_code: dict[str, Any]) -> None:
    data = editie({c: lijst[:1] for c, lijst in per_code.items()})
    document = lees_document(json.dumps(data).encode())
    assert verschillen(document, document) == []


def test_a_document_built_in_python_serialises_to_a_valid_edition() -> None:
    document = lees_document(json.dumps(VOORBEELD).encode())
    kopie = AdresboekDocument(**document.model_dump())
    tekst = kopie.model_dump_json(by_alias=True, exclude_none=True)
    assert lees_document(tekst) == document
