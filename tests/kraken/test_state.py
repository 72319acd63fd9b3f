"""Nonces and the request lock across threads and real processes, for every SharedState."""

import multiprocessing
import os
import threading
import time
import uuid
from pathlib import Path

import pytest

from portfolio.kraken.ratelimit import key_id
from portfolio.kraken.state import FileState, MemoryState, RedisState

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
API_KEY = "test-api-key-that-must-never-appear-on-disk"


def redis_or_skip() -> RedisState:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis server answers at REDIS_URL={REDIS_URL} ({error})")
    return RedisState(client, prefix=f"kraken-test-{uuid.uuid4().hex}")


def make_state(kind: str, tmp_path: Path):
    if kind == "memory":
        return MemoryState()
    if kind == "file":
        return FileState(tmp_path / "state")
    return redis_or_skip()


@pytest.mark.parametrize("kind", ["memory", "file", "redis"])
def test_nonces_strictly_increase_across_threads(kind, tmp_path):
    state = make_state(kind, tmp_path)
    per_thread: list[list[int]] = [[] for _ in range(4)]

    def work(out: list[int]) -> None:
        for _ in range(100):
            out.append(state.next_nonce(API_KEY))

    threads = [threading.Thread(target=work, args=(out,)) for out in per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [n for out in per_thread for n in out]
    assert len(set(everything)) == 400
    assert all(out == sorted(out) and len(set(out)) == 100 for out in per_thread)


def _locked_sends(state, log_path: str, count: int) -> None:
    """Child process: under the key lock take a nonce and 'send' it (append to a shared log)."""
    for _ in range(count):
        with state.lock(API_KEY):
            nonce = state.next_nonce(API_KEY)
            with open(log_path, "a") as log:
                log.write(f"{nonce}\n")


def _run_processes(state, tmp_path: Path, processes: int = 4, count: int = 50) -> list[int]:
    log_path = str(tmp_path / "sent.log")
    context = multiprocessing.get_context("fork")
    children = [
        context.Process(target=_locked_sends, args=(state, log_path, count))
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(30)
        assert child.exitcode == 0
    return [int(line) for line in Path(log_path).read_text().split()]


def test_four_processes_send_nonces_in_strictly_increasing_order_with_file_state(tmp_path):
    sent = _run_processes(FileState(tmp_path / "state"), tmp_path)
    assert len(sent) == 200
    assert all(a < b for a, b in zip(sent, sent[1:], strict=False))


def test_four_processes_send_nonces_in_strictly_increasing_order_with_redis_state(tmp_path):
    state = redis_or_skip()
    sent = _run_processes(state, tmp_path)
    assert len(sent) == 200
    assert all(a < b for a, b in zip(sent, sent[1:], strict=False))


def test_nonce_never_goes_back_when_the_clock_does(tmp_path):
    clock_values = iter([2000.0, 1000.0, 1000.0])
    state = FileState(tmp_path, clock=lambda: next(clock_values))
    assert [state.next_nonce(API_KEY) for _ in range(3)] == [2_000_000, 2_000_001, 2_000_002]


def test_file_state_names_files_by_key_hash_never_by_the_key(tmp_path):
    state = FileState(tmp_path)
    with state.lock(API_KEY):
        state.next_nonce(API_KEY)
    state.reserve(f"spot:{API_KEY}", 1.0, 19.0, 0.95)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            f"{key_id(API_KEY)}.lock",
            f"{key_id(API_KEY)}.nonce",
            f"{key_id('spot:' + API_KEY)}.bucket",
        ]
    )
    assert all(API_KEY not in p.read_text() for p in tmp_path.iterdir())


def test_redis_reservations_queue_like_the_model():
    state = redis_or_skip()
    started = time.monotonic()
    waits = [state.reserve("spot:bucket", 2.0, 20.0, 1.0) for _ in range(11)]
    elapsed = time.monotonic() - started
    assert waits[:10] == [0.0] * 10
    # The 11th waits for 2 units to decay at 1 a second, less what decayed while Redis's clock
    # moved between the calls (at most the time they took here; 1 ms for its microseconds).
    assert max(0.0, 2.0 - elapsed - 0.001) <= waits[10] <= 2.0
