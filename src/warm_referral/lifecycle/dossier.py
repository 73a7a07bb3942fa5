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

The agreements hold the record to its profile (:mod:`warm_referral.afspraken`): a record starts
only from a Verwijzing that keeps them (its incassostop lasts at least the agreed term, its kind of
referrer and ground are in the profile, it is not late) and fixes what it computed then in a
:class:`Vastlegging` (the profile's name and version, the incassostop held and its agreed minimum
end, the contact deadline, what the creditor learns back). A record rebuilt from its
:class:`Vastlegging` keeps those rules, whatever later profiles or calendars say.

Feedback: the creditor learns the milestones its :class:`~warm_referral.afspraken.Terugmelding`
shows (per ground, and for consent per its scope), no more: only those become Statusbericht
effects, a Statusbericht with another is refused either way, and the answer to a Statusverzoek
is the latest milestone it may know. The Ontvangstbevestiging, NietOpgepakt and Doorzending reach
every creditor. After a withdrawal of consent nothing more is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn
from uuid import UUID

from .._tijd import AMSTERDAM, amsterdamse_datum, format_tijdstip, parse_tijdstip
from ..afspraken import NIETS, Terugmelding, afspraken, heeft_statusterugmelding
from ..models.berichten import (
    Bericht,
    Betaalgedragmelding,
    Foutbericht,
    Ontvangstbevestiging,
    Verwijzing,
)
from ..models.enums import (
    Advies,
    Eindresultaat,
    Grondslag,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    SoortVerwijzer,
)
from ..models.onderdelen import Afsprakenprofielverwijzing, Maatregel, Partij, Periode
from . import _table
from ._table import (
    AFZENDER,
    EINDTOESTANDEN,
    LOKALE_ACTIES,
    MIJLPAAL,
    MIJLPAALRANG,
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
    LocalAgreementViolation,
    LocalInvalidTransition,
    RemoteAgreementViolation,
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

__all__ = ["Betaalgedrag", "Vastlegging", "Verwijzingsdossier"]


class Betaalgedrag(NamedTuple):
    """What a Betaalgedragmelding reported, for monitoring (the measures from specVersie 1.1;
    None: not reported)."""

    peildatum: date
    regulier_betaald: bool
    ingrijpende_maatregelen: tuple[Maatregel, ...] | None = None


@dataclass(frozen=True, slots=True)
class Vastlegging:
    """What a record fixed when it was made, from its agreement profile: the record keeps these
    rules for good (a later profile version, or new decree days in the calendar, never move them).

    Store it with the record (:meth:`naar_json`) and pass it back when rebuilding the record from
    its messages (``Verwijzingsdossier.voor_gemeente(..., vastlegging=...)``).
    """

    afsprakenprofiel: Afsprakenprofielverwijzing
    incassostop: tuple[date, date]
    """The incassostop held: the Verwijzing's (it may be longer than the agreed term)."""
    incassostop_minimum: date
    """The agreed minimum end: no Incassostopwijziging may end the incassostop earlier."""
    terugmelding: Terugmelding
    contactdeadline: datetime | None = None
    """The municipality's contact deadline (None in the creditor's record)."""
    te_laat: bool = False
    """The referral arrived late, under a profile that marks rather than refuses."""

    def naar_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "afsprakenprofiel": {
                "naam": self.afsprakenprofiel.naam,
                "versie": self.afsprakenprofiel.versie,
            },
            "incassostop": [self.incassostop[0].isoformat(), self.incassostop[1].isoformat()],
            "incassostopMinimum": self.incassostop_minimum.isoformat(),
            "terugmelding": self.terugmelding.naar_json(),
            "teLaat": self.te_laat,
        }
        if self.contactdeadline is not None:
            data["contactdeadline"] = format_tijdstip(self.contactdeadline)
        return data

    @classmethod
    def van_json(cls, data: Mapping[str, Any]) -> Vastlegging:
        """Raises :class:`InvalidEvent` for data this version cannot read."""
        try:
            deadline = data.get("contactdeadline")
            return cls(
                afsprakenprofiel=Afsprakenprofielverwijzing(
                    naam=data["afsprakenprofiel"]["naam"],
                    versie=data["afsprakenprofiel"]["versie"],
                ),
                incassostop=(
                    date.fromisoformat(data["incassostop"][0]),
                    date.fromisoformat(data["incassostop"][1]),
                ),
                incassostop_minimum=date.fromisoformat(data["incassostopMinimum"]),
                terugmelding=Terugmelding.van_json(data["terugmelding"]),
                contactdeadline=None if deadline is None else parse_tijdstip(deadline),
                te_laat=bool(data.get("teLaat", False)),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise InvalidEvent(f"a broken Vastlegging ({type(exc).__name__}: {exc})") from None


def _profiel(profiel: Afsprakenprofiel | str | None) -> Afsprakenprofiel:
    from .. import deadlines

    if profiel is None:
        return deadlines.standaard_afsprakenprofiel()
    if isinstance(profiel, str):
        return deadlines.afsprakenprofielen()[profiel]
    return profiel


def _vastlegging(
    verwijzing: Verwijzing,
    p: Afsprakenprofiel,
    *,
    contactdeadline: datetime | None,
    te_laat: bool,
) -> Vastlegging:
    from .. import deadlines

    _, minimum = deadlines.incassostop(amsterdamse_datum(verwijzing.verwezen_op), p)
    return Vastlegging(
        afsprakenprofiel=Afsprakenprofielverwijzing(naam=p.naam, versie=p.versie),
        incassostop=(verwijzing.incassostop.ingangsdatum, verwijzing.incassostop.einddatum),
        incassostop_minimum=minimum,
        terugmelding=afspraken(p).terugmelding_voor(verwijzing),
        contactdeadline=contactdeadline,
        te_laat=te_laat,
    )


_Handler = Callable[["Verwijzingsdossier", Any, bool], "list[Effect]"]


class Verwijzingsdossier:
    """One referral's lifecycle as one party sees it. Make one with :meth:`voor_gemeente` or
    :meth:`voor_schuldeiser`; every later event goes through the transition table."""

    # The facts the table's guards read (see _table.Feiten) come first.
    laatste_datum: date
    verwijzing_bericht_id: UUID
    contactdeadline: datetime | None
    incassostop: tuple[date, date]
    incassostop_minimum: date
    terugmelding: Terugmelding
    grondslag: Grondslag
    eindresultaat: Eindresultaat | None
    niet_opgepakt_reden: NietOpgepaktReden | None
    doorgezonden_naar: Partij | None

    def __init__(self, verwijzing: Verwijzing, rol: Rol, vastlegging: Vastlegging) -> None:
        """Use :meth:`voor_gemeente` or :meth:`voor_schuldeiser`, which also return the first
        effects."""
        self.rol = rol
        self.toestand = _table.BEGINTOESTAND
        self.verwijzing_id: str = verwijzing.verwijzing_id
        self.conversatie_id: UUID = verwijzing.conversatie_id
        self.verwijzing_bericht_id = verwijzing.bericht_id
        self.spec_versie: str = verwijzing.spec_versie.value
        """The Verwijzing's specVersie: the municipality answers in it."""
        self.schuldeiser: Partij = verwijzing.afzender
        # The municipality the Verwijzing was addressed to (after a Doorzending, see
        # doorgezonden_naar for the one that took it over).
        self.gemeente: Partij = verwijzing.ontvanger
        self.verwezen_op: datetime = verwijzing.verwezen_op
        self.verwijsdatum: date = amsterdamse_datum(verwijzing.verwezen_op)
        self.crisis: bool = verwijzing.crisissignaal
        self.soort_verwijzer: SoortVerwijzer = verwijzing.soort_verwijzer
        self.grondslag = verwijzing.grondslag
        toestemming = verwijzing.toestemming
        self.statusterugmelding = heeft_statusterugmelding(
            verwijzing.grondslag, toestemming.reikwijdte if toestemming else None
        ) in (None, True)
        """Does the ground let the creditor learn how the referral went (a legal ground, or a
        consent that covers Statusterugmelding)? Which milestones: :attr:`terugmelding`."""
        self.vastlegging = vastlegging
        self.afsprakenprofiel = vastlegging.afsprakenprofiel
        self.incassostop = vastlegging.incassostop
        self.incassostop_minimum = vastlegging.incassostop_minimum
        self.terugmelding = vastlegging.terugmelding
        self.te_laat: bool = vastlegging.te_laat
        self.laatste_datum = self.verwijsdatum
        self.ontvangen_op: datetime | None = None
        self.contactdeadline = vastlegging.contactdeadline
        self.afgerond_op: date | None = None
        """The date the referral reached a terminal state (the retention term counts from it)."""
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
        *,
        vastlegging: Vastlegging | None = None,
    ) -> tuple[Verwijzingsdossier, Wijziging]:
        """The municipality's record of a Verwijzing it received at ``ontvangen_op``.

        The Verwijzing is held to the afsprakenprofiel (a profile, its name, or None for the
        default): a breach raises :class:`RemoteAgreementViolation` listing each one. The effects
        ask for the Ontvangstbevestiging (the contact deadline and the incassostop the
        municipality holds) and plan the two ticks. To rebuild a record, pass the
        :class:`Vastlegging` it fixed when it was made: then nothing is computed or checked again.
        """
        if not isinstance(ontvangen_op, datetime) or ontvangen_op.utcoffset() is None:
            raise InvalidEvent(f"ontvangen_op must be an aware datetime, got {ontvangen_op!r}")
        if ontvangen_op < verwijzing.verwezen_op:
            raise InvalidEvent(
                f"ontvangen_op {ontvangen_op.isoformat()} lies before verwezenOp "
                f"{verwijzing.verwezen_op.isoformat()}"
            )
        if vastlegging is None:
            from .. import deadlines

            p = _profiel(profiel)
            toetsing = afspraken(p).toets_verwijzing(verwijzing, ontvangen_op)
            if toetsing.afwijkingen:
                raise RemoteAgreementViolation(toetsing.afwijkingen)
            vastlegging = _vastlegging(
                verwijzing,
                p,
                contactdeadline=deadlines.contact_deadline(ontvangen_op, p),
                te_laat=toetsing.te_laat is not None,
            )
        if vastlegging.contactdeadline is None:
            raise InvalidEvent("the municipality's Vastlegging needs its contactdeadline")
        dossier = cls(verwijzing, Rol.GEMEENTE, vastlegging)
        dossier.ontvangen_op = ontvangen_op
        effecten: list[Effect] = [
            StuurOntvangstbevestiging(
                verwijzing_id=dossier.verwijzing_id,
                cross_referentie=verwijzing.bericht_id,
                ontvangen_op=ontvangen_op,
                contactdeadline=vastlegging.contactdeadline,
                incassostop=Periode(
                    ingangsdatum=vastlegging.incassostop[0], einddatum=vastlegging.incassostop[1]
                ),
                afsprakenprofiel=vastlegging.afsprakenprofiel,
                te_laat=vastlegging.te_laat,
            ),
            dossier._plan_contactdeadline(),
            dossier._plan_incassostop(),
        ]
        return dossier, dossier._begin(effecten)

    @classmethod
    def voor_schuldeiser(
        cls,
        verwijzing: Verwijzing,
        profiel: Afsprakenprofiel | str | None = None,
        *,
        vastlegging: Vastlegging | None = None,
        toets: bool = False,
    ) -> tuple[Verwijzingsdossier, Wijziging]:
        """The creditor's record of a Verwijzing it sends, under ``profiel`` (the one it signed;
        None for the default); the effect plans the incassostop's end.

        ``toets``: hold the Verwijzing to the profile first (:class:`LocalAgreementViolation`
        when it breaks it): do so before sending; a record rebuilt from what was sent does not
        check again. The Ontvangstbevestiging's incassostop replaces the sent one when it comes.
        """
        if vastlegging is None:
            p = _profiel(profiel)
            if toets:
                toetsing = afspraken(p).toets_verwijzing(verwijzing)
                if toetsing.afwijkingen:
                    raise LocalAgreementViolation(toetsing.afwijkingen)
            vastlegging = _vastlegging(verwijzing, p, contactdeadline=None, te_laat=False)
        dossier = cls(verwijzing, Rol.SCHULDEISER, vastlegging)
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
    def zichtbare_mijlpaal(self) -> Mijlpaal | None:
        """The latest milestone the creditor may know now: the current state's, or, when the
        agreed feedback does not report that one, the last reported one reached before it.
        None in a state without a milestone, or when nothing may be reported."""
        huidig = MIJLPAAL[self.toestand]
        if huidig is None or self.toestemming_ingetrokken:
            return None
        rang = MIJLPAALRANG[huidig]
        zichtbaar = [
            m for m in self._mijlpalen if self.terugmelding.toont(m) and MIJLPAALRANG[m] <= rang
        ]
        return max(zichtbaar, key=lambda m: MIJLPAALRANG[m], default=None)

    @property
    def toestemming_ingetrokken(self) -> bool:
        """Did the creditor withdraw the referral because the help-seeker withdrew consent?"""
        return self.intrekkingsreden is Intrekkingsreden.TOESTEMMING_INGETROKKEN

    @property
    def bewaar_vanaf(self) -> date | None:
        """The date the retention term counts from: the day the referral closed."""
        return self.afgerond_op

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
        try:
            doel = overgang(van, soort, self, g, van_peer=van_peer)
        except RemoteInvalidTransition as exc:
            if exc.code == "toestemming_ingetrokken" and self.rol is Rol.SCHULDEISER:
                # Sent before the municipality learnt of the withdrawal (the messages crossed):
                # absorbed, as in Ingetrokken; the municipality sends nothing after it.
                return Wijziging(van, van, (soort,), genegeerd=True)
            raise
        if (
            doel is not None
            and self.rol is Rol.GEMEENTE
            and isinstance(g, Ontvangstbevestiging)
            and (g.incassostop.ingangsdatum, g.incassostop.einddatum) != self.incassostop
        ):
            # The one check that depends on the role (the creditor's copy takes the period over).
            self._weiger(
                soort,
                van_peer,
                f"the acknowledgement states the incassostop the municipality holds, "
                f"{self.incassostop[0].isoformat()} to {self.incassostop[1].isoformat()}",
            )
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
        if doel in EINDTOESTANDEN and self.afgerond_op is None:
            self.afgerond_op = (
                amsterdamse_datum(g.aangemaakt_op)
                if isinstance(g, Bericht) and soort is Soort.INTREKKING
                else _datum_van(g)
            )
        return Wijziging(van, doel, (soort,), tuple(effecten))

    def _mijlpaal_bereikt(
        self, soort: Soort, g: Any, oud: Mijlpaal | None, nieuw: Mijlpaal
    ) -> list[Effect]:
        datum: date = g.datum
        bereikt = [nieuw]
        if oud is None and soort in NEEMT_OP and nieuw is not Mijlpaal.OPGEPAKT:
            # A first contact attempt that reached the person takes the referral up on the way;
            # one that did not reach anyone lands on "Opgepakt" itself (reported once).
            bereikt.insert(0, Mijlpaal.OPGEPAKT)
        for mijlpaal in bereikt:
            self._mijlpalen[mijlpaal] = datum
        if Mijlpaal.OPGEPAKT in bereikt and self.opgepakt_op is None:
            self.opgepakt_op = datum
        advies = getattr(g, "advies_incassostop", None)
        if advies is not None:
            self.advies_incassostop = advies
        if soort not in LOKALE_ACTIES or self.toestemming_ingetrokken:
            return []
        bereikt = [m for m in bereikt if self.terugmelding.toont(m)]
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
        plannen: list[Effect] = []
        bevestigd = (g.incassostop.ingangsdatum, g.incassostop.einddatum)
        if self.rol is Rol.SCHULDEISER:
            # The acknowledged period is the one both sides hold (WD-ONTV-06); its deadline
            # events fire on it, and the agreed minimum is the acknowledging profile's when this
            # library knows that version. A late referral is marked on both sides.
            self._neem_afspraken_over(g.afsprakenprofiel)
            self.te_laat = bool(g.te_laat)
            # An Incassostopwijziging the creditor sent meanwhile (crossing the acknowledgement)
            # is newer than the acknowledged period: the municipality applied it too.
            eigen_wijziging = self.incassostop != self.vastlegging.incassostop
            if bevestigd != self.incassostop and not eigen_wijziging:
                self.incassostop = bevestigd
                self.tijdfeiten.discard(Tijdfeit.INCASSOSTOP_AFGELOPEN)
                plannen.append(self._plan_incassostop())
        if g.contactdeadline == self.contactdeadline:
            return plannen
        self.contactdeadline = g.contactdeadline
        self.tijdfeiten.discard(Tijdfeit.CONTACTDEADLINE_VERSTREKEN)
        return [self._plan_contactdeadline(), *plannen]

    def _neem_afspraken_over(self, profielverwijzing: Afsprakenprofielverwijzing) -> None:
        from .. import deadlines
        from ..errors import UnknownProfileError

        if profielverwijzing == self.afsprakenprofiel:
            return
        try:
            p = deadlines.afsprakenprofielen().versie(
                profielverwijzing.naam, profielverwijzing.versie
            )
        except UnknownProfileError:
            return  # a profile this library does not know: keep the creditor's own
        self.afsprakenprofiel = profielverwijzing
        self.incassostop_minimum = deadlines.incassostop(self.verwijsdatum, p)[1]
        self.terugmelding = afspraken(p).terugmelding(self.grondslag, self.statusterugmelding)

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
        mijlpaal = self.zichtbare_mijlpaal
        if mijlpaal is not None:
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
        if g.reden is Intrekkingsreden.TOESTEMMING_INGETROKKEN:
            self.terugmelding = NIETS  # nothing more is reported
        return []

    def _incassostopwijziging(self, g: Any, van_peer: bool) -> list[Effect]:
        self.incassostop = (self.incassostop[0], g.einddatum)
        self.tijdfeiten.discard(Tijdfeit.INCASSOSTOP_AFGELOPEN)
        return [self._plan_incassostop()]

    def _betaalgedrag(self, g: Betaalgedragmelding, van_peer: bool) -> list[Effect]:
        maatregelen = g.ingrijpende_maatregelen
        self.betaalgedrag.append(
            Betaalgedrag(
                g.peildatum, g.regulier_betaald, None if maatregelen is None else tuple(maatregelen)
            )
        )
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
