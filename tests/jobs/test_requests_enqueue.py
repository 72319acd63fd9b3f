"""Every page that triggers long work enqueues it on the broker and answers at once: with no
worker running, the response arrives and the job is still queued (nothing ran in the request).
The status endpoint shows it, to its owner only."""

import pytest
from django.urls import reverse

from jobs.models import Job, JobKind, JobState
from portfolio.models import SyncRun, SyncState
from tests.celery_worker import queued_tasks  # noqa: F401 (fixture)
from tests.factories import PASSWORD, UserFactory, make_connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queued_tasks")]


@pytest.fixture
def owner(client):
    user = UserFactory()
    make_connection(user=user, label="Main")
    assert client.login(username=user.username, password=PASSWORD)
    return user


def queued(user, kind):
    return Job.objects.filter(owner=user, kind=kind, state=JobState.QUEUED)


def test_sync_now_answers_with_the_run_queued(client, owner):
    connection = owner.kraken_connections.get()
    response = client.post(reverse("connection_sync_now", args=[connection.pk]), follow=True)
    assert response.status_code == 200
    run = SyncRun.objects.get(connection=connection)
    assert run.state == SyncState.QUEUED and run.number == 1
    assert queued(owner, JobKind.SYNC).count() == 1
    page = response.content.decode()
    assert "Sync #1 started." in page and "Queued" in page

    status = client.get(reverse("sync_status_json")).json()
    assert status["active"] is True
    assert [(r["number"], r["state"]) for r in status["runs"]] == [(1, "queued")]
    assert "id" not in status["runs"][0]


def test_the_status_endpoint_is_the_owners_only(client, owner):
    connection = owner.kraken_connections.get()
    client.post(reverse("connection_sync_now", args=[connection.pk]))
    client.logout()
    stranger = UserFactory()
    assert client.login(username=stranger.username, password=PASSWORD)
    assert client.get(reverse("sync_status_json")).json() == {"runs": [], "active": False}
    url = reverse("sync_status_json") + f"?connection={connection.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("sync_history") + f"?connection={connection.pk}").status_code == 404


def test_a_profile_change_queues_the_recomputation(client, owner):
    data = {
        "base_currency": "EUR",
        "jurisdiction": "us",
        "cost_basis_method": "fifo",
        "time_zone": "UTC",
        "unknown_basis": "",
        "network_fee": "",
        "exchange_fee": "",
    }
    response = client.post(reverse("profile"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert queued(owner, JobKind.PRICES).exists() or queued(owner, JobKind.REBUILD).exists()
    assert not Job.objects.filter(owner=owner, state=JobState.SUCCEEDED).exists()


def test_deleting_a_connection_queues_the_rebuild(client, owner):
    connection = owner.kraken_connections.get()
    response = client.post(reverse("connection_delete", args=[connection.pk]))
    assert response.status_code == 302
    assert queued(owner, JobKind.REBUILD).count() == 1


def test_the_recompute_button_and_a_manual_price_queue_their_work(client, owner):
    assert client.post(reverse("accounts_rebuild")).status_code == 302
    assert queued(owner, JobKind.PRICES).exists() or queued(owner, JobKind.REBUILD).exists()
    Job.objects.filter(owner=owner).update(state=JobState.SUCCEEDED)
    price = {"asset": "DOT", "quote": "USD", "at": "2024-05-01 12:00:00+00:00", "price": "7.5"}
    assert client.post(reverse("prices"), price).status_code == 302
    assert queued(owner, JobKind.REBUILD).count() == 1


def test_the_jobs_endpoint_lists_the_owners_jobs_only(client, owner):
    client.post(reverse("accounts_rebuild"))
    jobs = client.get(reverse("job_status")).json()
    assert jobs["active"] is True
    assert {j["state"] for j in jobs["jobs"]} == {"queued"}
    assert client.get(reverse("job_status") + "?kind=sync").json()["jobs"] == []
    client.logout()
    stranger = UserFactory()
    assert client.login(username=stranger.username, password=PASSWORD)
    assert client.get(reverse("job_status")).json() == {"jobs": [], "active": False}


def test_a_csv_upload_is_staged_and_queued_not_imported_in_the_request(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portfolio.models import ImportRecord, LedgerEntry
    from tests.imports.support import csv_connection
    from tests.imports.test_refusals import good_ledgers

    settings.KRAKEN_IMPORT_DIR = tmp_path / "imports"
    connection = csv_connection(UserFactory())
    client.force_login(connection.user)
    page = reverse("connection_import", args=[connection.pk])
    upload = SimpleUploadedFile("ledgers.csv", good_ledgers().encode(), "text/csv")
    assert client.post(page, {"files": [upload]}).status_code == 302
    record = ImportRecord.objects.get(connection=connection)
    assert record.state == "queued"
    assert not LedgerEntry.objects.filter(connection=connection).exists()
    assert any((tmp_path / "imports").iterdir())  # staged for the worker
