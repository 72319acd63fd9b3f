"""SharedState through Redis: Lua scripts for nonces and counters, redis-py locks per key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis

from portfolio.kraken.ratelimit import key_id

# Both scripts read Redis's own clock, so workers on hosts with skewed clocks still agree.
_NONCE_SCRIPT = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local nonce = math.max(last + 1, now_ms)
local text = string.format('%.0f', nonce)
redis.call('SET', KEYS[1], text, 'EX', 86400)
return text
"""

_RESERVE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local v = redis.call('HMGET', KEYS[1], 'level', 'updated')
local level = tonumber(v[1]) or 0
local updated = tonumber(v[2]) or now
local cost, cap, decay = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local current = level - (now - updated) * decay
if current < 0 then current = 0 end
local new_level = current + cost
local wait = 0
if decay > 0 and new_level > cap then wait = (new_level - cap) / decay end
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', new_level),
           'updated', string.format('%.17g', now))
redis.call('EXPIRE', KEYS[1], 86400)
return string.format('%.17g', wait)
"""


class RedisState:
    """SharedState for workers on any number of hosts.

    `lock_ttl` bounds how long a crashed worker can hold a key's lock; it must exceed the longest
    request (timeout) plus the longest rate-limit wait.
    """

    def __init__(
        self, redis_url_or_client: str | Any, *, prefix: str = "kraken", lock_ttl: float = 120.0
    ) -> None:
        if isinstance(redis_url_or_client, str):
            self.client = redis.Redis.from_url(redis_url_or_client)
        else:
            self.client = redis_url_or_client
        self.prefix = prefix
        self.lock_ttl = lock_ttl
        self._nonce = self.client.register_script(_NONCE_SCRIPT)
        self._reserve = self.client.register_script(_RESERVE_SCRIPT)

    def _name(self, kind: str, key: str) -> str:
        return f"{self.prefix}:{kind}:{key_id(key)}"

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with self.client.lock(self._name("lock", key), timeout=self.lock_ttl, sleep=0.002):
            yield

    def next_nonce(self, key: str) -> int:
        return int(self._nonce(keys=[self._name("nonce", key)]))

    def reserve(self, bucket: str, cost: float, capacity: float, decay: float) -> float:
        wait = self._reserve(keys=[self._name("bucket", bucket)], args=[cost, capacity, decay])
        return float(wait)
