"""What a creditor may learn back, checked after every step of the municipality.

With operator credentials the kit plays the municipality through the (optional) operator interface
``POST /verwijzingen/{conversatieId}/acties``. It keeps its own copy of each referral in the
library's lifecycle (the executable form of the feedback rules) and applies the same steps, so
after each step it knows exactly which messages the creditor's postvak must gain and what the
creditor's view must show; and it plants recognisable secrets in the municipality's free texts to
see that none of them ever reaches the creditor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import httpx

from warm_referral import amsterdamse_datum, parse_json
from warm_referral.deadlines import afsprakenprofielen
from warm_referral.lifecycle import (
    Afsluiting,
    Contactpoging,
    DdasEindresultaat,
    HulpAangeboden,
    Hulpbesluit,
    InvalidEvent,
    InvalidTransition,
    LokaleActie,
    NietOppakken,
    Oppakken,
    StuurNietOpgepakt,
    StuurStatusbericht,
    Verwijzingsdossier,
    schuldeiserbeeld,
)
from warm_referral.models import (
    Contactsoort,
    Dagdeel,
    Grondslag,
    Incassostopwijziging,
    Intrekking,
    NietOpgepaktReden,
    Statusverzoek,
    Verwijzing,
)

from ..catalogus import Rol
from ..context import Controlecontext, voorbeeld
from ..register import controle
from ._hulp import (
    Verzonden,
    berichten_over,
    json_of_niets,
    postvak,
    postvak_stand,
    stuur_verwijzing,
)

_GEHEIM = "kit-geheim"
#: Milestones the standard policy hides on a legal ground (WD-TERUG-11).
_NIET_ZONDER_TOESTEMMING = ("Bereikt", "Hulp aangeboden", "Hulp afgewezen")
_CONTACTSPOREN = ("contactpoging", "contactsoort", "dagdeel", "ContactGestaakt")


def _actie_json(actie: LokaleActie) -> dict[str, Any]:
    datum = actie.datum.isoformat()
    if isinstance(actie, Oppakken):
        return {"soort": "Oppakken", "datum": datum}
    if isinstance(actie, NietOppakken):
        data: dict[str, Any] = {"soort": "NietOppakken", "datum": datum, "reden": actie.reden.value}
        if actie.toelichting:
            data["toelichting"] = actie.toelichting
        return data
    if isinstance(actie, Contactpoging):
        return {
            "soort": "Contactpoging",
            "datum": datum,
            "contactsoort": actie.soort.value,
            "dagdeel": actie.dagdeel.value,
            "bereikt": actie.bereikt,
        }
    if isinstance(actie, HulpAangeboden):
        data = {"soort": "HulpAangeboden", "datum": datum}
        if actie.omschrijving:
            data["omschrijving"] = actie.omschrijving
        return data
    if isinstance(actie, Hulpbesluit):
        return {"soort": "Hulpbesluit", "datum": datum, "aanvaard": actie.aanvaard}
    if isinstance(actie, Afsluiting):
        data = {"soort": "Afsluiting", "datum": datum, "eindresultaat": actie.resultaat.value}
        if actie.toelichting:
            data["toelichting"] = actie.toelichting
        return data
    raise AssertionError(f"no wire form for {actie!r}")


@dataclass
class _Spiegel:
    """The kit's own record of a referral: the library's lifecycle, fed what the receiver got."""

    dossier: Verwijzingsdossier
    verzonden: Verzonden
    gezien: list[dict[str, Any]]
    """Every message the creditor's postvak held about the referral so far."""

    @classmethod
    def van(cls, verzonden: Verzonden) -> _Spiegel:
        bevestiging = verzonden.bevestiging
        assert bevestiging is not None
        ref = bevestiging.afsprakenprofiel
        profiel = afsprakenprofielen().versie(ref.naam, ref.versie)
        dossier, _ = Verwijzingsdossier.voor_gemeente(
            verzonden.verwijzing, bevestiging.ontvangen_op, profiel
        )
        dossier.verstuur(bevestiging)
        return cls(dossier, verzonden, [])

    def verwacht(self, actie: LokaleActie) -> list[tuple[str, str | None, str | None]] | None:
        """The messages the creditor must get for ``actie`` (None: the lifecycle refuses it)."""
        try:
            wijziging = self.dossier.registreer(actie)
        except (InvalidEvent, InvalidTransition):
            return None
        uit = []
        d = self.dossier
        for effect in wijziging.effecten:
            if isinstance(effect, (StuurStatusbericht, StuurNietOpgepakt)):
                bericht = effect.als_bericht(
                    afzender=d.gemeente,
                    ontvanger=d.schuldeiser,
                    conversatie_id=d.conversatie_id,
                    nu=self.verzonden.bevestiging.ontvangen_op,  # type: ignore[union-attr]
                )
                d.verstuur(bericht)
                uit.append(_kern(json.loads(bericht.to_json())))
        return uit


