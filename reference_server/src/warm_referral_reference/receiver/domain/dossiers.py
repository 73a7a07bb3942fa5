"""A referral inside one transaction: rebuilt from its event log, changed, and written back.

The log is the single truth: a record is rebuilt by replaying its events through the library's
lifecycle, so the state rules exist in one place only (the library's transition table). The first
event fixes the agreements the record keeps (its :class:`~warm_referral.lifecycle.Vastlegging`), so
a replay never computes a deadline again: a new profile version or new decree days in the calendar
leave an existing referral's dates as they were. Whatever a change asks for (messages to send, a
later tick) is carried out here, and every step is appended to the log in the same transaction as
the index entry, the postvak and the processing log.

Erasing (:meth:`Werkdossier.wis`) replaces the log by one :class:`~.gebeurtenissen.DossierGewist`
event: the record's snapshot without its free texts. The Verwijzing (with the help-seeker's
personal data) is gone; the record lives on for the creditor's view, the monitoring counts and
late evaluation reports.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import cast
from uuid import UUID

from warm_referral import deadlines, parse_json
from warm_referral.afspraken import ALLES, NIETS, afspraken, heeft_statusterugmelding
from warm_referral.errors import UnknownProfileError
from warm_referral.lifecycle import (
    HerhaalBericht,
    StuurNietOpgepakt,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Tijdfeit,
    Vastlegging,
    Verwijzingsdossier,
    Wijziging,
)
from warm_referral.models import Bericht, Message, Ontvangstbevestiging, Verwijzing

from ...deelnemers import Deelnemer
from ..storage import DossierIndex, Gebeurtenisregel, Transactie, Verwerking
from .gebeurtenissen import (
    ActieGeregistreerd,
    BerichtOntvangen,
    BerichtVerstuurd,
    DossierGewist,
    Gebeurtenis,
    Getikt,
    VerwijzingOntvangen,
    VerwijzingOntvangenV1,
    Wisreden,
    naar_regel,
    uit_regel,
)
from .monitoring import historieregel
from .verwerkingen import betrokkene_sleutel

__all__ = ["Werkdossier", "bewaartermijn_einde", "index_van"]

_STUUR = (StuurOntvangstbevestiging, StuurNietOpgepakt, StuurStatusbericht)

#: Free texts of the municipality in a snapshot: an erased record keeps none of them.
_VRIJE_TEKSTEN = ("afsluitingToelichting", "nietOpgepaktToelichting")


class Werkdossier:
    """The referral being worked on in one transaction: its rebuilt record, with what the receiver
    keeps beside it (the Verwijzing while it is kept, the creditor's key, the messages sent in this
    request)."""

    def __init__(
        self,
        tx: Transactie,
        dossier: Verwijzingsdossier,
        verwijzing: Verwijzing | None,
        schuldeiser: str,
        *,
        gewist: DossierGewist | None = None,
    ) -> None:
        self.tx = tx
        self.dossier = dossier
        self.verwijzing = verwijzing
        """The Verwijzing as received; None once the personal data were erased."""
        self.schuldeiser = schuldeiser
        """The creditor's participant key: whose postvak gets the messages."""
        self.gewist = gewist
        """Why and when the personal data were erased (None while they are kept)."""
        self.verzonden: dict[UUID, bytes] = {}
        """The JSON of the messages sent in this request, by berichtId: serialised once."""

    @property
    def conversatie_id(self) -> UUID:
        return self.dossier.conversatie_id

    # --- making and rebuilding ------------------------------------------------------------------

    @classmethod
    def nieuw(
        cls,
        tx: Transactie,
        schuldeiser: str,
        verwijzing: Verwijzing,
        canoniek: bytes,
        ontvangen_op: datetime,
        profiel: deadlines.Afsprakenprofiel,
    ) -> tuple[Werkdossier, Wijziging]:
        """Record a new referral. Raises the lifecycle's InvalidEvent when it cannot start, and
        RemoteAgreementViolation when it breaks ``profiel`` (the creditor's agreement)."""
        dossier, wijziging = Verwijzingsdossier.voor_gemeente(verwijzing, ontvangen_op, profiel)
        record = cls(tx, dossier, verwijzing, schuldeiser)
        # Built from values validated already (the parsed Verwijzing, the clock, the lifecycle's
        # record), so not validated again: this is every new referral's transaction.
        record.schrijf(
            VerwijzingOntvangen.model_construct(
                tijdstip=ontvangen_op,
                afsprakenprofiel=dossier.afsprakenprofiel,
                vastlegging=dossier.vastlegging.naar_json(),
                bericht=verwijzing,
            ),
            canoniek,
        )
        return record, wijziging

    @classmethod
    def herbouw(cls, tx: Transactie, index: DossierIndex) -> Werkdossier:
        """Replay the referral's log through the lifecycle, with the agreements it fixed."""
        regels = tx.gebeurtenissen(index.conversatie_id)
        eerste = uit_regel(regels[0])
        gewist: DossierGewist | None = None
        verwijzing: Verwijzing | None = None
        if isinstance(eerste, DossierGewist):
            gewist = eerste
            dossier = Verwijzingsdossier.herstel(eerste.momentopname)
        elif isinstance(eerste, (VerwijzingOntvangen, VerwijzingOntvangenV1)):
            verwijzing = eerste.bericht
            dossier, _ = Verwijzingsdossier.voor_gemeente(
                verwijzing, eerste.tijdstip, vastlegging=_vastlegging_van(eerste, regels)
            )
        else:  # pragma: no cover - nothing else starts a log
            raise AssertionError(f"a log that starts with {eerste.type}")
        for regel in regels[1:]:
            _speel_af(dossier, uit_regel(regel))
        return cls(tx, dossier, verwijzing, index.schuldeiser, gewist=gewist)

    # --- changing ---------------------------------------------------------------------------------

    def schrijf(self, gebeurtenis: Gebeurtenis, bericht_json: bytes | None = None) -> None:
        """Append an event to the log (``bericht_json``: its message's JSON, when at hand)."""
        self.tx.voeg_toe(self.conversatie_id, naar_regel(gebeurtenis, bericht_json))

    def voer_uit(self, wijziging: Wijziging, nu: datetime) -> list[Bericht]:
        """Carry out a change's effects: build, apply and send each message it asks for."""
        uitgaand: list[Bericht] = []
        dossier = self.dossier
        for effect in wijziging.effecten:
            if isinstance(effect, _STUUR):
                bericht = effect.als_bericht(
                    afzender=dossier.gemeente,
                    ontvanger=dossier.schuldeiser,
                    conversatie_id=dossier.conversatie_id,
                    nu=nu,
                    spec_versie=dossier.spec_versie,
                )
                dossier.verstuur(bericht)
                self.zend(bericht, nu)
                uitgaand.append(bericht)
            elif isinstance(effect, HerhaalBericht):
                eerder = self.tx.postvakbericht(effect.bericht_id)
                if eerder is not None:
                    herhaald = parse_json(eerder[1])
                    self.verzonden[herhaald.bericht_id] = eerder[1]  # resent unchanged
                    uitgaand.append(herhaald)
        return uitgaand

    def zend(self, bericht: Bericht, nu: datetime) -> None:
        """Send a message the record has applied: logged, and into the creditor's postvak."""
        body = bericht.to_json()
        self.verzonden[bericht.bericht_id] = body
        verstuurd = BerichtVerstuurd.model_construct(tijdstip=nu, bericht=cast(Message, bericht))
        self.schrijf(verstuurd, body)
        self.tx.in_postvak(self.schuldeiser, bericht.bericht_id, bericht.berichttype, body)

    def wis(self, reden: Wisreden, nu: datetime, sleutel: bytes, trace_id: str = "") -> None:
        """Erase the referral's personal data: its whole log becomes one DossierGewist event
        (the record's snapshot without free texts). Idempotent. The erasure is itself a
        processing of the data subject's data, logged as such."""
        if self.gewist is not None:
            return
        self.tx.log(
            Verwerking(
                tijdstip=nu,
                trace_id=trace_id or secrets.token_hex(16),
                activiteit=f"persoonsgegevens gewist ({reden})",
                betrokkene=self.betrokkene(sleutel),
                actor="ontvanger",
                conversatie_id=self.conversatie_id,
            )
        )
        momentopname = self.dossier.momentopname()
        for veld in _VRIJE_TEKSTEN:
            momentopname[veld] = None
        if momentopname.get("hulpaanbod") is not None:
            momentopname["hulpaanbod"][1] = None  # what help: the municipality's own text
        gewist = DossierGewist(
            tijdstip=nu,
            reden=reden,
            momentopname=momentopname,
            betrokkene=self.betrokkene(sleutel),
        )
        self.tx.vervang_gebeurtenissen(self.conversatie_id, [naar_regel(gewist)])
        self.gewist = gewist
        self.verwijzing = None

    def json(self, bericht: Bericht) -> bytes:
        """The JSON of a message: as it was sent in this request."""
        body = self.verzonden.get(bericht.bericht_id)
        return bericht.to_json() if body is None else body

    def bewaar_index(self, nu: datetime, bewaartermijn_dagen: int | None = None) -> None:
        """Store the index entry and, beside it, the referral's monitoring history (which an
        erased record, without its Verwijzing, gives just the same)."""
        self.tx.bewaar_dossier(
            index_van(self.dossier, self.schuldeiser, nu, self.wismoment(bewaartermijn_dagen))
        )
        self.tx.bewaar_historie(historieregel(self.dossier, self.verwijzing))

    def wismoment(self, bewaartermijn_dagen: int | None) -> datetime | None:
        """When the retention term of this closed referral ends (None: open, erased already, or
        no term)."""
        if self.gewist is not None:
            return None
        return bewaartermijn_einde(self.dossier, bewaartermijn_dagen)

    def betrokkene(self, sleutel: bytes) -> str:
        """The data subject's keyed hash (kept after erasure for the processing log)."""
        if self.verwijzing is not None:
            return betrokkene_sleutel(self.verwijzing.hulpvrager, sleutel)
        assert self.gewist is not None
        return self.gewist.betrokkene

    def log(
        self, activiteit: str, wie: Deelnemer, trace_id: str, nu: datetime, sleutel: bytes
    ) -> None:
        """One record in the processing log (Logboek dataverwerkingen) for this data subject."""
        self.tx.log(
            Verwerking(
                tijdstip=nu,
                trace_id=trace_id,
                activiteit=activiteit,
                betrokkene=self.betrokkene(sleutel),
                actor=wie.sleutel,
                conversatie_id=self.conversatie_id,
            )
        )


