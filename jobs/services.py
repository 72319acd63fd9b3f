"""A job's life: request (or join), claim, beat, finish, cancel, and expiry when its worker died.

Every change of state is a conditional UPDATE (``WHERE state = ...``), so a worker that lost its
job (cancelled, or expired while it hung) cannot overwrite what happened meanwhile. A job that
has not beaten for ``stale_seconds(kind)`` is failed with a reason by the next request, the next
``jobs`` command and the beat task ``jobs.tasks.expire_stale_jobs``; the next request then starts
a fresh one. A job's detail record (a SyncRun, an AccountingRun) follows its job through the hook
its app registers with ``on_job_stopped``.

A new kind of long work (a report build, say) needs nothing new here:

    job, created = job_request(kind=JobKind.REPORT, target=f"report:{report.pk}", owner=user,
                               reason="requested", enqueue=lambda job: job_enqueue(task, job))
    # in the task: job_run(job_id=job_id, work=lambda job, progress: build(..., progress))
    on_job_stopped(JobKind.REPORT, hook)  # in AppConfig.ready: the detail record follows

``jobs list`` shows it, ``jobs cancel`` revokes its task and its body stops at its next
progress report, and a dead worker's job is failed after JOB_STALE_SECONDS.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from jobs.models import ACTIVE_JOB_STATES, Job, JobKind, JobState

log = logging.getLogger(__name__)
STALE_PREFIX = "Stopped: no sign of life"
UNCLAIMED_PREFIX = "Stopped: no worker took it"
CANCELLED_NOTE = "Cancelled."
MAX_REASONS = 20

Enqueue = Callable[[Job], None]
StopHook = Callable[[list[int], str, str], None]  # (job ids, new state, error)
_stop_hooks: dict[str, list[StopHook]] = {}


def on_job_stopped(kind: str, hook: StopHook) -> None:
    """Have `hook` called when jobs of `kind` are stopped outside their worker (expiry, cancel)."""
    hooks = _stop_hooks.setdefault(kind, [])
    if hook not in hooks:
        hooks.append(hook)


def _stopped(kind: str, ids: list[int], state: str, error: str) -> None:
    for hook in _stop_hooks.get(kind, ()):
        hook(ids, state, error)


def stale_seconds(kind: str) -> float:
    """How long a running job of `kind` may stay silent before it is taken to have died."""
    if kind == JobKind.SYNC:
        return float(settings.KRAKEN_SYNC_STALE_SECONDS)
    return float(settings.JOB_STALE_SECONDS)


def _ago(seconds: float) -> datetime:
    return timezone.now() - timedelta(seconds=seconds)


def _span(seconds: float) -> str:
    return f"{round(seconds / 60)} minutes" if seconds >= 120 else f"{seconds:g} seconds"


def stale_note(kind: str) -> str:
    return f"{STALE_PREFIX} for {_span(stale_seconds(kind))} (the worker probably died)."


def queue_note() -> str:
    return f"{UNCLAIMED_PREFIX} for {_span(settings.JOB_QUEUE_TIMEOUT_SECONDS)}."


def was_abandoned(job: Job) -> bool:
    """Whether the job was failed because no living worker had it."""
    return job.state == JobState.FAILED and job.error.startswith((STALE_PREFIX, UNCLAIMED_PREFIX))


def jobs_expire_stale(*, kind: str | None = None, target: str | None = None) -> list[int]:
    """Fail every active job (of `kind`, on `target`) that no living worker has; their ids.

    A running job is dead when it has not beaten for ``stale_seconds(kind)``; a queued one when
    no worker took it within JOB_QUEUE_TIMEOUT_SECONDS (its task was lost, or it was left
    queued by a process that gave up).
    """
    expired: list[int] = []
    for each in [kind] if kind else list(JobKind.values):
        running = Q(state=JobState.RUNNING, heartbeat_at__lt=_ago(stale_seconds(each)))
        queued = Q(
            state=JobState.QUEUED,
            heartbeat_at__lt=_ago(float(settings.JOB_QUEUE_TIMEOUT_SECONDS)),
        )
        for silent, note in ((running, stale_note(each)), (queued, queue_note())):
            candidates = Job.objects.filter(silent, kind=each)
            if target is not None:
                candidates = candidates.filter(target=target)
            for job_id in candidates.values_list("pk", flat=True):
                if _stop_one(job_id, each, JobState.FAILED, note, silent=silent):
                    expired.append(job_id)
    return expired


def _stop_one(job_id: int, kind: str, state: str, error: str, *, silent: Q | None = None) -> bool:
    with transaction.atomic():
        rows = Job.objects.filter(pk=job_id, state__in=ACTIVE_JOB_STATES)
        if silent is not None:
            rows = rows.filter(silent)  # it may have beaten since we looked
        if not rows.update(state=state, error=error, finished_at=timezone.now()):
            return False
        _stopped(kind, [job_id], state, error)
    return True


def job_request(
    *,
    kind: str,
    target: str,
    owner=None,
    reason: str = "",
    follow_up: bool = False,
    enqueue: Enqueue | None = None,
    expire: bool = True,
) -> tuple[Job, bool]:
    """The active job of (kind, target), or a new queued one; (job, created).

    A new job goes to `enqueue` after the transaction commits. A joined job gains the reason;
    with `follow_up`, a joined job that is already running runs once more when it ends (any
    number of requests meanwhile make exactly one follow-up), since it may have read its inputs
    before the change that prompted the request. `expire=False`: the caller expired dead jobs
    already, before its transaction (whose first statement must be a write on SQLite).
    """
    if expire:
        jobs_expire_stale(kind=kind, target=target)
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                target=target,
                owner=owner,
                reasons=[reason] if reason else [],
                heartbeat_at=timezone.now(),
            )
    except IntegrityError:
        joined = _join(kind=kind, target=target, reason=reason, follow_up=follow_up)
        if joined is None:  # it ended between our INSERT and our look: ask again
            return job_request(
                kind=kind,
                target=target,
                owner=owner,
                reason=reason,
                follow_up=follow_up,
                enqueue=enqueue,
                expire=expire,
            )
        return joined, False
    if enqueue is not None:
        transaction.on_commit(lambda: enqueue(job))
    return job, True


def _join(*, kind: str, target: str, reason: str, follow_up: bool) -> Job | None:
    """Add the request to the active job; None if it ended meanwhile (then ask again).

    One conditional UPDATE records the reason and, with ``follow_up``, flags a running job to run
    once more, so a request either joins a job that is still active or changes nothing: a job
    ending between two writes could otherwise keep the reason and have it recorded again on the
    next job. No read-then-write transaction: on SQLite such a transaction can fail to take the
    write lock while another process writes. The reasons are compared-and-set, so two requests
    joining at once both keep theirs.
    """
    for _ in range(MAX_REASONS):
        job = Job.objects.filter(kind=kind, target=target, state__in=ACTIVE_JOB_STATES).first()
        if job is None:
            return None
        values: dict[str, Any] = {}
        if reason and len(job.reasons) < MAX_REASONS:
            values["reasons"] = [*job.reasons, reason]
        if follow_up:
            # A running job may have read its inputs before this change: it runs once more. The
            # flag is set only while it still runs, so job_finish (which ends it first, then
            # reads the flag) either sees it or makes this request start a new job.
            values["follow_up"] = Case(
                When(state=JobState.RUNNING, then=Value(True)), default=F("follow_up")
            )
        if not values:
            return job
        same = Job.objects.filter(pk=job.pk, state__in=ACTIVE_JOB_STATES)
        if "reasons" in values:
            same = same.filter(reasons=job.reasons)  # no other request added one meanwhile
        if same.update(**values):
            job.refresh_from_db(fields=["state", "reasons", "follow_up"])
            return job
    return None


def job_claim(*, job_id: int) -> Job | None:
    """Move a queued job to running, or take over a running one whose worker died (a task
    redelivered after a crash); None when there is nothing to do."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        claimed = Job.objects.filter(
            pk=job_id, state=JobState.RUNNING, heartbeat_at__lt=_ago(stale_seconds(job.kind))
        ).update(heartbeat_at=now)
    if not claimed:
        return None
    job.refresh_from_db()
    return job


