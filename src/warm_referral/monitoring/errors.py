"""The monitoring floor's errors, in one place: a history file or a DDAS delivery that is not
valid. Both are the producer's fault; both list every violation (JSON pointer, code, message)."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import Violation, WarmReferralError

__all__ = ["InvalidDelivery", "InvalidHistory"]


class InvalidHistory(WarmReferralError, ValueError):
    """A line of a history file is not a valid Verwijzingshistorie (the file's producer is at fault).

    ``regel`` is the 1-based line number, ``violations`` every reason (JSON pointer, code, message).
    """

    def __init__(self, regel: int, violations: Iterable[Violation], bron: str = "") -> None:
        self.regel = regel
        self.bron = bron
        self.violations = tuple(violations)
        waar = f"{bron}:{regel}" if bron else f"line {regel}"
        redenen = "; ".join(str(v) for v in self.violations[:10])
        meer = len(self.violations) - 10
        super().__init__(
            f"{waar}: not a valid Verwijzingshistorie: {redenen}"
            + (f" (and {meer} more)" if meer > 0 else "")
        )


class InvalidDelivery(WarmReferralError, ValueError):
    """A DDAS delivery does not validate against the official v1.2 schema (its producer's fault);
    ``violations`` lists every error with a JSON pointer."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = tuple(violations)
        regels = "\n".join(f"  - {v}" for v in self.violations[:20])
        meer = len(self.violations) - 20
        super().__init__(
            f"not a valid DDAS v1.2 delivery ({len(self.violations)} errors):\n{regels}"
            + (f"\n  ... and {meer} more" if meer > 0 else "")
        )
