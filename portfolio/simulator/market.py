"""A deterministic public market: one daily price path per asset, candles per pair, a trade tape.

Each asset has a USD price that follows a mean-reverting log random walk seeded by the market seed,
one step per UTC day from 2020-01-01. A pair's daily close is base/quote rounded to its tick; its
open is the previous close; high and low widen that range by a seeded 0.2-3 %. Account trades take a
price inside their day's [low, high] and are registered on the tape, so every account trade is
within the day's OHLC and appears in public Trades. The tape (``tape``) also carries a print in
most minutes of the day along a path that realises the candle's open, high, low and close.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from .assets import PAIRS, Pair, quantize
from .tape import Row, Tape, Totals, totals_of

EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
EPOCH_TS = int(EPOCH.timestamp())
DAY = 86_400
TICKS = 10_000  # times are held as integer ticks of 0.1 ms (Kraken prints 4 decimals)

# start USD price, daily log volatility
_PATHS = {
    "ZUSD": (1.0, 0.0),
    "ZEUR": (1.22, 0.004),
    "ZGBP": (1.37, 0.005),
    "XXBT": (29000.0, 0.035),
    "XETH": (730.0, 0.045),
    "DOT": (8.0, 0.055),
    "SOL": (1.8, 0.06),
    "USDT": (1.0, 0.0008),
}
_REVERSION = 0.003


@dataclass(frozen=True, slots=True)
class Candle:
    day: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal

    @property
    def time(self) -> int:
        return EPOCH_TS + self.day * DAY


@dataclass(frozen=True, slots=True)
class TapeTrade:
    ticks: int
    price: Decimal
    volume: Decimal
    side: str  # "b" | "s"
    ordertype: str  # "m" | "l"
    trade_id: int


def day_of_ticks(ticks: int) -> int:
    return (ticks // TICKS - EPOCH_TS) // DAY


def today_index() -> int:
    return (int(dt.datetime.now(dt.UTC).timestamp()) - EPOCH_TS) // DAY


def now_ticks() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp() * TICKS)


class Market:
    """Prices and the public tape shared by every account on one simulator."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._paths: dict[str, list[float]] = {}
        self._candles: dict[tuple[str, int], Candle] = {}
        self.tape = Tape(seed, self.candle)

    def usd_price(self, code: str, day: int) -> Decimal:
        """The asset's USD close on ``day`` (a float path turned into a 12-significant Decimal)."""
        return Decimal(f"{self._path(code, day):.12g}")

    def _path(self, code: str, day: int) -> float:
        path = self._paths.setdefault(code, [])
        start, sigma = _PATHS[code]
        while len(path) <= day:  # fixed 256-day chunks keep the path independent of access order
            rng = random.Random(f"market:{self.seed}:{code}:{len(path) // 256}")
            for _ in range(256):
                prev = math.log(path[-1]) if path else math.log(start)
                step = _REVERSION * (math.log(start) - prev) + sigma * rng.gauss(0.0, 1.0)
                path.append(math.exp(prev + step))
        return path[day]

    def candle(self, pair: Pair, day: int) -> Candle:
        key = (pair.id, day)
        found = self._candles.get(key)
        if found is None:
            found = self._make_candle(pair, day)
            self._candles[key] = found
        return found

    def _close(self, pair: Pair, day: int) -> Decimal:
        ratio = self.usd_price(pair.base, day) / self.usd_price(pair.quote, day)
        return quantize(ratio, pair.pair_decimals, ROUND_HALF_EVEN)

    def _make_candle(self, pair: Pair, day: int) -> Candle:
        close = self._close(pair, day)
        open_ = self._close(pair, day - 1) if day > 0 else close
        rng = random.Random(f"candle:{self.seed}:{pair.id}:{day}")
        up = Decimal(f"{1 + rng.uniform(0.002, 0.03):.6f}")
        down = Decimal(f"{1 - rng.uniform(0.002, 0.03):.6f}")
        high = quantize(max(open_, close) * up, pair.pair_decimals, ROUND_CEILING)
        low = quantize(min(open_, close) * down, pair.pair_decimals, ROUND_FLOOR)
        return Candle(day=day, open=open_, high=high, low=low, close=close)

    def price_within_day(self, pair: Pair, day: int, u: float) -> Decimal:
        """A tick-rounded price at fraction ``u`` of the day's [low, high] range."""
        c = self.candle(pair, day)
        raw = c.low + (c.high - c.low) * Decimal(f"{u:.6f}")
        return min(max(quantize(raw, pair.pair_decimals, ROUND_HALF_EVEN), c.low), c.high)

    def register(self, pair_id: str, trades: list[TapeTrade]) -> None:
        """Add account trades to the public tape of ``pair_id``."""
        pair = PAIRS[pair_id]
        price_scale, lot_scale = 10**pair.pair_decimals, 10**pair.lot_decimals
        rows = [
            (
                t.ticks,
                int(t.price * price_scale),
                int(t.volume * lot_scale),
                t.side,
                t.ordertype,
                t.trade_id,
            )
            for t in trades
        ]
        self.tape.register(pair, rows, EPOCH_TS)

    def price_at(self, pair: Pair, ticks: int) -> Decimal:
        """The market's price of ``pair`` at a moment (ticks): the tape path's minute price."""
        return self.tape.price_at(pair, ticks, EPOCH_TS)

    def rows_between(self, pair: Pair, start: int, end: int, now: int) -> list[Row]:
        """Prints with ``start <= ticks < end`` and ``ticks <= now``, oldest first."""
        end = min(end, now + 1)
        out: list[Row] = []
        day = max(day_of_ticks(start), 0)
        while day <= day_of_ticks(end - 1):
            rows = self.tape.day_rows(pair, day, EPOCH_TS)
            lo = bisect.bisect_left(rows, (start,))
            hi = bisect.bisect_left(rows, (end,))
            out.extend(rows[lo:hi])
            day += 1
        return out

    def day_totals(self, pair: Pair, day: int, now: int) -> Totals | None:
        """The day's aggregate of prints up to ``now`` (a whole past day is kept)."""
        if day < 0 or day > day_of_ticks(now):
            return None
        if day == day_of_ticks(now):
            start = (EPOCH_TS + day * DAY) * TICKS
            return totals_of(self.rows_between(pair, start, start + DAY * TICKS, now))
        return self.tape.day_totals(pair, day, EPOCH_TS)
