"""Kraken's own state (SystemStatus) and the one-shared-state-per-key guard."""

import threading
import time
from pathlib import Path

import pytest
import redis
import requests

from portfolio.kraken import FileState, RedisState
from portfolio.kraken_factory import clients_for
from portfolio.models import SyncRun, SyncState, SyncTrigger
from portfolio.sync.pipeline import TransientSyncError, sync_run_execute
from portfolio.sync.runs import sync_request
from tests.factories import UserFactory

from .conftest import connect, run_sync, spot_calls, stored_ledger, truth_ledger

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = "redis://127.0.0.1:6379/4"


def set_status(simulator, status: str) -> None:
    reply = requests.post(f"{simulator.base_url}/_sim/status", json={"status": status}, timeout=5)
    assert reply.json() == {"ok": True, "status": status}


@pytest.fixture
def maintenance(simulator, settings):
    settings.KRAKEN_MAINTENANCE_POLL_SECONDS = 0.05
    set_status(simulator, "maintenance")
    yield
    set_status(simulator, "online")


def test_the_simulator_serves_system_status_in_krakens_shape(simulator):
    body = requests.get(f"{simulator.base_url}/0/public/SystemStatus", timeout=5).json()
    assert body["error"] == []
    assert body["result"]["status"] == "online"
    assert body["result"]["timestamp"].endswith("Z")


def test_a_long_maintenance_queues_the_run_again_without_hammering(
    simulator, settings, maintenance
):
    settings.KRAKEN_MAINTENANCE_WAIT_SECONDS = 0.3
    account = simulator.add_account(seed=9601, size=100)
    connection = connect(simulator, account)
    simulator.reset_counters()
    run, _ = sync_request(connection=connection, trigger=SyncTrigger.COMMAND)

    with pytest.raises(TransientSyncError):
        sync_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.state == SyncState.QUEUED
    assert run.error == "Kraken reports maintenance; the sync waits and is retried later."
    assert run.notes[0] == "Kraken reports maintenance; waiting for it to end before syncing."
    assert spot_calls(simulator, account) == {}  # no private call during maintenance
    public = simulator.counters["calls"]["public:127.0.0.1"]
    assert set(public) == {"public/SystemStatus"}
    assert 2 <= public["public/SystemStatus"] <= 0.3 / 0.05 + 2


@pytest.mark.parametrize("status", ["maintenance", "cancel_only"])
def test_a_sync_waits_out_a_short_maintenance_and_finishes(simulator, settings, status):
    settings.KRAKEN_MAINTENANCE_WAIT_SECONDS = 30
    settings.KRAKEN_MAINTENANCE_POLL_SECONDS = 0.05
    account = simulator.add_account(seed=9602, size=100)
    connection = connect(simulator, account)
    set_status(simulator, status)
    threading.Timer(0.5, set_status, args=(simulator, "online")).start()

    run = run_sync(connection)

    assert run.state == SyncState.SUCCEEDED, run.error
    assert run.notes[0] == f"Kraken reports {status}; waiting for it to end before syncing."
    assert run.notes[1].startswith("Kraken is online again after")
    assert stored_ledger(connection) == truth_ledger(account)


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def _states(tmp_path: Path):
    """Two shared states that do not see each other: Redis and files (or two file folders)."""
    if _redis_answers():
        return RedisState(REDIS_URL, prefix="kraken-edges"), FileState(tmp_path / "files")
    return FileState(tmp_path / "a"), FileState(tmp_path / "b")


def test_four_syncs_on_one_key_through_two_backends_the_other_backend_is_refused(
    simulator, settings, tmp_path
):
    account = simulator.add_account(seed=9603, size=300)
    connections = [
        connect(simulator, account, user=UserFactory(), label=f"Same key {n}") for n in range(4)
    ]
    first, second = _states(tmp_path)
    runs, clients = [], []
    for n, connection in enumerate(connections):
        run, _ = sync_request(connection=connection, trigger=SyncTrigger.COMMAND)
        built = clients_for(connection=connection)
        state = first if n % 2 == 0 else second
        for client in (built.spot, built.public, built.futures):
            client.state = state
            client.transport.state = state
        runs.append(run)
        clients.append(built)
    simulator.reset_counters()

    threads = [
        threading.Thread(target=sync_run_execute, kwargs={"run_id": run.pk, "clients": c})
        for run, c in zip(runs, clients, strict=True)
    ]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=120)

    finished = {r.pk: SyncRun.objects.get(pk=r.pk) for r in runs}
    by_state = [finished[r.pk].state for r in runs]
    assert by_state == ["succeeded", "failed", "succeeded", "failed"], [
        finished[r.pk].error for r in runs
    ]
    for run in runs[1::2]:
        assert finished[run.pk].error.startswith("Refused: this connection's API key is in use")
    counters = simulator.counters
    assert counters["rejections_by_key"].get(account.spot_key, {}) == {}
    assert counters["rejections"].get("EAPI:Invalid nonce", 0) == 0
    for connection in connections[0::2]:
        assert stored_ledger(connection) == truth_ledger(account)
