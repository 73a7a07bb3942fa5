"""A referral inside one transaction: rebuilt from its event log, changed, and written back.

The log is the single truth: a record is rebuilt by replaying its events through the library's
lifecycle, so the state rules exist in one place only (the library's transition table). Whatever a
change asks for (messages to send, a later tick) is carried out here, and every step is appended to
the log in the same transaction as the index entry, the postvak and the processing log.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast
from uuid import UUID

from warm_referral import parse_json
from warm_referral.lifecycle import (
    HerhaalBericht,
    StuurNietOpgepakt,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Tijdfeit,
    Verwijzingsdossier,
    Wijziging,
)
from warm_referral.models import Bericht, Message, Verwijzing

from ...deelnemers import Deelnemer
from ..storage import DossierIndex, Transactie, Verwerking
from .gebeurtenissen import (
    ActieGeregistreerd,
    BerichtOntvangen,
    BerichtVerstuurd,
    Gebeurtenis,
    Getikt,
    VerwijzingOntvangen,
    naar_regel,
    uit_regel,
)
from .monitoring import historieregel
from .verwerkingen import betrokkene_sleutel

__all__ = ["Werkdossier"]

_STUUR = (StuurOntvangstbevestiging, StuurNietOpgepakt, StuurStatusbericht)


class Werkdossier:
    """The referral being worked on in one transaction: its rebuilt record, with what the receiver
    keeps beside it (the Verwijzing, the creditor's key, the messages sent in this request)."""

    def __init__(
        self, tx: Transactie, dossier: Verwijzingsdossier, verwijzing: Verwijzing, schuldeiser: str
    ) -> None:
        self.tx = tx
        self.dossier = dossier
        self.verwijzing = verwijzing
        self.schuldeiser = schuldeiser
        """The creditor's participant key: whose postvak gets the messages."""
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
        profiel: str,
    ) -> tuple[Werkdossier, Wijziging]:
        """Record a new referral (raises the lifecycle's InvalidEvent when it cannot start)."""
        dossier, wijziging = Verwijzingsdossier.voor_gemeente(verwijzing, ontvangen_op, profiel)
        bevestiging = next(
            e for e in wijziging.effecten if isinstance(e, StuurOntvangstbevestiging)
        )
        record = cls(tx, dossier, verwijzing, schuldeiser)
        # Built from values validated already (the parsed Verwijzing, the clock, the lifecycle's
        # effect), so not validated again: this is every new referral's transaction.
        record.schrijf(
            VerwijzingOntvangen.model_construct(
                tijdstip=ontvangen_op,
                afsprakenprofiel=bevestiging.afsprakenprofiel,
                bericht=verwijzing,
            ),
            canoniek,
        )
        return record, wijziging

    @classmethod
    def herbouw(cls, tx: Transactie, index: DossierIndex) -> Werkdossier:
        """Replay the referral's log through the lifecycle."""
        regels = tx.gebeurtenissen(index.conversatie_id)
        eerste = uit_regel(regels[0])
        assert isinstance(eerste, VerwijzingOntvangen)
        dossier, _ = Verwijzingsdossier.voor_gemeente(
            eerste.bericht, eerste.tijdstip, eerste.afsprakenprofiel.naam
        )
        for regel in regels[1:]:
            _speel_af(dossier, uit_regel(regel))
        return cls(tx, dossier, eerste.bericht, index.schuldeiser)

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

    def json(self, bericht: Bericht) -> bytes:
        """The JSON of a message: as it was sent in this request."""
        body = self.verzonden.get(bericht.bericht_id)
        return bericht.to_json() if body is None else body

    def bewaar_index(self, nu: datetime) -> None:
        """Store the index entry and, beside it, the referral's monitoring history."""
        self.tx.bewaar_dossier(index_van(self.dossier, self.schuldeiser, nu))
        self.tx.bewaar_historie(historieregel(self.dossier, self.verwijzing))

    def log(
        self, activiteit: str, wie: Deelnemer, trace_id: str, nu: datetime, sleutel: bytes
    ) -> None:
        """One record in the processing log (Logboek dataverwerkingen) for this data subject."""
        self.tx.log(
            Verwerking(
                tijdstip=nu,
                trace_id=trace_id,
                activiteit=activiteit,
                betrokkene=betrokkene_sleutel(self.verwijzing.hulpvrager, sleutel),
                actor=wie.sleutel,
                conversatie_id=self.conversatie_id,
            )
        )


def _speel_af(dossier: Verwijzingsdossier, gebeurtenis: Gebeurtenis) -> None:
    if isinstance(gebeurtenis, BerichtOntvangen):
        dossier.ontvang(gebeurtenis.bericht)
    elif isinstance(gebeurtenis, BerichtVerstuurd):
        dossier.verstuur(gebeurtenis.bericht)
    elif isinstance(gebeurtenis, ActieGeregistreerd):
        dossier.registreer(gebeurtenis.actie.naar_lokale_actie())
    elif isinstance(gebeurtenis, Getikt):
        dossier.tik(gebeurtenis.tijdstip)
    else:  # a second VerwijzingOntvangen: the log is broken
        raise AssertionError(f"{gebeurtenis.type} in the middle of a log")


def index_van(dossier: Verwijzingsdossier, schuldeiser: str, nu: datetime) -> DossierIndex:
    """What the index keeps of a record: enough to list, authorise and plan the next tick."""
    wacht = []
    if (
        dossier.contactdeadline is not None
        and Tijdfeit.CONTACTDEADLINE_VERSTREKEN not in dossier.tijdfeiten
    ):
        wacht.append(dossier.contactdeadline + timedelta(seconds=1))
    if Tijdfeit.INCASSOSTOP_AFGELOPEN not in dossier.tijdfeiten:
        wacht.append(dossier.incassostop_voorbij_om)
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
