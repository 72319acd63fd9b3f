"""Withdrawals and deposits under UK share matching: withdrawn tokens stay in the s104 pool.

Rule implemented: moving tokens to one's own wallet is not a disposal, so it changes neither the
pool nor its cost. The s104 pool holds all the tokens of a kind that the person holds, wherever
they are held (TCGA 1992 s104; HMRC Cryptoassets Manual CRYPTO22200 "Pooling"), and only
disposals are matched (same day, then 30 days, CRYPTO22250-22256). So under UK matching the
pool (an ``S104Pool``) keeps the units withdrawn and counts how many of them are outside Kraken
(``away``) and how many of the token's units are on Kraken (``on_kraken``).

Why both counts: a day's acquisitions that the same-day rule matches with a later sale that day
are on Kraken in between but never enter the pool (CRYPTO22252), and a sale matched with an
acquisition up to 30 days later leaves units in the pool that are gone from Kraken. The pool
alone cannot say what is on Kraken, so:

* a withdrawal may take what is on Kraken: those units go outside as a share of the pool, valued
  at the pool's average cost (the same average the pool gives every unit it holds), and a deposit
  that takes them back only brings them back on Kraken - the pool is not touched either way;
* only a withdrawal beyond what is on Kraken is missing history (a ``shortfall`` problem): that
  part is held outside at zero basis and joins the pool at zero basis if it comes back;
* the part of a sale that the pool covers may take only the pool's units on Kraken (pool less
  away); beyond that it is missing history, booked at zero basis as the other methods do;
* a sale beyond what is on Kraken leaves Kraken owing the difference, less the part reported as a
  shortfall: the rest is matched (same day or 30 days) with acquisitions whose units it sold, so
  their arrival only pays that back and never lets a withdrawal take more than the pool holds;
  if units withdrawn before it that day are what it is matched with, pool shares outside beyond
  the pool are taken to have come back without a deposit on record (a ``missing_history``
  problem), so that the pool never has more units outside than it holds;
* units that leave without a disposal (a network fee carried out with its basis) take the pool's
  average cost, limited to what is on Kraken.

Units held outside and the pool's units on Kraken share the pool's cost pro rata by quantity,
the shares outside rounded so that they add up to the pool's cost of them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from portfolio.accounting.books import BASIS_EXPONENT, AverageBook, Lot, Piece
from portfolio.accounting.outside import unknown_basis_lot
from portfolio.accounting.planning import Op
from portfolio.accounting.results import (
    HeldOutside,
    LotUse,
    OpenLot,
    Problem,
    RemovalRecord,
    plain,
)
from portfolio.accounting.runner import Runner

ZERO = Decimal(0)
#: The id of a pool share held outside (``Runner._lot_name`` prints it as "s104:ASSET").
POOL = "pool"
POOL_SOURCE = "s104 pool (withdrawn tokens stay in the pool, CRYPTO22200)"


class S104Pool(AverageBook):
    """A token's s104 pool, with the two counts kept beside it (module doc): its units held
    outside Kraken (``away``) and the token's units on Kraken (``on_kraken``)."""

    __slots__ = ("on_kraken", "away")

    def __init__(self) -> None:
        super().__init__()
        self.on_kraken = ZERO
        self.away = ZERO