def _kern(bericht: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """What a message tells the creditor: type, milestone or reason, final result."""
    return (
        str(bericht.get("berichttype")),
        bericht.get("mijlpaal") or bericht.get("reden"),
        bericht.get("eindresultaat"),
    )


def _stap(
    ctx: Controlecontext,
    spiegel: _Spiegel,
    actie: LokaleActie,
    *,
    geen_mijlpalen: bool = False,
    geheimen: dict[str, str] | None = None,
) -> None:
    """Record ``actie`` at the receiver and in the mirror, then compare what the creditor sees."""
    conv = spiegel.verzonden.verwijzing.conversatie_id
    stand = postvak_stand(ctx, ctx.schuldeiser)
    verwacht = spiegel.verwacht(actie)
    antwoord = ctx.operator.post(
        f"/verwijzingen/{conv}/acties",
        inhoud=json.dumps(_actie_json(actie)).encode(),
        content_type="application/json",
    )
    soort = type(actie).__name__
    if verwacht is None:
        ctx.controleer(
            not 200 <= antwoord.status_code < 300,
            "WD-TERUG-08",
            f"de actie {soort} is nu niet toegestaan, maar werd aangenomen",
            antwoord,
        )
        verwacht = []
    elif antwoord.status_code != 201:
        ctx.afwijking(
            "WD-TERUG-05",
            f"de operatoractie {soort} kreeg {antwoord.status_code}, niet 201",
            antwoord,
        )
        return
    entries, _ = postvak(ctx, ctx.schuldeiser, stand)
    nieuw = berichten_over(entries, conv)
    gekregen = [_kern(b) for b in nieuw]
    if gekregen != verwacht:
        extra = [k for k in gekregen if k not in verwacht]
        mist = [k for k in verwacht if k not in gekregen]
        wat = (
            f"na {soort}: de verwijzer kreeg {gekregen or 'niets'}, verwacht {verwacht or 'niets'}"
        )
        if mist:
            ctx.afwijking("WD-TERUG-05", wat)
        eerder = [_kern(b) for b in spiegel.gezien]
        herhaald = len(gekregen) > len(set(gekregen)) or any(
            k in eerder and k[0] == "Statusbericht" for k in gekregen
        )
        verborgen = [
            k
            for k in extra
            if k[1] in _NIET_ZONDER_TOESTEMMING
            and spiegel.verzonden.verwijzing.grondslag is not Grondslag.TOESTEMMING
        ]
        if herhaald and "WD-TERUG-09" in ctx.controle.eisen:
            ctx.afwijking("WD-TERUG-09", f"{wat}: een mijlpaal werd opnieuw gemeld")
        elif verborgen and "WD-TERUG-11" in ctx.controle.eisen:
            ctx.afwijking(
                "WD-TERUG-11",
                f"{wat}: bij een wettelijke grondslag hoort de verwijzer {verborgen} niet",
            )
        elif extra or len(gekregen) > len(verwacht):
            if geen_mijlpalen:
                ctx.afwijking(
                    "WD-TERUG-04", f"{wat}; de toestemming staat geen statusterugmelding toe"
                )
            elif isinstance(actie, Contactpoging):
                ctx.afwijking(
                    "WD-TERUG-01",
                    f"{wat}: een contactpoging leidde tot een bericht aan de verwijzer",
                )
            else:
                eerder = [_kern(b) for b in spiegel.gezien]
                if any(k in eerder for k in gekregen):
                    ctx.afwijking("WD-TERUG-09", f"{wat}: een mijlpaal werd opnieuw gemeld")
                else:
                    ctx.afwijking("WD-TERUG-05", wat)
    spiegel.gezien += nieuw
    beeld = ctx.schuldeiser.get(f"/verwijzingen/{conv}")
    _vergelijk_beeld(ctx, spiegel, beeld, soort)
    _zoek_lekken(ctx, soort, json.dumps(nieuw, ensure_ascii=False), beeld, geheimen or {})


def _vergelijk_beeld(
    ctx: Controlecontext, spiegel: _Spiegel, beeld: httpx.Response, soort: str
) -> None:
    if beeld.status_code != 200:
        ctx.afwijking(
            "WD-TERUG-08", f"na {soort} gaf het beeld van de verwijzer {beeld.status_code}", beeld
        )
        return
    data = json_of_niets(beeld) or {}
    verwacht = schuldeiserbeeld(spiegel.dossier)
    ctx.controleer(
        data.get("toestand") == verwacht.status.value,
        "WD-TERUG-08",
        f"na {soort} toont het beeld van de verwijzer {data.get('toestand')!r}, verwacht {verwacht.status.value!r}",
        beeld,
    )
    paren = (
        ("eindresultaat", verwacht.eindresultaat.value if verwacht.eindresultaat else None),
        (
            "nietOpgepaktReden",
            verwacht.niet_opgepakt_reden.value if verwacht.niet_opgepakt_reden else None,
        ),
    )
    for sleutel, waarde in paren:
        ctx.controleer(
            data.get(sleutel) == waarde,
            "WD-TERUG-08",
            f"na {soort}: {sleutel} is {data.get(sleutel)!r}, verwacht {waarde!r}",
            beeld,
        )


def _zoek_lekken(
    ctx: Controlecontext,
    soort: str,
    postvaktekst: str,
    beeld: httpx.Response,
    geheimen: dict[str, str],
) -> None:
    beeldtekst = beeld.text
    for geheim, eis in geheimen.items():
        for waar, tekst in (
            ("het postvak", postvaktekst),
            ("het beeld van de verwijzer", beeldtekst),
        ):
            if geheim in tekst:
                ctx.afwijking(
                    eis,
                    f"na {soort} staat de vrije tekst van de gemeente ({geheim!r}) in {waar}",
                    beeld if waar != "het postvak" else None,
                )
    for spoor in _CONTACTSPOREN:
        for waar, tekst in (
            ("het postvak", postvaktekst),
            ("het beeld van de verwijzer", beeldtekst),
        ):
            if spoor.lower() in tekst.lower():
                ctx.afwijking(
                    "WD-TERUG-01",
                    f"na {soort} noemt {waar} contactpogingen ({spoor!r})",
                    beeld if waar != "het postvak" else None,
                )
    for ddas in DdasEindresultaat:
        if (
            ddas.value in beeldtekst
            and ddas.value
            not in {"Inwoner is overleden", "Persoon is geen inwoner (meer) in de gemeente"}
            and not ddas.value.startswith("Niet opgepakt")
        ):
            ctx.afwijking(
                "WD-TERUG-02",
                f"na {soort} toont het beeld het DDAS-eindresultaat {ddas.value!r}",
                beeld,
            )


def _begin(ctx: Controlecontext, verwijzing: Verwijzing | None = None) -> _Spiegel | None:
    verzonden = stuur_verwijzing(ctx, verwijzing, eis="WD-TERUG-05")
    if verzonden.bevestiging is None:
        return None
    spiegel = _Spiegel.van(verzonden)
    entries, _ = postvak(ctx, ctx.schuldeiser)
    spiegel.gezien += berichten_over(entries, verzonden.verwijzing.conversatie_id)
    return spiegel


def _vandaag(ctx: Controlecontext) -> date:
    return amsterdamse_datum(ctx.nu())


@controle(
    "WD-TERUG-01",
    "WD-TERUG-02",
    "WD-TERUG-05",
    "WD-TERUG-06",
    "WD-TERUG-08",
    "WD-TERUG-09",
    rol=Rol.ONTVANGER,
    titel="Van oppakken tot afsluiten: de verwijzer hoort de mijlpalen, nooit contactpogingen of de inhoud van de hulp",
    operator=True,
)
def hulptraject(ctx: Controlecontext) -> None:
    spiegel = _begin(ctx)
    if spiegel is None:
        return
    dag = _vandaag(ctx)
    geheimen = {
        f"{_GEHEIM}-hulp-{uuid4().hex[:6]}": "WD-TERUG-02",
        f"{_GEHEIM}-afsluiting-{uuid4().hex[:6]}": "WD-TERUG-02",
    }
    omschrijving, toelichting = list(geheimen)
    _stap(ctx, spiegel, Oppakken(dag), geheimen=geheimen)
    _statusverzoek(ctx, spiegel)
    _stap(
        ctx,
        spiegel,
        Contactpoging(dag, Contactsoort.TELEFOON, Dagdeel.OCHTEND, False),
        geheimen=geheimen,
    )
    _stap(
        ctx,
        spiegel,
        Contactpoging(dag, Contactsoort.HUISBEZOEK, Dagdeel.MIDDAG, True),
        geheimen=geheimen,
    )
    _stap(ctx, spiegel, HulpAangeboden(dag, omschrijving=omschrijving), geheimen=geheimen)
    _stap(ctx, spiegel, Hulpbesluit(dag, True), geheimen=geheimen)
    _stap(
        ctx,
        spiegel,
        Afsluiting(
            dag,
            DdasEindresultaat("Vervolghulp en/of verwijzing financieel"),
            toelichting=toelichting,
        ),
        geheimen=geheimen,
    )


def _statusverzoek(ctx: Controlecontext, spiegel: _Spiegel) -> None:
    verwijzing = spiegel.verzonden.verwijzing
    verzoek: Statusverzoek = ctx.herdateer(
        parse_json(voorbeeld("statusverzoek.json")),
        conversatie_id=verwijzing.conversatie_id,
        verwijzing_id=verwijzing.verwijzing_id,
    )
    antwoord = ctx.stuur(ctx.schuldeiser, verzoek)
    if not ctx.controleer(
        antwoord.status_code == 200,
        "WD-TERUG-06",
        f"een Statusverzoek kreeg {antwoord.status_code}, niet 200",
        antwoord,
    ):
        return
    data = json_of_niets(antwoord) or {}
    verwacht = schuldeiserbeeld(spiegel.dossier)
    ctx.controleer(
        data.get("berichttype") == "Statusbericht"
        and data.get("mijlpaal") == verwacht.status.value,
        "WD-TERUG-06",
        f"het antwoord op een Statusverzoek is {data.get('berichttype')} {data.get('mijlpaal')!r}, verwacht Statusbericht {verwacht.status.value!r}",
        antwoord,
    )
    ctx.controleer(
        data.get("crossReferentie") == str(verzoek.bericht_id),
        "WD-TERUG-06",
        "het Statusbericht noemt het Statusverzoek niet in crossReferentie",
        antwoord,
    )
    # The mirror learns the same request, so that later comparisons stay in step.
    spiegel.dossier.ontvang(verzoek)
    entries, _ = postvak(ctx, ctx.schuldeiser)
    spiegel.gezien = berichten_over(entries, verwijzing.conversatie_id)


@controle(
    "WD-TERUG-03",
    "WD-TERUG-05",
    "WD-TERUG-06",
    "WD-TERUG-08",
    rol=Rol.ONTVANGER,
    titel="Niet opgepakt om een andere reden: de verwijzer hoort de redencode, nooit de toelichting",
    operator=True,
)
def niet_opgepakt(ctx: Controlecontext) -> None:
    spiegel = _begin(ctx)
    if spiegel is None:
        return
    geheim = f"{_GEHEIM}-reden-{uuid4().hex[:6]}"
    _stap(
        ctx,
        spiegel,
        NietOppakken(_vandaag(ctx), NietOpgepaktReden("Niet opgepakt: andere reden"), geheim),
        geheimen={geheim: "WD-TERUG-03"},
    )
    verwijzing = spiegel.verzonden.verwijzing
    verzoek: Statusverzoek = ctx.herdateer(
        parse_json(voorbeeld("statusverzoek.json")),
        conversatie_id=verwijzing.conversatie_id,
        verwijzing_id=verwijzing.verwijzing_id,
    )
    antwoord = ctx.stuur(ctx.schuldeiser, verzoek)
    if ctx.controleer(
        antwoord.status_code == 200,
        "WD-TERUG-06",
        f"een Statusverzoek na NietOpgepakt kreeg {antwoord.status_code}",
        antwoord,
    ):
        data = json_of_niets(antwoord) or {}
        ctx.controleer(
            data.get("berichttype") == "NietOpgepakt"
            and data.get("reden") == "Niet opgepakt: andere reden",
            "WD-TERUG-06",
            f"het antwoord na NietOpgepakt is {data.get('berichttype')} {data.get('reden')!r}",
            antwoord,
        )
        ctx.controleer(
            geheim not in antwoord.text,
            "WD-TERUG-03",
            "het antwoord op het Statusverzoek bevat de toelichting van de gemeente",
            antwoord,
        )


@controle(
    "WD-TERUG-04",
    "WD-TERUG-08",
    rol=Rol.ONTVANGER,
    titel="Zonder toestemming voor statusterugmelding hoort de verwijzer geen mijlpalen",
    operator=True,
)
def zonder_statusterugmelding(ctx: Controlecontext) -> None:
    basis = ctx.verwijzing()
    data = basis.model_dump(mode="python", by_alias=False, exclude_none=True)
    data["grondslag"] = Grondslag.TOESTEMMING
    data["toestemming"] = {
        "vastgelegd_op": basis.verwezen_op - timedelta(minutes=5),
        "kanaal": "Telefoon",
        "tekstversie": "kit-1.0",
        "reikwijdte": ["Contactgegevens", "Betalingsachterstand"],
    }
    data["hulpvrager"].pop("bsn", None)
    verwijzing = Verwijzing(**data)
    spiegel = _begin(ctx, verwijzing)
    if spiegel is None:
        return
    dag = _vandaag(ctx)
    for actie in (
        Oppakken(dag),
        Contactpoging(dag, Contactsoort.TELEFOON, Dagdeel.AVOND, True),
        HulpAangeboden(dag),
        Hulpbesluit(dag, False),
        Afsluiting(
            dag,
            DdasEindresultaat("Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"),
        ),
    ):
        _stap(ctx, spiegel, actie, geen_mijlpalen=True)


@controle(
    "WD-TERUG-10",
    rol=Rol.ONTVANGER,
    titel="Na een Intrekking hoort de verwijzer niets meer over de verwijzing",
    operator=True,
)
def na_intrekking(ctx: Controlecontext) -> None:
    verzonden = stuur_verwijzing(ctx, eis="WD-TERUG-10")
    if verzonden.bevestiging is None:
        return
    verwijzing = verzonden.verwijzing
    intrekking: Intrekking = ctx.herdateer(
        parse_json(voorbeeld("intrekking.json")),
        conversatie_id=verwijzing.conversatie_id,
        verwijzing_id=verwijzing.verwijzing_id,
    )
    antwoord = ctx.stuur(ctx.schuldeiser, intrekking)
    if not ctx.controleer(
        antwoord.status_code == 202,
        "WD-TERUG-10",
        f"een Intrekking kreeg {antwoord.status_code}, niet 202",
        antwoord,
    ):
        return
    stand = postvak_stand(ctx, ctx.schuldeiser)
    dag = _vandaag(ctx)
    for actie in (
        {"soort": "Oppakken", "datum": dag.isoformat()},
        {
            "soort": "Contactpoging",
            "datum": dag.isoformat(),
            "contactsoort": "Telefoon",
            "dagdeel": "Ochtend",
            "bereikt": True,
        },
    ):
        ctx.operator.post(
            f"/verwijzingen/{verwijzing.conversatie_id}/acties",
            inhoud=json.dumps(actie).encode(),
            content_type="application/json",
        )
    entries, _ = postvak(ctx, ctx.schuldeiser, stand)
    nieuw = berichten_over(entries, verwijzing.conversatie_id)
    ctx.controleer(
        not nieuw,
        "WD-TERUG-10",
        f"na de Intrekking kreeg de verwijzer nog {[_kern(b) for b in nieuw]}",
    )


@controle(
    "WD-TERUG-07",
    rol=Rol.ONTVANGER,
    titel="Het postvak: oplopende volgnummers, na geeft alleen latere, dezelfde vraag hetzelfde antwoord",
)
def postvak_volgorde(ctx: Controlecontext) -> None:
    stuur_verwijzing(ctx, eis="WD-TERUG-07")
    stuur_verwijzing(ctx, eis="WD-TERUG-07")
    entries, laatste = postvak(ctx, ctx.schuldeiser)
    nummers = [e.get("volgnummer") for e in entries]
    ctx.controleer(
        all(isinstance(n, int) for n in nummers) and nummers == sorted(set(nummers)),  # type: ignore[type-var]
        "WD-TERUG-07",
        "de volgnummers in het postvak lopen niet strikt op",
    )
    if len(nummers) < 2 or not all(isinstance(n, int) for n in nummers):
        return
    midden = int(nummers[len(nummers) // 2])  # type: ignore[arg-type]
    een = ctx.schuldeiser.get("/postvak", params={"na": str(midden)})
    twee = ctx.schuldeiser.get("/postvak", params={"na": str(midden)})
    data = json_of_niets(een) or {}
    later = [e.get("volgnummer") for e in data.get("berichten", []) if isinstance(e, dict)]
    ctx.controleer(
        all(isinstance(n, int) and n > midden for n in later),
        "WD-TERUG-07",
        f"na={midden} gaf ook volgnummers tot en met {midden}",
        een,
    )
    ctx.controleer(
        een.content == twee.content,
        "WD-TERUG-07",
        "dezelfde vraag aan het postvak gaf een ander antwoord",
        twee,
    )
    _ = laatste


@controle(
    "WD-TERM-10",
    rol=Rol.ONTVANGER,
    titel="Een Incassostopwijziging verlengt of heft op binnen de regels",
)
def incassostopwijziging(ctx: Controlecontext) -> None:
    verzonden = stuur_verwijzing(ctx, eis="WD-TERM-10")
    if verzonden.bevestiging is None:
        return
    verwijzing = verzonden.verwijzing
    einde = verzonden.bevestiging.incassostop.einddatum
    basis: Incassostopwijziging = ctx.herdateer(
        parse_json(voorbeeld("incassostopwijziging.json")),
        conversatie_id=verwijzing.conversatie_id,
        verwijzing_id=verwijzing.verwijzing_id,
    )
    for soort, einddatum, toegestaan in (
        ("Verlengen", einde - timedelta(days=1), False),
        ("Opheffen", einde + timedelta(days=10), False),
        ("Verlengen", einde + timedelta(days=14), True),
    ):
        data = basis.model_dump(mode="python", by_alias=False, exclude_none=True)
        data.update(bericht_id=uuid4(), soort=soort, einddatum=einddatum)
        antwoord = ctx.stuur(ctx.schuldeiser, Incassostopwijziging(**data))
        if toegestaan:
            ctx.controleer(
                antwoord.status_code == 202,
                "WD-TERM-10",
                f"{soort} tot {einddatum} (na het einde {einde}) kreeg {antwoord.status_code}, niet 202",
                antwoord,
            )
        else:
            ctx.controleer(
                400 <= antwoord.status_code < 500,
                "WD-TERM-10",
                f"{soort} tot {einddatum} (de incassostop loopt tot {einde}) kreeg {antwoord.status_code}, geen weigering",
                antwoord,
            )


@controle(
    "WD-TERUG-11",
    "WD-TERUG-01",
    "WD-TERUG-02",
    "WD-TERUG-05",
    "WD-TERUG-08",
    "WD-TERUG-09",
    rol=Rol.ONTVANGER,
    titel="Bij een wettelijke grondslag hoort de verwijzer niet Bereikt, Hulp aangeboden of Hulp afgewezen",
    operator=True,
)
def wettelijke_grondslag(ctx: Controlecontext) -> None:
    wie = ctx.doelwit.schuldeiser
    basis: Verwijzing | None = None
    for naam in (
        "verwijzing-water-afsluitregeling.json",
        "verwijzing-huur-bgs-crisis.json",
        "verwijzing-zorg-bsn.json",
    ):
        kandidaat = parse_json(voorbeeld(naam))
        assert isinstance(kandidaat, Verwijzing)
        if wie.mag(kandidaat.soort_verwijzer, kandidaat.grondslag):
            basis = ctx.herdateer(kandidaat)
            break
    if basis is None:
        ctx.niet_uitgevoerd("de schuldeiser van de kit mag op geen wettelijke grondslag verwijzen")
    spiegel = _begin(ctx, basis)
    if spiegel is None:
        return
    dag = _vandaag(ctx)
    for actie in (
        Oppakken(dag),
        Contactpoging(dag, Contactsoort.TELEFOON, Dagdeel.MIDDAG, True),
        HulpAangeboden(dag),
        Hulpbesluit(dag, False),
        Afsluiting(
            dag,
            DdasEindresultaat("Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"),
        ),
    ):
        _stap(ctx, spiegel, actie)


@controle(
    "WD-TERUG-09",
    "WD-TERUG-01",
    "WD-TERUG-02",
    "WD-TERUG-05",
    "WD-TERUG-06",
    "WD-TERUG-08",
    rol=Rol.ONTVANGER,
    titel="Een eerste contactpoging zonder oppakken meldt Opgepakt één keer",
    operator=True,
)
def eerste_contactpoging(ctx: Controlecontext) -> None:
    spiegel = _begin(ctx)
    if spiegel is None:
        return
    _stap(ctx, spiegel, Contactpoging(_vandaag(ctx), Contactsoort.TELEFOON, Dagdeel.OCHTEND, False))
    _statusverzoek(ctx, spiegel)
