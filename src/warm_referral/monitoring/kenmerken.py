"""What one history contributes to the indicators: its facts, durations and categories.

This is the one place where the definitions in :mod:`.indicatoren` meet a history. It runs once per
history, so it is written for speed: facts are bits of one integer (in the order of
``TELLINGEN``), durations and categories are tuples (in the order of ``DUREN`` and
``CATEGORIEEN``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from .._tijd import AMSTERDAM, amsterdamse_datum
from ..calendar import Werkdagkalender
from ..lifecycle import DdasEindresultaat
from ..models.enums import Mijlpaal
from .historie import Verwijzingshistorie
from .indicatoren import CATEGORIEEN, DUREN, TELLINGEN

__all__ = ["BIT", "Feitenberekening", "Kenmerken", "kenmerken"]

#: The bit of each fact.
BIT: dict[str, int] = {naam: 1 << i for i, naam in enumerate(TELLINGEN)}

_VERWEZEN = BIT["verwezen"]
_DOORGEZONDEN = BIT["doorgezonden"]
_INGETROKKEN = BIT["ingetrokken"]
_NIET_OPGEPAKT = BIT["niet_opgepakt"]
_OPGEPAKT = BIT["opgepakt"]
_CONTACTPOGING = BIT["contactpoging"]
_BEREIKT = BIT["bereikt"]
_NIET_BEREIKT = BIT["niet_bereikt"]
_BEOORDEELD = BIT["termijn_beoordeeld"]
_POGING_OP_TIJD = BIT["poging_binnen_termijn"]
_BEREIKT_OP_TIJD = BIT["bereikt_binnen_termijn"]
_AANGEBODEN = BIT["hulp_aangeboden"]
_AANVAARD = BIT["hulp_aanvaard"]
_AFGEWEZEN = BIT["hulp_afgewezen"]
_MET_RESULTAAT = BIT["met_eindresultaat"]
_BETALING_GEEVALUEERD = BIT["betaling_geevalueerd"]
_BETALING_HERVAT = BIT["betaling_hervat"]
_MAATREGELEN_GEEVALUEERD = BIT["maatregelen_geevalueerd"]
_MAATREGEL_VOORKOMEN = BIT["maatregel_voorkomen"]

_M_OPGEPAKT = Mijlpaal.OPGEPAKT
_M_AANGEBODEN = Mijlpaal.HULP_AANGEBODEN
_M_AANVAARD = Mijlpaal.HULP_AANVAARD
_M_AFGEWEZEN = Mijlpaal.HULP_AFGEWEZEN
_GEEN_CONTACT = DdasEindresultaat.DEFINITIEF_GEEN_CONTACT

assert tuple(DUREN) == (
    "werkdagen_tot_poging",
    "kalenderdagen_tot_poging",
    "werkdagen_tot_bereikt",
    "kalenderdagen_tot_bereikt",
    "kalenderdagen_tot_aanbod",
    "kalenderdagen_tot_aanvaarding",
), "kenmerken() builds the durations in this order"
assert tuple(CATEGORIEEN) == ("niet_opgepakt_reden", "eindresultaat")


class Kenmerken(NamedTuple):
    """One history's contribution: facts as bits, durations in days, category codes."""

    bits: int
    duren: tuple[int | None, int | None, int | None, int | None, int | None, int | None]
    categorieen: tuple[str | None, str | None]

    def heeft(self, telling: str) -> bool:
        """Does the history have this fact?"""
        return bool(self.bits & BIT[telling])


_ONBEKEND = timedelta(days=-1)  # a sentinel: no Amsterdam offset is negative


def kenmerken(h: Verwijzingshistorie, kalender: Werkdagkalender, peildatum: date) -> Kenmerken:
    """The facts, durations and categories of ``h`` as known on ``peildatum``.

    ``peildatum`` decides one thing only: whether a contact deadline without any contact attempt has
    passed (then the referral counts as late; before that it is not judged yet).
    """
    return Feitenberekening(kalender, peildatum)(h)


