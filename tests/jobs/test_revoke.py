"""`jobs cancel` revokes the job's Celery task: a real prefork worker terminates it mid-run."""

from __future__ import annotations

import signal
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection as db

from bench.import_bench import write_csv
from jobs.models import Job, JobState
from portfolio.imports.jobs import Upload, import_stage
from portfolio.models import ImportRecord, ImportState, LedgerEntry
from tests.factories import UserFactory
from tests.imports.support import csv_connection
from tests.imports.test_refusals import good_ledgers
from tests.processes import celery_worker, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not django_settings.CELERY_BROKER_URL, reason="needs a Celery broker"),
    pytest.mark.skipif(
        db.vendor == "sqlite", reason="SQLite: a cancel waits for the import's lock"
    ),
]


def upload(path) -> Upload:
    data = path.read_bytes()
    return Upload(name=path.name, size=len(data), chunks=[data])


def test_cancel_terminates_a_running_import_task_and_the_worker_takes_the_next(tmp_path, settings):
    settings.KRAKEN_IMPORT_DIR = tmp_path / "imports"
    log = tmp_path / "worker.log"
    big = tmp_path / "ledgers.csv"
    write_csv(big, 150_000)
    connection = csv_connection(UserFactory())
    with log.open("w") as out:
        worker = celery_worker(
            "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO", "--without-gossip",
            "--without-mingle", "--without-heartbeat",
            env={"KRAKEN_IMPORT_DIR": str(settings.KRAKEN_IMPORT_DIR),
                 "ACCOUNTING_REBUILD_AFTER_SYNC": "false"},
            stdout=out, stderr=out,
        )  # fmt: skip
    try:
        record = import_stage(connection=connection, uploads=[upload(big)])
        job = wait_for(
            lambda: Job.objects.filter(pk=record.job_id, state=JobState.RUNNING).first(),
            timeout=120,
            what="the worker to start the import",
        )
        assert job.task_id

        call_command("jobs", "cancel", str(job.pk), stdout=StringIO())

        wait_for(
            lambda: f"Terminating {job.task_id}" in log.read_text(),
            timeout=30,
            what="the worker to terminate the task",
        )
        record.refresh_from_db()
        assert (record.state, Job.objects.get(pk=job.pk).state) == (
            ImportState.CANCELLED, JobState.CANCELLED,
        )  # fmt: skip
        small = tmp_path / "small.csv"
        small.write_text(good_ledgers())
        fresh = import_stage(connection=connection, uploads=[upload(small)])
        wait_for(
            lambda: ImportRecord.objects.get(pk=fresh.pk).state == ImportState.SUCCEEDED,
            timeout=120,
            what="the worker's next import",
        )
        assert LedgerEntry.objects.filter(connection=connection).count() == 3  # none of the first
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
