"""``warm-referral demo``: the whole chain, in one command, in a few seconds.

It starts the reference receiver (a child process, SQLite in a temporary folder, a free local
port) and two creditors' senders, sends four synthetic referrals on Wednesday 1 April 2026 (the
week of Easter, so the contact term skips Good Friday and Easter Monday), plays the municipality's
operator through four scenarios on the receiver's test clock, and prints a timeline per referral:
the messages, the states on both sides, the deadlines and the days skipped, and what the creditor
saw. Then the network (:mod:`.demonetwerk`): a signed address book, a second receiver, and a
sender that routes referrals by the customer's address. Every outcome is checked; a step that
fails stops the demo with exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from uuid import UUID

if TYPE_CHECKING:
    import httpx

    from warm_referral.lifecycle import Schuldeiserbeeld
    from warm_referral.models import Bericht, Ontvangstbevestiging

    from .sender.outbox import Outbox

__all__ = ["DemoError", "draai_demo", "register"]

_DAGEN = ("ma", "di", "wo", "do", "vr", "za", "zo")
_BEGIN = datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc)  # wo 1 april 2026, 10:30 in Vlissingen
_VERWEZEN_OP = datetime(2026, 4, 1, 8, 25, tzinfo=timezone.utc)
_TOELICHTING_C = "Inwoner heeft al een traject bij het Leger des Heils; geen dubbele hulp starten."


class DemoError(Exception):
    """A step of the demo did not do what it should; the message says which and why."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the whole chain once: receiver, sender, four scenarios",
        description="Start a receiver and a sender on SQLite in a temporary folder, send four "
        "synthetic referrals, play the municipality on an accelerated test clock (reached and "
        "accepted; not reached by the deadline; not taken up; withdrawn) and print a timeline per "
        "referral. Needs nothing beyond the install; takes a few seconds.",
    )
    parser.add_argument(
        "--map",
        type=Path,
        metavar="DIR",
        help="keep the databases and the receiver's log in DIR (default: a "
        "temporary folder, removed afterwards)",
    )
    parser.add_argument(
        "--knooppunt",
        action="store_true",
        help="instead: a bailiff without a direct link reaches the municipality through the "
        "reference knooppunt, signed and encrypted end to end, and hears back the same way",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    begin = time.monotonic()
    if args.knooppunt:
        from .knooppunt.demo import draai_knooppuntdemo

        demo: Any = draai_knooppuntdemo
    else:

        def demo(map: Path, stroom: TextIO) -> None:
            asyncio.run(draai_demo(map, stroom))

    try:
        if args.map is not None:
            args.map.mkdir(parents=True, exist_ok=True)
            demo(args.map, sys.stdout)
        else:
            with tempfile.TemporaryDirectory(prefix="warm-referral-demo-") as tmp:
                demo(Path(tmp), sys.stdout)
    except DemoError as exc:
        print(f"\nwarm-referral demo: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"\nDone in {time.monotonic() - begin:.1f}s.")
    return 0


# --- formatting -----------------------------------------------------------------------------------

_WAT_BREEDTE = 52


def _lokaal(moment: datetime) -> datetime:
    from warm_referral import AMSTERDAM

    return moment.astimezone(AMSTERDAM)


def _dag(datum: date) -> str:
    return f"{_DAGEN[datum.weekday()]} {datum.isoformat()}"


def _tijd(moment: datetime) -> str:
    lokaal = _lokaal(moment)
    return f"{_dag(lokaal.date())} {lokaal:%H:%M}"


def _kort(moment: datetime) -> str:
    lokaal = _lokaal(moment)
    return f"{_DAGEN[lokaal.weekday()]} {lokaal:%d-%m %H:%M}"


@dataclass
class _Regel:
    wanneer: str
    wie: str
    wat: str
    gemeente: str = ""
    schuldeiser: str = ""


@dataclass
class _Scenario:
    letter: str
    titel: str
    verwachting: str
    verzender: str
    conversatie_id: UUID | None = None
    verwijzing_id: str = ""
    regels: list[_Regel] = field(default_factory=list)


class _Uitvoer:
    def __init__(self, stroom: TextIO) -> None:
        self.stroom = stroom
        self.kleur = stroom.isatty()

    def __call__(self, tekst: str = "") -> None:
        print(tekst, file=self.stroom)

    def kop(self, tekst: str) -> None:
        self(f"\033[1m{tekst}\033[0m" if self.kleur else tekst)

    def tijdlijn(self, regels: list[_Regel]) -> None:
        self(
            f"   {'when':<14} {'who':<8} {'what':<{_WAT_BREEDTE}} {'municipality':<15} "
            "creditor sees"
        )
        for r in regels:
            delen = textwrap.wrap(r.wat, _WAT_BREEDTE, subsequent_indent="  ") or [""]
            for i, deel in enumerate(delen):
                kolommen = (r.wanneer, r.wie, r.gemeente, r.schuldeiser) if i == 0 else ("",) * 4
                self(
                    f"   {kolommen[0]:<14} {kolommen[1]:<8} {deel:<{_WAT_BREEDTE}} "
                    f"{kolommen[2]:<15} {kolommen[3]}".rstrip()
                )


# --- the demo -------------------------------------------------------------------------------------


async def draai_demo(map: Path, stroom: TextIO) -> None:
    """Run the demo with its files in ``map``, printing to ``stroom``."""
    from .demonetwerk import Demonetwerk
    from .sender.errors import ReceiverStartError
    from .sender.ontvangerproces import Ontvangerproces

    uit = _Uitvoer(stroom)
    netwerk = Demonetwerk.maak(map)
    ontvanger = Ontvangerproces(
        map / "ontvanger.sqlite3",
        netwerk.walcheren_poort,
        log=map / "ontvanger.log",
        config=netwerk.walcheren_config,
    )
    goes = Ontvangerproces(
        map / "ontvanger-goes.sqlite3",
        netwerk.goes_poort,
        log=map / "ontvanger-goes.log",
        config=netwerk.goes_config,
    )
    try:
        try:
            await asyncio.gather(asyncio.to_thread(ontvanger.start), asyncio.to_thread(goes.start))
        except ReceiverStartError as exc:
            raise DemoError(f"the receiver did not start: {exc}") from None
        await _demo(ontvanger.url, map, uit)
        await netwerk.routeer(uit)
    finally:
        ontvanger.stop()
        goes.stop()


class _Gemeente:
    """The municipality's operator, through the receiver's API like any client."""

    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self.client = client
        self.url = url
        self.nu = _BEGIN

    async def vraag(
        self, methode: str, pad: str, body: Any = None, token: str = "dev-operator"
    ) -> Any:
        antwoord = await self.client.request(
            methode, f"{self.url}{pad}", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if not antwoord.is_success:
            raise DemoError(f"{methode} {pad} answered {antwoord.status_code}: {antwoord.text}")
        return antwoord.json()

    async def klok(self, moment: datetime) -> None:
        from warm_referral import format_tijdstip

        await self.vraag("PUT", "/testklok", {"nu": format_tijdstip(moment)})
        self.nu = moment

    async def actie(self, conv: UUID, soort: str, **velden: Any) -> str:
        body = {"soort": soort, "datum": _lokaal(self.nu).date().isoformat(), **velden}
        resultaat = await self.vraag("POST", f"/verwijzingen/{conv}/acties", body)
        return str(resultaat["toestand"])

    async def toestand(self, conv: UUID) -> str:
        return str((await self.vraag("GET", f"/verwijzingen/{conv}"))["toestand"])


def _beeld_tekst(beeld: Schuldeiserbeeld) -> str:
    tekst = str(beeld.status.value)
    if beeld.eindresultaat is not None:
        tekst += f": {beeld.eindresultaat.value}"
    if beeld.niet_opgepakt_reden is not None:
        reden = str(beeld.niet_opgepakt_reden.value)
        tekst = reden if reden.startswith(tekst) else f"{tekst}: {reden}"
    return tekst


def _bericht_tekst(bericht: Bericht) -> str:
    from warm_referral.models import NietOpgepakt, Ontvangstbevestiging, Statusbericht

    if isinstance(bericht, Ontvangstbevestiging):
        return f"<- Ontvangstbevestiging (contact by {_kort(bericht.contactdeadline)})"
    if isinstance(bericht, Statusbericht):
        extra = f" ({bericht.eindresultaat.value})" if bericht.eindresultaat else ""
        return f"<- Statusbericht {bericht.mijlpaal.value}{extra}"
    if isinstance(bericht, NietOpgepakt):
        return f"<- NietOpgepakt: {bericht.reden.value}"
    return f"<- {bericht.berichttype}"


# The story reads top to bottom, as it is printed; most branches are checks that stop the demo
# with DemoError. Split into steps, the story would be harder to follow than its complexity.
async def _demo(url: str, map: Path, uit: _Uitvoer) -> None:  # noqa: C901
    import httpx

    from warm_referral.deadlines import contact_deadline_uitleg, incassostop_uitleg
    from warm_referral.models import (
        Contactsoort,
        Dagdeel,
        Grondslag,
        Intrekkingsreden,
        NietOpgepaktReden,
        SoortVerwijzer,
    )

    from .sender.bouwen import (
        EVIDES,
        ZORGVERZEKERAAR,
        bouw_intrekking,
        bouw_statusverzoek,
        synthetische_verwijzing,
    )
    from .sender.client import Retrybeleid, Verzender
    from .sender.outbox import Outbox, Status

    # One outbox per creditor: a sender sends what its outbox holds with its own credentials.
    outbox = Outbox(map / "verzender-evides.sqlite3")
    outbox_zorg = Outbox(map / "verzender-zorg.sqlite3")
    beleid = Retrybeleid(basis=0.05, plafond=0.5)
    evides = Verzender(outbox, url, token="dev-evides", beleid=beleid)
    zorg = Verzender(outbox_zorg, url, token="dev-zorg", beleid=beleid)
    verzenders = {"Evides Waterbedrijf": evides, "Zorgverzekeraar Voorbeeld": zorg}
    scenarios = {
        "A": _Scenario(
            "A", "reached and accepted", "Afgesloten: Ondersteuning gestart", "Evides Waterbedrijf"
        ),
        "B": _Scenario(
            "B", "not reached by the deadline", "Afgesloten: Geen contact", "Evides Waterbedrijf"
        ),
        "C": _Scenario(
            "C", "not taken up", "Niet opgepakt: andere reden", "Zorgverzekeraar Voorbeeld"
        ),
        "D": _Scenario("D", "withdrawn by the creditor", "Ingetrokken", "Evides Waterbedrijf"),
    }
    per_conv: dict[UUID, _Scenario] = {}

    async with httpx.AsyncClient(timeout=10.0) as client, evides, zorg:
        gemeente = _Gemeente(client, url)

        def creditor_ziet(s: _Scenario) -> str:
            assert s.conversatie_id is not None
            kopie = verzenders[s.verzender].kopie(s.conversatie_id)
            return "" if kopie is None else _beeld_tekst(kopie.beeld)

        async def postvak() -> None:
            """Both creditors fetch their postvak; each new message becomes a timeline row."""
            for verzender in verzenders.values():
                for rij in await verzender.haal_postvak():
                    s = per_conv.get(rij.conversatie_id) if rij.conversatie_id else None
                    if s is None:
                        raise DemoError(f"a {rij.berichttype} for an unknown conversation arrived")
                    s.regels.append(
                        _Regel(
                            _kort(gemeente.nu),
                            "creditor",
                            _bericht_tekst(rij.bericht()),
                            "",
                            creditor_ziet(s),
                        )
                    )

        async def actie(letter: str, tekst: str, soort: str, **velden: Any) -> None:
            s = scenarios[letter]
            assert s.conversatie_id is not None
            toestand = await gemeente.actie(s.conversatie_id, soort, **velden)
            s.regels.append(_Regel(_kort(gemeente.nu), "gemeente", tekst, toestand))

        # 1. The referrals, sent on Wednesday 1 April 2026.
        await gemeente.klok(_BEGIN)
        verwijzingen = {
            "A": synthetische_verwijzing(1, verwezen_op=_VERWEZEN_OP),
            "B": synthetische_verwijzing(2, verwezen_op=_VERWEZEN_OP),
            "C": synthetische_verwijzing(
                3,
                verwezen_op=_VERWEZEN_OP,
                afzender=ZORGVERZEKERAAR,
                soort_verwijzer=SoortVerwijzer.ZORG,
                grondslag=Grondslag.BESLUIT_SCHULDHULPVERLENING,
            ),
            "D": synthetische_verwijzing(4, verwezen_op=_VERWEZEN_OP),
        }
        assert verwijzingen["A"].afzender == EVIDES
        for letter, verwijzing in verwijzingen.items():
            s = scenarios[letter]
            s.conversatie_id = verwijzing.conversatie_id
            s.verwijzing_id = verwijzing.verwijzing_id
            per_conv[verwijzing.conversatie_id] = s
            await verzenders[s.verzender].enqueue(verwijzing)
        for verzender in verzenders.values():
            rapport = await verzender.verzend_alles(opgeven_na=15)
            if rapport.openstaand or rapport.geweigerd:
                raise DemoError(f"sending the referrals failed: {rapport.laatste_fout}")
        for letter, verwijzing in verwijzingen.items():
            s = scenarios[letter]
            eigen = verzenders[s.verzender].outbox
            rij = eigen.uitgaand(verwijzing.bericht_id)
            assert rij is not None and rij.status is Status.ACKNOWLEDGED
            s.regels.append(
                _Regel(
                    _kort(verwijzing.verwezen_op),
                    "creditor",
                    f"-> Verwijzing (outbox first; HTTP {rij.antwoord_status}, "
                    f"{rij.pogingen} attempt{'s' if rij.pogingen > 1 else ''})",
                )
            )
            bevestigd = _bevestiging(eigen, verwijzing.bericht_id)
            if bevestigd.incassostop != verwijzing.incassostop:
                raise DemoError(
                    f"{letter}: the receiver computed incassostop "
                    f"{bevestigd.incassostop}, the sender {verwijzing.incassostop}"
                )
            s.regels.append(
                _Regel(
                    _kort(gemeente.nu),
                    "creditor",
                    _bericht_tekst(bevestigd),
                    await gemeente.toestand(verwijzing.conversatie_id),
                    creditor_ziet(s),
                )
            )
        bevestiging = _bevestiging(outbox, verwijzingen["A"].bericht_id)

        # 2. The municipality at work, day by day.
        await actie("A", "Oppakken (takes it up)", "Oppakken")
        await actie("B", "Oppakken (takes it up)", "Oppakken")
        await actie(
            "C",
            f'NietOppakken: andere reden, toelichting "{_TOELICHTING_C}"',
            "NietOppakken",
            reden=NietOpgepaktReden.ANDERE_REDEN.value,
            toelichting=_TOELICHTING_C,
        )
        await postvak()

        await gemeente.klok(datetime(2026, 4, 2, 7, 15, tzinfo=timezone.utc))
        await actie(
            "A",
            "Contactpoging: phone, morning, reached",
            "Contactpoging",
            contactsoort=Contactsoort.TELEFOON.value,
            dagdeel=Dagdeel.OCHTEND.value,
            bereikt=True,
        )
        intrekking = bouw_intrekking(
            verwijzingen["D"],
            Intrekkingsreden.BETAALD,
            toelichting="Volledig betaald op 2 april.",
            nu=gemeente.nu,
        )
        await evides.enqueue(intrekking)
        await evides.verzend_alles(opgeven_na=15)
        rij = outbox.uitgaand(intrekking.bericht_id)
        if rij is None or rij.status is not Status.ACKNOWLEDGED:
            raise DemoError(f"the Intrekking was not acknowledged: {rij}")
        d = scenarios["D"]
        assert d.conversatie_id is not None
        d.regels.append(
            _Regel(
                _kort(gemeente.nu),
                "creditor",
                f"-> Intrekking: {intrekking.reden.value} (HTTP {rij.antwoord_status})",
                await gemeente.toestand(d.conversatie_id),
                creditor_ziet(d),
            )
        )
        await postvak()

        await gemeente.klok(datetime(2026, 4, 7, 12, 0, tzinfo=timezone.utc))
        await actie("A", "HulpAangeboden (offers help)", "HulpAangeboden")
        await postvak()

        # Thursday 9 April: B's contact deadline (Wednesday 23:59) has passed without contact.
        await gemeente.klok(datetime(2026, 4, 9, 7, 0, tzinfo=timezone.utc))
        bewaking = await gemeente.vraag("GET", "/termijnbewaking")
        b = scenarios["B"]
        te_laat = [v["verwijzingId"] for v in bewaking["contactTeLaat"]]
        if te_laat != [b.verwijzing_id]:
            raise DemoError(
                f"the deadline monitor should list only {b.verwijzing_id}, got {te_laat}"
            )
        b.regels.append(
            _Regel(
                _kort(gemeente.nu),
                "gemeente",
                "termijnbewaking: deadline passed, no contact yet",
                scenarios["B"].regels[-1].gemeente,
            )
        )
        vraag = bouw_statusverzoek(verwijzingen["B"], nu=gemeente.nu)
        await evides.enqueue(vraag)
        await evides.verzend_alles(opgeven_na=15)
        assert b.conversatie_id is not None
        b.regels.append(
            _Regel(_kort(gemeente.nu), "creditor", "-> Statusverzoek (HTTP 200)", "", "")
        )
        b.regels.append(
            _Regel(
                _kort(gemeente.nu),
                "creditor",
                _bericht_tekst(_antwoord(outbox, vraag.bericht_id)),
                "",
                creditor_ziet(b),
            )
        )
        await actie(
            "B",
            "Contactpoging: phone, morning, not reached",
            "Contactpoging",
            contactsoort=Contactsoort.TELEFOON.value,
            dagdeel=Dagdeel.OCHTEND.value,
            bereikt=False,
        )
        await postvak()

        await gemeente.klok(datetime(2026, 4, 10, 12, 0, tzinfo=timezone.utc))
        await actie(
            "B",
            "Contactpoging: home visit, afternoon, not reached",
            "Contactpoging",
            contactsoort=Contactsoort.HUISBEZOEK.value,
            dagdeel=Dagdeel.MIDDAG.value,
            bereikt=False,
        )
        await actie("A", "Hulpbesluit: help accepted", "Hulpbesluit", aanvaard=True)
        await postvak()

        await gemeente.klok(datetime(2026, 4, 14, 13, 0, tzinfo=timezone.utc))
        await actie(
            "A",
            "Afsluiting: Vervolghulp en/of verwijzing financieel",
            "Afsluiting",
            eindresultaat="Vervolghulp en/of verwijzing financieel",
        )
        await actie("B", "ContactGestaakt (stops trying)", "ContactGestaakt")
        await actie(
            "B",
            "Afsluiting: Definitief geen contact kunnen krijgen",
            "Afsluiting",
            eindresultaat="Definitief geen contact kunnen krijgen",
        )
        await postvak()

        # 3. What the creditors' records say, checked against the receiver's creditor view.
        eindbeeld: dict[str, tuple[Schuldeiserbeeld, dict[str, Any]]] = {}
        for letter, s in scenarios.items():
            assert s.conversatie_id is not None
            kopie = verzenders[s.verzender].kopie(s.conversatie_id)
            assert kopie is not None
            token = "dev-zorg" if s.verzender == "Zorgverzekeraar Voorbeeld" else "dev-evides"
            daar = await gemeente.vraag("GET", f"/verwijzingen/{s.conversatie_id}", token=token)
            if kopie.beeld.status.value != daar["toestand"]:
                raise DemoError(
                    f"{letter}: the creditor's copy says {kopie.beeld.status.value}, the "
                    f"receiver's creditor view says {daar['toestand']}"
                )
            if _beeld_tekst(kopie.beeld) != s.verwachting:
                raise DemoError(
                    f"{letter} ({s.titel}) ended as {_beeld_tekst(kopie.beeld)!r}, "
                    f"expected {s.verwachting!r}"
                )
            if kopie.wachtend:
                raise DemoError(f"{letter}: messages left unapplied: {kopie.wachtend}")
            eindbeeld[letter] = (kopie.beeld, daar)
        opgeslagen = b"".join(r.body for o in (outbox, outbox_zorg) for r in o.inkomend())
        if _TOELICHTING_C.encode() in opgeslagen:
            raise DemoError("the municipality's toelichting reached the creditor")
    outbox.sluit()
    outbox_zorg.sluit()

    # 4. The report.
    uitleg = contact_deadline_uitleg(bevestiging.ontvangen_op)
    if uitleg.deadline != bevestiging.contactdeadline:
        raise DemoError("the receiver's contact deadline differs from the library's")
    stop = incassostop_uitleg(uitleg.ontvangstdatum)
    profiel = uitleg.profiel
    uit.kop("warm-referral demo: four referrals, one municipality, an accelerated test clock")
    uit(
        f"receiver {url} (SQLite, development mode); senders for Evides Waterbedrijf and "
        "Zorgverzekeraar Voorbeeld;"
    )
    uit(
        "all data is synthetic (BSNs in the test range 9999xxxxx, only where the referrer may "
        "carry one)."
    )
    uit()
    uit.kop(
        f"Deadlines of a referral received {_tijd(bevestiging.ontvangen_op)} "
        f"(profile {profiel.naam} {profiel.versie})"
    )
    uit(
        f"  contact within {profiel.contacttermijn_werkdagen} werkdagen; the day of receipt "
        "is not counted:"
    )
    for stap in uitleg.dagen:
        if stap.is_werkdag:
            uit(f"    {_dag(stap.datum)}  werkdag {stap.werkdagnummer}")
        else:
            redenen = "; ".join(str(r) for r in stap.redenen)
            uit(f"    {_dag(stap.datum)}  skipped: {redenen}")
    uit(f"  contact deadline: {_tijd(uitleg.deadline)}:59 (Europe/Amsterdam)")
    uit(
        f"  incassostop: {stop.ingangsdatum} to {stop.einddatum} ({profiel.incassostop_dagen} "
        f"calendar days); collection may resume {_dag(stop.hervatten_vanaf)}"
    )

    for letter, s in scenarios.items():
        verwijzing = verwijzingen[letter]
        bsn = (
            "BSN included (test range)"
            if verwijzing.hulpvrager.bsn
            else "no BSN (no legal ground for it)"
        )
        uit()
        uit.kop(f"{letter}  {s.verwijzing_id}  {s.titel}")
        uit(
            f"   {s.verzender} -> Gemeente Vlissingen (0718); {verwijzing.soort_verwijzer.value}, "
            f"grondslag {verwijzing.grondslag.value}; {bsn}"
        )
        uit(
            f"   incassostop {verwijzing.incassostop.ingangsdatum} to "
            f"{verwijzing.incassostop.einddatum} (computed by the sender from profile "
            f"{profiel.naam}, confirmed by the receiver)"
        )
        uit.tijdlijn(s.regels)
    uit()
    uit.kop(
        "What the creditors' own records show at the end (equal to the receiver's creditor view)"
    )
    for letter, (beeld, _) in eindbeeld.items():
        s = scenarios[letter]
        uit(f"   {letter}  {s.verwijzing_id:<16} {_beeld_tekst(beeld):<34} since {beeld.sinds}")
    uit()
    uit(
        "   A: on the afsluitregeling (no consent) the creditor learned Opgepakt, Hulp aanvaard "
        "and Afgesloten,"
    )
    uit("      not that the resident was reached or offered help (nvvk-pilot 1.1 feedback policy).")
    uit(
        "   C: the municipality's reason text (toelichting) is not in the creditor's inbox; it "
        "learns only"
    )
    uit(
        "      'Niet opgepakt: andere reden'. B: the failed contact attempts never reached the "
        "creditor,"
    )
    uit("      which saw Opgepakt until the closing. All four scenarios ended as expected.")


def _bevestiging(outbox: Outbox, verwijzing_bericht_id: UUID) -> Ontvangstbevestiging:
    from warm_referral.models import Ontvangstbevestiging

    for rij in outbox.inkomend():
        if rij.cross_referentie == verwijzing_bericht_id:
            bericht = rij.bericht()
            if isinstance(bericht, Ontvangstbevestiging):
                return bericht
    raise DemoError(f"no Ontvangstbevestiging for {verwijzing_bericht_id}")


def _antwoord(outbox: Outbox, bericht_id: UUID) -> Bericht:
    from warm_referral import parse_json

    rij = outbox.uitgaand(bericht_id)
    if rij is None or rij.antwoord is None or rij.antwoord_status != 200:
        raise DemoError(f"the Statusverzoek {bericht_id} got no 200 answer: {rij}")
    return parse_json(rij.antwoord)
