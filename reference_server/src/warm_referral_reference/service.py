"""The receiver's logic, free of HTTP: intake, the operator's actions, the deadline monitor, views.

Each request is one storage transaction (see :mod:`.storage`), so an answer is given only after
everything it implies (event log, outgoing messages, index, processing log, the stored answer for
retries) is durable. A referral's state is rebuilt by replaying its event log through the library's
lifecycle: the log is the single truth, and the lifecycle rules are the library's, not ours.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from warm_referral import amsterdamse_datum, parse_json, to_xml
from warm_referral.errors import MessageValidationError, Violation
from warm_referral.lifecycle import (
    HerhaalBericht,
    InvalidEvent,
    InvalidTransition,
    StuurNietOpgepakt,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Verwijzingsdossier,
    Wijziging,
)
from warm_referral.lifecycle.ddas import vroegsignaalzaak
from warm_referral.lifecycle.feedback import Schuldeiserbeeld, schuldeiserbeeld
from warm_referral.models import (
    Bericht,
    Doorzending,
    Partij,
    Richting,
    Statusverzoek,
    Verwijzing,
    nieuwe_envelop,
)

from .acties import ActieDoorzending, lees_actie, naar_lokale_actie
from .audit import betrokkene_sleutel
from .config import Deelnemer, Instellingen, Rol
from .problems import Probleem
from .storage import Antwoord, DossierIndex, Gebeurtenisregel, Opslag, Transactie, Verwerking

__all__ = ["Ontvanger"]

_JSON = "application/json"
#: How far a creditor's clock may run ahead before a referral "from the future" is refused.
_KLOKSPELING = timedelta(minutes=5)
_STUUR = (StuurOntvangstbevestiging, StuurNietOpgepakt, StuurStatusbericht)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _zelfde_partij(partij: Partij, wie: Deelnemer) -> bool:
    return bool(
        (partij.oin is not None and partij.oin == wie.oin)
        or (partij.kvk_nummer is not None and partij.kvk_nummer == wie.kvk_nummer)
    )


def _geweigerd(exc: Exception) -> Probleem:
    return Probleem(422, "niet-toegestaan", str(exc))


class _Dossier:
    """A rebuilt record with what the service needs beside it."""

    def __init__(self, dossier: Verwijzingsdossier, verwijzing: Verwijzing, schuldeiser: str):
        self.dossier = dossier
        self.verwijzing = verwijzing
        self.schuldeiser = schuldeiser
        """The creditor's participant key: whose postvak gets the messages."""
        self.verzonden: dict[UUID, bytes] = {}
        """The JSON of the messages sent in this request, by berichtId: serialised once."""

    def json(self, bericht: Bericht) -> bytes:
        """The JSON of a message: as it was queued when this request sent it."""
        body = self.verzonden.get(bericht.bericht_id)
        return bericht.to_json() if body is None else body


