"""Time-dependent requirements, on the implementation's test clock: Easter, 5 May, bridge days,
weekends, the Dutch date at night, the end of the incassostop, an overdue contact.

The test clock is an optional test interface (``GET/PUT /v1/testklok``, operators only, test
environments only). Without it these checks are 'niet uitgevoerd: geen testklok', never passed.
The clock only moves forward, so every scenario is the next occurrence after the clock's current
time; a second run against the same instance simply moves further into the future.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone

import httpx

from warm_referral import amsterdamse_datum
from warm_referral.calendar import standaard_gelijkgestelde_dagen
from warm_referral.deadlines import AMSTERDAM, contact_deadline_uitleg

from ..catalogus import Rol
from ..context import Controlecontext
from ..register import controle
from ._hulp import json_of_niets, stuur_verwijzing
from .bevestiging import controleer_bevestiging

__all__ = ["lees_testklok", "zet_testklok"]


def lees_testklok(ctx_operator: Callable[[], httpx.Response]) -> datetime | None:
    """The implementation's test clock, or None when it has none (any answer but 200)."""
    antwoord = ctx_operator()
    if antwoord.status_code != 200:
        return None
    data = json_of_niets(antwoord)
    try:
        return datetime.fromisoformat(str(data["nu"]).replace("Z", "+00:00"))
    except (TypeError, KeyError, ValueError):
        return None


def zet_testklok(ctx: Controlecontext, moment: datetime) -> bool:
    tekst = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    antwoord = ctx.operator.put(
        "/testklok", inhoud=f'{{"nu": "{tekst}"}}'.encode(), content_type="application/json"
    )
    if antwoord.status_code != 200:
        ctx.niet_uitgevoerd(
            f"de testklok liet zich niet zetten op {tekst} ({antwoord.status_code})"
        )
    ctx.klok.zet(moment.astimezone(timezone.utc))
    return True


def _lokaal(dag: date, uur: int = 10, minuut: int = 0) -> datetime:
    return datetime.combine(dag, time(uur, minuut), tzinfo=AMSTERDAM)


def _volgende(dag: date, weekdag: int) -> date:
    return dag + timedelta(days=(weekdag - dag.weekday()) % 7)


