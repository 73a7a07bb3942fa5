"""Every indicator from a JSON Lines file of histories, summed by DuckDB (``warm-referral[analyse]``).

Pure Python spends most of its time per history (validation, then :mod:`.kenmerken`); at national
scale (a million histories) that is minutes. DuckDB reads the file in parallel with its own JSON
reader and sums the histories in one SQL statement, many times faster than Python reads the file.

What runs where, so that both paths give the same figures:

- the *facts* of one history (each :data:`~.indicatoren.TELLINGEN`, :data:`~.indicatoren.DUREN`
  and :data:`~.indicatoren.CATEGORIEEN` entry) have an SQL form here, keyed by the same names and
  checked against those lists on import; the bits are the same bits as :data:`.kenmerken.BIT`,
  and werkdagen come from the same :class:`~warm_referral.calendar.Werkdagkalender` (its running
  count per day, handed to the query as a list);
- DuckDB sums them into one accumulator per month and group, and
  :func:`~.berekening.resultaat_uit_maanden` turns those into figures: the indicators, the
  periods, the percentiles and (later) the suppression are computed by the same code as on the
  pure-Python path.

A property test (``tests/library/test_monitoring_engine.py``) checks that both paths give equal
results for every indicator and grouping over synthetic histories.

Validation: by default every line is validated by the model (strictly, as
:func:`~.historie.lees_historie` does, so a bad line gives :class:`~.errors.InvalidHistory`
with its line, JSON pointer and code) while DuckDB sums the file in another thread; a bad line
stops DuckDB, and no figure is returned before every line has passed. ``vertrouwd=True``
skips that pass, for a file this library wrote itself from validated histories: DuckDB still
enforces the types, the codes (enumerations), the required top-level members and the format marker
of every line, and when it refuses one the strict reader reads the file to name the line. It does
not check patterns, lengths, nulls, nested required members or unknown members. Dates outside the
calendar's window are handed to the pure-Python path, which gives the calendar's own answer or
error.

``duckdb`` is imported only when this path runs.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from enum import Enum
from os import PathLike
from typing import TYPE_CHECKING, Any

from ..calendar import Werkdagkalender, standaard_kalender
from ..lifecycle import DdasEindresultaat, Toestand
from ..models.enums import (
    Contactsoort,
    Dagdeel,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    SoortVerwijzer,
)
from .berekening import (
    DIMENSIES,
    PERIODESOORTEN,
    Accumulator,
    Maandgroep,
    Monitoringresultaat,
    controleer_indeling,
    resultaat_uit_maanden,
)
from .historie import HISTORIE_FORMAAT, Verwijzingshistorie
from .indicatoren import CATEGORIEEN, DUREN, INDICATOREN, TELLINGEN, Indicator
from .kenmerken import BIT

if TYPE_CHECKING:
    import duckdb

__all__ = ["KOLOMMEN", "bereken_met_duckdb", "beschikbaar"]

#: Years of werkdagen the query gets beyond the later of the peildatum and today.
_MARGE_JAREN = 10
#: DuckDB's memory limit: beyond it, it spills to a temporary directory (removed afterwards).
#: Without a limit it keeps about 1 GB for a million histories; with it, about a third, as fast.
GEHEUGEN = "256MB"


def beschikbaar() -> bool:
    """Is DuckDB installed (``pip install 'warm-referral[analyse]'``)?"""
    from importlib.util import find_spec

    return find_spec("duckdb") is not None


# --- the columns DuckDB reads: the wire members of a Verwijzingshistorie ------------------------------


def _tekst(waarde: str) -> str:
    return "'" + waarde.replace("'", "''") + "'"


def _naam(waarde: str) -> str:
    return '"' + waarde.replace('"', '""') + '"'


def _enum(soort: type[Enum]) -> str:
    """An SQL ENUM of a Python enumeration: DuckDB refuses every other code while it reads."""
    return "ENUM(" + ", ".join(_tekst(str(lid.value)) for lid in soort) + ")"


#: wire name -> DuckDB type. The tests check these are exactly the model's members.
KOLOMMEN: dict[str, str] = {
    "formaat": "VARCHAR",
    "verwijzingId": "VARCHAR",
    "gemeentecode": "VARCHAR",
    "organisatie": "VARCHAR",
    "schuldeiser": "VARCHAR",
    "soortVerwijzer": _enum(SoortVerwijzer),
    "grondslag": _enum(Grondslag),
    "crisis": "BOOLEAN",
    "verwijsdatum": "DATE",
    "ontvangenOp": "TIMESTAMPTZ",
    "contactdeadline": "TIMESTAMPTZ",
    "toestand": _enum(Toestand),
    "contactpogingen": (
        f"STRUCT(datum DATE, soort {_enum(Contactsoort)}, dagdeel {_enum(Dagdeel)}, "
        "bereikt BOOLEAN)[]"
    ),
    "mijlpalen": "STRUCT(" + ", ".join(f"{_naam(m.value)} DATE" for m in Mijlpaal) + ")",
    "contactGestaakt": "DATE",
    "nietOpgepakt": f"STRUCT(datum DATE, reden {_enum(NietOpgepaktReden)})",
    "doorgezonden": "STRUCT(datum DATE, gemeentecode VARCHAR)",
    "ingetrokken": f"STRUCT(datum DATE, reden {_enum(Intrekkingsreden)})",
    "eindresultaat": f"STRUCT(datum DATE, resultaat {_enum(DdasEindresultaat)})",
    "evaluaties": (
        "STRUCT(peildatum DATE, regulierBetaald BOOLEAN, ingrijpendeMaatregelen VARCHAR[])[]"
    ),
}
#: Members every line must have (the model's required fields).
_VERPLICHT = tuple(
    veld.alias or naam
    for naam, veld in Verwijzingshistorie.model_fields.items()
    if veld.is_required()
)


def _mijlpaal(m: Mijlpaal) -> str:
    return f"mijlpalen.{_naam(m.value)}"


# --- one history's facts in SQL (the same names as in indicatoren.py) ---------------------------------

#: Derived values of one line, available to the facts below by these names.
_AFGELEID: dict[str, str] = {
    "start": "coalesce(CAST(ontvangenOp AT TIME ZONE 'Europe/Amsterdam' AS DATE), verwijsdatum)",
    "einddag": "CAST(contactdeadline AT TIME ZONE 'Europe/Amsterdam' AS DATE)",
    "eerste": "list_min(list_transform(contactpogingen, lambda p: p.datum))",
    "eerst_bereikt": (
        "list_min(list_transform(list_filter(contactpogingen, lambda p: p.bereikt), "
        "lambda p: p.datum))"
    ),
    # The latest report by peildatum wins; on a tie, the later one in the list (its index).
    "betaling": (
        "list_max(list_filter(list_transform(evaluaties, lambda e, i: "
        "{'p': e.peildatum, 'i': i, 'v': e.regulierBetaald}), lambda x: x.v IS NOT NULL))"
    ),
    "maatregel": (
        "list_max(list_filter(list_transform(evaluaties, lambda e, i: "
        "{'p': e.peildatum, 'i': i, 'n': len(e.ingrijpendeMaatregelen)}), "
        "lambda x: x.n IS NOT NULL))"
    ),
}

_ZONDER_CONTACT_GEEINDIGD = " OR ".join(
    f"coalesce({feit}.datum <= einddag, false)"
    for feit in ("nietOpgepakt", "doorgezonden", "ingetrokken", "eindresultaat")
)

#: Each fact of :data:`TELLINGEN` as an SQL condition (NULL counts as false).
FEITEN: dict[str, str] = {
    "verwezen": "true",
    "doorgezonden": "doorgezonden IS NOT NULL",
    "ingetrokken": "ingetrokken IS NOT NULL",
    "niet_opgepakt": "nietOpgepakt IS NOT NULL",
    "opgepakt": f"{_mijlpaal(Mijlpaal.OPGEPAKT)} IS NOT NULL",
    "contactpoging": "eerste IS NOT NULL",
    "bereikt": "eerst_bereikt IS NOT NULL",
    "niet_bereikt": (
        f"eerst_bereikt IS NULL AND {_mijlpaal(Mijlpaal.OPGEPAKT)} IS NOT NULL AND "
        "(contactGestaakt IS NOT NULL OR eindresultaat.resultaat = "
        f"{_tekst(DdasEindresultaat.DEFINITIEF_GEEN_CONTACT.value)})"
    ),
    "termijn_beoordeeld": (
        "einddag IS NOT NULL AND (eerste IS NOT NULL OR "
        f"(einddag < $peildatum AND NOT ({_ZONDER_CONTACT_GEEINDIGD})))"
    ),
    "poging_binnen_termijn": "einddag IS NOT NULL AND eerste <= einddag",
    "bereikt_binnen_termijn": (
        "einddag IS NOT NULL AND eerste IS NOT NULL AND eerst_bereikt <= einddag"
    ),
    "hulp_aangeboden": f"{_mijlpaal(Mijlpaal.HULP_AANGEBODEN)} IS NOT NULL",
    "hulp_aanvaard": f"{_mijlpaal(Mijlpaal.HULP_AANVAARD)} IS NOT NULL",
    "hulp_afgewezen": f"{_mijlpaal(Mijlpaal.HULP_AFGEWEZEN)} IS NOT NULL",
    "met_eindresultaat": "eindresultaat IS NOT NULL",
    "betaling_geevalueerd": "betaling IS NOT NULL",
    "betaling_hervat": "betaling.v",
    "maatregelen_geevalueerd": "maatregel IS NOT NULL",
    "maatregel_voorkomen": "maatregel.n = 0",
}


#: The dates whose running count of werkdagen a duration needs (each joined to the calendar).
_KALENDERDATA = ("start", "eerste", "eerst_bereikt")


def _werkdag(kolom: str) -> str:
    """The calendar's running count of werkdagen on a date (joined as ``werkdag_<kolom>``)."""
    return f"coalesce(werkdag_{kolom}, error('date outside the calendar window'))"


