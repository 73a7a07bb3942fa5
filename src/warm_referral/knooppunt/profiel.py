"""The knooppunt profile: the numbers an intermediary and its participants agree on.

A router such as the Schuldenknooppunt keeps an unconfirmed envelope for a number of werkdagen
(WD-KNP-05) and expects an answer within another number (WD-KNP-08). Both count werkdagen on the
library's calendar (:mod:`warm_referral.calendar`, the Atw list), from the Europe/Amsterdam date of
delivery. Sans-IO: a delivery moment in, a moment or a date out.

>>> from datetime import datetime, timezone
>>> SCHULDENKNOOPPUNT.vervalt_op(datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc))
datetime.datetime(2026, 4, 10, 22, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..calendar import Werkdagkalender

__all__ = ["PROFIELEN", "SCHULDENKNOOPPUNT", "Knooppuntprofiel"]


@dataclass(frozen=True, slots=True)
class Knooppuntprofiel:
    """How long a knooppunt keeps what nobody confirmed, and how soon a message is answered."""

    naam: str
    bewaartermijn_werkdagen: int
    """An unconfirmed envelope is gone at the end of this werkdag after the day of delivery."""
    antwoordtermijn_werkdagen: int
    """The receiver answers by the end of this werkdag after the day of delivery."""
    kalender: Werkdagkalender | None = None
    """None: the library's standard (Atw) calendar."""

    def __post_init__(self) -> None:
        for naam in ("bewaartermijn_werkdagen", "antwoordtermijn_werkdagen"):
            waarde = getattr(self, naam)
            if not isinstance(waarde, int) or isinstance(waarde, bool) or waarde < 1:
                raise ValueError(f"{naam} must be a whole number of at least 1, got {waarde!r}")

    def _werkdag_na(self, afgeleverd: datetime, n: int) -> date:
        from .._tijd import amsterdamse_datum
        from ..calendar import werkdag_na

        return werkdag_na(amsterdamse_datum(afgeleverd), n, self.kalender)

    def vervalt_op(self, afgeleverd: datetime) -> datetime:
        """The moment (UTC) an envelope delivered at ``afgeleverd`` expires: midnight in
        Amsterdam after the last werkdag of the bewaartermijn. At that moment it is gone."""
        from .._tijd import AMSTERDAM

        laatste = self._werkdag_na(afgeleverd, self.bewaartermijn_werkdagen)
        middernacht = datetime.combine(laatste + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
        return middernacht.astimezone(timezone.utc)

    def antwoord_uiterlijk(self, afgeleverd: datetime) -> date:
        """The last day (Europe/Amsterdam) on which a message delivered then is answered."""
        return self._werkdag_na(afgeleverd, self.antwoordtermijn_werkdagen)


#: The Schuldenknooppunt's numbers: 5 werkdagen in the mailbox, an answer within 10.
SCHULDENKNOOPPUNT = Knooppuntprofiel("schuldenknooppunt", 5, 10)

#: The profiles by name.
PROFIELEN: dict[str, Knooppuntprofiel] = {SCHULDENKNOOPPUNT.naam: SCHULDENKNOOPPUNT}
