"""Records in Kraken's spot JSON shapes (reference 3.1-3.8): string decimals, float times."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .assets import PAIRS, fmt, fmt_asset
from .margin_events import TERMS
from .market import DAY, TICKS
from .records import ClosedOrder, LedgerEntry, MarginPosition, Trade


def unix(ticks: int) -> float:
    """Kraken's ``time``: float seconds with 4 decimals (``1688464484.1787``)."""
    return ticks / TICKS


def ledger_json(e: LedgerEntry) -> dict[str, Any]:
    return {
        "refid": e.refid,
        "time": unix(e.ticks),
        "type": e.type,
        "subtype": e.subtype,
        "aclass": e.aclass,
        "asset": e.asset,
        "amount": fmt_asset(e.asset, e.amount),
        "fee": fmt_asset(e.asset, e.fee),
        "balance": fmt_asset(e.asset, e.balance),
    }


def trade_json(t: Trade, *, with_ledgers: bool = False) -> dict[str, Any]:
    pair = PAIRS[t.pair]
    places = pair.cost_decimals
    out: dict[str, Any] = {
        "ordertxid": t.ordertxid,
        "postxid": t.postxid,
        "pair": t.pair,
        "time": unix(t.ticks),
        "type": t.type,
        "ordertype": t.ordertype,
        "price": fmt(t.price, places),
        "cost": fmt(t.cost, places),
        "fee": fmt(t.fee, places),
        "vol": fmt(t.vol, pair.lot_decimals),
        "margin": fmt(t.margin, places),
        "leverage": str(round(t.cost / t.margin)) if t.margin else "0",
        "misc": t.misc,
        "trade_id": t.trade_id,
        "maker": t.maker,
    }
    if t.posstatus:
        out["posstatus"] = t.posstatus
    if with_ledgers:
        out["ledgers"] = list(t.ledgers)
    return out


def order_json(o: ClosedOrder, *, with_trades: bool = False) -> dict[str, Any]:
    pair = PAIRS[o.pair]
    places = pair.cost_decimals
    price = fmt(o.limit_price, pair.pair_decimals)
    described = f"{o.type} {fmt(o.vol, pair.lot_decimals)} {pair.altname} @ "
    described += f"limit {price}" if o.ordertype == "limit" else "market"
    out: dict[str, Any] = {
        "refid": "None",
        "userref": o.userref,
        "status": o.status,
        "reason": o.reason,
        "opentm": unix(o.opentm),
        "closetm": unix(o.closetm),
        "starttm": 0,
        "expiretm": 0,
        "descr": {
            "pair": pair.altname,
            "type": o.type,
            "ordertype": o.ordertype,
            "price": price,
            "price2": "0",
            "leverage": o.leverage,
            "order": described,
            "close": "",
        },
        "vol": fmt(o.vol, pair.lot_decimals),
        "vol_exec": fmt(o.vol_exec, pair.lot_decimals),
        "cost": fmt(o.cost, places),
        "fee": fmt(o.fee, places),
        "price": fmt(o.avg_price, places),
        "stopprice": fmt(Decimal(0), places),
        "limitprice": fmt(Decimal(0), places),
        "misc": "",
        "oflags": o.oflags,
    }
    if with_trades and o.trades:
        out["trades"] = list(o.trades)
    return out


def position_value(p: MarginPosition, price: Decimal) -> tuple[Decimal, Decimal]:
    """Current value and unrealized P/L of a margin position at ``price``."""
    value = p.vol * price
    net = value - p.cost if p.type == "buy" else p.cost - value
    return value, net


def position_json(p: MarginPosition, *, price: Decimal | None, now_ticks: int) -> dict[str, Any]:
    pair = PAIRS[p.pair]
    elapsed = max(0, now_ticks - p.ticks) // (4 * 3600 * TICKS) + 1
    out: dict[str, Any] = {
        "ordertxid": p.ordertxid,
        "posstatus": "open",
        "pair": p.pair,
        "time": unix(p.ticks),
        "type": p.type,
        "ordertype": "market",
        "cost": fmt(p.cost, pair.cost_decimals),
        "fee": fmt(p.fee, pair.cost_decimals),
        "vol": fmt(p.vol, pair.lot_decimals),
        "vol_closed": fmt(Decimal(0), pair.lot_decimals),
        "margin": fmt(p.margin, pair.cost_decimals),
        "terms": TERMS,
        "rollovertm": str((p.ticks + elapsed * DAY * TICKS // 6) // TICKS),
        "misc": "",
        "oflags": "",
    }
    if price is not None:
        value, net = position_value(p, price)
        out["value"] = fmt(value, 1)
        out["net"] = ("+" if net >= 0 else "") + fmt(net, 4)
    return out
