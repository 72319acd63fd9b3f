"""Spot public methods (GET /0/public/<Method>): Time, SystemStatus, Assets, AssetPairs, Ticker,
OHLC, Trades.

OHLC rows are aggregated from the public trade tape, so candles and Trades always agree and every
account trade lies inside its candle. OHLC serves, as Kraken does (reference 3.10 and Kraken's
"Get OHLC Data" page), only the 720 most recent candles of an interval: ``since`` filters within
them and cannot reach older data, and the still-open current candle is always the last row.
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
from .market import DAY, EPOCH_TS, TICKS, Market, TapeTrade

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
    last_day: int
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
    day = ctx.last_day
    today = ctx.market.day_prints(p, day, ctx.last_day)
    both = ctx.market.day_prints(p, day - 1, ctx.last_day) + today
    price = lambda v: fmt(v, p.pair_decimals)  # noqa: E731
    volume = lambda rows: fmt(sum((t.volume for t in rows), Decimal(0)), p.lot_decimals)  # noqa: E731
    last = today[-1]
    return {
        "a": [price(last.price + p.tick), "1", "1.000"],
        "b": [price(last.price), "1", "1.000"],
        "c": [price(last.price), fmt(last.volume, p.lot_decimals)],
        "v": [volume(today), volume(both)],
        "p": [price(_vwap(today)), price(_vwap(both))],
        "t": [len(today), len(both)],
        "l": [price(min(t.price for t in today)), price(min(t.price for t in both))],
        "h": [price(max(t.price for t in today)), price(max(t.price for t in both))],
        "o": price(today[0].price),
    }


def _vwap(rows: list[TapeTrade]) -> Decimal:
    volume = sum((t.volume for t in rows), Decimal(0))
    return sum((t.price * t.volume for t in rows), Decimal(0)) / volume if volume else Decimal(0)


def _int_param(raw: str | None, default: int | None) -> int | None:
    if raw in (None, ""):
        return default
    try:
        return int(Decimal(raw))
    except ArithmeticError:
        raise KrakenError(INVALID_ARGUMENTS) from None


def ohlc(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    (pair,) = _one_pair(params)
    interval = _int_param(params.get("interval"), 1)
    if interval not in INTERVALS:
        raise KrakenError(INVALID_ARGUMENTS)
    width = interval * 60
    ticks, rows = ctx.market.tape(pair, ctx.last_day)
    since = _int_param(params.get("since"), None)
    end = EPOCH_TS + (ctx.last_day + 1) * DAY
    current = (end - 1) // width * width  # the still-open candle
    first = current - (MAX_CANDLES - 1) * width  # older data is out of reach, whatever `since`
    if since is not None:
        first = max(first, (since // width + 1) * width)
    candles = _candles(pair, ticks, rows, max(first, 0), current, width)
    if not candles or candles[-1][0] != current:
        candles += _candles(pair, ticks, rows, current, current, width)  # present regardless
    last = candles[-1][0] if candles else (since or 0)
    return {pair.id: candles, "last": last}


def _candles(
    pair: Pair, ticks: list[int], rows: list[TapeTrade], first: int, last: int, width: int
) -> list[list[Any]]:
    """Candles starting in [first, last] (only intervals that saw a print), oldest first."""
    index = bisect.bisect_left(ticks, first * TICKS)
    stop_ticks = (last + width) * TICKS
    candles: list[list[Any]] = []
    while index < len(ticks) and ticks[index] < stop_ticks:
        start = ticks[index] // TICKS // width * width
        stop = bisect.bisect_left(ticks, (start + width) * TICKS)
        candles.append(_candle(pair, start, rows[index:stop]))
        index = stop
    return candles


def _candle(pair: Pair, start: int, prints: list[TapeTrade]) -> list[Any]:
    p = lambda v: fmt(v, pair.pair_decimals)  # noqa: E731
    volume = sum((t.volume for t in prints), Decimal(0))
    return [
        start,
        p(prints[0].price),
        p(max(t.price for t in prints)),
        p(min(t.price for t in prints)),
        p(prints[-1].price),
        p(_vwap(prints)),
        fmt(volume, pair.lot_decimals),
        len(prints),
    ]


def _one_pair(params: dict[str, str]) -> list[Pair]:
    found = _pairs(params.get("pair"), required=True)
    if len(found) != 1:
        raise KrakenError(INVALID_ARGUMENTS)
    return found


def trades(ctx: PublicContext, params: dict[str, str]) -> dict[str, Any]:
    """Prints after ``since`` (nanoseconds, or seconds when small), at most ``count`` (<= 1000)."""
    (pair,) = _one_pair(params)
    count = _int_param(params.get("count"), MAX_TRADES)
    since = _int_param(params.get("since"), None)
    if count is None or not 1 <= count <= MAX_TRADES:
        raise KrakenError(INVALID_ARGUMENTS)
    ticks, rows = ctx.market.tape(pair, ctx.last_day)
    if since is None:
        chosen = rows[-count:]
    else:
        since_ticks = since // 100_000 if since > 10**12 else since * TICKS
        lo = bisect.bisect_right(ticks, since_ticks)
        chosen = rows[lo : lo + count]
    out = [
        [
            fmt(t.price, pair.cost_decimals),
            fmt(t.volume, pair.lot_decimals),
            t.ticks / TICKS,
            t.side,
            t.ordertype,
            "",
            t.trade_id,
        ]
        for t in chosen
    ]
    last = str(chosen[-1].ticks * 100_000) if chosen else str(since or 0)
    return {pair.id: out, "last": last}


PUBLIC: dict[str, Callable[[PublicContext, dict[str, str]], Any]] = {
    "Time": server_time,
    "SystemStatus": system_status,
    "Assets": assets,
    "AssetPairs": asset_pairs,
    "Ticker": ticker,
    "OHLC": ohlc,
    "Trades": trades,
}
