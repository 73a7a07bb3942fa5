"""Who is calling: a bearer token (development mode) or the OIN in the client certificate
(production mode, Digikoppeling), looked up among the configured participants. Nothing else happens
before this: an unknown caller learns nothing but that it is unknown."""

from __future__ import annotations

from starlette.requests import Request

from ...deelnemers import Deelnemer
from ..config import Instellingen, Modus
from ..errors import NotAuthenticated, UnknownParticipant
from ..tls import oin_uit_certificaat

__all__ = ["Authenticatie"]


class Authenticatie:
    def __init__(self, instellingen: Instellingen) -> None:
        self.productie = instellingen.modus is Modus.PRODUCTIE
        self.per_token = instellingen.per_token()
        self.per_oin = instellingen.per_oin()

    def __call__(self, request: Request) -> Deelnemer:
        """The calling participant; :class:`NotAuthenticated` or :class:`UnknownParticipant`."""
        if self.productie:
            return self._certificaat(request)
        autorisatie = request.headers.get("authorization", "")
        schema, _, token = autorisatie.partition(" ")
        if schema.lower() != "bearer" or not token:
            raise NotAuthenticated("send 'Authorization: Bearer <token>'", uitdaging="Bearer")
        gevonden = self.per_token.get(token.strip())
        if gevonden is None:
            raise NotAuthenticated("unknown token", uitdaging='Bearer error="invalid_token"')
        return gevonden

    def _certificaat(self, request: Request) -> Deelnemer:
        oin = oin_uit_certificaat(request.scope)
        if oin is None:
            raise NotAuthenticated(
                "a client certificate with the OIN in its subject serialNumber is required"
            )
        gevonden = self.per_oin.get(oin)
        if gevonden is None:
            raise UnknownParticipant(f"OIN {oin} is not a participant here")
        return gevonden
