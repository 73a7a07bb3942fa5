"""Synthetic referrals at pilot scale and beyond, reproducible by seed: for tests, demo and bench.

The pilot region: one drinking-water company and 7 debt-help organisations serving 13
municipalities in Zuid-Holland and Zeeland (real CBS gemeentecodes; the organisations' names are
made up). Referrals fall on werkdagen of the Atw calendar, so holidays and weekends stretch the
calendar days to contact; some residents are never reached, some refuse help, some referrals are
not taken up, forwarded or withdrawn. Everything is synthetic: no real person, no real case.

A referral is first drawn as a :class:`Verloop` (the facts and the dated steps). It then becomes a
:class:`~.historie.Verwijzingshistorie` directly (:func:`historie_uit_verloop`, fast: used for a
million histories) or through a real :class:`~warm_referral.lifecycle.Verwijzingsdossier`
(:func:`dossier_uit_verloop`, slow: the tests check that both give the same history).
"""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TypeAlias

from .._tijd import AMSTERDAM, amsterdamse_datum, format_tijdstip
from ..calendar import Werkdagkalender, standaard_kalender
from ..lifecycle import (
    Afsluiting,
    ContactGestaakt,
    Contactpoging,
    DdasEindresultaat,
    HulpAangeboden,
    Hulpbesluit,
    NietOppakken,
    Oppakken,
    Toestand,
)
from ..lifecycle.ddas import EINDRESULTAAT_BIJ_INTREKKING, NIET_OPGEPAKT_EINDRESULTAAT
from ..models.enums import (
    Contactsoort,
    Dagdeel,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    SoortVerwijzer,
)
from .historie import (
    HISTORIE_FORMAAT,
    Verwijzingshistorie,
)

if TYPE_CHECKING:
    from ..lifecycle import Verwijzingsdossier
    from ..models import Verwijzing

__all__ = [
    "PILOTREGIO",
    "PILOT_SCHULDEISER",
    "UITBREIDING",
    "Doorzendingstap",
    "Gemeente",
    "Intrekkingstap",
    "Schuldeiser",
    "Verloop",
    "dossier_uit_verloop",
    "historie_json_uit_verloop",
    "historie_uit_verloop",
    "synthetische_basislijn",
    "synthetische_historien",
    "synthetische_regels",
    "verlopen",
]


@dataclass(frozen=True, slots=True)
class Gemeente:
    code: str
    naam: str
    organisatie: str
    """The (made-up) organisation that does debt help for it."""
    gewicht: int
    """Relative number of referrals (roughly the number of households)."""


#: 13 municipalities of the Zuid-Holland and Zeeland pilot area, served by 7 organisations.
PILOTREGIO: tuple[Gemeente, ...] = (
    Gemeente("0599", "Rotterdam", "Schuldhulp Rotterdam", 300),
    Gemeente("0606", "Schiedam", "Schuldhulp Waterweg", 40),
    Gemeente("0622", "Vlaardingen", "Schuldhulp Waterweg", 38),
    Gemeente("0556", "Maassluis", "Schuldhulp Waterweg", 17),
    Gemeente("1930", "Nissewaard", "Schuldhulp Voorne-Putten", 45),
    Gemeente("1992", "Voorne aan Zee", "Schuldhulp Voorne-Putten", 31),
    Gemeente("0687", "Middelburg", "Schuldhulp Walcheren", 23),
    Gemeente("0718", "Vlissingen", "Schuldhulp Walcheren", 22),
    Gemeente("0717", "Veere", "Schuldhulp Walcheren", 10),
    Gemeente("0664", "Goes", "Schuldhulp De Bevelanden", 18),
    Gemeente("0703", "Reimerswaal", "Schuldhulp De Bevelanden", 9),
    Gemeente("0715", "Terneuzen", "Schuldhulp Zeeuws-Vlaanderen", 24),
    Gemeente("1676", "Schouwen-Duiveland", "Schuldhulp Schouwen-Duiveland", 15),
)


