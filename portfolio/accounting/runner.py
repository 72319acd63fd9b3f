"""The chronological pass: planned operations through the lot books, into result records.

Rule implemented: for each operation in the engine's total order, acquisitions add lots to the book
of their asset (and wallet, per wallet), disposals take lots by the method's order
(``books.METHODS``) or by the UK pre-match (``uk_matching``), transfers move lots with their dates
and basis (Treas. Reg. 1.1012-1(j); BMF 2022), withdrawals remove them, and margin PnL is booked as
a gain or loss. Terms follow ``Jurisdiction.term`` (long only after the calendar anniversary). A
shortfall is a problem booked at zero basis (see ``engine``). Canadian losses pass through the
superficial-loss rule (``superficial``); the denied part is added to the pool.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from portfolio.accounting.books import METHODS, Book, Lot, Method, Piece
from portfolio.accounting.jurisdictions import Jurisdiction, anniversary
from portfolio.accounting.ops import make
from portfolio.accounting.planning import Op
from portfolio.accounting.results import (
    Checkpoint,
    DisposalRecord,
    LotUse,
    OpenLot,
    Problem,
    RemovalRecord,
)
from portfolio.accounting.superficial import SuperficialLossRule
from portfolio.accounting.uk_matching import UkPlan, prematch

ZERO = Decimal(0)
#: Shares of proceeds and costs split over lots are rounded to 1e-12 so that they sum exactly.
SPLIT_EXPONENT = Decimal("1e-12")


class Runner:
    """The chronological pass over planned operations."""

    def __init__(self, jur: Jurisdiction, method: Method, per_wallet: bool, ops: list[Op]) -> None:
        self.jur, self.ops = jur, ops
        self.new_book = METHODS[method].new_book
        self.uk: UkPlan | None = prematch(ops) if METHODS[method].uk_prematch else None
        self.per_wallet = per_wallet and self.uk is None and not jur.superficial_loss
        self.superficial = SuperficialLossRule(ops) if jur.superficial_loss else None
        self.books: dict[tuple[str, str], Book] = {}
        self.pending_cost: dict[str, Decimal] = {}
        self.disposals: list[DisposalRecord] = []
        self.removals: list[RemovalRecord] = []
        self.problems: list[Problem] = []
        self._late_universal = False
        self._anniversaries: dict[date, date] = {}
        self._years: dict[date, int] = {}
        self._uk_lots: dict[tuple[str, date], Lot] = {}
        self.pool_prefix = "s104:" if self.uk is not None else "pool:"
        #: Disposals from this date are checked for the universal-method warning (None: never).
        self._warn_from = jur.per_wallet_from if not self.per_wallet else None

    def book(self, asset: str, wallet: str) -> Book:
        key = (asset, wallet if self.per_wallet else "all")
        book = self.books.get(key)
        if book is None:
            book = self.books[key] = self.new_book()
        return book

    def seed(self, opening: Checkpoint) -> None:
        for lot in opening.lots:
            acq_date = lot.acquired.astimezone(self.jur.tz).date() if lot.acquired else None
            self.book(lot.asset, lot.wallet).add(
                Lot(lot.lot_id, lot.acquired, acq_date, lot.quantity, lot.cost_basis, lot.source)
            )

    def run(self) -> None:
        handlers = (
            self._acquire,
            self._deposit,
            self._dispose,
            self._move,
            self._remove,
            self._margin,
        )
        for index, op in enumerate(self.ops):
            handlers[op.code](index, op)

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
        acquired, acq_date = op.other
        self.book(op.asset, op.wallet).add(
            Lot(op.event_id, acquired, acq_date, op.qty, op.amount, op.source)
        )

    def _take(self, op: Op, qty: Decimal, book: Book) -> list[Piece]:
        pieces, short = book.take(qty)
        if short:
            self.problems.append(
                Problem(
                    "shortfall",
                    op.asset,
                    op.time,
                    f"{op.reason or 'disposal'} of {op.qty} {op.asset} exceeds the holding "
                    f"by {short}: zero basis used",
                    short,
                    op.event_id,
                )
            )
            pieces.append(
                (
                    Lot(f"missing:{op.event_id}", None, None, short, ZERO, "missing history"),
                    short,
                    ZERO,
                )
            )
        return pieces

    def _dispose(self, index: int, op: Op) -> None:
        key = (op.asset, op.wallet if self.per_wallet else "all")
        book = self.books.get(key) or self.book(op.asset, op.wallet)
        if self.uk is None:
            parts = self._take(op, op.qty, book)
        else:
            parts = [(self._uk_lot(rule, day), q, c) for rule, day, q, c in self.uk.matches[index]]
            take = self.uk.pool_take[index]
            if take > ZERO:
                parts += self._take(op, take, book)
        record = self._record(op, parts)
        if self.superficial is not None and record.gain < ZERO:
            record = self._superficial(op, record, book)
        if self._warn_from is not None and op.date >= self._warn_from:
            self._warn_universal(op)
        self.disposals.append(record)

    def _uk_lot(self, rule: str, day: date) -> Lot:
        """The read-only stand-in lot of a same-day or 30-day match, one per (rule, day)."""
        lot = self._uk_lots.get((rule, day))
        if lot is None:
            lot = self._uk_lots[rule, day] = Lot(
                f"{rule}:{day.isoformat()}", None, day, ZERO, ZERO, rule
            )
        return lot

    def _term(self, acq_date: date | None, sold: date) -> str:
        if acq_date is None:
            return "short"
        anniv = self._anniversaries.get(acq_date)
        if anniv is None:
            anniv = self._anniversaries[acq_date] = anniversary(acq_date)
        return "long" if sold > anniv else "short"

    def _lot_name(self, lot: Lot, asset: str) -> str:
        return lot.lot_id if lot.lot_id != "pool" else self.pool_prefix + asset

    def _record(self, op: Op, parts: list[Piece]) -> DisposalRecord:
        proceeds, costs, total, sold = op.amount, op.costs, op.qty, op.date
        has_term = self.jur.has_term
        if len(parts) == 1:  # the common case, kept lean
            lot, q, basis = parts[0]
            term = self._term(lot.acq_date, sold) if has_term else "none"
            name = lot.lot_id if lot.lot_id != "pool" else self.pool_prefix + op.asset
            gain = proceeds - basis - costs
            uses: tuple[LotUse, ...] = (
                make(LotUse, (name, lot.acquired, q, basis, proceeds, costs, gain, term)),
            )
            basis_total = basis + costs
        else:
            uses, basis_total = self._split(op, parts)
            terms = {u.term for u in uses}
            term = terms.pop() if len(terms) == 1 else ("mixed" if terms else "none")
        year = self._years.get(sold)
        if year is None:
            year = self._year(sold)
        return make(DisposalRecord, (op.event_id, op.time, sold, year, op.asset, op.wallet, total,
                                     proceeds, basis_total, proceeds - basis_total, term, uses,
                                     op.reason or "sale", op.source, costs, ZERO))  # fmt: skip

    def _split(self, op: Op, parts: list[Piece]) -> tuple[tuple[LotUse, ...], Decimal]:
        """Share proceeds and costs pro rata by quantity; the last piece takes the rest."""
        proceeds, costs, total, sold, asset = op.amount, op.costs, op.qty, op.date, op.asset
        has_term, uses, basis_total, term = self.jur.has_term, [], ZERO, "none"
        anniversaries, prefix = self._anniversaries, self.pool_prefix
        unit_p, unit_c = proceeds / total, (costs / total if costs else ZERO)
        left_p, left_c, last = proceeds, costs, len(parts) - 1
        for n, (lot, q, basis) in enumerate(parts):
            if n == last:
                p, c = left_p, left_c
            else:  # fixed decimal places keep the remainder exact
                p = (q * unit_p).quantize(SPLIT_EXPONENT)
                left_p -= p
                c = (q * unit_c).quantize(SPLIT_EXPONENT) if costs else ZERO
                left_c -= c
            if has_term:  # self._term, inlined
                acq = lot.acq_date
                if acq is None:
                    term = "short"
                else:
                    anniv = anniversaries.get(acq)
                    if anniv is None:
                        anniv = anniversaries[acq] = anniversary(acq)
                    term = "long" if sold > anniv else "short"
            name = lot.lot_id if lot.lot_id != "pool" else prefix + asset
            uses.append(
                make(LotUse, (name, lot.acquired, q, basis, p, c, p - basis - c, term))
            )  # fmt: skip
            basis_total += basis
        return tuple(uses), basis_total + costs

    def _year(self, day: date) -> int:
        year = self._years.get(day)
        if year is None:
            year = self._years[day] = self.jur.tax_year_of(day)
        return year

    def _superficial(self, op: Op, record: DisposalRecord, book: Book) -> DisposalRecord:
        assert self.superficial is not None
        denied = self.superficial.denied(op.asset, op.date, op.qty, -record.gain)
        if not denied:
            return record
        if not book.add_cost(denied):
            self.pending_cost[op.asset] = self.pending_cost.get(op.asset, ZERO) + denied
        return record._replace(adjustment=denied, gain=record.gain + denied)

    def _warn_universal(self, op: Op) -> None:
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
                    Lot(lot.lot_id, lot.acquired, lot.acq_date, q, basis, f"moved from {op.wallet}")
                )

    def _remove(self, index: int, op: Op) -> None:
        uses = tuple(
            LotUse(self._lot_name(lot, op.asset), lot.acquired, q, basis, ZERO, ZERO, ZERO, "none")
            for lot, q, basis in self._take(op, op.qty, self.book(op.asset, op.wallet))
        )
        self.removals.append(
            RemovalRecord(op.event_id, op.time, op.asset, op.wallet, op.qty, uses, op.reason)
        )

    def _margin(self, index: int, op: Op) -> None:
        value = op.amount
        proceeds, basis = (value, ZERO) if value > ZERO else (ZERO, -value)
        term = "short" if self.jur.has_term else "none"
        self.disposals.append(
            DisposalRecord(
                op.event_id,
                op.time,
                op.date,
                self._year(op.date),
                op.asset,
                op.wallet,
                op.qty,
                proceeds,
                basis,
                value,
                term,
                (),
                f"margin {op.reason}",
                op.source,
            )
        )
