"""Resting orders at the end of an account's history, and their JSON as Kraken prints it.

Each account ends with a spot buy limit below the market (holding dollars), a spot sell limit
above it (holding the base asset, when one is spendable) and a futures limit order. BalanceEx's
`hold_trade` is the sum of what the spot orders hold ("held amounts only include spot non margin
orders", Kraken's BalanceEx page): a buy holds vol x limit price of the quote (rounded up to the
quote's decimals), a sell holds vol of the base. Futures orders hold nothing on the spot side.

Drawn from their own random stream, so adding them changed no other part of any history.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_UP, Decimal
from typing import TYPE_CHECKING, Any

from .assets import ASSETS, FIAT, PAIRS, Pair, fmt, quantize
from .ids import IdFactory
from .market import TICKS, day_of_ticks
from .records import FuturesOpenOrder, OpenOrder

if TYPE_CHECKING:
    from .generator import Generator

FUTURES_SYMBOL = "PF_XBTUSD"


def _usd_pairs() -> list[Pair]:
    usd = (p for p in PAIRS.values() if p.quote == "ZUSD" and p.base in ASSETS)
    return sorted((p for p in usd if p.base not in FIAT), key=lambda p: p.id)


def hold_of_buy(vol: Decimal, price: Decimal, quote: str) -> Decimal:
    return quantize(vol * price, ASSETS[quote].decimals, ROUND_UP)


def open_orders_finalize(g: Generator, *, usd_to_hold: Decimal) -> None:
    rng = random.Random(f"open-orders:{g.seed}")
    ids = IdFactory(rng)
    day = day_of_ticks(g.now)
    pairs = _usd_pairs()
    buy_pair = rng.choice(pairs)
    close = g.market.candle(buy_pair, day).close
    price = quantize(close * Decimal(str(round(rng.uniform(0.8, 0.95), 4))), buy_pair.pair_decimals)
    vol = quantize(usd_to_hold / price, buy_pair.lot_decimals) if price > 0 else Decimal(0)
    orders = []
    if vol > 0:
        hold = hold_of_buy(vol, price, "ZUSD")
        orders.append(_order(ids, buy_pair, "buy", price, vol, g.now, "ZUSD", hold, rng))
    held = [p for p in pairs if g.spendable(p.base) * g.usd_rate(p.base) > 10]
    if held:
        sell_pair = max(held, key=lambda p: (g.spendable(p.base) * g.usd_rate(p.base), p.id))
        close = g.market.candle(sell_pair, day).close
        factor = Decimal(str(round(rng.uniform(1.05, 1.2), 4)))
        price = quantize(close * factor, sell_pair.pair_decimals)
        share = Decimal(str(round(rng.uniform(0.1, 0.3), 4)))
        vol = quantize(g.spendable(sell_pair.base) * share, sell_pair.lot_decimals)
        if vol > 0:
            orders.append(
                _order(ids, sell_pair, "sell", price, vol, g.now, sell_pair.base, vol, rng)
            )
    for order in orders:
        g.truth.open_orders.append(order)
        g.truth.holds[order.hold_asset] = g.truth.holds.get(order.hold_asset, Decimal(0)) + (
            order.hold
        )
    btc = g.market.usd_price("XXBT", day)
    g.truth.futures_open_orders.append(
        FuturesOpenOrder(
            order_id=ids.uuid(),
            symbol=FUTURES_SYMBOL,
            side=rng.choice(("buy", "sell")),
            limit_price=quantize(btc * Decimal("0.9"), 0),
            size=Decimal("0.0100"),
            ms=g.now * 1000 // TICKS,
        )
    )


def _order(
    ids: IdFactory,
    pair: Pair,
    side: str,
    price: Decimal,
    vol: Decimal,
    now: int,
    hold_asset: str,
    hold: Decimal,
    rng: random.Random,
) -> OpenOrder:
    opened = now - rng.randint(60, 86_400) * TICKS
    return OpenOrder(
        txid=ids.order(),
        pair=pair.id,
        type=side,
        limit_price=price,
        vol=vol,
        opentm=opened,
        hold_asset=hold_asset,
        hold=hold,
    )


def open_order_json(o: OpenOrder) -> dict[str, Any]:
    """One order of OpenOrders' `open` (or QueryOrders' result), as Kraken prints it."""
    pair = PAIRS[o.pair]
    price = fmt(o.limit_price, pair.pair_decimals)
    zero = fmt(Decimal(0), pair.cost_decimals)
    return {
        "refid": None,
        "userref": o.userref,
        "status": "open",
        "opentm": o.opentm / TICKS,
        "starttm": 0,
        "expiretm": 0,
        "descr": {
            "pair": pair.altname,
            "type": o.type,
            "ordertype": "limit",
            "price": price,
            "price2": "0",
            "leverage": "none",
            "order": f"{o.type} {fmt(o.vol, pair.lot_decimals)} {pair.altname} @ limit {price}",
            "close": "",
        },
        "vol": fmt(o.vol, pair.lot_decimals),
        "vol_exec": fmt(Decimal(0), pair.lot_decimals),
        "cost": zero,
        "fee": zero,
        "price": zero,
        "stopprice": zero,
        "limitprice": zero,
        "misc": "",
        "oflags": o.oflags,
    }


def futures_open_order_json(o: FuturesOpenOrder, iso: Callable[[int], str]) -> dict[str, Any]:
    when = iso(o.ms)
    return {
        "order_id": o.order_id,
        "symbol": o.symbol,
        "side": o.side,
        "orderType": "lmt",
        "limitPrice": float(o.limit_price),
        "unfilledSize": float(o.size),
        "receivedTime": when,
        "status": "untouched",
        "filledSize": 0,
        "reduceOnly": False,
        "lastUpdateTime": when,
    }
