"""The connection limits are settings: defaults that are safe on a network, a configuration file
that may change each, and clear refusals of settings that make no sense."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from warm_referral_reference.receiver.config import HttpLimieten, Instellingen, Modus
from warm_referral_reference.receiver.errors import ConfigError
from warm_referral_reference.receiver.server import uvicorn_options


def _laad(tmp_path: Path, http: object) -> Instellingen:
    pad = tmp_path / "config.json"
    pad.write_text(json.dumps({"http": http}))  # the development register and tokens
    return Instellingen.laad(pad, Modus.ONTWIKKELING)


def test_the_defaults_bound_every_connection() -> None:
    limieten = Instellingen().http
    assert limieten.max_kop <= 64 * 1024 and limieten.max_headers <= 200
    assert 0 < limieten.kop_timeout <= 60 and 0 < limieten.inhoud_timeout <= 120
    assert 0 < limieten.stil_timeout <= 60
    assert uvicorn_options(Instellingen())["timeout_keep_alive"] == limieten.stil_timeout


def test_the_configuration_file_sets_them_by_camel_case_name(tmp_path: Path) -> None:
    limieten = _laad(tmp_path, {"kopTimeout": 2.5, "maxHeaders": 20}).http
    assert limieten == HttpLimieten(kop_timeout=2.5, max_headers=20)


@pytest.mark.parametrize(
    ("http", "melding"),
    [
        ({"kopTimeot": 2}, "unknown setting(s) ['kopTimeot']"),
        ({"kopTimeout": 0}, "http.kop_timeout: 0 is not a positive number"),
        ({"maxKop": "veel"}, "http.max_kop: 'veel' is not a positive number"),
        ({"maxKop": True}, "http.max_kop: True is not a positive number"),
        ({"maxVerzoekregel": 9000, "maxKop": 8000}, "cannot be larger than maxKop"),
        ([], "'http' must be an object"),
    ],
)
def test_settings_that_make_no_sense_are_refused(
    tmp_path: Path, http: object, melding: str
) -> None:
    with pytest.raises(ConfigError, match=r"config\.json") as exc:
        _laad(tmp_path, http)
    assert melding in str(exc.value)
