"""One error shape for every failure, throttles per token and per user, page-size limits."""

import pytest

from portfolio.api import auth
from portfolio.api.errors import api_exception_handler
from tests.api.conftest import token_client
from tests.api.endpoints import ALL
from tests.factories import LedgerEntryFactory

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"] and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


def test_an_unknown_path_or_version_is_a_404_in_our_shape(api):
    _error(api.get("/api/v1/no-such-thing/"), 404, "not_found")
    other = _error(api.get("/api/v2/holdings/"), 404, "not_found")
    assert other["message"] == (
        "No such version of the API: this server has version 1, under /api/v1/."
    )
    _error(api.post("/api/v1/holdings/x/"), 404, "not_found")
    _error(api.get("/api/v1/connections/99999999999999999999999/"), 404, "not_found")


def test_the_versions_root_lists_its_endpoints_schema_and_docs(client):
    """/api/v1/ answers, to anyone, what is there (no endpoint's data)."""
    response = client.get("/api/v1/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    index = response.json()
    assert index["version"] == "1"
    assert index["schema"] == "http://testserver/api/v1/schema/"
    assert (index["docs"], index["redoc"]) == (
        "http://testserver/api/v1/docs/",
        "http://testserver/api/v1/redoc/",
    )
    endpoints = index["endpoints"]
    assert "/api/v1/holdings/" in endpoints and "/api/v1/reports/{report_id}/download/" in endpoints
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    assert sorted(endpoints) == sorted(paths)  # every endpoint the schema describes, once


def test_a_wrong_method_is_a_405(api):
    error = _error(api.put("/api/v1/holdings/", {}, format="json"), 405, "method_not_allowed")
    assert "PUT" in error["message"]


def test_invalid_input_names_each_field(api):
    error = _error(api.post("/api/v1/tokens/", {"name": ""}, format="json"), 400, "invalid")
    assert error["fields"] == {"name": ["Give the token a name."]}
    error = _error(api.get("/api/v1/ledger-entries/?since=yesterday&connection=0"), 400, "invalid")
    assert set(error["fields"]) == {"since", "connection"}
    error = _error(api.get("/api/v1/disposals/?term=forever"), 400, "invalid")
    assert list(error["fields"]) == ["term"]


def test_a_bad_cursor_is_a_404_and_not_json_is_a_400(api):
    _error(api.get("/api/v1/ledger-entries/?cursor=bogus"), 404, "not_found")
    response = api.generic("POST", "/api/v1/tokens/", "{not json", content_type="application/json")
    _error(response, 400, "parse_error")
    response = api.generic("POST", "/api/v1/tokens/", "name=x", content_type="text/plain")
    _error(response, 415, "unsupported_media_type")


def test_an_unexpected_error_is_a_500_in_our_shape_and_is_logged(caplog):
    response = api_exception_handler(RuntimeError("boom"), {"view": None})
    assert response.status_code == 500
    assert response.data == {
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side; it was logged.",
            "fields": {},
        }
    }
    assert "boom" in caplog.text  # the traceback is logged, never sent


def test_calls_are_throttled_per_token(owner, monkeypatch):
    monkeypatch.setattr(
        auth.TokenRateThrottle, "THROTTLE_RATES", {"token": "2/minute", "user": "100/minute"}
    )
    first = token_client(owner["user"], read_only=True, name="a")
    second = token_client(owner["user"], read_only=True, name="b")
    assert [first.get("/api/v1/profile/").status_code for _ in range(2)] == [200, 200]
    response = first.get("/api/v1/profile/")
    _error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert second.get("/api/v1/profile/").status_code == 200  # another token has its own count


def test_calls_are_throttled_per_user_across_tokens(owner, other, monkeypatch):
    monkeypatch.setattr(
        auth.UserRateThrottle, "THROTTLE_RATES", {"token": "100/minute", "user": "3/minute"}
    )
    first = token_client(owner["user"], read_only=True, name="a")
    second = token_client(owner["user"], read_only=True, name="b")
    codes = [c.get("/api/v1/profile/").status_code for c in (first, second, first)]
    assert codes == [200, 200, 200]
    _error(second.get("/api/v1/profile/"), 429, "throttled")
    elsewhere = token_client(other["user"], read_only=True, name="c")
    assert elsewhere.get("/api/v1/profile/").status_code == 200


def test_pages_walk_the_whole_list_once_and_their_size_is_capped(owner, api):
    for _ in range(4):
        LedgerEntryFactory(connection=owner["connection"])
    seen, url = [], "/api/v1/ledger-entries/?page_size=2"
    while url:
        page = api.get(url).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    expected = list(
        owner["connection"].ledger_entries.order_by("time", "id").values_list("id", flat=True)
    )
    assert seen == expected and len(seen) == 5
    capped = api.get("/api/v1/ledger-entries/?page_size=100000").json()
    assert len(capped["results"]) == 5  # capped at API_MAX_PAGE_SIZE (500), never unbounded


def test_every_endpoint_describes_itself_to_options(owner, api):
    for endpoint in ALL:
        response = api.options(endpoint.path(owner))
        assert response.status_code == 200, (endpoint.name, response.content)
        body = response.json()
        assert body["name"] and "application/json" in body["renders"], endpoint.name
