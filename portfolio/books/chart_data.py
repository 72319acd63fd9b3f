"""Chart series for the browser's Chart.js: the one place stored Decimals become floats.

Floats only draw; every figure a page prints comes from the Decimals, never from these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

RANGES = (("1M", 31), ("1Y", 366), ("all", None))


def thin(points: Sequence, max_points: int = 400) -> list:
    """At most ``max_points`` of ``points``, evenly spread, always keeping the first and last."""
    if len(points) <= max_points:
        return list(points)
    step = (len(points) - 1) / (max_points - 1)
    return [points[round(i * step)] for i in range(max_points)]


def _series(points: Sequence[tuple[date, Decimal]]) -> dict:
    return {
        "labels": [day.isoformat() for day, _ in points],
        "values": [float(value) for _, value in points],
    }


def value_ranges(points: Sequence[tuple[date, Decimal]], *, max_points: int = 400) -> dict:
    """The value chart's series for each range button (1M, 1Y, all), keyed by its label."""
    out: dict[str, dict] = {}
    if not points:
        return out
    last = points[-1][0]
    for label, days in RANGES:
        chosen = points if days is None else [p for p in points if p[0] > last - timedelta(days)]
        out[label] = _series(thin(chosen, max_points))
    return out


def bars(labels: Sequence[str], values: Sequence[Decimal]) -> dict:
    return {"labels": list(labels), "values": [float(v) for v in values]}


def lines(labels: Sequence[str], **named: Sequence[Decimal | None]) -> dict:
    """Several lines over one axis of labels; a missing point (None) leaves a gap."""
    return {
        "labels": list(labels),
        "lines": {
            name: [None if v is None else float(v) for v in values]
            for name, values in named.items()
        },
    }
