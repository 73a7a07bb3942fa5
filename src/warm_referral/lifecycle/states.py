"""The states a referral can be in, the time facts that can hold, and the two roles.

One vocabulary for both sides: the municipality's full record and the creditor's copy use the same
states. Some states only the municipality's record reaches (contact attempts, not reached, already
known); the creditor's copy lands in the state that the creditor-safe report stands for.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Rol", "Tijdfeit", "Toestand"]


class Toestand(str, Enum):
    """The state of one referral. Values are the Dutch words shown in the diagram."""

    #: The creditor sent the Verwijzing; the municipality has not acknowledged it yet.
    VERZONDEN = "Verzonden"
    #: The municipality acknowledged the Verwijzing; the incassostop runs, the contact term runs.
    ONTVANGEN = "Ontvangen"
    #: The municipality does not take the referral up (a creditor-safe reason). Terminal.
    NIET_OPGEPAKT = "Niet opgepakt"
    #: The help-seeker lives elsewhere; the referral went to another municipality, whose
    #: Ontvangstbevestiging the creditor's copy waits for.
    DOORGEZONDEN = "Doorgezonden"
    #: The municipality took the referral up.
    OPGEPAKT = "Opgepakt"
    #: At least one contact attempt failed and none succeeded yet (municipality only).
    CONTACTPOGINGEN = "Contactpogingen"
    #: The municipality reached the help-seeker.
    BEREIKT = "Bereikt"
    #: The municipality stopped trying: the help-seeker could not be reached (municipality only).
    NIET_BEREIKT = "Niet bereikt"
    #: Help was offered.
    HULP_AANGEBODEN = "Hulp aangeboden"
    #: The help-seeker accepted the help.
    HULP_AANVAARD = "Hulp aanvaard"
    #: The help-seeker declined the help.
    HULP_AFGEWEZEN = "Hulp afgewezen"
    #: The help-seeker is already known to debt help; the referral joins that case. Terminal.
    AL_BEKEND = "Al bekend bij schuldhulpverlening"
    #: Closed with a final result. Terminal.
    AFGESLOTEN = "Afgesloten"
    #: The creditor withdrew the referral. Terminal.
    INGETROKKEN = "Ingetrokken"


class Tijdfeit(str, Enum):
    """Facts that become true by the passing of time, whatever the state (clock ticks)."""

    #: The end of the contact term (``deadlines.contact_deadline``) has passed.
    CONTACTDEADLINE_VERSTREKEN = "contactdeadline verstreken"
    #: The last day of the incassostop has passed; collection may resume.
    INCASSOSTOP_AFGELOPEN = "incassostop afgelopen"


class Rol(str, Enum):
    """The two parties of a referral. The transition table knows who sends each kind of event;
    only a record knows which of the two *we* are."""

    SCHULDEISER = "schuldeiser"
    GEMEENTE = "gemeente"
