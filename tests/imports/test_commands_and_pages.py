"""The command line, the upload page, and CSV-only connections that are never synced."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape

from accounts.models import KrakenConnection
from accounts.services import ConnectionInput, connection_update
from portfolio.models import ImportRecord, ImportState, LedgerEntry, SyncRun, SyncState
from portfolio.sync.pipeline import sync_run_execute
from portfolio.sync.runs import CSV_ONLY_NOTE, sync_request
from portfolio.sync.schedule import due_connections
from tests.factories import UserFactory, make_connection
from tests.imports import writer
from tests.imports.support import csv_connection
from tests.imports.test_refusals import good_ledgers, replaced

# tasks (imports, prices, rebuilds) run here whatever broker the suite is configured with
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def test_kraken_connect_csv_only_prints_the_id_of_a_keyless_connection():
    user = UserFactory()
    out = StringIO()
    call_command("kraken_connect", "--user", user.username, "--label", "Old years", "--csv-only",
                 stdout=out)  # fmt: skip
    connection = KrakenConnection.objects.get(user=user)
    assert out.getvalue().splitlines()[-1] == str(connection.pk)
    assert connection.csv_only and connection.api_key_encrypted == ""
    with pytest.raises(CommandError, match="A CSV-only connection has no API key"):
        call_command("kraken_connect", "--user", user.username, "--label", "Other",
                     "--csv-only", "--api-key", "ABC", stdout=StringIO())  # fmt: skip


def test_kraken_import_reports_the_summary_and_fails_on_a_refusal(tmp_path):
    connection = csv_connection(UserFactory())
    good = writer.write(tmp_path, "ledgers.csv", good_ledgers().encode())
    bad = writer.write(tmp_path, "bad.csv", replaced("0.5000000000", "abc"))
    args = ["kraken_import", "--user", connection.user.username, "--connection", connection.pk]
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(*args, str(good), str(bad), stdout=StringIO(), stderr=err)
    assert str(caught.value) == (
        "Refused: bad.csv, line 3, column 9 (amount): 'abc' is not a number. Nothing was imported."
    )
    assert LedgerEntry.objects.count() == 0
    out = StringIO()
    call_command(*args, str(good), stdout=out, stderr=err)
    assert "3 rows read, 3 added, 0 already present, 0 skipped, 0 conflicts" in out.getvalue()
    assert "Reconciliation: ok" in out.getvalue()
    assert "Importing" in err.getvalue()  # the progress bar
    refused_run, done = ImportRecord.objects.filter(connection=connection).order_by("pk")
    assert (refused_run.state, done.state) == (ImportState.FAILED, ImportState.SUCCEEDED)
    assert refused_run.error.startswith("bad.csv, line 3, column 9 (amount)")
    assert done.summary["added"] == 3 and done.files == [{"name": "ledgers.csv", "size": 477}]
    # each run was an import job of the connection, listed by `jobs list`
    assert [(r.job.kind, r.job.target, r.job.state) for r in (refused_run, done)] == [
        ("import", f"connection:{connection.pk}", "failed"),
        ("import", f"connection:{connection.pk}", "succeeded"),
    ]
    assert refused_run.job.error.startswith("CsvRefused: bad.csv, line 3, column 9 (amount)")


def test_kraken_import_fails_when_a_row_disagrees_with_a_stored_one(tmp_path):
    connection = csv_connection(UserFactory())
    args = ["kraken_import", "--user", connection.user.username, "--connection", connection.pk]
    call_command(*args, str(writer.write(tmp_path, "a.csv", good_ledgers().encode())),
                 stdout=StringIO(), stderr=StringIO())  # fmt: skip
    edited = writer.write(tmp_path, "b.csv", replaced("0.5000000000", "0.6000000000"))
    out = StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command(*args, str(edited), stdout=out, stderr=StringIO())
    assert "b.csv, line 3: L00001-AAAAA-BBBBBB differs from the stored row" in out.getvalue()


def test_csv_only_connections_are_never_scheduled_nor_synced(client):
    user = UserFactory()
    keyless = csv_connection(user)
    keyed = make_connection(user=user, label="Keyed")
    assert due_connections() == [keyed]
    client.force_login(user)
    response = client.post(f"/accounts/connections/{keyless.pk}/sync/", follow=True)
    assert escape(CSV_ONLY_NOTE) in response.content.decode()
    assert not SyncRun.objects.filter(connection=keyless).exists()
    run, _ = sync_request(connection=keyless)  # even if a run is asked for some other way
    finished = sync_run_execute(run_id=run.pk)
    assert (finished.state, finished.error) == (SyncState.FAILED, CSV_ONLY_NOTE)
    out = StringIO()
    call_command("kraken_sync", "--user", user.username, "--connection", keyless.pk, stdout=out)
    assert f"Skipped 'From CSV': {CSV_ONLY_NOTE}" in out.getvalue()


def test_editing_a_csv_only_connection_keeps_it_keyless_until_it_gets_a_key():
    connection = csv_connection(UserFactory())
    connection_update(connection=connection, data=ConnectionInput(label="Renamed"))
    connection.refresh_from_db()
    assert (connection.label, connection.csv_only) == ("Renamed", True)


def test_the_upload_page_states_the_limit_imports_and_shows_the_summary(
    client, tmp_path, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/connections/add-csv/", {"label": "Accountant's files"})
    connection = KrakenConnection.objects.get(user=user)
    assert connection.csv_only
    page = f"/accounts/connections/{connection.pk}/import/"
    assert response.url == page
    assert "Up to <strong>256 MB</strong> per file" in client.get(page).content.decode()

    upload = SimpleUploadedFile("ledgers.csv", good_ledgers().encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"files": [upload]})
    record = ImportRecord.objects.get(connection=connection)
    assert record.state == ImportState.SUCCEEDED, record.error
    assert record.summary["added"] == 3
    html = client.get(page).content.decode()
    assert "3 rows read · 3 added · 0 already present" in html
    assert not any((tmp_path / "imports").iterdir())  # the staged upload is gone

    bad = SimpleUploadedFile("bad.csv", replaced("0.5000000000", "abc"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"files": [bad]})
    failed = ImportRecord.objects.filter(connection=connection).first()
    assert failed.state == ImportState.FAILED
    assert failed.error == "bad.csv, line 3, column 9 (amount): 'abc' is not a number"
    assert "is not a number" in client.get(page).content.decode()
    assert LedgerEntry.objects.filter(connection=connection).count() == 3


def test_an_upload_over_the_limit_is_refused_as_it_arrives(client, settings):
    settings.KRAKEN_IMPORT_MAX_BYTES = 100
    connection = csv_connection(UserFactory())
    client.force_login(connection.user)
    page = f"/accounts/connections/{connection.pk}/import/"
    upload = SimpleUploadedFile("big.csv", good_ledgers().encode(), "text/csv")
    response = client.post(page, {"files": [upload]}, follow=True)
    assert "Refused: big.csv: over the import limit of 100 bytes; nothing was read." in (
        response.content.decode()
    )
    assert not ImportRecord.objects.exists()
    assert not (settings.KRAKEN_IMPORT_DIR).exists()


def test_the_upload_page_still_checks_the_csrf_token(client):
    from django.test import Client

    connection = csv_connection(UserFactory())
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(connection.user)
    upload = SimpleUploadedFile("ledgers.csv", good_ledgers().encode(), "text/csv")
    response = strict.post(f"/accounts/connections/{connection.pk}/import/", {"files": [upload]})
    assert response.status_code == 403
    assert not ImportRecord.objects.exists()
