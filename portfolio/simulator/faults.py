"""Fault injection: seeded random faults at a rate, plus "fail the next N requests with kind K".

A fault is decided before a request is processed, so 5xx and EService faults never touch nonces,
counters or data. ``slow`` sleeps ``slow_seconds`` (real seconds, not scaled by speed, since it
exists to trip a client's real timeout) and then answers normally; ``truncated`` answers with the
first half of the normal body under a matching Content-Length.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

HTTP_FAULTS = {"http_500": 500, "http_502": 502, "http_503": 503, "http_504": 504, "http_520": 520}
SERVICE_FAULTS = {"service_unavailable": "EService:Unavailable", "service_busy": "EService:Busy"}
FAULT_KINDS = frozenset({*HTTP_FAULTS, *SERVICE_FAULTS, "slow", "truncated"})


@dataclass(slots=True)
class _Queued:
    kind: str
    remaining: int
    endpoint: str | None


class FaultInjector:
    def __init__(self, *, seed: int = 0, rate: float = 0.0, kinds: set[str] | None = None) -> None:
        self._rng = random.Random(f"faults:{seed}")
        self._lock = threading.Lock()
        self.rate = 0.0
        self.kinds: tuple[str, ...] = tuple(sorted(FAULT_KINDS))
        self.slow_seconds = 5.0
        self._queue: list[_Queued] = []
        self.configure(rate=rate, kinds=kinds)

    def configure(
        self,
        *,
        rate: float | None = None,
        kinds: set[str] | None = None,
        fail_next: tuple | None = None,
        slow_seconds: float | None = None,
        seed: int | None = None,
    ) -> None:
        """Change settings; ``fail_next`` is ``(kind, n)`` or ``(kind, n, endpoint)``."""
        with self._lock:
            if rate is not None:
                if not 0.0 <= rate <= 1.0:
                    raise ValueError(f"fault rate must be within [0, 1], got {rate}")
                self.rate = rate
            if kinds is not None:
                unknown = set(kinds) - FAULT_KINDS
                if unknown:
                    raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
                self.kinds = tuple(sorted(kinds)) or tuple(sorted(FAULT_KINDS))
            if slow_seconds is not None:
                self.slow_seconds = slow_seconds
            if seed is not None:
                self._rng = random.Random(f"faults:{seed}")
            if fail_next is not None:
                kind, count, *rest = fail_next
                if kind not in FAULT_KINDS:
                    raise ValueError(f"unknown fault kind: {kind}")
                self._queue.append(_Queued(kind, int(count), rest[0] if rest else None))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self.rate = 0.0

    def pick(self, endpoint: str) -> str | None:
        """The fault for this request, if any: queued faults first, then the seeded draw."""
        with self._lock:
            for queued in self._queue:
                if queued.remaining > 0 and queued.endpoint in (None, endpoint):
                    queued.remaining -= 1
                    self._queue = [q for q in self._queue if q.remaining > 0]
                    return queued.kind
            if self.rate and self._rng.random() < self.rate:
                return self._rng.choice(self.kinds)
            return None
