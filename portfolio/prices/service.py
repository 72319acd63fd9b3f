"""The price service: "price of asset A in currency C at time t", with its source.

Kraken's public OHLC returns only the 720 most recent bars of an interval, so:
- within the last 720 hours, the hourly bar of the moment gives that hour's volume-weighted
  average price (when the hour had trades);
- within the last 720 days a daily bar (one call caches up to 720 days of a pair) gives the
  day's volume-weighted average price (its close when the day had no trades);
- older days come from public Trades: the volume-weighted average of the trades from 00:00 UTC
  that day (up to 1,000 prints, one call per pair and day), cached as a point (interval 0);
- a pair with no trades on that day takes the next day with trades, within a week, and says so;
- for charts (`coarse=True`) a day older than 720 days takes its week's bar (720 weekly bars
  reach back almost 14 years), so a chart of years of history costs two calls per pair.
Everything fetched is cached in PriceQuote rows, so a price is fetched from Kraken once. The
public client paces itself to Kraken's public limit (about one call per second).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from portfolio.accounting.valuation import Price, PriceNotFound
from portfolio.kraken import KrakenPublicClient
from portfolio.prices.models import PriceQuote
from portfolio.prices.routes import Route, find_route

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
HOURLY = 60
DAILY = 1440
WEEKLY = 10080
TRADES = 0
OHLC_DEPTH_DAYS = 719  # the newest 720 bars, less the still-open candle
OHLC_DEPTH_HOURS = 719
LOOKAHEAD = timedelta(days=7)


def _day_start(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


class _PairCache:
    """Every cached quote of one pair, by interval, sorted by bar start; loaded once."""

    def __init__(self, pair_id: str) -> None:
        rows: dict[int, list[PriceQuote]] = {HOURLY: [], DAILY: [], WEEKLY: [], TRADES: []}
        for quote in PriceQuote.objects.filter(pair_id=pair_id).order_by("time"):
            rows.setdefault(quote.interval, []).append(quote)
        self.rows = rows
        self.starts = {interval: [q.time for q in quotes] for interval, quotes in rows.items()}

    def _at_or_after(self, interval: int, moment: datetime) -> PriceQuote | None:
        index = bisect.bisect_left(self.starts[interval], moment)
        return self.rows[interval][index] if index < len(self.rows[interval]) else None

    def _containing(self, interval: int, moment: datetime) -> PriceQuote | None:
        index = bisect.bisect_right(self.starts[interval], moment) - 1
        return self.rows[interval][index] if index >= 0 else None

    def hourly(self, hour: datetime) -> tuple[Decimal, str] | None:
        bar = self._at_or_after(HOURLY, hour)
        if bar is None or bar.time != hour or bar.vwap <= 0:
            return None  # no trade in that hour: the day's price stands in
        return bar.vwap, f"hourly VWAP {hour:%Y-%m-%d %H:%M} UTC"

    def daily(self, day: datetime) -> tuple[Decimal, str] | None:
        bar = self._at_or_after(DAILY, day)
        if bar is None or bar.time != day:
            return None
        kind = "VWAP" if bar.vwap > 0 else "close"
        return (bar.vwap if bar.vwap > 0 else bar.close), f"daily {kind} {day:%Y-%m-%d}"

    def trades(self, day: datetime) -> tuple[Decimal, str] | None:
        point = self._at_or_after(TRADES, day)
        if point is None or point.time >= day + LOOKAHEAD:
            return None
        if point.time == day:
            return point.vwap, f"trades VWAP {day:%Y-%m-%d}"
        return point.vwap, f"trades VWAP {point.time:%Y-%m-%d}, the first day after with trades"

    def weekly(self, day: datetime) -> tuple[Decimal, str] | None:
        bar = self._containing(WEEKLY, day)
        if bar is None or day >= bar.time + WEEK:
            return None
        value = bar.vwap if bar.vwap > 0 else bar.close
        return value, f"weekly VWAP, week of {bar.time:%Y-%m-%d}"


def pair_table(pairs: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    """{(base, quote): pair_id} from (pair_id, base, quote); dark-pool pairs left out."""
    table: dict[tuple[str, str], str] = {}
    for pair_id, base, quote in sorted(pairs):
        if not pair_id.endswith(".d"):
            table.setdefault((base, quote), pair_id)
    return table


class PriceService:
    """A PriceSource over Kraken's public data. `coarse=True` (for charts) settles for the
    weekly bar where no daily bar is available, instead of a Trades call per day."""

    def __init__(
        self,
        *,
        public: KrakenPublicClient,
        now: Callable[[], datetime] = timezone.now,
        coarse: bool = False,
        pairs: dict[tuple[str, str], str] | None = None,
    ) -> None:
        self._public = public
        self._now = now
        self.coarse = coarse
        # Pairs already synced from AssetPairs spare the call, so a rebuild with every price
        # cached needs no network at all.
        self._pairs: dict[tuple[str, str], str] | None = pairs or None
        self._cache: dict[str, _PairCache] = {}
        self._fetched: set[tuple[str, int]] = set()
        self._memo: dict[tuple[str, datetime], tuple[Decimal, str]] = {}
        self._memo_hours: dict[tuple[str, datetime], tuple[Decimal, str] | None] = {}

    def pairs(self) -> dict[tuple[str, str], str]:
        """Tradable pairs by (base, quote) in normalised codes; dark-pool pairs left out."""
        if self._pairs is None:
            self._pairs = pair_table(
                (pair_id, pair.base, pair.quote)
                for pair_id, pair in self._public.asset_pairs().items()
            )
        return self._pairs

    def route(self, asset: str, quote: str) -> Route | None:
        return find_route(self.pairs(), asset, quote)

    def price(self, asset: str, quote: str, at: datetime) -> Price:
        route = self.route(asset, quote)
        if route is None:
            raise PriceNotFound(asset, quote, at)
        value, sources = Decimal(1), []
        for leg in route.legs:
            pair_price, source = self.pair_price(leg.pair_id, at)
            if leg.inverted:
                value /= pair_price
                sources.append(f"1/({source})")
            else:
                value *= pair_price
                sources.append(source)
        return Price(value=value, source=" × ".join(sources) or f"{asset} = {quote}")

    def pair_price(self, pair_id: str, at: datetime) -> tuple[Decimal, str]:
        """The pair's price in the hour of `at` when Kraken has that hour's bar (its last 720
        hours), else on the UTC day of `at`; fetched once and cached."""
        if not self.coarse:
            found = self._hour_price(pair_id, at)
            if found is not None:
                return found
        day = _day_start(at)
        key = (pair_id, day)
        if key not in self._memo:
            found = self._lookup(pair_id, day)
            if found is None:
                raise PriceNotFound(pair_id, "", at)
            value, where = found
            self._memo[key] = (value, f"Kraken {pair_id} {where}")
        return self._memo[key]

    def _hour_price(self, pair_id: str, at: datetime) -> tuple[Decimal, str] | None:
        """A stored hourly bar wins; within Kraken's last 720 hours the bars are fetched once.

        A past hour's bar never changes, so the order of fetching cannot change a price."""
        hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        key = (pair_id, hour)
        if key in self._memo_hours:
            return self._memo_hours[key]
        found = self._pair(pair_id).hourly(hour)
        now = self._now().astimezone(UTC)
        if found is None and hour >= now - timedelta(hours=OHLC_DEPTH_HOURS):
            self._fetch_bars(pair_id, HOURLY)
            found = self._pair(pair_id).hourly(hour)
        result = None if found is None else (found[0], f"Kraken {pair_id} {found[1]}")
        self._memo_hours[key] = result
        return result

    def _pair(self, pair_id: str) -> _PairCache:
        if pair_id not in self._cache:
            self._cache[pair_id] = _PairCache(pair_id)
        return self._cache[pair_id]

    def _lookup(self, pair_id: str, day: datetime) -> tuple[Decimal, str] | None:
        """A stored daily bar wins, then (within Kraken's 720 days) a fetched one, then trades.

        The order never depends on what happened to be fetched first, so a price, once used,
        is the price every later run uses.
        """
        found = self._pair(pair_id).daily(day)
        if found is None and day >= _day_start(self._now()) - timedelta(days=OHLC_DEPTH_DAYS):
            self._fetch_bars(pair_id, DAILY)
            found = self._pair(pair_id).daily(day)
        if found is None:
            found = self._pair(pair_id).trades(day)
        if found is None and self.coarse:
            self._fetch_bars(pair_id, WEEKLY)
            found = self._pair(pair_id).weekly(day)
        if found is None:
            self._fetch_trades_day(pair_id, day)
            found = self._pair(pair_id).trades(day)
        return found

    def _fetch_bars(self, pair_id: str, interval: int) -> None:
        """Cache every bar Kraken serves for the interval (its newest 720), once per service."""
        if (pair_id, interval) in self._fetched:
            return
        self._fetched.add((pair_id, interval))
        bars, _last = self._public.ohlc(pair_id, interval=interval)
        committed = bars[:-1]  # the last bar is the still-open candle
        _store(
            [
                PriceQuote(
                    pair_id=pair_id,
                    interval=interval,
                    time=bar.time,
                    open=bar.open,
                    high=bar.high,
                    low=bar.low,
                    close=bar.close,
                    vwap=bar.vwap,
                    volume=bar.volume,
                )
                for bar in committed
            ]
        )
        self._cache.pop(pair_id, None)

    def _fetch_trades_day(self, pair_id: str, day: datetime) -> None:
        """One Trades call from 00:00 UTC of `day`; caches a VWAP for every day it covers.

        A day is covered when the reply reaches past it (a later print exists), so its
        prints are complete; the last day of the reply may be partial and is cached only if it
        is the requested day. On quiet pairs one call thus prices weeks of history.
        """
        since = str(int(day.timestamp()) * 1_000_000_000)
        trades, _last = self._public.recent_trades(pair_id, since=since, count=1000)
        if not trades:
            return
        by_day: dict[datetime, list] = {}
        for trade in trades:
            by_day.setdefault(_day_start(trade.time), []).append(trade)
        days = sorted(by_day)
        last_day = days[-1]
        # Complete days (the reply reaches past them), the requested day itself, and, when the
        # requested day had no print, the first day after it that did: every point is a whole
        # UTC day at midnight, and the first value stored for a day is the one kept.
        wanted = {d for d in days if d < last_day or d == day}
        if day not in by_day and days[0] < day + LOOKAHEAD:
            wanted.add(days[0])
        rows = [_trades_point(pair_id, d, by_day[d]) for d in sorted(wanted)]
        _store(rows)
        self._cache.pop(pair_id, None)


def _trades_point(pair_id: str, time: datetime, prints: list) -> PriceQuote:
    volume = sum((t.volume for t in prints), Decimal(0))
    if volume > 0:
        vwap = sum((t.price * t.volume for t in prints), Decimal(0)) / volume
    else:
        vwap = prints[0].price
    prices = [t.price for t in prints]
    return PriceQuote(
        pair_id=pair_id,
        interval=TRADES,
        time=time,
        open=prices[0],
        high=max(prices),
        low=min(prices),
        close=prices[-1],
        vwap=vwap.quantize(Decimal("1e-10")),
        volume=volume,
    )


def _store(rows: list[PriceQuote]) -> None:
    """Insert what is not cached yet; concurrent fetchers of the same bars are harmless."""
    if not rows:
        return
    try:
        with transaction.atomic():
            PriceQuote.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # pragma: no cover - ignore_conflicts covers supported databases
        pass
