"""Celery tasks of the reports: thin, they take a job id and call one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from reports.services import report_execute


@shared_task(
    name="reports.tasks.build_report",
    acks_late=True,
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=max(1, settings.JOB_TIME_LIMIT_SECONDS - 60),
)
def build_report(job_id: int) -> str:
    """Build a report file (a ``report`` Job from ``reports.services.report_request``).
    Idempotent: a job that already ended, or that a living worker runs, is left alone."""
    job = report_execute(job_id=job_id)
    return "nothing to do" if job is None else job.state
