import pytest

from portfolio.models import SyncState
from tests.sync.conftest import (
    connect,
    futures_calls,
    run_sync,
    spot_calls,
    stored_ledger,
    truth_ledger,
)

pytestmark = pytest.mark.django_db(transaction=True)

ONE_CALL_EACH_SPOT = {
    "private/Ledgers": 1,
    "private/TradesHistory": 1,
    "private/ClosedOrders": 1,
    "private/Balance": 1,
    "private/BalanceEx": 1,
    "private/TradeBalance": 1,
    "private/OpenPositions": 1,
    "private/OpenOrders": 1,
}
ONE_CALL_EACH_FUTURES = {
    "futures/accounts": 1,
    "futures/openpositions": 1,
    "futures/openorders": 1,
    "futures/fills": 1,
    "history/v3/account-log": 1,
}


def test_a_sync_with_nothing_new_makes_one_call_per_data_set(simulator):
    account = simulator.add_account(seed=201, size=300)
    connection = connect(simulator, account)
    assert run_sync(connection).state == SyncState.SUCCEEDED
    rows_before = connection.ledger_entries.count()
    simulator.reset_counters()

    run = run_sync(connection)

    assert run.state == SyncState.SUCCEEDED, run.error
    assert spot_calls(simulator, account) == ONE_CALL_EACH_SPOT
    assert futures_calls(simulator, account) == ONE_CALL_EACH_FUTURES
    public = simulator.counters["calls"]["public:127.0.0.1"]
    assert public == {"public/SystemStatus": 1, "public/Assets": 1, "public/AssetPairs": 1}
    assert run.counters["api_calls"] == 16  # SystemStatus first
    assert connection.ledger_entries.count() == rows_before


def test_a_later_sync_fetches_only_the_new_entries(simulator):
    account = simulator.add_account(seed=202, size=300)
    connection = connect(simulator, account)
    run_sync(connection)
    new_entries = account.append_activity(120)
    simulator.reset_counters()

    run = run_sync(connection)

    assert run.state == SyncState.SUCCEEDED, run.error
    assert stored_ledger(connection) == truth_ledger(account)
    assert run.progress["ledgers"]["fetched"] == len(new_entries) == 120
    # 120 new rows: the probe, then the oldest page of each window (about 50 rows a call).
    assert spot_calls(simulator, account)["private/Ledgers"] <= 4
