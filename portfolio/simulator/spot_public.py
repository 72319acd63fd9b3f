"""Spot public methods (GET /0/public/<Method>): Time, SystemStatus, Assets, AssetPairs, Ticker,
OHLC, Trades.

OHLC rows are aggregated from the public trade tape, so candles and Trades always agree and every
account trade lies inside its candle. Nothing later than the simulator's clock is served: the
clock is the wall clock, or the newest account activity when appended activity runs ahead of it.
OHLC serves, as Kraken does (reference 3.10 and Kraken's "Get OHLC Data" page), only the 720
most recent candles of an interval: ``since`` filters within them and cannot reach older data,
and the still-open current candle is always the last row.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .assets import ASSETS, PAIRS, Pair, fmt, resolve_asset, resolve_pair
from .errors import INVALID_ARGUMENTS, UNKNOWN_ASSET, UNKNOWN_PAIR, KrakenError
from .market import DAY, EPOCH_TS, TICKS, Market
from .tape import Row, Totals, totals_of

INTERVALS = (1, 5, 15, 30, 60, 240, 1440, 10080, 21600)
MAX_CANDLES = 720
MAX_TRADES = 1000
_FEES = [
    [0, 0.26],
    [50000, 0.24],
    [100000, 0.22],
    [250000, 0.2],
    [500000, 0.18],
    [1000000, 0.16],
    [2500000, 0.14],
    [5000000, 0.12],
    [10000000, 0.1],
]
_FEES_MAKER = [
    [0, 0.16],
    [50000, 0.14],
    [100000, 0.12],
    [250000, 0.1],
    [500000, 0.08],
    [1000000, 0.06],
    [2500000, 0.04],
    [5000000, 0.02],
    [10000000, 0],
]
_LEVERAGED = {"XXBTZUSD", "XXBTZEUR", "XETHZUSD", "XETHZEUR"}


@dataclass(frozen=True, slots=True)
class PublicContext:
    market: Market
    now: int  # the simulator's clock in ticks: no print later than this is ever served
    status: str = "online"  # what SystemStatus reports (set through /_sim/status)


SYSTEM_STATES = ("online", "maintenance", "cancel_only", "post_only")


def _pairs(raw: str | None, *, required: bool) -> list[Pair]:
    if raw in (None, ""):
        if required:
            raise KrakenError(INVALID_ARGUMENTS)
        return list(PAIRS.values())
    found = [resolve_pair(name.strip()) for name in raw.split(",")]
    if any(p is None for p in found):
        raise KrakenError(UNKNOWN_PAIR)
    return [p for p in found if p]


def server_time(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    now = int(time.time())
    stamp = dt.datetime.fromtimestamp(now, dt.UTC).strftime("%a, %d %b %y %H:%M:%S +0000")
    return {"unixtime": now, "rfc1123": stamp}


def system_status(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    """Kraken's shape: {"status": "online"|"maintenance"|"cancel_only"|"post_only", "timestamp"}."""
    now = dt.datetime.fromtimestamp(int(time.time()), dt.UTC)
    return {"status": ctx.status, "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ")}


