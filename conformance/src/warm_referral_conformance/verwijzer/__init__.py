"""Checks of role verwijzer: a vendor's sender, pointed at the kit's receiver double.

Importing this package registers every check (see :mod:`..register`)."""

from . import controles, ondertekening  # noqa: F401
