"""The portfolio's value day by day.

Rule implemented: holdings at the end of each local calendar day (quantities from the same planned
operations the engine uses, so fees paid in crypto and withdrawals are counted) times the market
price at the end of that day, summed in the base currency. Fiat balances (``cash``: the moves of
``cash.ledger_cash_moves`` and ``cash.futures_cash_moves``) are included at Kraken's rate to the
base currency. Missing prices are reported per day, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from portfolio.accounting.cash import CashMove
from portfolio.accounting.events import Event
from portfolio.accounting.jurisdictions import Jurisdiction, get_jurisdiction
from portfolio.accounting.planning import ACQ, DEP, DISP, OUT, Planner
from portfolio.accounting.valuation import PriceNotFound, PriceSource, Valuer

ZERO = Decimal(0)


def portfolio_value_by_day(
    events: Iterable[Event],
    *,
    base_currency: str,
    prices: PriceSource,
    start: date,
    end: date,
    jurisdiction: str | Jurisdiction = "generic",
    cash: Iterable[CashMove] = (),
) -> tuple[tuple[date, Decimal, tuple[str, ...]], ...]:
    """(day, value at the end of the day, assets without a price) for each day in [start, end]."""
    jur = get_jurisdiction(jurisdiction)
    last = datetime.combine(end + timedelta(days=1), time(0), jur.tz)
    ordered = sorted((e for e in events if e.time < last), key=lambda e: e.time)
    planner = Planner(jur, Valuer(base_currency, None))
    planner.plan(ordered)
    valuer = Valuer(base_currency, prices)
    holdings: dict[str, Decimal] = {}
    ops, index, out = planner.ops, 0, []
    moves, at = sorted(cash, key=lambda m: m.time), 0
    day = start
    while day <= end:
        close = datetime.combine(day + timedelta(days=1), time(0), jur.tz)
        while index < len(ops) and ops[index].time < close:
            op = ops[index]
            sign = 1 if op.code in (ACQ, DEP) else -1 if op.code in (DISP, OUT) else 0
            holdings[op.asset] = holdings.get(op.asset, ZERO) + sign * op.qty
            index += 1
        while at < len(moves) and moves[at].time < close:
            holdings[moves[at].asset] = holdings.get(moves[at].asset, ZERO) + moves[at].amount
            at += 1
        total, missing = ZERO, []
        for asset, qty in sorted(holdings.items()):
            if qty:
                try:
                    total += valuer.value(asset, qty, close).amount
                except PriceNotFound:
                    missing.append(asset)
        out.append((day, total, tuple(missing)))
        day += timedelta(days=1)
    return tuple(out)
