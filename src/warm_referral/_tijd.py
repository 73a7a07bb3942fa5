"""Dutch time and RFC 3339 timestamps, in one place.

Every date in the protocol is a Europe/Amsterdam calendar date (:func:`amsterdamse_datum`), and
every timestamp on the wire, in a store or in an API answer is RFC 3339 in UTC with upper-case ``T``
and ``Z`` (:func:`format_tijdstip`, :func:`parse_tijdstip`). The names are exported from the
package root (``warm_referral.amsterdamse_datum`` and so on); this module keeps them together.

>>> from datetime import datetime, timezone
>>> format_tijdstip(datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc))
'2026-04-01T08:30:00Z'
>>> format_tijdstip(datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc), vaste_breedte=True)
'2026-04-01T08:30:00.000000Z'
>>> parse_tijdstip("2026-04-01T10:30:00.5+02:00") == datetime(2026, 4, 1, 8, 30, 0, 500000,
...                                                          tzinfo=timezone.utc)
True
>>> amsterdamse_datum(datetime(2026, 3, 31, 22, 30, tzinfo=timezone.utc))
datetime.date(2026, 4, 1)
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .errors import InvalidTimestamp, TimeInputError

__all__ = [
    "AMSTERDAM",
    "DATUM_PATTERN",
    "TIJDSTIP_PATTERN",
    "amsterdamse_datum",
    "format_tijdstip",
    "parse_tijdstip",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

#: RFC 3339 ``date-time`` as the protocol writes and reads it: seconds always, a fraction of at
#: most 9 digits, an offset always, upper-case T and Z (NL API Design Rules). The message models,
#: the JSON Schemas and the XSD use this one pattern.
TIJDSTIP_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
#: RFC 3339 ``full-date``, for the schemas and the XSD (the models read dates strictly already).
DATUM_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def amsterdamse_datum(moment: datetime) -> date:
    """The Europe/Amsterdam calendar date of an aware timestamp.

    A naive datetime is refused (:class:`~warm_referral.errors.TimeInputError`): its meaning would
    depend on the machine the code runs on.
    """
    if moment.utcoffset() is None:
        raise TimeInputError(
            f"the timestamp {moment.isoformat()} has no UTC offset; pass an aware datetime"
        )
    return moment.astimezone(AMSTERDAM).date()


def format_tijdstip(moment: datetime, *, vaste_breedte: bool = False) -> str:
    """RFC 3339 in UTC with upper-case T and Z.

    Six fractional digits when the fraction is not zero (the only count besides three that Python
    3.10's ``fromisoformat`` reads), none otherwise. With ``vaste_breedte`` always six, so that the
    text has one width and text order is time order (stores compare timestamps as text).
    """
    # isoformat, not strftime: glibc's %Y does not pad years before 1000 to four digits. In UTC it
    # ends in "+00:00", which becomes "Z".
    utc = moment.astimezone(timezone.utc)
    tekst = utc.isoformat(timespec="microseconds") if vaste_breedte else utc.isoformat()
    return tekst[:-6] + "Z"


_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?", re.ASCII
)


def parse_tijdstip(tekst: str) -> datetime:
    """An RFC 3339 date-time (upper-case T and Z, any offset) as an aware datetime in UTC.

    Stricter than ``datetime.fromisoformat``, which also reads ISO forms RFC 3339 does not allow (a
    space for the T, no seconds, no offset). Raises :class:`~warm_referral.errors.InvalidTimestamp`
    whose ``code`` is ``tijdzone_ontbreekt`` (no offset) or ``tijdstip_ongeldig``.
    """
    match = _RFC3339.fullmatch(tekst)
    if match is None:
        raise InvalidTimestamp("tijdstip_ongeldig", f"{tekst[:40]!r} is not an RFC 3339 date-time")
    seconden, fractie, offset = match.groups()
    if offset is None:
        raise InvalidTimestamp("tijdzone_ontbreekt", f"{tekst!r} has no UTC offset (Z or +hh:mm)")
    try:
        moment = datetime.fromisoformat(seconden).replace(tzinfo=timezone.utc)
        if offset != "Z":
            teken = -1 if offset[0] == "-" else 1
            verschil = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
            if verschil >= timedelta(hours=24):
                raise ValueError(offset)
            moment -= teken * verschil
    except (ValueError, OverflowError):
        raise InvalidTimestamp(
            "tijdstip_ongeldig", f"{tekst!r} is not a date-time that exists"
        ) from None
    if fractie:
        moment += timedelta(microseconds=int(fractie[:6].ljust(6, "0")))
    return moment
