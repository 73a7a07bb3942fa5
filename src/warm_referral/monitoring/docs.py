"""The docs page ``docs/monitoring.md``, generated from the indicator definitions (so it cannot
drift from them); ``tools/generate.py monitoring`` writes it and the drift test checks it."""

from __future__ import annotations

from .indicatoren import CATEGORIEEN, DUREN, INDICATOREN, TELLINGEN
from .publicatie import CSV_KOLOMMEN, STANDAARD_DREMPEL
from .vergelijking import (
    HULP_GEACCEPTEERD,
    LANDELIJKE_INDICATOREN,
    landelijke_bron,
    landelijke_referentie,
)

__all__ = ["monitoring_pagina"]


def _cel(tekst: str) -> str:
    return tekst.replace("|", "\\|")


#: The section on scale; the figures are those of ``bench/bench_monitoring.py`` (see its output).
_SCHAAL: tuple[str, ...] = (
    "## Schaal",
    "",
    "Landelijk gaat het om honderdduizenden verwijzingen per jaar. `bereken_bestand(pad,",
    "peildatum=...)` berekent elke indicator uit een JSON Lines-bestand met historiën, op twee",
    "manieren met dezelfde uitkomst:",
    "",
    "- **DuckDB** (`pip install 'warm-referral[analyse]'`; standaard als het geïnstalleerd is):",
    "  DuckDB leest het bestand met zijn eigen JSON-lezer op alle kernen en telt in één SQL-opdracht,",
    "  met hooguit 256 MB werkgeheugen (daarboven schrijft het tijdelijk naar schijf). Elke telling,",
    "  duur en categorie uit de tabellen hierboven heeft daarvoor een SQL-vorm onder dezelfde naam;",
    "  de werkdagen komen uit dezelfde kalender. Per maand en indeling gaan de tellingen terug naar",
    "  dezelfde Python-code die de indicatoren, periodes, percentielen en de onderdrukking uitrekent.",
    "  Een property-based test (Hypothesis, over synthetische historiën) laat zien dat beide wegen",
    "  voor elke indicator en elke indeling dezelfde cijfers geven.",
    '- **Python** (`engine="python"`, `--engine python`): valideert elke regel en telt in één',
    "  doorgang; het geheugen hangt af van het aantal cellen (maand × gemeente × organisatie × soort",
    "  verwijzer × grondslag × schuldeiser), niet van het aantal verwijzingen.",
    "",
    "**Validatie.** Standaard wordt elke regel streng gevalideerd, ook als DuckDB telt (DuckDB telt",
    "ondertussen in een andere thread): een ongeldige regel geeft `InvalidHistory` met",
    "regelnummer, JSON pointer en code, en er komen geen cijfers. Voor een bestand dat de",
    "bibliotheek zelf uit gevalideerde historiën schreef, slaat `vertrouwd=True` (`--vertrouwd`)",
    "die stap over. DuckDB controleert dan nog per regel de typen, de codes, de verplichte velden en",
    "het formaat `verwijzingshistorie/1`; weigert het een regel, dan leest de strenge lezer het",
    "bestand en wijst de regel aan. Patronen, lengtes, `null` en onbekende velden worden in die",
    "stand niet gecontroleerd. Een datum buiten het venster van de werkdagenkalender rekent de",
    "Python-weg uit.",
    "",
    "**Meting** (`python bench/bench_monitoring.py`: 1.000.000 synthetische historiën, 786 MB,",
    "elke weg in een eigen proces, afwisselend, beste van twee rondes; een machine met 2 kernen,",
    "gedeeld met ander werk, load average 3,3 tot 5,8; Python 3.11, DuckDB 2.0.1):",
    "",
    "| Weg | historiën/s | t.o.v. alleen inlezen | CPU-seconden | piekgeheugen (RSS) |",
    "|---|---|---|---|---|",
    "| alleen inlezen (`json.loads` per regel) | 37.736 | 1,00 | 15,5 | 38 MB |",
    "| Python | 15.468 | 0,41 | 48,4 | 146 MB |",
    "| DuckDB, gevalideerd | 11.606 | 0,31 | 46,6 | 360 MB |",
    "| DuckDB, vertrouwd bestand | 28.347 | 0,75 | 20,4 | 359 MB |",
    "",
    "Alle wegen publiceerden dezelfde cijfers. CPU-seconden tellen alle threads (DuckDB gebruikt",
    "beide kernen, de andere wegen één); op een drukke machine valt DuckDBs tweede kern weg, en",
    "drie metingen op dezelfde dag liepen daardoor uiteen: Python 0,31 tot 0,41, DuckDB gevalideerd",
    "0,31 tot 0,47, DuckDB vertrouwd 0,64 tot 0,78 keer alleen inlezen. Python komt niet in de buurt",
    "van alleen inlezen: valideren kost per regel al meer dan `json.loads`.",
    "DuckDB leest en telt een vertrouwd bestand met ongeveer 1,3 keer het rekenwerk van alleen",
    "inlezen, verdeeld over de kernen; gevalideerd bepaalt de validatie de snelheid.",
)