#: Each duration of :data:`DUREN` in SQL (NULL when the later step did not happen).
DUREN_SQL: dict[str, str] = {
    "werkdagen_tot_poging": (
        f"CASE WHEN eerste IS NOT NULL THEN {_werkdag('eerste')} - {_werkdag('start')} END"
    ),
    "kalenderdagen_tot_poging": "eerste - start",
    "werkdagen_tot_bereikt": (
        f"CASE WHEN eerst_bereikt IS NOT NULL "
        f"THEN {_werkdag('eerst_bereikt')} - {_werkdag('start')} END"
    ),
    "kalenderdagen_tot_bereikt": "eerst_bereikt - start",
    "kalenderdagen_tot_aanbod": f"{_mijlpaal(Mijlpaal.HULP_AANGEBODEN)} - start",
    "kalenderdagen_tot_aanvaarding": f"{_mijlpaal(Mijlpaal.HULP_AANVAARD)} - start",
}

#: Each category of :data:`CATEGORIEEN` in SQL (its code as text, or NULL).
CATEGORIEEN_SQL: dict[str, str] = {
    "niet_opgepakt_reden": "CAST(nietOpgepakt.reden AS VARCHAR)",
    "eindresultaat": "CAST(eindresultaat.resultaat AS VARCHAR)",
}