def job_beat(*, job_id: int, progress: dict | None = None) -> bool:
    """Record a sign of life (and progress); False when the job is no longer running."""
    values: dict = {"heartbeat_at": timezone.now()}
    if progress is not None:
        values["progress"] = progress
    return bool(Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(**values))


def job_requeue(*, job_id: int, error: str) -> bool:
    """Put a running job back in the queue (a transient failure its task will retry)."""
    return bool(
        Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
            state=JobState.QUEUED, error=error, heartbeat_at=timezone.now()
        )
    )


def job_finish(
    *, job: Job, state: str, error: str = "", enqueue: Enqueue | None = None
) -> Job | None:
    """End a running (or queued) job; returns its follow-up job when one was requested.

    A job that was cancelled or expired meanwhile keeps that record.
    """
    values: dict = {"state": state, "error": error, "finished_at": timezone.now()}
    if job.progress:
        values["progress"] = job.progress
    with transaction.atomic():  # the write comes first: it takes SQLite's write lock at once
        if not Job.objects.filter(pk=job.pk, state__in=ACTIVE_JOB_STATES).update(**values):
            return None
        ended = Job.objects.get(pk=job.pk)
        job.state, job.error, job.finished_at = state, error, ended.finished_at
        if not ended.follow_up:
            return None
        follow = Job.objects.create(
            kind=ended.kind,
            target=ended.target,
            owner_id=ended.owner_id,
            reasons=[f"follow-up of job #{ended.pk}"],
            heartbeat_at=timezone.now(),
        )
        if enqueue is not None:
            transaction.on_commit(lambda: enqueue(follow))
    return follow


