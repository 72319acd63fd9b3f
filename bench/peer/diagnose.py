"""Locate disagreements: our disposals vs BittyTax's disposal lines, per asset and UK day.

BittyTax pools all of a day's sales of an asset into one disposal and prints one line per
matched part (same day, bed and breakfast, section 104), each rounded to pennies; our engine
reports one record per disposal event.  Both are summed here per (asset, day), so a rounding
difference shows as a few pennies on a day while a rules difference shows as pounds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bench.peer.run_bittytax import DisposalRow

Key = tuple[str, date]


@dataclass(frozen=True, slots=True)
class DayGap:
    asset: str
    day: date
    gain_ours: Decimal
    gain_bt: Decimal
    proceeds_ours: Decimal
    proceeds_bt: Decimal

    @property
    def gap(self) -> Decimal:
        return self.gain_ours - self.gain_bt


def _sums() -> dict[Key, list[Decimal]]:
    return defaultdict(lambda: [Decimal(0), Decimal(0)])


def day_gaps(our_disposals: Iterable[Any], bt_rows: Iterable[DisposalRow]) -> list[DayGap]:
    """Per (asset, UK day) gain and proceeds on both sides, largest gain gap first."""
    ours, bt = _sums(), _sums()
    for d in our_disposals:
        ours[(d.asset, d.date)][0] += d.gain
        ours[(d.asset, d.date)][1] += d.proceeds
    for r in bt_rows:
        bt[(r.asset, r.day)][0] += r.gain
        bt[(r.asset, r.day)][1] += r.proceeds
    zero = [Decimal(0), Decimal(0)]
    gaps = [
        DayGap(
            k[0],
            k[1],
            ours.get(k, zero)[0],
            bt.get(k, zero)[0],
            ours.get(k, zero)[1],
            bt.get(k, zero)[1],
        )
        for k in sorted(set(ours) | set(bt))
    ]
    return sorted(gaps, key=lambda g: abs(g.gap), reverse=True)


def summary(gaps: list[DayGap], top: int = 10) -> list[str]:
    bands = {"<= 0.01": Decimal("0.01"), "<= 0.05": Decimal("0.05"), "<= 1": Decimal(1)}
    lines = [f"per (asset, day) gain gaps over {len(gaps)} asset-days:"]
    for label, limit in bands.items():
        lines.append(f"  {label:>8}: {sum(1 for g in gaps if abs(g.gap) <= limit)}")
    lines.append(f"  {'> 1':>8}: {sum(1 for g in gaps if abs(g.gap) > 1)}")
    lines.append(f"  largest {top}:")
    lines += [
        f"    {g.asset:<5} {g.day}  gain ours {g.gain_ours:.2f}  BT {g.gain_bt:.2f}  "
        f"gap {g.gap:.2f}  proceeds ours {g.proceeds_ours:.2f}  BT {g.proceeds_bt:.2f}"
        for g in gaps[:top]
    ]
    return lines