#: The grouping columns, by the name of their grouping in :data:`~.berekening.DIMENSIES`.
GROEPEN_SQL: dict[str, str] = {
    "gemeente": "gemeentecode",
    "organisatie": "coalesce(organisatie, '')",
    "soort_verwijzer": "CAST(soortVerwijzer AS VARCHAR)",
    "grondslag": "CAST(grondslag AS VARCHAR)",
    "schuldeiser": "schuldeiser",
}

assert tuple(FEITEN) == tuple(TELLINGEN), "one SQL condition per telling, in the same order"
assert tuple(DUREN_SQL) == tuple(DUREN), "one SQL expression per duur, in the same order"
assert tuple(CATEGORIEEN_SQL) == tuple(CATEGORIEEN)
assert ("totaal", *GROEPEN_SQL) == DIMENSIES
assert set(_AFGELEID).isdisjoint(KOLOMMEN)


def query(pad: str) -> str:
    """The one statement: read ``pad``, derive every fact, sum per month and group. It needs the
    table ``werkdagen(datum, werkdag)`` (:func:`_maak_kalender`) and the parameter ``peildatum``.

    Each line becomes one row for its facts and categories plus one per duration it has; those
    are counted per finest cell (month x every grouping column), and ``GROUPING SETS`` sums the
    cells per month for the whole set and for each grouping at once.
    """
    kolommen = ", ".join(f"{_tekst(k)}: {_tekst(t)}" for k, t in KOLOMMEN.items())
    controles = [
        f"WHEN formaat IS DISTINCT FROM {_tekst(HISTORIE_FORMAAT)} "
        f"THEN error('not the format {HISTORIE_FORMAAT}')",
        *(f"WHEN {_naam(v)} IS NULL THEN error({_tekst(f'{v} is missing')})" for v in _VERPLICHT),
    ]
    bits = " + ".join(
        f"CASE WHEN coalesce(({FEITEN[naam]}), false) THEN {BIT[naam]} ELSE 0 END"
        for naam in TELLINGEN
    )
    duren = ", ".join(f"CAST(({DUREN_SQL[naam]}) AS BIGINT)" for naam in DUREN)
    reden, resultaat = (CATEGORIEEN_SQL[naam] for naam in CATEGORIEEN)
    afgeleid = ", ".join(f"{sql} AS {naam}" for naam, sql in _AFGELEID.items())
    groepen = ", ".join(f"{sql} AS {naam}" for naam, sql in GROEPEN_SQL.items())
    kalender_kolommen = ", ".join(f"k_{d}.werkdag AS werkdag_{d}" for d in _KALENDERDATA)
    kalender_joins = " ".join(
        f"LEFT JOIN werkdagen AS k_{d} ON k_{d}.datum = afgeleid.{d}" for d in _KALENDERDATA
    )
    groepen_namen = ", ".join(GROEPEN_SQL)
    sleutel = "jaar, maand, duur, bits, reden, resultaat, dagen"
    sets = ", ".join(f"({sleutel}{''.join(f', {d}' for d in s)})" for s in _SETS)
    return f"""
WITH bron AS (
    SELECT * FROM read_json({_tekst(pad)}, format = 'newline_delimited', columns = {{{kolommen}}})
), gecontroleerd AS (
    SELECT *, CASE {" ".join(controles)} ELSE true END AS geldig FROM bron
), afgeleid AS (
    SELECT *, {afgeleid} FROM gecontroleerd WHERE geldig
), gekoppeld AS (
    SELECT afgeleid.*, {kalender_kolommen} FROM afgeleid {kalender_joins}
), feiten AS (
    SELECT year(verwijsdatum) AS jaar, month(verwijsdatum) AS maand, verwijsdatum, {groepen},
        CAST({bits} AS BIGINT) AS bits, {reden} AS reden, {resultaat} AS resultaat,
        [{duren}] AS duren
    FROM gekoppeld
), rijen AS (
    SELECT jaar, maand, verwijsdatum, {groepen_namen}, bits, reden, resultaat,
        UNNEST(list_prepend({{'k': 0, 'd': NULL::BIGINT}},
            list_filter(list_transform(duren, lambda d, i: {{'k': i, 'd': d}}),
                        lambda x: x.d IS NOT NULL))) AS u
    FROM feiten
), fijn AS (
    SELECT jaar, maand, {groepen_namen}, u.k AS duur,
        CASE WHEN u.k = 0 THEN bits END AS bits,
        CASE WHEN u.k = 0 THEN reden END AS reden,
        CASE WHEN u.k = 0 THEN resultaat END AS resultaat,
        u.d AS dagen, count(*) AS n, min(verwijsdatum) AS eerste, max(verwijsdatum) AS laatste
    FROM rijen GROUP BY ALL
)
SELECT GROUPING({groepen_namen}) AS indeling, jaar, maand, {groepen_namen},
    duur, bits, reden, resultaat, dagen, sum(n) AS n, min(eerste) AS eerste,
    max(laatste) AS laatste
FROM fijn
GROUP BY GROUPING SETS ({sets})
"""


