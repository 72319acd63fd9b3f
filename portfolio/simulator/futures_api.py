"""Kraken Futures endpoints: /derivatives/api/v3 accounts, openpositions, fills, and the account
log.

Futures answers carry JSON numbers (not strings) and ISO-8601 millisecond times (reference 4).
Account log: ``since`` (ms, inclusive) and ``before`` (ms, exclusive), ``from``/``to`` (ids,
inclusive), ``sort`` asc|desc (default desc), ``count`` (default 500), ``info`` filter (repeated or
comma-separated). v3 rows add liquidation_fee, exchange_rate, conversion_fee and exchange_rate_from.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .account import SimAccount
from .assets import PAIRS
from .errors import FUTURES_INVALID_ARGUMENT, KrakenError
from .limits import account_log_cost
from .market import Market, today_index
from .open_orders import futures_open_order_json
from .records import FuturesFill, FuturesLogEntry

FILLS_PER_PAGE = 100
DEFAULT_LOG_COUNT = 500
MAX_LOG_COUNT = 100_000
INITIAL_MARGIN = Decimal("0.02")
_V3_EXTRA = ("liquidation_fee", "exchange_rate", "conversion_fee", "exchange_rate_from")


@dataclass(frozen=True, slots=True)
class FuturesContext:
    account: SimAccount
    market: Market


def iso(ms: int) -> str:
    moment = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _mark(ctx: FuturesContext) -> Decimal:
    return ctx.market.candle(PAIRS["XXBTZUSD"], today_index()).close


def _unrealized(ctx: FuturesContext) -> tuple[Decimal, Decimal, Decimal]:
    """(unrealized P/L, initial margin, unrealized funding) of the open positions."""
    mark, pnl, margin, funding = _mark(ctx), Decimal(0), Decimal(0), Decimal(0)
    for p in ctx.account.truth.futures_positions:
        direction = 1 if p.side == "long" else -1
        pnl += (mark - p.price) * p.size * direction
        margin += mark * p.size * INITIAL_MARGIN
        funding += p.unrealized_funding
    return pnl, margin, funding


def accounts(ctx: FuturesContext, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
    usd = ctx.account.truth.futures_balances.get("usd", Decimal(0))
    pnl, margin, funding = _unrealized(ctx)
    equity = usd + pnl
    flex = {
        "type": "multiCollateralMarginAccount",
        "currencies": {
            "USD": {
                "available": float(usd),
                "collateral": float(usd),
                "quantity": float(usd),
                "value": float(usd),
            }
        },
        "initialMargin": float(margin),
        "initialMarginWithOrders": float(margin),
        "maintenanceMargin": float(margin / 2),
        "balanceValue": float(usd),
        "portfolioValue": float(equity),
        "collateralValue": float(usd),
        "pnl": float(pnl),
        "unrealizedFunding": float(funding),
        "totalUnrealized": float(pnl),
        "totalUnrealizedAsMargin": float(pnl),
        "availableMargin": float(equity - margin),
        "marginEquity": float(equity),
    }
    cash = {"type": "cashAccount", "balances": {"xbt": 0.0, "usd": 0.0}}
    return 2, {"accounts": {"cash": cash, "flex": flex}}


def open_positions(ctx: FuturesContext, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
    rows = [
        {
            "side": p.side,
            "symbol": p.symbol,
            "price": float(p.price),
            "fillTime": iso(p.ms),
            "size": float(p.size),
            "unrealizedFunding": float(p.unrealized_funding),
            "pnlCurrency": "USD",
            "maxFixedLeverage": 50.0,
        }
        for p in ctx.account.truth.futures_positions
    ]
    return 2, {"openPositions": rows}


def open_orders(ctx: FuturesContext, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
    orders = ctx.account.truth.futures_open_orders
    return 2, {"openOrders": [futures_open_order_json(o, iso) for o in orders]}


def _fill_json(f: FuturesFill) -> dict[str, Any]:
    return {
        "fill_id": f.fill_id,
        "symbol": f.symbol,
        "side": f.side,
        "order_id": f.order_id,
        "size": float(f.size),
        "price": float(f.price),
        "fillTime": iso(f.ms),
        "fillType": f.fill_type,
    }


def fills(ctx: FuturesContext, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
    """The 100 most recent fills, or the 100 before ``lastFillTime`` (cost 25), newest first."""
    rows = ctx.account.truth.futures_fills
    raw = _first(params, "lastFillTime")
    if raw is None:
        chosen, cost = rows[-FILLS_PER_PAGE:], 2
    else:
        try:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise KrakenError(FUTURES_INVALID_ARGUMENT) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        cut = bisect.bisect_left([f.ms for f in rows], int(moment.timestamp() * 1000))
        chosen, cost = rows[max(0, cut - FILLS_PER_PAGE) : cut], 25
    return cost, {"fills": [_fill_json(f) for f in reversed(chosen)]}


def _first(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def _int(params: dict[str, list[str]], name: str, default: int | None) -> int | None:
    raw = _first(params, name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise KrakenError(FUTURES_INVALID_ARGUMENT) from None


def log_json(e: FuturesLogEntry, *, version: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": e.id,
        "date": iso(e.ms),
        "asset": e.asset,
        "info": e.info,
        "booking_uid": e.booking_uid,
        "margin_account": e.margin_account,
        "old_balance": float(e.old_balance),
        "new_balance": float(e.new_balance),
        "old_average_entry_price": _num(e.old_average_entry_price),
        "new_average_entry_price": _num(e.new_average_entry_price),
        "trade_price": _num(e.trade_price),
        "mark_price": _num(e.mark_price),
        "realized_pnl": _num(e.realized_pnl),
        "fee": _num(e.fee),
        "execution": e.execution,
        "collateral": None,
        "contract": e.contract,
        "funding_rate": _num(e.funding_rate),
        "realized_funding": _num(e.realized_funding),
        "conversion_spread_percentage": None,
    }
    if version >= 3:
        row.update(dict.fromkeys(_V3_EXTRA))
    return row


def account_log(
    ctx: FuturesContext, params: dict[str, list[str]], *, version: int
) -> tuple[int, dict[str, Any]]:
    log = ctx.account.truth.futures_log
    count = _int(params, "count", DEFAULT_LOG_COUNT)
    sort = _first(params, "sort") or "desc"
    if count is None or not 1 <= count <= MAX_LOG_COUNT or sort not in ("asc", "desc"):
        raise KrakenError(FUTURES_INVALID_ARGUMENT)
    first_id, last_id = _int(params, "from", 1), _int(params, "to", len(log))
    lo, hi = max(first_id or 1, 1) - 1, min(last_id or 0, len(log))
    stamps = [e.ms for e in log]
    since, before = _int(params, "since", None), _int(params, "before", None)
    if since is not None:
        lo = max(lo, bisect.bisect_left(stamps, since))
    if before is not None:
        hi = min(hi, bisect.bisect_left(stamps, before))
    infos = {i.strip() for raw in params.get("info", []) for i in raw.split(",") if i.strip()}
    rows = [e for e in log[lo : max(lo, hi)] if not infos or e.info in infos]
    rows = rows[:count] if sort == "asc" else list(reversed(rows[-count:]))
    payload = {
        "accountUid": ctx.account.account_uid,
        "logs": [log_json(e, version=version) for e in rows],
    }
    return account_log_cost(count), payload
