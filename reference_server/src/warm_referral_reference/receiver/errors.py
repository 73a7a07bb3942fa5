"""Every error of the receiver, in one place: what a caller did that the receiver refuses.

Each class names the fault; ``code`` is its stable problem type (Dutch, part of the protocol's
vocabulary, the last segment of the problem's ``type`` URI) and ``fouten`` lists the violations.
The classes are grouped under a few categories, and the HTTP layer maps each category to one status
in one table (:mod:`.http.problems`); the domain raises them without knowing any status. Every
:class:`ReceiverError` is the caller's fault; any other exception is ours (a 500, nothing stored).
Class names and messages are English, codes Dutch, as everywhere in the project.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from warm_referral.errors import Violation, WarmReferralError

__all__ = [
    "AccessDenied",
    "ActionNotAllowed",
    "ActionWouldBeInvalid",
    "AgreementRefused",
    "BerichtIdReused",
    "BsnNotRegistered",
    "ClockBackwards",
    "ConfigError",
    "Conflict",
    "ConsentWithdrawalWithoutConsent",
    "ConsentWithdrawn",
    "ConversationExists",
    "DatedAhead",
    "EventLogError",
    "GroundNotRegistered",
    "IncassostopBeforeMinimum",
    "IncassostopTooLong",
    "IncassostopTooShort",
    "InvalidAction",
    "InvalidMessage",
    "InvalidRequest",
    "KindNotRegistered",
    "LateReferral",
    "MunicipalityNotServed",
    "NoAgreement",
    "NoOrganisationForMunicipality",
    "NotAuthenticated",
    "NotFound",
    "NotInProfile",
    "NotRegistered",
    "PayloadTooLarge",
    "ReceiverError",
    "ReferredInFuture",
    "Refused",
    "SignatureRefused",
    "StoreSchemaError",
    "StoreUnavailable",
    "TransitionRefused",
    "UnknownMunicipality",
    "UnknownParticipant",
    "UnknownReferral",
    "UnsupportedMediaType",
    "WrongDirection",
    "WrongOrganisation",
    "WrongSender",
]


class ReceiverError(WarmReferralError):
    """A request the receiver refuses; the caller is at fault."""

    code: ClassVar[str] = "fout"

    def __init__(self, detail: str, fouten: Iterable[Violation] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fouten = tuple(fouten)


# --- the categories (one HTTP status each) --------------------------------------------------------


class InvalidRequest(ReceiverError):
    """The request is not valid input: every violation is listed."""

    code = "ongeldige-invoer"


class NotAuthenticated(ReceiverError):
    """Who calls is not known: no or an unknown credential. ``uitdaging`` is the challenge to
    send back (the ``WWW-Authenticate`` value), if any."""

    code = "niet-geauthenticeerd"

    def __init__(self, detail: str, uitdaging: str | None = None) -> None:
        super().__init__(detail)
        self.uitdaging = uitdaging


class AccessDenied(ReceiverError):
    """The caller is known but may not do this (the access policy, or a forged afzender)."""

    code = "geen-toegang"


class NotFound(ReceiverError):
    """No such resource, or none the caller may see (the two are not told apart)."""

    code = "niet-gevonden"


class Conflict(ReceiverError):
    """The request contradicts what is stored."""

    code = "conflict"


class PayloadTooLarge(ReceiverError):
    code = "te-groot"


class UnsupportedMediaType(ReceiverError):
    code = "mediatype"


class Refused(ReceiverError):
    """A valid request the protocol refuses (the lifecycle, the direction, the municipality)."""

    code = "niet-toegestaan"


# --- the faults -----------------------------------------------------------------------------------


class InvalidMessage(InvalidRequest):
    """The bytes are not a valid message."""

    code = "ongeldig-bericht"


class InvalidAction(InvalidRequest):
    """The body is not a valid operator action."""

    code = "ongeldige-actie"


class SignatureRefused(InvalidRequest):
    """The message's payload signature is missing where this receiver requires one, or cannot
    be accepted (WD-OND-06 to WD-OND-10): its one violation carries the stable code
    (``handtekening_ontbreekt``, ``inhoud_gewijzigd``, ``certificaat_verlopen``...)."""

    code = "handtekening-geweigerd"


class UnknownParticipant(AccessDenied):
    """A valid client certificate whose OIN is no participant here."""

    code = "onbekende-deelnemer"


class WrongSender(AccessDenied):
    """The message's afzender is not exactly the authenticated participant's registered identity
    (its naam, OIN and KvK number, an establishment it registered): not another party, and no
    mix of two parties' identifiers."""

    code = "verkeerde-afzender"


class NotRegistered(AccessDenied):
    """The participants register does not let this participant send this referral."""

    code = "niet-ingeschreven"


class KindNotRegistered(NotRegistered):
    """A soortVerwijzer the participant is not registered as."""

    code = "soort-niet-ingeschreven"


