"""Hostile input: a clear 4xx problem details for each, never a 5xx, and the service stays up."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from ..catalogus import Rol
from ..context import Controlecontext
from ..http import GeenAntwoord
from ..openapi import PROBLEM_JSON
from ..register import controle
from ._hulp import stuur_verwijzing

_BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']>\n<Verwijzing xmlns="urn:nl:nvvk:warme-doorverwijzing:1.0"><toelichting>&lol9;</toelichting></Verwijzing>'
)
_XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Verwijzing [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<Verwijzing xmlns="urn:nl:nvvk:warme-doorverwijzing:1.0"><toelichting>&xxe;</toelichting></Verwijzing>'
)


def _proeven(ctx: Controlecontext) -> list[tuple[str, str, Callable[[], httpx.Response]]]:
    geldig = ctx.verwijzing().to_json()
    client = ctx.schuldeiser
    # Each probe on its own connection: a server may rightly close one after hostile input.
    sluit = {"Connection": "close"}

    def post(inhoud: bytes, mediatype: str = "application/json") -> Callable[[], httpx.Response]:
        return lambda: client.post(
            "/berichten", inhoud=inhoud, content_type=mediatype, controleer=False, headers=sluit
        )

    return [
        (
            "WD-ROB-01",
            "een bericht van 3 MB",
            post(b'{"toelichting": "' + b"x" * 3_000_000 + b'"}'),
        ),
        ("WD-ROB-01", "100.000 geneste arrays", post(b"[" * 100_000 + b"]" * 100_000)),
        ("WD-ROB-01", "100.000 geneste objecten", post(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)),
        (
            "WD-ROB-01",
            "een getal met 100.000 cijfers",
            post(
                geldig.replace(
                    b'"crisissignaal":',
                    b'"huisnummer": ' + b"9" * 100_000 + b', "crisissignaal":',
                    1,
                )
            ),
        ),
        ("WD-ROB-01", "geen JSON", post(b"\xff\xfe\x00dit is geen json")),
        ("WD-ROB-01", "een lege inhoud", post(b"")),
        ("WD-ROB-01", "een JSON-array in plaats van een bericht", post(b"[]")),
        ("WD-ROB-01", "Content-Type text/plain", post(geldig, "text/plain")),
        (
            "WD-ROB-01",
            "geen Content-Type",
            lambda: client.post("/berichten", inhoud=geldig, controleer=False, headers=sluit),
        ),
        (
            "WD-ROB-03",
            "XML met entiteitexpansie (billion laughs)",
            post(_BILLION_LAUGHS, "application/xml"),
        ),
        ("WD-ROB-03", "XML met een externe entiteit (XXE)", post(_XXE, "application/xml")),
        (
            "WD-ROB-03",
            "XML met een DOCTYPE",
            post(b'<?xml version="1.0"?><!DOCTYPE x><x/>', "application/xml"),
        ),
        ("WD-ROB-01", "kapotte XML", post(b"<Verwijzing><niet-gesloten>", "application/xml")),
        (
            "WD-ROB-04",
            "een negatieve queryparameter",
            lambda: client.get("/postvak", params={"na": "-1"}, controleer=False, headers=sluit),
        ),
        (
            "WD-ROB-04",
            "een queryparameter met 5000 cijfers",
            lambda: client.get(
                "/postvak", params={"na": "9" * 5000}, controleer=False, headers=sluit
            ),
        ),
    ]


@controle(
    "WD-ROB-01",
    "WD-ROB-02",
    "WD-ROB-03",
    "WD-ROB-04",
    rol=Rol.ONTVANGER,
    titel="Vijandige invoer krijgt een duidelijke 4xx en de dienst blijft werken",
)
def vijandige_invoer(ctx: Controlecontext) -> None:
    for eis, wat, proef in _proeven(ctx):
        try:
            antwoord = proef()
        except GeenAntwoord as exc:
            ctx.afwijking(eis, f"{wat}: {exc}")
            continue
        mediatype = antwoord.headers.get("content-type", "").split(";")[0].strip().lower()
        if not 400 <= antwoord.status_code < 500:
            ctx.afwijking(eis, f"{wat} kreeg {antwoord.status_code}, geen 4xx", antwoord)
        elif mediatype != PROBLEM_JSON:
            ctx.afwijking(
                eis,
                f"{wat} kreeg {antwoord.status_code} als {mediatype or 'zonder Content-Type'}, niet als problem details",
                antwoord,
            )
        elif "api-version" not in antwoord.headers:
            ctx.afwijking(eis, f"{wat}: het antwoord heeft geen API-Version", antwoord)
    verzonden = stuur_verwijzing(ctx, eis="WD-ROB-02")
    if verzonden.bevestiging is None:
        ctx.afwijking(
            "WD-ROB-02",
            "na de vijandige invoer werd een geldige Verwijzing niet meer aangenomen",
            verzonden.antwoord,
        )
