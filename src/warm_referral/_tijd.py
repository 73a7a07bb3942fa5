"""Dutch time, in one place: every date in the protocol is a Europe/Amsterdam calendar date."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["AMSTERDAM", "amsterdamse_datum"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def amsterdamse_datum(moment: datetime) -> date:
    """The Europe/Amsterdam calendar date of an aware timestamp (callers check awareness)."""
    return moment.astimezone(AMSTERDAM).date()
