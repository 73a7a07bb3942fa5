"""From address and date to gemeentecode: the merger table and the chain of sources."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warm_referral.adressen import (
    AmbiguousAddress,
    DivisionOutOfRange,
    Herindeling,
    Herindelingen,
    InvalidAddress,
    InvalidSourceData,
    SourceError,
    SplitMunicipality,
    UnknownHouseNumber,
    UnknownPostcode,
    laad_herindelingen,
    standaard_herindelingen,
    zoekadres,
)
from warm_referral.adressen.adres import Zoekadres
from warm_referral.adressen.voorbeeld import voorbeeldindex
from warm_referral.adressen.zoeker import Gemeentezoeker

H = standaard_herindelingen()


def test_a_merger_carries_old_codes_forward() -> None:
    for oud in ("0501", "0530", "0614"):
        assert H.vertaal(oud, date(2022, 1, 1), date(2023, 1, 1)) == "1992"
        assert H.vertaal(oud, date(2022, 1, 1), date(2022, 12, 31)) == oud


def test_a_merger_on_another_day_than_new_year() -> None:
    assert H.vertaal("0457", date(2022, 1, 1), date(2022, 3, 23)) == "0457"
    assert H.vertaal("0457", date(2022, 1, 1), date(2022, 3, 24)) == "0363"


def test_a_divided_municipality_cannot_be_carried_forward() -> None:
    with pytest.raises(SplitMunicipality) as exc:
        H.vertaal("0788", date(2020, 8, 1), date(2021, 6, 1))
    assert exc.value.kandidaten == ("0757", "0824", "0855", "0865")


def test_backward_only_an_untouched_code_is_trusted() -> None:
    assert H.vertaal("0718", date(2025, 1, 1), date(2020, 1, 1)) == "0718"
    with pytest.raises(DivisionOutOfRange, match="formed or grew"):
        H.vertaal("1992", date(2025, 1, 1), date(2022, 6, 1))
    with pytest.raises(DivisionOutOfRange):  # Amsterdam grew with Weesp in 2022
        H.vertaal("0363", date(2025, 1, 1), date(2022, 1, 1))
    assert H.vertaal("0363", date(2025, 1, 1), date(2022, 3, 24)) == "0363"


def test_a_source_using_an_abolished_code_is_inconsistent() -> None:
    with pytest.raises(DivisionOutOfRange, match="disagree"):
        H.vertaal("0530", date(2025, 1, 1), date(2022, 1, 1))


@given(
    st.dates(date(2015, 1, 1), date(2030, 12, 31)), st.dates(date(2015, 1, 1), date(2030, 12, 31))
)
def test_untouched_codes_never_change(van: date, naar: date) -> None:
    assert H.vertaal("0718", van, naar) == "0718"


@given(st.dates(date(2019, 1, 1), date(2030, 12, 31)))
def test_forward_then_back_is_the_identity_where_defined(naar: date) -> None:
    van = date(2019, 1, 1)
    for rij in H.rijen:
        try:
            vooruit = H.vertaal(rij.oude_code, van, naar)
        except SplitMunicipality:
            continue
        try:
            terug = H.vertaal(vooruit, naar, van)
        except DivisionOutOfRange:
            continue  # a merged municipality cannot be taken apart again: refused, not guessed
        assert terug == rij.oude_code


def test_users_can_add_reorganisations() -> None:
    extra = H.met([Herindeling(date(2031, 1, 1), "0718", "Vlissingen", "2001", "Walcheren")])
    assert extra.vertaal("0718", date(2030, 1, 1), date(2031, 1, 1)) == "2001"
    assert H.vertaal("0718", date(2030, 1, 1), date(2031, 1, 1)) == "0718"


@pytest.mark.parametrize(
    ("tekst", "melding"),
    [
        ("datum,oud\n", "columns"),
        ("datum,oude_code,oude_naam,nieuwe_code,nieuwe_naam\n2031-13-01,0718,A,2001,B\n", "date"),
        (
            "datum,oude_code,oude_naam,nieuwe_code,nieuwe_naam\n2031-01-01,718x,A,2001,B\n",
            "gemeentecode",
        ),
        ("datum,oude_code,oude_naam,nieuwe_code,nieuwe_naam\n2031-01-01,0718,A,0718,B\n", "itself"),
        ("datum,oude_code,oude_naam,nieuwe_code,nieuwe_naam\n2031-01-01,0718,A\n", "fields"),
    ],
)
def test_a_broken_merger_table_is_refused(tmp_path: Path, tekst: str, melding: str) -> None:
    pad = tmp_path / "herindelingen.csv"
    pad.write_text(tekst, encoding="utf-8")
    with pytest.raises(InvalidSourceData, match=melding):
        laad_herindelingen(pad)


# --- the chain of sources -----------------------------------------------------------------------


def test_the_newest_table_answers_and_older_dates_fall_back() -> None:
    zoeker = Gemeentezoeker([voorbeeldindex(2025), voorbeeldindex(2022)])
    na = zoeker.zoek(zoekadres("3221AB", 4), op=date(2026, 3, 2))
    assert (na.gemeentecode, na.bron_indeling) == ("1992", date(2025, 1, 1))
    voor = zoeker.zoek(zoekadres("3221AB", 4), op=date(2022, 12, 31))
    assert (voor.gemeentecode, voor.bron) == ("0530", "CBS 2022 (synthetic sample)")
    # The 2022 table carried forward gives the same answer as the 2025 one.
    alleen_oud = Gemeentezoeker([voorbeeldindex(2022)])
    vooruit = alleen_oud.zoek(zoekadres("3221AB", 4), op=date(2026, 3, 2))
    assert (vooruit.gemeentecode, vooruit.bron_gemeentecode) == ("1992", "0530")


def test_a_date_before_the_only_table_is_refused_for_a_merged_municipality() -> None:
    zoeker = Gemeentezoeker([voorbeeldindex(2025)])
    with pytest.raises(DivisionOutOfRange):
        zoeker.gemeentecode("3221AB", 4, op=date(2022, 6, 1))
    assert zoeker.gemeentecode("4381AB", 1, op=date(2022, 6, 1)) == "0718"


def test_the_date_must_be_a_calendar_date() -> None:
    zoeker = Gemeentezoeker([voorbeeldindex()])
    with pytest.raises(InvalidAddress) as exc:
        zoeker.gemeentecode("4381AB", 1, op=datetime(2026, 3, 2, tzinfo=timezone.utc))  # type: ignore[arg-type]
    assert exc.value.veld == "datum"


class Bron:
    """A test double: answers from a dict, or raises what it was given."""

    def __init__(self, naam: str, antwoord: str | Exception, indeling: date = date(2026, 1, 1)):
        self.naam, self.antwoord, self.indeling = naam, antwoord, indeling
        self.gevraagd: list[Zoekadres] = []

    def zoek(self, adres: Zoekadres) -> str:
        self.gevraagd.append(adres)
        if isinstance(self.antwoord, Exception):
            raise self.antwoord
        return self.antwoord


def test_the_next_source_is_asked_when_one_does_not_know() -> None:
    eerste = Bron("cbs", UnknownPostcode("4381AB", 1))
    tweede = Bron("pdok", "0718")
    vondst = Gemeentezoeker([eerste, tweede]).zoek(zoekadres("4381AB", 1, "a"), op=date(2026, 3, 2))
    assert (vondst.gemeentecode, vondst.bron) == ("0718", "pdok")
    assert tweede.gevraagd[0].huisletter == "A"  # the letter reaches the sources that know it


@pytest.mark.parametrize(
    ("fouten", "verwacht"),
    [
        ([UnknownPostcode("4381AB", 1), UnknownHouseNumber("4381AB", 1)], UnknownHouseNumber),
        ([UnknownPostcode("4381AB", 1), SourceError("pdok down")], SourceError),
        ([SourceError("pdok down"), AmbiguousAddress("two", ["0718", "0687"])], AmbiguousAddress),
        ([UnknownPostcode("4381AB", 1), UnknownPostcode("4381AB", 1)], UnknownPostcode),
    ],
)
def test_when_all_sources_fail_the_most_useful_error_is_raised(
    fouten: list[Exception], verwacht: type[Exception]
) -> None:
    zoeker = Gemeentezoeker([Bron(f"b{i}", f) for i, f in enumerate(fouten)])
    with pytest.raises(verwacht):
        zoeker.gemeentecode("4381AB", 1, op=date(2026, 3, 2))


def test_invalid_input_stops_before_any_source_is_asked() -> None:
    bron = Bron("cbs", "0718")
    with pytest.raises(InvalidAddress):
        Gemeentezoeker([bron]).gemeentecode("4381AB", 1, "ab", op=date(2026, 3, 2))
    assert bron.gevraagd == []


def test_a_custom_merger_table_is_used() -> None:
    tabel = Herindelingen([Herindeling(date(2026, 1, 1), "0718", "Vlissingen", "2001", "W")])
    zoeker = Gemeentezoeker([Bron("oud", "0718", date(2025, 1, 1))], tabel)
    assert zoeker.gemeentecode("4381AB", 1, op=date(2026, 1, 1)) == "2001"
    assert zoeker.gemeentecode("4381AB", 1, op=date(2025, 12, 31)) == "0718"


@pytest.mark.parametrize(
    ("args", "veld"),
    [
        (("4381AB", 1, "1"), "huisletter"),
        (("4381AB", 1, "AB"), "huisletter"),
        (("4381AB", 1, None, "12345"), "huisnummertoevoeging"),
        (("4381AB", 1, None, "a-1"), "huisnummertoevoeging"),
    ],
)
def test_letters_and_additions_are_checked(args: tuple[object, ...], veld: str) -> None:
    with pytest.raises(InvalidAddress) as exc:
        zoekadres(*args)  # type: ignore[arg-type]
    assert exc.value.veld == veld
