"""Canadian superficial-loss rule.

Rule implemented (ITA s54 "superficial loss"; CRA "What is a superficial loss"; the prorating
formula as implemented in tsiemens/acb and discussed at the CRA APFF 2022 roundtable):
a loss on a disposal is superficial when identical property is acquired in the 61 calendar days from
30 days before to 30 days after the sale and is still held 30 days after the sale. The denied part
is

    loss x min(S, P, B) / S

with S the units sold, P the units acquired in the window and B the units held at the end of the
window (end of day sale + 30). The denied amount is added to the adjusted cost base of the units
still
held (to the next acquisition if none are held). Affiliated persons are out of scope.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date
from decimal import Decimal

from portfolio.accounting.planning import ACQ, DEP, DISP, OUT, Op

ZERO = Decimal(0)
WINDOW_DAYS = 30


class SuperficialLossRule:
    """Precomputed acquisition and holding timelines per asset, queried at each loss."""

    def __init__(self, ops: list[Op]) -> None:
        self._acq_days: dict[str, list[int]] = {}
        self._acq_cum: dict[str, list[Decimal]] = {}
        self._hold_days: dict[str, list[int]] = {}
        self._hold_cum: dict[str, list[Decimal]] = {}
        for op in ops:
            sign = 1 if op.code in (ACQ, DEP) else -1 if op.code in (DISP, OUT) else 0
            if sign:
                self._record(op, sign)

    def _record(self, op: Op, sign: int) -> None:
        day = op.date.toordinal()
        if op.code == ACQ:
            days, cum = (
                self._acq_days.setdefault(op.asset, []),
                self._acq_cum.setdefault(op.asset, []),
            )
            days.append(day)
            cum.append((cum[-1] if cum else ZERO) + op.qty)
        days, cum = (
            self._hold_days.setdefault(op.asset, []),
            self._hold_cum.setdefault(op.asset, []),
        )
        delta = op.qty if sign > 0 else -op.qty
        if days and days[-1] == day:
            cum[-1] += delta
        else:
            days.append(day)
            cum.append((cum[-1] if cum else ZERO) + delta)

    def acquired_in_window(self, asset: str, day: date) -> Decimal:
        days, cum = self._acq_days.get(asset, []), self._acq_cum.get(asset, [])
        lo = bisect_left(days, day.toordinal() - WINDOW_DAYS)
        hi = bisect_right(days, day.toordinal() + WINDOW_DAYS)
        if hi == 0 or hi <= lo:
            return ZERO
        return cum[hi - 1] - (cum[lo - 1] if lo else ZERO)

    def held_after_window(self, asset: str, day: date) -> Decimal:
        days, cum = self._hold_days.get(asset, []), self._hold_cum.get(asset, [])
        index = bisect_right(days, day.toordinal() + WINDOW_DAYS)
        return cum[index - 1] if index else ZERO

    def denied(self, asset: str, day: date, sold: Decimal, loss: Decimal) -> Decimal:
        """The superficial (denied) part of ``loss`` (a positive amount), zero if none."""
        if loss <= ZERO or sold <= ZERO:
            return ZERO
        acquired = self.acquired_in_window(asset, day)
        held = self.held_after_window(asset, day)
        units = min(sold, acquired, held)
        if units <= ZERO:
            return ZERO
        return loss if units == sold else loss * units / sold
