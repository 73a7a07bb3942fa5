"""The reference receiver's database as a source of histories for ``warm-referral monitor``
(the entry point ``ontvanger-db`` in the group ``warm_referral.monitor.bronnen``).

``warm-referral monitor rapport --ontvanger-db FILE`` reports straight from a receiver's database
(FILE: a SQLite file, or a ``postgresql://`` URL); ``warm-referral monitor export --ontvanger-db
FILE`` writes its histories as JSON Lines, to hand to another party. The histories are the rows
the receiver keeps beside each dossier (no personal data, see :mod:`.domain.monitoring`), read in
one consistent snapshot while the receiver may keep running, each with the organisation that
serves its municipality according to the receiver's configuration (``--ontvanger-config``;
without it, the development participants, as ``serve receiver`` does). Everything heavy is imported when the source is used, so ``warm-referral
--help`` stays light.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO

__all__ = ["BRON", "OntvangerDb", "exporteer_historien"]


def exporteer_historien(db: str | Path, uit: IO[str], organisaties: dict[str, str]) -> int:
    """Write every monitoring history in the receiver database ``db`` (a SQLite file or a
    ``postgresql://`` URL) to ``uit`` as JSON Lines; how many. The database must exist (it is
    never created here)."""
    import asyncio

    from warm_referral.monitoring import schrijf_historie

    from .domain.monitoring import historien
    from .storage import Transactie, is_postgresql, open_opslag

    if not is_postgresql(db) and not Path(db).is_file():
        raise FileNotFoundError(f"{db}: no such receiver database")
    opslag = open_opslag(db)
    try:

        def werk(tx: Transactie) -> int:
            return schrijf_historie(historien(tx.historien(), organisaties), uit)

        return asyncio.run(opslag.lees(werk))
    finally:
        opslag.sluit()


class OntvangerDb:
    """The history source ``--ontvanger-db`` (see the module docstring)."""

    naam = "--ontvanger-db FILE"

    def voeg_opties_toe(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--ontvanger-db",
            metavar="FILE",
            help="the reference receiver's database (SQLite; or a postgresql:// URL): the "
            "histories it keeps",
        )
        parser.add_argument(
            "--ontvanger-config",
            metavar="FILE",
            help="the receiver's configuration, for the organisation serving each municipality "
            "(default: the development participants)",
        )

    def gekozen(self, args: argparse.Namespace) -> bool:
        return getattr(args, "ontvanger_db", None) is not None

    def schrijf(self, args: argparse.Namespace, uit: IO[str]) -> int:
        from warm_referral.cli.historiebronnen import BronFout

        from .config import Instellingen, Modus
        from .domain.monitoring import organisaties
        from .errors import ConfigError, StoreSchemaError, StoreUnavailable

        try:
            instellingen = (
                Instellingen.laad(Path(args.ontvanger_config), Modus.ONTWIKKELING)
                if args.ontvanger_config
                else Instellingen()
            )
            return exporteer_historien(args.ontvanger_db, uit, organisaties(instellingen))
        except (ConfigError, StoreSchemaError, StoreUnavailable, FileNotFoundError) as exc:
            raise BronFout(str(exc)) from None


BRON = OntvangerDb()
