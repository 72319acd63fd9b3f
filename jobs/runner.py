"""Run a service as a job: claim it, beat while it works, record how it ended.

    def my_task(job_id):                                    # a thin Celery task
        job_run(job_id=job_id, work=lambda job, progress: my_service(..., on_progress=progress))

While `work` runs, a thread records a heartbeat every few seconds, so a job whose process died
(kill -9, out of memory, a lost machine) falls silent and is failed by the next request
(``jobs.services.jobs_expire_stale``), while a slow but living one never is. The progress
callback raises JobStopped when the job was cancelled or expired, so a service that reports
progress between its steps stops at its next report (``jobs cancel`` also revokes the task).

Progress reported from inside the body's own transaction (an import is one transaction) is not
written by the body: a write there would lock the job's row until the commit, so neither the
heartbeat nor a cancel could touch it. The heartbeat thread writes it with its next beat instead,
on its own connection, and tells the body when the job was stopped.
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
        self.beating = False  # a heartbeat thread writes for us (see ``heartbeat``)
        self.stopped = threading.Event()  # set by that thread when the job is no longer running

    def __call__(
        self, done: int | None = None, total: int | None = None, stage: str | None = None, **more
    ) -> None:
        values = {"done": done, "total": total, "stage": stage, **more}
        self.job.progress = {
            **self.job.progress,
            **{k: v for k, v in values.items() if v is not None},
        }
        self.check()
        if self.beating and connection.in_atomic_block:
            return  # the heartbeat thread writes it (see the module's docstring)
        if not job_beat(job_id=self.job.pk, progress=self.job.progress):
            self.stopped.set()
            self.check()

    def check(self) -> None:
        """Raise JobStopped when the job was cancelled or expired (a body's check between steps)."""
        if self.stopped.is_set():
            raise JobStopped(f"Job #{self.job.pk} was cancelled or stopped.")


def beat_interval(kind: str) -> float:
    """Often enough that a living job never looks dead: a quarter of the stale limit at most."""
    return max(0.5, min(float(settings.JOB_HEARTBEAT_SECONDS), stale_seconds(kind) / 4))


@contextmanager
def heartbeat(job: Job, progress: Progress | None = None) -> Iterator[None]:
    """Beat from a thread while the body runs, with the body's latest `progress`.

    Not inside an open transaction (a test's, or a caller's): another connection could neither
    see the job's latest state nor write without waiting for that transaction.
    """
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat_until, args=(job.pk, beat_interval(job.kind), stop, progress), daemon=True
    )
    if progress is not None:
        progress.beating = True
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)
        if progress is not None:
            progress.beating = False


def _beat_until(
    job_id: int, interval: float, stop: threading.Event, progress: Progress | None
) -> None:
    from django.db import connection as own  # this thread's own connection

    try:
        while not stop.wait(interval):
            try:
                latest = dict(progress.job.progress) if progress is not None else None
                if not job_beat(job_id=job_id, progress=latest or None):
                    if progress is not None:
                        progress.stopped.set()  # the body stops at its next report
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
    progress = Progress(job)
    with heartbeat(job, progress):
        try:
            work(job, progress)
        except JobStopped:
            job.refresh_from_db()
            return job
        except Exception as exc:
            log.exception("job %s (%s %s) failed", job.pk, job.kind, job.target)
            state, error = JobState.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    job_finish(job=job, state=state, error=error, enqueue=enqueue_follow_up)
    job.refresh_from_db()
    return job
