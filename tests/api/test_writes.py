"""Writes go through the same services as the pages: the same checks, nothing written on bad
input; starting a sync or an import only enqueues it; entering a basis requests a rebuild."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import KrakenConnection, Profile
from jobs.models import Job, JobKind
from portfolio.books.models import DepositBasis
from portfolio.models import ImportRecord, LedgerEntry, SyncRun
from tests.api.endpoints import LOCAL
from tests.factories import make_connection, secret_for

pytestmark = pytest.mark.django_db


BAD = {
    "label": "main",
    "api_key": "short",
    "api_secret": "not base64!",
    **LOCAL,
    "rate_tier": "starter",
    "sync_interval_minutes": 60,
}


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        (BAD, {"label", "api_key", "api_secret"}),  # the services' checks
        ({**BAD, "sync_interval_minutes": 1}, {"sync_interval_minutes"}),  # the form's
        ({**BAD, "rate_tier": "custom", "rate_max": "-1", "api_key": ""}, {"api_key", "rate_max"}),
    ],
)
def test_a_bad_connection_gets_the_forms_messages_and_writes_nothing(
    data, problems, owner, api, client
):
    before = list(KrakenConnection.objects.values_list("pk", "label", "updated_at"))
    response = api.post("/api/v1/connections/", data, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    client.force_login(owner["user"])
    page = client.post("/accounts/connections/add/", data)
    assert fields == {k: list(v) for k, v in page.context["form"].errors.items()}
    assert set(fields) == problems
    assert list(KrakenConnection.objects.values_list("pk", "label", "updated_at")) == before


def test_a_connection_is_made_changed_and_deleted(owner, api):
    key, secret = "KEYapi0123456789abcdefghijklmnop", secret_for("api-made")
    made = api.post(
        "/api/v1/connections/",
        {"label": "Second", "api_key": key, "api_secret": secret, **LOCAL},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["api_key_hint"] == "KEYa…mnop" and body["csv_only"] is False
    stored = KrakenConnection.objects.get(pk=body["id"])
    assert stored.api_secret() == secret and secret not in stored.api_secret_encrypted
    changed = api.patch(
        f"/api/v1/connections/{stored.pk}/", {"label": "Renamed", "api_secret": ""}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["label"] == "Renamed"
    stored.refresh_from_db()
    assert stored.api_secret() == secret  # a blank secret keeps the stored one
    taken = api.patch(f"/api/v1/connections/{stored.pk}/", {"label": "MAIN"}, format="json")
    assert taken.json()["error"]["fields"] == {
        "label": ["You already have a connection labelled 'MAIN'."]
    }
    assert api.delete(f"/api/v1/connections/{owner['connection'].pk}/").status_code == 204
    assert not LedgerEntry.objects.filter(connection_id=owner["connection"].pk).exists()
    assert list(KrakenConnection.objects.filter(user=owner["user"])) == [stored]


def test_a_csv_only_connection_is_made_without_keys_and_never_synced(owner, api):
    made = api.post(
        "/api/v1/connections/", {"label": "Files", "csv_only": True, **LOCAL}, format="json"
    )
    assert made.status_code == 201 and made.json()["csv_only"] is True
    refused = api.post(f"/api/v1/connections/{made.json()['id']}/syncs/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    assert not SyncRun.objects.filter(connection_id=made.json()["id"]).exists()


def test_starting_a_sync_queues_it_for_a_worker_and_never_runs_it(
    owner, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = api.post(
            f"/api/v1/connections/{owner['connection'].pk}/syncs/", {}, format="json"
        )
    assert started.status_code == 202
    run = SyncRun.objects.get(pk=started.json()["id"])
    assert run.state == "queued" and started.json()["state"] == "queued"
    assert len(callbacks) == 1  # the enqueue, after commit
    again = api.post(f"/api/v1/connections/{owner['connection'].pk}/syncs/", {}, format="json")
    assert again.status_code == 200 and again.json()["id"] == run.pk
    assert api.get(f"/api/v1/syncs/{run.pk}/").json()["state"] == "queued"


def test_an_import_upload_is_staged_and_queued(owner, api, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("ledgers.csv", b'"txid","refid"\n', content_type="text/csv")
    url = f"/api/v1/connections/{owner['connection'].pk}/imports/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(url, {"files": [upload]}, format="multipart")
    assert response.status_code == 202, response.content
    record = ImportRecord.objects.get(pk=response.json()["id"])
    assert record.state == "queued" and len(callbacks) == 1
    assert response.json()["files"] == [{"name": "ledgers.csv", "size": 15}]
    assert "path" not in response.content.decode()
    listed = api.get(url).json()["results"]
    assert [r["id"] for r in listed] == [record.pk, owner["import"].pk]


def test_an_upload_over_the_limit_or_empty_is_refused_and_writes_nothing(owner, api, settings):
    settings.KRAKEN_IMPORT_MAX_BYTES = 10
    url = f"/api/v1/connections/{owner['connection'].pk}/imports/"
    before = ImportRecord.objects.count()
    big = SimpleUploadedFile("ledgers.csv", b"x" * 11, content_type="text/csv")
    response = api.post(url, {"files": [big]}, format="multipart")
    assert response.status_code == 413
    assert "over the import limit of 10 bytes" in response.json()["error"]["message"]
    empty = api.post(url, {}, format="multipart")
    assert empty.status_code == 400 and "files" in empty.json()["error"]["fields"]
    assert ImportRecord.objects.count() == before


def test_entering_a_basis_stores_it_and_requests_a_rebuild(owner, api):
    url = f"/api/v1/unknown-basis/{owner['unknown'].event_id}/basis/"
    late = api.post(url, {"basis": "10", "acquired": "2030-01-01T00:00:00Z"}, format="json")
    assert late.status_code == 400 and list(late.json()["error"]["fields"]) == ["acquired"]
    assert not DepositBasis.objects.exists()
    response = api.post(url, {"basis": "123.45", "acquired": "2023-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 202
    assert response.json()["entered"]["basis"] == "123.450000000000000000"
    stored = DepositBasis.objects.get(user=owner["user"])
    assert str(stored.basis) == "123.450000000000000000"
    assert Job.objects.filter(kind=JobKind.REBUILD, owner=owner["user"]).exists()


def test_a_deposit_is_named_by_its_ledger_id_which_outlives_the_rows_of_a_rebuild(owner, api):
    """A rebuild stores new rows with new ids; the ledger id stays what the client was given."""
    row = owner["unknown"]
    by_row = api.post(
        f"/api/v1/unknown-basis/{row.pk}/basis/",
        {"basis": "1", "acquired": "2023-01-01T00:00:00Z"},
        format="json",
    )
    assert by_row.status_code == 404
    listed = api.get("/api/v1/unknown-basis/").json()["results"]
    assert [item["event_id"] for item in listed] == [row.event_id]


def test_the_profile_is_checked_as_on_its_page(owner, api):
    refused = api.patch(
        "/api/v1/profile/", {"jurisdiction": "uk", "cost_basis_method": "fifo"}, format="json"
    )
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["cost_basis_method"]
    assert Profile.objects.get(user=owner["user"]).jurisdiction == "us"
    changed = api.patch("/api/v1/profile/", {"base_currency": "EUR"}, format="json")
    assert changed.status_code == 200 and changed.json()["base_currency"] == "EUR"
    assert Profile.objects.get(user=owner["user"]).base_currency == "EUR"


def test_lists_filter_by_connection_asset_type_and_time(owner, api):
    second = make_connection(user=owner["user"], label="Second", **LOCAL)
    from tests.factories import LedgerEntryFactory

    eth = LedgerEntryFactory(connection=second, asset="ETH", type="staking")
    url = "/api/v1/ledger-entries/"
    ids = lambda q: [r["id"] for r in api.get(url + q).json()["results"]]  # noqa: E731
    assert ids(f"?connection={second.pk}") == [eth.pk]
    assert ids("?asset=ETH") == [eth.pk] and ids("?type=staking") == [eth.pk]
    assert ids("?asset=BTC") == [owner["ledger"].pk]
    cut = eth.time.isoformat()
    assert ids(f"?since={cut}".replace("+", "%2B")) == [eth.pk]
    assert ids(f"?until={cut}".replace("+", "%2B")) == [owner["ledger"].pk]
    assert ids(f"?connection={owner['connection'].pk}&asset=ETH") == []
    disposals = "/api/v1/disposals/"
    assert len(api.get(disposals + "?year=2024&asset=BTC&term=short").json()["results"]) == 1
    assert api.get(disposals + "?year=2023").json()["results"] == []
    assert api.get(disposals + "?term=long").json()["results"] == []


def test_times_with_offsets_postgresql_refuses_are_taken_in_utc(owner, api):
    # Python allows offsets up to ±23:59, PostgreSQL only ±15:59 (found by the fuzzer)
    odd = "2999-01-02T20:00:00-17:49"
    listed = api.get(f"/api/v1/futures/fills/?since=0266-09-22T12:40:08-17:49&until={odd}")
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [owner["fill"].pk]
    url = f"/api/v1/unknown-basis/{owner['unknown'].event_id}/basis/"
    entered = api.post(url, {"basis": "1", "acquired": "2023-01-01T00:00:00-17:49"}, format="json")
    assert entered.status_code == 202
    assert entered.json()["entered"]["acquired"].startswith("2023-01-01T17:49:00")