@dataclass(frozen=True, slots=True)
class Schuldeiser:
    naam: str
    kvk_nummer: str
    soort: SoortVerwijzer
    grondslagen: tuple[tuple[Grondslag, int], ...]
    """The grounds it uses, with relative weights."""
    gewicht: int
    vanaf: date
    """The first day it refers (creditors join the network over time)."""


PILOT_SCHULDEISER = Schuldeiser(
    "Drinkwaterbedrijf Zuidwest",
    "90000001",
    SoortVerwijzer.WATER,
    ((Grondslag.AFSLUITREGELING, 85), (Grondslag.TOESTEMMING, 15)),
    100,
    date(2023, 2, 1),
)
#: Creditors that join after the pilot ("and beyond"): other kinds, other grounds.
UITBREIDING: tuple[Schuldeiser, ...] = (
    Schuldeiser(
        "Energieleverancier Delta",
        "90000002",
        SoortVerwijzer.ENERGIE,
        ((Grondslag.AFSLUITREGELING, 70), (Grondslag.TOESTEMMING, 30)),
        60,
        date(2024, 7, 1),
    ),
    Schuldeiser(
        "Woningcorporatie Maasoever",
        "90000003",
        SoortVerwijzer.HUUR,
        ((Grondslag.BESLUIT_SCHULDHULPVERLENING, 90), (Grondslag.TOESTEMMING, 10)),
        50,
        date(2024, 10, 1),
    ),
    Schuldeiser(
        "Zorgverzekeraar Kust",
        "90000004",
        SoortVerwijzer.ZORG,
        ((Grondslag.TOESTEMMING, 100),),
        30,
        date(2025, 1, 1),
    ),
)


@dataclass(frozen=True, slots=True)
class Doorzendingstap:
    """The referral goes to the municipality where the resident lives."""

    datum: date
    gemeentecode: str


@dataclass(frozen=True, slots=True)
class Intrekkingstap:
    datum: date
    reden: Intrekkingsreden


@dataclass(frozen=True, slots=True)
class Betaalgedragstap:
    datum: date
    regulier_betaald: bool


Stap: TypeAlias = (
    Oppakken
    | NietOppakken
    | Contactpoging
    | ContactGestaakt
    | HulpAangeboden
    | Hulpbesluit
    | Afsluiting
    | Doorzendingstap
    | Intrekkingstap
    | Betaalgedragstap
)


@dataclass(frozen=True, slots=True)
class Verloop:
    """One synthetic referral: its facts and its dated steps, in order."""

    verwijzing_id: str
    gemeente: Gemeente
    schuldeiser: Schuldeiser
    grondslag: Grondslag
    crisis: bool
    verwezen_op: datetime
    ontvangen_op: datetime
    stappen: tuple[Stap, ...]


class _Keuze:
    """Options with relative weights, drawn by one uniform number (faster than rng.choices)."""

    __slots__ = ("cum", "totaal", "waarden")

    def __init__(self, opties: Iterable[tuple[Any, int]]) -> None:
        paren = list(opties)
        self.waarden = [o for o, _ in paren]
        self.cum = list(accumulate(w for _, w in paren))
        self.totaal = self.cum[-1]

    def trek(self, rng: random.Random) -> Any:
        return self.waarden[bisect_right(self.cum, rng.random() * self.totaal)]


