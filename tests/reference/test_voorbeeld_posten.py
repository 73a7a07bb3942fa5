"""What the docs promise: the output of ``warm-referral voorbeeld`` can be posted to a receiver
as it is, today, any number of times (each a new referral), with the receiver's real clock."""

from __future__ import annotations

import pytest
from paths import EXAMPLES
from receiver_support import EVIDES, running_receiver

from warm_referral.cli import main


@pytest.mark.eis("WD-BER-02")
def test_posting_the_re_dated_example_is_accepted_each_time(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (EXAMPLES / "verwijzing-water-afsluitregeling.json").exists()
    with running_receiver(tmp_path) as api:  # type: ignore[arg-type]
        for _ in range(2):
            assert main(["voorbeeld", "verwijzing-water-afsluitregeling", "--compact"]) == 0
            bericht = capsys.readouterr().out.encode()
            response = api.post(
                "/v1/berichten", EVIDES, content=bericht, content_type="application/json"
            )
            assert response.status_code == 201, response.text
