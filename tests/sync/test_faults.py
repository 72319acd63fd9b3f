import pytest

from portfolio.models import SyncState
from tests.sync.conftest import connect, database_state, run_sync, spot_calls

pytestmark = pytest.mark.django_db(transaction=True)

FAULTS = {
    "http_500",
    "http_502",
    "http_503",
    "http_520",
    "service_unavailable",
    "service_busy",
    "truncated",
    "slow",
}


def test_ten_percent_faults_give_the_same_database(simulator, settings):
    account = simulator.add_account(seed=301, size=2000)  # enough calls that 10% always hits
    clean = connect(simulator, account, label="Clean")
    assert run_sync(clean).state == SyncState.SUCCEEDED
    settings.KRAKEN_RETRY_BASE_DELAY = 0.001
    faulty = connect(simulator, account, label="Faulty")  # one key per user: another user
    simulator.reset_counters()
    simulator.set_faults(rate=0.10, kinds=FAULTS, slow_seconds=0.05)

    run = run_sync(faulty)

    simulator.faults.clear()
    assert run.state == SyncState.SUCCEEDED, run.error
    assert sum(simulator.counters["faults"].values()) > 0
    assert run.counters["http_failures"] > 0
    expected = database_state(clean)
    actual = database_state(faulty)
    assert actual == expected
    calls = spot_calls(simulator, account)
    assert calls["private/Ledgers"] > 10


def test_a_permanent_error_fails_the_run_and_says_what_to_do(simulator):
    account = simulator.add_account(
        seed=302,
        size=200,
        permissions=[
            "Query Funds",
            "Query Open Orders & Trades",
            "Query Closed Orders & Trades",
            "Export Data",
        ],
    )
    connection = connect(simulator, account)
    simulator.reset_counters()

    run = run_sync(connection)

    assert run.state == SyncState.FAILED
    assert "Query Ledger Entries" in run.error
    assert "enable" in run.error
    assert spot_calls(simulator, account) == {"private/Ledgers": 1}
    for related in (
        "ledger_entries",
        "trades",
        "closed_orders",
        "assets",
        "asset_pairs",
        "balance_snapshots",
        "futures_fills",
        "futures_log_entries",
    ):
        assert getattr(connection, related).count() == 0, related
