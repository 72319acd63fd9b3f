"""Every header variant, written from a simulator account, imports what an API sync stores."""

from __future__ import annotations

import json
import time
from io import StringIO

import pytest
from django.core.management import call_command

from portfolio.imports.jobs import after_import
from portfolio.imports.service import import_files
from portfolio.kraken_factory import clients_for
from portfolio.models import SyncState
from tests.factories import UserFactory
from tests.imports import writer
from tests.imports.support import csv_connection, futures_rows, ledger_rows, trade_rows
from tests.simulated import connect, sync

# tasks (imports, prices, rebuilds) run here whatever broker the suite is configured with
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]


@pytest.fixture
def synced(simulator):
    """A simulator account and a connection that synced it through the API."""
    account = simulator.add_account(seed=1401, size=300)
    connection = connect(simulator, account)
    run = sync(connection)
    assert run.state == SyncState.SUCCEEDED, run.error
    return account, connection


def test_every_ledger_header_variant_imports_the_rows_the_api_stored(synced, tmp_path):
    account, api = synced
    expected = ledger_rows(api)
    assert len(expected) == len(account.truth.ledgers)
    for variant in writer.LEDGER_VARIANTS:
        fresh = csv_connection(api.user, label=f"csv {variant}")
        path = writer.write(tmp_path, f"{variant}.csv", writer.ledgers_csv(account, variant))
        summary = import_files(connection=fresh, files=[path])
        assert (summary.rows_read, summary.added, summary.skipped) == (
            len(expected) + 1,
            len(expected),
            1,
        ), variant
        assert (summary.already_present, summary.conflicts) == (0, 0)
        assert ledger_rows(fresh) == expected, variant
    legacy = fresh.__class__.objects.get(label="csv legacy")
    raw = set(legacy.ledger_entries.values_list("ledger_id", "raw_asset"))
    assert raw == set(api.ledger_entries.values_list("ledger_id", "raw_asset"))


def test_every_trades_and_futures_log_variant_imports_the_rows_the_api_stored(synced, tmp_path):
    account, api = synced
    trades, futures = trade_rows(api), futures_rows(api)
    assert len(trades) == len(account.truth.trades) and len(futures) > 3
    for variant in writer.TRADE_VARIANTS:
        fresh = csv_connection(api.user, label=f"trades {variant}")
        path = writer.write(tmp_path, f"t-{variant}.csv", writer.trades_csv(account, variant))
        summary = import_files(connection=fresh, files=[path])
        assert (summary.added, summary.skipped, summary.conflicts) == (len(trades), 0, 0)
        assert trade_rows(fresh) == trades, variant
        ledger_ids = dict(fresh.trades.values_list("txid", "ledgers"))
        assert ledger_ids == {t.txid: list(t.ledgers) for t in account.truth.trades}
    for variant in writer.FUTURES_VARIANTS:
        fresh = csv_connection(api.user, label=f"futures {variant}")
        path = writer.write(tmp_path, f"f-{variant}.csv", writer.futures_csv(account, variant))
        summary = import_files(connection=fresh, files=[path])
        assert (summary.added, summary.conflicts) == (len(futures), 0)
        full = variant == "full"
        assert futures_rows(fresh, contract=full) == futures_rows(api, contract=full), variant


def test_a_web_zip_and_the_zip_retrieve_export_returns_import_alike(synced, tmp_path):
    account, api = synced
    web = writer.zip_of(
        {
            "ledgers.csv": writer.ledgers_csv(account, "wallet"),
            "trades.csv": writer.trades_csv(account, "slash"),
        }
    )
    fresh = csv_connection(api.user, label="web zip")
    summary = import_files(connection=fresh, files=[writer.write(tmp_path, "kraken.zip", web)])
    assert [f.kind for f in summary.files] == ["ledgers", "trades"]
    assert ledger_rows(fresh) == ledger_rows(api)
    assert trade_rows(fresh) == trade_rows(api)

    spot = clients_for(connection=api).spot
    export_id = spot.add_export(report="ledgers", description="all", starttm=1, endtm=2**31 - 1)
    for _ in range(200):
        if {s.id: s.status for s in spot.export_status("ledgers")}[export_id] == "Processed":
            break
        time.sleep(0.01)
    retrieved = writer.write(tmp_path, "retrieved.zip", spot.retrieve_export(export_id))
    other = csv_connection(api.user, label="retrieved")
    summary = import_files(connection=other, files=[retrieved])
    assert summary.added == len(account.truth.ledgers)
    assert ledger_rows(other) == ledger_rows(api)


def test_a_csv_only_connection_reconciles_on_its_running_balances(synced, tmp_path):
    account, api = synced
    fresh = csv_connection(api.user)
    files = [
        writer.write(tmp_path, "l.csv", writer.ledgers_csv(account, "wallet")),
        writer.write(tmp_path, "t.csv", writer.trades_csv(account, "altname")),
    ]
    import_files(connection=fresh, files=files)
    result = after_import(connection=fresh)
    assert result.ok, result.problems[:3]
    api_checks = api.reconciliations.first().assets
    # the futures wallet is reconciled from the futures log, which these two files do not carry
    assert {a: c["computed"] for a, c in result.assets.items()} == {
        a: c["computed"] for a, c in api_checks.items() if not a.startswith("futures ")
    }
    out = StringIO()
    call_command(
        "reconcile", "--user", api.user.username, "--connection", str(fresh.pk),
        "--format", "json", stdout=out,
    )  # fmt: skip
    payload = json.loads(out.getvalue())
    assert payload["ok"] is True and payload["problems"] == []
    assert payload["assets"] == result.assets


def test_a_user_sees_only_their_own_connections_when_importing(synced, tmp_path, client):
    account, api = synced
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(f"/accounts/connections/{api.pk}/import/").status_code == 404


def test_the_books_rebuild_from_a_csv_only_connection(synced, tmp_path, settings):
    from accounts.services import ConnectionInput, connection_create
    from portfolio.books.models import AccountingRun

    account, api = synced
    user = UserFactory()
    only = connection_create(
        user=user,
        data=ConnectionInput(label="CSV", csv_only=True, api_url=api.api_url),  # public prices
    )
    files = [
        writer.write(tmp_path, "l.csv", writer.ledgers_csv(account, "wallet")),
        writer.write(tmp_path, "t.csv", writer.trades_csv(account, "slash")),
    ]
    import_files(connection=only, files=files)
    settings.ACCOUNTING_REBUILD_AFTER_SYNC = True
    after_import(connection=only)  # the rebuild task runs in-process (no broker in tests)
    run = AccountingRun.objects.filter(user=user).first()
    assert run is not None and run.state == AccountingRun.State.SUCCEEDED, run.error
