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

from warm_referral.calendar import standaard_gelijkgestelde_dagen
from warm_referral.deadlines import AMSTERDAM, contact_deadline_uitleg
from warm_referral.models import Verwijzing, lokale_datum

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


def _scenarios(na: datetime) -> list[tuple[datetime, str, str, datetime]]:
    """(moment of receipt, requirement, description, verwezenOp), each the next after ``na``."""
    begin = lokale_datum(na) + timedelta(days=1)
    uit: list[tuple[datetime, str, str, datetime]] = []
    dag = _volgende(begin, 3)  # a Thursday: the count runs over a weekend
    while _soorten(_lokaal(dag)) != {"weekend"}:
        dag += timedelta(days=7)
    uit.append(
        (
            _lokaal(dag),
            "WD-TERM-01",
            f"ontvangen op donderdag {dag}: het weekend telt niet",
            _lokaal(dag),
        )
    )
    jaar = begin.year
    while _pasen(jaar) - timedelta(days=3) < begin:
        jaar += 1
    witte_donderdag = _pasen(jaar) - timedelta(days=3)
    uit.append(
        (
            _lokaal(witte_donderdag),
            "WD-TERM-02",
            f"ontvangen op {witte_donderdag}: Goede Vrijdag en Tweede Paasdag tellen niet",
            _lokaal(witte_donderdag),
        )
    )
    jaar = begin.year
    while True:
        vijf_mei = date(jaar, 5, 5)
        ontvangen = vijf_mei - timedelta(days=1)
        if (
            ontvangen >= begin
            and vijf_mei.weekday() < 5
            and _soorten(_lokaal(ontvangen)) <= {"weekend", "art3"}
        ):
            break
        jaar += 1
    uit.append(
        (
            _lokaal(ontvangen),
            "WD-TERM-02",
            f"ontvangen op {ontvangen}: 5 mei telt niet (elk jaar)",
            _lokaal(ontvangen),
        )
    )
    brugdagen = [
        v.datum for v in standaard_gelijkgestelde_dagen() if v.datum - timedelta(days=1) >= begin
    ]
    if brugdagen:
        ontvangen = min(brugdagen) - timedelta(days=1)
        uit.append(
            (
                _lokaal(ontvangen),
                "WD-TERM-03",
                f"ontvangen op {ontvangen}: de brugdag {ontvangen + timedelta(days=1)} telt niet",
                _lokaal(ontvangen),
            )
        )
    zondag = _volgende(begin, 6)
    nacht = datetime.combine(zondag, time(23, 30), tzinfo=timezone.utc)
    uit.append(
        (
            nacht,
            "WD-TERM-04",
            f"ontvangen op zondag {zondag} 23:30 UTC, in Nederland al maandag",
            nacht,
        )
    )
    vrijdag = _volgende(begin, 4)
    uit.append(
        (
            _lokaal(vrijdag),
            "WD-TERM-05",
            f"verwezen op vrijdag {vrijdag}: de incassostop eindigt op zondag {vrijdag + timedelta(days=30)} en schuift niet op",
            _lokaal(vrijdag),
        )
    )
    return sorted(uit, key=lambda s: s[0])


def _verwijzing_op(ctx: Controlecontext, moment: datetime) -> Verwijzing:
    return ctx.verwijzing(nu=moment)


@controle(
    "WD-ONTV-03",
    "WD-ONTV-04",
    "WD-TERM-01",
    "WD-TERM-02",
    "WD-TERM-03",
    "WD-TERM-04",
    "WD-TERM-05",
    rol=Rol.ONTVANGER,
    titel="Termijnen op de testklok: weekend, Pasen, 5 mei, brugdag, de Nederlandse datum, einde incassostop",
    testklok=True,
    operator=True,
    langzaam=True,
)
def kalender_op_testklok(ctx: Controlecontext) -> None:
    for moment, eis, wat, _ in _scenarios(ctx.nu()):
        zet_testklok(ctx, moment)
        verwijzing = _verwijzing_op(ctx, moment)
        verzonden = stuur_verwijzing(ctx, verwijzing, eis=eis)
        if verzonden.bevestiging is None:
            continue
        bevestiging = verzonden.bevestiging
        if lokale_datum(bevestiging.ontvangen_op) != lokale_datum(moment):
            ctx.afwijking(
                eis,
                f"{wat}: ontvangenOp is {bevestiging.ontvangen_op.isoformat()}, niet de tijd van de testklok",
                verzonden.antwoord,
            )
            continue
        controleer_bevestiging(ctx, verwijzing, bevestiging, verzonden.antwoord, extra_eis=eis)


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
    begin = _lokaal(_volgende(lokale_datum(ctx.nu()) + timedelta(days=1), 0))  # next Monday 10:00
    zet_testklok(ctx, begin)
    verzonden = stuur_verwijzing(ctx, _verwijzing_op(ctx, begin), eis="WD-TERM-06")
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
