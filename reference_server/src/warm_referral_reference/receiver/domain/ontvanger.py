"""The receiver's use cases, free of HTTP: each one is an access check, then one storage
transaction (or a read), then an answer from :mod:`.weergaven`. Refusals are the typed errors of
:mod:`..errors`; the HTTP layer maps them to problem details in one place.

Each write is one transaction (see :mod:`..storage`), so an answer is given only after everything it
implies (event log, outgoing messages, index, processing log, the stored answer for retries) is
durable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from uuid import UUID

from warm_referral import (
    MessageValidationError,
    Violation,
    amsterdamse_datum,
    format_tijdstip,
    parse_json,
    parse_json_as,
)
from warm_referral.afsprakenstelsel import afwijkingen_afzender
from warm_referral.lifecycle import InvalidEvent, InvalidTransition, schuldeiserbeeld
from warm_referral.models import Bericht, Doorzending, Richting, nieuwe_envelop

from ...deelnemers import Deelnemer
from ..config import Instellingen
from ..errors import (
    ActionNotAllowed,
    ActionWouldBeInvalid,
    ClockBackwards,
    DatedAhead,
    InvalidAction,
    InvalidMessage,
    InvalidRequest,
    NotFound,
    WrongDirection,
    WrongSender,
)
from ..storage import Antwoord, DossierIndex, Opslag, Transactie
from .acties import ActieDoorzending, Actieverzoek
from .bediening import Bediening
from .bewaking import bewaak
from .dossiers import Werkdossier
from .gebeurtenissen import ActieGeregistreerd
from .handtekening import Handtekeningkoppen, bevestig_ondertekenaar, controleer_handtekening
from .intake import Aanlevering, Uitkomst, neem_aan
from .monitoring import Monitoring, Monitoringvraag, monitoringcijfers, organisaties
from .toegang import Bereik, Operatie, Toegang, toegang
from .weergaven import (
    Actieresultaat,
    Postvak,
    Postvakitem,
    Schuldeiserbeeld,
    Termijnbewaking,
    Testklok,
    Verwijzingenlijst,
    Verwijzingsindex,
)
from .weergaven import Dossier as Dossierweergave

if TYPE_CHECKING:
    from warm_referral.ondertekening import Ondertekenaar

_ONGETEKEND = Handtekeningkoppen()

__all__ = ["Ontvanger", "Uitkomst"]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Ontvanger:
    """The municipality's service. ``klok`` is the real clock; in development mode the test clock
    stored in the database overrides it once set."""

    def __init__(
        self,
        instellingen: Instellingen,
        opslag: Opslag,
        klok: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.instellingen = instellingen
        self.opslag = opslag
        self._klok = klok

    def _nu(self, tx: Transactie) -> datetime:
        if self.instellingen.testklok:
            gezet = tx.klok()
            if gezet is not None:
                return gezet
        return self._klok()

    # --- the creditor's messages -------------------------------------------------------------------

    async def ontvang_bericht(
        self,
        wie: Deelnemer,
        data: bytes,
        *,
        xml: bool,
        trace_id: str,
        koppen: Handtekeningkoppen = _ONGETEKEND,
        ondertekenaar: Ondertekenaar | None = None,
    ) -> tuple[Uitkomst, bytes]:
        """Accept a message (JSON, or XML when ``xml``); the answer's kind and JSON body.
        ``koppen``: its signature headers, checked against the signing profile first. Or
        ``ondertekenaar``: who signed it, already verified on the way in (the route through a
        knooppunt opens and checks the envelope); it must be the afzender."""
        mag = toegang(wie, Operatie.BERICHT_AANLEVEREN)
        try:
            if xml:
                from warm_referral import parse_xml

                bericht: Bericht = parse_xml(data)
            else:
                bericht = parse_json(data)
        except MessageValidationError as exc:
            n = len(exc.violations)
            raise InvalidMessage(
                f"the message is not valid ({n} violation{'s' if n != 1 else ''}); see fouten",
                exc.violations,
            ) from None
        if bericht.richting is Richting.NAAR_SCHULDEISER:
            raise WrongDirection(f"a {bericht.berichttype} is sent by the municipality, not to it")
        _controleer_afzender(wie, bericht)
        if ondertekenaar is not None:
            bevestig_ondertekenaar(ondertekenaar, bericht)
        elif self.instellingen.ondertekening is not None:
            nu = await self.nu()
            controleer_handtekening(self.instellingen.ondertekening, koppen, data, bericht, nu)
        aanlevering = Aanlevering(wie, mag, bericht, bericht.to_json(), trace_id)
        instellingen = self.instellingen

        def werk(tx: Transactie) -> Antwoord:
            return neem_aan(
                tx,
                aanlevering,
                self._nu(tx),
                register=instellingen.register,
                bediend=instellingen.gemeentecodes,
                audit_sleutel=instellingen.audit_sleutel,
                bediening=instellingen.bediening,
                bewaartermijn_dagen=instellingen.bewaartermijn_dagen,
            )

        antwoord = await self.opslag.transactie(werk)
        return Uitkomst(antwoord.uitkomst), antwoord.body

    # --- the municipality's actions ----------------------------------------------------------------

    async def actie(
        self, wie: Deelnemer, conv: UUID, data: bytes, *, trace_id: str
    ) -> Actieresultaat:
        mag = toegang(wie, Operatie.ACTIE_REGISTREREN)
        try:
            actie: Actieverzoek = parse_json_as(Actieverzoek, data)
        except MessageValidationError as exc:
            raise InvalidAction("the action is not valid; see fouten", exc.violations) from None

        def werk(tx: Transactie) -> Actieresultaat:
            record = Werkdossier.herbouw(tx, self._gezien(tx, mag, conv))
            nu = self._nu(tx)
            vandaag = amsterdamse_datum(nu)
            if actie.datum > vandaag:
                raise DatedAhead(
                    f"datum {actie.datum.isoformat()} lies after today ({vandaag.isoformat()})",
                    [Violation("/datum", "datum_toekomst", "an action cannot be dated ahead")],
                )
            try:
                uitgaand = _voer_actie_uit(record, actie, conv, nu, self.instellingen.bediening)
            except MessageValidationError as exc:
                raise ActionWouldBeInvalid(
                    "the action would produce an invalid message", exc.violations
                ) from None
            except (InvalidEvent, InvalidTransition) as exc:
                raise ActionNotAllowed(str(exc)) from None
            record.bewaar_index(nu, self.instellingen.bewaartermijn_dagen)
            record.log(f"actie {actie.soort}", wie, trace_id, nu, self.instellingen.audit_sleutel)
            return Actieresultaat(toestand=record.dossier.toestand, berichten=uitgaand)

        return await self.opslag.transactie(werk)

    @staticmethod
    def _gezien(tx: Transactie, mag: Toegang, conv: UUID) -> DossierIndex:
        index = tx.dossier(conv)
        if index is None or not mag.ziet(index):
            raise NotFound(f"no referral {conv} in your municipalities")
        return index

    # --- time: the deadline monitor and the test clock ---------------------------------------------

    async def bewaak(self) -> int:
        """Fire the time facts that are due and erase the personal data whose retention term
        ended; the number of referrals that changed."""
        instellingen = self.instellingen
        return await self.opslag.transactie(
            lambda tx: bewaak(
                tx,
                self._nu(tx),
                bewaartermijn_dagen=instellingen.bewaartermijn_dagen,
                audit_sleutel=instellingen.audit_sleutel,
            )
        )

    async def zet_klok(self, wie: Deelnemer, data: bytes) -> Testklok:
        """Move the test clock forward (never back), then run the deadline monitor."""
        toegang(wie, Operatie.TESTKLOK_ZETTEN)
        try:
            gevraagd: Testklok = parse_json_as(Testklok, data)
        except MessageValidationError as exc:
            raise InvalidRequest('send {"nu": "<RFC 3339 date-time>"}', exc.violations) from None

        def werk(tx: Transactie) -> None:
            huidig = tx.klok()
            if huidig is not None and gevraagd.nu < huidig:
                raise ClockBackwards(
                    f"the test clock cannot go back from {format_tijdstip(huidig)}"
                )
            tx.zet_klok(gevraagd.nu)

        await self.opslag.transactie(werk)
        await self.bewaak()
        return gevraagd

    async def nu(self) -> datetime:
        """The receiver's present: the test clock where it is set, else the real clock."""
        if not self.instellingen.testklok:
            return self._klok()
        return await self.opslag.lees(self._nu)

    async def klok(self, wie: Deelnemer) -> Testklok:
        toegang(wie, Operatie.TESTKLOK_LEZEN)
        return Testklok(nu=await self.opslag.lees(self._nu))

    # --- what callers may see ----------------------------------------------------------------------

    async def postvak(self, wie: Deelnemer, na: int, limiet: int) -> Postvak:
        toegang(wie, Operatie.POSTVAK_LEZEN)
        berichten = await self.opslag.lees(lambda tx: tx.postvak(wie.sleutel, na, limiet))
        return Postvak(
            berichten=[
                Postvakitem(volgnummer=b.volgnummer, bericht=parse_json(b.body)) for b in berichten
            ],
            laatste_volgnummer=berichten[-1].volgnummer if berichten else na,
        )

    async def verwijzingen(self, wie: Deelnemer, gemeentecode: str | None) -> Verwijzingenlijst:
        selectie = toegang(wie, Operatie.VERWIJZINGEN_ZOEKEN).selectie(gemeentecode)
        lijst = await self.opslag.lees(lambda tx: tx.dossiers(**selectie))
        return Verwijzingenlijst(verwijzingen=[Verwijzingsindex.van(i) for i in lijst])

    async def verwijzing(
        self, wie: Deelnemer, conv: UUID, *, trace_id: str = ""
    ) -> Schuldeiserbeeld | Dossierweergave:
        """A creditor gets the creditor-safe view; an operator the full record (and viewing it is
        a processing of personal data: logged)."""
        mag = toegang(wie, Operatie.VERWIJZING_LEZEN)
        if mag.bereik is Bereik.EIGEN:  # its sender: the creditor-safe view

            def creditor(tx: Transactie) -> Schuldeiserbeeld:
                index = tx.dossier(conv)
                if index is None or not mag.ziet(index):
                    raise NotFound(f"no referral of yours with conversatieId {conv}")
                beeld = schuldeiserbeeld(Werkdossier.herbouw(tx, index).dossier)
                return Schuldeiserbeeld.van(conv, beeld)

            return await self.opslag.lees(creditor)

        def operator(tx: Transactie) -> Dossierweergave:
            record = Werkdossier.herbouw(tx, self._gezien(tx, mag, conv))
            nu = self._nu(tx)
            record.log("verwijzing ingezien", wie, trace_id, nu, self.instellingen.audit_sleutel)
            return Dossierweergave.van(record.dossier, record.verwijzing, record.gewist)

        return await self.opslag.transactie(operator)

    async def termijnbewaking(self, wie: Deelnemer, gemeentecode: str | None) -> Termijnbewaking:
        selectie = toegang(wie, Operatie.TERMIJNBEWAKING_LEZEN).selectie(gemeentecode)

        def werk(tx: Transactie) -> Termijnbewaking:
            nu = self._nu(tx)
            lijst = tx.dossiers(**selectie)
            return Termijnbewaking(
                nu=nu,
                contact_te_laat=[
                    Verwijzingsindex.van(i)
                    for i in lijst
                    if i.wacht_op_contact
                    and i.contactdeadline is not None
                    and i.contactdeadline < nu
                ],
                incassostop_voorbij=[
                    Verwijzingsindex.van(i)
                    for i in lijst
                    if not i.afgerond and i.incassostop_einde <= nu
                ],
            )

        return await self.opslag.lees(werk)

    async def monitoring(self, wie: Deelnemer, vraag: Monitoringvraag) -> Monitoring:
        """The published monitoring figures: an operator's municipalities, or NVVK's all."""
        gemeentecodes = toegang(wie, Operatie.MONITORING_LEZEN).selectie().get("gemeentecodes")
        per_gemeente = organisaties(self.instellingen)
        drempel = self.instellingen.monitoring_drempel

        def werk(tx: Transactie) -> Monitoring:
            return monitoringcijfers(
                tx,
                vraag,
                gemeentecodes=gemeentecodes,
                peildatum=amsterdamse_datum(self._nu(tx)),
                organisaties=per_gemeente,
                drempel=drempel,
            )

        return await self.opslag.lees(werk)


