"""The record of one referral: it consumes messages, local actions and clock ticks, and answers
with what changed and what to do (effects). It does no I/O and never reads the clock.

Both parties keep the same kind of record, fed the same messages; only the role differs:

- The creditor (``Verwijzingsdossier.voor_schuldeiser``) feeds what it sends (:meth:`verstuur`:
  Intrekking, Statusverzoek, Incassostopwijziging, Betaalgedragmelding) and what the municipality
  sends it (:meth:`ontvang`: Ontvangstbevestiging, NietOpgepakt, Doorzending, Statusbericht). It
  never sees contact attempts, so its copy only reaches the states a creditor-safe report stands
  for.
- The municipality (``Verwijzingsdossier.voor_gemeente``) feeds what the creditor sends
  (:meth:`ontvang`), its own actions (:meth:`registreer`: Oppakken, Contactpoging, HulpAangeboden,
  Hulpbesluit, Afsluiting, NietOppakken, ContactGestaakt) and the messages it sends
  (:meth:`verstuur`). Its actions return the Statusberichten to send as effects; feeding the sent
  message back is allowed and changes nothing (the table absorbs a report of what it knows). The
  Ontvangstbevestiging is the one answer that moves the state when sent: acknowledge first.
- Both call :meth:`tik` at the moments the :class:`~.effects.Plan` effects name.

Consent scope: when a Verwijzing rests on consent whose ``reikwijdte`` lacks Statusterugmelding,
no Statusbericht effects are produced and a Statusbericht either way is refused; the creditor still
gets the Ontvangstbevestiging, NietOpgepakt and Doorzending, which every referral allows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn
from uuid import UUID

from .._tijd import AMSTERDAM, amsterdamse_datum
from ..models.berichten import (
    Bericht,
    Betaalgedragmelding,
    Foutbericht,
    Verwijzing,
)
from ..models.enums import (
    Advies,
    Eindresultaat,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    Toestemmingsreikwijdte,
)
from ..models.onderdelen import Afsprakenprofielverwijzing, Partij, Periode
from . import _table
from ._table import (
    AFZENDER,
    LOKALE_ACTIES,
    MIJLPAAL,
    NEEMT_OP,
    WACHT_OP_CONTACT,
    overgang,
    toegestaan,
)
from .ddas import SCHULDEISER_EINDRESULTAAT, DdasEindresultaat
from .effects import (
    ContactTeLaat,
    Effect,
    HerhaalBericht,
    IncassostopVoorbij,
    Plan,
    StuurNietOpgepakt,
    StuurOntvangstbevestiging,
    StuurStatusbericht,
    Wijziging,
)
from .errors import (
    InvalidEvent,
    InvalidTransition,
    LocalInvalidTransition,
    RemoteInvalidTransition,
    WrongReferral,
)
from .events import (
    Contactpoging,
    Gebeurtenis,
    HulpAangeboden,
    LokaleActie,
    NietOppakken,
    Soort,
    Tijdgebeurtenis,
    Tik,
    soort_van,
)
from .states import Rol, Tijdfeit, Toestand

if TYPE_CHECKING:
    from ..deadlines import Afsprakenprofiel

__all__ = ["Betaalgedrag", "Verwijzingsdossier"]


class Betaalgedrag(NamedTuple):
    """What a Betaalgedragmelding reported, for monitoring."""

    peildatum: date
    regulier_betaald: bool


_Handler = Callable[["Verwijzingsdossier", Any, bool], "list[Effect]"]


class Verwijzingsdossier:
    """One referral's lifecycle as one party sees it. Make one with :meth:`voor_gemeente` or
    :meth:`voor_schuldeiser`; every later event goes through the transition table."""

    # The facts the table's guards read (see _table.Feiten) come first.
    laatste_datum: date
    verwijzing_bericht_id: UUID
    contactdeadline: datetime | None
    incassostop: tuple[date, date]
    statusterugmelding: bool
    eindresultaat: Eindresultaat | None
    niet_opgepakt_reden: NietOpgepaktReden | None
    doorgezonden_naar: Partij | None

    def __init__(self, verwijzing: Verwijzing, rol: Rol) -> None:
        """Use :meth:`voor_gemeente` or :meth:`voor_schuldeiser`, which also return the first
        effects."""
        self.rol = rol
        self.toestand = _table.BEGINTOESTAND
        self.verwijzing_id: str = verwijzing.verwijzing_id
        self.conversatie_id: UUID = verwijzing.conversatie_id
        self.verwijzing_bericht_id = verwijzing.bericht_id
        self.schuldeiser: Partij = verwijzing.afzender
        # The municipality the Verwijzing was addressed to (after a Doorzending, see
        # doorgezonden_naar for the one that took it over).
        self.gemeente: Partij = verwijzing.ontvanger
        self.verwezen_op: datetime = verwijzing.verwezen_op
        self.verwijsdatum: date = amsterdamse_datum(verwijzing.verwezen_op)
        self.crisis: bool = verwijzing.crisissignaal
        toestemming = verwijzing.toestemming
        self.statusterugmelding = (
            verwijzing.grondslag is not Grondslag.TOESTEMMING
            or toestemming is None
            or Toestemmingsreikwijdte.STATUSTERUGMELDING in toestemming.reikwijdte
        )
        self.incassostop = (verwijzing.incassostop.ingangsdatum, verwijzing.incassostop.einddatum)
        self.laatste_datum = self.verwijsdatum
        self.ontvangen_op: datetime | None = None
        self.contactdeadline = None
        self.eindresultaat = None
        self.ddas_eindresultaat: DdasEindresultaat | None = None
        self.afsluiting_toelichting: str | None = None
        self.advies_incassostop: Advies | None = None
        self.niet_opgepakt_reden = None
        self.niet_opgepakt_op: date | None = None
        self.niet_opgepakt_toelichting: str | None = None
        self.doorgezonden_naar = None
        self.doorgezonden_op: date | None = None
        self.opgepakt_op: date | None = None
        self.contactpogingen: list[Contactpoging] = []
        self.contact_gestaakt_op: date | None = None
        self.hulpaanbod: HulpAangeboden | None = None
        self.intrekkingsreden: Intrekkingsreden | None = None
        self.ingetrokken_op: date | None = None
        self.betaalgedrag: list[Betaalgedrag] = []
        self.foutberichten: list[UUID] = []
        self.tijdfeiten: set[Tijdfeit] = set()
        self._mijlpalen: dict[Mijlpaal, date] = {}
        # berichtId -> berichttype of every message applied, for duplicates.
        self._gezien: dict[UUID, str] = {verwijzing.bericht_id: verwijzing.berichttype}
        # The berichtId of the last Ontvangstbevestiging, NietOpgepakt and Doorzending, to resend.
        self._beslissingen: dict[Soort, UUID] = {}
        # Time alarms already given, so each is given once.
        self._gemeld: set[ContactTeLaat | IncassostopVoorbij] = set()

    # --- making a record ---------------------------------------------------------------------------

    @classmethod
    def voor_gemeente(
        cls,
        verwijzing: Verwijzing,
        ontvangen_op: datetime,
        profiel: Afsprakenprofiel | str | None = None,
    ) -> tuple[Verwijzingsdossier, Wijziging]:
        """The municipality's record of a Verwijzing it received at ``ontvangen_op``.

        The effects ask for the Ontvangstbevestiging (with the contact deadline and incassostop of
        the afsprakenprofiel: a profile, its name, or None for the default NVVK pilot profile)
        and plan the two ticks.
        """
        from .. import deadlines

        if profiel is None:
            p = deadlines.standaard_afsprakenprofiel()
        elif isinstance(profiel, str):
            p = deadlines.afsprakenprofielen()[profiel]
        else:
            p = profiel
        if not isinstance(ontvangen_op, datetime) or ontvangen_op.utcoffset() is None:
            raise InvalidEvent(f"ontvangen_op must be an aware datetime, got {ontvangen_op!r}")
        if ontvangen_op < verwijzing.verwezen_op:
            raise InvalidEvent(
                f"ontvangen_op {ontvangen_op.isoformat()} lies before verwezenOp "
                f"{verwijzing.verwezen_op.isoformat()}"
            )
        dossier = cls(verwijzing, Rol.GEMEENTE)
        dossier.ontvangen_op = ontvangen_op
        dossier.contactdeadline = deadlines.contact_deadline(ontvangen_op, p)
        ingang, einde = deadlines.incassostop(dossier.verwijsdatum, p)
        effecten: list[Effect] = [
            StuurOntvangstbevestiging(
                verwijzing_id=dossier.verwijzing_id,
                cross_referentie=verwijzing.bericht_id,
                ontvangen_op=ontvangen_op,
                contactdeadline=dossier.contactdeadline,
                incassostop=Periode(ingangsdatum=ingang, einddatum=einde),
                afsprakenprofiel=Afsprakenprofielverwijzing(naam=p.naam, versie=p.versie),
            ),
            dossier._plan_contactdeadline(),
            dossier._plan_incassostop(),
        ]
        return dossier, dossier._begin(effecten)

    @classmethod
    def voor_schuldeiser(cls, verwijzing: Verwijzing) -> tuple[Verwijzingsdossier, Wijziging]:
        """The creditor's record of a Verwijzing it sends; the effect plans the incassostop's end."""
        dossier = cls(verwijzing, Rol.SCHULDEISER)
        return dossier, dossier._begin([dossier._plan_incassostop()])

    # --- saving and restoring ----------------------------------------------------------------------

    def momentopname(self) -> dict[str, Any]:
        """Every fact of this record as JSON-able data (a versioned format): store it to restore
        the record later with :meth:`herstel` instead of replaying its history."""
        from ._momentopname import momentopname

        return momentopname(self)

    @classmethod
    def herstel(cls, momentopname: dict[str, Any]) -> Verwijzingsdossier:
        """The record a :meth:`momentopname` describes; it behaves exactly as the one saved.
        Raises :class:`~.errors.InvalidEvent` for a snapshot this version cannot read."""
        from ._momentopname import herstel

        return herstel(cls, momentopname)

    def _begin(self, effecten: list[Effect]) -> Wijziging:
        return Wijziging(self.toestand, self.toestand, (Soort.VERWIJZING,), tuple(effecten))

    # --- feeding it --------------------------------------------------------------------------------

    def ontvang(self, bericht: Bericht) -> Wijziging:
        """Apply a message the peer sent. Refusals are :class:`RemoteInvalidTransition`."""
        return self._bericht(bericht, van_peer=True)

    def verstuur(self, bericht: Bericht) -> Wijziging:
        """Apply a message we are about to send (call it before sending: a refusal, a
        :class:`LocalInvalidTransition`, means the message must not go out)."""
        return self._bericht(bericht, van_peer=False)

    def registreer(self, actie: LokaleActie) -> Wijziging:
        """Apply one of the municipality's own actions."""
        soort = soort_van(actie)
        if soort not in LOKALE_ACTIES:
            raise InvalidEvent(f"not a local action: {actie!r}")
        if self.rol is not Rol.GEMEENTE:
            self._weiger(soort, False, "only the municipality's record takes local actions")
        return self._pas_toe(soort, actie, van_peer=False)

    def tik(self, nu: datetime) -> Wijziging:
        """Tell the record the time; time facts that became true fire, each exactly once.

        A new contact deadline (after a Doorzending) or a changed incassostop einddatum makes its
        fact false again until that moment passes; the alarm for one deadline or einddatum is
        given once, however often the einddatum moves back and forth.
        """
        Tik(nu)  # validates: aware
        van = self.toestand
        soorten: list[Soort] = []
        effecten: list[Effect] = []
        deadline = self.contactdeadline
        if (
            deadline is not None
            and Tijdfeit.CONTACTDEADLINE_VERSTREKEN not in self.tijdfeiten
            and nu > deadline
        ):
            self._tijd(Tijdfeit.CONTACTDEADLINE_VERSTREKEN, nu, soorten)
            alarm = ContactTeLaat(deadline)
            if (
                self.rol is Rol.GEMEENTE
                and self.toestand in WACHT_OP_CONTACT
                and alarm not in self._gemeld
            ):
                self._gemeld.add(alarm)
                effecten.append(alarm)
        if (
            Tijdfeit.INCASSOSTOP_AFGELOPEN not in self.tijdfeiten
            and nu >= self.incassostop_voorbij_om
        ):
            self._tijd(Tijdfeit.INCASSOSTOP_AFGELOPEN, nu, soorten)
            voorbij = IncassostopVoorbij(self.incassostop[1])
            if voorbij not in self._gemeld:
                self._gemeld.add(voorbij)
                effecten.append(voorbij)
        return Wijziging(van, self.toestand, tuple(soorten), tuple(effecten))

    def _tijd(self, feit: Tijdfeit, nu: datetime, soorten: list[Soort]) -> None:
        g = Tijdgebeurtenis(feit, nu)
        soort = g.gebeurtenissoort
        doel = overgang(self.toestand, soort, self, g, van_peer=False)
        if doel is not None:
            self.toestand = doel
        self.tijdfeiten.add(feit)
        soorten.append(soort)

    # --- what it knows -----------------------------------------------------------------------------

    @property
    def mijlpalen(self) -> Mapping[Mijlpaal, date]:
        """The date of every milestone reached (or reported to this copy)."""
        return MappingProxyType(self._mijlpalen)

    @property
    def mijlpaal(self) -> Mijlpaal | None:
        """The creditor-safe milestone of the current state."""
        return MIJLPAAL[self.toestand]

    @property
    def bevestigd(self) -> bool:
        """Was an Ontvangstbevestiging sent (municipality) or received (creditor)?"""
        return Soort.ONTVANGSTBEVESTIGING in self._beslissingen

    @property
    def incassostop_voorbij_om(self) -> datetime:
        """The first moment collection may resume: midnight after the incassostop's last day."""
        dag = self.incassostop[1] + timedelta(days=1)
        return datetime.combine(dag, time(0, 0), tzinfo=AMSTERDAM)

    @property
    def contact_te_laat(self) -> bool | None:
        """Was the first contact attempt after the contact deadline (or is none made yet after
        it)? None while it cannot be told yet, or without a deadline."""
        if self.contactdeadline is None:
            return None
        if self.contactpogingen:
            return self.contactpogingen[0].datum > amsterdamse_datum(self.contactdeadline)
        if Tijdfeit.CONTACTDEADLINE_VERSTREKEN in self.tijdfeiten:
            return self.toestand in WACHT_OP_CONTACT
        return None

    @property
    def afgerond(self) -> bool:
        """Is the referral in a terminal state?"""
        return self.toestand in _table.EINDTOESTANDEN

    @property
    def wacht_op_contact(self) -> bool:
        """Has nobody contacted the help-seeker yet, as far as this record shows? (The contact
        deadline passing now would be an overdue contact.)"""
        return self.toestand in WACHT_OP_CONTACT

    def __repr__(self) -> str:
        return (
            f"<Verwijzingsdossier {self.verwijzing_id!r} {self.rol.value} "
            f"toestand={self.toestand.value!r}>"
        )

    # --- the engine --------------------------------------------------------------------------------

    def _bericht(self, bericht: Bericht, *, van_peer: bool) -> Wijziging:
        soort = soort_van(bericht)
        eerder = self._gezien.get(bericht.bericht_id)
        if eerder is not None:
            if eerder != bericht.berichttype:
                self._weiger(
                    soort,
                    van_peer,
                    f"berichtId {bericht.bericht_id} was already used by a {eerder}",
                )
            return Wijziging(self.toestand, self.toestand, (soort,), dubbel=True)
        verwijzing_id = getattr(bericht, "verwijzing_id", None)
        if verwijzing_id is not None and verwijzing_id != self.verwijzing_id:
            raise WrongReferral(
                f"{bericht.berichttype} {bericht.bericht_id} is about referral {verwijzing_id!r}, "
                f"this record is {self.verwijzing_id!r}"
            )
        afzender = AFZENDER[soort]
        if afzender is not None and (afzender is self.rol) is van_peer:
            wie = "the peer" if van_peer else "we"
            self._weiger(
                soort, van_peer, f"only the {afzender.value} sends a {soort.value}, not {wie}"
            )
        wijziging = self._pas_toe(soort, bericht, van_peer=van_peer)
        self._gezien[bericht.bericht_id] = bericht.berichttype
        return wijziging

    def _weiger(self, soort: Soort, van_peer: bool, reden: str) -> NoReturn:
        fout: type[InvalidTransition] = (
            RemoteInvalidTransition if van_peer else LocalInvalidTransition
        )
        wie = self.rol if not van_peer else _andere(self.rol)
        raise fout(self.toestand, soort, toegestaan(self.toestand, wie), reden)

    def _pas_toe(self, soort: Soort, g: Gebeurtenis, *, van_peer: bool) -> Wijziging:
        van = self.toestand
        doel = overgang(van, soort, self, g, van_peer=van_peer)
        if doel is None:
            return Wijziging(van, van, (soort,), genegeerd=True)
        self.toestand = doel
        effecten = _HANDLERS[soort](self, g, van_peer) if soort in _HANDLERS else []
        oud, nieuw = MIJLPAAL[van], MIJLPAAL[doel]
        if nieuw is not None and nieuw is not oud:
            effecten.extend(self._mijlpaal_bereikt(soort, g, oud, nieuw))
        if AFZENDER[soort] is Rol.GEMEENTE:
            datum = _datum_van(g)
            if datum > self.laatste_datum:
                self.laatste_datum = datum
        return Wijziging(van, doel, (soort,), tuple(effecten))

    def _mijlpaal_bereikt(
        self, soort: Soort, g: Any, oud: Mijlpaal | None, nieuw: Mijlpaal
    ) -> list[Effect]:
        datum: date = g.datum
        bereikt = [nieuw]
        if oud is None and soort in NEEMT_OP:
            bereikt.insert(0, Mijlpaal.OPGEPAKT)  # a first contact attempt takes it up
        for mijlpaal in bereikt:
            self._mijlpalen[mijlpaal] = datum
        if Mijlpaal.OPGEPAKT in bereikt and self.opgepakt_op is None:
            self.opgepakt_op = datum
        advies = getattr(g, "advies_incassostop", None)
        if advies is not None:
            self.advies_incassostop = advies
        if soort not in LOKALE_ACTIES or not self.statusterugmelding:
            return []
        return [
            StuurStatusbericht(
                verwijzing_id=self.verwijzing_id,
                mijlpaal=m,
                datum=datum,
                eindresultaat=self.eindresultaat if m is Mijlpaal.AFGESLOTEN else None,
                advies_incassostop=advies if m is nieuw else None,
            )
            for m in bereikt
        ]

    def _plan_contactdeadline(self) -> Plan:
        assert self.contactdeadline is not None
        return Plan(
            self.contactdeadline + timedelta(seconds=1), Tijdfeit.CONTACTDEADLINE_VERSTREKEN
        )

    def _plan_incassostop(self) -> Plan:
        return Plan(self.incassostop_voorbij_om, Tijdfeit.INCASSOSTOP_AFGELOPEN)

    # --- what each kind of event records -----------------------------------------------------------

    def _ontvangstbevestiging(self, g: Any, van_peer: bool) -> list[Effect]:
        self._beslissingen[Soort.ONTVANGSTBEVESTIGING] = g.bericht_id
        self.ontvangen_op = g.ontvangen_op
        if g.contactdeadline == self.contactdeadline:
            return []
        self.contactdeadline = g.contactdeadline
        self.tijdfeiten.discard(Tijdfeit.CONTACTDEADLINE_VERSTREKEN)
        return [self._plan_contactdeadline()]

    def _niet_opgepakt(self, g: Any, van_peer: bool) -> list[Effect]:
        if isinstance(g, Bericht):
            self._beslissingen[Soort.NIET_OPGEPAKT] = g.bericht_id
        self.niet_opgepakt_reden = g.reden
        self.niet_opgepakt_op = g.datum
        if isinstance(g, NietOppakken):
            self.niet_opgepakt_toelichting = g.toelichting
            return [StuurNietOpgepakt(self.verwijzing_id, g.reden, g.datum)]
        return []

    def _doorzending(self, g: Any, van_peer: bool) -> list[Effect]:
        # The new municipality computes its own contact deadline; this one no longer binds.
        self._beslissingen[Soort.DOORZENDING] = g.bericht_id
        self._beslissingen.pop(Soort.ONTVANGSTBEVESTIGING, None)
        self.doorgezonden_naar = g.nieuwe_gemeente
        self.doorgezonden_op = g.datum
        self.contactdeadline = None
        self.ontvangen_op = None
        self.tijdfeiten.discard(Tijdfeit.CONTACTDEADLINE_VERSTREKEN)
        return []

    def _contactpoging(self, g: Any, van_peer: bool) -> list[Effect]:
        self.contactpogingen.append(g)
        return []

    def _contact_gestaakt(self, g: Any, van_peer: bool) -> list[Effect]:
        self.contact_gestaakt_op = g.datum
        return []

    def _hulp_aangeboden(self, g: Any, van_peer: bool) -> list[Effect]:
        self.hulpaanbod = g
        return []

    def _afsluiting(self, g: Any, van_peer: bool) -> list[Effect]:
        resultaat: DdasEindresultaat = g.resultaat
        self.ddas_eindresultaat = resultaat
        self.eindresultaat = SCHULDEISER_EINDRESULTAAT[resultaat]
        self.afsluiting_toelichting = g.toelichting
        return []

    def _statusbericht(self, g: Any, van_peer: bool) -> list[Effect]:
        if g.eindresultaat is not None:
            self.eindresultaat = g.eindresultaat
        return []

    def _statusverzoek(self, g: Any, van_peer: bool) -> list[Effect]:
        if not van_peer:
            return []  # the creditor asked; the answer will come as a message
        mijlpaal = MIJLPAAL[self.toestand]
        if mijlpaal is not None and self.statusterugmelding:
            return [
                StuurStatusbericht(
                    verwijzing_id=self.verwijzing_id,
                    mijlpaal=mijlpaal,
                    datum=self._mijlpalen[mijlpaal],
                    eindresultaat=self.eindresultaat if mijlpaal is Mijlpaal.AFGESLOTEN else None,
                    advies_incassostop=self.advies_incassostop,
                    cross_referentie=g.bericht_id,
                )
            ]
        if self.toestand is Toestand.NIET_OPGEPAKT:
            eerder = self._beslissingen.get(Soort.NIET_OPGEPAKT)
            if eerder is not None:
                return [HerhaalBericht("NietOpgepakt", eerder)]
            assert self.niet_opgepakt_reden is not None and self.niet_opgepakt_op is not None
            return [
                StuurNietOpgepakt(
                    self.verwijzing_id,
                    self.niet_opgepakt_reden,
                    self.niet_opgepakt_op,
                    g.bericht_id,
                )
            ]
        for soort in (Soort.DOORZENDING, Soort.ONTVANGSTBEVESTIGING):
            eerder = self._beslissingen.get(soort)
            if eerder is not None:
                return [HerhaalBericht(soort.value, eerder)]
        return []  # not yet acknowledged: the pending Ontvangstbevestiging answers

    def _intrekking(self, g: Any, van_peer: bool) -> list[Effect]:
        if self.intrekkingsreden is not None:
            return []  # the first withdrawal counts, as in the creditor's copy
        self.intrekkingsreden = g.reden
        self.ingetrokken_op = amsterdamse_datum(g.aangemaakt_op)
        return []

    def _incassostopwijziging(self, g: Any, van_peer: bool) -> list[Effect]:
        self.incassostop = (self.incassostop[0], g.einddatum)
        self.tijdfeiten.discard(Tijdfeit.INCASSOSTOP_AFGELOPEN)
        return [self._plan_incassostop()]

    def _betaalgedrag(self, g: Betaalgedragmelding, van_peer: bool) -> list[Effect]:
        self.betaalgedrag.append(Betaalgedrag(g.peildatum, g.regulier_betaald))
        return []

    def _foutbericht(self, g: Foutbericht, van_peer: bool) -> list[Effect]:
        self.foutberichten.append(g.bericht_id)
        return []