def _vastlegging_van(
    eerste: VerwijzingOntvangen | VerwijzingOntvangenV1, regels: list[Gebeurtenisregel]
) -> Vastlegging:
    """The agreements a log fixed: recorded since version 2; a version 1 log (written before they
    were) takes the dates its Ontvangstbevestiging stated, and the feedback of the profile version
    it names (the rule of specVersie 1.0 when this library does not know that version)."""
    if isinstance(eerste, VerwijzingOntvangen):
        return Vastlegging.van_json(eerste.vastlegging)
    bevestiging = _eerste_bevestiging(regels)
    verwijzing = eerste.bericht
    try:
        profiel = deadlines.afsprakenprofielen().versie(
            eerste.afsprakenprofiel.naam, eerste.afsprakenprofiel.versie
        )
        terugmelding = afspraken(profiel).terugmelding_voor(verwijzing)
    except UnknownProfileError:
        toestemming = verwijzing.toestemming
        status = heeft_statusterugmelding(
            verwijzing.grondslag, toestemming.reikwijdte if toestemming else None
        )
        terugmelding = NIETS if status is False else ALLES
    stop = bevestiging.incassostop
    return Vastlegging(
        afsprakenprofiel=eerste.afsprakenprofiel,
        incassostop=(stop.ingangsdatum, stop.einddatum),
        incassostop_minimum=stop.einddatum,
        terugmelding=terugmelding,
        contactdeadline=bevestiging.contactdeadline,
    )


