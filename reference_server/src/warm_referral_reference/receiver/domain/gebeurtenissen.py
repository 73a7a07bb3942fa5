"""The events of a referral's log: typed, versioned, stored as JSON that names its type and version.

The log is the truth about a referral: its record is rebuilt by feeding the events, in order, to the
library's lifecycle. Each event is a class here; its JSON document is
``{"type": "...", "versie": 1, "tijdstip": "...", ...}``. To change an event's shape, add a class with
the next ``versie`` (and a :class:`~pydantic.Tag` in :data:`Gebeurtenis`) and keep the old one, so
that logs written before the change are read as they were written.

The first event, :class:`VerwijzingOntvangen`, records the agreement profile (name and version) whose
deadlines the municipality confirmed: the log says which rules applied, not only which messages
came (the participants register and binding agreements build on it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Tag

from warm_referral import InvalidPeerMessage, format_tijdstip, parse_json_as
from warm_referral.models import Afsprakenprofielverwijzing, Message, Verwijzing, WireModel
from warm_referral.models.wire_types import Tijdstip

from ..errors import EventLogError
from ..storage import Gebeurtenisregel
from .acties import LokaleActieverzoek

__all__ = [
    "ActieGeregistreerd",
    "BerichtOntvangen",
    "BerichtVerstuurd",
    "Gebeurtenis",
    "Getikt",
    "VerwijzingOntvangen",
    "naar_regel",
    "uit_regel",
]


class VerwijzingOntvangen(WireModel):
    """The municipality received the Verwijzing that starts the referral (always the first)."""

    type: Literal["VerwijzingOntvangen"] = "VerwijzingOntvangen"
    versie: Literal[1] = 1
    tijdstip: Tijdstip
    """When it was received: the moment the deadlines count from."""
    afsprakenprofiel: Afsprakenprofielverwijzing
    """The agreement profile (name and version) the deadlines were computed with."""
    bericht: Verwijzing


class BerichtOntvangen(WireModel):
    """A follow-up message from the creditor was accepted."""

    type: Literal["BerichtOntvangen"] = "BerichtOntvangen"
    versie: Literal[1] = 1
    tijdstip: Tijdstip
    bericht: Message


class BerichtVerstuurd(WireModel):
    """The municipality sent a message (it went into the creditor's postvak)."""

    type: Literal["BerichtVerstuurd"] = "BerichtVerstuurd"
    versie: Literal[1] = 1
    tijdstip: Tijdstip
    bericht: Message


class ActieGeregistreerd(WireModel):
    """An operator recorded one of the municipality's own actions."""

    type: Literal["ActieGeregistreerd"] = "ActieGeregistreerd"
    versie: Literal[1] = 1
    tijdstip: Tijdstip
    actie: LokaleActieverzoek


class Getikt(WireModel):
    """The deadline monitor told the record the time, and a time fact became true."""

    type: Literal["Getikt"] = "Getikt"
    versie: Literal[1] = 1
    tijdstip: Tijdstip


def _sleutel(waarde: Any) -> str:
    if isinstance(waarde, dict):
        return f"{waarde.get('type')}@{waarde.get('versie')}"
    return f"{waarde.type}@{waarde.versie}"


Gebeurtenis = Annotated[
    Union[  # noqa: UP007 - pydantic reads the tagged union from this form
        Annotated[VerwijzingOntvangen, Tag("VerwijzingOntvangen@1")],
        Annotated[BerichtOntvangen, Tag("BerichtOntvangen@1")],
        Annotated[BerichtVerstuurd, Tag("BerichtVerstuurd@1")],
        Annotated[ActieGeregistreerd, Tag("ActieGeregistreerd@1")],
        Annotated[Getikt, Tag("Getikt@1")],
    ],
    Discriminator(_sleutel),
]
"""Any event of the log, chosen by its type and version."""


def naar_regel(gebeurtenis: Gebeurtenis, bericht_json: bytes | None = None) -> Gebeurtenisregel:
    """The stored form: the type (for queries), the JSON document, the moment.

    ``bericht_json``, the canonical JSON of the event's message when the caller has it already
    (``Bericht.to_json()``), is spliced in as it is rather than serialised again, with the few
    members before it written here: the hot path of every new referral. The result is the same
    document the model serialises to (``tests/reference/test_receiver_events.py`` checks that).
    """
    if bericht_json is None or isinstance(gebeurtenis, (ActieGeregistreerd, Getikt)):
        inhoud = gebeurtenis.model_dump_json(exclude_none=True).encode()
    else:
        kop = (
            f'{{"type":"{gebeurtenis.type}","versie":{gebeurtenis.versie},'
            f'"tijdstip":"{format_tijdstip(gebeurtenis.tijdstip)}"'
        ).encode()
        if isinstance(gebeurtenis, VerwijzingOntvangen):
            kop += b',"afsprakenprofiel":' + gebeurtenis.afsprakenprofiel.model_dump_json().encode()
        inhoud = kop + b',"bericht":' + bericht_json + b"}"
    return Gebeurtenisregel(gebeurtenis.type, inhoud, gebeurtenis.tijdstip)


def uit_regel(regel: Gebeurtenisregel) -> Gebeurtenis:
    """The event a stored entry holds; :class:`EventLogError` when this version cannot read it."""
    try:
        gebeurtenis: Gebeurtenis = parse_json_as(Gebeurtenis, regel.inhoud)
    except InvalidPeerMessage as exc:
        if exc.violations[0].code in ("berichttype_onbekend", "berichttype_ontbreekt"):
            reden = "its type and version are not known to this receiver"
        else:
            reden = str(exc)
        raise EventLogError(f"a {regel.type} event in the log cannot be read: {reden}") from None
    return gebeurtenis
