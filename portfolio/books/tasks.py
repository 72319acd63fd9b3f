"""Celery tasks for the accounts: thin, they take a job id and call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from portfolio.books.rebuilds import prices_execute, rebuild_execute

log = logging.getLogger(__name__)


@shared_task(
    name="portfolio.books.tasks.rebuild_job",
    acks_late=True,
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=max(1, settings.JOB_TIME_LIMIT_SECONDS - 60),
)
def rebuild_job(job_id: int) -> str:
    """Rebuild a user's accounts (a rebuild Job from ``portfolio.books.rebuilds.rebuild_request``).

    Idempotent: a job that already ended, or that a living worker runs, is left alone; one whose
    worker died is taken over. A failure is recorded on the job, not retried: the next request
    starts a fresh one.
    """
    job = rebuild_execute(job_id=job_id)
    return "nothing to do" if job is None else job.state


@shared_task(
    name="portfolio.books.tasks.prices_job",
    acks_late=True,
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=max(1, settings.JOB_TIME_LIMIT_SECONDS - 60),
)
def prices_job(job_id: int) -> str:
    """Store the prices a user's accounts need, then ask for the rebuild (prices first, then
    numbers; ``portfolio.books.rebuilds.prices_then_rebuild``). Idempotent as ``rebuild_job`` is."""
    job = prices_execute(job_id=job_id)
    return "nothing to do" if job is None else job.state
