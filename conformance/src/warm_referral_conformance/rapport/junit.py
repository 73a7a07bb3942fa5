"""JUnit XML for CI systems: one testcase per check, a failure per violation, skipped when not run."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..resultaten import Run, Status

__all__ = ["schrijf_junit"]


def schrijf_junit(run: Run, pad: Path) -> None:
    gefaald = sum(1 for c in run.controles if c.status is Status.GEFAALD)
    overgeslagen = sum(
        1 for c in run.controles if c.status in (Status.NIET_UITGEVOERD, Status.VRIJGESTELD)
    )
    suites = ET.Element("testsuites", name="warm-referral-conformance")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"conformance.{run.rol}",
        tests=str(len(run.controles)),
        failures=str(gefaald),
        errors="0",
        skipped=str(overgeslagen),
        timestamp=run.begin.isoformat(),
        time=f"{(run.einde - run.begin).total_seconds():.3f}",
    )
    eigenschappen = ET.SubElement(suite, "properties")
    for naam, waarde in (
        ("kit", run.kit_versie),
        ("specversie", run.specversie),
        ("catalogus", run.catalogus_versie),
        ("doel", run.doel),
        ("seed", str(run.seed)),
    ):
        ET.SubElement(eigenschappen, "property", name=naam, value=waarde)
    vrijgesteld = {e.eis for e in run.eisen if e.status is Status.VRIJGESTELD}
    for controle in run.controles:
        geval = ET.SubElement(
            suite,
            "testcase",
            classname=f"conformance.{run.rol}.{controle.controle.split('.')[0]}",
            name=f"{controle.controle} [{', '.join(controle.eisen)}]",
            time=f"{controle.duur:.3f}",
        )
        open_ = [a for a in controle.afwijkingen if a.eis not in vrijgesteld]
        if controle.status is Status.GEFAALD and not open_:
            ET.SubElement(
                geval,
                "skipped",
                message="vrijgesteld: " + ", ".join(sorted(vrijgesteld & set(controle.eisen))),
            )
        elif controle.status is Status.GEFAALD:
            tekst = []
            for a in controle.afwijkingen:
                tekst.append(f"{a.eis}: {a.melding}")
                if a.uitwisseling is not None:
                    tekst.append(f"  {controle.uitwisselingen[a.uitwisseling].curl}")
            ET.SubElement(
                geval,
                "failure",
                message=f"{len(controle.afwijkingen)} afwijking(en)",
                type="afwijking",
            ).text = "\n".join(tekst)
        elif controle.status is Status.NIET_UITGEVOERD:
            ET.SubElement(geval, "skipped", message=f"niet uitgevoerd: {controle.reden}")
    ET.indent(suites)
    pad.write_bytes(ET.tostring(suites, encoding="utf-8", xml_declaration=True))
