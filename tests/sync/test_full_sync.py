import pytest

from portfolio.models import SyncState
from tests.sync.conftest import (
    connect,
    run_sync,
    stored_ledger,
    stored_trades,
    truth_ledger,
    truth_trades,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_full_sync_equals_the_simulators_ground_truth(simulator):
    account = simulator.add_account(seed=101, size=400)
    connection = connect(simulator, account)

    run = run_sync(connection)

    assert run.state == SyncState.SUCCEEDED, run.error
    assert stored_ledger(connection) == truth_ledger(account)
    assert connection.ledger_entries.count() == len(account.truth.ledgers)
    assert stored_trades(connection) == truth_trades(account)
    assert connection.closed_orders.count() == len(account.truth.closed_orders)
    assert connection.futures_fills.count() == len(account.truth.futures_fills)
    assert connection.futures_log_entries.count() == len(account.truth.futures_log)
    assert run.reconciliation.ok, run.reconciliation.problems[:5]
