"""The reference sender asks the same participants register and profile before it sends, and
restamps its messages for the receiver's specVersie (a 1.0 receiver never gets what 1.1 added)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from paths import EXAMPLES
from sender_support import NepGemeente, verwijzing
from warm_referral_reference.deelnemers import dev_register
from warm_referral_reference.sender import Outbox
from warm_referral_reference.sender.errors import NotAllowedByAgreements

from warm_referral import parse_json
from warm_referral.errors import PeerVersionError
from warm_referral.models import Betaalgedragmelding, Grondslag, SoortVerwijzer, Verwijzing


def _anders(v: Verwijzing, **wijzigingen: object) -> Verwijzing:
    data = v.model_dump(mode="python", by_alias=False, exclude_none=True)
    data.update(wijzigingen)
    return Verwijzing(**data)


@pytest.mark.eis("WD-DEEL-05")
def test_a_referral_outside_the_registration_never_leaves_the_outbox(tmp_path: Path) -> None:
    gemeente = NepGemeente()
    outbox = Outbox(tmp_path / "o.sqlite3")
    verzender = gemeente.verzender(outbox, register=dev_register())
    goed = verwijzing(1)
    energie = _anders(verwijzing(2), soort_verwijzer=SoortVerwijzer.ENERGIE)
    bgs = _anders(verwijzing(3), grondslag=Grondslag.BESLUIT_SCHULDHULPVERLENING)

    async def stuur() -> None:
        await verzender.enqueue(goed)
        for fout in (energie, bgs):
            with pytest.raises(NotAllowedByAgreements) as info:
                await verzender.enqueue(fout)
            assert info.value.violations
        await verzender.aclose()

    asyncio.run(stuur())
    assert outbox.uitgaand(goed.bericht_id) is not None
    assert outbox.uitgaand(energie.bericht_id) is None and outbox.uitgaand(bgs.bericht_id) is None


@pytest.mark.eis("WD-VERZ-08")
def test_a_1_0_receiver_gets_1_0_messages_only(tmp_path: Path) -> None:
    gemeente = NepGemeente()
    outbox = Outbox(tmp_path / "o.sqlite3")
    verzender = gemeente.verzender(outbox, spec_versies=["1.0"])
    evaluatie = parse_json((EXAMPLES / "betaalgedragmelding-evaluatie.json").read_bytes())
    assert isinstance(evaluatie, Betaalgedragmelding)
    uwv = parse_json((EXAMPLES / "verwijzing-uwv-toestemming.json").read_bytes())

    async def stuur() -> None:
        await verzender.enqueue(evaluatie)
        with pytest.raises(PeerVersionError):
            await verzender.enqueue(uwv)
        await verzender.aclose()

    asyncio.run(stuur())
    rij = outbox.uitgaand(evaluatie.bericht_id)
    assert rij is not None
    opgeslagen = rij.bericht()
    assert opgeslagen.spec_versie == "1.0"
    assert b"ingrijpendeMaatregelen" not in rij.body
    assert verzender.weggelaten[evaluatie.bericht_id] == ("ingrijpendeMaatregelen",)
    assert outbox.uitgaand(uwv.bericht_id) is None