class Feitenberekening:
    """:func:`kenmerken` for many histories with one calendar and peildatum.

    It remembers the calendar's running count of werkdagen per date (werkdagen between two dates
    is then a subtraction) and the Europe/Amsterdam offset of each UTC day without a clock change
    (the Amsterdam date of a UTC moment is then an addition): the same answers as the calendar and
    :func:`~warm_referral._tijd.amsterdamse_datum`, a few times cheaper per history.
    """

    __slots__ = ("_afwijking", "_anker", "_tellers", "kalender", "peildatum")

    def __init__(self, kalender: Werkdagkalender, peildatum: date) -> None:
        self.kalender = kalender
        self.peildatum = peildatum
        self._tellers: dict[date, int] = {}
        self._anker: date | None = None
        self._afwijking: dict[date, timedelta | None] = {}

    def _cum(self, d: date) -> int:
        """Werkdagen in (anker, d]: differences of two of these are werkdagen_tussen."""
        n = self._tellers.get(d)
        if n is None:
            if self._anker is None:
                self._anker = d
            n = self._tellers[d] = self.kalender.werkdagen_tussen(self._anker, d)
        return n

    def _datum(self, moment: datetime) -> date:
        if moment.tzinfo is not timezone.utc:
            return amsterdamse_datum(moment)
        dag = moment.date()
        afwijking = self._afwijking.get(dag, _ONBEKEND)
        if afwijking is _ONBEKEND:
            afwijking = self._afwijking[dag] = _vaste_afwijking(dag)
        if afwijking is None:  # the clocks change on this UTC day
            return amsterdamse_datum(moment)
        return (moment + afwijking).date()

    # One pass over one history, the hot loop of the million-histories bench (bench_monitoring.py):
    # each branch sets one fact. Split into helpers, it would cost a call per fact and read less
    # directly.
    def __call__(self, h: Verwijzingshistorie) -> Kenmerken:  # noqa: C901
        """The facts, durations and categories of ``h`` as known on the peildatum."""
        bits = _VERWEZEN
        mijlpalen = h.mijlpalen
        if h.doorgezonden is not None:
            bits |= _DOORGEZONDEN
        if h.ingetrokken is not None:
            bits |= _INGETROKKEN
        if h.niet_opgepakt is not None:
            bits |= _NIET_OPGEPAKT
        if _M_OPGEPAKT in mijlpalen:
            bits |= _OPGEPAKT
        start = self._datum(h.ontvangen_op) if h.ontvangen_op is not None else h.verwijsdatum
        cum = self._cum

        eerste: date | None = None
        eerst_bereikt: date | None = None
        for poging in h.contactpogingen:
            if eerste is None or poging.datum < eerste:
                eerste = poging.datum
            if poging.bereikt and (eerst_bereikt is None or poging.datum < eerst_bereikt):
                eerst_bereikt = poging.datum
        wd_poging = kd_poging = wd_bereikt = kd_bereikt = None
        if eerste is not None:
            bits |= _CONTACTPOGING
            wd_poging = cum(eerste) - cum(start)
            kd_poging = (eerste - start).days
        if eerst_bereikt is not None:
            bits |= _BEREIKT
            wd_bereikt = cum(eerst_bereikt) - cum(start)
            kd_bereikt = (eerst_bereikt - start).days

        resultaat = h.eindresultaat
        if (
            eerst_bereikt is None
            and bits & _OPGEPAKT
            and (
                h.contact_gestaakt is not None
                or (resultaat is not None and resultaat.resultaat is _GEEN_CONTACT)
            )
        ):
            bits |= _NIET_BEREIKT

        deadline = h.contactdeadline
        if deadline is not None:
            einddag = self._datum(deadline)
            if eerste is not None:
                bits |= _BEOORDEELD
                if eerste <= einddag:
                    bits |= _POGING_OP_TIJD
                if eerst_bereikt is not None and eerst_bereikt <= einddag:
                    bits |= _BEREIKT_OP_TIJD
            elif einddag < self.peildatum and not _zonder_contact_geeindigd(h, einddag):
                bits |= _BEOORDEELD

        kd_aanbod = kd_aanvaard = None
        aangeboden = mijlpalen.get(_M_AANGEBODEN)
        if aangeboden is not None:
            bits |= _AANGEBODEN
            kd_aanbod = (aangeboden - start).days
        aanvaard = mijlpalen.get(_M_AANVAARD)
        if aanvaard is not None:
            bits |= _AANVAARD
            kd_aanvaard = (aanvaard - start).days
        if _M_AFGEWEZEN in mijlpalen:
            bits |= _AFGEWEZEN

        resultaatcode = None
        if resultaat is not None:
            bits |= _MET_RESULTAAT
            resultaatcode = resultaat.resultaat.value
        reden = h.niet_opgepakt.reden.value if h.niet_opgepakt is not None else None

        if h.evaluaties:
            betaling = maatregel = None
            for e in h.evaluaties:  # the latest report by peildatum wins; ties: the later line
                if e.regulier_betaald is not None and (
                    betaling is None or e.peildatum >= betaling.peildatum
                ):
                    betaling = e
                if e.ingrijpende_maatregelen is not None and (
                    maatregel is None or e.peildatum >= maatregel.peildatum
                ):
                    maatregel = e
            if betaling is not None:
                bits |= _BETALING_GEEVALUEERD
                if betaling.regulier_betaald:
                    bits |= _BETALING_HERVAT
            if maatregel is not None:
                bits |= _MAATREGELEN_GEEVALUEERD
                if not maatregel.ingrijpende_maatregelen:
                    bits |= _MAATREGEL_VOORKOMEN

        return Kenmerken(
            bits,
            (wd_poging, kd_poging, wd_bereikt, kd_bereikt, kd_aanbod, kd_aanvaard),
            (reden, resultaatcode),
        )


def _zonder_contact_geeindigd(h: Verwijzingshistorie, einddag: date) -> bool:
    """Did the referral end (or leave this municipality) on or before the deadline's day, before
    any contact attempt? Then the deadline did not apply to it any more."""
    for feit in (h.niet_opgepakt, h.doorgezonden, h.ingetrokken, h.eindresultaat):
        if feit is not None and feit.datum <= einddag:
            return True
    return False


def _vaste_afwijking(dag: date) -> timedelta | None:
    """Amsterdam's UTC offset during the whole UTC day ``dag``, or None if it changes that day."""
    begin = datetime.combine(dag, time.min, timezone.utc).astimezone(AMSTERDAM).utcoffset()
    eind = datetime.combine(dag, time.max, timezone.utc).astimezone(AMSTERDAM).utcoffset()
    return begin if begin == eind and begin is not None else None
