"""Package and protocol versions, kept apart: the library can release fixes without a new spec."""

__version__ = "0.1.0"

#: The protocol version every message carries in ``specVersie``.
SPEC_VERSIE = "1.0"
