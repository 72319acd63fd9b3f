"""Celery tasks for the accounts: thin, they take a job id and call one service."""

from celery import shared_task
from django.conf import settings

from reports.rebuilds import rebuild_execute


@shared_task(
    name="reports.tasks.rebuild_job",
    acks_late=True,
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=max(1, settings.JOB_TIME_LIMIT_SECONDS - 60),
)
def rebuild_job(job_id: int) -> str:
    """Rebuild a user's accounts (a rebuild Job from ``reports.rebuilds.rebuild_request``).

    Idempotent: a job that already ended, or that a living worker runs, is left alone; one whose
    worker died is taken over. A failure is recorded on the job, not retried: the next request
    starts a fresh one.
    """
    job = rebuild_execute(job_id=job_id)
    return "nothing to do" if job is None else job.state