_NIET_OPGEPAKT = _Keuze(
    [
        (NietOpgepaktReden.HERHAALDE_MELDING, 45),
        (NietOpgepaktReden.ANDERE_REDEN, 25),
        (NietOpgepaktReden.ONTERECHT_SIGNAAL, 15),
        (NietOpgepaktReden.GEEN_INWONER, 10),
        (NietOpgepaktReden.OVERLEDEN, 5),
    ]
)
#: Werkdagen from receipt to the first contact attempt (the pilot promises at most 3).
_EERSTE_POGING = _Keuze([(0, 18), (1, 34), (2, 22), (3, 13), (4, 6), (5, 4), (6, 2), (8, 1)])
_SOORT_POGING = _Keuze(
    [
        (Contactsoort.TELEFOON, 60),
        (Contactsoort.SMS_WHATSAPP, 15),
        (Contactsoort.BRIEF, 10),
        (Contactsoort.HUISBEZOEK, 10),
        (Contactsoort.MAIL, 5),
    ]
)
_DAGDEEL = _Keuze([(Dagdeel.OCHTEND, 45), (Dagdeel.MIDDAG, 45), (Dagdeel.AVOND, 10)])
_HULP_RESULTAAT = _Keuze(
    [
        (DdasEindresultaat.VERVOLGHULP_FINANCIEEL, 45),
        (DdasEindresultaat.BUDGETADVIES_OF_QUICK_FIX, 30),
        (DdasEindresultaat.VERVOLGHULP_NIET_FINANCIEEL, 15),
        (DdasEindresultaat.VERVOLGHULP, 10),
    ]
)
_ZONDER_AANBOD = _Keuze(
    [
        (DdasEindresultaat.REGELT_HET_ZELF, 50),
        (DdasEindresultaat.ZELF_BETAALD, 30),
        (DdasEindresultaat.ANDER_LOPEND_TRAJECT, 20),
    ]
)
_INTREKKING = _Keuze(
    [(Intrekkingsreden.BETAALD, 80), (Intrekkingsreden.TEN_ONRECHTE_VERZONDEN, 20)]
)
_GEMEENTEN = _Keuze((g, g.gewicht) for g in PILOTREGIO)
_PARTNERS = _Keuze([("Energie", 30), ("Huur", 25), ("Water", 20), ("Zorg", 25)])
_BASIS_POGING = _Keuze(
    [
        (Contactsoort.BRIEF.value, 40),
        (Contactsoort.TELEFOON.value, 45),
        (Contactsoort.HUISBEZOEK.value, 15),
    ]
)


def _werkdag_op_of_na(kal: Werkdagkalender, d: date) -> date:
    return kal.werkdag_vanaf(d)


@lru_cache(maxsize=64)
def _keuze_uit(opties: tuple[tuple[Any, int], ...]) -> _Keuze:
    """The same draw as ``_Keuze(opties)``, built once per set of options."""
    return _Keuze(opties)


class _Actief:
    """The creditors that refer on a day, as a draw by weight: built once per first day."""

    __slots__ = ("drempels", "keuzes")

    def __init__(self, schuldeisers: Sequence[Schuldeiser]) -> None:
        self.drempels = sorted({s.vanaf for s in schuldeisers})
        self.keuzes = [
            _Keuze((s, s.gewicht) for s in schuldeisers if s.vanaf <= drempel)
            for drempel in self.drempels
        ]

    def op(self, dag: date) -> _Keuze | None:
        i = bisect_right(self.drempels, dag)
        return self.keuzes[i - 1] if i else None


