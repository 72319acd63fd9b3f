"""Counters that tests and benchmarks read: calls, rejections, faults, cost units and a time series.

``events`` is the time series: one ``[t, key, endpoint, outcome, cost]`` row per request, ``t`` in
seconds since the simulator started, so a benchmark can compute the achieved request rate per key.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Any

MAX_EVENTS = 500_000


class Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._t0 = time.monotonic()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            self.rejections: dict[str, int] = defaultdict(int)
            self.rejections_by_key: dict[str, dict[str, int]] = defaultdict(
                lambda: defaultdict(int)
            )
            self.faults: dict[str, int] = defaultdict(int)
            self.cost: dict[str, float] = defaultdict(float)
            self.events: deque[list[Any]] = deque(maxlen=MAX_EVENTS)

    def record(self, *, key: str, endpoint: str, outcome: str, cost: float = 0.0) -> None:
        """One request: ``outcome`` is "ok", an error string, or "fault:<kind>"."""
        with self._lock:
            self.calls[key][endpoint] += 1
            if outcome.startswith("fault:"):
                self.faults[outcome.removeprefix("fault:")] += 1
            elif outcome != "ok":
                self.rejections[outcome] += 1
                self.rejections_by_key[key][outcome] += 1
            self.cost[key] += cost
            self.events.append(
                [round(time.monotonic() - self._t0, 6), key, endpoint, outcome, cost]
            )

    def record_fault(self, kind: str) -> None:
        """A slow/truncated fault: counted when injected; the request is recorded when answered."""
        with self._lock:
            self.faults[kind] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": {k: dict(v) for k, v in self.calls.items()},
                "rejections": dict(self.rejections),
                "rejections_by_key": {k: dict(v) for k, v in self.rejections_by_key.items()},
                "faults": dict(self.faults),
                "cost": dict(self.cost),
                "events": [list(e) for e in self.events],
                "uptime": round(time.monotonic() - self._t0, 6),
            }
