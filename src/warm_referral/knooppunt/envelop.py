"""The sealed envelope of the route through an intermediary, and the content sealed inside it.

An intermediary (a knooppunt such as the Schuldenknooppunt) routes by the envelope and sees
nothing else: the message type, the spec version, the message and conversation ids (random UUIDs)
and the OINs of sender and receiver, organisations, never persons. Everything about the
help-seeker is in ``inhoud``, a JWE only the receiver can decrypt. Inside it, an :class:`Inhoud`:
the message's exact bytes and the sender's signature over them (the same ``nlgov-adr-payload-sig``
as on the direct route), so the receiver checks the same signature on both routes.

The same vocabulary as the messages: camelCase on the wire, snake_case in Python, closed objects.
``tools/generate.py`` publishes both schemas in ``spec/v1/knooppunt/``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..models._base import WireModel
from ..models.wire_types import Oin, Uuid

__all__ = ["MAX_ENVELOP", "Envelop", "Inhoud"]

#: An envelope carries at most a message of 2 MB (the XML limit), base64 and encrypted: about
#: 3.6 MB. Larger input is refused before it is parsed.
MAX_ENVELOP = 4_000_000

_JWE = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"

Berichttype = Annotated[
    str,
    Field(
        pattern=r"^[A-Z][A-Za-z]{1,39}$",
        description="The berichttype of the sealed message, e.g. 'Verwijzing'.",
    ),
]
SpecVersie = Annotated[
    str,
    Field(pattern=r"^[1-9][0-9]*\.[0-9]+$", description="The specVersie of the sealed message."),
]


class Envelop(WireModel):
    """What an intermediary may read: where a sealed message goes, and nothing about whom it is
    about. Every field equals the same field of the sealed message; a receiver refuses an envelope
    for which that does not hold."""

    berichttype: Berichttype
    spec_versie: SpecVersie
    bericht_id: Uuid
    """The sealed message's berichtId: the intermediary recognises a message delivered twice."""
    conversatie_id: Uuid
    """The sealed message's conversatieId (the Schuldenknooppunt's conversation reference)."""
    afzender: Oin
    """The OIN of the sending organisation: its ``afzender.oin``, or for an organisation known by
    its KvK number only, the OIN derived from it (00000003, the KvK number, 0000)."""
    ontvanger: Oin
    """The OIN of the receiving organisation, chosen in the same way from ``ontvanger``."""
    inhoud: str = Field(min_length=1, max_length=MAX_ENVELOP, pattern=_JWE)
    """The sealed :class:`Inhoud`: a JWE in compact serialization (RFC 7516) to the receiver's
    key from the address book (alg ECDH-ES+A256KW or RSA-OAEP-256, enc A256GCM)."""

    def to_json(self) -> bytes:
        """The wire form: UTF-8 JSON, members in schema order."""
        return self.model_dump_json(exclude_none=True).encode()


class Inhoud(WireModel):
    """The plaintext of the envelope's JWE: the message and its signature, as on the direct
    route."""

    bericht: str = Field(min_length=1, max_length=MAX_ENVELOP, pattern=r"^[A-Za-z0-9_-]+$")
    """The message's exact bytes (JSON or XML encoding), base64url without padding."""
    handtekening: str = Field(
        min_length=5, max_length=65536, pattern=r"^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$"
    )
    """The sender's ``nlgov-adr-payload-sig`` over those bytes (its ``Digest`` is the SHA-256 of
    the bytes, so it is not carried)."""

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()
