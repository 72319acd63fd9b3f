"""The chronological pass: planned operations through the lot books, into result records.

Rule implemented: for each operation in the engine's total order, acquisitions add lots to the book
of their asset (and wallet, per wallet), disposals take lots by the method's order
(``books.METHODS``) or by the UK pre-match (``uk_matching``), transfers move lots with their dates
and basis (Treas. Reg. 1.1012-1(j); BMF 2022), withdrawals remove them, and margin PnL is booked as
a gain or loss. A withdrawal is not a disposal: its lots, taken in method order, are held
outside Kraken, and a later deposit of the same asset takes them back first (earliest withdrawal
first, each withdrawal's lots in the order they left) with their dates and basis; only the rest
of the deposit is of unknown history, booked at the basis the user entered for it, else by
``Jurisdiction.unknown_basis`` (``policies``).
Terms follow ``Jurisdiction.term`` (long only after the calendar anniversary). A
shortfall is a problem booked at zero basis (see ``engine``). Canadian losses pass through the
superficial-loss rule (``superficial``); the denied part is added to the pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from portfolio.accounting.books import METHODS, Book, Lot, Method, Piece
from portfolio.accounting.jurisdictions import Jurisdiction, anniversary
from portfolio.accounting.outside import Outside, ValueOf, unknown_basis_lot
from portfolio.accounting.planning import Op
from portfolio.accounting.policies import EnteredBasis
from portfolio.accounting.results import (
    Checkpoint,
    HeldOutside,
    LotUse,
    OpenLot,
    Problem,
    RemovalRecord,
    plain,
)
from portfolio.accounting.superficial import SuperficialLossRule
from portfolio.accounting.uk_matching import DayGroups, UkPlan, prematch

ZERO = Decimal(0)
#: Shares of proceeds and costs split over lots are rounded to 1e-12 so that they sum exactly.
SPLIT_EXPONENT = Decimal("1e-12")
#: Operations (or events) between two ``tick``s: the engine adds up the records made in between
#: while they are still in the CPU cache (``totals.RunningTotals``).
CHUNK = 2048


class Runner:
    """The chronological pass over planned operations."""

    def __init__(
        self,
        jur: Jurisdiction,
        method: Method,
        per_wallet: bool,
        ops: list[Op],
        days_of: DayGroups | None = None,
    ) -> None:
        self.jur, self.ops, self.has_term = jur, ops, jur.has_term
        self.new_book = METHODS[method].new_book
        self.uk: UkPlan | None = prematch(ops, days_of) if METHODS[method].uk_prematch else None
        self.per_wallet = per_wallet and self.uk is None and not jur.superficial_loss
        self.superficial = SuperficialLossRule(ops) if jur.superficial_loss else None
        self.books: dict[tuple[str, str], Book] = {}
        self.pending_cost: dict[str, Decimal] = {}
        #: Result records as flat lists of fields (``tables``): disposals and their lot pieces.
        self.disposals: list[Any] = []
        self.uses: list[Any] = []
        self.removals: list[RemovalRecord] = []
        self.problems: list[Problem] = []
        self._late_universal = False
        self.anniversaries: dict[date, date] = {}
        self._years: dict[date, int] = {}
        self._uk_lots: dict[tuple[str, date], Lot] = {}
        self.pool_prefix = "s104:" if self.uk is not None else "pool:"
        #: Disposals from this date are checked for the universal-method warning (None: never).
        self.warn_from = jur.per_wallet_from if not self.per_wallet else None
        #: The lots withdrawn and not yet back (``outside``).
        self.outside = Outside()
        #: Deposits beyond what was outside: (op, returned qty, unknown qty, basis, acquired,
        #: source); the engine adds the gains of their lots.
        self.unknown: list[tuple[Op, Decimal, Decimal, Decimal, datetime, str]] = []
        #: Bases the user entered per deposit event id (``UnknownBasis.ENTERED``).
        self.entered: Mapping[str, EnteredBasis] = {}
        #: Market value of units at a time (the planner's ``value``; ``UnknownBasis.MARKET``).
        self.value_of: ValueOf | None = None

    def book(self, asset: str, wallet: str) -> Book:
        key = (asset, wallet if self.per_wallet else "all")
        book = self.books.get(key)
        if book is None:
            book = self.books[key] = self.new_book()
        return book

    def seed(self, opening: Checkpoint) -> None:
        local = self.jur.local_date
        for lot in opening.lots:
            acq_date = local(lot.acquired) if lot.acquired else None
            self.book(lot.asset, lot.wallet).add(
                Lot(lot.lot_id, lot.acquired, acq_date, lot.quantity, lot.cost_basis, lot.source,
                    lot.unit_cost)
            )  # fmt: skip
        self.outside.seed(opening.outside, local)

    def _handlers(self) -> tuple[Callable[[int, Op], None], ...]:
        return (self._acquire, self._deposit, self.dispose, self._move, self._remove, self._margin)

    def run(
        self, tick: Callable[[], object] | None = None, start: int = 0, stop: int | None = None
    ) -> None:
        """The pass over ``ops[start:stop]`` (the engine runs a tax year at a time); ``tick()``
        after every ``CHUNK`` operations and at the end."""
        handlers, ops, every = self._handlers(), self.ops, CHUNK
        stop = len(ops) if stop is None else stop
        for begin in range(start, stop, every):
            for index, op in enumerate(ops[begin : min(begin + every, stop)], begin):
                handlers[op.code](index, op)
            if tick is not None:
                tick()

    def feed(self) -> Callable[[Op], None]:
        """Run one operation at a time as it is planned (no look-ahead: not for UK or CA)."""
        assert self.uk is None and self.superficial is None
        handlers = self._handlers()  # held by the closure, not by self: no reference cycle

        def run_one(op: Op) -> None:
            handlers[op.code](0, op)

        return run_one

    def open_lots(self) -> Iterable[OpenLot]:
        for (asset, wallet), book in sorted(self.books.items()):
            for lot in book.open_lots():
                yield OpenLot(
                    self._lot_name(lot, asset),
                    asset,
                    wallet,
                    lot.acquired,
                    lot.qty,
                    lot.cost,
                    lot.source,
                    lot.unit,
                )

    def _acquire(self, index: int, op: Op) -> None:
        qty, cost = (op.qty, op.amount) if self.uk is None else self.uk.pool_add[index]
        if self.pending_cost and op.asset in self.pending_cost:
            cost += self.pending_cost.pop(op.asset)
        if qty or cost:
            key = (op.asset, op.wallet if self.per_wallet else "all")
            book = self.books.get(key) or self.book(op.asset, op.wallet)
            book.add(Lot(op.event_id, op.time, op.date, qty, cost, op.source))

    def _deposit(self, index: int, op: Op) -> None:
        book = self.book(op.asset, op.wallet)
        if op.other is not None:  # the event carries the units' history
            acquired, acq_date = op.other
            book.add(Lot(op.event_id, acquired, acq_date, op.qty, op.amount, op.source))
            return
        returned, left = self.outside.take_back(op.asset, op.qty)  # earliest withdrawal first
        for lot in returned:
            book.add(lot)
        if left > ZERO:  # beyond what was outside: unknown history
            lot = unknown_basis_lot(self.jur, op, left, self.entered, self.value_of)
            book.add(lot)
            acquired = lot.acquired or op.time  # always set: the deposit's, or the one entered
            self.unknown.append((op, op.qty - left, left, lot.cost, acquired, lot.source))
            self.problems.append(
                Problem("unknown_basis", op.asset, op.time,
                        f"deposit of {plain(left)} {op.asset} beyond what was withdrawn: "
                        f"{lot.source}",
                        left, op.event_id)
            )  # fmt: skip

    def outside_records(self) -> Iterable[HeldOutside]:
        return self.outside.records()

    def _take(self, op: Op, qty: Decimal, book: Book) -> list[Piece]:
        pieces, short = book.take(qty)
        if short:
            pieces.append(self.shortfall(op, short))
        return pieces

    def shortfall(self, op: Op, short: Decimal) -> Piece:
        """Report what the book could not cover; the piece taking it at zero basis (``engine``)."""
        self.problems.append(
            Problem(
                "shortfall",
                op.asset,
                op.time,
                f"{op.reason or 'disposal'} of {plain(op.qty)} {op.asset} exceeds the holding "
                f"by {plain(short)}: zero basis used",
                short,
                op.event_id,
            )
        )
        missing = Lot(f"missing:{op.event_id}", None, None, short, ZERO, "missing history")
        return missing, short, ZERO

    def dispose(self, index: int, op: Op) -> None:
        """A disposal from the method's book (UK matching: ``UkRunner.dispose``, the only runner
        with a UK plan)."""
        key = (op.asset, op.wallet if self.per_wallet else "all")
        book = self.books.get(key) or self.book(op.asset, op.wallet)
        parts, short = book.take(op.qty)  # self._take, inlined
        if short:
            parts.append(self.shortfall(op, short))
        at = self._record(op, parts)
        if self.superficial is not None and self.disposals[at + 9] < ZERO:
            self._superficial(op, at, self.book(op.asset, op.wallet))
        if self.warn_from is not None and op.date >= self.warn_from:
            self.warn_universal(op)

    def _uk_lot(self, rule: str, day: date) -> Lot:
        """The read-only stand-in lot of a same-day or 30-day match, one per (rule, day)."""
        lot = self._uk_lots.get((rule, day))
        if lot is None:
            lot = self._uk_lots[rule, day] = Lot(
                f"{rule}:{day.isoformat()}", None, day, ZERO, ZERO, rule
            )
        return lot

    def term_of(self, acq_date: date | None, sold: date) -> str:
        if acq_date is None:
            return "short"
        anniv = self.anniversaries.get(acq_date)
        if anniv is None:
            anniv = self.anniversaries[acq_date] = anniversary(acq_date)
        return "long" if sold > anniv else "short"

    def _lot_name(self, lot: Lot, asset: str) -> str:
        return lot.lot_id if lot.lot_id != "pool" else self.pool_prefix + asset

    def _record(
        self,
        op: Op,
        parts: list[Piece],
        pool_qty: Decimal | None = None,
        pool_cost: Decimal | None = None,
    ) -> int:
        """Append the disposal's fields (``tables``); return where they start. ``pool_qty``,
        ``pool_cost``: the s104 pool after it (UK matching only)."""
        proceeds, costs, sold = op.amount, op.costs, op.date
        uses = self.uses
        start = len(uses)
        if len(parts) == 1:  # the common case, kept lean
            lot, q, basis = parts[0]
            term, acq = "none", lot.acq_date
            if self.has_term:  # self.term_of, inlined
                anniv = self.anniversaries.get(acq) if acq is not None else None
                if anniv is None:
                    term = self.term_of(acq, sold)
                else:
                    term = "long" if sold > anniv else "short"
            name = lot.lot_id if lot.lot_id != "pool" else self.pool_prefix + op.asset
            uses += (name, lot.acquired, q, basis, proceeds, costs, proceeds - basis - costs, term)
            basis_total = basis + costs
        else:
            term, basis_total = self._split(op, parts)
        return self.add_disposal(op, term, basis_total, start, pool_qty, pool_cost)

    def add_disposal(
        self,
        op: Op,
        term: str,
        basis_total: Decimal,
        start: int,
        pool_qty: Decimal | None = None,
        pool_cost: Decimal | None = None,
    ) -> int:
        """Append a disposal whose pieces are ``uses[start:]``; return where its fields start."""
        sold = op.date
        year = self._years.get(sold)
        if year is None:
            year = self._year(sold)
        disposals, proceeds = self.disposals, op.amount
        at = len(disposals)
        disposals += (op.event_id, op.time, sold, year, op.asset, op.wallet, op.qty, proceeds,
                      basis_total, proceeds - basis_total, term, start, len(self.uses),
                      op.reason or "sale", op.source, op.costs, ZERO, pool_qty,
                      pool_cost)  # fmt: skip
        return at

    def _split(self, op: Op, parts: list[Piece]) -> tuple[str, Decimal]:
        """Share proceeds and costs pro rata by quantity; the last piece takes the rest.

        Appends the pieces to ``uses``; returns the disposal's term and basis (costs included).
        """
        proceeds, costs, total, sold, asset = op.amount, op.costs, op.qty, op.date, op.asset
        has_term, uses, basis_total, term = self.jur.has_term, self.uses, ZERO, "none"
        anniversaries, prefix, terms = self.anniversaries, self.pool_prefix, set()
        unit_p, unit_c = proceeds / total, (costs / total if costs else ZERO)
        left_p, left_c, last = proceeds, costs, len(parts) - 1
        if not costs and last > 0:
            left_c = costs - ZERO  # what subtracting each piece's ZERO from it comes to
        for n, (lot, q, basis) in enumerate(parts):
            if n == last:
                p, c = left_p, left_c
            else:  # fixed decimal places keep the remainder exact
                p = (q * unit_p).quantize(SPLIT_EXPONENT)
                left_p -= p
                if costs:
                    c = (q * unit_c).quantize(SPLIT_EXPONENT)
                    left_c -= c
                else:
                    c = ZERO
            if has_term:  # self.term_of, inlined
                acq = lot.acq_date
                if acq is None:
                    term = "short"
                else:
                    anniv = anniversaries.get(acq)
                    if anniv is None:
                        anniv = anniversaries[acq] = anniversary(acq)
                    term = "long" if sold > anniv else "short"
            terms.add(term)
            name = lot.lot_id if lot.lot_id != "pool" else prefix + asset
            uses += (name, lot.acquired, q, basis, p, c, p - basis - c, term)
            basis_total += basis
        term = terms.pop() if len(terms) == 1 else ("mixed" if terms else "none")
        return term, basis_total + costs

    def _year(self, day: date) -> int:
        year = self._years.get(day)
        if year is None:
            year = self._years[day] = self.jur.tax_year_of(day)
        return year

    def _superficial(self, op: Op, at: int, book: Book) -> None:
        """Deny a superficial loss: column (g) of the record at ``at`` in ``disposals``."""
        assert self.superficial is not None
        gain = self.disposals[at + 9]
        denied = self.superficial.denied(op.asset, op.date, op.qty, -gain)
        if not denied:
            return
        if not book.add_cost(denied):
            self.pending_cost[op.asset] = self.pending_cost.get(op.asset, ZERO) + denied
        self.disposals[at + 9] = gain + denied
        self.disposals[at + 16] = denied

    def warn_universal(self, op: Op) -> None:
        if not self._late_universal:
            self._late_universal = True
            self.problems.append(
                Problem(
                    "universal_method",
                    op.asset,
                    op.time,
                    f"{self.jur.name} requires wallet-by-wallet identification from "
                    f"{self.jur.per_wallet_from}; "
                    "run with per_wallet=True",
                    ZERO,
                    op.event_id,
                )
            )

    def _move(self, index: int, op: Op) -> None:
        if not self.per_wallet:
            return
        target = self.book(op.asset, op.other)
        for lot, q, basis in self._take(op, op.qty, self.book(op.asset, op.wallet)):
            if lot.lot_id.startswith("missing:"):
                target.add(
                    Lot(lot.lot_id, op.time, op.date, q, basis, "missing history: zero basis")
                )
            else:
                target.add(
                    Lot(lot.lot_id, lot.acquired, lot.acq_date, q, basis,
                        f"moved from {op.wallet}", lot.unit)
                )  # fmt: skip

    def _remove(self, index: int, op: Op) -> None:
        """Units leave (a withdrawal, a fee carried out with its basis); withdrawn ones are held
        outside Kraken with their lots until a deposit of the asset takes them back."""
        asset, event_id = op.asset, op.event_id
        pieces, short = self.book(asset, op.wallet).take(op.qty)  # self._take, inlined
        if short:
            pieces.append(self.shortfall(op, short))
        held = self.outside.queue_of(asset) if op.reason == "withdrawal" else None
        pool, uses = self.pool_prefix + asset, []
        for lot, q, basis in pieces:
            name = lot.lot_id if lot.lot_id != "pool" else pool  # self._lot_name, inlined
            uses.append(LotUse(name, lot.acquired, q, basis, ZERO, ZERO, ZERO, "none"))
            if held is not None:
                lot = Lot(name, lot.acquired, lot.acq_date, q, basis, lot.source, lot.unit)
                held.append((event_id, op.time, lot))
        self.removals.append(
            RemovalRecord(event_id, op.time, asset, op.wallet, op.qty, tuple(uses), op.reason)
        )

    def _margin(self, index: int, op: Op) -> None:
        value, start = op.amount, len(self.uses)
        proceeds, basis = (value, ZERO) if value > ZERO else (ZERO, -value)
        term = "short" if self.jur.has_term else "none"
        self.disposals += (op.event_id, op.time, op.date, self._year(op.date), op.asset, op.wallet,
                           op.qty, proceeds, basis, value, term, start, start,
                           f"margin {op.reason}", op.source, ZERO, ZERO, None, None)  # fmt: skip
