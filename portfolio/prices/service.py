"""The value of an asset at a moment: one rule over the stored market data, and nothing else.

The rule (README, "How the numbers are made", states the same):

1. Only stored data counts. The price of one unit of an asset in a currency at a moment is computed
   from the completed Kraken candles in the shared price store (``PriceQuote``) and the prices the
   user entered by hand, never from what a cache happens to hold, the order in which prices were
   asked for, or the day of the computation (no clock is read here). A candle is stored only once
   its period has ended and is never changed, so a price for a completed period never changes, and
   two installations that stored the same candles give the same numbers.
2. Route. The pair itself (base/quote), else its inverse (1/price), else a cross rate through USD,
   then EUR, then BTC (asset/pivot x pivot/quote, each leg by this rule). The first route whose
   every leg has a price wins.
3. One pair at a moment t: Kraken's intervals are tried finest first, 1, 5, 15, 30, 60, 240, 720,
   1440 and 10080 minutes (candles start at multiples of their length since the Unix epoch, as
   Kraken's do). For an interval, the stored candle that contains t gives its close (the last
   traded price of that candle); if none does (no trade in it), the candle just before it, which
   ended at the start of the containing one, gives its close (the last trade before t). The first
   interval that has either is used.
4. No interval has either (no trade for a while, or the period not stored): the nearest earlier
   candle of any interval, the one that ended last at or before t, if it ended no more than
   7 days before t (a tie goes to the finer interval); its close is the price.
   Steps 3 (the candle before) and 4 need stored data past the moment: some candle of the pair
   that ends after t. Until then t has no price from that pair (t may not have happened yet,
   or its data is not stored yet), so a price never rests on data that was merely not fetched.
   One exception, the valuation moment itself (the ``as_of`` a computation is made for, given
   to the source, never read from a clock): nothing can be stored past it, so step 4 alone
   prices it, marked "latest known" (the holdings' value "now"). A later moment, such as the
   end of a day still running, keeps the rule: no price yet.
5. Nothing within 7 days on any route: a price the user entered by hand for exactly that asset
   and currency at or before t, within the same 7 days. Otherwise there is no price: the engine
   lists the asset and the moment as a problem ("missing_price") and the leg counts as zero in
   the totals, flagged, never silently; entering a price by hand (page or ``prices_set``) fixes it.

Each price carries its source: the pair, the interval, the candle's start time, where the candle
came from (Kraken's OHLC API, an OHLCVT file, public Trades) and which rule step chose it.
Trades quoted in a fiat currency keep their executed price; the engine never asks for those.

How candles get into the store, and at what cost in calls, is ``portfolio.prices.fill`` (Kraken's
OHLC API, bounded by pairs x intervals) and ``portfolio.prices.ohlcvt`` (Kraken's downloadable
OHLCVT files, no calls at all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import Max, Min

from portfolio.accounting.valuation import Price, PriceNotFound
from portfolio.prices.models import ManualPrice, PriceQuote
from portfolio.prices.routes import Route, find_routes

#: Kraken's candle lengths in minutes, finest first (OHLCVT files carry 1 to 1440; the API 10080).
INTERVALS = (1, 5, 15, 30, 60, 240, 720, 1440, 10080)
#: Candles of these lengths are few (a pair's whole history fits in memory); finer ones are queried.
PRELOADED = (1440, 10080)
WINDOW = timedelta(days=7)
_SCAN = 3000  # rows read at most by one look back (then one query per interval)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def candle_start(at: datetime, interval: int) -> datetime:
    """Start of the candle of ``interval`` minutes that contains ``at``."""
    seconds = int((at - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=seconds - seconds % (interval * 60))


@dataclass(frozen=True, slots=True)
class Candle:
    interval: int
    time: datetime
    close: Decimal
    source: str

    @property
    def end(self) -> datetime:
        return self.time + timedelta(minutes=self.interval)

    def describe(self, pair: str, how: str) -> str:
        return (
            f"Kraken {pair} {self.interval}m candle {self.time:%Y-%m-%d %H:%M} UTC close"
            f" ({self.source}{', ' + how if how else ''})"
        )


def pair_table(pairs: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    """{(base, quote): pair name} from (name, base, quote); dark-pool pairs left out."""
    table: dict[tuple[str, str], str] = {}
    for name, base, quote in sorted(pairs):
        if not name.endswith(".d"):
            table.setdefault((base, quote), name)
    return table


class _PairStore:
    """Read-only access to the stored candles of one pair (no network, no clock)."""

    def __init__(self, pair: str) -> None:
        self.pair = pair
        rows = PriceQuote.objects.filter(pair=pair).values_list(
            "interval", "time", "close", "source"
        )
        self.spans: dict[int, tuple[datetime, datetime]] = {}
        self.coarse: dict[tuple[int, datetime], Candle] = {}
        self.coarse_sorted: dict[int, list[Candle]] = {i: [] for i in PRELOADED}
        for interval, time, close, source in rows.filter(interval__in=PRELOADED).order_by("time"):
            candle = Candle(interval, time, close, source)
            self.coarse[(interval, time)] = candle
            self.coarse_sorted[interval].append(candle)
        spans = (
            rows.exclude(interval__in=PRELOADED)
            .values("interval")
            .annotate(first=Min("time"), last=Max("time"))
        )
        for row in spans.order_by():
            self.spans[row["interval"]] = (row["first"], row["last"])
        for interval, candles in self.coarse_sorted.items():
            if candles:
                self.spans[interval] = (candles[0].time, candles[-1].time)
        self.data_end = max(
            (last + timedelta(minutes=i) for i, (_first, last) in self.spans.items()),
            default=EPOCH,
        )

    def _covers(self, interval: int, start: datetime, slack: timedelta = timedelta(0)) -> bool:
        span = self.spans.get(interval)
        return span is not None and span[0] <= start <= span[1] + slack

    def containing(self, at: datetime) -> tuple[Candle, str] | None:
        """Step 3: the finest interval with the candle containing ``at`` or the one before it."""
        keys = []
        seconds = int((at - EPOCH).total_seconds())
        for i in INTERVALS:
            span = self.spans.get(i)
            if span is None:  # most pairs store a few intervals: skip the others at no cost
                continue
            length = timedelta(minutes=i)
            start = EPOCH + timedelta(seconds=seconds - seconds % (i * 60))
            if span[0] <= start <= span[1] + length:
                keys.append((i, start, start - length))
        fine = {t for i, start, before in keys if i not in PRELOADED for t in (start, before)}
        found: dict[tuple[int, datetime], Candle] = {}
        if fine:
            rows = PriceQuote.objects.filter(
                pair=self.pair, time__in=fine, interval__lt=min(PRELOADED)
            ).values_list("interval", "time", "close", "source")
            found = {(i, t): Candle(i, t, c, s) for i, t, c, s in rows}
        for i, start, before in keys:
            candle = found.get((i, start)) or self.coarse.get((i, start))
            if candle is not None:
                return candle, ""
            candle = found.get((i, before)) or self.coarse.get((i, before))
            if candle is not None:
                return candle, "the candle before, none traded in the moment's"
        return None

    def earlier(self, at: datetime) -> Candle | None:
        """The candle that ended last at or before ``at``, within WINDOW (ties: finer first)."""
        covered = [
            i
            for i in INTERVALS
            if self._covers(i, at - timedelta(minutes=i) - WINDOW, WINDOW + timedelta(minutes=i))
        ]
        found = self._latest_fine([i for i in covered if i not in PRELOADED], at)
        for interval in (i for i in covered if i in PRELOADED):
            found[interval] = self._latest_starting_by(interval, at - timedelta(minutes=interval))
        best: Candle | None = None
        for interval in INTERVALS:  # finest first, so a tie keeps the finer candle
            candle = found.get(interval)
            if candle is None or candle.end < at - WINDOW:
                continue
            if best is None or candle.end > best.end:
                best = candle
        return best

    def _latest_fine(self, intervals: list[int], at: datetime) -> dict[int, Candle | None]:
        """Per fine interval, its latest candle ending at or before ``at`` (one query mostly)."""
        if not intervals:
            return {}
        rows = (
            PriceQuote.objects.filter(
                pair=self.pair,
                interval__in=intervals,
                time__gte=at - WINDOW - timedelta(minutes=max(intervals)),
                time__lt=at,
            )
            .order_by("-time")
            .values_list("interval", "time", "close", "source")[:_SCAN]
        )
        found: dict[int, Candle | None] = {}
        scanned = 0
        for interval, time, close, source in rows:
            scanned += 1
            if interval not in found and time + timedelta(minutes=interval) <= at:
                found[interval] = Candle(interval, time, close, source)
        if scanned == _SCAN:  # a dense stretch: ask the intervals not seen one by one
            for interval in intervals:
                if interval not in found:
                    found[interval] = self._latest_starting_by(
                        interval, at - timedelta(minutes=interval)
                    )
        return found

    def _latest_starting_by(self, interval: int, latest_start: datetime) -> Candle | None:
        if interval in PRELOADED:
            candles = self.coarse_sorted[interval]
            lo, hi = 0, len(candles)
            while lo < hi:
                mid = (lo + hi) // 2
                if candles[mid].time <= latest_start:
                    lo = mid + 1
                else:
                    hi = mid
            return candles[lo - 1] if lo else None
        row = (
            PriceQuote.objects.filter(pair=self.pair, interval=interval, time__lte=latest_start)
            .order_by("-time")
            .values_list("interval", "time", "close", "source")
            .first()
        )
        return Candle(*row) if row else None


class StoredPrices:
    """The PriceSource of the accounting engine over the shared store: the rule above, exactly.

    ``pairs`` is {(base, quote): pair altname}; ``user`` (optional) adds that user's manual prices;
    ``as_of`` (optional) is the valuation moment (the exception in step 4).
    """

    def __init__(
        self, *, pairs: dict[tuple[str, str], str], user=None, as_of: datetime | None = None
    ) -> None:
        self._pairs = pairs
        self._user = user
        self._as_of = as_of
        self._stores: dict[str, _PairStore] = {}
        self._routes: dict[tuple[str, str], list[Route]] = {}
        self._descriptions: dict[tuple[str, int, datetime, str], tuple[Decimal, str]] = {}
        self._memo: dict[tuple[str, datetime], tuple[Decimal, str] | None] = {}
        self._manuals: dict[tuple[str, str], list[tuple[datetime, Decimal]]] | None = None

    def routes(self, asset: str, quote: str) -> list[Route]:
        key = (asset, quote)
        if key not in self._routes:  # the pair table is fixed for this source: routes are too
            self._routes[key] = find_routes(self._pairs, asset, quote)
        return self._routes[key]

    def price(self, asset: str, quote: str, at: datetime) -> Price:
        at = at.astimezone(UTC)
        for route in self.routes(asset, quote):
            found = self._route_price(route, at)
            if found is not None:
                return found
        manual = self._manual(asset, quote, at)
        if manual is not None:
            return manual
        raise PriceNotFound(asset, quote, at)

    def _route_price(self, route: Route, at: datetime) -> Price | None:
        if not route.legs:
            return Price(Decimal(1), f"{route.asset} = {route.quote}")
        value, sources = Decimal(1), []
        for leg in route.legs:
            found = self.pair_price(leg.pair_id, at)
            if found is None:
                return None
            if leg.inverted:
                value /= found[0]
                sources.append(f"1/({found[1]})")
            else:
                value *= found[0]
                sources.append(found[1])
        return Price(value=value, source=" × ".join(sources))

    def pair_price(self, pair: str, at: datetime) -> tuple[Decimal, str] | None:
        """(close, source) by steps 3 and 4 of the rule, or None."""
        key = (pair, at)
        if key not in self._memo:
            store = self._stores.get(pair)
            if store is None:
                store = self._stores[pair] = _PairStore(pair)
            found = store.containing(at)
            candle: Candle | None
            if found is not None:
                candle, how = found
            else:
                candle, how = store.earlier(at), "nearest earlier candle within 7 days"
            if how and store.data_end <= at:
                if self._as_of is not None and at == self._as_of:  # the valuation moment
                    candle, how = store.earlier(at), "latest known at the valuation moment"
                else:
                    candle = None  # nothing stored past the moment: it may not have happened yet
            self._memo[key] = (
                None if candle is None or candle.close <= 0 else self._described(pair, candle, how)
            )
        return self._memo[key]

    def _described(self, pair: str, candle: Candle, how: str) -> tuple[Decimal, str]:
        """(close, source), the text made once per candle: many moments fall in one candle."""
        key = (pair, candle.interval, candle.time, how)
        found = self._descriptions.get(key)
        if found is None:
            found = self._descriptions[key] = (candle.close, candle.describe(pair, how))
        return found

    def _manual(self, asset: str, quote: str, at: datetime) -> Price | None:
        if self._user is None:
            return None
        if self._manuals is None:  # a user's hand-entered prices are few: read them once
            self._manuals = {}
            rows = ManualPrice.objects.filter(user=self._user).order_by("time")
            for a, q, time, price in rows.values_list("asset", "quote", "time", "price"):
                self._manuals.setdefault((a, q), []).append((time, price))
        candidates = [
            (time, price)
            for time, price in self._manuals.get((asset, quote), [])
            if at - WINDOW <= time <= at
        ]
        if not candidates:
            return None
        time, price = candidates[-1]
        return Price(price, f"entered by hand for {asset}/{quote} at {time:%Y-%m-%d %H:%M} UTC")
