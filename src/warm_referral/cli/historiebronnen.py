"""Sources of histories for ``warm-referral monitor`` besides a JSON Lines file: plugins.

A source is an entry point in the group :data:`BRONNEN_GROEP` that names an object with the shape
of :class:`Historiebron`. It adds its own options to ``monitor rapport`` and ``monitor export``
(``--ontvanger-db FILE`` for the reference receiver's database, say), and when chosen writes its
histories in the documented exchange format, JSON Lines (:func:`warm_referral.monitoring.schrijf_historie`);
the report then reads that like any other file, so every source gets the same validation, engines
and suppression. The library imports no source: the reference services, or a vendor's package,
provide them by being installed.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import entry_points
from typing import IO, Protocol

__all__ = ["BRONNEN_GROEP", "BronFout", "Historiebron", "laad_bronnen"]

#: The entry-point group of history sources.
BRONNEN_GROEP = "warm_referral.monitor.bronnen"


class BronFout(Exception):
    """The source cannot be read (a missing file, a database of another version): one line
    that says what and where. The command prints it and exits with 1."""


class Historiebron(Protocol):
    """What a source plugin provides (see the module docstring)."""

    naam: str
    """How the command line chooses it, for messages (``--ontvanger-db FILE``)."""

    def voeg_opties_toe(self, parser: argparse.ArgumentParser) -> None:
        """Add the source's options; all optional (the source is chosen by giving them)."""

    def gekozen(self, args: argparse.Namespace) -> bool:
        """Did the command line choose this source?"""

    def schrijf(self, args: argparse.Namespace, uit: IO[str]) -> int:
        """Write the source's histories to ``uit`` as JSON Lines; how many. Raises
        :class:`BronFout` for input it cannot read."""


def laad_bronnen() -> list[Historiebron]:
    """Every installed source, by name; a broken plugin is a one-line warning, not a crash."""
    bronnen: list[Historiebron] = []
    for entry in sorted(entry_points(group=BRONNEN_GROEP), key=lambda e: e.name):
        try:
            bronnen.append(entry.load())
        except Exception as exc:
            print(
                f"warm-referral monitor: history source {entry.name!r} from {entry.value} is "
                f"unavailable: {type(exc).__name__}: {exc}",
                file=sys.stderr,
            )
    return bronnen
