"""A long first history goes through Kraken's bulk export; the pages cover only what follows it."""

import pytest

from portfolio.models import SyncRun, SyncState
from portfolio.models.fields import DataSource
from portfolio.sync.pipeline import sync_run_execute
from tests.sync.conftest import connect, run_sync, spot_calls, when

pytestmark = pytest.mark.django_db(transaction=True)


def exact_rows(account) -> dict[str, tuple]:
    return {e.id: (e.refid, e.type, e.amount, e.fee, e.balance) for e in account.truth.ledgers}


def stored_rows(connection) -> dict[str, tuple]:
    fields = ("ledger_id", "refid", "type", "amount", "fee", "balance")
    return {row[0]: row[1:] for row in connection.ledger_entries.values_list(*fields)}


def test_a_long_first_history_is_exported_then_paged_from_the_exports_end(simulator, settings):
    settings.KRAKEN_SYNC_EXPORT_THRESHOLD = 200
    account = simulator.add_account(seed=501, size=1200)
    connection = connect(simulator, account)
    simulator.reset_counters()

    run = run_sync(connection)

    assert run.state == SyncState.SUCCEEDED, run.error
    calls = spot_calls(simulator, account)
    for endpoint in ("AddExport", "RetrieveExport", "RemoveExport"):
        assert calls[f"private/{endpoint}"] == 2  # ledgers and trades
    assert calls["private/Ledgers"] <= 3  # the probe and the tail after the export's end
    assert stored_rows(connection) == exact_rows(account)
    assert connection.trades.count() == len(account.truth.trades)
    truth_times = {e.id: when(e.ticks) for e in account.truth.ledgers}
    for ledger_id, moment, source in connection.ledger_entries.values_list(
        "ledger_id", "time", "source"
    ):
        exact = truth_times[ledger_id]
        if source == DataSource.EXPORT:  # the CSV has whole seconds
            assert moment == exact.replace(microsecond=0)
        else:
            assert moment == exact
    assert run.reconciliation.ok, run.reconciliation.problems[:3]
    assert run.counters["export_rows"] >= 1100


def test_a_crash_while_the_export_is_processed_resumes_with_the_same_export(simulator, settings):
    settings.KRAKEN_SYNC_EXPORT_THRESHOLD = 200
    account = simulator.add_account(seed=502, size=600)
    connection = connect(simulator, account)
    simulator.reset_counters()

    def crash_when_export_requested(dataset: str, windows: int) -> None:
        if dataset == "ledgers":
            raise KeyboardInterrupt  # like a worker killed right after AddExport

    with pytest.raises(KeyboardInterrupt):
        run_sync(connection, after_window=crash_when_export_requested)
    cursor = connection.sync_cursors.get(dataset="ledgers")
    assert cursor.state["export_id"]
    assert connection.ledger_entries.count() == 0
    settings.KRAKEN_SYNC_STALE_SECONDS = 0
    sync_run_execute(run_id=SyncRun.objects.get(connection=connection).pk)

    calls = spot_calls(simulator, account)
    trades_exported = len(account.truth.trades) > 200
    assert calls["private/AddExport"] == 1 + trades_exported  # the ledgers' export was reused
    assert stored_rows(connection) == exact_rows(account)
