"""The agreements are binding: the incassostop's term, late referrals, the participants register,
consent withdrawal and retention, and specVersie 1.1.

Each refusal has its own stable problem type; the kit checks the status, the type and, where the
standard names one, the violation code and pointer in ``fouten``. What the receiver must refuse
depends on what the kit's creditor is registered for: give ``--soort-verwijzer``, ``--grondslag``
and ``--gemeente-zonder-afspraak``, or the checks that need them are 'niet uitgevoerd'.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any
from uuid import uuid4

from warm_referral import amsterdamse_datum, parse_json
from warm_referral.deadlines import AMSTERDAM, TeLaatBeleid, afsprakenprofielen, incassostop
from warm_referral.errors import WarmReferralError
from warm_referral.models import (
    Betaalgedragmelding,
    Grondslag,
    Intrekking,
    Intrekkingsreden,
    Periode,
    Statusverzoek,
    Verwijzing,
)

from ..catalogus import Rol
from ..context import Controlecontext, voorbeeld
from ..register import controle
from ._hulp import (
    berichten_over,
    json_of_niets,
    postvak,
    probleemcode,
    stuur_verwijzing,
)
from .termijnen import zet_testklok

#: Legal grounds and an example of each: a consent withdrawal does not apply to them.
_WETTELIJK = (
    "verwijzing-water-afsluitregeling.json",
    "verwijzing-huur-bgs-crisis.json",
    "verwijzing-zorg-bsn.json",
)


def _met(verwijzing: Verwijzing, **wijzigingen: Any) -> Verwijzing:
    data = verwijzing.model_dump(mode="python", by_alias=False, exclude_none=True)
    data.update(wijzigingen)
    return Verwijzing(**data)


def _stop(verwijzing: Verwijzing, dagen: int) -> Verwijzing:
    begin = verwijzing.incassostop.ingangsdatum
    return _met(
        verwijzing, incassostop=Periode(ingangsdatum=begin, einddatum=begin + timedelta(days=dagen))
    )


def _vervolg(ctx: Controlecontext, naam: str, verwijzing: Verwijzing, **wijzigingen: Any) -> Any:
    bericht = ctx.herdateer(
        parse_json(voorbeeld(naam)),
        conversatie_id=verwijzing.conversatie_id,
        verwijzing_id=verwijzing.verwijzing_id,
    )
    if not wijzigingen:
        return bericht
    data = bericht.model_dump(mode="python", by_alias=False, exclude_none=True)
    data.update(wijzigingen)
    return type(bericht)(**data)


def _op_toestemming(ctx: Controlecontext) -> Verwijzing:
    """A fresh referral of the kit's creditor on consent (with Statusterugmelding)."""
    if not ctx.doelwit.schuldeiser.mag(ctx.verwijzing().soort_verwijzer, Grondslag.TOESTEMMING):
        ctx.niet_uitgevoerd("de schuldeiser van de kit is niet ingeschreven voor Toestemming")
    basis = ctx.verwijzing()
    data = basis.model_dump(mode="python", by_alias=False, exclude_none=True)
    data["grondslag"] = Grondslag.TOESTEMMING
    data["toestemming"] = {
        "vastgelegd_op": basis.verwezen_op - timedelta(minutes=5),
        "kanaal": "Telefoon",
        "tekstversie": "kit-1.0",
        "reikwijdte": ["Contactgegevens", "Betalingsachterstand", "Statusterugmelding"],
    }
    data["hulpvrager"].pop("bsn", None)
    return Verwijzing(**data)


def _wettelijk(ctx: Controlecontext) -> Verwijzing:
    wie = ctx.doelwit.schuldeiser
    for naam in _WETTELIJK:
        kandidaat = parse_json(voorbeeld(naam))
        assert isinstance(kandidaat, Verwijzing)
        if wie.mag(kandidaat.soort_verwijzer, kandidaat.grondslag):
            gevonden: Verwijzing = ctx.herdateer(kandidaat)
            return gevonden
    ctx.niet_uitgevoerd("de schuldeiser van de kit mag op geen wettelijke grondslag verwijzen")


# --- the incassostop ---------------------------------------------------------------------------------


