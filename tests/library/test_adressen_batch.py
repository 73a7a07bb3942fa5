"""The batch look-up (numpy) answers every row exactly as the scalar look-up does: the same
gemeentecode, or an error of the same type with the same message."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("numpy")

from warm_referral.adressen import (
    AdresError,
    AmbiguousAddress,
    IndexBouwer,
    InvalidAddress,
    UnknownHouseNumber,
    UnknownPostcode,
    batch,
)
from warm_referral.adressen.adres import postcode_sleutel
from warm_referral.adressen.index import Adresindex
from warm_referral.adressen.voorbeeld import voorbeeldindex
from warm_referral.identifiers.postcode import NOOIT_UITGEGEVEN, PATTERN

INDELING = date(2025, 1, 1)


def bouw(rijen: list[tuple[str, int, str]]) -> Adresindex:
    bouwer = IndexBouwer("test", INDELING)
    for postcode, huisnummer, code in rijen:
        bouwer.voeg_toe(postcode, huisnummer, code)
    return bouwer.bouw()


pc4 = st.sampled_from([1000, 1234, 4356, 4381, 9999])
letters = st.sampled_from("ABSDZ")  # with S: SA, SD and SS are never issued
postcodes = st.builds(lambda n, a, b: f"{n}{a}{b}", pc4, letters, letters)
codes = st.sampled_from(["0718", "0687", "0717"])
nummers = st.one_of(st.integers(1, 40), st.integers(1, 99999))

#: Rows to build from: plain ones, the same address under two codes (ambiguous), a postcode whose
#: numbers span more than the bitmask holds, and one with hundreds of numbers (bisected).
rijen = st.lists(st.tuples(postcodes, nummers, codes), max_size=120).filter(
    lambda r: all(pc[4:] not in {"SA", "SD", "SS"} for pc, _, _ in r)
)
extra = st.sampled_from(
    [
        [],
        [("4381AB", 1, "0718"), ("4381AB", 5000, "0718")],
        [("1234AD", hn, "0687") for hn in range(1, 600)],
        [("1234AE", hn, "0717") for hn in range(1, 3000, 7)] + [("1234AF", 3004, "0718")],
        [("4356XY", hn, "0717" if hn < 5 else "0687") for hn in range(1, 9)],
    ]
)

vreemde_postcodes = st.one_of(
    st.sampled_from(["4381 AB", "4381ab", " 4381AB", "0381AB", "43811B", "4381SA", "4381AB\x00"]),
    st.sampled_from(["", "4381A", "4381ABC", "ÄÖ81AB", "438１AB", None, 4381, b"4381AB"]),
    st.text(max_size=8),
)
vreemde_nummers = st.sampled_from([0, -1, 100_000, 2**70, True, False, 1.0, "1", None])


@st.composite
def vragen(draw: st.DrawFn, index_rijen: list[tuple[str, int, str]]) -> tuple[list[Any], list[Any]]:
    """Existing addresses, their neighbours and other postcodes, and input that is no address."""
    bekend = [(pc, hn) for pc, hn, _ in index_rijen]
    soort = st.sampled_from(["bekend", "buur", "willekeurig", "vreemd_pc", "vreemd_hn"])
    pcs: list[Any] = []
    hns: list[Any] = []
    for s in draw(st.lists(soort, max_size=60)):
        if s in ("bekend", "buur") and bekend:
            pc, hn = draw(st.sampled_from(bekend))
            hn = hn if s == "bekend" else max(1, hn + draw(st.integers(-2, 2)))
        else:
            pc, hn = draw(postcodes), draw(nummers)
        if s == "vreemd_pc":
            pc = draw(vreemde_postcodes)
        if s == "vreemd_hn":
            hn = draw(vreemde_nummers)
        pcs.append(pc)
        hns.append(hn)
    return pcs, hns


def scalair(index: Adresindex, pc: Any, hn: Any) -> str | AdresError:
    try:
        return index.gemeentecode(pc, hn)
    except AdresError as fout:
        return fout


def vergelijk(index: Adresindex, pcs: list[Any], hns: list[Any]) -> batch.Batchresultaat:
    resultaat = index.zoek_veel(pcs, hns)
    assert len(resultaat) == len(pcs)
    verwacht = [scalair(index, pc, hn) for pc, hn in zip(pcs, hns, strict=True)]
    for rij, (kreeg, wilde) in enumerate(zip(resultaat.uitkomsten(), verwacht, strict=True)):
        assert type(kreeg) is type(wilde), (rij, pcs[rij], hns[rij], kreeg, wilde)
        assert str(kreeg) == str(wilde)
        if isinstance(wilde, AmbiguousAddress):
            assert isinstance(kreeg, AmbiguousAddress) and kreeg.kandidaten == wilde.kandidaten
        if isinstance(wilde, InvalidAddress):
            assert isinstance(kreeg, InvalidAddress) and kreeg.veld == wilde.veld
    assert resultaat.gemeentecodes() == [w if isinstance(w, str) else None for w in verwacht]
    assert resultaat.gelukt.tolist() == [isinstance(w, str) for w in verwacht]
    return resultaat


@given(rijen, extra, st.data())
def test_the_batch_equals_the_scalar_look_up(
    index_rijen: list[tuple[str, int, str]], meer: list[tuple[str, int, str]], data: st.DataObject
) -> None:
    alle = index_rijen + meer
    index = bouw(alle)
    pcs, hns = data.draw(vragen(alle))
    vergelijk(index, pcs, hns)
    # The fast path itself (no scalar fallback) answers every address of a postcode that lies in
    # one municipality, so the batch is fast for the common case, not just right.
    gemeenten: dict[str, set[str]] = {}
    for pc, _, code in alle:
        gemeenten.setdefault(pc, set()).add(code)
    gewoon = [(pc, hn, code) for pc, hn, code in alle if len(gemeenten[pc]) == 1]
    snel = index.batchzoeker()._stap([pc for pc, _, _ in gewoon], [hn for _, hn, _ in gewoon])
    assert [index.gemeentecodes[g] for g in snel.tolist()] == [code for _, _, code in gewoon]


@given(st.data())
def test_the_batch_equals_the_scalar_look_up_on_the_sample(data: st.DataObject) -> None:
    index = voorbeeldindex()
    alle = [(pc, hn, "") for pc, hn, _ in index.adressen()]
    pcs, hns = data.draw(vragen(alle))
    vergelijk(index, pcs, hns)


def test_every_address_of_the_sample_in_one_batch() -> None:
    index = voorbeeldindex()
    adressen = list(index.adressen())
    resultaat = vergelijk(index, [pc for pc, _, _ in adressen], [hn for _, hn, _ in adressen])
    dubieus = sum(1 for _, _, c in adressen if isinstance(c, tuple))
    assert len(resultaat.fouten) == dubieus


def test_each_kind_of_failure_keeps_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "STAP", 3)  # step boundaries fall inside the batch
    index = bouw(
        [("4381AB", 1, "0718"), ("4356XY", 2, "0717"), ("4356XY", 2, "0687"), ("4356XY", 3, "0687")]
    )
    pcs = ["4381AB", "4381AB", "9999ZZ", "4356XY", "4356XY", "4381SA", "4381 ab", "4381AB"]
    hns = [1, 2, 1, 2, 3, 1, 1, True]
    resultaat = vergelijk(index, pcs, hns)
    soorten = [type(u) if not isinstance(u, str) else u for u in resultaat.uitkomsten()]
    assert soorten == [
        "0718",
        UnknownHouseNumber,
        UnknownPostcode,
        AmbiguousAddress,
        "0687",
        InvalidAddress,
        "0718",
        InvalidAddress,
    ]
    assert resultaat.gemeentecode(0) == "0718"
    with pytest.raises(UnknownPostcode):
        resultaat.gemeentecode(2)


def test_the_binary_search_stays_inside_its_postcode() -> None:
    # 4381AB spans more numbers than a bitmask holds, so it is bisected; the next postcode's
    # first number lies just past its slice, the last postcode's past the end of the array.
    index = bouw(
        [
            ("4381AB", 1, "0718"),
            ("4381AB", 5000, "0718"),
            ("4381AC", 6000, "0687"),
            ("4381AD", 1, "0717"),
            ("4381AD", 2000, "0717"),
        ]
    )
    resultaat = vergelijk(
        index, ["4381AB"] * 4 + ["4381AD"] * 3, [1, 5000, 6000, 4999, 2000, 2001, 60000]
    )
    assert [type(u) if not isinstance(u, str) else u for u in resultaat.uitkomsten()] == [
        "0718",
        "0718",
        UnknownHouseNumber,
        UnknownHouseNumber,
        "0717",
        UnknownHouseNumber,
        UnknownHouseNumber,
    ]


@given(
    st.builds(
        "".join,
        st.tuples(
            st.sampled_from("0159a "),
            st.text(alphabet="0123456789", min_size=3, max_size=3),
            st.text(alphabet="ASDZaz1 ", min_size=2, max_size=2),
        ),
    )
)
def test_the_keys_are_computed_for_exactly_the_wire_form(postcode: str) -> None:
    sleutels, geldig = batch._sleutels([postcode, "4381AB"])
    draadvorm = re.fullmatch(PATTERN, postcode) is not None and postcode[4:] not in NOOIT_UITGEGEVEN
    assert geldig.tolist() == [draadvorm, True]
    if draadvorm:
        assert int(sleutels[0]) == postcode_sleutel(postcode)
    assert int(sleutels[1]) == postcode_sleutel("4381AB")


def test_every_number_of_a_wide_postcode_is_found() -> None:
    nummers = list(range(1, 3000, 7))  # 429 numbers over 3000: bisected, in 9 rounds
    index = bouw([("4381AB", hn, "0718") for hn in nummers])
    resultaat = vergelijk(index, ["4381AB"] * 3000, list(range(1, 3001)))
    assert resultaat.gelukt.sum() == len(nummers)
    snel = index.batchzoeker()._stap(["4381AB"] * len(nummers), nummers)  # no fallback
    assert (snel == 0).all()


def test_an_empty_batch_and_an_empty_index() -> None:
    index = bouw([("4381AB", 1, "0718")])
    leeg = index.zoek_veel([], [])
    assert len(leeg) == 0 and leeg.uitkomsten() == [] and leeg.fouten == {}
    niets = IndexBouwer("leeg", INDELING).bouw()
    resultaat = vergelijk(niets, ["4381AB", "4381SA"], [1, 1])
    assert not resultaat.gelukt.any()


def test_lengths_that_differ_are_refused_before_anything_is_looked_up() -> None:
    index = bouw([("4381AB", 1, "0718")])
    with pytest.raises(ValueError, match="2 postcodes but 1 house numbers"):
        index.zoek_veel(["4381AB", "4381AB"], [1])