class GroundNotRegistered(NotRegistered):
    """A grondslag the participant is not registered for."""

    code = "grondslag-niet-ingeschreven"


class BsnNotRegistered(NotRegistered):
    """A BSN from a participant not registered to share it."""

    code = "bsn-niet-ingeschreven"


class NoAgreement(NotRegistered):
    """A Verwijzing to a municipality the participant has no agreement with (on its verwijsdatum)."""

    code = "geen-afspraak"


class BerichtIdReused(Conflict):
    """A berichtId already used for another message."""

    code = "bericht-id-hergebruikt"


class ConversationExists(Conflict):
    """A new Verwijzing in a conversation that already holds one."""

    code = "conversatie-bestaat"


class ActionNotAllowed(Conflict):
    """An operator action the lifecycle does not allow in the referral's state."""

    code = "actie-niet-toegestaan"


class ClockBackwards(Conflict):
    """The test clock cannot go back."""

    code = "klok-terug"


class UnknownMunicipality(Refused):
    """A Verwijzing for a gemeentecode this receiver does not serve."""

    code = "onbekende-gemeente"


class MunicipalityNotServed(UnknownMunicipality):
    """A Verwijzing for a gemeentecode the address book does not give this receiver's
    organisation on the verwijsdatum (WD-ADR-07)."""

    code = "gemeente-niet-bediend"


class NoOrganisationForMunicipality(Refused):
    """A Doorzending to a municipality the address book names no organisation for on its date
    (WD-ADR-08): there is nobody to forward to."""

    code = "gemeente-zonder-organisatie"


class WrongOrganisation(Refused):
    """A Doorzending naming another organisation than the address book gives (WD-ADR-08)."""

    code = "verkeerde-organisatie"


class WrongDirection(Refused):
    """A message only the municipality sends, sent to it."""

    code = "verkeerde-richting"


class UnknownReferral(Refused):
    """A follow-up message about no referral of the caller's."""

    code = "onbekende-verwijzing"


class ReferredInFuture(Refused):
    """A Verwijzing whose verwezenOp lies ahead of the receiver's clock."""

    code = "verwezen-op-in-de-toekomst"


class DatedAhead(Refused):
    """An operator action dated after today."""

    code = "datum-in-de-toekomst"


class ActionWouldBeInvalid(Refused):
    """A valid action whose message would not be valid (e.g. a Doorzending to a bad party)."""

    code = "ongeldige-actie"


class RangeRefused(Refused):
    """A monitoring query whose van and tot are reversed, or cut a period (a figure over part
    of a period would let differences between queries reveal suppressed counts)."""

    code = "periode-ongeldig"


class TransitionRefused(Refused):
    """The lifecycle refuses the caller's message in the referral's state."""

    code = "niet-toegestaan"


class AgreementRefused(Refused):
    """A Verwijzing that breaks the agreement profile its creditor signed."""

    code = "afspraak-geschonden"


class IncassostopTooShort(AgreementRefused):
    """The incassostop ends before the profile's term (the message names the expected end)."""

    code = "incassostop-te-kort"


class IncassostopTooLong(AgreementRefused):
    """The incassostop lasts longer than the profile's maximum."""

    code = "incassostop-te-lang"


class LateReferral(AgreementRefused):
    """A Verwijzing received too late (its incassostop over, or too many werkdagen after its
    verwijsdatum), under a profile that refuses late referrals."""

    code = "verwijzing-te-laat"


class NotInProfile(AgreementRefused):
    """A kind of referrer, ground or BSN the agreement profile's table does not allow."""

    code = "niet-in-afsprakenprofiel"


class IncassostopBeforeMinimum(TransitionRefused):
    """An Incassostopwijziging that would end the incassostop before its agreed minimum end."""

    code = "incassostop-voor-minimum"


class ConsentWithdrawalWithoutConsent(TransitionRefused):
    """An Intrekking for "Toestemming ingetrokken" of a referral that does not rest on consent."""

    code = "intrekking-zonder-toestemming"


class ConsentWithdrawn(TransitionRefused):
    """A question about a referral whose consent was withdrawn: nothing more is reported."""

    code = "toestemming-ingetrokken"


# --- not the caller's: start-up and storage ---------------------------------------------------------


class ConfigError(WarmReferralError):
    """The configuration file is wrong; the message names the file, the entry and why."""


class StoreSchemaError(WarmReferralError):
    """The database's schema is not the version this receiver knows (not migrated yet, or made
    by a later receiver); it is not opened. The message says which command fixes it."""


class StoreUnavailable(WarmReferralError):
    """The database cannot be reached (a PostgreSQL server down, a wrong URL, a missing driver)."""


class EventLogError(WarmReferralError):
    """An event in the log cannot be read back (an unknown type or version, broken JSON)."""
