"""The public tape: a print in most minutes of every day, plus the accounts' own trades.

Each pair's day is a path through the minutes from the day's open (00:00) to its close (23:59),
touching the day's high and low at two seeded minutes, with a seeded bridged random walk between
those anchors, clamped to [low, high]. Pairs quoted in USD or EUR print every minute, the others
in about seven minutes out of eight, one print at the path's price, so one-minute candles look
like a liquid Kraken pair's, and the price at a moment
(``price_at``) is the path's price in that minute. Everything is derived from the market seed, the
pair and the day, so a day is the same whenever and in whatever order it is asked for; days are
built lazily and only their totals are kept, so years of tape cost little memory.

Rows are tuples (ticks, price units, volume units, side, ordertype, trade id), where units are the
pair's tick (10^-pair_decimals) and lot (10^-lot_decimals); account trades join as the same tuples.
"""

from __future__ import annotations

import bisect
import random
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate, compress, repeat
from operator import add, floordiv, mul

from .assets import Pair

DAY = 86_400
MINUTES = 1440
TICKS = 10_000

Row = tuple[int, int, int, str, str, int]
_LIQUID = ("ZUSD", "ZEUR")  # pairs quoted in USD or EUR trade every minute
#: a print's volume in units of the day's lot, by a random hex digit
_MULTIPLES = dict(
    zip("0123456789abcdef", (1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 5, 5, 8, 13), strict=True)
)


@dataclass(frozen=True, slots=True)
class Totals:
    """A span's aggregate in units: open, high, low, close, sum(price x volume), volume, count."""

    open: int
    high: int
    low: int
    close: int
    pv: int
    volume: int
    count: int

    def merge(self, later: Totals) -> Totals:
        return Totals(
            self.open,
            max(self.high, later.high),
            min(self.low, later.low),
            later.close,
            self.pv + later.pv,
            self.volume + later.volume,
            self.count + later.count,
        )


def totals_of(rows: list[Row]) -> Totals | None:
    if not rows:
        return None
    prices = [r[1] for r in rows]
    return Totals(
        prices[0],
        max(prices),
        min(prices),
        prices[-1],
        sum(r[1] * r[2] for r in rows),
        sum(r[2] for r in rows),
        len(rows),
    )


def _segment(rng: random.Random, a: int, pa: int, b: int, pb: int, step: int) -> Iterator[int]:
    """Prices for minutes a..b-1: a line from pa to pb plus a bridged random walk that starts
    and ends at zero (built from C-level iterators: a day costs well under a millisecond)."""
    n = b - a
    steps = {"0": -step, "1": step}
    walk = list(accumulate(map(steps.__getitem__, format(rng.getrandbits(n), f"0{n}b")), initial=0))
    end = walk[-1]
    line = map(floordiv, _ramp(pb - pa, n), repeat(n))
    bridge = map(floordiv, _ramp(-end, n), repeat(n))
    return map(add, map(add, line, walk), map(add, bridge, repeat(pa)))


def _ramp(delta: int, n: int) -> Iterable[int]:
    """delta * k for k in range(n)."""
    return range(0, delta * n, delta) if delta else repeat(0, n)