def _eerste_bevestiging(regels: list[Gebeurtenisregel]) -> Ontvangstbevestiging:
    for regel in regels[1:]:
        if regel.type != "BerichtVerstuurd":
            continue
        gebeurtenis = uit_regel(regel)
        if isinstance(gebeurtenis, BerichtVerstuurd) and isinstance(
            gebeurtenis.bericht, Ontvangstbevestiging
        ):
            return gebeurtenis.bericht
    from ..errors import EventLogError

    raise EventLogError("a version 1 log without its Ontvangstbevestiging cannot be replayed")


def _speel_af(dossier: Verwijzingsdossier, gebeurtenis: Gebeurtenis) -> None:
    if isinstance(gebeurtenis, BerichtOntvangen):
        dossier.ontvang(gebeurtenis.bericht)
    elif isinstance(gebeurtenis, BerichtVerstuurd):
        dossier.verstuur(gebeurtenis.bericht)
    elif isinstance(gebeurtenis, ActieGeregistreerd):
        dossier.registreer(gebeurtenis.actie.naar_lokale_actie())
    elif isinstance(gebeurtenis, Getikt):
        dossier.tik(gebeurtenis.tijdstip)
    else:  # a second start of the log: the log is broken
        raise AssertionError(f"{gebeurtenis.type} in the middle of a log")