#: The section on the receiver: the API, the roles, the histories beside the dossier, the sources.
_ONTVANGER: tuple[str, ...] = (
    "## In de ontvanger",
    "",
    "Een ontvanger houdt naast elk dossier de historie van de verwijzing bij (geen persoonsgegevens),",
    "in dezelfde transactie als elke wijziging. Die blijft staan als de persoonsgegevens na de",
    "bewaartermijn worden gewist, zodat de tellingen blijven kloppen. De referentieontvanger",
    "publiceert de cijfers met `GET /v1/monitoring` (`periodesoort`, `dimensie`, `van`, `tot`; zie",
    "[API](api.md)):",
    "",
    "- een medewerker krijgt de cijfers van de gemeenten waarvoor zijn organisatie werkt, een",
    "  schuldeiser niets ([WD-MON-03](eisen.md#WD-MON-03));",
    "- de rol NVVK krijgt de cijfers van alle gemeenten en geen enkel dossier",
    "  ([WD-MON-04](eisen.md#WD-MON-04));",
    "- altijd onderdrukt onder de drempel, minstens 5 ([WD-MON-01](eisen.md#WD-MON-01)), en zonder",
    "  persoonsgegevens of kenmerken van verwijzingen ([WD-MON-02](eisen.md#WD-MON-02)).",
    "",
    "**Bronnen.** `warm-referral monitor rapport` leest behalve een JSON Lines-bestand elke",
    "geïnstalleerde bron van historiën: een plug-in in de entry-point-groep",
    "`warm_referral.monitor.bronnen` die de historiën in het uitwisselformaat schrijft. De",
    "referentiediensten installeren `--ontvanger-db BESTAND` (de database van de referentieontvanger,",
    "met `--ontvanger-config` voor de organisatie per gemeente), zodat",
    "`warm-referral monitor rapport --ontvanger-db ontvanger.sqlite3 --uit map` het kwartaalrapport",
    "rechtstreeks uit de ontvanger maakt. `warm-referral monitor export --ontvanger-db ...` schrijft",
    "dezelfde historiën als JSON Lines, om aan een ander te geven.",
)


