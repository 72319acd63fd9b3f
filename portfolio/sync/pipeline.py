"""One sync of one connection, in Kraken's order, and how its run ends.

Reference data, then Ledgers and TradesHistory over the whole history, ClosedOrders, Balance and
BalanceEx, TradeBalance and OpenPositions, then Futures when the connection has a futures key, and
finally the reconciliation of what was stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from accounts.crypto import KEYS_NEED_REENTERING, CredentialsKeyError
from jobs.models import Job, JobState
from jobs.runner import heartbeat
from jobs.services import job_finish
from portfolio.kraken.errors import KrakenError
from portfolio.kraken_factory import ConnectionClients, clients_for, state_backend_name
from portfolio.models import SyncRun, SyncState
from portfolio.sync import futures, snapshots
from portfolio.sync.context import SyncContext, WindowHook
from portfolio.sync.errors import ConnectionGone, error_label, failure_message
from portfolio.sync.history import CLOSED_ORDERS, LEDGERS, TRADES, history_probe, history_sync
from portfolio.sync.kraken_status import kraken_online_wait
from portfolio.sync.orders import open_orders_sync
from portfolio.sync.reconcile import reconciliation_run
from portfolio.sync.runs import CSV_ONLY_NOTE, sync_run_claim, sync_run_finish
from portfolio.sync.state_guard import state_backend_claim

log = logging.getLogger(__name__)


class TransientSyncError(Exception):
    """Kraken kept failing with a transient error; the run is queued again for a retry."""

    def __init__(self, run_id: int, error: KrakenError) -> None:
        super().__init__(str(error))
        self.run_id = run_id
        self.error = error


def connection_sync(*, ctx: SyncContext) -> None:
    kraken_online_wait(ctx=ctx)
    # The history walks' first pages come first: a key without the Ledgers or trades permission
    # fails here, before anything is written (and the pages are reused, not fetched twice).
    histories = (LEDGERS, TRADES, CLOSED_ORDERS)
    probes = [history_probe(ctx=ctx, spec=spec) for spec in histories]
    snapshots.reference_data_sync(ctx=ctx)
    for spec, probe in zip(histories, probes, strict=True):
        history_sync(ctx=ctx, spec=spec, probe=probe)
    snapshots.balances_sync(ctx=ctx)
    open_orders_sync(ctx=ctx)  # right after BalanceEx: the holds it explains
    snapshots.trade_balance_sync(ctx=ctx)
    if ctx.clients.futures is not None:
        futures.futures_accounts_sync(ctx=ctx)
        futures.futures_fills_sync(ctx=ctx)
        futures.futures_log_sync(ctx=ctx)
    ctx.save_progress()
    reconciliation_run(connection=ctx.connection, sync_run=ctx.run)


def sync_run_execute(
    *,
    run_id: int,
    after_window: WindowHook | None = None,
    clients: ConnectionClients | None = None,
    on_progress: Callable[[SyncRun], None] | None = None,
) -> SyncRun | None:
    """Run a queued sync to its end. None when there was nothing to run or the connection went.

    Permanent Kraken errors fail the run with a message saying what to do; transient ones (after
    the client's own retries) queue the run again and raise TransientSyncError for the caller
    (the Celery task) to retry later.
    """
    run = sync_run_claim(run_id=run_id)
    if run is None:
        return None
    prepared = _prepared_clients(run, clients)
    if isinstance(prepared, str):
        sync_run_finish(run=run, state=SyncState.FAILED, error=prepared)
        return run
    ctx = SyncContext(
        connection=run.connection,
        run=run,
        clients=prepared,
        full=run.full,
        after_window=_with_progress(after_window, on_progress, run),
    )
    try:
        with heartbeat(run.job) if run.job_id else _no_heartbeat():
            connection_sync(ctx=ctx)
    except ConnectionGone as gone:
        log.info("sync run %s stopped: %s", run_id, gone)
        if run.job_id is not None:  # still running when the connection went with its run
            job_finish(job=Job(pk=run.job_id), state=JobState.CANCELLED, error=str(gone))
        return None
    except KrakenError as error:
        return _stop_on_kraken_error(ctx, error)
    ctx.record_calls()
    sync_run_finish(run=run, state=SyncState.SUCCEEDED)
    return run


@contextmanager
def _no_heartbeat() -> Iterator[None]:
    yield


def _prepared_clients(run: SyncRun, clients: ConnectionClients | None) -> ConnectionClients | str:
    """The run's clients, or why it cannot start: no key, unreadable keys, another shared state."""
    if run.connection.csv_only:  # no key: never call Kraken for it
        return CSV_ONLY_NOTE
    try:
        clients = clients or clients_for(connection=run.connection)
    except CredentialsKeyError:
        return KEYS_NEED_REENTERING
    backend = state_backend_name(clients.spot.state)
    return state_backend_claim(connection=run.connection, backend=backend) or clients


def _with_progress(after_window, on_progress, run) -> WindowHook | None:
    if on_progress is None:
        return after_window

    def hook(dataset: str, windows: int) -> None:
        on_progress(run)
        if after_window is not None:
            after_window(dataset, windows)

    return hook


def _stop_on_kraken_error(ctx: SyncContext, error: KrakenError) -> SyncRun:
    ctx.record_calls()
    ctx.note(f"{error.endpoint or 'Kraken'}: {error_label(error)}")
    if error.transient:
        sync_run_finish(run=ctx.run, state=SyncState.QUEUED, error=failure_message(error))
        raise TransientSyncError(ctx.run.pk, error) from error
    stored = [name for name, entry in ctx.run.progress.items() if entry.get("state") == "done"]
    if stored:  # rows written before the failure stay; the run says what is missing
        ctx.note(f"Stored before stopping: {', '.join(stored)}. Missing: {error.endpoint} onwards.")
    sync_run_finish(run=ctx.run, state=SyncState.FAILED, error=failure_message(error))
    return ctx.run


def sync_run_fail(*, run_id: int, message: str) -> None:
    """Fail a queued or running run for good (the task ran out of retries)."""
    run = SyncRun.objects.filter(pk=run_id).first()
    if run is None or not run.is_active:
        return
    SyncRun.objects.filter(pk=run_id, state=SyncState.QUEUED).update(state=SyncState.RUNNING)
    sync_run_finish(run=run, state=SyncState.FAILED, error=message)
