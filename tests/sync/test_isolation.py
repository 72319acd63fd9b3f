"""Two users syncing at once, a connection deleted mid-sync."""

import threading

import pytest
from django.db import connection as db_connection

from portfolio import models
from portfolio.models import SyncRun, SyncState
from tests.sync.conftest import connect, run_sync, stored_ledger, truth_ledger

pytestmark = pytest.mark.django_db(transaction=True)

SYNCED_MODELS = [
    m
    for m in vars(models).values()
    if isinstance(m, type)
    and hasattr(m, "_meta")
    and any(f.name == "connection" for f in m._meta.get_fields())
]


def test_two_users_syncing_at_once_do_not_mix(simulator):
    first_account = simulator.add_account(seed=601, size=350)
    second_account = simulator.add_account(seed=602, size=350)
    first = connect(simulator, first_account, label="Alice")
    second = connect(simulator, second_account, label="Bob")
    results, errors = {}, []

    def sync(connection):
        try:
            results[connection.pk] = run_sync(connection)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=sync, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert {r.state for r in results.values()} == {SyncState.SUCCEEDED}
    assert stored_ledger(first) == truth_ledger(first_account)
    assert stored_ledger(second) == truth_ledger(second_account)
    first_ids = set(first.ledger_entries.values_list("ledger_id", flat=True))
    second_ids = set(second.ledger_entries.values_list("ledger_id", flat=True))
    assert not first_ids & second_ids


def test_a_connection_deleted_mid_sync_stops_cleanly(simulator):
    account = simulator.add_account(seed=603, size=400)
    connection = connect(simulator, account)
    pk = connection.pk

    def delete_after_third_window(dataset: str, windows: int) -> None:
        if windows == 3:
            type(connection).objects.filter(pk=pk).delete()

    run, _ = __import__("portfolio.sync.runs", fromlist=["sync_request"]).sync_request(
        connection=connection
    )
    from portfolio.sync.pipeline import sync_run_execute

    assert sync_run_execute(run_id=run.pk, after_window=delete_after_third_window) is None
    assert not SyncRun.objects.filter(pk=run.pk).exists()
    assert SYNCED_MODELS
    for model in SYNCED_MODELS:
        assert not model.objects.filter(connection_id=pk).exists(), model.__name__