class UkRunner(Runner):
    """``Runner`` for UK share matching: withdrawn units stay in the s104 pool (module doc).

    One ``S104Pool`` per token (UK matching is never wallet by wallet), found by the token alone
    in ``pools``: every purchase and sale looks it up.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.new_book = S104Pool
        self.pools: dict[str, S104Pool] = {}

    def book(self, asset: str, wallet: str) -> S104Pool:
        pool = self.pools.get(asset)
        if pool is None:
            book = super().book(asset, wallet)
            assert isinstance(book, S104Pool)
            pool = self.pools[asset] = book
        return pool

    # -- units on Kraken ---------------------------------------------------------------------
    def _leave(self, book: S104Pool, qty: Decimal) -> Decimal:
        """``qty`` leaves Kraken; returns the part of it that was on Kraken."""
        have = book.on_kraken
        inside = qty if qty <= have else max(have, ZERO)
        book.on_kraken = have - inside
        return inside

    def _pool(self, asset: str) -> Lot | None:
        return self.book(asset, "all").pool

    def _share(self, pool: Lot | None, qty: Decimal) -> Decimal:
        """The pool's cost of ``qty`` of its units (its average cost)."""
        if pool is None or pool.qty <= ZERO or not qty:
            return ZERO
        if qty == pool.qty:
            return pool.cost
        return (pool.cost * qty / pool.qty).quantize(BASIS_EXPONENT)

    # -- operations --------------------------------------------------------------------------
    def _acquire(self, index: int, op: Op) -> None:
        """``Runner._acquire`` for UK matching (what the plan adds to the pool), counting the
        units on Kraken; inlined, as it runs for every purchase."""
        book = self.pools.get(op.asset) or self.book(op.asset, op.wallet)
        qty, cost = self.uk.pool_add[index]  # type: ignore[union-attr]
        if qty or cost:
            book.add(Lot(op.event_id, op.time, op.date, qty, cost, op.source))
        book.on_kraken += op.qty

    def dispose(self, index: int, op: Op) -> None:
        """The pre-matched pieces, then the pool's part (``take_pool``); records the pool after
        it and counts what leaves. Runs for every sale: the usual cases (one same-day or 30-day
        match; what is on Kraken covers the sale) are kept lean."""
        uk = self.uk
        assert uk is not None
        matches = uk.matches[index]
        if len(matches) == 1:
            rule, day, q, c = matches[0]
            parts = [(self._uk_lots.get((rule, day)) or self._uk_lot(rule, day), q, c)]
        elif matches:
            stand_ins = self._uk_lots
            parts = [
                (stand_ins.get((rule, day)) or self._uk_lot(rule, day), q, c)
                for rule, day, q, c in matches
            ]
        else:
            parts = []
        book = self.pools.get(op.asset) or self.book(op.asset, op.wallet)
        take, short = uk.pool_take[index], ZERO
        if take > ZERO:
            pooled = self.take_pool(op, book, take)
            if pooled[-1][0].lot_id == f"missing:{op.event_id}":
                short = pooled[-1][1]
            parts += pooled
        pool = book.pool
        if pool is not None:  # the s104 pool after the sale
            self._record(op, parts, pool.qty, pool.cost)
        else:
            self._record(op, parts, ZERO, ZERO)
        left = book.on_kraken - op.qty
        if left < ZERO:
            self._count_sale(op, book, short)  # beyond what is on Kraken: the module doc's rules
        else:
            book.on_kraken = left
        if self.warn_from is not None and op.date >= self.warn_from:
            self.warn_universal(op)

    def _count_sale(self, op: Op, book: S104Pool, short: Decimal) -> None:
        """What is on Kraken after a sale (module doc). Beyond it, the part reported as a
        shortfall is forgiven; then pool shares outside beyond the pool (units withdrawn that the
        sale is matched with the same day) are taken to have come back unrecorded; the rest of
        the sale is matched with acquisitions still to come and stays owed."""
        left = book.on_kraken - op.qty
        if left < ZERO:
            left = min(left + short, ZERO)
            over = book.away - (book.pool.qty if book.pool is not None else ZERO)
            if left < ZERO and over > ZERO:
                back = min(over, -left)
                self._come_back(op, book, back)
                left += back
        book.on_kraken = left

    def _come_back(self, op: Op, book: S104Pool, qty: Decimal) -> None:
        """``qty`` pool shares outside, the latest first, came back without a deposit: missing
        history, reported (a ``missing_history`` problem); the pool and its cost are unchanged."""
        asset, want = op.asset, qty
        book.away -= qty
        queue = self.outside.queues[asset]
        for i in range(len(queue) - 1, -1, -1):
            withdrawal_id, when, lot = queue[i]
            if lot.lot_id != POOL:
                continue
            if lot.qty <= want:
                del queue[i]
                want -= lot.qty
            else:
                rest = Lot(POOL, None, None, lot.qty - want, ZERO, POOL_SOURCE)
                queue[i], want = (withdrawal_id, when, rest), ZERO
            if not want:
                break
        self.problems.append(
            Problem("missing_history", asset, op.time,
                    f"sale of {plain(op.qty)} {asset} beyond what is on Kraken: {plain(qty)} "
                    f"{asset} withdrawn "
                    "before it, which the same-day rule matches with it, must have come back "
                    "without a deposit on record", qty, op.event_id)
        )  # fmt: skip

    def take_pool(self, op: Op, book: S104Pool, qty: Decimal) -> list[Piece]:
        """The pool's part of a sale: only its units on Kraken; beyond them, a shortfall."""
        pool = book.pool
        on_kraken = (pool.qty if pool is not None else ZERO) - book.away
        taken = min(qty, max(on_kraken, ZERO))
        pieces, short = book.take(taken)
        short += qty - taken
        if short:
            pieces.append(self.shortfall(op, short))
        return pieces

    def _deposit(self, index: int, op: Op) -> None:
        book = self.book(op.asset, op.wallet)
        if op.other is not None:  # the event carries the units' history: an acquisition
            super()._deposit(index, op)
            book.on_kraken += op.qty
            return
        returned, left = self.outside.take_back(op.asset, op.qty)
        for lot in returned:
            if lot.lot_id == POOL:  # back on Kraken; the pool held it all along
                book.away -= lot.qty
            else:  # missing history that left before: it joins the pool at zero basis
                book.add(lot)
        book.on_kraken += op.qty
        if left > ZERO:  # beyond what was outside: unknown history, an acquisition of the pool
            lot = unknown_basis_lot(self.jur, op, left, self.entered, self.value_of)
            book.add(lot)
            self.unknown.append(
                (op, op.qty - left, left, lot.cost, lot.acquired or op.time, lot.source)
            )
            self.problems.append(
                Problem("unknown_basis", op.asset, op.time,
                        f"deposit of {plain(left)} {op.asset} beyond what was withdrawn: "
                        f"{lot.source}",
                        left, op.event_id)
            )  # fmt: skip

    def _remove(self, index: int, op: Op) -> None:
        """A withdrawal: units on Kraken go outside as a pool share (the pool keeps them).
        Anything else (a fee carried out): units on Kraken leave the pool at its average."""
        asset, book = op.asset, self.book(op.asset, op.wallet)
        inside = self._leave(book, op.qty)
        short = op.qty - inside
        if op.reason == "withdrawal":
            pieces = self._withdraw(op, book, inside, short)
        else:
            pieces, missing = book.take(inside)
            if missing + short:
                pieces.append(self.shortfall(op, missing + short))
        uses = tuple(
            LotUse(self._lot_name(lot, asset), lot.acquired, q, basis, ZERO, ZERO, ZERO, "none")
            for lot, q, basis in pieces
        )
        self.removals.append(
            RemovalRecord(op.event_id, op.time, asset, op.wallet, op.qty, uses, op.reason)
        )

    def _withdraw(self, op: Op, book: S104Pool, inside: Decimal, short: Decimal) -> list[Piece]:
        asset, pieces = op.asset, []
        if inside:
            book.away += inside
            held = Lot(POOL, None, None, inside, ZERO, POOL_SOURCE)
            self.outside.hold(asset, op.event_id, op.time, held)
            pieces.append((held, inside, self._share(book.pool, inside)))
        if short:
            missing, _, _ = piece = self.shortfall(op, short)
            pieces.append(piece)
            self.outside.hold(asset, op.event_id, op.time, missing)
        return pieces

    # -- results -----------------------------------------------------------------------------
    def _outside_shares(self) -> dict[int, Decimal]:
        """The cost of each pool share held outside (by ``id`` of its lot), pro rata: the pool's
        cost of the shares up to it less that of those before, so that the rounded costs add up
        to the pool's cost of them all and never pass the pool's cost (``open_lots``)."""
        costs: dict[int, Decimal] = {}
        for asset, queue in self.outside.queues.items():
            pool, held, before = self._pool(asset), ZERO, ZERO
            for _, _, lot in queue:
                if lot.lot_id == POOL:
                    held += lot.qty
                    upto = self._share(pool, held)
                    costs[id(lot)], before = upto - before, upto
        return costs

    def outside_records(self) -> Iterable[HeldOutside]:
        costs = self._outside_shares()
        for asset, queue in sorted(self.outside.queues.items()):
            for withdrawal_id, withdrawn, lot in queue:
                cost = costs.get(id(lot), lot.cost)
                yield HeldOutside(withdrawal_id, withdrawn, self._lot_name(lot, asset), asset,
                                  lot.acquired, lot.qty, cost, lot.source)  # fmt: skip

    def open_lots(self) -> Iterable[OpenLot]:
        """The pool's units on Kraken: the pool less its units outside, and their cost."""
        shares: dict[str, Decimal] = {}
        for asset, queue in self.outside.queues.items():
            pool = self._pool(asset)
            held = sum((lot.qty for _, _, lot in queue if lot.lot_id == POOL), ZERO)
            shares[asset] = self._share(pool, held)  # what ``_outside_shares`` adds up to
        for lot in super().open_lots():
            away = self.pools[lot.asset].away
            if not away:
                yield lot
                continue
            qty, cost = lot.quantity - away, lot.cost_basis - shares.get(lot.asset, ZERO)
            if qty or cost:
                yield OpenLot(lot.lot_id, lot.asset, lot.wallet, lot.acquired, qty, cost,
                              lot.source, lot.unit_cost)  # fmt: skip