def assets(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    raw = params.get("asset")
    codes = list(ASSETS) if not raw else [resolve_asset(a.strip()) for a in raw.split(",")]
    if any(c is None for c in codes):
        raise KrakenError(UNKNOWN_ASSET)
    return {
        c: {
            "aclass": "currency",
            "altname": ASSETS[c].altname,
            "decimals": ASSETS[c].decimals,
            "display_decimals": ASSETS[c].display_decimals,
            "collateral_value": float(ASSETS[c].collateral_value),
            "status": "enabled",
        }
        for c in codes
        if c
    }


def _pair_info(p: Pair) -> dict[str, Any]:
    leverage = [2, 3, 4, 5] if p.id in _LEVERAGED else []
    return {
        "altname": p.altname,
        "wsname": p.wsname,
        "aclass_base": "currency",
        "base": p.base,
        "aclass_quote": "currency",
        "quote": p.quote,
        "lot": "unit",
        "cost_decimals": p.cost_decimals,
        "pair_decimals": p.pair_decimals,
        "lot_decimals": p.lot_decimals,
        "lot_multiplier": 1,
        "leverage_buy": leverage,
        "leverage_sell": leverage,
        "fees": _FEES,
        "fees_maker": _FEES_MAKER,
        "fee_volume_currency": "ZUSD",
        "margin_call": 80,
        "margin_stop": 40,
        "ordermin": p.ordermin,
        "costmin": "0.5" if p.quote.startswith("Z") else "0.00002",
        "tick_size": fmt(p.tick, p.pair_decimals),
        "status": "online",
        "long_position_limit": 1100,
        "short_position_limit": 400,
    }


def asset_pairs(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    return {p.id: _pair_info(p) for p in _pairs(params.get("pair"), required=False)}


def ticker(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    return {p.id: _ticker(ctx, p) for p in _pairs(params.get("pair"), required=False)}


def _ticker(ctx: PublicContext, p: Pair) -> dict[str, Any]:
    now = ctx.now
    day_start = (now // TICKS - EPOCH_TS) // DAY * DAY + EPOCH_TS
    both = ctx.market.rows_between(p, now - DAY * TICKS, now + 1, now)
    today = [r for r in both if r[0] >= day_start * TICKS]
    price = lambda units: fmt(Decimal(units).scaleb(-p.pair_decimals), p.pair_decimals)  # noqa: E731
    volume = lambda rows: fmt(  # noqa: E731
        Decimal(sum(r[2] for r in rows)).scaleb(-p.lot_decimals), p.lot_decimals
    )
    last = (today or both)[-1]
    low = lambda rows: price(min(r[1] for r in rows)) if rows else price(last[1])  # noqa: E731
    high = lambda rows: price(max(r[1] for r in rows)) if rows else price(last[1])  # noqa: E731
    return {
        "a": [price(last[1] + 1), "1", "1.000"],
        "b": [price(last[1]), "1", "1.000"],
        "c": [price(last[1]), fmt(Decimal(last[2]).scaleb(-p.lot_decimals), p.lot_decimals)],
        "v": [volume(today), volume(both)],
        "p": [_vwap(p, today), _vwap(p, both)],
        "t": [len(today), len(both)],
        "l": [low(today), low(both)],
        "h": [high(today), high(both)],
        "o": price(today[0][1]) if today else price(last[1]),
    }


def _vwap(p: Pair, rows: list[Row]) -> str:
    return _vwap_of(p, totals_of(rows))


def _vwap_of(p: Pair, totals: Totals | None) -> str:
    if totals is None or not totals.volume:
        return fmt(Decimal(0), p.pair_decimals)
    value = (Decimal(totals.pv) / Decimal(totals.volume)).scaleb(-p.pair_decimals)
    return fmt(value, p.pair_decimals)


def _int_param(raw: str | None, default: int | None) -> int | None:
    if raw in (None, ""):
        return default
    try:
        return int(Decimal(raw))
    except ArithmeticError:
        raise KrakenError(INVALID_ARGUMENTS) from None


def ohlc(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    """The newest 720 candles up to the clock, the still-open one last (only candles with
    trades); ``since`` filters within them and cannot reach older data."""
    (pair,) = _one_pair(params)
    interval = _int_param(params.get("interval"), 1)
    if interval not in INTERVALS:
        raise KrakenError(INVALID_ARGUMENTS)
    width = interval * 60
    since = _int_param(params.get("since"), None)
    current = ctx.now // TICKS // width * width  # the still-open candle
    first = current - (MAX_CANDLES - 1) * width  # older data is out of reach, whatever `since`
    if since is not None:
        first = max(first, (since // width + 1) * width)
    if first > current:
        first = current  # the open candle is present regardless
    candles = [_candle(pair, start, totals) for start, totals in _spans(ctx, pair, first, width)]
    last = candles[-1][0] if candles else (since or 0)
    return {pair.id: candles, "last": last}


def _spans(ctx: PublicContext, pair: Pair, first: int, width: int):
    """(start, totals) of each candle from ``first`` up to the clock that saw a print."""
    if width >= DAY:  # whole days: from the days' totals, kept once computed
        start = max(first, EPOCH_TS // width * width)
        while start * TICKS <= ctx.now:
            day0 = (start - EPOCH_TS) // DAY
            found = None
            for day in range(day0, day0 + width // DAY):
                totals = ctx.market.day_totals(pair, day, ctx.now)
                if totals is not None:
                    found = totals if found is None else found.merge(totals)
            if found is not None:
                yield start, found
            start += width
        return
    rows = ctx.market.rows_between(pair, first * TICKS, ctx.now + 1, ctx.now)
    index = 0
    while index < len(rows):
        start = rows[index][0] // TICKS // width * width
        stop = bisect.bisect_left(rows, ((start + width) * TICKS,), index)
        yield start, totals_of(rows[index:stop])
        index = stop


def _candle(pair: Pair, start: int, t: Totals) -> list[Any]:
    p = lambda units: fmt(Decimal(units).scaleb(-pair.pair_decimals), pair.pair_decimals)  # noqa: E731
    return [
        start,
        p(t.open),
        p(t.high),
        p(t.low),
        p(t.close),
        _vwap_of(pair, t),
        fmt(Decimal(t.volume).scaleb(-pair.lot_decimals), pair.lot_decimals),
        t.count,
    ]


def _one_pair(params: dict[str, str]) -> list[Pair]:
    found = _pairs(params.get("pair"), required=True)
    if len(found) != 1:
        raise KrakenError(INVALID_ARGUMENTS)
    return found


def trades(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    """Prints after ``since`` (nanoseconds, or seconds when small), at most ``count`` (<= 1000),
    never later than the clock; without ``since`` the newest ``count``."""
    (pair,) = _one_pair(params)
    count = _int_param(params.get("count"), MAX_TRADES)
    since = _int_param(params.get("since"), None)
    if count is None or not 1 <= count <= MAX_TRADES:
        raise KrakenError(INVALID_ARGUMENTS)
    if since is None:
        chosen = _newest(ctx, pair, count)
    else:
        since_ticks = since // 100_000 if since > 10**12 else since * TICKS
        chosen = _after(ctx, pair, since_ticks, count)
    out = [
        [
            fmt(Decimal(r[1]).scaleb(-pair.pair_decimals), pair.cost_decimals),
            fmt(Decimal(r[2]).scaleb(-pair.lot_decimals), pair.lot_decimals),
            r[0] / TICKS,
            r[3],
            r[4],
            "",
            r[5],
        ]
        for r in chosen
    ]
    last = str(chosen[-1][0] * 100_000) if chosen else str(since or 0)
    return {pair.id: out, "last": last}


def _after(ctx: PublicContext, pair: Pair, since_ticks: int, count: int) -> list[Row]:
    chosen: list[Row] = []
    start = since_ticks + 1
    while len(chosen) < count and start <= ctx.now:
        day_end = ((start // TICKS - EPOCH_TS) // DAY + 1) * DAY + EPOCH_TS
        if day_end <= EPOCH_TS:  # before the market opened: jump to its first day
            start = EPOCH_TS * TICKS
            continue
        chosen += ctx.market.rows_between(pair, start, day_end * TICKS, ctx.now)
        start = day_end * TICKS
    return chosen[:count]


def _newest(ctx: PublicContext, pair: Pair, count: int) -> list[Row]:
    chosen: list[Row] = []
    end = ctx.now + 1
    while len(chosen) < count and end > EPOCH_TS * TICKS:
        start = end - DAY * TICKS
        chosen = ctx.market.rows_between(pair, start, end, ctx.now) + chosen
        end = start
    return chosen[-count:]


PUBLIC: dict[str, Callable[[PublicContext, dict[str, str]], Any]] = {
    "Time": server_time,
    "SystemStatus": system_status,
    "Assets": assets,
    "AssetPairs": asset_pairs,
    "Ticker": ticker,
    "OHLC": ohlc,
    "Trades": trades,
}
