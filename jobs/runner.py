"""Run a service as a job: claim it, beat while it works, record how it ended.

    def my_task(job_id):                                    # a thin Celery task
        job_run(job_id=job_id, work=lambda job, progress: my_service(..., on_progress=progress))

While `work` runs, a thread records a heartbeat every few seconds, so a job whose process died
(kill -9, out of memory, a lost machine) falls silent and is failed by the next request
(``jobs.services.jobs_expire_stale``), while a slow but living one never is. The progress
callback also beats, and raises JobStopped when the job was cancelled or expired, so a service
that reports progress stops at its next report.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from jobs.models import Job, JobState
from jobs.services import Enqueue, job_beat, job_claim, job_finish, stale_seconds

log = logging.getLogger(__name__)


class JobStopped(Exception):
    """The job was cancelled, or failed as dead, while its worker still ran."""


class Progress:
    """The progress callback handed to a service: `progress(done=, total=, stage=, **more)`."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def __call__(
        self, done: int | None = None, total: int | None = None, stage: str | None = None, **more
    ) -> None:
        values = {"done": done, "total": total, "stage": stage, **more}
        self.job.progress = {
            **self.job.progress,
            **{k: v for k, v in values.items() if v is not None},
        }
        if not job_beat(job_id=self.job.pk, progress=self.job.progress):
            raise JobStopped(f"Job #{self.job.pk} was cancelled or stopped.")


def beat_interval(kind: str) -> float:
    """Often enough that a living job never looks dead: a quarter of the stale limit at most."""
    return max(0.5, min(float(settings.JOB_HEARTBEAT_SECONDS), stale_seconds(kind) / 4))


@contextmanager
def heartbeat(job: Job) -> Iterator[None]:
    """Beat from a thread while the body runs.

    Not inside an open transaction (a test's, or a caller's): another connection could neither
    see the job's latest state nor write without waiting for that transaction.
    """
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat_until, args=(job.pk, beat_interval(job.kind), stop), daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)


def _beat_until(job_id: int, interval: float, stop: threading.Event) -> None:
    from django.db import connection as own  # this thread's own connection

    try:
        while not stop.wait(interval):
            try:
                if not job_beat(job_id=job_id):
                    return  # cancelled or expired: nothing left to keep alive
            except DatabaseError:  # a busy database: the next beat will do
                log.warning("job %s: heartbeat failed", job_id, exc_info=True)
    finally:
        own.close()


def job_run(
    *,
    job_id: int,
    work: Callable[[Job, Progress], Any],
    enqueue_follow_up: Enqueue | None = None,
) -> Job | None:
    """Claim the job and run `work(job, progress)`; the job as it ended (None: nothing to do).

    An exception fails the job with its message and is logged, not raised: the job row is where
    the failure is reported. A follow-up requested meanwhile goes to `enqueue_follow_up`.
    """
    job = job_claim(job_id=job_id)
    if job is None:
        return None
    state, error = JobState.SUCCEEDED, ""
    with heartbeat(job):
        try:
            work(job, Progress(job))
        except JobStopped:
            job.refresh_from_db()
            return job
        except Exception as exc:
            log.exception("job %s (%s %s) failed", job.pk, job.kind, job.target)
            state, error = JobState.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    job_finish(job=job, state=state, error=error, enqueue=enqueue_follow_up)
    job.refresh_from_db()
    return job
