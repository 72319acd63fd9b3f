"""Deterministic account histories: a clock, a ledger book and an event loop.

An account's history is a sequence of events (deposits, trades, instant buys, withdrawals, staking
and earn moves, margin positions, futures activity) at sorted random times between 2021-01-01 and
2025-12-31, all drawn from one ``random.Random`` seeded by the account seed, so the same seed and
size give identical data. Every ledger row is posted through ``post``, which applies Kraken's rule
``balance = previous balance + amount - fee`` per asset, so balances follow from the rows by
construction. Debits only spend what is ``spendable`` (balance minus margin reservations and
open-order holds), so no balance goes negative.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from .assets import ASSETS, amount
from .futures_book import FuturesBook
from .ids import IdFactory
from .market import DAY, TICKS, Market, TapeTrade, day_of_ticks
from .records import LedgerEntry, Trade, Truth


def _ticks(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    return int(moment.timestamp()) * TICKS


HISTORY_START = _ticks(2021, 1, 1)
HISTORY_END = _ticks(2025, 12, 31, 23, 59, 59)
MIGRATION = _ticks(2023, 11, 15)  # staked .S/.M balances migrate to earn (reference 6.1)
FT_REFIDS = _ticks(2024, 8, 15, 14, 21, 54)  # new mixed-case FT refids for funding (reference 3)
ROWS_PER_EVENT = 1.75  # measured rows per sampled time; a top-up pass covers any shortfall


class Generator:
    """Builds and later extends one account's ``Truth``."""

    def __init__(self, *, seed: int, market: Market, truth: Truth) -> None:
        self.seed = seed
        self.rng = random.Random(f"account:{seed}")
        self.ids = IdFactory(self.rng)
        self.market = market
        self.truth = truth
        self.now = 0
        self.reserved: dict[str, Decimal] = defaultdict(Decimal)
        self.migrated = False
        self.margin_open = False
        self._scheduled: list[tuple[int, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._seq = itertools.count()
        self.futures = FuturesBook(self)

    # -- clock and balances -------------------------------------------------------------------
    def advance(self, ticks: int) -> int:
        """Move the clock forward (never back) and return the new time."""
        self.now = max(self.now, ticks)
        return self.now

    def later(self, min_ms: int, max_ms: int) -> int:
        return self.advance(self.now + self.rng.randint(min_ms, max_ms) * (TICKS // 1000))

    def balance(self, asset: str) -> Decimal:
        return self.truth.balances.get(asset, Decimal(0))

    def spendable(self, asset: str) -> Decimal:
        held = self.reserved[asset] + self.truth.holds.get(asset, Decimal(0))
        return max(self.balance(asset) - held, Decimal(0))

    def usd_rate(self, asset: str) -> Decimal:
        return self.market.usd_price(asset, day_of_ticks(self.now))

    def post(
        self, *, refid: str, type: str, subtype: str, asset: str, amount: Decimal, fee: Decimal
    ) -> LedgerEntry:
        """Append one ledger row at the current time; its balance follows from amount and fee."""
        places = ASSETS[asset].decimals
        new_balance = self.balance(asset) + amount - fee
        entry = LedgerEntry(
            id=self.ids.ledger(),
            refid=refid,
            ticks=self.now,
            type=type,
            subtype=subtype,
            asset=asset,
            amount=amount.quantize(Decimal(1).scaleb(-places)),
            fee=fee.quantize(Decimal(1).scaleb(-places)),
            balance=new_balance.quantize(Decimal(1).scaleb(-places)),
            seq=next(self._seq),
        )
        self.truth.ledgers.append(entry)
        self.truth.balances[asset] = entry.balance
        return entry

    def add_trade(self, trade: Trade) -> None:
        self.truth.trades.append(trade)
        tape = TapeTrade(
            trade.ticks,
            trade.price,
            trade.vol,
            "b" if trade.type == "buy" else "s",
            "l" if trade.ordertype == "limit" else "m",
            trade.trade_id,
        )
        self.market.register(trade.pair, [tape])

    def next_seq(self) -> int:
        return next(self._seq)

    def funding_refid(self) -> str:
        return self.ids.funding_refid() if self.now >= FT_REFIDS else self.ids.kraken("Q")

    def schedule(self, ticks: int, action: Callable[[], None]) -> None:
        heapq.heappush(self._scheduled, (ticks, next(self._order), action))

    def _drain(self, until: int | None) -> None:
        while self._scheduled and (until is None or self._scheduled[0][0] <= until):
            ticks, _, action = heapq.heappop(self._scheduled)
            self.advance(ticks)
            action()

    # -- the event loop -----------------------------------------------------------------------
    def generate(
        self,
        *,
        size: int,
        start: int = HISTORY_START,
        end: int = HISTORY_END,
        mix: str = "default",
    ) -> None:
        """Fill an empty account with about ``size`` ledger rows between ``start`` and ``end``."""
        from . import spot_events

        self.advance(start)
        for opener in (spot_events.deposit_fiat, spot_events.kfee_credit, spot_events.deposit_fiat):
            opener(self)
            self.later(60_000, 86_400_000)
        loop_end = end - 2 * DAY * TICKS  # room for finalize() before ``end``
        while len(self.truth.ledgers) < size:
            missing = size - len(self.truth.ledgers)
            stop = min(max(loop_end, self.now + DAY * TICKS), end - 3 * 3600 * TICKS)
            times = self._times(math.ceil(missing / ROWS_PER_EVENT) + 1, self.now + 1, stop)
            self._loop(times, size, spot_events.weights(append=False, mix=mix))
        self._drain(None)
        spot_events.finalize(self)

    def append(self, rows: int) -> None:
        """Add exactly ``rows`` ledger rows after everything that exists (spot events only)."""
        from . import spot_events

        target = len(self.truth.ledgers) + rows
        self.advance(self.truth.last_ticks + 60 * TICKS)
        while len(self.truth.ledgers) < target:
            gaps = [self.rng.randint(60, 6 * 3600) * TICKS for _ in range(rows)]
            times = list(itertools.accumulate(gaps, initial=self.now))[1:]
            self._loop(times, target, spot_events.weights(append=True))

    def _times(self, count: int, start: int, end: int) -> list[int]:
        span = max(end - start, count + 1)
        return sorted(self.rng.sample(range(start, start + span), min(count, span)))

    def _loop(self, times: list[int], target: int, weights: dict[str, float]) -> None:
        from . import spot_events

        names, cumulative = list(weights), list(itertools.accumulate(weights.values()))
        for ticks in times:
            self._drain(ticks)
            missing = target - len(self.truth.ledgers)
            if missing <= 0:
                return
            self.advance(ticks)
            if not self.migrated and self.now >= MIGRATION:
                spot_events.migrate(self)
            if missing < 7:  # single-row events land exactly on the target
                spot_events.SINGLE_ROW[self.rng.randrange(2)](self)
                continue
            kind = self.rng.choices(names, cum_weights=cumulative)[0]
            if not spot_events.EVENTS[kind](self):
                spot_events.deposit_fiat(self)


def quantity(asset: str, value: Decimal) -> Decimal:
    """Round an amount down to the asset's decimals (shorthand used by event modules)."""
    return amount(asset, value)