class Ontvanger:
    def __init__(
        self,
        instellingen: Instellingen,
        opslag: Opslag,
        klok: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.instellingen = instellingen
        self.opslag = opslag
        self._klok = klok

    # --- time ---------------------------------------------------------------------------------------

    def _nu(self, tx: Transactie) -> datetime:
        if self.instellingen.testklok:
            gezet = tx.klok()
            if gezet is not None:
                return gezet
        return self._klok()

    # --- intake -------------------------------------------------------------------------------------

    async def ontvang_bericht(
        self, wie: Deelnemer, data: bytes, *, xml: bool, trace_id: str
    ) -> Antwoord:
        if wie.rol is not Rol.SCHULDEISER:
            raise Probleem(403, "geen-toegang", "only a creditor delivers messages here")
        try:
            if xml:
                from warm_referral import parse_xml

                bericht: Bericht = parse_xml(data)
            else:
                bericht = parse_json(data)
        except MessageValidationError as exc:
            n = len(exc.violations)
            raise Probleem(
                400,
                "ongeldig-bericht",
                f"the message is not valid ({n} violation{'s' if n != 1 else ''}); see fouten",
                exc.violations,
            ) from None
        if bericht.richting is Richting.NAAR_SCHULDEISER:
            raise Probleem(
                422,
                "verkeerde-richting",
                f"a {bericht.berichttype} is sent by the municipality, not to it",
            )
        if not _zelfde_partij(bericht.afzender, wie):
            raise Probleem(
                403,
                "verkeerde-afzender",
                "afzender is not the authenticated caller (compare oin or kvkNummer)",
            )
        canoniek = bericht.to_json()
        body_hash = hashlib.sha256(canoniek).hexdigest()

        def werk(tx: Transactie) -> Antwoord:
            eerder = tx.eerder_antwoord(bericht.bericht_id)
            if eerder is not None:
                if eerder[0] == body_hash:
                    return eerder[1]
                raise Probleem(
                    409,
                    "bericht-id-hergebruikt",
                    f"berichtId {bericht.bericht_id} was already used for another message",
                )
            nu = self._nu(tx)
            if isinstance(bericht, Verwijzing):
                antwoord = self._nieuwe_verwijzing(tx, wie, bericht, canoniek, nu, trace_id)
            else:
                antwoord = self._vervolgbericht(tx, wie, bericht, canoniek, nu, trace_id)
            tx.bewaar_antwoord(bericht.bericht_id, body_hash, antwoord)
            return antwoord

        antwoord = await self.opslag.transactie(werk)
        if xml and antwoord.media_type == _JSON and antwoord.status in (200, 201):
            return Antwoord(antwoord.status, "application/xml", to_xml(parse_json(antwoord.body)))
        return antwoord

    def _nieuwe_verwijzing(
        self,
        tx: Transactie,
        wie: Deelnemer,
        verwijzing: Verwijzing,
        canoniek: bytes,
        nu: datetime,
        trace_id: str,
    ) -> Antwoord:
        code = verwijzing.ontvanger.gemeentecode
        bediend = self.instellingen.gemeentecodes
        if bediend is not None and code not in bediend:
            raise Probleem(
                422, "onbekende-gemeente", f"this receiver does not serve gemeentecode {code}"
            )
        if tx.dossier(verwijzing.conversatie_id) is not None:
            raise Probleem(
                409,
                "conversatie-bestaat",
                f"conversatieId {verwijzing.conversatie_id} already holds a referral; "
                "a new referral starts a new conversation",
            )
        if verwijzing.verwezen_op - nu > _KLOKSPELING:
            raise Probleem(
                422,
                "verwezen-op-in-de-toekomst",
                f"verwezenOp {_iso(verwijzing.verwezen_op)} lies after now ({_iso(nu)})",
            )
        ontvangen_op = max(nu, verwijzing.verwezen_op)
        profiel = self.instellingen.afsprakenprofiel
        try:
            dossier, wijziging = Verwijzingsdossier.voor_gemeente(verwijzing, ontvangen_op, profiel)
        except InvalidEvent as exc:
            raise _geweigerd(exc) from None
        conv = verwijzing.conversatie_id
        tx.voeg_toe(conv, Gebeurtenisregel(f"verwijzing:{profiel}", canoniek, ontvangen_op))
        record = _Dossier(dossier, verwijzing, wie.sleutel)
        uitgaand = self._voer_uit(tx, record, wijziging, nu)
        self._bewaar_index(tx, record, nu)
        self._log(tx, record, "verwijzing ontvangen", wie, trace_id, nu)
        bevestiging = next(b for b in uitgaand if b.berichttype == "Ontvangstbevestiging")
        return Antwoord(201, _JSON, record.json(bevestiging))

    def _vervolgbericht(
        self,
        tx: Transactie,
        wie: Deelnemer,
        bericht: Bericht,
        canoniek: bytes,
        nu: datetime,
        trace_id: str,
    ) -> Antwoord:
        index = tx.dossier(bericht.conversatie_id)
        if index is None or index.schuldeiser != wie.sleutel:
            raise Probleem(
                422,
                "onbekende-verwijzing",
                f"no referral of yours with conversatieId {bericht.conversatie_id}",
            )
        record = self._herbouw(tx, index)
        try:
            wijziging = record.dossier.ontvang(bericht)
        except (InvalidEvent, InvalidTransition) as exc:
            raise _geweigerd(exc) from None
        tx.voeg_toe(index.conversatie_id, Gebeurtenisregel("ontvangen", canoniek, nu))
        uitgaand = self._voer_uit(tx, record, wijziging, nu)
        self._bewaar_index(tx, record, nu)
        self._log(tx, record, f"{bericht.berichttype} ontvangen", wie, trace_id, nu)
        if isinstance(bericht, Statusverzoek) and uitgaand:
            return Antwoord(200, _JSON, record.json(uitgaand[-1]))
        ontvangst = {
            "berichtId": str(bericht.bericht_id),
            "berichttype": bericht.berichttype,
            "ontvangenOp": _iso(nu),
        }
        return Antwoord(202, _JSON, json.dumps(ontvangst).encode())

    # --- the municipality's side ---------------------------------------------------------------------

    def _operator(self, tx: Transactie, wie: Deelnemer, conv: UUID) -> DossierIndex:
        if wie.rol is not Rol.OPERATOR:
            raise Probleem(403, "geen-toegang", "only an operator of the municipality may do this")
        index = tx.dossier(conv)
        if index is None or index.gemeentecode not in wie.gemeentecodes:
            raise Probleem(404, "niet-gevonden", f"no referral {conv} in your municipalities")
        return index

    async def actie(
        self, wie: Deelnemer, conv: UUID, data: bytes, *, trace_id: str
    ) -> dict[str, Any]:
        if wie.rol is not Rol.OPERATOR:
            raise Probleem(403, "geen-toegang", "only an operator of the municipality may do this")
        try:
            actie = lees_actie(data)
        except MessageValidationError as exc:
            raise Probleem(
                400, "ongeldige-actie", "the action is not valid; see fouten", exc.violations
            ) from None

        def werk(tx: Transactie) -> dict[str, Any]:
            record = self._herbouw(tx, self._operator(tx, wie, conv))
            nu = self._nu(tx)
            vandaag = amsterdamse_datum(nu)
            if actie.datum > vandaag:
                raise Probleem(
                    422,
                    "datum-in-de-toekomst",
                    f"datum {actie.datum.isoformat()} lies after today ({vandaag.isoformat()})",
                    [Violation("/datum", "datum_toekomst", "an action cannot be dated ahead")],
                )
            dossier = record.dossier
            try:
                if isinstance(actie, ActieDoorzending):
                    doorzending = Doorzending(
                        **nieuwe_envelop(
                            dossier.gemeente, dossier.schuldeiser, conversatie_id=conv, nu=nu
                        ),
                        verwijzing_id=dossier.verwijzing_id,
                        nieuwe_gemeente=actie.nieuwe_gemeente,
                        datum=actie.datum,
                    )
                    dossier.verstuur(doorzending)
                    uitgaand: list[Bericht] = [doorzending]
                    self._zend(tx, record, doorzending, nu)
                else:
                    wijziging = dossier.registreer(naar_lokale_actie(actie))
                    tx.voeg_toe(
                        conv,
                        Gebeurtenisregel(
                            "actie", actie.model_dump_json(exclude_none=True).encode(), nu
                        ),
                    )
                    uitgaand = self._voer_uit(tx, record, wijziging, nu)
            except MessageValidationError as exc:
                raise Probleem(
                    422,
                    "ongeldige-actie",
                    "the action would produce an invalid message",
                    exc.violations,
                ) from None
            except (InvalidEvent, InvalidTransition) as exc:
                raise Probleem(409, "actie-niet-toegestaan", str(exc)) from None
            self._bewaar_index(tx, record, nu)
            self._log(tx, record, f"actie {actie.soort}", wie, trace_id, nu)
            return {
                "toestand": dossier.toestand.value,
                "berichten": [json.loads(record.json(b)) for b in uitgaand],
            }

        return await self.opslag.transactie(werk)

    # --- time: the deadline monitor -----------------------------------------------------------------

    async def bewaak(self) -> int:
        """Fire the time facts that are due (contact deadline passed, incassostop ended)."""

        def werk(tx: Transactie) -> int:
            nu = self._nu(tx)
            aantal = 0
            for index in tx.dossiers(tik_voor=nu):
                record = self._herbouw(tx, index)
                wijziging = record.dossier.tik(nu)
                if wijziging.soorten:
                    tx.voeg_toe(index.conversatie_id, Gebeurtenisregel("tik", b"", nu))
                    aantal += 1
                self._bewaar_index(tx, record, nu)
            return aantal

        return await self.opslag.transactie(werk)

    async def zet_klok(self, wie: Deelnemer, nu: datetime) -> dict[str, Any]:
        if wie.rol is not Rol.OPERATOR:
            raise Probleem(403, "geen-toegang", "only an operator may move the test clock")

        def werk(tx: Transactie) -> None:
            huidig = tx.klok()
            if huidig is not None and nu < huidig:
                raise Probleem(
                    409, "klok-terug", f"the test clock cannot go back from {_iso(huidig)}"
                )
            tx.zet_klok(nu)

        await self.opslag.transactie(werk)
        await self.bewaak()
        return {"nu": _iso(nu)}

    async def klok(self, wie: Deelnemer) -> dict[str, Any]:
        return {"nu": _iso(await self.opslag.lees(self._nu))}

    # --- views -------------------------------------------------------------------------------------

    async def postvak(self, wie: Deelnemer, na: int, limiet: int) -> dict[str, Any]:
        if wie.rol is not Rol.SCHULDEISER:
            raise Probleem(403, "geen-toegang", "the postvak holds messages for creditors")
        berichten = await self.opslag.lees(lambda tx: tx.postvak(wie.sleutel, na, limiet))
        return {
            "berichten": [
                {"volgnummer": b.volgnummer, "bericht": json.loads(b.body)} for b in berichten
            ],
            "laatsteVolgnummer": berichten[-1].volgnummer if berichten else na,
        }

    async def verwijzingen(self, wie: Deelnemer, gemeentecode: str | None) -> dict[str, Any]:
        def werk(tx: Transactie) -> list[DossierIndex]:
            if wie.rol is Rol.SCHULDEISER:
                return tx.dossiers(schuldeiser=wie.sleutel)
            codes = sorted(wie.gemeentecodes)
            if gemeentecode is not None:
                if gemeentecode not in wie.gemeentecodes:
                    raise Probleem(
                        403, "geen-toegang", f"you do not serve gemeentecode {gemeentecode}"
                    )
                codes = [gemeentecode]
            return tx.dossiers(gemeentecodes=codes)

        return {"verwijzingen": [_index_json(i) for i in await self.opslag.lees(werk)]}

    async def verwijzing(self, wie: Deelnemer, conv: UUID, *, trace_id: str = "") -> dict[str, Any]:
        if wie.rol is Rol.SCHULDEISER:

            def creditor(tx: Transactie) -> dict[str, Any]:
                index = tx.dossier(conv)
                if index is None or index.schuldeiser != wie.sleutel:
                    raise Probleem(
                        404, "niet-gevonden", f"no referral of yours with conversatieId {conv}"
                    )
                return _schuldeiser_json(conv, schuldeiserbeeld(self._herbouw(tx, index).dossier))

            return await self.opslag.lees(creditor)

        def operator(tx: Transactie) -> dict[str, Any]:
            record = self._herbouw(tx, self._operator(tx, wie, conv))
            nu = self._nu(tx)
            self._log(tx, record, "verwijzing ingezien", wie, trace_id, nu)
            return _volledig(record)

        return await self.opslag.transactie(operator)

    async def termijnbewaking(self, wie: Deelnemer, gemeentecode: str | None) -> dict[str, Any]:
        if wie.rol is not Rol.OPERATOR:
            raise Probleem(403, "geen-toegang", "the deadline monitor is for operators")
        codes = sorted(wie.gemeentecodes)
        if gemeentecode is not None:
            if gemeentecode not in wie.gemeentecodes:
                raise Probleem(403, "geen-toegang", f"you do not serve gemeentecode {gemeentecode}")
            codes = [gemeentecode]

        def werk(tx: Transactie) -> dict[str, Any]:
            nu = self._nu(tx)
            lijst = tx.dossiers(gemeentecodes=codes)
            from warm_referral.lifecycle._table import WACHT_OP_CONTACT

            wachtend = {t.value for t in WACHT_OP_CONTACT}
            return {
                "nu": _iso(nu),
                "contactTeLaat": [
                    _index_json(i)
                    for i in lijst
                    if i.toestand in wachtend
                    and i.contactdeadline is not None
                    and i.contactdeadline < nu
                ],
                "incassostopVoorbij": [
                    _index_json(i) for i in lijst if not i.afgerond and i.incassostop_einde <= nu
                ],
            }

        return await self.opslag.lees(werk)

    # --- shared steps ------------------------------------------------------------------------------

    def _herbouw(self, tx: Transactie, index: DossierIndex) -> _Dossier:
        regels = tx.gebeurtenissen(index.conversatie_id)
        eerste = regels[0]
        profiel = eerste.soort.partition(":")[2]
        verwijzing = parse_json(eerste.inhoud)
        assert isinstance(verwijzing, Verwijzing)
        dossier, _ = Verwijzingsdossier.voor_gemeente(verwijzing, eerste.tijdstip, profiel)
        for regel in regels[1:]:
            if regel.soort == "ontvangen":
                dossier.ontvang(parse_json(regel.inhoud))
            elif regel.soort == "verstuurd":
                dossier.verstuur(parse_json(regel.inhoud))
            elif regel.soort == "actie":
                actie = lees_actie(regel.inhoud)
                assert not isinstance(actie, ActieDoorzending)
                dossier.registreer(naar_lokale_actie(actie))
            elif regel.soort == "tik":
                dossier.tik(regel.tijdstip)
        return _Dossier(dossier, verwijzing, index.schuldeiser)

    def _voer_uit(
        self, tx: Transactie, record: _Dossier, wijziging: Wijziging, nu: datetime
    ) -> list[Bericht]:
        """Carry out a change's effects: build, apply and queue each message it asks for."""
        uitgaand: list[Bericht] = []
        dossier = record.dossier
        for effect in wijziging.effecten:
            if isinstance(effect, _STUUR):
                bericht = effect.als_bericht(
                    afzender=dossier.gemeente,
                    ontvanger=dossier.schuldeiser,
                    conversatie_id=dossier.conversatie_id,
                    nu=nu,
                )
                dossier.verstuur(bericht)
                self._zend(tx, record, bericht, nu)
                uitgaand.append(bericht)
            elif isinstance(effect, HerhaalBericht):
                eerder = tx.postvakbericht(effect.bericht_id)
                if eerder is not None:
                    herhaald = parse_json(eerder[1])
                    record.verzonden[herhaald.bericht_id] = eerder[1]  # resent unchanged
                    uitgaand.append(herhaald)
        return uitgaand

    def _zend(self, tx: Transactie, record: _Dossier, bericht: Bericht, nu: datetime) -> None:
        body = bericht.to_json()
        record.verzonden[bericht.bericht_id] = body
        tx.voeg_toe(record.dossier.conversatie_id, Gebeurtenisregel("verstuurd", body, nu))
        tx.in_postvak(record.schuldeiser, bericht.bericht_id, bericht.berichttype, body)

    def _index(self, dossier: Verwijzingsdossier, schuldeiser: str, nu: datetime) -> DossierIndex:
        from warm_referral.lifecycle import Tijdfeit

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
            contactdeadline=dossier.contactdeadline,
            incassostop_einde=dossier.incassostop_voorbij_om,
            afgerond=dossier.afgerond,
            bijgewerkt_op=nu,
            volgende_tik=min(wacht) if wacht else None,
        )

    def _bewaar_index(self, tx: Transactie, record: _Dossier, nu: datetime) -> None:
        tx.bewaar_dossier(self._index(record.dossier, record.schuldeiser, nu))

    def _log(
        self,
        tx: Transactie,
        record: _Dossier,
        activiteit: str,
        wie: Deelnemer,
        trace_id: str,
        nu: datetime,
    ) -> None:
        tx.log(
            Verwerking(
                tijdstip=nu,
                trace_id=trace_id,
                activiteit=activiteit,
                betrokkene=betrokkene_sleutel(
                    record.verwijzing.hulpvrager, self.instellingen.audit_sleutel
                ),
                actor=wie.sleutel,
                conversatie_id=record.dossier.conversatie_id,
            )
        )