#: The grouping sets: the whole set, then each grouping alone.
_SETS: tuple[tuple[str, ...], ...] = ((), *((d,) for d in GROEPEN_SQL))
#: GROUPING(...) of each set (a bit per grouping column, set when the column is not grouped).
_ALLE = (1 << len(GROEPEN_SQL)) - 1
_INDELING: dict[int, tuple[str, int | None]] = {
    _ALLE: ("totaal", None),
    **{_ALLE ^ (1 << (len(GROEPEN_SQL) - 1 - i)): (d, 3 + i) for i, d in enumerate(GROEPEN_SQL)},
}


# --- running it -------------------------------------------------------------------------------------


class EngineFout(Exception):
    """DuckDB refused the file or a date fell outside the window: the pure-Python path decides."""


class Onderbreking:
    """Lets another thread stop a running summation (the validation pass found a bad line)."""

    def __init__(self) -> None:
        self._slot = threading.Lock()
        self._verbinding: duckdb.DuckDBPyConnection | None = None
        self._gestopt = False

    def _verbonden(self, con: duckdb.DuckDBPyConnection | None) -> None:
        with self._slot:
            self._verbinding = con
            if con is not None and self._gestopt:
                con.interrupt()

    def stop(self) -> None:
        with self._slot:
            self._gestopt = True
            if self._verbinding is not None:
                self._verbinding.interrupt()


