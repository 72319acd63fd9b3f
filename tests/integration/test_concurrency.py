"""Several workers on one key, coordinated by the shared state, never trip nonces or rate limits."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from portfolio.kraken import MemoryState
from portfolio.simulator import SimulatorServer

from . import workers

REDIS_URL = "redis://127.0.0.1:6379/15"
FAST = 1000  # nonce tests: a speed at which the rate limit never binds


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def fast_sim() -> Iterator[SimulatorServer]:
    with SimulatorServer(speed=FAST, seed=0) as server:
        yield server


def _state_location(kind: str, tmp_path: Path) -> str:
    if kind == "redis":
        if not _redis_answers():
            pytest.skip(f"no Redis answers at {REDIS_URL}")
        return REDIS_URL
    return str(tmp_path / "kraken-state")


@pytest.mark.parametrize("kind", ["file", "redis"])
def test_four_processes_on_one_key_never_get_an_invalid_nonce(
    fast_sim: SimulatorServer, tmp_path: Path, kind: str
) -> None:
    account = fast_sim.add_account(seed=51, size=20)
    where = _state_location(kind, tmp_path)
    args = (fast_sim.base_url, account.spot_key, account.spot_secret, FAST, kind, where, 50)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        done = pool.starmap(workers.balance_calls, [args] * 4)
    counters = fast_sim.counters
    assert done == [50, 50, 50, 50]
    assert counters["calls"][account.spot_key] == {"private/Balance": 200}
    assert counters["rejections_by_key"].get(account.spot_key, {}) == {}
    assert counters["rejections"].get("EAPI:Invalid nonce", 0) == 0


def test_four_threads_sharing_a_memory_state_stay_under_the_rate_limit(
    sim: SimulatorServer,
) -> None:
    account = sim.add_account(seed=52, size=300)
    state = MemoryState()
    results: list[list[str]] = []

    def page() -> None:
        client = workers.client(sim.base_url, account.spot_key, account.spot_secret, 50, state)
        results.append([e.ledger_id for e in client.iter_ledgers()])

    threads = [threading.Thread(target=page) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [e.id for e in reversed(account.truth.ledgers)]
    assert results == [expected] * 4
    assert sim.counters["calls"][account.spot_key] == {"private/Ledgers": 4 * 7}
    assert sim.counters["rejections_by_key"].get(account.spot_key, {}) == {}


def test_four_processes_sharing_a_file_state_stay_under_the_rate_limit(
    sim: SimulatorServer, tmp_path: Path
) -> None:
    account = sim.add_account(seed=53, size=800)
    args = (sim.base_url, account.spot_key, account.spot_secret, 50, "file", str(tmp_path))
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(workers.ledger_ids, [args] * 4)
    expected = [e.id for e in reversed(account.truth.ledgers)]
    assert results == [expected] * 4
    assert sim.counters["calls"][account.spot_key] == {"private/Ledgers": 4 * 17}
    assert sim.counters["rejections_by_key"].get(account.spot_key, {}) == {}
