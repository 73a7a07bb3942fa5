"""Typed errors of the address book, each saying whose fault it is.

An edition that fails its signature or its schema is the publisher's (or an attacker's) fault:
``fault == "remote"``, refuse it and keep the previous one. A look-up that finds no organisation is
about our input (``fault == "local"``): the municipality has no entry on that date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..errors import Violation, WarmReferralError

__all__ = [
    "AddressBookExpired",
    "AdresboekError",
    "InvalidAddressBook",
    "InvalidKey",
    "InvalidSignature",
    "NoReceiver",
    "NoUsableEndpoint",
    "OutdatedEdition",
    "UnknownKey",
]


class AdresboekError(WarmReferralError):
    """Base class of every address-book error."""

    fault: str = "remote"


class InvalidAddressBook(AdresboekError, ValueError):
    """The document is not a valid edition; ``violations`` lists every reason (JSON pointers)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        regels = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"invalid address book ({len(self.violations)} violations):\n{regels}")


class InvalidSignature(AdresboekError):
    """The edition's JWS does not verify with a trusted key: tampered, or not NVVK's. Refuse it."""


class UnknownKey(InvalidSignature):
    """The JWS names a key id (``kid``) that is not among the trusted keys."""


class InvalidKey(AdresboekError, ValueError):
    """A key file or trust list cannot be used (our configuration: ``fault == "local"``)."""

    fault = "local"


class AddressBookExpired(AdresboekError):
    """The edition is not valid on the date asked (expired, or not yet in force)."""

    def __init__(self, editie: int, vanaf: date, tot: date, datum: date) -> None:
        self.editie = editie
        super().__init__(
            f"address book edition {editie} is valid from {vanaf.isoformat()} to "
            f"{tot.isoformat()}, not on {datum.isoformat()}: fetch the current edition"
        )


class OutdatedEdition(AdresboekError):
    """An older edition than one already seen: refused, so nobody can roll the book back."""

    def __init__(self, editie: int, minimaal: int) -> None:
        self.editie = editie
        super().__init__(f"address book edition {editie} is older than edition {minimaal}")


class NoReceiver(AdresboekError, LookupError):
    """No organisation serves this municipality on that date (per this edition)."""

    fault = "local"

    def __init__(self, gemeentecode: str, datum: date, editie: int) -> None:
        self.gemeentecode = gemeentecode
        self.datum = datum
        super().__init__(
            f"address book edition {editie} names no organisation for gemeentecode "
            f"{gemeentecode} on {datum.isoformat()}"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class NoUsableEndpoint(AdresboekError, LookupError):
    """The organisation has no endpoint with a binding and specVersie this sender supports."""

    fault = "local"

    def __str__(self) -> str:
        return str(self.args[0])
