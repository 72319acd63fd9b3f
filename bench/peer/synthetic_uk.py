"""Deterministic synthetic UK crypto history (GBP-valued) for the peer comparison.

``generate(seed, n)`` returns ``n`` neutral :class:`~bench.peer.records.Record` objects in
time order: GBP deposits, buys and sells against GBP with GBP fees, crypto-to-crypto trades
(both legs given the same GBP value) and staking rewards valued in GBP, spread over the UK
tax years 2019/20 to 2024/25.  Holdings and the GBP balance are tracked so nothing is ever
sold or spent that is not held.  Transactions cluster on "active days" and often repeat the
day's asset, so same-day and 30-day (bed and breakfast) repurchases occur naturally.

By default timestamps fall between 00:00 and 22:59 UTC, where the UTC date and the UK
(Europe/London) date always agree, so the comparison does not hinge on which clock a tool uses
for "day".  ``any_hour=True`` uses the whole UTC day, so summer trades at 23:xx UTC fall on the
next UK day: a check that both tools use UK calendar days.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from bench.peer.records import GBP, PENNY, SATOSHI, ZERO, Kind, Record

START = date(2019, 4, 6)
END = date(2025, 4, 5)  # inclusive: the end of tax year 2024/25

# symbol: (starting GBP price, daily volatility, weight when choosing, stakeable)
ASSETS: dict[str, tuple[float, float, int, bool]] = {
    "BTC": (4000.0, 0.035, 35, False),
    "ETH": (130.0, 0.045, 30, True),
    "SOL": (1.5, 0.06, 15, True),
    "DOT": (3.0, 0.05, 10, True),
    "ADA": (0.05, 0.05, 10, True),
}
FEE_RATE = Decimal("0.0026")  # Kraken taker fee
KIND_WEIGHTS: dict[Kind, int] = {
    Kind.DEPOSIT: 4,
    Kind.BUY: 44,
    Kind.SELL: 34,
    Kind.TRADE: 9,
    Kind.STAKING: 9,
}


def _gbp(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def _qty(value: Decimal) -> Decimal:
    return value.quantize(SATOSHI, rounding=ROUND_DOWN)


def _fee(value: Decimal) -> Decimal:
    return _gbp(value * FEE_RATE) if value >= Decimal(5) else ZERO


class _Prices:
    """Daily GBP price per asset: a seeded log-normal random walk, with intraday noise."""

    def __init__(self, rng: random.Random, days: int) -> None:
        self._rng = rng
        self._daily: dict[str, list[float]] = {}
        for symbol, (price, vol, _, _) in ASSETS.items():
            path = [price]
            for _ in range(days):
                price *= math.exp(rng.gauss(0.0004, vol))
                path.append(price)
            self._daily[symbol] = path

    def at(self, symbol: str, day_index: int) -> Decimal:
        noisy = self._daily[symbol][day_index] * (1 + self._rng.uniform(-0.01, 0.01))
        return Decimal(f"{noisy:.10g}")


class _Generator:
    def __init__(self, seed: int, n: int, any_hour: bool = False) -> None:
        self.rng = random.Random(seed)
        self.n = n
        self.seconds_per_day = 24 * 3600 if any_hour else 23 * 3600
        self.days = (END - START).days + 1
        self.prices = _Prices(self.rng, self.days)
        self.cash = ZERO
        self.holdings: dict[str, Decimal] = dict.fromkeys(ASSETS, ZERO)
        self.records: list[Record] = []

    # -- timing -------------------------------------------------------------------------
    def timestamps(self) -> list[tuple[int, datetime]]:
        """n distinct (day index, UTC timestamp) pairs, sorted, clustered on active days."""
        active = sorted(self.rng.sample(range(self.days), k=min(self.days, max(1, self.n // 3))))
        seen: set[tuple[int, int]] = set()
        while len(seen) < self.n:
            seen.add((self.rng.choice(active), self.rng.randrange(self.seconds_per_day)))
        base = datetime(START.year, START.month, START.day, tzinfo=UTC)
        return [(d, base + timedelta(days=d, seconds=s)) for d, s in sorted(seen)]

    # -- helpers ------------------------------------------------------------------------
    def _pick_asset(self, focus: str, candidates: list[str]) -> str:
        if focus in candidates and self.rng.random() < 0.6:
            return focus
        weights = [ASSETS[a][2] for a in candidates]
        return self.rng.choices(candidates, weights=weights)[0]

    def _spend(self) -> Decimal:
        return _gbp(Decimal(f"{math.exp(self.rng.uniform(math.log(20), math.log(5000))):.2f}"))

    def _emit(self, **fields: object) -> None:
        self.records.append(Record(seq=len(self.records) + 1, **fields))  # type: ignore[arg-type]

    # -- one transaction of each kind; each returns False if it could not happen ----------
    def deposit(self, ts: datetime, at_least: Decimal = ZERO) -> bool:
        amount = max(_gbp(Decimal(self.rng.randrange(500, 20000))), _gbp(at_least) + 500)
        self.cash += amount
        self._emit(
            kind=Kind.DEPOSIT,
            timestamp=ts,
            buy_asset=GBP,
            buy_quantity=amount,
            buy_value_gbp=amount,
        )
        return True

    def buy(self, ts: datetime, day: int, focus: str) -> bool:
        asset = self._pick_asset(focus, list(ASSETS))
        spend = self._spend()
        fee = _fee(spend)
        if self.cash < spend + fee:
            return self.deposit(ts, at_least=spend + fee - self.cash)
        qty = _qty(spend / self.prices.at(asset, day))
        if qty <= 0:
            return False
        self.cash -= spend + fee
        self.holdings[asset] += qty
        self._emit(
            kind=Kind.BUY,
            timestamp=ts,
            buy_asset=asset,
            buy_quantity=qty,
            buy_value_gbp=spend,
            sell_asset=GBP,
            sell_quantity=spend,
            sell_value_gbp=spend,
            fee_gbp=fee,
        )
        return True

    def _sell_quantity(self, asset: str) -> Decimal:
        held = self.holdings[asset]
        if self.rng.random() < 0.3:
            return held
        return min(held, _qty(held * Decimal(f"{self.rng.uniform(0.05, 0.8):.6f}")))

    def _held(self) -> list[str]:
        return [a for a, q in self.holdings.items() if q > 0]

    def sell(self, ts: datetime, day: int, focus: str) -> bool:
        held = self._held()
        if not held:
            return False
        asset = self._pick_asset(focus, held)
        qty = self._sell_quantity(asset)
        value = _gbp(qty * self.prices.at(asset, day))
        if qty <= 0 or value < PENNY:
            return False
        fee = _fee(value)
        self.holdings[asset] -= qty
        self.cash += value - fee
        self._emit(
            kind=Kind.SELL,
            timestamp=ts,
            buy_asset=GBP,
            buy_quantity=value,
            buy_value_gbp=value,
            sell_asset=asset,
            sell_quantity=qty,
            sell_value_gbp=value,
            fee_gbp=fee,
        )
        return True

    def trade(self, ts: datetime, day: int, focus: str) -> bool:
        held = self._held()
        if not held:
            return False
        sold = self._pick_asset(focus, held)
        bought = self.rng.choice([a for a in ASSETS if a != sold])
        qty = self._sell_quantity(sold)
        value = _gbp(qty * self.prices.at(sold, day))
        got = _qty(value / self.prices.at(bought, day)) if value > 0 else ZERO
        if qty <= 0 or value < 1 or got <= 0:
            return False
        fee = _fee(value)
        if fee > self.cash:
            fee = ZERO
        self.holdings[sold] -= qty
        self.holdings[bought] += got
        self.cash -= fee
        self._emit(
            kind=Kind.TRADE,
            timestamp=ts,
            buy_asset=bought,
            buy_quantity=got,
            buy_value_gbp=value,
            sell_asset=sold,
            sell_quantity=qty,
            sell_value_gbp=value,
            fee_gbp=fee,
        )
        return True

    def staking(self, ts: datetime, day: int, focus: str) -> bool:
        stakeable = [a for a, spec in ASSETS.items() if spec[3]]
        held = [a for a in stakeable if self.holdings[a] > 0]
        asset = self._pick_asset(focus, held or stakeable)
        price = self.prices.at(asset, day)
        qty = _qty(self.holdings[asset] * Decimal(f"{self.rng.uniform(0.0002, 0.002):.6f}"))
        if _gbp(qty * price) < PENNY:
            qty = _qty(Decimal(f"{self.rng.uniform(0.5, 20):.2f}") / price)
        value = _gbp(qty * price)
        if qty <= 0 or value < PENNY:
            return False
        self.holdings[asset] += qty
        self._emit(
            kind=Kind.STAKING, timestamp=ts, buy_asset=asset, buy_quantity=qty, buy_value_gbp=value
        )
        return True

    def run(self) -> list[Record]:
        focus_by_day: dict[int, str] = {}
        symbols = list(ASSETS)
        weights = [ASSETS[a][2] for a in symbols]
        kinds = list(KIND_WEIGHTS)
        kind_weights = list(KIND_WEIGHTS.values())
        for i, (day, ts) in enumerate(self.timestamps()):
            if i == 0:
                self.deposit(ts, at_least=Decimal(10000))
                continue
            focus = focus_by_day.setdefault(day, self.rng.choices(symbols, weights=weights)[0])
            kind = self.rng.choices(kinds, weights=kind_weights)[0]
            done = False
            if kind is Kind.DEPOSIT:
                done = self.deposit(ts)
            elif kind is Kind.SELL:
                done = self.sell(ts, day, focus)
            elif kind is Kind.TRADE:
                done = self.trade(ts, day, focus)
            elif kind is Kind.STAKING:
                done = self.staking(ts, day, focus)
            if not done:
                done = self.buy(ts, day, focus)
            if not done:
                self.deposit(ts)
        return self.records


def generate(seed: int = 1, n: int = 100_000, *, any_hour: bool = False) -> list[Record]:
    """The deterministic history for (seed, n): exactly ``n`` records, in time order."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return _Generator(seed, n, any_hour).run()