def _schuldeiser_json(conv: UUID, beeld: Schuldeiserbeeld) -> dict[str, Any]:
    """The creditor-safe view in API form: camelCase, UTC times, absent rather than null."""
    data: dict[str, Any] = {
        "conversatieId": str(conv),
        "verwijzingId": beeld.verwijzing_id,
        "toestand": beeld.status.value,
        "sinds": beeld.sinds.isoformat() if beeld.sinds else None,
        "ontvangenOp": _iso(beeld.ontvangen_op),
        "contactdeadline": _iso(beeld.contactdeadline),
        "incassostop": None
        if beeld.incassostop is None
        else {
            "ingangsdatum": beeld.incassostop[0].isoformat(),
            "einddatum": beeld.incassostop[1].isoformat(),
        },
        "nietOpgepaktReden": beeld.niet_opgepakt_reden.value if beeld.niet_opgepakt_reden else None,
        "nieuweGemeente": None
        if beeld.nieuwe_gemeente is None
        else json.loads(beeld.nieuwe_gemeente.model_dump_json(exclude_none=True)),
        "eindresultaat": beeld.eindresultaat.value if beeld.eindresultaat else None,
        "adviesIncassostop": beeld.advies_incassostop.value if beeld.advies_incassostop else None,
        "statusterugmelding": beeld.statusterugmelding,
    }
    return {k: v for k, v in data.items() if v is not None}


