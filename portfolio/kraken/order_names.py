"""Kraken's order codes -> the words a page shows.

Spot (OpenOrders ``descr``): ``type`` buy/sell, ``ordertype`` market, limit, stop-loss,
take-profit, stop-loss-limit, take-profit-limit, trailing-stop, trailing-stop-limit,
settle-position, iceberg; ``status`` pending, open, closed, canceled, expired.
Futures (/derivatives/api/v3/openorders): ``side`` buy/sell, ``orderType`` lmt, stp, take_profit,
trailing_stop, post, ioc, mkt; ``status`` untouched, partiallyFilled.
"""

ORDER_TYPES: dict[str, str] = {
    "lmt": "limit",
    "limit": "limit",
    "post": "post-only limit",
    "ioc": "immediate-or-cancel",
    "mkt": "market",
    "market": "market",
    "stp": "stop",
    "stop-loss": "stop-loss",
    "stop-loss-limit": "stop-loss limit",
    "take_profit": "take-profit",
    "take-profit": "take-profit",
    "take-profit-limit": "take-profit limit",
    "trailing_stop": "trailing stop",
    "trailing-stop": "trailing stop",
    "trailing-stop-limit": "trailing stop limit",
    "settle-position": "settle position",
    "iceberg": "iceberg",
}

STATUSES: dict[str, str] = {
    "untouched": "Open, not filled",
    "partiallyfilled": "Open, partly filled",
    "open": "Open",
    "pending": "Pending",
    "closed": "Closed",
    "canceled": "Cancelled",
    "cancelled": "Cancelled",
    "expired": "Expired",
}


def order_kind(side: str, order_type: str) -> str:
    """("buy", "lmt") -> "Buy limit"; an unknown code is shown as Kraken wrote it."""
    kind = ORDER_TYPES.get(order_type.strip().lower(), order_type.strip())
    return " ".join(part for part in (side.strip().capitalize(), kind) if part)


def order_status(status: str) -> str:
    """ "untouched" -> "Open, not filled"; an unknown code is shown as Kraken wrote it."""
    return STATUSES.get(status.strip().lower(), status.strip())