def _maak_kalender(
    con: duckdb.DuckDBPyConnection, kal: Werkdagkalender, van: date, tot: date
) -> None:
    """The table ``werkdagen``: the calendar's running count of werkdagen on every day from
    ``van`` to ``tot`` (werkdagen between two dates is the difference of their counts)."""
    dagen = (van + timedelta(days=i) for i in range((tot - van).days + 1))
    tellers = ",".join(str(kal.werkdagen_tussen(van, d)) for d in dagen)
    # One text parameter, not a list of thousands (which some DuckDB versions bind slowly).
    con.execute(
        "CREATE OR REPLACE TEMP TABLE werkdagen AS "
        "SELECT CAST($van AS DATE) + CAST(i - 1 AS INTEGER) AS datum, "
        "CAST(t AS INTEGER) AS werkdag "
        "FROM (SELECT unnest(l) AS t, generate_subscripts(l, 1) AS i "
        "FROM (SELECT string_split($tellers, ',') AS l))",
        {"van": van, "tellers": tellers},
    )


def maanden_met_duckdb(
    pad: str | PathLike[str],
    *,
    peildatum: date,
    kalender: Werkdagkalender,
    onderbreking: Onderbreking | None = None,
) -> tuple[dict[Maandgroep, Accumulator], int, date | None, date | None]:
    """The month accumulators of every grouping, the number of histories and the first and last
    verwijsdatum, summed by DuckDB. Raises :class:`EngineFout` when DuckDB refuses the file (or
    was stopped)."""
    import duckdb

    if any(teken in str(pad) for teken in "*?[{"):
        raise EngineFout(f"{pad}: DuckDB would read the name as a pattern of file names")
    van = date(kalender.eerste_jaar, 1, 1)
    tot_jaar = min(max(peildatum.year, date.today().year) + _MARGE_JAREN, kalender.laatste_jaar)
    tot = date(tot_jaar, 12, 31)
    with tempfile.TemporaryDirectory(prefix="warm-referral-duckdb-") as tijdelijk:
        con = duckdb.connect(config={"memory_limit": GEHEUGEN, "temp_directory": tijdelijk})
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        if onderbreking is not None:
            onderbreking._verbonden(con)
        try:
            _maak_kalender(con, kalender, van, tot)
            rijen = con.execute(query(str(pad)), {"peildatum": peildatum}).fetchall()
        except duckdb.Error as exc:
            raise EngineFout(str(exc)) from exc
        finally:
            if onderbreking is not None:
                onderbreking._verbonden(None)
            con.close()
    return _accumulatoren(rijen)


def _accumulatoren(
    rijen: Sequence[tuple[Any, ...]],
) -> tuple[dict[Maandgroep, Accumulator], int, date | None, date | None]:
    maanden: dict[Maandgroep, Accumulator] = {}
    aantal = 0
    eerste: date | None = None
    laatste: date | None = None
    for rij in rijen:
        indeling, jaar, maand = rij[0], rij[1], rij[2]
        duur, bits, reden, resultaat, dagen, n, min_datum, max_datum = rij[8:]
        dimensie, kolom = _INDELING[indeling]
        groep = "" if kolom is None else str(rij[kolom])
        sleutel = (jaar, maand, dimensie, groep)
        acc = maanden.get(sleutel)
        if acc is None:
            acc = maanden[sleutel] = Accumulator()
        if duur == 0:
            acc.tellen[(bits, (reden, resultaat))] += n
            if dimensie == "totaal":
                aantal += n
                eerste = min_datum if eerste is None else min(eerste, min_datum)
                laatste = max_datum if laatste is None else max(laatste, max_datum)
        else:
            acc.duren[duur - 1][dagen] += n
    return maanden, aantal, eerste, laatste


def bereken_met_duckdb(
    pad: str | PathLike[str],
    *,
    peildatum: date,
    kalender: Werkdagkalender | None = None,
    periodesoorten: Sequence[str] = PERIODESOORTEN,
    dimensies: Sequence[str] = DIMENSIES,
    indicatoren: Sequence[Indicator] = INDICATOREN,
    onderbreking: Onderbreking | None = None,
) -> Monitoringresultaat:
    """:func:`~.berekening.bereken` for a JSON Lines file, summed by DuckDB (no validation pass
    of its own: see :func:`~.berekening.bereken_bestand`). Raises :class:`EngineFout` when
    DuckDB refuses the file."""
    controleer_indeling(periodesoorten, dimensies)
    kal = kalender if kalender is not None else standaard_kalender()
    maanden, aantal, eerste, laatste = maanden_met_duckdb(
        pad, peildatum=peildatum, kalender=kal, onderbreking=onderbreking
    )
    return resultaat_uit_maanden(
        maanden,
        peildatum=peildatum,
        aantal_historien=aantal,
        eerste_verwijsdatum=eerste,
        laatste_verwijsdatum=laatste,
        periodesoorten=periodesoorten,
        dimensies=dimensies,
        indicatoren=indicatoren,
    )