def _index_json(index: DossierIndex) -> dict[str, Any]:
    data: dict[str, Any] = {
        "conversatieId": str(index.conversatie_id),
        "verwijzingId": index.verwijzing_id,
        "gemeentecode": index.gemeentecode,
        "toestand": index.toestand,
        "incassostopEinde": _iso(index.incassostop_einde),
        "afgerond": index.afgerond,
    }
    if index.contactdeadline is not None:
        data["contactdeadline"] = _iso(index.contactdeadline)
    return data


def _volledig(record: _Dossier) -> dict[str, Any]:
    """The municipality's full record, for its operators only."""
    d = record.dossier
    return {
        "conversatieId": str(d.conversatie_id),
        "toestand": d.toestand.value,
        "verwijzing": json.loads(record.verwijzing.to_json()),
        "ontvangenOp": _iso(d.ontvangen_op),
        "contactdeadline": _iso(d.contactdeadline),
        "incassostop": {
            "ingangsdatum": d.incassostop[0].isoformat(),
            "einddatum": d.incassostop[1].isoformat(),
        },
        "mijlpalen": {m.value: datum.isoformat() for m, datum in d.mijlpalen.items()},
        "contactpogingen": [
            {
                "datum": p.datum.isoformat(),
                "contactsoort": p.soort.value,
                "dagdeel": p.dagdeel.value,
                "bereikt": p.bereikt,
            }
            for p in d.contactpogingen
        ],
        "tijdfeiten": sorted(t.value for t in d.tijdfeiten),
        "ddas": vroegsignaalzaak(d),
    }
