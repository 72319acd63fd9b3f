"""Trades, instant buys and margin positions of a simulated account.

A spot trade books two ledger rows whose refid is the trade txid (quote and base legs), plus a
zero-amount KFEE row when the fee is paid in fee credits. TradesHistory ``fee`` is always in the
quote currency (reference 3.4, pitfall 9) even when the ledger deducted it in the base asset
(``fcib``) or in KFEE. Instant buys are ``spend``/``receive`` pairs sharing a refid and never appear
in TradesHistory. A margin position books ``margin`` (opening fee), daily ``rollover`` fees and a
closing ``margin`` row with the realized P/L, or a pair of ``settled`` rows when a long is settled.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_UP, Decimal
from typing import TYPE_CHECKING

from .assets import CRYPTO, FIAT, KFEE_USD, PAIRS, Pair, amount, quantize
from .market import TICKS, day_of_ticks
from .records import ClosedOrder, LedgerEntry, Trade

if TYPE_CHECKING:
    from .generator import Generator

_PAIR_WEIGHTS = {
    "XXBTZUSD": 12,
    "XXBTZEUR": 8,
    "XXBTZGBP": 3,
    "XETHZUSD": 8,
    "XETHZEUR": 5,
    "XETHXXBT": 4,
    "DOTUSD": 3,
    "DOTEUR": 2,
    "DOTXBT": 1,
    "SOLUSD": 3,
    "SOLEUR": 2,
    "SOLXBT": 1,
    "USDTZUSD": 2,
    "USDTEUR": 1,
}
TAKER, MAKER = Decimal("0.0026"), Decimal("0.0016")


@dataclass(frozen=True, slots=True)
class Fill:
    pair: Pair
    side: str
    price: Decimal
    vol: Decimal
    maker: bool
    fee_mode: str  # quote | base | kfee


def _u(g: Generator, low: float, high: float) -> Decimal:
    return Decimal(f"{g.rng.uniform(low, high):.6f}")


def _cost(pair: Pair, price: Decimal, vol: Decimal) -> Decimal:
    return quantize(price * vol, pair.cost_places)


def _fee(pair: Pair, cost: Decimal, maker: bool) -> Decimal:
    return quantize(cost * (MAKER if maker else TAKER), pair.cost_places, ROUND_UP)


def _kfee_credits(g: Generator, pair: Pair, fee: Decimal) -> Decimal:
    return quantize(fee * g.usd_rate(pair.quote) / KFEE_USD, 2, ROUND_UP)


def _choose_volume(g: Generator, pair: Pair, price: Decimal) -> tuple[str, Decimal] | None:
    """A side and lot-rounded volume the account can afford (fee room kept on buys)."""
    sides = ["buy", "sell"] if g.rng.random() < 0.55 else ["sell", "buy"]
    for side in sides:
        if side == "buy":
            budget = g.spendable(pair.quote) * _u(g, 0.05, 0.4) / Decimal("1.003")
            vol = quantize(budget / price, pair.lot_decimals)
        else:
            vol = quantize(g.spendable(pair.base) * _u(g, 0.1, 0.6), pair.lot_decimals)
        if vol >= Decimal(pair.ordermin) * 2:
            return side, vol
    return None


def _post_legs(
    g: Generator, fill: Fill, txid: str, cost: Decimal, fee: Decimal
) -> list[LedgerEntry]:
    """Quote leg, base leg and (for fee credits) a zero-amount KFEE leg, in that order."""
    pair, zero = fill.pair, Decimal(0)
    quote_fee = fee if fill.fee_mode == "quote" else zero
    base_fee = amount(pair.base, fee / fill.price, ROUND_UP) if fill.fee_mode == "base" else zero
    sign = 1 if fill.side == "buy" else -1
    legs = [(pair.quote, -sign * cost, quote_fee), (pair.base, sign * fill.vol, base_fee)]
    if fill.fee_mode == "kfee":
        legs.append(("KFEE", zero, _kfee_credits(g, pair, fee)))
    return [
        g.post(refid=txid, type="trade", subtype="", asset=asset, amount=value, fee=charged)
        for asset, value, charged in legs
    ]


def book_fill(g: Generator, fill: Fill, ordertxid: str) -> Trade:
    """Post a trade's ledger legs and record it; the caller guarantees it is affordable."""
    pair, cost = fill.pair, _cost(fill.pair, fill.price, fill.vol)
    fee = _fee(pair, cost, fill.maker)
    txid = g.ids.trade()
    rows = _post_legs(g, fill, txid, cost, fee)
    trade = Trade(
        txid=txid,
        ordertxid=ordertxid,
        postxid=g.ids.trade(),
        pair=pair.id,
        ticks=g.now,
        type=fill.side,
        ordertype="limit" if fill.maker else "market",
        price=fill.price,
        cost=cost,
        fee=fee,
        vol=fill.vol,
        margin=Decimal(0),
        misc="",
        trade_id=g.now,
        maker=fill.maker,
        ledgers=tuple(r.id for r in rows),
        seq=g.next_seq(),
    )
    g.add_trade(trade)
    return trade


