"""Celery tasks: take ids, load, call one service, decide retry or fail."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from jobs.models import Job, JobState
from jobs.services import job_enqueue
from portfolio.books.rebuilds import prices_then_rebuild
from portfolio.imports.jobs import import_record_run
from portfolio.models import ImportRecord, SyncRun, SyncState, SyncTrigger
from portfolio.sync.errors import failure_message
from portfolio.sync.pipeline import TransientSyncError, sync_run_execute, sync_run_fail
from portfolio.sync.runs import sync_request
from portfolio.sync.schedule import due_connections

log = logging.getLogger(__name__)


def enqueue_sync_run(run: SyncRun) -> None:
    """Hand a new run to a worker (called after the run's transaction commits); its job keeps
    the task's id, so `jobs cancel` can revoke it."""
    if run.job_id is None:
        sync_connection.delay(run.pk)
    else:
        job_enqueue(sync_connection, Job(pk=run.job_id), run.pk)


@shared_task(
    bind=True,
    acks_late=True,
    name="portfolio.tasks.sync_connection",
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=max(1, settings.JOB_TIME_LIMIT_SECONDS - 60),
)
def sync_connection(self, run_id: int) -> str:
    """Run a sync (idempotent: a finished run, or one a living worker has, is left alone; one
    whose worker died is resumed from its cursors)."""
    try:
        run = sync_run_execute(run_id=run_id)
    except TransientSyncError as error:
        if self.request.retries >= settings.KRAKEN_SYNC_TASK_MAX_RETRIES:
            sync_run_fail(run_id=run_id, message=failure_message(error.error))
            return "failed"
        raise self.retry(countdown=min(600, 30 * 2**self.request.retries), exc=error) from error
    if run is None:
        return "nothing to do"
    if run.state == SyncState.SUCCEEDED and settings.ACCOUNTING_REBUILD_AFTER_SYNC:
        prices_then_rebuild(user=run.connection.user, reason=f"sync #{run.shown_number} succeeded")
    return run.state


def enqueue_import(record: ImportRecord) -> None:
    """Make sure a staged import is with a worker (``import_stage`` enqueues it after its
    commit already; this sends it only if its job is queued and was never sent)."""
    job = Job.objects.filter(pk=record.job_id, state=JobState.QUEUED, task_id="").first()
    if job is not None:
        job_enqueue(import_connection_files, job, record.pk)


@shared_task(
    acks_late=True,
    name="portfolio.tasks.import_connection_files",
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=max(1, settings.JOB_TIME_LIMIT_SECONDS - 60),
)
def import_connection_files(record_id: int) -> str:
    """Run an import job (idempotent: an ended import, or one a living worker runs, is left
    alone; one whose worker died runs again, its rows having rolled back with it)."""
    record = import_record_run(record_id=record_id)
    return record.state if record is not None else "nothing to do"


@shared_task(name="portfolio.tasks.dispatch_due_syncs")
def dispatch_due_syncs() -> int:
    """Beat, every minute: request a sync for each connection whose interval has passed."""
    started = 0
    for connection in due_connections():
        _, created = sync_request(
            connection=connection, trigger=SyncTrigger.SCHEDULE, enqueue=enqueue_sync_run
        )
        started += int(created)
    return started
