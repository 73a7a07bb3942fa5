"""The receiver's HTTP rules (issue 13): a trailing slash is 404, never a redirect; query parameters
are applied or refused, never ignored; lists are paginated; the test clock is for operators; the
OpenAPI document is readable from any origin; an internal error is a problem-details 500 on a
connection that stays usable; a client that goes away mid-body is one log line.

Every exchange through :class:`receiver_support.Api` is checked against the OpenAPI document.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from receiver_support import (
    BASE_URL,
    EVIDES,
    EVIDES_KLOK,
    EVIDES_VERWIJZING,
    OPERATOR,
    PROBLEM_JSON,
    Api,
    example,
    fresh,
    running_receiver,
)

PADEN = [
    ("/v1/openapi.json", None),
    ("/v1/postvak", EVIDES),
    ("/v1/verwijzingen", OPERATOR),
    ("/v1/termijnbewaking", OPERATOR),
    ("/v1/testklok", OPERATOR),
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running_receiver(tmp_path_factory.mktemp("regels")) as client:
        client.zet_klok(EVIDES_KLOK)
        for _ in range(5):
            client.stuur(EVIDES, fresh(example(EVIDES_VERWIJZING)))
        yield client


def _probleem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["api-version"]
    body: dict[str, Any] = response.json()
    return body


# --- trailing slash ---------------------------------------------------------------------------------


@pytest.mark.eis("WD-API-07")
@pytest.mark.parametrize(("pad", "token"), PADEN)
def test_a_trailing_slash_is_404_without_a_redirect(api: Api, pad: str, token: str | None) -> None:
    response = api.get(pad + "/", token, headers={"Host": "evil.example"})
    _probleem(response, 404)
    assert "location" not in response.headers
    assert "evil.example" not in response.text


# --- query parameters -------------------------------------------------------------------------------


@pytest.mark.eis("WD-API-11")
@pytest.mark.parametrize(("pad", "token"), PADEN)
def test_an_unknown_query_parameter_is_refused_not_ignored(
    api: Api, pad: str, token: str | None
) -> None:
    response = api.get(pad, token, params={"sorteer": "nieuwste", "x/y~": "1"})
    fouten = _probleem(response, 400)["fouten"]
    assert {(f["pointer"], f["code"]) for f in fouten} == {
        ("/sorteer", "onbekende_parameter"),
        ("/x~1y~0", "onbekende_parameter"),
    }


@pytest.mark.eis("WD-API-11")
def test_a_repeated_query_parameter_is_refused(api: Api) -> None:
    response = api.client.get(
        "/v1/verwijzingen?gemeentecode=0718&gemeentecode=0687",
        headers={"Authorization": f"Bearer {OPERATOR}"},
    )
    fouten = _probleem(response, 400)["fouten"]
    assert fouten == [
        {
            "pointer": "/gemeentecode",
            "code": "herhaalde_parameter",
            "melding": "given more than once",
        }
    ]


@pytest.mark.eis("WD-ROB-04")
@pytest.mark.parametrize("waarde", ["9" * 5000, "0" * 5000, "1" * 21, "-1", "1e3", "٣"])
@pytest.mark.parametrize("naam", ["na", "limiet"])
def test_a_query_number_out_of_range_is_400_not_500(api: Api, naam: str, waarde: str) -> None:
    response = api.get("/v1/postvak", EVIDES, params={naam: waarde})
    fouten = _probleem(response, 400)["fouten"]
    assert [f["pointer"] for f in fouten] == [f"/{naam}"]
    assert len(response.content) < 2000, "the refusal does not echo the whole value"


@pytest.mark.eis("WD-API-11")
def test_a_creditor_s_gemeentecode_filter_is_applied(api: Api) -> None:
    alle = api.get("/v1/verwijzingen", EVIDES).json()["verwijzingen"]
    assert len(alle) == 5
    assert api.get("/v1/verwijzingen", EVIDES, params={"gemeentecode": "0718"}).json() == {
        "verwijzingen": alle
    }
    ander = api.get("/v1/verwijzingen", EVIDES, params={"gemeentecode": "0363"})
    assert ander.json() == {"verwijzingen": []}


# --- pagination -------------------------------------------------------------------------------------


def _links(response: httpx.Response) -> dict[str, str]:
    links = {}
    for deel in response.headers["link"].split(", "):
        doel, rel = deel.split("; ")
        links[rel.removeprefix('rel="').removesuffix('"')] = doel.strip("<>")
    return links


@pytest.mark.eis("WD-API-12")
def test_the_list_is_paginated_with_links_that_walk_every_referral_once(api: Api) -> None:
    alle = [
        v["conversatieId"] for v in api.get("/v1/verwijzingen", OPERATOR).json()["verwijzingen"]
    ]
    gezien: list[str] = []
    volgende: str | None = "/v1/verwijzingen?pageSize=2"
    paginas = 0
    while volgende:
        response = api.client.get(volgende, headers={"Authorization": f"Bearer {OPERATOR}"})
        assert response.status_code == 200
        assert response.headers["x-total-count"] == str(len(alle))
        gezien += [v["conversatieId"] for v in response.json()["verwijzingen"]]
        links = _links(response)
        assert links["first"] == "/v1/verwijzingen?page=1&pageSize=2"
        assert links["last"] == "/v1/verwijzingen?page=3&pageSize=2"
        assert ("prev" in links) == (paginas > 0)
        volgende = links.get("next")
        paginas += 1
    assert paginas == 3
    assert gezien == alle


@pytest.mark.eis("WD-API-12")
def test_the_links_keep_the_filter_and_a_page_past_the_end_is_empty(api: Api) -> None:
    response = api.get(
        "/v1/verwijzingen", OPERATOR, params={"gemeentecode": "0718", "page": "9", "pageSize": "2"}
    )
    assert response.json() == {"verwijzingen": []}
    assert _links(response)["first"] == "/v1/verwijzingen?gemeentecode=0718&page=1&pageSize=2"
    assert "next" not in _links(response)


@pytest.mark.parametrize(("naam", "waarde"), [("page", "0"), ("pageSize", "501"), ("page", "x")])
def test_pagination_parameters_out_of_range_are_refused(api: Api, naam: str, waarde: str) -> None:
    response = api.get("/v1/verwijzingen", OPERATOR, params={naam: waarde})
    assert [f["pointer"] for f in _probleem(response, 400)["fouten"]] == [f"/{naam}"]


# --- the test clock, the OpenAPI document -----------------------------------------------------------


@pytest.mark.eis("WD-API-10")
def test_only_an_operator_reads_the_test_clock(api: Api) -> None:
    _probleem(api.get("/v1/testklok", EVIDES), 403)
    assert api.get("/v1/testklok", OPERATOR).status_code == 200


@pytest.mark.eis("WD-API-05")
def test_the_openapi_document_may_be_read_from_any_origin(api: Api) -> None:
    response = api.get("/v1/openapi.json", headers={"Origin": "https://elders.example"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    # Only the document: the API itself is not opened to browsers elsewhere.
    andere = api.get("/v1/postvak", EVIDES, headers={"Origin": "https://elders.example"})
    assert "access-control-allow-origin" not in andere.headers


# --- our own failures, the caller's disconnect ------------------------------------------------------


@pytest.mark.eis("WD-API-02")
def test_an_internal_error_is_a_problem_500_and_the_connection_stays_usable(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with running_receiver(tmp_path) as client:

        async def kapot(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("a bug of ours")

        client.app.state.ontvanger.postvak = kapot
        with caplog.at_level(logging.ERROR, logger="warm_referral_reference.receiver"):
            # The raw client: the checked one fails every 5xx, which is what this test wants.
            response = client.client.get(
                "/v1/postvak", headers={"Authorization": f"Bearer {EVIDES}"}
            )
        body = _probleem(response, 500)
        assert body["type"].endswith("/interne-fout")
        assert "a bug of ours" not in response.text
        assert response.headers["cache-control"] == "no-store"
        fouten = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(fouten) == 1 and fouten[0].exc_info is not None  # ours: with its traceback
        assert client.get("/v1/openapi.json").status_code == 200


def test_a_client_that_goes_away_mid_body_is_one_log_line(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with running_receiver(tmp_path) as client:
        app = client.app
        berichten = [
            {"type": "http.request", "body": b'{"berichttype": ', "more_body": True},
            {"type": "http.disconnect"},
        ]
        verzonden: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return berichten.pop(0) if berichten else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            verzonden.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/v1/berichten",
            "raw_path": b"/v1/berichten",
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"testserver"),
                (b"authorization", f"Bearer {EVIDES}".encode()),
                (b"content-type", b"application/json"),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        with caplog.at_level(logging.INFO):
            asyncio.run(app(scope, receive, send))
        regels = [r for r in caplog.records if r.name.startswith("warm_referral")]
        assert len(regels) == 1, [r.getMessage() for r in regels]
        assert regels[0].exc_info is None
        assert "went away" in regels[0].getMessage()
        assert BASE_URL  # the same app keeps serving
        assert client.get("/v1/openapi.json").status_code == 200
