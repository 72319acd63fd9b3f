"""The one way to ask for a user's accounts to be recomputed: ``rebuild_request``.

Called by services after whatever changes the books' inputs: a successful sync, a change of
profile, a connection's deletion, a basis entry, the dashboard's "Recompute" button. Requests
coalesce per user: at most one rebuild job per user is queued or running; a request while one
is queued joins it (it has not read its inputs yet), and requests while one runs make exactly
one follow-up, which starts when it ends (it may have read its inputs before the change). A
follow-up whose inputs turn out unchanged stores nothing new (``accounting_rebuild`` compares
digests), so coalesced requests cost one computation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from jobs.models import Job, JobKind
from jobs.runner import Progress, job_run
from jobs.services import job_enqueue, job_request, job_wait, was_abandoned
from portfolio.books.models import AccountingRun

log = logging.getLogger(__name__)


def rebuild_target(user_id: int) -> str:
    return f"user:{user_id}"


def rebuild_request(*, user: AbstractBaseUser, reason: str) -> Job:
    """The user's active rebuild job, joined, or a new one enqueued after the commit."""
    return _user_job(JobKind.REBUILD, user, reason, rebuild_enqueue)


def _user_job(kind: str, user: AbstractBaseUser, reason: str, enqueue: Callable[[Job], None]):
    job, _ = job_request(
        kind=kind,
        target=rebuild_target(user.pk),
        owner=user,
        reason=reason,
        follow_up=True,
        enqueue=enqueue,
    )
    return job


def _enqueue(task, job: Job) -> None:
    job_enqueue(task, job)


def rebuild_enqueue(job: Job) -> None:
    """Hand a rebuild job to a worker (in this process when Celery runs eagerly)."""
    from portfolio.books.tasks import rebuild_job  # tasks import this module

    _enqueue(rebuild_job, job)


def rebuild_execute(*, job_id: int) -> Job | None:
    """Run a rebuild job to its end (idempotent: a finished or living job is left alone)."""
    return job_run(job_id=job_id, work=_rebuild_work(), enqueue_follow_up=rebuild_enqueue)


def _rebuild_work(*, connection=None, force: bool = False) -> Callable[[Job, Progress], None]:
    def work(job: Job, progress: Progress) -> None:
        from portfolio.books.services import accounting_rebuild  # the engine stays off the web path

        if job.owner is None:
            return  # its user was deleted meanwhile: nothing to rebuild
        # A job taken over from a dead worker: the run that worker began will never finish.
        runs_follow_jobs([job.pk], AccountingRun.State.FAILED, "Interrupted: its worker died.")
        run = accounting_rebuild(
            user=job.owner, connection=connection, force=force, job=job, on_progress=progress
        )
        progress(run=run.pk)

    return work


def rebuild_here(
    *, user: AbstractBaseUser, connection=None, force: bool = False, reason: str
) -> tuple[Job, AccountingRun | None]:
    """Rebuild in this process (the command line), as a job; joins (waits for) an active one.

    A rebuild of one connection's scope is its own target; the user's rebuild coalesces with
    every other request for the user.
    """
    target = rebuild_target(user.pk)
    if connection is not None:
        target = f"{target}:connection:{connection.pk}"
    job, created = job_request(kind=JobKind.REBUILD, target=target, owner=user, reason=reason)
    if not created:
        job = job_wait(job=job)
        if was_abandoned(job):  # its worker died: this process does the work instead
            return rebuild_here(user=user, connection=connection, force=force, reason=reason)
    else:
        work = _rebuild_work(connection=connection, force=force)
        job = job_run(job_id=job.pk, work=work, enqueue_follow_up=rebuild_enqueue) or job
    run_id = job.progress.get("run")  # the stored run, new or unchanged
    return job, AccountingRun.objects.filter(pk=run_id).first() if run_id else None


def runs_follow_jobs(job_ids: list[int], state: str, error: str) -> None:
    """A rebuild Job cancelled or failed as dead: its run is not left `running`."""
    AccountingRun.objects.filter(job_id__in=job_ids, state=AccountingRun.State.RUNNING).update(
        state=AccountingRun.State.FAILED, error=error, finished_at=timezone.now()
    )


def prices_then_rebuild(*, user: AbstractBaseUser, reason: str) -> Job:
    """Prices first, then numbers: a price-fill job for the user, which asks for a rebuild when
    it ends. Requests coalesce as rebuilds do (one queued or running fill per user, at most one
    follow-up), so a burst of syncs costs one fill and one rebuild."""
    return _user_job(JobKind.PRICES, user, reason, prices_enqueue)


def prices_enqueue(job: Job) -> None:
    from portfolio.books.tasks import prices_job  # tasks import this module

    _enqueue(prices_job, job)


def prices_execute(*, job_id: int) -> Job | None:
    """Run a price-fill job to its end, then request the rebuild (idempotent like a rebuild)."""
    return job_run(job_id=job_id, work=_prices_work, enqueue_follow_up=prices_enqueue)


def _prices_work(job: Job, progress: Progress) -> None:
    from portfolio.books.prices import prices_fill_for
    from portfolio.kraken.errors import KrakenError

    if job.owner is None:
        return  # its user was deleted meanwhile
    shown = _sync_progress(job.owner)

    def report(done: int, total: int, note: str) -> None:
        progress(done=done, total=total, stage=note)
        shown(done, total, note)

    try:
        filled = prices_fill_for(user=job.owner, progress=report)
    except KrakenError as error:
        # A fill that keeps failing still lets the rebuild run: the prices it lacks are listed
        # problems on the run, never silent zeros; the next sync's fill tries again.
        log.warning("price fill for user %s failed: %s", job.owner_id, type(error).__name__)
        report(0, 0, "failed: could not reach Kraken; missing prices are listed as problems")
    else:
        progress(calls=filled.calls, candles=filled.candles)
    rebuild_request(user=job.owner, reason="prices stored")


def _sync_progress(user: AbstractBaseUser) -> Callable[[int, int, str], None]:
    """Mirror the fill's progress into the user's latest sync run, which the connection page
    shows beside its data sets."""
    from portfolio.models import SyncRun

    run = SyncRun.objects.filter(connection__user=user).order_by("-created_at", "-id").first()

    def report(done: int, total: int, note: str) -> None:
        if run is None:
            return
        fresh = SyncRun.objects.filter(pk=run.pk).only("progress").first()
        if fresh is None:
            return
        state = "done" if total and done >= total else note
        progress = {
            **(fresh.progress or {}),
            "prices": {"fetched": done, "total": total or None, "state": state},
        }
        SyncRun.objects.filter(pk=run.pk).update(progress=progress)

    return report