def _pasen(jaar: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = jaar % 19, jaar // 100, jaar % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    maand, dag = divmod(h + ell - 7 * m + 114, 31)
    return date(jaar, maand, dag + 1)


def _soorten(moment: datetime) -> set[str]:
    """The reasons the count skipped days, as 'weekend', 'art3' (lid 1 and 2) or 'besluit'."""
    uitleg = contact_deadline_uitleg(moment)
    soorten = set()
    for stap in uitleg.dagen:
        for reden in stap.redenen:
            if reden.soort.value == "weekend":
                soorten.add("weekend")
            elif "lid 3" in reden.grondslag:
                soorten.add("besluit")
            else:
                soorten.add("art3")
    return soorten


def _weekend(begin: date) -> tuple[datetime, str] | None:
    dag = _volgende(begin, 3)  # a Thursday: the count runs over a weekend
    while _soorten(_lokaal(dag)) != {"weekend"}:
        dag += timedelta(days=7)
    return _lokaal(dag), f"ontvangen op donderdag {dag}: het weekend telt niet"


def _pasen_scenario(begin: date) -> tuple[datetime, str] | None:
    jaar = begin.year
    while _pasen(jaar) - timedelta(days=3) < begin:
        jaar += 1
    dag = _pasen(jaar) - timedelta(days=3)
    return _lokaal(
        dag
    ), f"ontvangen op Witte Donderdag {dag}: Goede Vrijdag en Tweede Paasdag tellen niet"


def _vijf_mei(begin: date) -> tuple[datetime, str] | None:
    for jaar in range(begin.year, begin.year + 30):
        vijf_mei = date(jaar, 5, 5)
        dag = vijf_mei - timedelta(days=1)
        if (
            dag >= begin
            and vijf_mei.weekday() < 5
            and _soorten(_lokaal(dag)) <= {"weekend", "art3"}
        ):
            return _lokaal(
                dag
            ), f"ontvangen op {dag}: 5 mei {jaar} telt niet (elk jaar, niet alleen in lustrumjaren)"
    return None


def _brugdag(begin: date) -> tuple[datetime, str] | None:
    dagen = [
        v.datum for v in standaard_gelijkgestelde_dagen() if v.datum - timedelta(days=1) >= begin
    ]
    if not dagen:
        return None
    dag = min(dagen) - timedelta(days=1)
    return _lokaal(
        dag
    ), f"ontvangen op {dag}: de bij besluit gelijkgestelde dag {min(dagen)} telt niet"


def _nacht(begin: date) -> tuple[datetime, str] | None:
    zondag = _volgende(begin, 6)
    return (
        datetime.combine(zondag, time(23, 30), tzinfo=timezone.utc),
        f"ontvangen op zondag {zondag} 23:30 UTC, in Nederland al maandag",
    )


def _vrijdag(begin: date) -> tuple[datetime, str] | None:
    dag = _volgende(begin, 4)
    return (
        _lokaal(dag),
        f"verwezen op vrijdag {dag}: de incassostop eindigt op zondag {dag + timedelta(days=30)} en schuift niet op",
    )


Plan = Callable[[date], "tuple[datetime, str] | None"]


def _scenario(ctx: Controlecontext, eis: str, plan: Plan) -> None:
    """Move the test clock to the next moment ``plan`` finds, send a referral then, and check the
    acknowledgement's deadlines against the library's."""
    gepland = plan(amsterdamse_datum(ctx.nu()) + timedelta(days=1))
    if gepland is None:
        ctx.niet_uitgevoerd(
            "de kalender van de kit kent na de tijd van de testklok geen zo'n dag meer"
        )
    moment, wat = gepland
    zet_testklok(ctx, moment)
    verwijzing = ctx.verwijzing(nu=moment)
    verzonden = stuur_verwijzing(ctx, verwijzing, eis=eis)
    if verzonden.bevestiging is None:
        return
    bevestiging = verzonden.bevestiging
    if amsterdamse_datum(bevestiging.ontvangen_op) != amsterdamse_datum(moment):
        ctx.afwijking(
            eis,
            f"{wat}: ontvangenOp is {bevestiging.ontvangen_op.isoformat()}, niet de tijd van de testklok",
            verzonden.antwoord,
        )
        return
    controleer_bevestiging(ctx, verwijzing, bevestiging, verzonden.antwoord, extra_eis=eis)


def _kalendercontrole(naam: str, eis: str, titel: str, plan: Plan) -> None:
    def functie(ctx: Controlecontext) -> None:
        _scenario(ctx, eis, plan)

    functie.__name__ = functie.__qualname__ = naam
    controle(
        eis,
        "WD-ONTV-03",
        "WD-ONTV-04",
        rol=Rol.ONTVANGER,
        titel=titel,
        testklok=True,
        operator=True,
    )(functie)


_kalendercontrole(
    "weekend", "WD-TERM-01", "Testklok: ontvangen op donderdag, het weekend telt niet", _weekend
)
_kalendercontrole(
    "pasen", "WD-TERM-02", "Testklok: Goede Vrijdag en Tweede Paasdag tellen niet", _pasen_scenario
)
_kalendercontrole("vijf_mei", "WD-TERM-02", "Testklok: 5 mei telt elk jaar niet", _vijf_mei)
_kalendercontrole(
    "brugdag", "WD-TERM-03", "Testklok: een bij besluit gelijkgestelde brugdag telt niet", _brugdag
)
_kalendercontrole(
    "nacht", "WD-TERM-04", "Testklok: 23:30 UTC op zondag is in Nederland maandag", _nacht
)
_kalendercontrole(
    "incassostop_zondag",
    "WD-TERM-05",
    "Testklok: een incassostop die op zondag eindigt, schuift niet op",
    _vrijdag,
)


def _in_lijst(antwoord: httpx.Response, lijst: str, conversatie_id: object) -> bool:
    data = json_of_niets(antwoord)
    if not isinstance(data, dict):
        return False
    return any(
        isinstance(v, dict) and v.get("conversatieId") == str(conversatie_id)
        for v in data.get(lijst) or []
    )


@controle(
    "WD-TERM-06",
    "WD-TERM-07",
    rol=Rol.ONTVANGER,
    titel="Termijnbewaking op de testklok: te laat na de contactdeadline, incassostop voorbij na de einddatum",
    testklok=True,
    operator=True,
)
def termijnbewaking(ctx: Controlecontext) -> None:
    begin = _lokaal(
        _volgende(amsterdamse_datum(ctx.nu()) + timedelta(days=1), 0)
    )  # next Monday 10:00
    zet_testklok(ctx, begin)
    verzonden = stuur_verwijzing(ctx, ctx.verwijzing(nu=begin), eis="WD-TERM-06")
    if verzonden.bevestiging is None:
        return
    conv = verzonden.verwijzing.conversatie_id
    deadline = verzonden.bevestiging.contactdeadline
    for moment, te_laat in ((deadline, False), (deadline + timedelta(seconds=2), True)):
        zet_testklok(ctx, moment)
        antwoord = ctx.operator.get("/termijnbewaking")
        if antwoord.status_code != 200:
            ctx.afwijking("WD-TERM-06", f"de termijnbewaking gaf {antwoord.status_code}", antwoord)
            return
        ctx.controleer(
            _in_lijst(antwoord, "contactTeLaat", conv) == te_laat,
            "WD-TERM-06",
            f"om {moment.astimezone(AMSTERDAM):%Y-%m-%d %H:%M:%S} (deadline {deadline.astimezone(AMSTERDAM):%Y-%m-%d %H:%M:%S}) "
            + (
                "staat de verwijzing niet als te laat gemeld"
                if te_laat
                else "staat de verwijzing al als te laat gemeld"
            ),
            antwoord,
        )
    einde = verzonden.bevestiging.incassostop.einddatum
    for moment, voorbij in (
        (datetime.combine(einde, time(23, 59, 59), tzinfo=AMSTERDAM), False),
        (datetime.combine(einde + timedelta(days=1), time(0, 0, 1), tzinfo=AMSTERDAM), True),
    ):
        zet_testklok(ctx, moment)
        antwoord = ctx.operator.get("/termijnbewaking")
        if antwoord.status_code != 200:
            ctx.afwijking("WD-TERM-07", f"de termijnbewaking gaf {antwoord.status_code}", antwoord)
            return
        ctx.controleer(
            _in_lijst(antwoord, "incassostopVoorbij", conv) == voorbij,
            "WD-TERM-07",
            f"om {moment:%Y-%m-%d %H:%M:%S} (incassostop t/m {einde}) "
            + (
                "staat de incassostop niet als voorbij gemeld"
                if voorbij
                else "staat de incassostop al als voorbij gemeld"
            ),
            antwoord,
        )
