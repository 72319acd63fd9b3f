"""Fill the shared price store from Kraken's public OHLC API, in bulk and with a stated bound.

Kraken's OHLC returns only the newest 720 candles of an interval, so each interval reaches back a
fixed span from now (1 minute: 12 hours; 60 minutes: 30 days; 1440: about two years; 10080: about
fourteen years). For every moment that needs a price, the fill picks the finest interval that still
reaches it; every (pair, interval) picked is fetched once, whatever the number of moments, and all
its completed candles are stored with the span they cover (``PriceCoverage``). A moment inside a
covered span is never fetched again (unless the API now reaches it with a finer interval than
the one that covered it: the plan depends only on the moments and the time of the fill, never on
the order in which moments or pairs were filled).

Bound: a fill makes at most ``len(API_INTERVALS)`` (8) OHLC calls per pair on the moments' routes,
and no call at all when every moment is covered. Kraken's public rate is about one call a second,
so 10 assets priced in USD cost at most 80 calls (about 80 seconds), for any number of events.
Deeper history than the API reaches comes from Kraken's OHLCVT files (``portfolio.prices.ohlcvt``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from portfolio.kraken import KrakenPublicClient
from portfolio.prices.models import PriceCoverage, PriceQuote
from portfolio.prices.routes import find_route
from portfolio.prices.service import candle_start

#: The API intervals a fill may use, finest first (21600 is never finer than 10080 within reach).
API_INTERVALS = (1, 5, 15, 30, 60, 240, 1440, 10080)
DEPTH = 720  # candles per interval the API serves, the still-open one included

Progress = Callable[[int, int, str], None]


@dataclass
class FillReport:
    calls: int = 0
    candles: int = 0
    planned: list[tuple[str, int]] = field(default_factory=list)
    unreachable: list[tuple[str, datetime]] = field(default_factory=list)


def reach(interval: int, now: datetime) -> tuple[datetime, datetime]:
    """[first start, still-open start) of the completed candles the API serves at ``now``."""
    current = candle_start(now, interval)
    return current - timedelta(minutes=interval * (DEPTH - 1)), current


def moments_by_pair(
    needs: Iterable[tuple[str, str, datetime]], pairs: dict[tuple[str, str], str]
) -> dict[str, set[datetime]]:
    """The moments each pair must price: the legs of each need's preferred route."""
    out: dict[str, set[datetime]] = {}
    for asset, quote, at in needs:
        route = find_route(pairs, asset, quote)
        for leg in route.legs if route else ():
            out.setdefault(leg.pair_id, set()).add(at)
    return out


def plan_fill(
    moments: dict[str, set[datetime]],
    *,
    now: datetime,
    report: FillReport,
    finest: int = API_INTERVALS[0],
) -> list[tuple[str, int]]:
    """(pair, interval) to fetch, sorted: per uncovered moment, the finest interval (no finer
    than ``finest``) that reaches it."""
    plan: set[tuple[str, int]] = set()
    usable = [i for i in API_INTERVALS if i >= finest]
    for pair in sorted(moments):
        spans = list(
            PriceCoverage.objects.filter(pair=pair).values_list("start", "end", "interval")
        )
        for at in sorted(moments[pair]):
            interval = next(
                (i for i in usable if reach(i, now)[0] <= candle_start(at, i) < reach(i, now)[1]),
                None,
            )
            if any(s <= at < e and i <= (interval or 10**6) for s, e, i in spans):
                continue  # stored as finely as the API could give it now, or finer
            if interval is None:
                report.unreachable.append((pair, at))
            else:
                plan.add((pair, interval))
    return sorted(plan)


def prices_fill(
    *,
    public: KrakenPublicClient,
    pairs: dict[tuple[str, str], str],
    needs: Iterable[tuple[str, str, datetime]],
    now: datetime,
    progress: Progress | None = None,
    daily_needs: Iterable[tuple[str, str, datetime]] = (),
) -> FillReport:
    """Store the candles the needs call for; calls <= 8 x pairs (see the module's bound).

    ``daily_needs`` (a chart's day-end values) settle for daily or weekly candles."""
    report = FillReport()
    plan = plan_fill(moments_by_pair(needs, pairs), now=now, report=report)
    daily = plan_fill(moments_by_pair(daily_needs, pairs), now=now, report=report, finest=1440)
    plan = sorted(set(plan) | set(daily))
    report.planned = plan
    for done, (pair, interval) in enumerate(plan):
        if progress:
            progress(done, len(plan), f"{pair} {interval}-minute candles")
        report.candles += _fetch(public, pair, interval)
        report.calls += 1
    if progress:
        progress(len(plan), len(plan), "prices stored")
    return report


def _fetch(public: KrakenPublicClient, pair: str, interval: int) -> int:
    bars, _last = public.ohlc(pair, interval=interval)
    if not bars:
        return 0
    current = bars[-1].time  # the still-open candle: never stored
    rows = [
        PriceQuote(
            pair=pair,
            interval=interval,
            time=bar.time,
            open=bar.open,
            high=bar.high,
            low=bar.low,
            close=bar.close,
            vwap=bar.vwap,
            volume=bar.volume,
            trades=bar.count,
            source=PriceQuote.Source.API,
        )
        for bar in bars[:-1]
    ]
    with transaction.atomic():
        PriceQuote.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        PriceCoverage.objects.create(
            pair=pair,
            interval=interval,
            start=current - timedelta(minutes=interval * (DEPTH - 1)),
            end=current,
            source=PriceQuote.Source.API,
        )
    return len(rows)
