"""SyncRun lifecycle: request (or join), claim, progress, finish. One active run per connection.

The rule "at most one queued or running sync per connection" lives in the database (a partial
unique constraint on SyncRun), so two requests racing in two processes cannot both create a run:
the loser's INSERT fails and it returns the winner's run instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import KrakenConnection
from portfolio.models import ACTIVE_STATES, SyncRun, SyncState, SyncTrigger
from portfolio.sync.errors import ConnectionGone

CSV_ONLY_NOTE = (
    "This connection is CSV-only: it has no API key, so it is never synced with Kraken. "
    "Import Kraken's CSV exports into it instead."
)
STALE_NOTE = "Stopped: no progress for {minutes} minutes (the worker probably died)."


def _stale_before() -> timezone.datetime:
    return timezone.now() - timedelta(seconds=settings.KRAKEN_SYNC_STALE_SECONDS)


def _expire_stale_run(*, connection: KrakenConnection) -> None:
    """Fail an active run that stopped reporting progress, so a new one can take over."""
    minutes = round(settings.KRAKEN_SYNC_STALE_SECONDS / 60)
    SyncRun.objects.filter(
        connection=connection,
        state__in=ACTIVE_STATES,
        heartbeat_at__lt=_stale_before(),
    ).update(
        state=SyncState.FAILED,
        finished_at=timezone.now(),
        error=STALE_NOTE.format(minutes=minutes),
    )


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
    _expire_stale_run(connection=connection)
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                connection=connection,
                trigger=trigger,
                full=full,
                heartbeat_at=timezone.now(),
            )
    except IntegrityError:
        active = SyncRun.objects.filter(connection=connection, state__in=ACTIVE_STATES).first()
        if active is None:  # it finished between our INSERT and this SELECT: ask again
            return sync_request(connection=connection, trigger=trigger, full=full, enqueue=enqueue)
        return active, False
    if enqueue is not None:
        transaction.on_commit(lambda: enqueue(run))
    return run, True


def sync_run_claim(*, run_id: int) -> SyncRun | None:
    """Move a queued run (or a redelivered running one) to running; None if nothing to do."""
    now = timezone.now()
    claimed = SyncRun.objects.filter(pk=run_id, state=SyncState.QUEUED).update(
        state=SyncState.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        claimed = SyncRun.objects.filter(
            pk=run_id, state=SyncState.RUNNING, heartbeat_at__lt=_stale_before()
        ).update(heartbeat_at=now)
    if not claimed:
        return None
    return SyncRun.objects.select_related("connection").get(pk=run_id)


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
    if not updated:
        raise ConnectionGone("The sync run was deleted or cancelled.")


def sync_run_finish(*, run: SyncRun, state: str, error: str = "") -> None:
    run.state = state
    run.error = error
    run.finished_at = timezone.now()
    SyncRun.objects.filter(pk=run.pk, state=SyncState.RUNNING).update(
        state=state,
        error=error,
        finished_at=run.finished_at,
        progress=run.progress,
        counters=run.counters,
        notes=run.notes,
    )


def sync_run_cancel(*, run: SyncRun) -> bool:
    """Ask an active run to stop: it stops at its next window."""
    return bool(
        SyncRun.objects.filter(pk=run.pk, state__in=ACTIVE_STATES).update(
            state=SyncState.CANCELLED, finished_at=timezone.now(), error="Cancelled."
        )
    )
