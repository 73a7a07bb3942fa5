"""Package and protocol versions, kept apart: the library can release fixes without a new spec."""

__version__ = "0.1.0"

#: Every protocol version the library reads and writes, oldest first. A minor version only adds
#: (docs/versiebeheer.md): a message valid under 1.0 is valid under 1.1.
SPEC_VERSIES: tuple[str, ...] = ("1.0", "1.1")

#: The protocol version a new message carries unless the caller asks for another
#: (``nieuwe_envelop(..., spec_versie=...)``); :func:`warm_referral.versies.voor_peer` restamps a
#: message for a peer that knows only an older version.
SPEC_VERSIE = SPEC_VERSIES[-1]
