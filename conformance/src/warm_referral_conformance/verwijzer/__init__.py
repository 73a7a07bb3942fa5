"""Checks of role verwijzer: a vendor's sender, pointed at the kit's receiver double."""
