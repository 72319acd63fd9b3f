"""Honest results: no export falls back to paging, a partial sync says what it lacks, and no
command reports on a connection that was never synced."""

import io
import json

import pytest
import requests
from django.core.management import CommandError, call_command

from portfolio.models import SyncCursor, SyncState
from tests.factories import UserFactory

from .conftest import connect, run_sync, spot_calls, stored_ledger, truth_ledger

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_exports(simulator):
    """The simulator as an endpoint without AddExport, set through its control interface."""
    url = f"{simulator.base_url}/_sim/methods"
    assert requests.post(url, json={"disabled": ["AddExport"]}, timeout=5).ok
    yield
    requests.post(url, json={"disabled": []}, timeout=5)


def test_an_endpoint_without_add_export_still_syncs_6000_rows_by_paging(simulator, no_exports):
    account = simulator.add_account(seed=9501, size=6000)
    connection = connect(simulator, account, futures=False)

    run = run_sync(connection)

    assert run.state == SyncState.SUCCEEDED, run.error
    assert len(truth_ledger(account)) >= 6000
    assert stored_ledger(connection) == truth_ledger(account)
    assert (
        "ledgers: export unavailable (EGeneral:Unknown method); paging the whole history instead."
        in run.notes
    )
    calls = spot_calls(simulator, account)
    assert calls["private/AddExport"] >= 1
    assert "private/RetrieveExport" not in calls
    assert connection.reconciliations.get().ok


def test_a_key_without_query_funds_keeps_the_history_and_says_what_it_lacks(simulator):
    permissions = ["query_ledger_entries", "query_closed_orders_and_trades"]
    account = simulator.add_account(seed=9502, size=200, permissions=permissions)
    connection = connect(simulator, account, futures=False)

    run = run_sync(connection)

    assert run.state == SyncState.FAILED
    assert 'enable: "Query Funds"' in run.error
    assert "Balance" in run.error
    assert (
        "Stored before stopping: assets, asset_pairs, ledgers, trades, closed_orders. "
        "Missing: Balance onwards." in run.notes
    )
    assert connection.ledger_entries.count() == len(account.truth.ledgers)
    with pytest.raises(CommandError, match="No completed sync for 'Main'"):
        call_command("reconcile", "--user", connection.user.username, stdout=io.StringIO())


def test_a_sync_that_fails_at_once_writes_no_cursor(simulator):
    account = simulator.add_account(seed=9503, size=50, permissions=["query_funds"])
    connection = connect(simulator, account, futures=False)

    run = run_sync(connection)

    assert run.state == SyncState.FAILED
    assert "Ledgers" in run.error
    assert SyncCursor.objects.filter(connection=connection).count() == 0


def test_reconcile_and_tax_report_refuse_a_connection_never_synced(simulator):
    user = UserFactory(username="unsynced")
    connection = connect(simulator, simulator.add_account(seed=9504, size=50), user=user)
    message = "No completed sync for 'Main': there is nothing verified to report."
    for command, extra in (
        ("reconcile", ["--format", "json"]),
        ("tax_report", ["--year", "2024", "--format", "json"]),
    ):
        out = io.StringIO()
        with pytest.raises(CommandError, match=message) as raised:
            call_command(command, "--user", "unsynced", *extra, stdout=out)
        assert raised.value.returncode == 2
        assert out.getvalue() == ""
    assert run_sync(connection).state == SyncState.SUCCEEDED
    out = io.StringIO()
    call_command("reconcile", "--user", "unsynced", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True