def _verloop(
    rng: random.Random,
    nummer: int,
    van: date,
    tot: date,
    kal: Werkdagkalender,
    schuldeisers: _Actief,
) -> Verloop:
    # The referral: a werkdag in [van, tot] on which one of the active creditors refers.
    while True:
        dag = van + timedelta(days=rng.randrange((tot - van).days + 1))
        dag = _werkdag_op_of_na(kal, dag)
        actief = schuldeisers.op(dag)
        if dag <= tot and actief is not None:
            break
    schuldeiser: Schuldeiser = actief.trek(rng)
    gemeente: Gemeente = _GEMEENTEN.trek(rng)
    grondslag: Grondslag = _keuze_uit(schuldeiser.grondslagen).trek(rng)
    minuut = rng.randrange(8 * 60 + 30, 17 * 60)
    verwezen_op = datetime.combine(dag, time(minuut // 60, minuut % 60), tzinfo=AMSTERDAM)
    ontvangen_op = verwezen_op + timedelta(seconds=rng.randrange(1, 900))
    start = amsterdamse_datum(ontvangen_op)
    stappen: list[Stap] = []
    d = start

    def volgende(werkdagen: int) -> date:
        return d if werkdagen == 0 else kal.werkdag_na(d, werkdagen)

    lot = rng.random()
    if lot < 0.02:  # lives elsewhere: forwarded
        d = volgende(rng.randrange(0, 3))
        andere = rng.choice([g for g in PILOTREGIO if g is not gemeente])
        stappen.append(Doorzendingstap(d, andere.code))
    elif lot < 0.07:  # not taken up
        d = volgende(rng.randrange(0, 3))
        stappen.append(NietOppakken(d, _NIET_OPGEPAKT.trek(rng)))
    elif lot < 0.09:  # already known to debt help
        d = volgende(rng.randrange(0, 3))
        stappen.append(Afsluiting(d, DdasEindresultaat.AL_BEKEND))
    else:
        stappen.extend(_contact(rng, kal, start))
    # The creditor withdraws a few (the arrears were paid), before the municipality closes.
    if rng.random() < 0.03 and len(stappen) > 1:
        knip = rng.randrange(0, len(stappen) - 1)
        del stappen[knip + 1 :]
        laatste = _datum(stappen[-1]) if stappen else start
        stappen.append(
            Intrekkingstap(laatste + timedelta(days=rng.randrange(0, 5)), _INTREKKING.trek(rng))
        )
    # The creditor reports payment behaviour about three months after the referral.
    if rng.random() < 0.6:
        aanvaard = any(isinstance(s, Hulpbesluit) and s.aanvaard for s in stappen)
        kans = 0.7 if aanvaard else 0.4
        stappen.append(
            Betaalgedragstap(dag + timedelta(days=rng.randrange(80, 100)), rng.random() < kans)
        )
    stappen.sort(key=_datum)  # stable: same-day steps keep their order
    return Verloop(
        verwijzing_id=f"SYN-{dag.year}-{nummer:07d}",
        gemeente=gemeente,
        schuldeiser=schuldeiser,
        grondslag=grondslag,
        crisis=rng.random() < 0.05,
        verwezen_op=verwezen_op,
        ontvangen_op=ontvangen_op,
        stappen=tuple(s for s in stappen if _datum(s) <= tot),
    )


def _datum(stap: Stap) -> date:
    return stap.datum


def _contact(rng: random.Random, kal: Werkdagkalender, start: date) -> list[Stap]:
    stappen: list[Stap] = []
    d = start
    if rng.random() < 0.3:
        stappen.append(Oppakken(d))
    eerste = _EERSTE_POGING.trek(rng)
    d = d if eerste == 0 else kal.werkdag_na(d, eerste)
    # Warm referrals: the creditor just spoke to the resident, so most are reached early.
    maximum = rng.randrange(3, 6)
    bereikt = False
    for poging in range(maximum):
        if poging:
            d = kal.werkdag_na(d, rng.randrange(1, 4))
        bereikt = rng.random() < (0.55 if poging == 0 else 0.35)
        stappen.append(Contactpoging(d, _SOORT_POGING.trek(rng), _DAGDEEL.trek(rng), bereikt))
        if bereikt:
            break
    if not bereikt:
        d = kal.werkdag_na(d, rng.randrange(1, 4))
        stappen.append(ContactGestaakt(d))
        d = kal.werkdag_na(d, rng.randrange(1, 6))
        stappen.append(Afsluiting(d, DdasEindresultaat.DEFINITIEF_GEEN_CONTACT))
        return stappen
    if rng.random() < 0.2:  # reached, but no help offered
        d = d + timedelta(days=rng.randrange(0, 15))
        stappen.append(Afsluiting(d, _ZONDER_AANBOD.trek(rng)))
        return stappen
    d = d + timedelta(days=rng.randrange(0, 11))
    stappen.append(HulpAangeboden(d))
    d = d + timedelta(days=rng.randrange(0, 15))
    aanvaard = rng.random() < 0.7
    stappen.append(Hulpbesluit(d, aanvaard))
    d = d + timedelta(days=rng.randrange(20, 120))
    resultaat = _HULP_RESULTAAT.trek(rng) if aanvaard else DdasEindresultaat.REGELT_HET_ZELF
    stappen.append(Afsluiting(d, resultaat))
    return stappen


def verlopen(
    aantal: int,
    *,
    seed: int,
    van: date,
    tot: date,
    uitbreiding: bool = False,
    kalender: Werkdagkalender | None = None,
) -> Iterator[Verloop]:
    """``aantal`` synthetic referrals made between ``van`` and ``tot`` (steps after ``tot`` have
    not happened yet). ``uitbreiding`` adds the creditors that join after the pilot."""
    if tot < van:
        raise ValueError(f"tot {tot} lies before van {van}")
    rng = random.Random(seed)
    kal = kalender if kalender is not None else standaard_kalender()
    schuldeisers = (PILOT_SCHULDEISER, *UITBREIDING) if uitbreiding else (PILOT_SCHULDEISER,)
    if not any(s.vanaf <= tot for s in schuldeisers):
        raise ValueError(f"no creditor refers before {tot}")
    actief = _Actief(schuldeisers)
    for nummer in range(1, aantal + 1):
        yield _verloop(rng, nummer, van, tot, kal, actief)


def synthetische_historien(
    aantal: int,
    *,
    seed: int,
    van: date,
    tot: date,
    uitbreiding: bool = False,
) -> Iterator[Verwijzingshistorie]:
    """:func:`verlopen` made into histories directly."""
    for v in verlopen(aantal, seed=seed, van=van, tot=tot, uitbreiding=uitbreiding):
        yield historie_uit_verloop(v)


def synthetische_regels(
    aantal: int,
    *,
    seed: int,
    van: date,
    tot: date,
    uitbreiding: bool = False,
) -> Iterator[str]:
    """The JSON Lines of :func:`synthetische_historien` (without newlines), written directly from
    the drawn facts: the same text, several times faster (for the bench's million histories)."""
    for v in verlopen(aantal, seed=seed, van=van, tot=tot, uitbreiding=uitbreiding):
        yield historie_json_uit_verloop(v)


# --- a Verloop as a history, directly ---------------------------------------------------------------

#: States in which a contact attempt that reaches the resident moves the referral to BEREIKT.
_VOOR_BEREIKT = frozenset(
    {Toestand.ONTVANGEN, Toestand.OPGEPAKT, Toestand.CONTACTPOGINGEN, Toestand.NIET_BEREIKT}
)


def historie_uit_verloop(v: Verloop) -> Verwijzingshistorie:
    """The history the municipality's record would give for ``v`` (the tests check that it
    does): its JSON line, validated."""
    return Verwijzingshistorie.model_validate_json(historie_json_uit_verloop(v), strict=True)


def historie_json_uit_verloop(v: Verloop) -> str:
    """The JSON line of ``v``'s history, written without building the models (the tests check
    that it is the text ``naar_json`` writes)."""
    return _JSON(_historie_velden(v))


# One member after another in the model's order, each with its own absent-or-wire-form test: split
# into helpers it would read less directly and cost a call per member in the generator's hot loop.
def _historie_velden(v: Verloop) -> dict[str, Any]:  # noqa: C901
    """The members of ``v``'s history by wire name and in wire form (str enumeration members
    encode as their value), in the model's order, absent ones left out."""
    from ..deadlines import contact_deadline

    ontvangen_op: str | None = format_tijdstip(v.ontvangen_op)
    deadline: str | None = format_tijdstip(contact_deadline(v.ontvangen_op))
    toestand = Toestand.ONTVANGEN
    mijlpalen: dict[Mijlpaal, str] = {}
    pogingen: list[dict[str, Any]] = []
    gestaakt = None
    niet_opgepakt: dict[str, Any] | None = None
    doorgezonden: dict[str, Any] | None = None
    ingetrokken: dict[str, Any] | None = None
    eindresultaat: dict[str, Any] | None = None
    evaluaties: list[dict[str, Any]] = []
    for stap in v.stappen:
        datum = stap.datum.isoformat()
        if isinstance(stap, Betaalgedragstap):
            evaluaties.append({"peildatum": datum, "regulierBetaald": stap.regulier_betaald})
        elif isinstance(stap, Intrekkingstap):
            toestand = Toestand.INGETROKKEN
            ingetrokken = {"datum": datum, "reden": stap.reden}
            eindresultaat = {
                "datum": datum,
                "resultaat": EINDRESULTAAT_BIJ_INTREKKING[stap.reden],
            }
        elif isinstance(stap, Doorzendingstap):
            toestand = Toestand.DOORGEZONDEN
            doorgezonden = {"datum": datum, "gemeentecode": stap.gemeentecode}
            eindresultaat = {"datum": datum, "resultaat": DdasEindresultaat.GEEN_INWONER}
            ontvangen_op = deadline = None
        elif isinstance(stap, NietOppakken):
            toestand = Toestand.NIET_OPGEPAKT
            niet_opgepakt = {"datum": datum, "reden": stap.reden}
            eindresultaat = {
                "datum": datum,
                "resultaat": NIET_OPGEPAKT_EINDRESULTAAT[stap.reden],
            }
        elif isinstance(stap, Oppakken):
            toestand = Toestand.OPGEPAKT
            mijlpalen[Mijlpaal.OPGEPAKT] = datum
        elif isinstance(stap, Contactpoging):
            pogingen.append(
                {
                    "datum": datum,
                    "soort": stap.soort,
                    "dagdeel": stap.dagdeel,
                    "bereikt": stap.bereikt,
                }
            )
            if Mijlpaal.OPGEPAKT not in mijlpalen:
                mijlpalen[Mijlpaal.OPGEPAKT] = datum
            if toestand in _VOOR_BEREIKT:
                if stap.bereikt:
                    toestand = Toestand.BEREIKT
                    mijlpalen[Mijlpaal.BEREIKT] = datum
                elif toestand is not Toestand.NIET_BEREIKT:
                    toestand = Toestand.CONTACTPOGINGEN
        elif isinstance(stap, ContactGestaakt):
            toestand = Toestand.NIET_BEREIKT
            gestaakt = datum
        elif isinstance(stap, HulpAangeboden):
            toestand = Toestand.HULP_AANGEBODEN
            mijlpalen[Mijlpaal.HULP_AANGEBODEN] = datum
        elif isinstance(stap, Hulpbesluit):
            toestand = Toestand.HULP_AANVAARD if stap.aanvaard else Toestand.HULP_AFGEWEZEN
            mijlpalen[Mijlpaal.HULP_AANVAARD if stap.aanvaard else Mijlpaal.HULP_AFGEWEZEN] = datum
        else:
            al_bekend = stap.resultaat is DdasEindresultaat.AL_BEKEND
            toestand = Toestand.AL_BEKEND if al_bekend else Toestand.AFGESLOTEN
            mijlpalen[Mijlpaal.AFGESLOTEN] = datum
            eindresultaat = {"datum": datum, "resultaat": stap.resultaat}
    velden: dict[str, Any] = {
        "formaat": HISTORIE_FORMAAT,
        "verwijzingId": v.verwijzing_id,
        "gemeentecode": v.gemeente.code,
        "organisatie": v.gemeente.organisatie,
        "schuldeiser": v.schuldeiser.naam,
        "soortVerwijzer": v.schuldeiser.soort,
        "grondslag": v.grondslag,
        "crisis": v.crisis,
        "verwijsdatum": v.verwezen_op.date().isoformat(),  # already in Europe/Amsterdam
    }
    if ontvangen_op is not None:
        velden["ontvangenOp"] = ontvangen_op
    if deadline is not None:
        velden["contactdeadline"] = deadline
    velden["toestand"] = toestand
    velden["contactpogingen"] = pogingen
    velden["mijlpalen"] = mijlpalen
    for naam, waarde in (
        ("contactGestaakt", gestaakt),
        ("nietOpgepakt", niet_opgepakt),
        ("doorgezonden", doorgezonden),
        ("ingetrokken", ingetrokken),
        ("eindresultaat", eindresultaat),
    ):
        if waarde is not None:
            velden[naam] = waarde
    velden["evaluaties"] = evaluaties
    return velden


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# --- a Verloop through the lifecycle ----------------------------------------------------------------


def dossier_uit_verloop(v: Verloop) -> tuple[Verwijzingsdossier, Verwijzing]:
    """Feed ``v`` to a real municipality's record, message by message and action by action."""
    from ..lifecycle import StuurOntvangstbevestiging, Verwijzingsdossier
    from ..models import (
        Achterstand,
        Adres,
        Betaalgedragmelding,
        Contactpersoon,
        Crisis,
        Crisissoort,
        Doorzending,
        Geldbedrag,
        Hulpvrager,
        Intrekking,
        Partij,
        Periode,
        Toestemming,
        Toestemmingskanaal,
        Toestemmingsreikwijdte,
        Verwijzing,
        nieuwe_envelop,
    )

    schuldeiser = Partij(naam=v.schuldeiser.naam, kvk_nummer=v.schuldeiser.kvk_nummer)
    gemeente = Partij(naam=f"Gemeente {v.gemeente.naam}", gemeentecode=v.gemeente.code)
    verwijsdatum = amsterdamse_datum(v.verwezen_op)
    toestemming = None
    if v.grondslag is Grondslag.TOESTEMMING:
        toestemming = Toestemming(
            vastgelegd_op=v.verwezen_op - timedelta(minutes=3),
            kanaal=Toestemmingskanaal.TELEFOON,
            tekstversie="toestemming-v1",
            reikwijdte=list(Toestemmingsreikwijdte),
        )
    verwijzing = Verwijzing(
        **nieuwe_envelop(schuldeiser, gemeente, nu=v.verwezen_op),
        verwijzing_id=v.verwijzing_id,
        verwezen_op=v.verwezen_op,
        soort_verwijzer=v.schuldeiser.soort,
        grondslag=v.grondslag,
        toestemming=toestemming,
        hulpvrager=Hulpvrager(
            geslachtsnaam="Synthetisch",
            adres=Adres(
                straatnaam="Proefstraat", huisnummer=1, postcode="9999ZZ", woonplaats="Proefdorp"
            ),
        ),
        achterstand=Achterstand(
            bedrag=Geldbedrag(waarde=Decimal("100.00"), valuta="EUR"),
            ontstaansdatum=verwijsdatum - timedelta(days=45),
            klantnummer="SYN",
        ),
        crisissignaal=v.crisis,
        crisis=Crisis(soort=Crisissoort.AFSLUITING_WATER) if v.crisis else None,
        incassostop=Periode(ingangsdatum=verwijsdatum, einddatum=verwijsdatum + timedelta(days=30)),
        contactpersoon=Contactpersoon(naam="Team Incasso", telefoonnummer="0101234567"),
    )
    dossier, wijziging = Verwijzingsdossier.voor_gemeente(verwijzing, v.ontvangen_op)
    for effect in wijziging.effecten:
        if isinstance(effect, StuurOntvangstbevestiging):
            dossier.verstuur(
                effect.als_bericht(
                    afzender=gemeente,
                    ontvanger=schuldeiser,
                    conversatie_id=verwijzing.conversatie_id,
                    nu=v.ontvangen_op,
                )
            )

    def envelop(van_gemeente: bool, op: date) -> dict[str, Any]:
        middag = datetime.combine(op, time(12), tzinfo=AMSTERDAM).astimezone(timezone.utc)
        afzender, ontvanger = (gemeente, schuldeiser) if van_gemeente else (schuldeiser, gemeente)
        velden = nieuwe_envelop(
            afzender, ontvanger, conversatie_id=verwijzing.conversatie_id, nu=middag
        )
        return {**velden, "verwijzing_id": v.verwijzing_id}

    for stap in v.stappen:
        if isinstance(stap, Betaalgedragstap):
            dossier.ontvang(
                Betaalgedragmelding(
                    **envelop(False, stap.datum),
                    peildatum=stap.datum,
                    regulier_betaald=stap.regulier_betaald,
                )
            )
        elif isinstance(stap, Intrekkingstap):
            dossier.ontvang(Intrekking(**envelop(False, stap.datum), reden=stap.reden))
        elif isinstance(stap, Doorzendingstap):
            nieuwe = next(g for g in PILOTREGIO if g.code == stap.gemeentecode)
            dossier.verstuur(
                Doorzending(
                    **envelop(True, stap.datum),
                    nieuwe_gemeente=Partij(
                        naam=f"Gemeente {nieuwe.naam}", gemeentecode=nieuwe.code
                    ),
                    datum=stap.datum,
                )
            )
        else:
            dossier.registreer(stap)
    return dossier, verwijzing


# --- a baseline: ordinary early signals as a DDAS delivery -------------------------------------------


def _synthetisch_bsn(rng: random.Random) -> str:
    # The 9999xxxxx range is never issued to a person; keep drawing until the 11-test passes.
    from ..identifiers import bsn

    while True:
        kandidaat = f"9999{rng.randrange(100000):05d}"
        if bsn.is_valid(kandidaat):
            return kandidaat


def synthetische_basislijn(
    aantal: int, *, seed: int, van: date, tot: date, gemeentecode: str | None = None
) -> dict[str, Any]:
    """A DDAS v1.2 delivery of ``aantal`` ordinary (not warm) early signals of the pilot region,
    with outcomes near the published national figures (about 80% become a case, 1 in 5 cases
    reach the resident, 35% of those reached accept help). Clients have synthetic BSNs."""
    rng = random.Random(seed)
    kal = standaard_kalender()
    gemeenten = [g for g in PILOTREGIO if gemeentecode is None or g.code == gemeentecode]
    per_gemeente: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
        g.code: ([], []) for g in gemeenten
    }
    keuze = _Keuze((g, g.gewicht) for g in gemeenten)
    for nummer in range(1, aantal + 1):
        gemeente: Gemeente = keuze.trek(rng)
        dag = _werkdag_op_of_na(kal, van + timedelta(days=rng.randrange((tot - van).days + 1)))
        if dag > tot:
            dag = van
        signaal_id = f"BAS-{nummer:07d}"
        signalen, zaken = per_gemeente[gemeente.code]
        zaak_kans = rng.random()
        status = "Opgepakt" if zaak_kans < 0.8 else "Niet opgepakt: herhaalde melding"
        signalen.append(
            {
                "ID": signaal_id,
                "crisissignaal": False,
                "warmeOverdracht": False,
                "signaaldatum": dag.isoformat(),
                "status": status,
                "signaalpartner": {"type": _PARTNERS.trek(rng)},
                "client": {"burgerservicenummer": _synthetisch_bsn(rng)},
            }
        )
        if status != "Opgepakt":
            continue
        opgepakt = kal.werkdag_na(dag, rng.randrange(1, 10))
        bereikt = rng.random() < 0.2
        pogingen = []
        d = opgepakt
        for i in range(rng.randrange(1, 5)):
            laatste = bereikt and i == 0
            pogingen.append(
                {
                    "soort": _BASIS_POGING.trek(rng),
                    "bereikt": laatste,
                    "datum": d.isoformat(),
                    "dagdeel": "Middag",
                }
            )
            if laatste:
                break
            d = kal.werkdag_na(d, rng.randrange(2, 8))
        if bereikt:
            resultaat = (
                _HULP_RESULTAAT.trek(rng) if rng.random() < 0.35 else _ZONDER_AANBOD.trek(rng)
            )
        else:
            resultaat = DdasEindresultaat.DEFINITIEF_GEEN_CONTACT
        zaken.append(
            {
                "resultaat": resultaat.value,
                "datumOpgepakt": opgepakt.isoformat(),
                "vroegsignalen": [{"ID": signaal_id}],
                "contactpogingen": pogingen,
            }
        )
    leveringen = []
    for teller, g in enumerate(gemeenten, start=1):
        signalen, zaken = per_gemeente[g.code]
        levering: dict[str, Any] = {
            "teller": teller,
            "gemeentecode": g.code,
            "aanleverendeOrganisatie": {"naam": g.organisatie},
        }
        if signalen:
            levering["vroegsignalen"] = signalen
        if zaken:
            levering["vroegsignaalzaken"] = zaken
        leveringen.append(levering)
    return {
        "startdatumLevering": van.isoformat(),
        "einddatumLevering": tot.isoformat(),
        "aanleverdatumEnTijd": datetime.combine(tot, time(12), tzinfo=timezone.utc)
        .isoformat()
        .replace("+00:00", "Z"),
        "codeGegevensleverancier": "SYNTHETISCH",
        "leveringen": leveringen,
    }
