"""The events of a referral's log: typed, versioned, stored as JSON that names its type and version.

The log is the truth about a referral: its record is rebuilt by feeding the events, in order, to the
library's lifecycle. Each event is a class here; its JSON document is
``{"type": "...", "versie": 1, "tijdstip": "...", ...}``. To change an event's shape, add a class with
the next ``versie`` (and a :class:`~pydantic.Tag` in :data:`Gebeurtenis`) and keep the old one, so
that logs written before the change are read as they were written.

The first event, :class:`VerwijzingOntvangen`, records the agreement profile (name and version) and,
from version 2, everything the record fixed from it (the library's
:class:`~warm_referral.lifecycle.Vastlegging`: the incassostop held and its agreed minimum end, the
contact deadline, the feedback agreed): the log says which rules applied, not only which messages
came, so replaying it gives the same dates whatever later profiles or calendars say. A version 1
log takes them from its Ontvangstbevestiging (:mod:`.dossiers`).

:class:`DossierGewist` replaces a log whose personal data were erased (the retention term passed,
or the help-seeker withdrew the consent the referral rested on): it holds the record's snapshot
without free texts, the pseudonym of the data subject for the processing log, and why.
"""

from __future__ import annotations

import json
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
    "DossierGewist",
    "Gebeurtenis",
    "Getikt",
    "VerwijzingOntvangen",
    "VerwijzingOntvangenV1",
    "naar_regel",
    "uit_regel",
]


class VerwijzingOntvangenV1(WireModel):
    """Version 1 of :class:`VerwijzingOntvangen` (logs written before the agreements were
    recorded): read, never written."""

    type: Literal["VerwijzingOntvangen"] = "VerwijzingOntvangen"
    versie: Literal[1] = 1
    tijdstip: Tijdstip
    afsprakenprofiel: Afsprakenprofielverwijzing
    bericht: Verwijzing


class VerwijzingOntvangen(WireModel):
    """The municipality received the Verwijzing that starts the referral (always the first)."""

    type: Literal["VerwijzingOntvangen"] = "VerwijzingOntvangen"
    versie: Literal[2] = 2
    tijdstip: Tijdstip
    """When it was received: the moment the deadlines count from."""
    afsprakenprofiel: Afsprakenprofielverwijzing
    """The agreement profile (name and version) the deadlines were computed with."""
    vastlegging: dict[str, Any]
    """What the record fixed from the profile (``Vastlegging.naar_json``)."""
    bericht: Verwijzing


Wisreden = Literal["bewaartermijn", "toestemming ingetrokken"]


class DossierGewist(WireModel):
    """The referral's personal data were erased: this replaces its whole log (always the only
    event before later ones)."""

    type: Literal["DossierGewist"] = "DossierGewist"
    versie: Literal[1] = 1
    tijdstip: Tijdstip
    reden: Wisreden
    momentopname: dict[str, Any]
    """The record's snapshot (``Verwijzingsdossier.momentopname``) without free texts."""
    betrokkene: str
    """The data subject's keyed hash, as in the processing log."""


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
        Annotated[VerwijzingOntvangenV1, Tag("VerwijzingOntvangen@1")],
        Annotated[VerwijzingOntvangen, Tag("VerwijzingOntvangen@2")],
        Annotated[DossierGewist, Tag("DossierGewist@1")],
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
    if bericht_json is None or isinstance(
        gebeurtenis, (ActieGeregistreerd, Getikt, DossierGewist, VerwijzingOntvangenV1)
    ):
        inhoud = gebeurtenis.model_dump_json(exclude_none=True).encode()
    else:
        kop = (
            f'{{"type":"{gebeurtenis.type}","versie":{gebeurtenis.versie},'
            f'"tijdstip":"{format_tijdstip(gebeurtenis.tijdstip)}"'
        ).encode()
        if isinstance(gebeurtenis, VerwijzingOntvangen):
            kop += b',"afsprakenprofiel":' + gebeurtenis.afsprakenprofiel.model_dump_json().encode()
            kop += b',"vastlegging":' + json.dumps(
                gebeurtenis.vastlegging, separators=(",", ":"), ensure_ascii=False
            ).encode("utf-8")
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