def _controleer_afzender(wie: Deelnemer, bericht: Bericht) -> None:
    """The afzender is exactly the caller's registered identity (WrongSender otherwise): not
    another participant, and no mix of two participants' identifiers."""
    if wie.inschrijving is not None:
        fouten = list(afwijkingen_afzender(wie.inschrijving, bericht.afzender))
        if fouten:
            raise WrongSender(
                "afzender is not the authenticated participant's registered identity: "
                + "; ".join(f.melding for f in fouten),
                fouten,
            )
    elif not wie.is_partij(bericht.afzender):
        raise WrongSender("afzender is not the authenticated caller (compare oin or kvkNummer)")


def _voer_actie_uit(
    record: Werkdossier,
    actie: Actieverzoek,
    conv: UUID,
    nu: datetime,
    bediening: Bediening | None = None,
) -> list[Bericht]:
    """Apply an operator action to the record and log it; the messages it sent."""
    dossier = record.dossier
    if isinstance(actie, ActieDoorzending):
        nieuwe = actie.nieuwe_gemeente
        if bediening is not None:  # the organisation the address book gives (WD-ADR-08)
            nieuwe = bediening.nieuwe_organisatie(nieuwe, actie.datum)
        doorzending = Doorzending(
            **nieuwe_envelop(
                dossier.gemeente,
                dossier.schuldeiser,
                conversatie_id=conv,
                nu=nu,
                spec_versie=dossier.spec_versie,
            ),
            verwijzing_id=dossier.verwijzing_id,
            nieuwe_gemeente=nieuwe,
            datum=actie.datum,
        )
        dossier.verstuur(doorzending)
        record.zend(doorzending, nu)
        return [doorzending]
    wijziging = dossier.registreer(actie.naar_lokale_actie())
    record.schrijf(ActieGeregistreerd(tijdstip=nu, actie=actie))
    return record.voer_uit(wijziging, nu)
