"""kraken_sync and reconcile: output, exit codes."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portfolio.models import BalanceLine, SyncRun, SyncState
from tests.sync.conftest import connect

pytestmark = pytest.mark.django_db(transaction=True)


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_kraken_sync_runs_in_the_foreground_and_reconcile_agrees(simulator):
    account = simulator.add_account(seed=901, size=250)
    connection = connect(simulator, account)
    user = connection.user.username

    out, _ = run_command("kraken_sync", "--user", user)

    assert "succeeded" in out
    assert SyncRun.objects.get(connection=connection).state == SyncState.SUCCEEDED
    out, _ = run_command("reconcile", "--user", user, "--format", "json")
    result = json.loads(out)
    assert result["ok"] is True
    assert result["problems"] == []
    btc = next(
        line
        for line in BalanceLine.objects.filter(snapshot__connection=connection)
        if line.asset == "BTC"
    )
    assert result["assets"]["BTC"] == {
        "computed": f"{btc.balance.quantize(Decimal('1e-10')):f}",
        "kraken": f"{btc.balance.quantize(Decimal('1e-10')):f}",
        "ok": True,
    }
    assert list(result) == ["assets", "ok", "problems"]
    table, _ = run_command("reconcile", "--user", user, "--connection", str(connection.pk))
    assert "Asset" in table and "Computed" in table and "Kraken" in table
    assert "every balance agrees" in table


def test_reconcile_exits_1_and_names_the_asset_when_a_balance_disagrees(simulator):
    account = simulator.add_account(seed=902, size=250)
    connection = connect(simulator, account)
    user = connection.user.username
    run_command("kraken_sync", "--user", user)
    line = BalanceLine.objects.get(snapshot__connection=connection, asset="USD")
    line.balance += Decimal("0.0100")
    line.save()

    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("reconcile", "--user", user, "--format", "json", stdout=out)

    assert failure.value.returncode == 1
    result = json.loads(out.getvalue())
    assert result["ok"] is False
    assert result["assets"]["USD"]["ok"] is False
    assert Decimal(result["assets"]["USD"]["kraken"]) - Decimal(
        result["assets"]["USD"]["computed"]
    ) == Decimal("0.01")
    assert any(p.startswith("USD:") for p in result["problems"])
    table = StringIO()
    with pytest.raises(CommandError):
        call_command("reconcile", "--user", user, stdout=table)
    assert "NO" in table.getvalue()


def test_kraken_sync_fails_with_a_clear_message(simulator):
    account = simulator.add_account(
        seed=903, size=50, permissions=["Query Funds", "Query Ledger Entries", "Export Data"]
    )
    connection = connect(simulator, account)

    with pytest.raises(CommandError) as failure:
        run_command("kraken_sync", "--user", connection.user.username)

    assert "Query Closed Orders & Trades" in str(failure.value)
    with pytest.raises(CommandError, match="No user named"):
        run_command("kraken_sync", "--user", "nobody")