def monitoring_pagina() -> str:
    namen = {t.naam: t for t in TELLINGEN.values()}
    uit = [
        "<!-- Generated by tools/generate.py (artifact 'monitoring') from",
        "     src/warm_referral/monitoring/ (indicatoren.py, vergelijking.py, data/landelijke_monitor.json).",
        "     Do not edit: change the definitions and run python tools/generate.py monitoring -->",
        "",
        "# Monitoring en evaluatie",
        "",
        "De pilot wil weten of warm doorverwijzen bijdraagt aan het sneller bereiken van inwoners met",
        "betalingsachterstanden, het aanbieden en accepteren van hulp en het hervatten van reguliere",
        "betalingen. `warm_referral.monitoring` berekent die cijfers uit de geschiedenis van elke",
        "verwijzing, zonder persoonsgegevens, en maakt er de kwartaalrapportage voor de werkgroep van.",
        "",
        "## De verwijzingshistorie",
        "",
        "Per verwijzing één `Verwijzingshistorie`: gemeentecode, de organisatie die de schuldhulp voor",
        "de gemeente uitvoert, de schuldeiser, soort verwijzer, grondslag, crisis, verwijsdatum,",
        "ontvangstmoment en contactdeadline, en de gedateerde stappen: contactpogingen (soort, dagdeel,",
        "bereikt), mijlpalen, de redencode van NietOpgepakt, doorzending, intrekking, het eindresultaat",
        "in DDAS-termen en de meldingen van de schuldeiser over betaalgedrag. Geen naam, adres, BSN,",
        "bedrag of vrije tekst: het is wat een ontvanger na de bewaartermijn nog mag bewaren.",
        "",
        "- Uit het dossier van de gemeente: `historie_van(dossier, verwijzing, organisatie=...)`.",
        "- Uitwisselformaat voor andere implementaties: JSON Lines, één historie per regel, met het",
        "  JSON Schema `spec/v1/monitoring/verwijzingshistorie.json`. Lezen met `lees_historie` (een",
        "  ongeldige regel geeft `InvalidHistory` met regelnummer, JSON pointer en reden), schrijven",
        "  met `schrijf_historie`.",
        "",
        "Een verwijzing telt mee in de maand, het kwartaal en het jaar van haar verwijsdatum (cohort),",
        "met al haar latere stappen. Werkdagen volgen de Algemene termijnenwet (`warm_referral.calendar`);",
        "de dag van ontvangst telt niet mee. Mediaan, P75 en P90 volgen de nearest-rank-methode: de",
        "kleinste waarde waarvoor minstens p% van de waarnemingen kleiner of gelijk is. Alle cijfers",
        "worden berekend per maand, kwartaal en jaar; voor het geheel en per gemeente, organisatie,",
        "soort verwijzer, grondslag en schuldeiser.",
        "",
        "## Indicatoren",
        "",
        "| Code | Indicator | Definitie | Soort | Eenheid | Teller | Noemer |",
        "|---|---|---|---|---|---|---|",
    ]
    for i in INDICATOREN:
        teller = i.teller or i.duur or (f"per {i.categorie}" if i.categorie else "")
        uit.append(
            f"| `{i.code}` | {_cel(i.naam)} | {_cel(i.definitie)} | {i.soort.value} | {i.eenheid} "
            f"| {teller and f'`{teller}`'} | {(i.noemer and f'`{i.noemer}`') or ''} |"
        )
    uit += [
        "",
        "### Tellingen: welke gebeurtenissen tellen",
        "",
        "| Telling | Betekenis | Gebeurtenissen |",
        "|---|---|---|",
    ]
    uit += [
        f"| `{t.naam}` | {_cel(t.omschrijving)} | {_cel(t.gebeurtenissen)} |"
        for t in namen.values()
    ]
    uit += [
        "",
        "### Duren",
        "",
        "| Duur | Betekenis | Eenheid | Gebeurtenissen |",
        "|---|---|---|---|",
    ]
    uit += [
        f"| `{d.naam}` | {_cel(d.omschrijving)} | {d.eenheid} | {_cel(d.gebeurtenissen)} |"
        for d in DUREN.values()
    ]
    uit += [
        "",
        "### Categorieën",
        "",
        "| Categorie | Betekenis | Gebeurtenissen |",
        "|---|---|---|",
    ]
    uit += [
        f"| `{c.naam}` | {_cel(c.omschrijving)} | {_cel(c.gebeurtenissen)} |"
        for c in CATEGORIEEN.values()
    ]
    uit += [
        "",
        "Evaluatie: de Betaalgedragmelding vult `regulierBetaald`, en vanaf specVersie 1.1 ook",
        "`ingrijpendeMaatregelen` (per maatregel: genomen, of niet genomen: voorkomen). De historie",
        "neemt de genomen maatregelen op in `ingrijpendeMaatregelen` en de voorkomen in",
        "`voorkomenMaatregelen`; de indicator `maatregel_voorkomen` telt een melding zonder genomen",
        "maatregel (afwezig: niet gemeld).",
        "",
        "## Vergelijking met gewone vroegsignalen en het landelijk beeld",
        "",
        "De landelijke monitor vroegsignalering (Divosa) definieert per signaal en per zaak. Dezelfde",
        "vier indicatoren worden op dezelfde manier berekend voor de warme verwijzingen (uit hun",
        "historie) en voor een basislijn van gewone vroegsignalen (uit een DDAS v1.2-levering, gevalideerd",
        "tegen het officiële schema; signalen met `warmeOverdracht` tellen daar niet mee).",
        "",
        "| Code | Indicator | Definitie |",
        "|---|---|---|",
    ]
    uit += [
        f"| `{i.code}` | {_cel(i.naam)} | {_cel(i.definitie)} |" for i in LANDELIJKE_INDICATOREN
    ]
    uit += [
        "",
        "Een signaal werd een zaak als een vroegsignaalzaak met `datumOpgepakt` ernaar verwijst; een",
        "zaak bereikte de inwoner als één van haar contactpogingen `bereikt` heeft; hulp is geaccepteerd",
        "bij het eindresultaat "
        + ", ".join(f"'{r.value}'" for r in sorted(HULP_GEACCEPTEERD, key=lambda r: r.value))
        + ".",
        "",
        "### Landelijke referentiereeks",
        "",
    ]
    bron, toelichting = landelijke_bron()
    uit += [
        f"Bron: {bron}. {toelichting}",
        "",
        "| Jaar | Indicator | Waarde | Toelichting |",
        "|---|---|---|---|",
    ]
    uit += [
        f"| {w.jaar} | `{w.indicator}` | {w.procent:g}% | {_cel(w.toelichting)} |"
        for w in landelijke_referentie()
    ]
    uit += [
        "",
        "## Publicatieveiligheid",
        "",
        "Elke gepubliceerde uitvoer (CSV, HTML, `GET /v1/monitoring`) gaat door `publiceerbaar`, met",
        f"een drempel van standaard {STANDAARD_DREMPEL} (instelbaar; in een ontvanger minstens"
        f" {STANDAARD_DREMPEL}, eis [WD-MON-01](eisen.md#WD-MON-01)):",
        "",
        "- een aantal onder de drempel wordt niet getoond, nul inbegrepen;",
        "- een percentage alleen als teller én noemer minstens de drempel zijn (met een getoonde noemer",
        "  zou het percentage een verborgen teller verraden);",
        "- een mediaan of percentiel alleen als er minstens zoveel verwijzingen onder liggen;",
        "- geen uitvoer bevat persoonsgegevens of verwijzingIds: alleen codes, periodes, groepen en getallen.",
        "",
        "Beperking: er is geen secundaire onderdrukking. Wie een totaal en alle andere delen kent, kan een",
        "onderdrukt deel soms terugrekenen (bijvoorbeeld één onderdrukte gemeente naast het totaal, of",
        "één maand naast het kwartaal). Publiceer daarom liefst één indeling per tabel.",
        "",
        "## De kwartaalrapportage",
        "",
        "`warm-referral monitor rapport --historie historie.jsonl [--basislijn ddas.json] --uit map`",
        "(met `pip install 'warm-referral[rapport]'`; `--engine` en `--vertrouwd`: zie [Schaal](#schaal))",
        "schrijft (in plaats van `--historie` kan elke geïnstalleerde bron, zie",
        "[In de ontvanger](#in-de-ontvanger)):",
        "",
        "- `monitoring.csv`: elke indicator, elke periode, elke indeling, met de kolommen "
        + ", ".join(f"`{k}`" for k in CSV_KOLOMMEN)
        + ";",
        "- `monitoring.html`: één zelfstandige Nederlandstalige pagina (geen netwerk, geen script) met",
        "  de kerncijfers van het kwartaal, de trechter van verwijzing tot aanvaarde hulp, de verdeling",
        "  van de tijd tot de eerste contactpoging tegen de lijn van 3 werkdagen, de maandelijkse",
        "  ontwikkeling, de uitsplitsing naar soort schuldeiser, de vergelijking met de basislijn en de",
        "  landelijke cijfers, een tabel per gemeente, de landelijke referentiereeks en de definities.",
        "",
        "`warm-referral monitor demo --uit map` doet hetzelfde met synthetische gegevens van de pilotregio",
        "(één drinkwaterbedrijf, 7 organisaties, 13 gemeenten in Zuid-Holland en Zeeland, met later",
        "aansluitende schuldeisers) en schrijft die gegevens erbij.",
        "",
        *_ONTVANGER,
        "",
        *_SCHAAL,
        "",
        "## DDAS-export",
        "",
        "`ddas_levering(...)` en `warm-referral monitor ddas` maken per gemeente en periode een levering",
        "die valideert tegen het officiële DDAS v1.2-schema: elke warme verwijzing als vroegsignaal met",
        "`warmeOverdracht: true`, het type signaalpartner, de signaalstatus en een vroegsignaalzaak met",
        "het eindresultaat en de contactpogingen. DDAS vraagt per signaal de cliënt (BSN, of postcode en",
        "huisnummer); die levert het systeem van de gemeente erbij (`--clienten`). Dit is de enige",
        "uitvoer met persoonsgegevens: een levering aan het CBS, geen publicatie.",
        "",
    ]
    return "\n".join(uit)
