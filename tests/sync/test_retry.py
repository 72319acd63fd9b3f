"""Kraken failing for longer than the client's retries: the run is queued again, then retried."""

import pytest

from portfolio.models import SyncRun, SyncState
from portfolio.sync.pipeline import TransientSyncError, sync_run_execute
from portfolio.sync.runs import sync_request
from portfolio.tasks import sync_connection
from tests.sync.conftest import connect, stored_ledger, truth_ledger

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_long_outage_requeues_the_run_and_a_retry_finishes_it(simulator):
    account = simulator.add_account(seed=1001, size=300)
    connection = connect(simulator, account)
    run, _ = sync_request(connection=connection)
    simulator.set_faults(fail_next=("http_503", 1000, "private/TradesHistory"))

    with pytest.raises(TransientSyncError):
        sync_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.state == SyncState.QUEUED
    assert run.error.startswith("Could not reach Kraken at this connection's URL.")
    assert "TradesHistory: could not reach Kraken" in run.notes  # no HTTP status for the user
    assert connection.ledger_entries.count() == 0  # the trades probe failed before any write
    simulator.faults.clear()
    assert sync_run_execute(run_id=run.pk).state == SyncState.SUCCEEDED
    assert stored_ledger(connection) == truth_ledger(account)


def test_the_task_fails_the_run_when_it_runs_out_of_retries(simulator, settings):
    settings.KRAKEN_SYNC_TASK_MAX_RETRIES = 0
    account = simulator.add_account(seed=1002, size=100)
    connection = connect(simulator, account)
    run, _ = sync_request(connection=connection)
    simulator.set_faults(fail_next=("service_unavailable", 1000, "private/Ledgers"))

    result = sync_connection.apply(args=[run.pk])

    assert result.get() == "failed"
    run = SyncRun.objects.get(pk=run.pk)
    assert run.state == SyncState.FAILED
    assert "EService:Unavailable" in run.error
    assert "next scheduled sync" in run.error
