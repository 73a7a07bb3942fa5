"""Long random conversations between a creditor and a municipality (Hypothesis rule-based).

Any action may be refused, but only with the typed error of the side that acted, and a refusal
changes nothing. Messages from the municipality travel with a delay, so they cross the creditor's.
Invariants: terminal states stay, dates never go back, each time fact fires once, and once every
message has arrived both copies show the creditor the same thing, even after messages crossed.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from lifecycle_helpers import (
    GEHEIME_HULP,
    GEHEIME_REDEN,
    GEHEIME_TOELICHTING,
    Paar,
    gebeurtenis,
    verwijzing,
)

from warm_referral.lifecycle import (
    ContactTeLaat,
    IncassostopVoorbij,
    LocalInvalidTransition,
    Soort,
    Toestand,
    Verwijzingsdossier,
    Wijziging,
    schuldeiserbeeld,
)
from warm_referral.lifecycle._table import EINDTOESTANDEN, LOKALE_ACTIES, STATUS_MIJLPAAL
from warm_referral.lifecycle.effects import StuurOntvangstbevestiging
from warm_referral.models import Bericht, Grondslag, Mijlpaal, SoortVerwijzer

_GEMEENTEBERICHTEN = sorted(
    {Soort.NIET_OPGEPAKT, Soort.DOORZENDING, *STATUS_MIJLPAAL}, key=lambda s: s.name
)
_SCHULDEISERBERICHTEN = [
    Soort.STATUSVERZOEK,
    Soort.INTREKKING,
    Soort.INCASSOSTOPWIJZIGING,
    Soort.BETAALGEDRAGMELDING,
    Soort.FOUTBERICHT,
]
_RANG = {
    Mijlpaal.OPGEPAKT: 1,
    Mijlpaal.BEREIKT: 2,
    Mijlpaal.HULP_AANGEBODEN: 3,
    Mijlpaal.HULP_AANVAARD: 4,
    Mijlpaal.HULP_AFGEWEZEN: 4,
    Mijlpaal.AFGESLOTEN: 5,
}


def _momentopname(dossier: Verwijzingsdossier) -> dict[str, Any]:
    return copy.deepcopy(
        {k: v for k, v in vars(dossier).items() if k not in ("schuldeiser", "gemeente")}
    )


class Gesprek(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.paar: Paar
        self.begin: Wijziging | None = None
        self.bezorgd: list[Bericht] = []
        self.eind: dict[str, Toestand] = {}
        self.laatste: dict[str, Any] = {}
        self.gevuurd: list[tuple[str, object]] = []

    @initialize(statusterugmelding=st.booleans(), bevestigd=st.booleans(), crisis=st.booleans())
    def start(self, statusterugmelding: bool, bevestigd: bool, crisis: bool) -> None:
        from warm_referral.models import Crisissoort

        v = verwijzing(
            soort=SoortVerwijzer.ENERGIE,
            grondslag=Grondslag.TOESTEMMING,
            statusterugmelding=statusterugmelding,
            crisis=Crisissoort.AFSLUITING_ENERGIE if crisis else None,
        )
        self.paar = Paar.start(v, bevestig=bevestigd)
        if not bevestigd:
            self.begin = Verwijzingsdossier.voor_gemeente(v, self.paar.nu)[1]

    # --- the municipality -----------------------------------------------------------------------

    @precondition(lambda self: self.begin is not None)
    @rule()
    def bevestig(self) -> None:
        assert self.begin is not None
        begin, self.begin = self.begin, None
        try:
            self.paar.verwerk(begin)
        except LocalInvalidTransition:
            bevestiging = next(
                (e for e in begin.effecten if isinstance(e, StuurOntvangstbevestiging)), None
            )
            verouderd = (
                bevestiging is not None
                and (
                    bevestiging.incassostop.ingangsdatum,
                    bevestiging.incassostop.einddatum,
                )
                != self.paar.gemeente.incassostop
            )
            # Decided already, or an acknowledgement built before an Incassostopwijziging that
            # arrived first: it no longer states the period the municipality holds.
            assert self.paar.gemeente.toestand is not Toestand.VERZONDEN or verouderd

    @rule(soort=st.sampled_from(sorted(LOKALE_ACTIES, key=lambda s: s.name)), data=st.data())
    def gemeente_handelt(self, soort: Soort, data: st.DataObject) -> None:
        actie = data.draw(gebeurtenis(soort, self.paar.gemeente))
        self._lokaal(self.paar.gemeente, lambda: self.paar.gemeente_doet(actie))

    @rule(soort=st.sampled_from(_GEMEENTEBERICHTEN), data=st.data())
    def gemeente_stuurt(self, soort: Soort, data: st.DataObject) -> None:
        bericht = data.draw(gebeurtenis(soort, self.paar.gemeente))
        self._lokaal(self.paar.gemeente, lambda: self.paar.gemeente_stuurt(bericht))

    # --- the creditor ---------------------------------------------------------------------------

    @rule(soort=st.sampled_from(_SCHULDEISERBERICHTEN), data=st.data())
    def schuldeiser_stuurt(self, soort: Soort, data: st.DataObject) -> None:
        bericht = data.draw(gebeurtenis(soort, self.paar.schuldeiser))
        if soort is Soort.FOUTBERICHT and bericht.afzender != self.paar.schuldeiser.schuldeiser:
            return
        onderweg = bool(self.paar.onderweg)
        if self._lokaal(self.paar.schuldeiser, lambda: self.paar.schuldeiser.verstuur(bericht)):
            # What the creditor may send, the municipality (further along) must accept.
            self.paar.verwerk(self.paar.gemeente.ontvang(bericht))
            if soort is Soort.INTREKKING and onderweg:
                event("a withdrawal crossed the municipality's messages")

    # --- the network and the clock ----------------------------------------------------------------

    @rule(aantal=st.integers(1, 3))
    def bezorg(self, aantal: int) -> None:
        berichten = list(self.paar.onderweg)[:aantal]
        self.paar.bezorg(aantal)  # never refused: the creditor is behind on the same path
        self.bezorgd += berichten

    @precondition(lambda self: bool(self.bezorgd))
    @rule(data=st.data())
    def bezorg_opnieuw(self, data: st.DataObject) -> None:
        bericht = data.draw(st.sampled_from(self.bezorgd))
        assert self.paar.schuldeiser.ontvang(bericht).dubbel

    @rule(uren=st.integers(1, 24 * 12))
    def tik(self, uren: int) -> None:
        gemeente, schuldeiser = self.paar.tik(self.paar.nu + timedelta(hours=uren))
        for kant, wijziging in (("gemeente", gemeente), ("schuldeiser", schuldeiser)):
            assert not wijziging.veranderd
            for effect in wijziging.effecten:
                assert isinstance(effect, ContactTeLaat | IncassostopVoorbij)
                assert (kant, effect) not in self.gevuurd, "a time fact fired twice"
                self.gevuurd.append((kant, effect))
                if isinstance(effect, ContactTeLaat):
                    assert kant == "gemeente"

    # --- helpers and invariants ---------------------------------------------------------------------

    def _lokaal(self, dossier: Verwijzingsdossier, doe: Any) -> bool:
        voor = _momentopname(dossier)
        try:
            doe()
        except LocalInvalidTransition:
            assert _momentopname(dossier) == voor, "a refusal must change nothing"
            return False
        return True

    @invariant()
    def toestanden_blijven_geldig(self) -> None:
        if not hasattr(self, "paar"):
            return
        for kant, dossier in (
            ("gemeente", self.paar.gemeente),
            ("schuldeiser", self.paar.schuldeiser),
        ):
            assert isinstance(dossier.toestand, Toestand)
            if kant in self.eind:
                assert dossier.toestand is self.eind[kant], "a terminal state changed"
            elif dossier.toestand in EINDTOESTANDEN:
                self.eind[kant] = dossier.toestand
            assert dossier.laatste_datum >= self.laatste.get(kant, dossier.laatste_datum)
            self.laatste[kant] = dossier.laatste_datum
            mijlpalen = sorted(dossier.mijlpalen.items(), key=lambda kv: _RANG[kv[0]])
            datums = [d for _, d in mijlpalen]
            assert datums == sorted(datums), "milestone dates went backwards"

    @invariant()
    def de_schuldeiser_ziet_hetzelfde(self) -> None:
        if not hasattr(self, "paar") or self.paar.onderweg:
            return
        beeld = schuldeiserbeeld(self.paar.gemeente)
        assert schuldeiserbeeld(self.paar.schuldeiser) == beeld
        for geheim in (GEHEIME_REDEN, GEHEIME_HULP, GEHEIME_TOELICHTING):
            assert geheim not in repr(beeld)


Gesprek.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestGesprek = Gesprek.TestCase