def bewaartermijn_einde(dossier: Verwijzingsdossier, dagen: int | None) -> datetime | None:
    """The moment a closed referral's personal data are due for erasure: midnight (Amsterdam)
    after the last day of the retention term (``dagen``, else its profile's term)."""
    if dossier.afgerond_op is None:
        return None
    laatste: date | None
    try:
        profiel: deadlines.Afsprakenprofiel | None = deadlines.afsprakenprofielen().versie(
            dossier.afsprakenprofiel.naam, dossier.afsprakenprofiel.versie
        )
    except UnknownProfileError:
        profiel = None
    if dagen is not None:
        laatste = dossier.afgerond_op + timedelta(days=dagen)
    elif profiel is not None:
        laatste = deadlines.bewaren_tot(dossier.afgerond_op, profiel)
    else:
        laatste = None
    if laatste is None:
        return None
    from warm_referral import AMSTERDAM

    return datetime.combine(laatste + timedelta(days=1), time(0, 0), tzinfo=AMSTERDAM)


def index_van(
    dossier: Verwijzingsdossier,
    schuldeiser: str,
    nu: datetime,
    wismoment: datetime | None = None,
) -> DossierIndex:
    """What the index keeps of a record: enough to list, authorise and plan the next tick (a
    deadline passing, the incassostop ending, the retention term ending)."""
    wacht = []
    if (
        dossier.contactdeadline is not None
        and Tijdfeit.CONTACTDEADLINE_VERSTREKEN not in dossier.tijdfeiten
    ):
        wacht.append(dossier.contactdeadline + timedelta(seconds=1))
    if Tijdfeit.INCASSOSTOP_AFGELOPEN not in dossier.tijdfeiten:
        wacht.append(dossier.incassostop_voorbij_om)
    if wismoment is not None:
        wacht.append(wismoment)
    gemeentecode = dossier.gemeente.gemeentecode
    assert gemeentecode is not None
    return DossierIndex(
        conversatie_id=dossier.conversatie_id,
        verwijzing_id=dossier.verwijzing_id,
        gemeentecode=gemeentecode,
        schuldeiser=schuldeiser,
        toestand=dossier.toestand.value,
        wacht_op_contact=dossier.wacht_op_contact,
        contactdeadline=dossier.contactdeadline,
        incassostop_einde=dossier.incassostop_voorbij_om,
        afgerond=dossier.afgerond,
        bijgewerkt_op=nu,
        volgende_tik=min(wacht) if wacht else None,
    )
