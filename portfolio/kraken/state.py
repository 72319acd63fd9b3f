"""State shared by every client that uses one API key: request lock, nonces, rate counters.

Kraken counts nonces and rate limits per API key, not per process, so several Celery workers on
one key must agree on them. Three implementations of one protocol:

* ``MemoryState``: one process (threads); the default when no state is given.
* ``FileState(directory)``: processes on one host, through ``fcntl.flock`` on per-key files
  (used with the default SQLite setup).
* ``RedisState(url_or_client)``: any number of hosts, through Lua scripts and Redis locks
  (production). Its clock is Redis's own ``TIME``, so hosts with skewed clocks still agree.

Keys and bucket names are hashed (``key_id``) before they name a file or Redis key, so an API key
never appears on disk or in logs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from portfolio.kraken.ratelimit import key_id, next_nonce_value, reserve_slot
from portfolio.kraken.state_file import FileState
from portfolio.kraken.state_redis import RedisState

__all__ = ["FileState", "MemoryState", "RedisState", "SharedState", "next_nonce_value"]


class SharedState(Protocol):
    def lock(self, key: str) -> AbstractContextManager[None]:
        """Exclusive per-key lock, held across nonce + send + reply so nonces arrive in order."""
        ...

    def next_nonce(self, key: str) -> int:
        """A nonce strictly greater than every nonce handed out before for `key`."""
        ...

    def reserve(self, bucket: str, cost: float, capacity: float, decay: float) -> float:
        """Take `cost` from the bucket's counter; returns the seconds to wait before sending."""
        ...


class MemoryState:
    """Shared state for the threads of one process."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._nonces: dict[str, int] = {}
        self._buckets: dict[str, tuple[float, float]] = {}

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with self._guard:
            key_lock = self._locks.setdefault(key_id(key), threading.Lock())
        with key_lock:
            yield

    def next_nonce(self, key: str) -> int:
        with self._guard:
            name = key_id(key)
            nonce = next_nonce_value(self._nonces.get(name, 0), self._clock())
            self._nonces[name] = nonce
            return nonce

    def reserve(self, bucket: str, cost: float, capacity: float, decay: float) -> float:
        with self._guard:
            name = key_id(bucket)
            now = self._clock()
            level, updated = self._buckets.get(name, (0.0, now))
            new_level, wait = reserve_slot(
                level=level, updated=updated, now=now, cost=cost, capacity=capacity, decay=decay
            )
            self._buckets[name] = (new_level, now)
            return wait