@controle(
    "WD-TERM-12",
    rol=Rol.ONTVANGER,
    titel="Een incassostop korter dan het afsprakenprofiel: 422 incassostop-te-kort, met de verwachte einddatum",
)
def incassostop_te_kort(ctx: Controlecontext) -> None:
    basis = ctx.verwijzing()
    verwacht = incassostop(basis.incassostop.ingangsdatum)[1]
    for dagen in (1, (verwacht - basis.incassostop.ingangsdatum).days - 1):
        kort = _stop(ctx.verwijzing(), dagen)
        antwoord = ctx.stuur(ctx.schuldeiser, kort)
        if not ctx.controleer(
            antwoord.status_code == 422,
            "WD-TERM-12",
            f"een Verwijzing met een incassostop van {dagen} dag(en) kreeg {antwoord.status_code}, niet 422",
            antwoord,
        ):
            continue
        probleemcode(
            ctx,
            antwoord,
            "incassostop-te-kort",
            "WD-TERM-12",
            ("/incassostop/einddatum", "incassostop_te_kort"),
        )
        einde = incassostop(kort.incassostop.ingangsdatum)[1].isoformat()
        ctx.controleer(
            einde in antwoord.text,
            "WD-TERM-12",
            f"de weigering noemt de verwachte einddatum {einde} niet",
            antwoord,
        )


@controle(
    "WD-TERM-13",
    "WD-ONTV-04",
    rol=Rol.ONTVANGER,
    titel="Een langere incassostop wordt aangenomen en de bevestiging noemt die periode",
)
def incassostop_langer(ctx: Controlecontext) -> None:
    lang = _stop(ctx.verwijzing(), 45)
    verzonden = stuur_verwijzing(ctx, lang, eis="WD-TERM-13")
    if verzonden.bevestiging is None:
        return
    gekregen = verzonden.bevestiging.incassostop
    ctx.controleer(
        (gekregen.ingangsdatum, gekregen.einddatum)
        == (lang.incassostop.ingangsdatum, lang.incassostop.einddatum),
        "WD-TERM-13",
        f"een incassostop van 45 dagen ({lang.incassostop.ingangsdatum} t/m {lang.incassostop.einddatum}) "
        f"staat in de bevestiging als {gekregen.ingangsdatum} t/m {gekregen.einddatum}",
        verzonden.antwoord,
    )


@controle(
    "WD-TERM-14",
    rol=Rol.ONTVANGER,
    titel="Een te late Verwijzing: geweigerd (verwijzing-te-laat) of gemarkeerd, naar het profiel",
)
def te_laat(ctx: Controlecontext) -> None:
    nu = ctx.nu()
    laat = ctx.verwijzing(nu=nu - timedelta(days=21))  # 15 werkdagen or more
    antwoord = ctx.stuur(ctx.schuldeiser, laat)
    if antwoord.status_code == 201:
        bericht = parse_json(antwoord.content)
        profiel = None
        naam = getattr(getattr(bericht, "afsprakenprofiel", None), "naam", None)
        versie = getattr(getattr(bericht, "afsprakenprofiel", None), "versie", None)
        if naam and versie:
            try:
                profiel = afsprakenprofielen().versie(naam, versie)
            except WarmReferralError:
                profiel = None
        if profiel is None or profiel.te_laat is TeLaatBeleid.WEIGEREN:
            ctx.afwijking(
                "WD-TERM-14",
                f"een Verwijzing van {amsterdamse_datum(laat.verwezen_op)} (drie weken oud) werd aangenomen",
                antwoord,
            )
        elif bericht.spec_versie == "1.1":
            ctx.controleer(
                getattr(bericht, "te_laat", None) is True,
                "WD-TERM-14",
                "een te late Verwijzing werd aangenomen zonder teLaat in de bevestiging",
                antwoord,
            )
        return
    if ctx.controleer(
        antwoord.status_code == 422,
        "WD-TERM-14",
        f"een Verwijzing van drie weken oud kreeg {antwoord.status_code}, niet 422",
        antwoord,
    ):
        probleemcode(ctx, antwoord, "verwijzing-te-laat", "WD-TERM-14")


# --- the participants register ----------------------------------------------------------------------


