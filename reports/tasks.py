"""Celery tasks for the accounts: thin, they load ids and call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from accounts.models import KrakenConnection
from portfolio.kraken.errors import KrakenError
from portfolio.models import SyncRun
from reports.prices import prices_fill_for
from reports.services import accounting_rebuild

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def accounting_rebuild_task(self, user_id: int) -> int | None:
    """Rebuild a user's accounts after a sync or a change of settings; returns the run id."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None  # the user was deleted meanwhile: nothing to rebuild
    return accounting_rebuild(user=user).pk


def _progress_on(sync_run_id: int | None):
    """A progress callable writing (done, total, note) into the sync run the page shows."""

    def report(done: int, total: int, note: str) -> None:
        run = SyncRun.objects.filter(pk=sync_run_id).only("progress").first()
        if run is None:
            return
        progress = dict(run.progress or {})
        state = "done" if total and done >= total else note
        progress["prices"] = {"fetched": done, "total": total or None, "state": state}
        SyncRun.objects.filter(pk=sync_run_id).update(progress=progress)

    return report if sync_run_id else None


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def prices_fill_task(
    self, user_id: int, connection_id: int | None = None, sync_run_id: int | None = None
) -> int | None:
    """Prices first, then numbers: store the prices the user's events need, then rebuild.

    A fill that keeps failing still lets the rebuild run: prices it lacks are listed problems.
    """
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    connection = KrakenConnection.objects.filter(pk=connection_id, user=user).first()
    progress = _progress_on(sync_run_id)
    try:
        prices_fill_for(user=user, connection=connection, progress=progress)
    except KrakenError as error:
        if error.transient and self.request.retries < self.max_retries:
            raise self.retry(exc=error) from error
        log.warning("price fill for user %s failed: %s", user_id, type(error).__name__)
        if progress:
            progress(0, 0, f"failed: {error}")
    accounting_rebuild_task.delay(user_id)
    return user_id
