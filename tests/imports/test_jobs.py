"""Imports are jobs: one per connection, joined at enqueue, listed and cancelled by `jobs`, and a
killed import is failed by the heartbeat check while the next one runs."""

from __future__ import annotations

import signal
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection as db

from bench.import_bench import write_csv
from jobs.models import Job, JobKind, JobState
from portfolio.imports.jobs import ImportBusy, Upload, import_record_run, import_stage
from portfolio.models import ImportRecord, ImportState, LedgerEntry
from tests.factories import UserFactory
from tests.imports.support import csv_connection
from tests.imports.test_refusals import good_ledgers
from tests.processes import manage, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]

STALE = 3


def upload(name: str, data: bytes) -> Upload:
    return Upload(name=name, size=len(data), chunks=[data])


def jobs(*args: str) -> str:
    out = StringIO()
    call_command("jobs", *args, stdout=out)
    return out.getvalue()


def staged(settings) -> list:
    folder = settings.KRAKEN_IMPORT_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_upload_is_a_job_the_same_files_join_it_and_others_wait(settings):
    connection = csv_connection(UserFactory())
    data = good_ledgers().encode()

    record = import_stage(connection=connection, uploads=[upload("l.csv", data)], enqueue=False)
    again = import_stage(connection=connection, uploads=[upload("l.csv", data)], enqueue=False)

    job = Job.objects.get(kind=JobKind.IMPORT)
    assert (job.target, job.owner, job.state) == (
        f"connection:{connection.pk}", connection.user, JobState.QUEUED,
    )  # fmt: skip
    assert again.pk == record.pk and record.job_id == job.pk
    assert len(staged(settings)) == 1  # the second upload staged nothing
    with pytest.raises(ImportBusy, match=f"Import #{record.pk} into this connection is still"):
        import_stage(connection=connection, uploads=[upload("other.csv", b"x,y\n")], enqueue=False)
    assert ImportRecord.objects.count() == 1 and len(staged(settings)) == 1
    other = csv_connection(connection.user, label="Other")  # another target: its own job
    import_stage(connection=other, uploads=[upload("l.csv", data)], enqueue=False)
    assert Job.objects.filter(kind=JobKind.IMPORT, state=JobState.QUEUED).count() == 2

    assert import_record_run(record_id=record.pk).state == ImportState.SUCCEEDED
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.progress["done"] == job.progress["total"] == len(data)
    assert import_record_run(record_id=record.pk) is None  # a redelivered task: nothing to do
    assert LedgerEntry.objects.filter(connection=connection).count() == 3


def test_jobs_lists_an_import_and_cancels_it_before_it_runs(settings):
    connection = csv_connection(UserFactory(username="ann"))
    data = good_ledgers().encode()
    record = import_stage(connection=connection, uploads=[upload("l.csv", data)], enqueue=False)

    listed = jobs("list", "--kind", "import").splitlines()[1].split()
    assert listed[:5] == [str(record.job_id), "import", "ann", f"connection:{connection.pk}",
                          "queued"]  # fmt: skip
    assert jobs("cancel", str(record.job_id)) == (
        f"Job #{record.job_id} (import connection:{connection.pk}) cancelled.\n"
    )

    record.refresh_from_db()
    assert (record.state, record.error) == (
        ImportState.CANCELLED, "Cancelled. Nothing was imported.",
    )  # fmt: skip
    assert staged(settings) == []  # its staged files are gone
    assert import_record_run(record_id=record.pk) is None  # its task, arriving late, does nothing
    assert LedgerEntry.objects.count() == 0
    fresh = import_stage(connection=connection, uploads=[upload("l.csv", data)])  # runs (eager)
    fresh.refresh_from_db()
    assert fresh.pk != record.pk and fresh.state == ImportState.SUCCEEDED


def test_the_upload_page_refuses_other_files_while_an_import_waits(client, settings):
    connection = csv_connection(UserFactory())
    client.force_login(connection.user)
    page = f"/accounts/connections/{connection.pk}/import/"
    waiting = import_stage(
        connection=connection, uploads=[upload("l.csv", good_ledgers().encode())], enqueue=False
    )

    files = [SimpleUploadedFile("more.csv", good_ledgers(2).encode(), "text/csv")]
    html = client.post(page, {"files": files}, follow=True).content.decode()

    assert f"Import #{waiting.pk} into this connection is still queued or running" in html
    assert ImportRecord.objects.count() == 1 and LedgerEntry.objects.count() == 0