@controle(
    "WD-DEEL-01",
    rol=Rol.ONTVANGER,
    titel="Een soort verwijzer waarvoor de schuldeiser niet is ingeschreven: 403 soort-niet-ingeschreven",
)
def soort_niet_ingeschreven(ctx: Controlecontext) -> None:
    wie = ctx.doelwit.schuldeiser
    if wie.soorten is None:
        ctx.niet_uitgevoerd(
            "geef --soort-verwijzer: de kit weet niet waarvoor de schuldeiser is ingeschreven"
        )
    andere = [
        naam
        for naam in (*_WETTELIJK, "verwijzing-hypotheek-toestemming.json")
        if getattr(parse_json(voorbeeld(naam)), "soort_verwijzer", None) not in wie.soorten
    ]
    if not andere:
        ctx.niet_uitgevoerd("de schuldeiser is voor elke soort van de voorbeelden ingeschreven")
    vreemd: Verwijzing = ctx.herdateer(parse_json(voorbeeld(andere[0])))
    data = vreemd.model_dump(mode="python", by_alias=False, exclude_none=True)
    data["hulpvrager"].pop("bsn", None)
    antwoord = ctx.stuur(ctx.schuldeiser, Verwijzing(**data))
    if ctx.controleer(
        antwoord.status_code == 403,
        "WD-DEEL-01",
        f"een Verwijzing als {vreemd.soort_verwijzer.value} (niet ingeschreven) kreeg {antwoord.status_code}, niet 403",
        antwoord,
    ):
        probleemcode(ctx, antwoord, "soort-niet-ingeschreven", "WD-DEEL-01")


@controle(
    "WD-DEEL-02",
    rol=Rol.ONTVANGER,
    titel="Een grondslag waarvoor de schuldeiser niet is ingeschreven: 403 grondslag-niet-ingeschreven",
)
def grondslag_niet_ingeschreven(ctx: Controlecontext) -> None:
    wie = ctx.doelwit.schuldeiser
    if wie.grondslagen is None:
        ctx.niet_uitgevoerd(
            "geef --grondslag: de kit weet niet waarvoor de schuldeiser is ingeschreven"
        )
    basis = ctx.verwijzing()
    from warm_referral.models import TOEGESTANE_GRONDSLAGEN

    over = sorted(
        g
        for g in TOEGESTANE_GRONDSLAGEN[basis.soort_verwijzer] - wie.grondslagen
        if g is not Grondslag.TOESTEMMING
    )
    if not over:
        ctx.niet_uitgevoerd(
            "de schuldeiser is voor elke wettelijke grondslag van zijn soort ingeschreven"
        )
    antwoord = ctx.stuur(ctx.schuldeiser, _met(basis, grondslag=over[0], toestemming=None))
    if ctx.controleer(
        antwoord.status_code == 403,
        "WD-DEEL-02",
        f"een Verwijzing op {over[0].value} (niet ingeschreven) kreeg {antwoord.status_code}, niet 403",
        antwoord,
    ):
        probleemcode(ctx, antwoord, "grondslag-niet-ingeschreven", "WD-DEEL-02")


@controle(
    "WD-DEEL-03",
    rol=Rol.ONTVANGER,
    titel="Een gemeente zonder afspraak met de schuldeiser: 403 geen-afspraak",
)
def geen_afspraak(ctx: Controlecontext) -> None:
    gemeente = ctx.doelwit.gemeente_zonder_afspraak
    if gemeente is None:
        ctx.niet_uitgevoerd("geef --gemeente-zonder-afspraak")
    antwoord = ctx.stuur(ctx.schuldeiser, _met(ctx.verwijzing(), ontvanger=gemeente))
    if ctx.controleer(
        antwoord.status_code == 403,
        "WD-DEEL-03",
        f"een Verwijzing aan gemeente {gemeente.gemeentecode} (geen afspraak) kreeg {antwoord.status_code}, niet 403",
        antwoord,
    ):
        probleemcode(ctx, antwoord, "geen-afspraak", "WD-DEEL-03")


# --- consent withdrawal ------------------------------------------------------------------------------