def _fee_mode(g: Generator, pair: Pair, side: str, price: Decimal, vol: Decimal) -> str:
    fee = _fee(pair, _cost(pair, price, vol), False)
    if g.rng.random() < 0.6 and g.spendable("KFEE") >= _kfee_credits(g, pair, fee) * 2:
        return "kfee"
    if side == "buy" and g.rng.random() < 0.12:
        return "base"
    return "quote"


def spot_trade(g: Generator) -> bool:
    """One order filled by one or two trades at the same price, plus its ClosedOrders row."""
    pair = PAIRS[g.rng.choices(list(_PAIR_WEIGHTS), weights=list(_PAIR_WEIGHTS.values()))[0]]
    price = g.market.price_within_day(pair, day_of_ticks(g.now), g.rng.random())
    chosen = _choose_volume(g, pair, price)
    if chosen is None:
        return False
    side, vol = chosen
    maker = g.rng.random() < 0.5
    mode = _fee_mode(g, pair, side, price, vol)
    parts = [vol]
    if g.rng.random() < 0.2:
        first = quantize(vol * _u(g, 0.2, 0.8), pair.lot_decimals)
        if first >= Decimal(pair.ordermin) and vol - first >= Decimal(pair.ordermin):
            parts = [first, vol - first]
    opened = g.now - g.rng.randint(1, 3_600 if maker else 2) * TICKS
    order = g.ids.order()
    trades = []
    for index, part in enumerate(parts):
        if index:
            g.later(200, 30_000)
        trades.append(book_fill(g, Fill(pair, side, price, part, maker, mode), order))
    _close_order(g, order, trades, opened, "fcib" if mode == "base" else "fciq")
    if g.rng.random() < 0.05:
        _canceled_order(g, pair, price)
    return True


def _close_order(
    g: Generator, txid: str, trades: list[Trade], opened: int, oflags: str, leverage: str = "none"
) -> None:
    first = trades[0]
    vol = sum((t.vol for t in trades), Decimal(0))
    cost = sum((t.cost for t in trades), Decimal(0))
    g.truth.closed_orders.append(
        ClosedOrder(
            txid=txid,
            pair=first.pair,
            type=first.type,
            ordertype=first.ordertype,
            limit_price=first.price if first.ordertype == "limit" else Decimal(0),
            opentm=opened,
            closetm=trades[-1].ticks,
            status="closed",
            reason=None,
            vol=vol,
            vol_exec=vol,
            cost=cost,
            fee=sum((t.fee for t in trades), Decimal(0)),
            avg_price=first.price,
            oflags=oflags,
            trades=tuple(t.txid for t in trades),
            userref=0,
            seq=g.next_seq(),
            leverage=leverage,
        )
    )


def _canceled_order(g: Generator, pair: Pair, price: Decimal) -> None:
    opened = g.now
    g.later(1_000, 600_000)
    vol = quantize(Decimal(pair.ordermin) * g.rng.randint(2, 500), pair.lot_decimals)
    zero = Decimal(0)
    g.truth.closed_orders.append(
        ClosedOrder(
            txid=g.ids.order(),
            pair=pair.id,
            type=g.rng.choice(("buy", "sell")),
            ordertype="limit",
            limit_price=price,
            opentm=opened,
            closetm=g.now,
            status="canceled",
            reason="User requested",
            vol=vol,
            vol_exec=zero,
            cost=zero,
            fee=zero,
            avg_price=zero,
            oflags="fciq",
            trades=(),
            userref=0,
            seq=g.next_seq(),
        )
    )


def instant_buy(g: Generator) -> bool:
    """Buy Crypto: ``spend`` fiat (1.5 % fee) then ``receive`` crypto under one non-trade refid."""
    fiats = [f for f in FIAT if g.spendable(f) > 50]
    if not fiats:
        return False
    fiat, crypto = g.rng.choice(fiats), g.rng.choice(CRYPTO[:4])
    spend = quantize(g.spendable(fiat) * _u(g, 0.03, 0.25) / Decimal("1.015"), 2)
    fee = quantize(spend * Decimal("0.015"), 2, ROUND_UP)
    rate = g.usd_rate(crypto) / g.usd_rate(fiat) * Decimal("1.01")
    received = amount(crypto, spend / rate)
    refid = g.ids.kraken(g.rng.choice("ABCDEGHJKMNPSUVWXYZ"))
    g.post(refid=refid, type="spend", subtype="", asset=fiat, amount=-spend, fee=fee)
    g.later(5, 150)
    g.post(refid=refid, type="receive", subtype="", asset=crypto, amount=received, fee=Decimal(0))
    return True
