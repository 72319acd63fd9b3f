"""UK share matching for cryptoassets: same day, then the next 30 days, then the s104 pool.

Rule implemented (HMRC CRYPTO22200-22257; TCGA 1992 s104, s105(1), s106A(5)):

1. Same day: all acquisitions of a token on one UK calendar day are one acquisition, all disposals
   one disposal, and they are matched as far as possible regardless of the order within the day
   (CRYPTO22252: the morning sale matches the afternoon purchase).
2. Thirty days: what remains of a disposal is matched with acquisitions on the 30 days after it
   (day +1 to +30; day 31 is outside, CRYPTO22253), earliest acquisition first, earlier disposals
   first. The window looks only forward and crosses tax-year ends.
3. Section 104 pool: what remains is matched with the pool at average cost; unmatched acquisitions
   enter the pool at cost; tokens matched under 1 or 2 never enter the pool.

The part of a day's acquisitions left for the pool enters it at the day's first acquisition:
the day's acquisitions are one acquisition, and a day that adds to the pool takes nothing from it
(its disposals are all matched with its acquisitions), so only a withdrawal later that day can
tell, and it then finds the day's units in the pool (``uk_outside``).

Days are Europe/London calendar days (the jurisdiction's zone). This module only does the look-ahead
quantity matching before the chronological pass; the pool itself is an ``AverageBook``. A disposal
matched with several rules shares its proceeds pro rata by quantity (as BittyTax prints it);
several disposal events on one day take the day's matches in time order.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from portfolio.accounting.planning import ACQ, DISP, Op

ZERO = Decimal(0)
WINDOW = timedelta(days=30)
EXPONENT = Decimal("1e-12")  # rounding of split costs, so that remainders stay exact
NOTHING = (ZERO, ZERO)  # what an acquisition adds to the pool when an earlier one that day adds all


@dataclass(slots=True)
class _Day:
    day: date
    acq_ops: list[int] = field(default_factory=list)
    disp_ops: list[int] = field(default_factory=list)
    disp_qtys: list[Decimal] = field(default_factory=list)  # each disposal's quantity
    acq_qty: Decimal = ZERO
    acq_cost: Decimal = ZERO
    disp_qty: Decimal = ZERO
    acq_left: Decimal = ZERO
    cost_left: Decimal = ZERO
    disp_left: Decimal = ZERO
    matches: list[tuple[str, date, Decimal, Decimal]] = field(default_factory=list)


@dataclass(slots=True)
class UkPlan:
    """Per op index: the pre-matched pieces, what a disposal takes from the pool, what enters it."""

    matches: dict[int, list[tuple[str, date, Decimal, Decimal]]] = field(default_factory=dict)
    pool_take: dict[int, Decimal] = field(default_factory=dict)
    pool_add: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)


def prematch(ops: list[Op], days_of: DayGroups | None = None) -> UkPlan:
    """The plan for ``ops``; ``days_of``: their days, if grouped while they were being planned."""
    plan = UkPlan()
    if days_of is None:
        days_of = DayGroups()
    days_of.update(ops)
    for days in days_of.by_day().values():
        _same_day(days)
        _thirty_days(days)
        for day in days:
            _apportion_disposals(day, plan)
            if day.acq_ops:  # what the day adds enters at its first acquisition (see above)
                plan.pool_add[day.acq_ops[0]] = (day.acq_left, day.cost_left)
                for index in day.acq_ops[1:]:
                    plan.pool_add[index] = NOTHING
    return plan


class DayGroups:
    """Acquisitions and disposals per token and UK day, grouped as the operations are appended.

    ``update(ops)`` takes the operations appended since its last call; the planner's loop calls it
    every few thousand events, while they are still in the CPU cache.
    """

    __slots__ = ("by_asset", "_seen")

    def __init__(self) -> None:
        self.by_asset: dict[str, dict[date, _Day]] = {}
        self._seen = 0

    def update(self, ops: list[Op]) -> None:
        by_asset, begin = self.by_asset, self._seen
        for index, op in enumerate(ops[begin:], begin):
            code = op.code
            if code != ACQ and code != DISP:
                continue
            days = by_asset.get(op.asset)
            if days is None:
                days = by_asset[op.asset] = {}
            day = days.get(op.date)
            if day is None:
                day = days[op.date] = _Day(op.date)
            if code == ACQ:
                day.acq_ops.append(index)
                day.acq_qty += op.qty
                day.acq_cost += op.amount
            else:
                day.disp_ops.append(index)
                day.disp_qtys.append(op.qty)
                day.disp_qty += op.qty
        self._seen = len(ops)

    def by_day(self) -> dict[str, list[_Day]]:
        """Each token's days in calendar order."""
        return {
            asset: sorted(days.values(), key=lambda d: d.day)
            for asset, days in self.by_asset.items()
        }


def _same_day(days: list[_Day]) -> None:
    for day in days:
        day.acq_left, day.cost_left, day.disp_left = day.acq_qty, day.acq_cost, day.disp_qty
        matched = min(day.acq_qty, day.disp_qty)
        if matched > ZERO:
            _take_acquisition(day, day, matched, "same-day")


def _thirty_days(days: list[_Day]) -> None:
    acq_days = [d for d in days if d.acq_left > ZERO]
    dates = [d.day for d in acq_days]
    for day in days:
        if day.disp_left <= ZERO:
            continue
        start, last = bisect_right(dates, day.day), day.day + WINDOW
        for acq in acq_days[start:]:
            if acq.day > last or day.disp_left <= ZERO:
                break
            if acq.acq_left > ZERO:
                _take_acquisition(day, acq, min(day.disp_left, acq.acq_left), "30-day")


def _take_acquisition(disposal: _Day, acq: _Day, qty: Decimal, rule: str) -> None:
    if qty == acq.acq_left:
        cost = acq.cost_left
    else:
        cost = (acq.acq_cost * qty / acq.acq_qty).quantize(EXPONENT)
    acq.acq_left -= qty
    acq.cost_left -= cost
    disposal.disp_left -= qty
    disposal.matches.append((rule, acq.day, qty, cost))


def _apportion_disposals(day: _Day, plan: UkPlan) -> None:
    """Same-day disposals are one disposal: the day's matches fill its disposal events in order.

    Quantities are only subtracted, never divided, so each event's pieces and pool take add up to
    its quantity exactly; a split piece's cost is rounded to 1e-12 and the rest carried on.
    """
    queue = list(day.matches)
    k = 0
    for index, need in zip(day.disp_ops, day.disp_qtys, strict=True):
        pieces: list[tuple[str, date, Decimal, Decimal]] = []
        while need > ZERO and k < len(queue):
            rule, matched_day, qty, cost = queue[k]
            if qty <= need:
                pieces.append((rule, matched_day, qty, cost))
                need -= qty
                k += 1
                continue
            part = (cost * need / qty).quantize(EXPONENT)
            pieces.append((rule, matched_day, need, part))
            queue[k] = (rule, matched_day, qty - need, cost - part)
            need = ZERO
        plan.matches[index] = pieces
        plan.pool_take[index] = need
