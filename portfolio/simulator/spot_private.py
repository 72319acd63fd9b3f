"""Spot private methods (POST /0/private/<Method>) over an account's truth and sorted views.

Each method names the key permission it needs; the server checks the key, signature, nonce, rate
limit and permission before calling it. A handler returns the ``result`` object, or raw bytes for
RetrieveExport, and raises ``KrakenError`` for Kraken's error strings.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .account import SimAccount
from .assets import PAIRS, PARENT, fmt, fmt_asset, resolve_asset
from .errors import INVALID_ARGUMENTS, PERMISSION_DENIED, UNKNOWN_ASSET, KrakenError
from .market import Market, today_index
from .open_orders import open_order_json
from .paging import bound_key, parse_bool, parse_offset
from .spot_views import ledger_json, order_json, position_json, position_value, trade_json

LEDGER_TYPES = {
    "trade",
    "deposit",
    "withdrawal",
    "transfer",
    "margin",
    "adjustment",
    "rollover",
    "credit",
    "settled",
    "staking",
    "dividend",
    "sale",
    "nft_rebate",
    "earn",
    "spend",
    "receive",
}
MAX_IDS = 20


@dataclass(frozen=True, slots=True)
class Context:
    account: SimAccount
    market: Market


Handler = Callable[[Context, dict[str, str]], Any]


def _ids(raw: str | None) -> list[str]:
    ids = [i.strip() for i in (raw or "").split(",") if i.strip()]
    if not ids or len(ids) > MAX_IDS:
        raise KrakenError(INVALID_ARGUMENTS)
    return ids


def _usd_now(market: Market, asset: str) -> Decimal:
    code = PARENT.get(asset, asset)
    return market.usd_price(code, today_index())


def balance(ctx: Context, params: dict[str, str]) -> dict[str, str]:
    return {a: fmt_asset(a, v) for a, v in ctx.account.truth.balances.items()}


def balance_ex(ctx: Context, params: dict[str, str]) -> dict[str, dict[str, str]]:
    holds = ctx.account.truth.holds
    return {
        a: {"balance": fmt_asset(a, v), "hold_trade": fmt_asset(a, holds.get(a, Decimal(0)))}
        for a, v in ctx.account.truth.balances.items()
    }


def trade_balance(ctx: Context, params: dict[str, str]) -> dict[str, str]:
    """eb/tb value every balance (KFEE excluded) in ``asset``; e = tb + n; mf = e - m."""
    target = resolve_asset(params.get("asset", "ZUSD"))
    if target is None or target == "KFEE":
        raise KrakenError(UNKNOWN_ASSET)
    rate = _usd_now(ctx.market, target)
    truth = ctx.account.truth
    equity = (
        sum(
            (v * _usd_now(ctx.market, a) for a, v in truth.balances.items() if a != "KFEE"),
            Decimal(0),
        )
        / rate
    )
    m = n = c = v = Decimal(0)
    for p in truth.open_margin_positions:
        price = ctx.market.candle(PAIRS[p.pair], today_index()).close
        value, net = position_value(p, price)
        m, n, c, v = m + p.margin / rate, n + net / rate, c + p.cost / rate, v + value / rate
    e = equity + n
    out = {"eb": equity, "tb": equity, "m": m, "n": n, "c": c, "v": v, "e": e, "mf": e - m}
    result = {k: fmt(val, 4) for k, val in out.items()}
    if m:
        result["ml"] = fmt(e / m * 100, 2)
    return result


def _asset_filter(raw: str | None) -> frozenset[str] | None:
    if raw in (None, "", "all"):
        return None
    codes = [resolve_asset(a.strip()) for a in raw.split(",")]
    if any(c is None for c in codes):
        raise KrakenError(UNKNOWN_ASSET)
    return frozenset(c for c in codes if c)


def _type_filter(raw: str | None) -> frozenset[str] | None:
    if raw in (None, "", "all"):
        return None
    if raw not in LEDGER_TYPES:
        raise KrakenError(INVALID_ARGUMENTS)
    return frozenset({"spend", "receive"}) if raw == "sale" else frozenset({raw})


def ledgers(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    views = ctx.account.views
    view = views.ledgers(_asset_filter(params.get("asset")), _type_filter(params.get("type")))
    lo, hi = view.window(
        bound_key(params.get("start"), views.ledger_key),
        bound_key(params.get("end"), views.ledger_key),
    )
    page = view.page(lo, hi, parse_offset(params.get("ofs")))
    result: dict[str, Any] = {"ledger": {e.id: ledger_json(e) for e in page}}
    if not parse_bool(params.get("without_count", "false")):
        result["count"] = hi - lo
    return result


def query_ledgers(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    index = ctx.account.views.ledger_index()
    wanted = _ids(params.get("id"))
    if any(i not in index for i in wanted):
        raise KrakenError(INVALID_ARGUMENTS)
    return {i: ledger_json(index[i]) for i in wanted}


def trades_history(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    views, kind = ctx.account.views, params.get("type", "all")
    if kind not in ("all", "any position", "closed position", "closing position", "no position"):
        raise KrakenError(INVALID_ARGUMENTS)
    view = views.trades(kind)
    lo, hi = view.window(
        bound_key(params.get("start"), views.trade_key),
        bound_key(params.get("end"), views.trade_key),
    )
    with_ledgers = parse_bool(params.get("ledgers", "false"))
    page = view.page(lo, hi, parse_offset(params.get("ofs")))
    return {
        "trades": {t.txid: trade_json(t, with_ledgers=with_ledgers) for t in page},
        "count": hi - lo,
    }


def query_trades(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    index = ctx.account.views.trade_index()
    wanted = _ids(params.get("txid"))
    if any(i not in index for i in wanted):
        raise KrakenError(INVALID_ARGUMENTS)
    return {i: trade_json(index[i]) for i in wanted}


def closed_orders(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    views, closetime = ctx.account.views, params.get("closetime", "both")
    if closetime not in ("open", "close", "both"):
        raise KrakenError(INVALID_ARGUMENTS)
    view = views.orders(by_open=closetime == "open")
    lo, hi = view.window(
        bound_key(params.get("start"), views.order_key),
        bound_key(params.get("end"), views.order_key),
    )
    with_trades = parse_bool(params.get("trades", "false"))
    page = view.page(lo, hi, parse_offset(params.get("ofs")))
    if params.get("userref") not in (None, ""):
        page = [o for o in page if str(o.userref) == params["userref"]]
    return {
        "closed": {o.txid: order_json(o, with_trades=with_trades) for o in page},
        "count": hi - lo,
    }


def open_positions(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    wanted = set(i.strip() for i in params.get("txid", "").split(",") if i.strip())
    docalcs = parse_bool(params.get("docalcs", "false"))
    now = ctx.account.truth.last_ticks
    out = {}
    for p in ctx.account.truth.open_margin_positions:
        if wanted and p.txid not in wanted:
            continue
        price = ctx.market.candle(PAIRS[p.pair], today_index()).close if docalcs else None
        out[p.txid] = position_json(p, price=price, now_ticks=now)
    return out


def open_orders(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    orders = ctx.account.truth.open_orders
    if params.get("userref") not in (None, ""):
        orders = [o for o in orders if str(o.userref) == params["userref"]]
    return {"open": {o.txid: open_order_json(o) for o in orders}}


MAX_ORDER_IDS = 50


def query_orders(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    """Open or closed orders by txid (at most 50); an unknown id is an invalid argument."""
    wanted = [i.strip() for i in (params.get("txid") or "").split(",") if i.strip()]
    if not wanted or len(wanted) > MAX_ORDER_IDS:
        raise KrakenError(INVALID_ARGUMENTS)
    truth = ctx.account.truth
    resting = {o.txid: o for o in truth.open_orders}
    closed = {o.txid: o for o in truth.closed_orders if o.txid in wanted}
    if any(i not in resting and i not in closed for i in wanted):
        raise KrakenError(INVALID_ARGUMENTS)
    with_trades = parse_bool(params.get("trades", "false"))
    return {
        i: open_order_json(resting[i])
        if i in resting
        else order_json(closed[i], with_trades=with_trades)
        for i in wanted
    }


def websockets_token(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    digest = hashlib.sha256(
        f"{ctx.account.spot_key}:{ctx.account.nonces.highest}".encode()
    ).digest()
    return {"token": base64.b64encode(digest).decode()[:30], "expires": 900}


def _report_permission(ctx: Context, report: str | None) -> None:
    needed = {"ledgers": "query_ledger_entries", "trades": "query_closed_orders_and_trades"}
    if report in needed and needed[report] not in ctx.account.permissions:
        raise KrakenError(PERMISSION_DENIED)


def add_export(ctx: Context, params: dict[str, str]) -> dict[str, str]:
    _report_permission(ctx, params.get("report"))
    return ctx.account.exports.add(ctx.account.truth, params)


def export_status(ctx: Context, params: dict[str, str]) -> list[dict[str, str]]:
    return ctx.account.exports.status(params.get("report"))


def retrieve_export(ctx: Context, params: dict[str, str]) -> bytes:
    return ctx.account.exports.retrieve(params.get("id"))


def remove_export(ctx: Context, params: dict[str, str]) -> dict[str, bool]:
    return ctx.account.exports.remove(params.get("id"), params.get("type"))


PRIVATE: dict[str, tuple[str, Handler]] = {
    "Balance": ("query_funds", balance),
    "BalanceEx": ("query_funds", balance_ex),
    "TradeBalance": ("query_funds", trade_balance),
    "TradesHistory": ("query_closed_orders_and_trades", trades_history),
    "QueryTrades": ("query_closed_orders_and_trades", query_trades),
    "ClosedOrders": ("query_closed_orders_and_trades", closed_orders),
    "OpenPositions": ("query_open_orders_and_trades", open_positions),
    "OpenOrders": ("query_open_orders_and_trades", open_orders),
    "QueryOrders": ("query_closed_orders_and_trades", query_orders),
    "Ledgers": ("query_ledger_entries", ledgers),
    "QueryLedgers": ("query_ledger_entries", query_ledgers),
    "GetWebSocketsToken": ("access_websockets_api", websockets_token),
    "AddExport": ("export_data", add_export),
    "ExportStatus": ("export_data", export_status),
    "RetrieveExport": ("export_data", retrieve_export),
    "RemoveExport": ("export_data", remove_export),
}
