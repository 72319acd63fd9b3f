"""Nonce rules and rate limiters (reference 1.4, 5.1-5.3), all scaled by the simulator's speed.

Spot private: a call counter per key that rises by the call's cost (2 for Ledgers, TradesHistory,
QueryLedgers, QueryTrades; 1 otherwise) and decays continuously at the tier's rate; a call that
would take the counter above the tier's maximum is refused with ``EAPI:Rate limit exceeded`` and
adds nothing. Public: a bucket per client address refilled at 1 request/s. Futures: per key, a
``/derivatives`` bucket of 500 refilled over 10 s and a ``/history`` pool of 100 tokens refilled
over 10 minutes. ``speed`` multiplies every decay and refill rate, so speed 50 makes a Pro counter
decay 50/s.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

TIERS: dict[str, tuple[float, float]] = {
    "starter": (15.0, 0.33),
    "intermediate": (20.0, 0.5),
    "pro": (20.0, 1.0),
}
SPOT_COSTS = {"Ledgers": 2, "TradesHistory": 2, "QueryLedgers": 2, "QueryTrades": 2}
DERIVATIVES_BUDGET = (500.0, 500.0 / 10.0)
HISTORY_BUDGET = (100.0, 100.0 / 600.0)
PUBLIC_BUDGET = (5.0, 1.0)  # a burst of 5, then about 1 request/s per client
DERIVATIVES_COSTS = {"accounts": 2, "openpositions": 2, "fills": 2}


def spot_cost(method: str) -> int:
    return SPOT_COSTS.get(method, 1)


def account_log_cost(count: int) -> int:
    """History-pool cost of an account-log request by its ``count`` (reference 5.3)."""
    for ceiling, cost in ((25, 1), (50, 2), (1000, 3), (5000, 6)):
        if count <= ceiling:
            return cost
    return 10


class Bucket:
    """A level that decays (counter) or refills (tokens) linearly with real time times speed."""

    def __init__(self, *, maximum: float, rate: float, speed: float, counter: bool) -> None:
        self.maximum, self.rate, self.speed, self.counter = maximum, rate, speed, counter
        self.level = 0.0 if counter else maximum
        self._at = time.monotonic()

    def _settle(self) -> None:
        now = time.monotonic()
        change = (now - self._at) * self.rate * self.speed
        self._at = now
        if self.counter:
            self.level = max(0.0, self.level - change)
        else:
            self.level = min(self.maximum, self.level + change)

    def take(self, cost: float) -> bool:
        """Spend ``cost`` if the limit allows it; a refused call changes nothing."""
        self._settle()
        if self.counter:
            if self.level + cost > self.maximum:
                return False
            self.level += cost
            return True
        if self.level < cost:
            return False
        self.level -= cost
        return True

    def current(self) -> float:
        self._settle()
        return self.level


def spot_counter(tier: str, speed: float) -> Bucket:
    maximum, decay = TIERS[tier]
    return Bucket(maximum=maximum, rate=decay, speed=speed, counter=True)


def token_bucket(budget: tuple[float, float], speed: float) -> Bucket:
    return Bucket(maximum=budget[0], rate=budget[1], speed=speed, counter=False)


@dataclass(slots=True)
class NonceTracker:
    """Spot rule: strictly above the highest accepted nonce, or within ``window`` below it once."""

    window: int = 0
    highest: int | None = None
    _recent: deque[int] | None = None

    def accept(self, nonce: int) -> bool:
        if self.highest is None or nonce > self.highest:
            self.highest = nonce
            self._remember(nonce)
            return True
        if (
            self.window
            and self.highest - nonce <= self.window
            and nonce not in (self._recent or ())
        ):
            self._remember(nonce)
            return True
        return False

    def _remember(self, nonce: int) -> None:
        if self.window:
            if self._recent is None:
                self._recent = deque(maxlen=10_000)
            self._recent.append(nonce)


class FuturesNonces:
    """Futures tolerates out-of-order nonces briefly; a repeat is ``nonceDuplicate``."""

    def __init__(self, memory: int = 10_000) -> None:
        self._seen: deque[str] = deque(maxlen=memory)
        self._set: set[str] = set()

    def check(self, nonce: str) -> str | None:
        if not nonce:
            return None
        if nonce in self._set:
            return "nonceDuplicate"
        if len(self._seen) == self._seen.maxlen:
            self._set.discard(self._seen[0])
        self._seen.append(nonce)
        self._set.add(nonce)
        return None
