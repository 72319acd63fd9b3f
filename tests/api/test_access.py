"""Every endpoint: the owner gets their data, another user 404, anonymous 401, a read-only
token 403 on writes; and no response ever carries a secret."""

import json

import pytest

from accounts.models import KrakenConnection, Profile
from jobs.models import Job
from portfolio.api.models import ApiToken
from portfolio.books.models import DepositBasis
from portfolio.models import ImportRecord, SyncRun
from reports.models import ReportFile
from tests.api.endpoints import ALL, LOCAL, READS, WRITES, call
from tests.factories import secret_for

pytestmark = pytest.mark.django_db


def _ids(endpoint):
    return endpoint.name.replace(" ", "-")


def _content(response) -> bytes:
    """The body, streamed (a download) or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def _state() -> tuple:
    """What a refused write must leave as it was."""
    return (
        list(KrakenConnection.objects.order_by("pk").values_list("pk", "label", "updated_at")),
        list(Profile.objects.order_by("pk").values_list("pk", "base_currency")),
        sorted(ApiToken.objects.values_list("pk", flat=True)),
        SyncRun.objects.count(),
        ImportRecord.objects.count(),
        DepositBasis.objects.count(),
        sorted(Job.objects.values_list("pk", "state")),
        sorted(ReportFile.objects.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize("endpoint", READS, ids=_ids)
def test_the_owner_reads_their_own_data(endpoint, owner, other, api):
    response = call(api, endpoint, owner)
    assert response.status_code == 200, _content(response)
    if endpoint.lists:
        body = response.json()
        ids = [row["id"] for row in body["results"]]
        assert ids == [owner[endpoint.lists].pk]
        assert other[endpoint.lists].pk not in ids


def test_reads_show_the_owners_values(owner, api):
    assert api.get("/api/v1/profile/").json()["username"] == "owner"
    holdings = api.get("/api/v1/holdings/").json()
    assert holdings["run"]["id"] == owner["run"].pk
    assert [(h["asset"], h["quantity"], h["market_value"]) for h in holdings["holdings"]] == [
        ("BTC", "1.5", "63000.15")
    ]
    ledger = api.get("/api/v1/ledger-entries/").json()["results"][0]
    assert ledger["amount"] == "0.0150000000"
    assert ledger["time"] == owner["ledger"].time.isoformat().replace("+00:00", "Z")
    disposal = api.get("/api/v1/disposals/").json()["results"][0]
    assert disposal["gain"] == "2200.000000000000000000"
    assert disposal["lots"][0]["lot_id"] == "lot-1"
    year = api.get("/api/v1/tax-years/2024/").json()
    assert year == {"year": 2024, "summary": {"income": {"total": "8.75"}}}
    sync = api.get(f"/api/v1/syncs/{owner['sync'].pk}/").json()
    assert sync["progress"] == [
        {
            "dataset": "ledgers",
            "label": "Ledger entries",
            "fetched": 3,
            "total": 3,
            "state": "done",
            "percent": 100,
        }
    ]


@pytest.mark.parametrize("endpoint", [e for e in ALL if e.owned], ids=_ids)
def test_another_user_gets_404_and_changes_nothing(endpoint, owner, other, api_other):
    before = _state()
    _error(call(api_other, endpoint, owner), 404, "not_found")
    assert _state() == before


@pytest.mark.parametrize("endpoint", ALL, ids=_ids)
def test_anonymous_gets_401(endpoint, owner, anonymous):
    before = _state()
    response = call(anonymous, endpoint, owner)
    _error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert _state() == before


@pytest.mark.parametrize("endpoint", WRITES, ids=_ids)
def test_a_read_only_token_is_refused_on_writes(endpoint, owner, api_read_only):
    before = _state()
    _error(call(api_read_only, endpoint, owner), 403, "read_only_token")
    assert _state() == before


def test_an_unknown_or_revoked_token_gets_401(owner, api):
    api.credentials(HTTP_AUTHORIZATION="Token kp_0000000000000000")
    _error(api.get("/api/v1/profile/"), 401, "authentication_failed")


def test_no_response_carries_a_secret(owner, other, api):
    secrets = [
        owner["connection"].api_key(),
        owner["connection"].api_secret(),
        owner["connection"].futures_key(),
        owner["connection"].futures_secret(),
        api.raw_token,
    ]
    new_key = "NEWKEYowner0123456789abcdefghijklmnop"
    new_secret = secret_for("brand-new")
    bodies = [_content(call(api, endpoint, owner)).decode() for endpoint in READS]
    created = api.post(
        "/api/v1/connections/",
        {"label": "Second", "api_key": new_key, "api_secret": new_secret, **LOCAL},
        format="json",
    )
    assert created.status_code == 201, created.content
    bodies.append(created.content.decode())
    bodies.append(
        api.patch(
            f"/api/v1/connections/{owner['connection'].pk}/",
            {"api_secret": secret_for("rotated")},
            format="json",
        ).content.decode()
    )
    bodies += [api.get(f"/api/v1/connections/{created.json()['id']}/").content.decode()]
    bodies.append(api.get("/api/v1/connections/").content.decode())
    bodies.append(api.get("/api/v1/tokens/").content.decode())
    everything = "\n".join(bodies)
    for secret in [*secrets, new_key, new_secret, secret_for("rotated")]:
        assert secret not in everything
    shown = json.loads(created.content)
    assert shown["api_key_hint"] == f"{new_key[:4]}…{new_key[-4:]}"
