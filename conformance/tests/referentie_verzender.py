"""The reference sender as the "vendor" in the self-test of role verwijzer: the kit's
``--opdracht-commando``. For the scenario in WD_SCENARIO it makes the reference sender (through its
CLI only: ``warm-referral send`` and ``serve sender``) do what the instruction asks, against the
double at WD_URL. Runs in the background; the kit ends it after the run.

    python referentie_verzender.py          # with WD_SCENARIO, WD_URL and WD_MAP set

With WD_ONDERTEKEN_SLEUTEL and WD_ONDERTEKEN_KETEN (PEM files) the sender signs what it sends.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

from warm_referral import parse_json
from warm_referral.testing.voorbeelden import herdateer

VOORBEELD = (
    Path(__file__).resolve().parents[2] / "spec/v1/examples/verwijzing-water-afsluitregeling.json"
)
AANTAL = {"verwijzing": 1, "herhaling_na_storing": 1, "backoff": 5, "definitieve_weigering": 2}


def main() -> int:
    scenario, url = os.environ["WD_SCENARIO"], os.environ["WD_URL"]
    map_ = Path(os.environ.get("WD_MAP", ".")) / f"{scenario}-{uuid.uuid4().hex[:6]}"
    map_.mkdir(parents=True)
    cli = [sys.executable, "-m", "warm_referral"]
    ondertekening = []
    if os.environ.get("WD_ONDERTEKEN_SLEUTEL"):
        ondertekening = [
            "--onderteken-sleutel",
            os.environ["WD_ONDERTEKEN_SLEUTEL"],
            "--onderteken-keten",
            os.environ["WD_ONDERTEKEN_KETEN"],
        ]
    if scenario == "postvak":
        # The outbox of the earlier scenarios' referral is not needed: the postvak is per creditor.
        # exec, not a child: the kit ends this process after the run, and a child would outlive it.
        os.execv(
            sys.executable,
            [
                *cli,
                "serve",
                "sender",
                "--to",
                url,
                "--db",
                str(map_ / "verzender.sqlite3"),
                "--token",
                "dev-evides",
                "--postvak-interval",
                "0.3",
                *ondertekening,
            ],
        )
    voorbeeld = parse_json(VOORBEELD.read_bytes())
    bestanden = []
    for i in range(AANTAL.get(scenario, 1)):
        pad = map_ / f"verwijzing-{i}.json"
        pad.write_bytes(herdateer(voorbeeld).to_json())
        bestanden.append(str(pad))
    os.execv(
        sys.executable,
        [
            *cli,
            "send",
            *bestanden,
            "--to",
            url,
            "--db",
            str(map_ / "verzender.sqlite3"),
            "--timeout",
            "1",
            "--opgeven-na",
            "60",
            *ondertekening,
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
