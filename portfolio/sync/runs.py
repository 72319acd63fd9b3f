"""SyncRun lifecycle: request (or join), claim, progress, finish. One active run per connection.

Each run is the detail of a Job (jobs.Job, kind "sync", target "connection:<id>"): the Job's
partial unique constraint makes two requests racing in two processes share one run, and its
heartbeat tells a living sync from a dead one. Every change here writes the run and its Job in
one transaction; a Job cancelled or expired elsewhere brings its run along (``runs_follow_jobs``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import KrakenConnection, Profile
from accounts.services import profile_for
from jobs.models import Job, JobKind, JobState
from jobs.services import (
    job_beat,
    job_cancel,
    job_claim,
    job_finish,
    job_request,
    job_requeue,
    jobs_expire_stale,
)
from portfolio.models import ACTIVE_STATES, SyncRun, SyncState, SyncTrigger
from portfolio.sync.errors import ConnectionGone


def sync_target(connection: KrakenConnection | int) -> str:
    return f"connection:{getattr(connection, 'pk', connection)}"


CSV_ONLY_NOTE = (
    "This connection is CSV-only: it has no API key, so it is never synced with Kraken. "
    "Import Kraken's CSV exports into it instead."
)


def runs_follow_jobs(job_ids: list[int], state: str, error: str) -> None:
    """A sync Job cancelled or failed as dead outside its worker: its run says the same."""
    SyncRun.objects.filter(job_id__in=job_ids, state__in=ACTIVE_STATES).update(
        state=state, error=error, finished_at=timezone.now()
    )


def sync_number_next(*, user) -> int:
    """The user's next sync-run number; call inside the transaction that creates the run.

    The profile row's lock serialises two runs started at once for one user (two connections,
    two processes), so each gets its own number.
    """
    profile_for(user=user)
    Profile.objects.select_for_update().filter(user=user).update(
        last_sync_number=F("last_sync_number") + 1
    )
    counter = Profile.objects.filter(user=user).values_list("last_sync_number", flat=True).get()
    # runs numbered before the counter existed for this profile (a profile made later)
    highest = SyncRun.objects.filter(connection__user=user).aggregate(n=Max("number"))["n"] or 0
    if counter <= highest:
        counter = highest + 1
        Profile.objects.filter(user=user).update(last_sync_number=counter)
    return counter


def sync_expire_stale(*, connection: KrakenConnection) -> None:
    """Fail the connection's run if its worker stopped beating, so a new one can take over."""
    jobs_expire_stale(kind=JobKind.SYNC, target=sync_target(connection))


def sync_request(
    *,
    connection: KrakenConnection,
    trigger: str = SyncTrigger.MANUAL,
    full: bool = False,
    enqueue: Callable[[SyncRun], None] | None = None,
) -> tuple[SyncRun, bool]:
    """The connection's active run, or a new queued one; (run, created).

    A new run is handed to `enqueue` after the transaction commits (never a run that does not
    exist yet for the worker); a joined run is not enqueued again.
    """
    sync_expire_stale(connection=connection)
    with transaction.atomic():
        job, created = job_request(
            kind=JobKind.SYNC,
            target=sync_target(connection),
            owner=connection.user,
            reason=trigger,
            expire=False,
        )
        if created:
            run = SyncRun.objects.create(
                connection=connection,
                number=sync_number_next(user=connection.user),
                job=job,
                trigger=trigger,
                full=full,
                heartbeat_at=job.heartbeat_at,
            )
    if not created:
        joined = SyncRun.objects.filter(job=job).first()
        if joined is None:  # an active sync Job without its run cannot be joined: end it
            job_finish(job=job, state=JobState.FAILED, error="Its sync run is missing.")
            return sync_request(connection=connection, trigger=trigger, full=full, enqueue=enqueue)
        return joined, False
    if enqueue is not None:
        transaction.on_commit(lambda: enqueue(run))
    return run, True


def sync_run_claim(*, run_id: int) -> SyncRun | None:
    """Move a queued run (or a redelivered running one whose worker died) to running; None if
    there is nothing to do."""
    run = SyncRun.objects.select_related("connection", "job").filter(pk=run_id).first()
    if run is None or run.job_id is None or job_claim(job_id=run.job_id) is None:
        return None
    now = timezone.now()
    fields = {"state": SyncState.RUNNING, "heartbeat_at": now}
    if run.state == SyncState.QUEUED:
        fields["started_at"] = now
    if not SyncRun.objects.filter(pk=run_id, state__in=ACTIVE_STATES).update(**fields):
        return None
    run.refresh_from_db()
    return run


def sync_run_touch(*, run: SyncRun, fields: tuple[str, ...] = ()) -> None:
    """Store progress and heartbeat; raise ConnectionGone if the run vanished or was cancelled.

    Called first inside each window's transaction, so on SQLite that transaction takes the write
    lock at once (a read-then-write transaction could fail to upgrade under concurrent writers).
    """
    run.heartbeat_at = timezone.now()
    values = {
        name: getattr(run, name)
        for name in ("heartbeat_at", "progress", "counters", "notes", *fields)
    }
    updated = SyncRun.objects.filter(pk=run.pk, state=SyncState.RUNNING).update(**values)
    if not updated or (run.job_id is not None and not job_beat(job_id=run.job_id)):
        raise ConnectionGone("The sync run was deleted or cancelled.")


def sync_run_finish(*, run: SyncRun, state: str, error: str = "") -> None:
    """End the run (or, with state QUEUED, put it back for its task's retry), with its Job."""
    run.state = state
    run.error = error
    run.finished_at = None if state == SyncState.QUEUED else timezone.now()
    with transaction.atomic():
        SyncRun.objects.filter(pk=run.pk, state=SyncState.RUNNING).update(
            state=state,
            error=error,
            finished_at=run.finished_at,
            progress=run.progress,
            counters=run.counters,
            notes=run.notes,
        )
        if run.job_id is None:
            return
        if state == SyncState.QUEUED:
            job_requeue(job_id=run.job_id, error=error)
        else:
            job_finish(job=Job(pk=run.job_id), state=state, error=error)


def sync_run_cancel(*, run: SyncRun) -> bool:
    """Ask an active run to stop: it stops at its next window."""
    if run.job_id is not None:
        return job_cancel(job_id=run.job_id)
    return bool(
        SyncRun.objects.filter(pk=run.pk, state__in=ACTIVE_STATES).update(
            state=SyncState.CANCELLED, finished_at=timezone.now(), error="Cancelled."
        )
    )