@controle(
    "WD-GROND-08",
    rol=Rol.ONTVANGER,
    titel="Een intrekking van toestemming bij een wettelijke grondslag: 422 intrekking-zonder-toestemming",
)
def intrekking_zonder_toestemming(ctx: Controlecontext) -> None:
    verzonden = stuur_verwijzing(ctx, _wettelijk(ctx), eis="WD-GROND-08")
    if verzonden.bevestiging is None:
        return
    intrekking = _vervolg(
        ctx, "intrekking.json", verzonden.verwijzing, reden=Intrekkingsreden.TOESTEMMING_INGETROKKEN
    )
    antwoord = ctx.stuur(ctx.schuldeiser, intrekking)
    if ctx.controleer(
        antwoord.status_code == 422,
        "WD-GROND-08",
        f"een Intrekking 'Toestemming ingetrokken' bij grondslag {verzonden.verwijzing.grondslag.value} "
        f"kreeg {antwoord.status_code}, niet 422",
        antwoord,
    ):
        probleemcode(
            ctx,
            antwoord,
            "intrekking-zonder-toestemming",
            "WD-GROND-08",
            ("/reden", "intrekking_zonder_toestemming"),
        )


@controle(
    "WD-GROND-09",
    rol=Rol.ONTVANGER,
    titel="Na het intrekken van de toestemming: niets meer terug, en (met operator) de persoonsgegevens gewist",
)
def toestemming_ingetrokken(ctx: Controlecontext) -> None:
    verwijzing = _op_toestemming(ctx)
    verzonden = stuur_verwijzing(ctx, verwijzing, eis="WD-GROND-09")
    if verzonden.bevestiging is None:
        return
    intrekking: Intrekking = _vervolg(
        ctx, "intrekking.json", verwijzing, reden=Intrekkingsreden.TOESTEMMING_INGETROKKEN
    )
    antwoord = ctx.stuur(ctx.schuldeiser, intrekking)
    if not ctx.controleer(
        antwoord.status_code == 202,
        "WD-GROND-09",
        f"een Intrekking 'Toestemming ingetrokken' bij grondslag Toestemming kreeg {antwoord.status_code}, niet 202",
        antwoord,
    ):
        return
    verzoek: Statusverzoek = _vervolg(ctx, "statusverzoek.json", verwijzing)
    vraag = ctx.stuur(ctx.schuldeiser, verzoek)
    if ctx.controleer(
        vraag.status_code == 422,
        "WD-GROND-09",
        f"een Statusverzoek na het intrekken van de toestemming kreeg {vraag.status_code}, niet 422",
        vraag,
    ):
        probleemcode(ctx, vraag, "toestemming-ingetrokken", "WD-GROND-09")
    if ctx.doelwit.operator is None:
        return
    dossier = ctx.operator.get(f"/verwijzingen/{verwijzing.conversatie_id}")
    if dossier.status_code != 200:
        return  # erased altogether: nothing personal is left
    naam = verwijzing.hulpvrager.geslachtsnaam
    ctx.controleer(
        naam not in dossier.text and verwijzing.hulpvrager.adres.postcode not in dossier.text,
        "WD-GROND-09",
        "na het intrekken van de toestemming toont het dossier nog de naam of de postcode van de hulpvrager",
        dossier,
    )


# --- retention ---------------------------------------------------------------------------------------


@controle(
    "WD-PRIV-05",
    rol=Rol.ONTVANGER,
    titel="Testklok: na de bewaartermijn zijn de persoonsgegevens van een afgesloten verwijzing gewist",
    testklok=True,
    operator=True,
)
def bewaartermijn(ctx: Controlecontext) -> None:
    verzonden = stuur_verwijzing(ctx, eis="WD-PRIV-05")
    if verzonden.bevestiging is None:
        return
    verwijzing = verzonden.verwijzing
    dag = amsterdamse_datum(ctx.nu())
    actie = {
        "soort": "NietOppakken",
        "datum": dag.isoformat(),
        "reden": "Niet opgepakt: onterecht signaal",
    }
    gedaan = ctx.operator.post(
        f"/verwijzingen/{verwijzing.conversatie_id}/acties",
        inhoud=json.dumps(actie).encode(),
        content_type="application/json",
    )
    if gedaan.status_code != 201:
        ctx.niet_uitgevoerd(f"de operator kon de verwijzing niet afsluiten ({gedaan.status_code})")
    profiel = afsprakenprofielen().versie(
        verzonden.bevestiging.afsprakenprofiel.naam, verzonden.bevestiging.afsprakenprofiel.versie
    )
    if profiel.bewaartermijn_dagen is None:
        ctx.niet_uitgevoerd(f"het profiel {profiel.naam} {profiel.versie} noemt geen bewaartermijn")
    naam = verwijzing.hulpvrager.geslachtsnaam
    termijn = profiel.bewaartermijn_dagen
    for dagen, gewist in ((termijn, False), (termijn + 2, True)):
        zet_testklok(ctx, datetime.combine(dag + timedelta(days=dagen), time(12), tzinfo=AMSTERDAM))
        dossier = ctx.operator.get(f"/verwijzingen/{verwijzing.conversatie_id}")
        nog = dossier.status_code == 200 and naam in dossier.text
        ctx.controleer(
            nog != gewist,
            "WD-PRIV-05",
            f"{dagen} dagen na het afsluiten (bewaartermijn {profiel.bewaartermijn_dagen} dagen) "
            + (
                "staan de persoonsgegevens er nog"
                if gewist
                else "zijn de persoonsgegevens al gewist"
            ),
            dossier,
        )


