"""Charts as inline SVG: no JavaScript and nothing from a CDN (the pages and the PDF).

Floats are used here and only here, to place points on the drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    path: str
    area: str
    low: Decimal
    high: Decimal
    first: date
    last: date
    last_value: Decimal


def line_chart(
    points: list[tuple[date, Decimal]], *, width: int = 800, height: int = 220, pad: int = 8
) -> LineChart | None:
    if len(points) < 2:
        return None
    values = [value for _, value in points]
    low, high = min(values), max(values)
    span = float(high - low) or 1.0
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    coords = []
    for index, (_day, value) in enumerate(points):
        x = pad + inner_w * index / (len(points) - 1)
        y = pad + inner_h * (1 - float(value - low) / span)
        coords.append(f"{x:.1f},{y:.1f}")
    path = "M" + " L".join(coords)
    area = f"{path} L{width - pad:.1f},{height - pad:.1f} L{pad:.1f},{height - pad:.1f} Z"
    return LineChart(width, height, path, area, low, high, points[0][0], points[-1][0], values[-1])


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: Decimal
    negative: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    zero_y: float
    bars: list[Bar]


def bar_chart(
    points: list[tuple[str, Decimal]], *, width: int = 800, height: int = 200, pad: int = 18
) -> BarChart | None:
    """Bars up for gains, down for losses, around a zero line (gains by month)."""
    if not points:
        return None
    high = max([float(v) for _, v in points] + [0.0])
    low = min([float(v) for _, v in points] + [0.0])
    span = (high - low) or 1.0
    inner_h = height - 2 * pad
    zero_y = pad + inner_h * high / span
    slot = (width - 2 * pad) / len(points)
    bars = []
    for index, (label, value) in enumerate(points):
        size = inner_h * abs(float(value)) / span
        top = zero_y - size if value >= 0 else zero_y
        bars.append(
            Bar(pad + slot * index + slot * 0.15, top, slot * 0.7, size, label, value, value < 0)
        )
    return BarChart(width, height, zero_y, bars)
