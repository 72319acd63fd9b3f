"""One loop from events to the books, for the methods that need no look-ahead.

Rule implemented: none of its own; it is ``planning`` followed by ``runner``, fused. FIFO, LIFO,
HIFO and AVERAGE (without the Canadian superficial-loss rule) book each operation using only what
came before it, so each event can be planned and matched at once. The shapes that make up nearly
all of a Kraken history - a buy or a sale against the base currency with no fee or one fee in the
base currency, income at an explicit value, a transfer between wallets booked universally - are
handled inline here, with exactly the arithmetic and records of the general handlers (property
tests compare the two paths); every other event goes through the planner's handler, whose
operations stream into the runner in order. ``plan_fast`` is the same loop for UK matching and the
Canadian rule, which need every operation planned before the pass: it appends operations instead.
Every ``CHUNK`` events the loop calls ``tick`` (the engine adds up the new records meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from portfolio.accounting.books import Lot, OrderedBook, take_part
from portfolio.accounting.events import Acquisition, Disposal, Event, Income, Transfer
from portfolio.accounting.ops import ACQ, DISP, Op, make
from portfolio.accounting.planning import Planner
from portfolio.accounting.runner import CHUNK, SPLIT_EXPONENT, Runner
from portfolio.accounting.valuation import FIAT, KFEE

ZERO = Decimal(0)
CASH = FIAT | {KFEE}  # valuation.is_cash
Tick = Callable[[], Any] | None


def plan_and_run(
    events: list[Event],
    planner: Planner,
    runner: Runner,
    tick: Tick = None,
    fast: bool = True,
    start: int = 0,
    stop: int | None = None,
) -> None:
    """Plan ``events[start:stop]`` into ``runner`` (built with ``planner``'s stream), calling
    ``tick`` every ``CHUNK`` events (the engine runs a tax year at a time). ``fast=False``: the
    general handlers only, no ticks (the tests' reference)."""
    assert runner.uk is None and runner.superficial is None and not runner.pending_cost
    handlers = planner.handlers()
    stop = len(events) if stop is None else stop
    if not fast:
        local_date = planner.local_date
        for event in events[start:stop]:
            handlers[type(event)](event, local_date(event.time))
        return
    _fast_loop(events, planner, runner, handlers, tick or _nothing, start, stop)


def plan_fast(events: list[Event], planner: Planner, tick: Tick = None) -> None:
    """``Planner.plan`` with the common shapes inline, into ``planner.ops`` (the look-ahead
    methods: UK matching and the Canadian rule need every operation before the pass)."""
    _fast_loop(events, planner, None, planner.handlers(), tick or _nothing, 0, len(events))


def _nothing() -> None:
    pass


def _no_runner(*args: Any) -> Any:
    raise AssertionError("planning into a list: no books")


def _fast_loop(
    events: list[Any],
    planner: Planner,
    runner: Runner | None,
    handlers: dict,
    tick: Callable[[], Any],
    start: int,
    stop: int,
) -> None:
    """The hot loop over ``events[start:stop]``, deliberately one function: a call per event
    costs more than its work.

    With a ``runner`` lots go straight to its books; without one, operations to ``planner.ops``.
    """
    base, emit = planner.base, planner.emit
    books: dict[Any, Any] = runner.books if runner is not None else {}
    new_book: Callable[..., Any] = runner.book if runner is not None else _no_runner
    dispose: Callable[..., Any] = runner.dispose if runner is not None else _no_runner
    per_wallet = runner is not None and runner.per_wallet
    fees_out, income_out, years, year_of = (
        planner.fees,
        planner.income,
        planner.years_by_day,
        planner.tax_year_of,
    )
    reduce = planner.reduce_proceeds
    sale_treatment = planner.disposal_treatment
    taxable_airdrops = planner.jur.airdrop_is_income
    dates = planner.local_date
    lo: Any = None  # the UTC interval [lo, hi) of the local ``day`` last looked up
    hi: Any = None
    day: Any = None
    for begin in range(start, stop, CHUNK):
        for e in events[begin : min(begin + CHUNK, stop)]:
            when = e.time
            if lo is None or not lo <= when < hi:  # LocalDates.__call__, inlined
                day = dates(when)
                lo, hi = dates.lo, dates.hi
            kind = type(e)
            if kind is Acquisition:
                paid, fees = e.paid, e.fees
                if (paid is None or paid.asset != base or e.value is not None or e.asset in CASH
                        or (fees and (len(fees) != 1 or fees[0].asset != base))):  # fmt: skip
                    handlers[kind](e, day)
                    continue
                fee = ZERO
                if fees:  # FeeRules._fees_of, its fast path
                    fee = fees[0].quantity
                    year = years.get(day)
                    if year is None:
                        year = year_of(day)
                    fees_out += (e.event_id, when, day, year, base, fee, fee, "leg", "acquisition",
                                 "added to basis")  # fmt: skip
                qty, cost = e.quantity, paid.quantity + fee
                if runner is None:
                    emit(make(Op, (ACQ, when, day, e.asset, e.wallet, qty, cost, e.event_id, "leg",
                                   ZERO, None, "")))  # fmt: skip
                elif qty or cost:  # Runner._acquire
                    key = (e.asset, e.wallet if per_wallet else "all")
                    book = books.get(key) or new_book(e.asset, e.wallet)
                    book.add(Lot(e.event_id, when, day, qty, cost, "leg"))
            elif kind is Disposal:
                received, fees = e.received, e.fees
                if (received is None or received.asset != base or e.value is not None
                        or e.asset in CASH
                        or (fees and (len(fees) != 1 or fees[0].asset != base))):  # fmt: skip
                    handlers[kind](e, day)
                    continue
                fee = ZERO
                if fees:
                    fee = fees[0].quantity
                    year = years.get(day)
                    if year is None:
                        year = year_of(day)
                    fees_out += (e.event_id, when, day, year, base, fee, fee, "leg", "disposal",
                                 sale_treatment)  # fmt: skip
                amount, costs = (
                    (received.quantity - fee, ZERO) if reduce else (received.quantity, fee)
                )
                op = make(Op, (DISP, when, day, e.asset, e.wallet, e.quantity, amount, e.event_id,
                               "leg", costs, None, e.reason))  # fmt: skip
                if runner is None:
                    emit(op)
                    continue
                found = books.get((e.asset, e.wallet if per_wallet else "all"))
                if type(found) is OrderedBook:
                    sell_in_order(runner, op, found)
                else:
                    dispose(0, op)
            elif kind is Income and e.value is not None:
                value = e.value
                taxable = taxable_airdrops or e.income_type not in ("airdrop", "fork")
                year = years.get(day)
                if year is None:
                    year = year_of(day)
                income_out += (e.event_id, when, day, year, e.asset, e.quantity, value, "explicit",
                               e.income_type, taxable)  # fmt: skip
                if e.asset in CASH:
                    continue
                qty = e.quantity
                cost, source = (value, "explicit") if taxable else (ZERO, "not income: zero cost")
                if runner is None:
                    emit(make(Op, (ACQ, when, day, e.asset, e.wallet, qty, cost, e.event_id, source,
                                   ZERO, None, "")))  # fmt: skip
                elif qty or cost:
                    key = (e.asset, e.wallet if per_wallet else "all")
                    book = books.get(key) or new_book(e.asset, e.wallet)
                    book.add(Lot(e.event_id, when, day, qty, cost, source))
            elif kind is Transfer and runner is not None and not e.fees and not per_wallet:
                continue  # universal books: an internal move changes nothing (Runner._move)
            else:
                handlers[kind](e, day)
        tick()


def sell_in_order(runner: Runner, op: Op, book: OrderedBook) -> None:
    """A FIFO/LIFO sale: ``book.take`` and ``Runner._record`` (``_split``) in one loop.

    The same operations in the same order as the general path (a property test compares them):
    a piece is the last one exactly when it leaves nothing wanted, and the last piece takes what
    is left of proceeds and costs. An empty book or a sale of nothing takes the general path.
    """
    lots, want = book.lots, op.qty
    end = -1 if book.from_right else 0
    if not want > ZERO or not lots:
        runner.dispose(0, op)
        return
    if want <= lots[end].qty:
        _sell_from_one_lot(runner, op, book)
        return
    pop = lots.pop if book.from_right else lots.popleft
    proceeds, costs, sold, asset = op.amount, op.costs, op.date, op.asset
    has_term, anniversaries, uses = runner.has_term, runner.anniversaries, runner.uses
    start, basis_total, term, terms = len(uses), ZERO, "none", set()
    unit_p, unit_c = proceeds / want, (costs / want if costs else ZERO)
    left_p, left_c = proceeds, (costs if costs else costs - ZERO)
    while want > ZERO and lots:
        lot = lots[end]
        qty = lot.qty
        if want >= qty:  # the whole lot
            q, basis = qty, lot.cost
            lot.qty = lot.cost = ZERO
            want -= qty
            pop()
        else:
            basis, q = take_part(lot, want), want
            want -= want
        if want:  # more pieces follow: this one's share, rounded
            p = (q * unit_p).quantize(SPLIT_EXPONENT)
            left_p -= p
            if costs:
                c = (q * unit_c).quantize(SPLIT_EXPONENT)
                left_c -= c
            else:
                c = ZERO
        else:
            p, c = left_p, left_c
        if has_term:
            acq = lot.acq_date
            anniv = anniversaries.get(acq) if acq is not None else None
            term = (
                runner.term_of(acq, sold)
                if anniv is None
                else ("long" if sold > anniv else "short")
            )
        terms.add(term)
        name = lot.lot_id if lot.lot_id != "pool" else runner.pool_prefix + asset
        uses += (name, lot.acquired, q, basis, p, c, p - basis - c, term)
        basis_total += basis
    if want:  # missing history: the last piece, at zero basis
        lot, q, basis = runner.shortfall(op, want)
        term = "short" if has_term else "none"
        terms.add(term)
        uses += (lot.lot_id, None, q, basis, left_p, left_c, left_p - basis - left_c, term)
        basis_total += basis
    term = terms.pop() if len(terms) == 1 else "mixed"
    runner.add_disposal(op, term, basis_total + costs, start)
    if runner.warn_from is not None and sold >= runner.warn_from:
        runner.warn_universal(op)


def _sell_from_one_lot(runner: Runner, op: Op, book: OrderedBook) -> None:
    """A sale the next lot covers: ``OrderedBook.take`` and ``Runner._record`` for one piece."""
    lots, want, proceeds, costs, sold = book.lots, op.qty, op.amount, op.costs, op.date
    lot = lots[-1] if book.from_right else lots[0]
    qty = lot.qty
    if want >= qty:  # exactly the whole lot
        q, basis = qty, lot.cost
        lot.qty = lot.cost = ZERO
        lots.pop() if book.from_right else lots.popleft()
    else:
        basis, q = take_part(lot, want), want
    term, acq = "none", lot.acq_date
    if runner.has_term:
        anniv = runner.anniversaries.get(acq) if acq is not None else None
        term = runner.term_of(acq, sold) if anniv is None else ("long" if sold > anniv else "short")
    name = lot.lot_id if lot.lot_id != "pool" else runner.pool_prefix + op.asset
    uses = runner.uses
    start = len(uses)
    uses += (name, lot.acquired, q, basis, proceeds, costs, proceeds - basis - costs, term)
    runner.add_disposal(op, term, basis + costs, start)
    if runner.warn_from is not None and sold >= runner.warn_from:
        runner.warn_universal(op)