# --- specVersie 1.1 ----------------------------------------------------------------------------------


@controle(
    "WD-BER-16",
    "WD-BER-18",
    rol=Rol.ONTVANGER,
    titel="specVersie 1.0 en 1.1 worden aangenomen, en de gemeente antwoordt in de versie van de Verwijzing",
)
def versies(ctx: Controlecontext) -> None:
    for versie in ("1.0", "1.1"):
        verwijzing = _met(ctx.verwijzing(), spec_versie=versie)
        verzonden = stuur_verwijzing(ctx, verwijzing, eis="WD-BER-16")
        if verzonden.bevestiging is None:
            continue
        ctx.controleer(
            verzonden.bevestiging.spec_versie == versie,
            "WD-BER-18",
            f"een Verwijzing in specVersie {versie} kreeg een bevestiging in {verzonden.bevestiging.spec_versie}",
            verzonden.antwoord,
        )
        entries, _ = postvak(ctx, ctx.schuldeiser)
        for bericht in berichten_over(entries, verwijzing.conversatie_id):
            ctx.controleer(
                bericht.get("specVersie") == versie,
                "WD-BER-18",
                f"het postvak heeft voor een verwijzing in {versie} een {bericht.get('berichttype')} in {bericht.get('specVersie')}",
            )
        if versie == "1.1":
            melding: Betaalgedragmelding = parse_json(
                voorbeeld("betaalgedragmelding-evaluatie.json")
            )  # type: ignore[assignment]
            evaluatie = ctx.herdateer(
                melding,
                conversatie_id=verwijzing.conversatie_id,
                verwijzing_id=verwijzing.verwijzing_id,
            )
            antwoord = ctx.stuur(ctx.schuldeiser, evaluatie)
            ctx.controleer(
                antwoord.status_code == 202,
                "WD-BER-16",
                f"een Betaalgedragmelding in 1.1 met ingrijpendeMaatregelen kreeg {antwoord.status_code}, niet 202",
                antwoord,
            )


@controle(
    "WD-BER-17",
    rol=Rol.ONTVANGER,
    titel="Een bericht in specVersie 1.0 met wat 1.1 toevoegde: 400 met niet_in_spec_versie",
)
def nieuwer_dan_gezegd(ctx: Controlecontext) -> None:
    verzonden = stuur_verwijzing(ctx, eis="WD-BER-17")
    if verzonden.bevestiging is None:
        return
    melding = ctx.herdateer(
        parse_json(voorbeeld("betaalgedragmelding-evaluatie.json")),
        conversatie_id=verzonden.verwijzing.conversatie_id,
        verwijzing_id=verzonden.verwijzing.verwijzing_id,
    )
    document = json.loads(melding.to_json())
    document["specVersie"] = "1.0"
    document["berichtId"] = str(uuid4())
    antwoord = ctx.stuur(ctx.schuldeiser, json.dumps(document).encode())
    if not ctx.controleer(
        antwoord.status_code == 400,
        "WD-BER-17",
        f"een Betaalgedragmelding in 1.0 met ingrijpendeMaatregelen kreeg {antwoord.status_code}, niet 400",
        antwoord,
    ):
        return
    data = json_of_niets(antwoord) or {}
    codes = {
        (f.get("pointer"), f.get("code")) for f in data.get("fouten") or [] if isinstance(f, dict)
    }
    ctx.controleer(
        ("/ingrijpendeMaatregelen", "niet_in_spec_versie") in codes,
        "WD-BER-17",
        "de weigering noemt niet niet_in_spec_versie op /ingrijpendeMaatregelen",
        antwoord,
    )
