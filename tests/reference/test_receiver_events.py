"""The event log's typed events: what the receiver writes is the document the event class describes,
and it reads back as the same event; an event of an unknown type or version is refused clearly."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from warm_referral_reference.receiver.domain.acties import ActieContactpoging, ActieOppakken
from warm_referral_reference.receiver.domain.gebeurtenissen import (
    ActieGeregistreerd,
    BerichtOntvangen,
    BerichtVerstuurd,
    Getikt,
    VerwijzingOntvangen,
    naar_regel,
    uit_regel,
)
from warm_referral_reference.receiver.errors import EventLogError
from warm_referral_reference.receiver.storage import Gebeurtenisregel

from warm_referral.models import Afsprakenprofielverwijzing
from warm_referral.testing.strategies import berichten, tijdstippen, verwijzingen

_TIJD = tijdstippen(
    min_value=datetime(2001, 1, 1, tzinfo=timezone.utc),
    max_value=datetime(2099, 1, 1, tzinfo=timezone.utc),
)


def _beide(gebeurtenis: Any, bericht_json: bytes) -> None:
    """The fast path (the message's JSON spliced in, the event built without validation) gives
    exactly the document the model serialises to, and it reads back as the event."""
    snel = naar_regel(gebeurtenis, bericht_json)
    traag = naar_regel(gebeurtenis)
    assert snel.inhoud == traag.inhoud
    assert snel.type == gebeurtenis.type
    gelezen = uit_regel(snel)
    assert type(gelezen) is type(gebeurtenis)
    assert gelezen.model_dump() == gebeurtenis.model_dump()


@given(verwijzing=verwijzingen(), tijdstip=_TIJD)
def test_verwijzing_ontvangen_is_written_as_its_class_describes(
    verwijzing: Any, tijdstip: datetime
) -> None:
    profiel = Afsprakenprofielverwijzing(naam="nvvk-pilot", versie="1.1")
    vastlegging = {
        "afsprakenprofiel": {"naam": "nvvk-pilot", "versie": "1.1"},
        "incassostop": ["2026-04-01", "2026-05-01"],
        "incassostopMinimum": "2026-05-01",
        "terugmelding": ["Opgepakt", "Hulp aanvaard"],
        "teLaat": False,
        "contactdeadline": "2026-04-06T21:59:59Z",
    }
    for maak in (VerwijzingOntvangen, VerwijzingOntvangen.model_construct):
        _beide(
            maak(
                tijdstip=tijdstip,
                afsprakenprofiel=profiel,
                vastlegging=vastlegging,
                bericht=verwijzing,
            ),
            verwijzing.to_json(),
        )


@given(bericht=berichten(), tijdstip=_TIJD)
def test_message_events_are_written_as_their_class_describes(
    bericht: Any, tijdstip: datetime
) -> None:
    for klasse in (BerichtOntvangen, BerichtVerstuurd):
        _beide(klasse.model_construct(tijdstip=tijdstip, bericht=bericht), bericht.to_json())
        _beide(klasse(tijdstip=tijdstip, bericht=bericht), bericht.to_json())


def test_actions_and_ticks_round_trip() -> None:
    nu = datetime(2026, 4, 2, 7, 15, 0, 123456, tzinfo=timezone.utc)
    for gebeurtenis in (
        ActieGeregistreerd(
            tijdstip=nu,
            actie=ActieContactpoging(
                soort="Contactpoging",
                datum=nu.date(),
                contactsoort="Telefoon",  # type: ignore[arg-type]
                dagdeel="Ochtend",  # type: ignore[arg-type]
                bereikt=True,
            ),
        ),
        ActieGeregistreerd(tijdstip=nu, actie=ActieOppakken(soort="Oppakken", datum=nu.date())),
        Getikt(tijdstip=nu),
    ):
        regel = naar_regel(gebeurtenis)
        assert regel.inhoud.startswith(f'{{"type":"{gebeurtenis.type}","versie":1,'.encode())
        assert uit_regel(regel) == gebeurtenis


@pytest.mark.parametrize(
    ("inhoud", "reden"),
    [
        (b'{"type":"Getikt","versie":2,"tijdstip":"2026-01-01T00:00:00Z"}', "not known"),
        (b'{"type":"Verhuisd","versie":1,"tijdstip":"2026-01-01T00:00:00Z"}', "not known"),
        (b'{"type":"Getikt","versie":1}', "verplicht"),
        (b"{", "geen_json"),
    ],
)
def test_an_unreadable_event_is_a_clear_error(inhoud: bytes, reden: str) -> None:
    regel = Gebeurtenisregel("Getikt", inhoud, datetime(2026, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(EventLogError, match=reden):
        uit_regel(regel)
