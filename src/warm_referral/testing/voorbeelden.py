"""Re-date a message to the present with fresh identifiers: the spec's examples, posted today.

The examples in ``spec/v1/examples`` are fixed-dated test vectors. A receiver refuses a referral
from the future and (per agreement profile) one that arrives too late, and it refuses a second
referral in the same conversation, so an example cannot simply be posted twice, or next year.
:func:`herdateer` moves every timestamp of a message by the same amount so that it is created
(``aangemaaktOp``) at ``nu``, moves every date by the matching number of Dutch calendar days (so the incassostop still
starts on the verwijsdatum and lasts as long), gives it a fresh berichtId and conversatieId (and a
Verwijzing a fresh verwijzingId), and can re-address it. A birth date stays what it was, unless it
would then lie after the message's new date (a message moved back in time): then it moves too.

This module needs nothing beyond the library (no hypothesis), so tools and the CLI can use it.

>>> from datetime import datetime, timezone
>>> from pathlib import Path
>>> from warm_referral import parse_json
>>> voorbeeld = parse_json(Path("spec/v1/examples/verwijzing-water-afsluitregeling.json").read_bytes())
>>> nieuw = herdateer(voorbeeld, datetime(2027, 3, 25, 10, 0, tzinfo=timezone.utc))
>>> nieuw.aangemaakt_op.isoformat(), nieuw.incassostop.ingangsdatum.isoformat()
('2027-03-25T10:00:00+00:00', '2027-03-25')
>>> nieuw.bericht_id != voorbeeld.bericht_id and nieuw.conversatie_id != voorbeeld.conversatie_id
True
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar
from uuid import UUID, uuid4

from .._tijd import amsterdamse_datum
from ..errors import LocalProtocolError

__all__ = ["RedateError", "herdateer", "nieuwe_verwijzing_id"]

B = TypeVar("B")

#: Dates that belong to a person, not to the exchange: they never move.
_VASTE_DATUMS = frozenset({"geboortedatum"})
_MAX_REFERENTIE = 64


class RedateError(LocalProtocolError, ValueError):
    """The message cannot be re-dated as asked (a naive ``nu``, or a date that would leave the
    calendar)."""


def nieuwe_verwijzing_id(oud: str) -> str:
    """A fresh verwijzingId that still shows where it came from: the old one plus a random tail."""
    staart = uuid4().hex[:8]
    return f"{oud[: _MAX_REFERENTIE - len(staart) - 1]}-{staart}"


def _verschuif(waarde: Any, delta: timedelta, dagen: timedelta, sleutel: str = "") -> Any:
    if isinstance(waarde, datetime):
        return waarde + delta
    if isinstance(waarde, date):
        return waarde if sleutel in _VASTE_DATUMS else waarde + dagen
    if isinstance(waarde, dict):
        return {k: _verschuif(v, delta, dagen, k) for k, v in waarde.items()}
    if isinstance(waarde, list):
        return [_verschuif(v, delta, dagen, sleutel) for v in waarde]
    return waarde


def herdateer(
    bericht: B,
    nu: datetime | None = None,
    *,
    afzender: Any = None,
    ontvanger: Any = None,
    conversatie_id: UUID | None = None,
    verwijzing_id: str | None = None,
    cross_referentie: UUID | None = None,
) -> B:
    """A copy of ``bericht`` dated at ``nu`` (default: now, UTC), with a fresh berichtId.

    - every timestamp moves by the same amount, so that ``aangemaaktOp`` is ``nu`` (in a message
      to the municipality every other moment lies before it);
    - every date (not a birth date) moves by the number of Europe/Amsterdam calendar days that
      the message's own moment moved (``verwezenOp`` for a Verwijzing, else ``aangemaaktOp``);
    - ``conversatie_id`` (default fresh), ``verwijzing_id`` (default: fresh for a Verwijzing,
      unchanged otherwise), ``cross_referentie``, ``afzender`` and ``ontvanger`` (each a
      :class:`~warm_referral.models.Partij`) replace the message's own when given.

    The result is built, and so validated, like any message built in Python: an impossible result
    raises :class:`~warm_referral.InvalidLocalMessage`.
    """
    from ..models import Bericht, Partij, Verwijzing

    if not isinstance(bericht, Bericht):
        raise RedateError(f"expected a message, got {type(bericht).__name__}")
    moment = nu if nu is not None else datetime.now(timezone.utc)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise RedateError(f"nu {moment.isoformat()} has no UTC offset; pass an aware datetime")
    for partij, naam in ((afzender, "afzender"), (ontvanger, "ontvanger")):
        if partij is not None and not isinstance(partij, Partij):
            raise RedateError(f"{naam} must be a Partij, got {type(partij).__name__}")
    data: dict[str, Any] = bericht.model_dump(mode="python", by_alias=False, exclude_none=True)
    anker: datetime = (
        bericht.verwezen_op if isinstance(bericht, Verwijzing) else bericht.aangemaakt_op
    )
    delta = moment - bericht.aangemaakt_op
    try:
        dagen = timedelta(days=(amsterdamse_datum(anker + delta) - amsterdamse_datum(anker)).days)
        data = _verschuif(data, delta, dagen)
    except OverflowError:
        raise RedateError(f"cannot move {type(bericht).__name__} to {moment.isoformat()}") from None
    geboren = data.get("hulpvrager", {}).get("geboortedatum")
    if geboren is not None and geboren >= amsterdamse_datum(moment):
        data["hulpvrager"]["geboortedatum"] = geboren + dagen
    data["bericht_id"] = uuid4()
    data["conversatie_id"] = conversatie_id if conversatie_id is not None else uuid4()
    if verwijzing_id is not None:
        data["verwijzing_id"] = verwijzing_id
    elif isinstance(bericht, Verwijzing):
        data["verwijzing_id"] = nieuwe_verwijzing_id(bericht.verwijzing_id)
    if cross_referentie is not None:
        data["cross_referentie"] = cross_referentie
    if afzender is not None:
        data["afzender"] = afzender.model_dump(mode="python", by_alias=False, exclude_none=True)
    if ontvanger is not None:
        data["ontvanger"] = ontvanger.model_dump(mode="python", by_alias=False, exclude_none=True)
    nieuw: B = type(bericht)(**data)
    return nieuw
