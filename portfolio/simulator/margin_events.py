"""Margin positions: opened by a trade, charged daily rollovers, closed by a trade or settled.

Kraken books the opening as a ``margin`` row (amount 0, fee = trade fee + 0.02 % opening fee), each
rollover as a ``rollover`` row (amount 0, fee), and the close as a ``margin`` row carrying the
realized P/L with refid = the closing trade's txid; a settled long instead books two ``settled``
rows (base in, quote out) with refid = the position txid. A position's margin (or, for a settlement,
its cost) is reserved in ZUSD while open so no other event spends it; losses are capped at half the
margin, so the reserve always covers them.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_UP, Decimal
from typing import TYPE_CHECKING, Any

from .assets import PAIRS, quantize
from .market import DAY, TICKS, day_of_ticks
from .records import ClosedOrder, MarginPosition, Trade

if TYPE_CHECKING:
    from .generator import Generator

TAKER = Decimal("0.0026")
OPEN_FEE = Decimal("0.0002")
ROLLOVER_PER_DAY = Decimal("0.0012")  # the position's terms: 0.0200 % per 4 hours
SETTLE_FEE = Decimal("0.0001")
TERMS = "0.0200% per 4 hours"
_LAST_OPEN_GAP = 40 * DAY * TICKS


def margin_open(g: Generator) -> bool:
    from .generator import HISTORY_END

    if g.margin_open or g.now > HISTORY_END - _LAST_OPEN_GAP or g.spendable("ZUSD") < 500:
        return False
    _open(g, final=False)
    return True


def finalize_margin(g: Generator) -> None:
    """Leave exactly one open position at the end of the generated history."""
    if g.spendable("ZUSD") < 500:
        g.post(
            refid=g.funding_refid(),
            type="deposit",
            subtype="",
            asset="ZUSD",
            amount=Decimal(10_000),
            fee=Decimal(0),
        )
        g.later(60_000, 600_000)
    _open(g, final=True)


def _open(g: Generator, *, final: bool) -> None:
    pair = PAIRS[g.rng.choice(("XXBTZUSD", "XETHZUSD"))]
    side, leverage = g.rng.choice(("buy", "sell")), g.rng.randint(2, 5)
    price = g.market.price_within_day(pair, day_of_ticks(g.now), g.rng.random())
    budget = g.spendable("ZUSD") * Decimal(f"{g.rng.uniform(0.05, 0.2):.6f}")
    vol = quantize(budget * leverage / price, pair.lot_decimals)
    cost = quantize(price * vol, 4)
    margin = quantize(cost / leverage, 4)
    fee = quantize(cost * TAKER, 4, ROUND_UP)
    txid, order = g.ids.trade(), g.ids.order()
    status = "open" if final else "closed"
    _opening_trade(
        g,
        Trade(
            txid=txid,
            ordertxid=order,
            postxid=txid,
            pair=pair.id,
            ticks=g.now,
            type=side,
            ordertype="market",
            price=price,
            cost=cost,
            fee=fee,
            vol=vol,
            margin=margin,
            misc="",
            trade_id=g.now,
            maker=False,
            ledgers=(),
            seq=0,
            posstatus=status,
        ),
        leverage,
    )
    settle = (
        not final and side == "buy" and g.rng.random() < 0.25 and g.spendable("ZUSD") > cost * 2
    )
    status = "open" if final else ("settled" if settle else "closed")
    position = _position(
        g, txid, order, pair.id, side, price, cost, fee, vol, margin, leverage, status
    )
    g.truth.margin_positions.append(position)
    if not final:
        _schedule_lifecycle(g, position, settle)


def _position(g: Generator, *fields: Any) -> MarginPosition:
    txid, order, pair, side, price, cost, fee, vol, margin, leverage, status = fields
    return MarginPosition(
        txid=txid,
        ordertxid=order,
        pair=pair,
        ticks=g.now,
        type=side,
        price=price,
        cost=cost,
        fee=fee,
        vol=vol,
        margin=margin,
        leverage=leverage,
        status=status,
    )


def _opening_trade(g: Generator, draft: Trade, leverage: int) -> None:
    """Book the opening ``margin`` row (trade fee + opening fee) and record the trade."""
    row = g.post(
        refid=draft.txid,
        type="margin",
        subtype="",
        asset="ZUSD",
        amount=Decimal(0),
        fee=draft.fee + quantize(draft.cost * OPEN_FEE, 4, ROUND_UP),
    )
    trade = dataclasses.replace(draft, ledgers=(row.id,), seq=g.next_seq())
    g.add_trade(trade)
    _order(g, trade, leverage)


def _schedule_lifecycle(g: Generator, position: MarginPosition, settle: bool) -> None:
    reserve = quantize(position.cost * Decimal("1.01"), 4) if settle else position.margin
    g.reserved["ZUSD"] += reserve
    g.margin_open = True
    days = g.rng.randint(1, 20)
    rollover_fee = quantize(position.cost * ROLLOVER_PER_DAY, 4, ROUND_UP)
    for day in range(1, min(days, 6) + 1):
        at = position.ticks + day * DAY * TICKS

        def rollover() -> None:
            g.post(
                refid=position.txid,
                type="rollover",
                subtype="",
                asset="ZUSD",
                amount=Decimal(0),
                fee=rollover_fee,
            )

        g.schedule(at, rollover)

    def finish() -> None:
        g.reserved["ZUSD"] -= reserve
        g.margin_open = False
        (_settle if settle else _close)(g, position)

    g.schedule(position.ticks + days * DAY * TICKS + g.rng.randint(0, 43_200) * TICKS, finish)


def _close(g: Generator, position: MarginPosition) -> None:
    pair = PAIRS[position.pair]
    price = g.market.price_within_day(pair, day_of_ticks(g.now), g.rng.random())
    direction = 1 if position.type == "buy" else -1
    pnl = max(
        quantize((price - position.price) * position.vol * direction, 4), -position.margin / 2
    )
    cost = quantize(price * position.vol, 4)
    fee = quantize(cost * TAKER, 4, ROUND_UP)
    txid = g.ids.trade()
    row = g.post(
        refid=txid, type="margin", subtype="", asset="ZUSD", amount=quantize(pnl, 4), fee=fee
    )
    trade = Trade(
        txid=txid,
        ordertxid=g.ids.order(),
        postxid=position.txid,
        pair=pair.id,
        ticks=g.now,
        type="sell" if position.type == "buy" else "buy",
        ordertype="market",
        price=price,
        cost=cost,
        fee=fee,
        vol=position.vol,
        margin=position.margin,
        misc="closing",
        trade_id=g.now,
        maker=False,
        ledgers=(row.id,),
        seq=g.next_seq(),
    )
    g.add_trade(trade)
    _order(g, trade, position.leverage)
    _mark_done(g, position)


def _settle(g: Generator, position: MarginPosition) -> None:
    base = PAIRS[position.pair].base
    fee = quantize(position.cost * SETTLE_FEE, 4, ROUND_UP)
    g.post(
        refid=position.txid,
        type="settled",
        subtype="",
        asset=base,
        amount=position.vol,
        fee=Decimal(0),
    )
    g.post(
        refid=position.txid,
        type="settled",
        subtype="",
        asset="ZUSD",
        amount=-position.cost,
        fee=fee,
    )
    _mark_done(g, position)


def _mark_done(g: Generator, position: MarginPosition) -> None:
    positions = g.truth.margin_positions
    index = positions.index(position)
    positions[index] = dataclasses.replace(position, closed_ticks=g.now)


def _order(g: Generator, trade: Trade, leverage: int) -> None:
    g.truth.closed_orders.append(
        ClosedOrder(
            txid=trade.ordertxid,
            pair=trade.pair,
            type=trade.type,
            ordertype="market",
            limit_price=Decimal(0),
            opentm=trade.ticks - TICKS,
            closetm=trade.ticks,
            status="closed",
            reason=None,
            vol=trade.vol,
            vol_exec=trade.vol,
            cost=trade.cost,
            fee=trade.fee,
            avg_price=trade.price,
            oflags="fciq",
            trades=(trade.txid,),
            userref=0,
            seq=g.next_seq(),
            leverage=f"{leverage}:1",
        )
    )