def job_cancel(*, job_id: int, revoke: bool = True) -> bool:
    """Stop an active job: mark it cancelled, then revoke its Celery task.

    A queued task is dropped by the workers; a running one is terminated where the worker's pool
    allows it (prefork: its child gets SIGTERM, and its open transaction rolls back). Where it
    does not (solo, threads) or when no worker heard, the body stops itself at its next step:
    its heartbeat and its progress reports find the job no longer running (``jobs.runner``).
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return False
    if not _stop_one(job_id, job.kind, JobState.CANCELLED, CANCELLED_NOTE):
        return False
    if revoke and job.task_id:
        job_revoke(task_id=job.task_id)
    return True


def job_revoke(*, task_id: str) -> bool:
    """Ask the workers to drop or terminate a task; False when there is no broker to ask."""
    if not settings.CELERY_BROKER_URL:
        return False  # tasks run in the requesting process: the cooperative stop is all there is
    from celery import current_app

    try:
        current_app.control.revoke(
            task_id, terminate=settings.JOB_CANCEL_TERMINATE, signal="SIGTERM"
        )
    except Exception:  # the broker is down: the cooperative stop still applies
        log.warning("could not revoke task %s", task_id, exc_info=True)
        return False
    return True


def job_set_task(*, job: Job, task_id: str | None) -> None:
    if task_id:
        job.task_id = task_id[:64]
        Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


def job_enqueue(task: Any, job: Job, *args: Any) -> None:
    """Send `task` (with `args`, the job's id by default) and keep its id on the job, so a
    cancel can revoke it. Call it after the job's transaction commits (``job_request``'s
    `enqueue`)."""
    result = task.delay(*(args or (job.pk,)))
    job_set_task(job=job, task_id=getattr(result, "id", None))


def active_job(*, kind: str, target: str) -> Job | None:
    return Job.objects.filter(kind=kind, target=target, state__in=ACTIVE_JOB_STATES).first()


def job_wait(*, job: Job, poll: float = 1.0, on_poll: Callable[[Job], None] | None = None) -> Job:
    """Wait for another process's job to end, never for a dead one: it is expired on the way."""
    while True:
        jobs_expire_stale(kind=job.kind, target=job.target)
        current = Job.objects.filter(pk=job.pk).first()
        if current is None or not current.is_active:
            return current or job
        if on_poll is not None:
            on_poll(current)
        time.sleep(poll)
