"""Hypothesis strategies that generate valid, synthetic identifiers and messages.

Vendors use them to property-test their own code; our tests use them for round trips and schema
agreement. Every BSN generated lies in the 9999xxxxx range, which the RvIG reserves for test persons,
so no generated value is a real person's number.

>>> from hypothesis import given
>>> from warm_referral.identifiers import bsn
>>> @given(bsns())
... def test_bsn(value):
...     assert bsn.is_valid(value)
>>> test_bsn()
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from hypothesis import strategies as st

from .._tijd import amsterdamse_datum
from .._version import SPEC_VERSIES
from ..models import (
    BERICHTTYPES,
    BSN_TOEGESTAAN,
    SINDS_1_1_GRONDSLAGEN,
    SINDS_1_1_SOORTEN,
    TOEGESTANE_GRONDSLAGEN,
    Achterstand,
    Adres,
    Advies,
    Afsprakenprofielverwijzing,
    Bericht,
    Betaalgedragmelding,
    Contactpersoon,
    Contactsoort,
    Crisis,
    Crisissoort,
    Dagdeel,
    Doorzending,
    Eindresultaat,
    Fout,
    Foutbericht,
    Geldbedrag,
    Grondslag,
    Hulpvrager,
    Incassostopwijziging,
    Incassostopwijzigingsreden,
    IngrijpendeMaatregel,
    Intrekking,
    Intrekkingsreden,
    Maatregel,
    Mijlpaal,
    NietOpgepakt,
    NietOpgepaktReden,
    Ontvangstbevestiging,
    Partij,
    Periode,
    SoortIncassostopwijziging,
    SoortVerwijzer,
    Statusbericht,
    Statusverzoek,
    Toestemming,
    Toestemmingskanaal,
    Toestemmingsreikwijdte,
    Verwijzing,
)

__all__ = [
    "berichten",
    "bsns",
    "gemeentecodes",
    "gemeenten",
    "kvk_nummers",
    "oins",
    "organisaties",
    "postcodes",
    "tijdstippen",
    "verwijzingen",
]

T = TypeVar("T")

_DIGITS = "0123456789"
_EPOCH_START = datetime(2000, 1, 1, tzinfo=timezone.utc)
_EPOCH_END = datetime(2099, 12, 31, tzinfo=timezone.utc)


def _bsn_from(prefix8: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(prefix8, range(9, 1, -1), strict=True))
    check = total % 11
    return None if check == 10 else prefix8 + str(check)


@st.composite
def bsns(draw: st.DrawFn) -> str:
    """Valid BSNs in the test range 9999xxxxx (never issued to real people)."""
    tail = draw(st.text(_DIGITS, min_size=4, max_size=4))
    bsn = _bsn_from("9999" + tail)
    if bsn is None:  # 1 in 11 prefixes has no valid check digit
        bsn = _bsn_from("9999" + tail[:3] + str((int(tail[3]) + 1) % 10))
    assert bsn is not None
    return bsn


def postcodes() -> st.SearchStrategy[str]:
    letters = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2).filter(
        lambda p: p not in ("SA", "SD", "SS")
    )
    return st.builds(
        lambda head, rest, tail: head + rest + tail,
        st.sampled_from("123456789"),
        st.text(_DIGITS, min_size=3, max_size=3),
        letters,
    )


def kvk_nummers() -> st.SearchStrategy[str]:
    return st.text(_DIGITS, min_size=8, max_size=8)


def oins() -> st.SearchStrategy[str]:
    return st.text(_DIGITS, min_size=20, max_size=20)


def gemeentecodes() -> st.SearchStrategy[str]:
    return st.text(_DIGITS, min_size=4, max_size=4)


def _namen(max_size: int = 40) -> st.SearchStrategy[str]:
    word = st.text("abcdefghijklmnopqrstuvwxyzéëïöüçÅ'-", min_size=1, max_size=12)
    return (
        st.lists(word, min_size=1, max_size=4)
        .map(" ".join)
        .map(lambda s: s[:max_size].strip())
        .filter(bool)
    )


def _teksten(max_size: int) -> st.SearchStrategy[str]:
    """Free text: any character but controls (tab, line feed and carriage return are allowed)."""
    letters = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")) | st.sampled_from(
        "\t\n\r"
    )
    return st.text(letters, min_size=1, max_size=max_size)


def _referenties() -> st.SearchStrategy[str]:
    return st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:/-]{0,20}\Z")


def _telefoonnummers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(_DIGITS, min_size=8, max_size=8).map(lambda s: "06" + s),
        st.text(_DIGITS, min_size=8, max_size=8).map(lambda s: "+316" + s),
    )


def _emails() -> st.SearchStrategy[str]:
    return st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,15}@[a-z0-9-]{1,15}\.(nl|com|org)\Z")


def _optioneel(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.one_of(st.none(), strategy)


def tijdstippen(
    min_value: datetime = _EPOCH_START, max_value: datetime = _EPOCH_END
) -> st.SearchStrategy[datetime]:
    """Aware timestamps with assorted offsets (as peers send them), second resolution or finer."""
    offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    return st.builds(
        lambda moment, tz: moment.astimezone(tz),
        st.datetimes(
            min_value=min_value.replace(tzinfo=None), max_value=max_value.replace(tzinfo=None)
        ).map(lambda d: d.replace(tzinfo=timezone.utc)),
        offsets,
    )


def organisaties() -> st.SearchStrategy[Partij]:
    return st.builds(
        Partij,
        naam=_namen(),
        oin=_optioneel(oins()),
        kvk_nummer=kvk_nummers(),
        vestigingsnummer=_optioneel(st.text(_DIGITS, min_size=12, max_size=12)),
    )


def gemeenten() -> st.SearchStrategy[Partij]:
    return st.builds(
        Partij,
        naam=_namen().map(lambda n: ("Gemeente " + n)[:40].strip()),
        oin=_optioneel(oins()),
        gemeentecode=gemeentecodes(),
    )


def _adressen() -> st.SearchStrategy[Adres]:
    return st.builds(
        Adres,
        straatnaam=_namen(),
        huisnummer=st.integers(1, 99999),
        huisletter=_optioneel(st.sampled_from("ABCabc")),
        huisnummertoevoeging=_optioneel(st.from_regex(r"\A[A-Za-z0-9]{1,4}\Z")),
        postcode=postcodes(),
        woonplaats=_namen(),
    )


def _bedragen() -> st.SearchStrategy[Geldbedrag]:
    cents = st.integers(1, 99_999_999_999)
    return cents.map(lambda c: Geldbedrag(waarde=Decimal(c).scaleb(-2), valuta="EUR"))


@st.composite
def _envelop(
    draw: st.DrawFn, *, naar_gemeente: bool, nu: datetime | None = None, antwoord: bool = False
) -> dict[str, Any]:
    creditor, gemeente = draw(organisaties()), draw(gemeenten())
    afzender, ontvanger = (creditor, gemeente) if naar_gemeente else (gemeente, creditor)
    velden: dict[str, Any] = {
        "bericht_id": draw(st.uuids()),
        "spec_versie": draw(st.sampled_from(SPEC_VERSIES)),
        "aangemaakt_op": nu if nu is not None else draw(tijdstippen()),
        "afzender": afzender,
        "ontvanger": ontvanger,
        "conversatie_id": draw(st.uuids()),
    }
    cross: UUID | None = draw(st.uuids()) if antwoord else draw(_optioneel(st.uuids()))
    if cross is not None:
        velden["cross_referentie"] = cross
    return velden


@st.composite
def verwijzingen(draw: st.DrawFn, soort: SoortVerwijzer | None = None) -> Verwijzing:
    """Valid referrals: every cross-field rule holds (ground fits the referrer, dates agree...)."""
    soort = soort if soort is not None else draw(st.sampled_from(SoortVerwijzer))
    grondslag = draw(st.sampled_from(sorted(TOEGESTANE_GRONDSLAGEN[soort], key=lambda g: g.value)))
    verwezen_op = draw(tijdstippen(min_value=datetime(2001, 1, 1, tzinfo=timezone.utc)))
    aangemaakt_op = verwezen_op + draw(st.timedeltas(timedelta(0), timedelta(days=2)))
    verwijsdatum = amsterdamse_datum(verwezen_op)
    toestemming = None
    if grondslag is Grondslag.TOESTEMMING:
        reikwijdte = [
            Toestemmingsreikwijdte.CONTACTGEGEVENS,
            Toestemmingsreikwijdte.BETALINGSACHTERSTAND,
        ]
        if draw(st.booleans()):
            reikwijdte.append(Toestemmingsreikwijdte.STATUSTERUGMELDING)
        toestemming = Toestemming(
            vastgelegd_op=verwezen_op - draw(st.timedeltas(timedelta(0), timedelta(days=30))),
            kanaal=draw(st.sampled_from(Toestemmingskanaal)),
            tekstversie=draw(_referenties()),
            reikwijdte=draw(st.permutations(reikwijdte)),
        )
    crisissignaal = draw(st.booleans())
    hulpvrager = Hulpvrager(
        voorletters=draw(_optioneel(st.from_regex(r"\A([A-Z]\.){1,4}\Z"))),
        voornamen=draw(_optioneel(_namen())),
        voorvoegsel=draw(_optioneel(st.sampled_from(["van", "de", "van der", "ter", "'t"]))),
        geslachtsnaam=draw(_namen()),
        geboortedatum=draw(
            _optioneel(
                st.dates(date(1900, 1, 1), amsterdamse_datum(aangemaakt_op) - timedelta(days=1))
            )
        ),
        bsn=draw(_optioneel(bsns())) if soort in BSN_TOEGESTAAN else None,
        adres=draw(_adressen()),
        telefoonnummer=draw(_optioneel(_telefoonnummers())),
        email=draw(_optioneel(_emails())),
        voorkeur_contactsoort=draw(_optioneel(st.sampled_from(Contactsoort))),
        voorkeur_dagdeel=draw(_optioneel(st.sampled_from(Dagdeel))),
    )
    envelop = draw(_envelop(naar_gemeente=True, nu=aangemaakt_op))
    if soort in SINDS_1_1_SOORTEN or (soort, grondslag) in SINDS_1_1_GRONDSLAGEN:
        envelop["spec_versie"] = SPEC_VERSIES[1]  # what 1.1 added needs 1.1
    return Verwijzing(
        **envelop,
        verwijzing_id=draw(_referenties()),
        verwezen_op=verwezen_op,
        soort_verwijzer=soort,
        grondslag=grondslag,
        toestemming=toestemming,
        hulpvrager=hulpvrager,
        achterstand=Achterstand(
            bedrag=draw(_bedragen()),
            ontstaansdatum=draw(st.dates(date(1990, 1, 1), verwijsdatum)),
            klantnummer=draw(_referenties()),
            factuurnummers=draw(_optioneel(st.lists(_referenties(), min_size=1, max_size=5))),
        ),
        crisissignaal=crisissignaal,
        crisis=Crisis(
            soort=draw(st.sampled_from(Crisissoort)),
            voorgenomen_datum=draw(
                _optioneel(st.dates(verwijsdatum, verwijsdatum + timedelta(60)))
            ),
        )
        if crisissignaal
        else None,
        incassostop=Periode(ingangsdatum=verwijsdatum, einddatum=verwijsdatum + timedelta(days=30)),
        contactpersoon=Contactpersoon(
            naam=draw(_namen()),
            functie=draw(_optioneel(_namen())),
            telefoonnummer=draw(_telefoonnummers()),
            email=draw(_optioneel(_emails())),
        ),
        toelichting=draw(_optioneel(_teksten(200))),
    )


@st.composite
def _ontvangstbevestigingen(draw: st.DrawFn) -> Ontvangstbevestiging:
    ontvangen_op = draw(tijdstippen())
    dag = amsterdamse_datum(ontvangen_op)
    envelop = draw(_envelop(naar_gemeente=False, antwoord=True))
    te_laat = True if envelop["spec_versie"] == SPEC_VERSIES[1] and draw(st.booleans()) else None
    return Ontvangstbevestiging(
        **envelop,
        te_laat=te_laat,
        verwijzing_id=draw(_referenties()),
        ontvangen_op=ontvangen_op,
        contactdeadline=ontvangen_op + draw(st.timedeltas(timedelta(seconds=1), timedelta(days=9))),
        incassostop=Periode(ingangsdatum=dag, einddatum=dag + timedelta(days=30)),
        afsprakenprofiel=Afsprakenprofielverwijzing(
            naam=draw(_referenties()), versie=draw(_referenties())
        ),
    )


@st.composite
def _statusberichten(draw: st.DrawFn) -> Statusbericht:
    mijlpaal = draw(st.sampled_from(Mijlpaal))
    return Statusbericht(
        **draw(_envelop(naar_gemeente=False)),
        verwijzing_id=draw(_referenties()),
        mijlpaal=mijlpaal,
        datum=draw(st.dates(date(2000, 1, 1), date(2099, 12, 31))),
        eindresultaat=draw(st.sampled_from(Eindresultaat))
        if mijlpaal is Mijlpaal.AFGESLOTEN
        else None,
        advies_incassostop=draw(_optioneel(st.sampled_from(Advies))),
    )


@st.composite
def _doorzendingen(draw: st.DrawFn) -> Doorzending:
    envelop = draw(_envelop(naar_gemeente=False))
    nieuwe = draw(gemeenten().filter(lambda g: g.gemeentecode != envelop["afzender"].gemeentecode))
    return Doorzending(
        **envelop,
        verwijzing_id=draw(_referenties()),
        nieuwe_gemeente=nieuwe,
        datum=draw(st.dates(date(2000, 1, 1), date(2099, 12, 31))),
    )


@st.composite
def _foutberichten(draw: st.DrawFn) -> Foutbericht:
    return Foutbericht(
        **draw(_envelop(naar_gemeente=draw(st.booleans()))),
        verwijzing_id=draw(_optioneel(_referenties())),
        type=draw(
            st.sampled_from(["about:blank", "https://standaarden.nvvk.nl/problemen/ongeldig"])
        ),
        title=draw(_namen()),
        status=draw(st.integers(400, 599)),
        detail=draw(_optioneel(_namen())),
        instance=draw(_optioneel(st.uuids().map(lambda u: f"urn:uuid:{u}"))),
        fouten=draw(
            st.lists(
                st.builds(
                    Fout,
                    pointer=st.lists(st.from_regex(r"\A[a-zA-Z0-9]{1,10}\Z"), max_size=3).map(
                        lambda p: "".join("/" + s for s in p)
                    ),
                    code=st.from_regex(r"\A[a-z_]{1,30}\Z"),
                    melding=_namen(),
                ),
                max_size=5,
            )
        ),
    )


@st.composite
def _betaalgedragmeldingen(draw: st.DrawFn) -> Betaalgedragmelding:
    envelop = draw(_envelop(naar_gemeente=True))
    maatregelen = None
    if envelop["spec_versie"] == SPEC_VERSIES[1]:
        maatregelen = draw(
            _optioneel(
                st.lists(
                    st.builds(
                        Maatregel,
                        soort=st.sampled_from(IngrijpendeMaatregel),
                        genomen=st.booleans(),
                    ),
                    min_size=1,
                    max_size=4,
                    unique_by=lambda m: m.soort,
                )
            )
        )
    return Betaalgedragmelding(
        **envelop,
        verwijzing_id=draw(_referenties()),
        peildatum=draw(_datums()),
        regulier_betaald=draw(st.booleans()),
        openstaand_bedrag=draw(_optioneel(_bedragen())),
        ingrijpende_maatregelen=maatregelen,
    )


def _datums() -> st.SearchStrategy[date]:
    return st.dates(date(2000, 1, 1), date(2099, 12, 31))


def _berichten_per_type() -> dict[str, st.SearchStrategy[Any]]:
    naar_gemeente = _envelop(naar_gemeente=True)
    naar_schuldeiser = _envelop(naar_gemeente=False)
    ref = _referenties()
    tekst = _optioneel(_teksten(100))

    def met(cls: type[Bericht], envelop: st.SearchStrategy[dict[str, Any]], **velden: Any) -> Any:
        return st.builds(lambda e, **v: cls(**e, **v), envelop, verwijzing_id=ref, **velden)

    return {
        "Verwijzing": verwijzingen(),
        "Ontvangstbevestiging": _ontvangstbevestigingen(),
        "NietOpgepakt": met(
            NietOpgepakt,
            naar_schuldeiser,
            reden=st.sampled_from(NietOpgepaktReden),
            datum=_datums(),
        ),
        "Doorzending": _doorzendingen(),
        "Statusbericht": _statusberichten(),
        "Statusverzoek": met(Statusverzoek, naar_gemeente),
        "Intrekking": met(
            Intrekking, naar_gemeente, reden=st.sampled_from(Intrekkingsreden), toelichting=tekst
        ),
        "Incassostopwijziging": met(
            Incassostopwijziging,
            naar_gemeente,
            soort=st.sampled_from(SoortIncassostopwijziging),
            einddatum=_datums(),
            reden=st.sampled_from(Incassostopwijzigingsreden),
            toelichting=tekst,
        ),
        "Betaalgedragmelding": _betaalgedragmeldingen(),
        "Foutbericht": _foutberichten(),
    }


_PER_TYPE: dict[str, st.SearchStrategy[Any]] | None = None


def berichten(berichttype: str | None = None) -> st.SearchStrategy[Bericht]:
    """Valid messages of one ``berichttype``, or of any type."""
    global _PER_TYPE
    if _PER_TYPE is None:
        _PER_TYPE = _berichten_per_type()
        assert set(_PER_TYPE) == set(BERICHTTYPES), "a message type has no strategy"
    if berichttype is not None:
        return _PER_TYPE[berichttype]
    return st.one_of(*_PER_TYPE.values())