class Tape:
    """Synthetic prints per (pair, day) and the registered account trades of one market."""

    def __init__(self, seed: int, candle) -> None:
        self.seed = seed
        self._candle = candle  # (pair, day) -> Candle with Decimal open/high/low/close
        self._days: OrderedDict[tuple[str, int], list[Row]] = OrderedDict()
        self._totals: dict[tuple[str, int], Totals] = {}
        self._account: dict[str, list[Row]] = {}
        self._unsorted: set[str] = set()

    # -- account trades -----------------------------------------------------------------------
    def register(self, pair: Pair, rows: list[Row], epoch_ts: int) -> None:
        self._account.setdefault(pair.id, []).extend(rows)
        self._unsorted.add(pair.id)
        for row in rows:
            day = (row[0] // TICKS - epoch_ts) // DAY
            self._totals.pop((pair.id, day), None)
            self._days.pop((pair.id, day), None)

    def _mine(self, pair_id: str) -> list[Row]:
        mine = self._account.get(pair_id, [])
        if pair_id in self._unsorted:
            mine.sort()
            self._unsorted.discard(pair_id)
        return mine

    # -- one day --------------------------------------------------------------------------------
    def path(self, pair: Pair, day: int) -> list[int]:
        """The day's price per minute, in tick units."""
        c = self._candle(pair, day)
        scale = 10**pair.pair_decimals
        o, h, lo, cl = (int(v * scale) for v in (c.open, c.high, c.low, c.close))
        rng = random.Random(f"path:{self.seed}:{pair.id}:{day}")
        m1, m2 = sorted(rng.sample(range(120, MINUTES - 120), 2))
        first, second = (h, lo) if rng.random() < 0.5 else (lo, h)
        anchors = [(0, o), (m1, first), (m2, second), (MINUTES - 1, cl)]
        step = max(1, (h - lo) // 160)
        out: list[int] = []
        for (a, pa), (b, pb) in zip(anchors, anchors[1:], strict=False):
            out.extend(_segment(rng, a, pa, b, pb, step))
        out.append(cl)
        if min(out) >= lo and max(out) <= h:
            return out
        return list(map(min, map(max, out, repeat(lo)), repeat(h)))

    def _draws(self, pair: Pair, day: int) -> tuple[str, int, int, int, list[int]]:
        """Which minutes print ('1'/'0' by minute), sides, order types, unit volume, multiples."""
        rng = random.Random(f"prints:{self.seed}:{pair.id}:{day}")
        mask = rng.getrandbits(MINUTES) | rng.getrandbits(MINUTES) | rng.getrandbits(MINUTES)
        if pair.quote in _LIQUID:
            mask = (1 << MINUTES) - 1
        sides, limit = rng.getrandbits(MINUTES), rng.getrandbits(MINUTES)
        unit = rng.randint(1, 300) * 10 ** max(pair.lot_decimals - 2, 0)
        digits = format(rng.getrandbits(4 * MINUTES), f"0{MINUTES}x")
        mults = list(map(_MULTIPLES.__getitem__, digits))
        path_rng = random.Random(f"path:{self.seed}:{pair.id}:{day}")
        m1, m2 = sorted(path_rng.sample(range(120, MINUTES - 120), 2))
        mask |= 1 | 1 << m1 | 1 << m2 | 1 << (MINUTES - 1)  # open, high, low and close print
        flags = format(mask, f"0{MINUTES}b")[::-1]
        return flags, sides, limit, unit, mults

    def synthetic(self, pair: Pair, day: int, epoch_ts: int) -> list[Row]:
        path = self.path(pair, day)
        flags, sides, limit, unit, mults = self._draws(pair, day)
        start = (epoch_ts + day * DAY) * TICKS
        rows = []
        for m in range(MINUTES):
            if flags[m] == "0":
                continue
            second = 1 if m == 0 else 59 if m == MINUTES - 1 else 1 + (m * 37 + day) % 58
            ticks = start + (m * 60 + second) * TICKS + 5_000
            side = "b" if sides >> m & 1 else "s"
            ordertype = "l" if limit >> m & 1 else "m"
            rows.append((ticks, path[m], unit * mults[m], side, ordertype, ticks))
        return rows

    def day_rows(self, pair: Pair, day: int, epoch_ts: int) -> list[Row]:
        """Every print of the day, synthetic and account, oldest first (a few days kept)."""
        key = (pair.id, day)
        rows = self._days.get(key)
        if rows is None:
            rows = self.synthetic(pair, day, epoch_ts) if day >= 0 else []
            mine = self._mine(pair.id)
            start = (epoch_ts + day * DAY) * TICKS
            lo = bisect.bisect_left(mine, (start,))
            hi = bisect.bisect_left(mine, (start + DAY * TICKS,))
            if hi > lo:
                rows = sorted(rows + mine[lo:hi], key=lambda r: (r[0], r[5]))
            self._days[key] = rows
            if len(self._days) > 48:
                self._days.popitem(last=False)
        else:
            self._days.move_to_end(key)
        return rows

    def _synthetic_totals(self, pair: Pair, day: int) -> Totals:
        """The synthetic prints' aggregate without building them (the fast path for days)."""
        path = self.path(pair, day)
        flags, _sides, _limit, unit, mults = self._draws(pair, day)
        chosen = list(map(int, flags))
        volumes = list(compress(mults, chosen))
        pv = sum(map(mul, compress(path, chosen), volumes)) * unit
        volume = sum(volumes) * unit
        return Totals(path[0], max(path), min(path), path[-1], pv, volume, len(volumes))

    def day_totals(self, pair: Pair, day: int, epoch_ts: int) -> Totals | None:
        key = (pair.id, day)
        if key not in self._totals:
            start = (epoch_ts + day * DAY) * TICKS
            mine = self._mine(pair.id)
            lo = bisect.bisect_left(mine, (start,))
            hi = bisect.bisect_left(mine, (start + DAY * TICKS,))
            if day < 0:
                return None
            if hi == lo:
                self._totals[key] = self._synthetic_totals(pair, day)
                return self._totals[key]
            found = totals_of(self.day_rows(pair, day, epoch_ts))
            if found is None:
                return None
            self._totals[key] = found
        return self._totals[key]

    def price_at(self, pair: Pair, ticks: int, epoch_ts: int) -> Decimal:
        """The market's price at a moment: the path's price in that minute."""
        seconds = ticks // TICKS - epoch_ts
        day, minute = seconds // DAY, seconds % DAY // 60
        return Decimal(self.path(pair, day)[minute]).scaleb(-pair.pair_decimals)