def big_file(tmp_path, rows: int):
    path = tmp_path / "big-ledgers.csv"
    write_csv(path, rows)
    return path


def test_an_import_killed_mid_run_is_failed_by_the_heartbeat_check_and_the_next_one_runs(
    tmp_path, settings
):
    connection = csv_connection(UserFactory())
    child = manage(
        "kraken_import", "--user", connection.user.username, "--connection", str(connection.pk),
        str(big_file(tmp_path, 40_000 if db.vendor == "sqlite" else 150_000)),
        env={"JOB_STALE_SECONDS": str(STALE)},
    )  # fmt: skip
    dead = wait_for(
        lambda: Job.objects.filter(kind=JobKind.IMPORT, state=JobState.RUNNING).first(),
        timeout=120,
        what="the child's import to start",
    )
    if db.vendor == "sqlite":
        time.sleep(1.0)  # well into its transaction (whose progress SQLite cannot show)
    else:  # its heartbeat has written progress from inside the transaction
        wait_for(lambda: Job.objects.get(pk=dead.pk).progress.get("done"), timeout=60, what="-")
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert Job.objects.get(pk=dead.pk).state == JobState.RUNNING  # as a killed worker leaves it
    assert LedgerEntry.objects.count() == 0  # its transaction rolled back
    settings.JOB_STALE_SECONDS = STALE
    time.sleep(STALE + 0.5)

    small = tmp_path / "small.csv"
    small.write_text(good_ledgers())
    call_command("kraken_import", "--user", connection.user.username, "--connection",
                 connection.pk, str(small), stdout=StringIO(), stderr=StringIO())  # fmt: skip

    dead.refresh_from_db()
    note = f"Stopped: no sign of life for {STALE} seconds (the worker probably died)."
    assert (dead.state, dead.error) == (JobState.FAILED, note)
    assert ImportRecord.objects.get(job=dead).state == ImportState.FAILED
    assert ImportRecord.objects.get(job=dead).error == note
    fresh = Job.objects.filter(kind=JobKind.IMPORT).exclude(pk=dead.pk).get()
    assert fresh.state == JobState.SUCCEEDED
    assert LedgerEntry.objects.count() == 3


@pytest.mark.skipif(db.vendor == "sqlite", reason="SQLite: a cancel waits for the import's lock")
def test_cancelling_a_running_import_stops_it_between_batches_with_nothing_written(tmp_path):
    connection = csv_connection(UserFactory())
    child = manage(
        "kraken_import", "--user", connection.user.username, "--connection", str(connection.pk),
        str(big_file(tmp_path, 150_000)), env={"JOB_HEARTBEAT_SECONDS": "0.5"},
    )  # fmt: skip
    job = wait_for(
        lambda: Job.objects.filter(kind=JobKind.IMPORT, state=JobState.RUNNING).first(),
        timeout=120,
        what="the child's import to start",
    )
    wait_for(lambda: Job.objects.get(pk=job.pk).progress.get("done"), timeout=60, what="a batch")

    jobs("cancel", str(job.pk))
    out, err = child.communicate(timeout=60)

    assert child.returncode == 1
    assert err.endswith("CommandError: Cancelled. Nothing was imported.\n")
    record = ImportRecord.objects.get(job=job)
    assert (record.state, Job.objects.get(pk=job.pk).state) == ("cancelled", "cancelled")
    assert LedgerEntry.objects.count() == 0


def test_enqueue_import_sends_a_staged_import_once():
    from portfolio.tasks import enqueue_import

    connection = csv_connection(UserFactory())
    data = good_ledgers().encode()
    record = import_stage(connection=connection, uploads=[upload("l.csv", data)], enqueue=False)

    enqueue_import(record)  # eager: it runs here
    record.refresh_from_db()
    job = Job.objects.get(pk=record.job_id)
    assert (record.state, job.state, len(job.task_id)) == (ImportState.SUCCEEDED, "succeeded", 36)
    enqueue_import(record)  # ended: nothing is sent again
    assert Job.objects.get(pk=job.pk).task_id == job.task_id