def _andere(rol: Rol) -> Rol:
    return Rol.GEMEENTE if rol is Rol.SCHULDEISER else Rol.SCHULDEISER


def _datum_van(g: Any) -> date:
    datum: date | None = getattr(g, "datum", None)
    if datum is not None:
        return datum
    return amsterdamse_datum(g.ontvangen_op)  # the Ontvangstbevestiging


_D = Verwijzingsdossier
_HANDLERS: dict[Soort, _Handler] = {
    Soort.ONTVANGSTBEVESTIGING: _D._ontvangstbevestiging,
    Soort.NIET_OPGEPAKT: _D._niet_opgepakt,
    Soort.NIET_OPPAKKEN: _D._niet_opgepakt,
    Soort.DOORZENDING: _D._doorzending,
    Soort.CONTACTPOGING_BEREIKT: _D._contactpoging,
    Soort.CONTACTPOGING_NIET_BEREIKT: _D._contactpoging,
    Soort.CONTACT_GESTAAKT: _D._contact_gestaakt,
    Soort.HULP_AANBIEDEN: _D._hulp_aangeboden,
    Soort.AFSLUITEN: _D._afsluiting,
    Soort.AFSLUITEN_AL_BEKEND: _D._afsluiting,
    Soort.STATUSVERZOEK: _D._statusverzoek,
    Soort.INTREKKING: _D._intrekking,
    Soort.INCASSOSTOPWIJZIGING: _D._incassostopwijziging,
    Soort.BETAALGEDRAGMELDING: _D._betaalgedrag,
    Soort.FOUTBERICHT: _D._foutbericht,
    **dict.fromkeys(_table.STATUS_MIJLPAAL, _D._statusbericht),
}
