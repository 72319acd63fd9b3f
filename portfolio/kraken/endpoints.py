"""The read-only endpoint whitelist: cost on Kraken's rate counter and key permissions needed.

The client can only reach the endpoints listed here; the transport refuses everything else
before a byte is sent. Nothing that places, edits or cancels orders, withdraws or transfers is
listed, and a test pins that.
"""

from __future__ import annotations

from dataclasses import dataclass

QUERY_FUNDS = "Query Funds"
QUERY_LEDGER = "Query Ledger Entries"
QUERY_CLOSED = "Query Closed Orders & Trades"
QUERY_OPEN = "Query Open Orders & Trades"
EXPORT_DATA = "Export Data"
WEBSOCKET = "Access WebSockets API"


@dataclass(frozen=True, slots=True)
class Endpoint:
    cost: int
    permissions: tuple[str, ...] = ()


SPOT_PRIVATE: dict[str, Endpoint] = {
    "Balance": Endpoint(1, (QUERY_FUNDS,)),
    "BalanceEx": Endpoint(1, (QUERY_FUNDS,)),
    "TradeBalance": Endpoint(1, (QUERY_FUNDS,)),
    "TradesHistory": Endpoint(2, (QUERY_CLOSED,)),
    "QueryTrades": Endpoint(2, (QUERY_CLOSED,)),
    "Ledgers": Endpoint(2, (QUERY_FUNDS, QUERY_LEDGER)),
    "QueryLedgers": Endpoint(2, (QUERY_FUNDS, QUERY_LEDGER)),
    "OpenPositions": Endpoint(1, (QUERY_OPEN,)),
    "ClosedOrders": Endpoint(1, (QUERY_CLOSED,)),
    "OpenOrders": Endpoint(1, (QUERY_OPEN,)),
    "QueryOrders": Endpoint(1, (QUERY_CLOSED,)),
    "GetWebSocketsToken": Endpoint(1, (WEBSOCKET,)),
    "AddExport": Endpoint(1, (EXPORT_DATA, QUERY_LEDGER, QUERY_CLOSED)),
    "ExportStatus": Endpoint(1, (EXPORT_DATA,)),
    "RetrieveExport": Endpoint(1, (EXPORT_DATA,)),
    "RemoveExport": Endpoint(1, (EXPORT_DATA,)),
}

SPOT_PUBLIC = frozenset(
    {"Time", "SystemStatus", "Assets", "AssetPairs", "Ticker", "OHLC", "Trades"}
)

# Futures: path -> (budget, cost). Budgets: "derivatives" 500 per 10 s, "history" 100 per 10 min.
FUTURES_PRIVATE: dict[str, tuple[str, int]] = {
    "/derivatives/api/v3/accounts": ("derivatives", 2),
    "/derivatives/api/v3/openpositions": ("derivatives", 2),
    "/derivatives/api/v3/openorders": ("derivatives", 2),
    "/derivatives/api/v3/fills": ("derivatives", 2),
    "/api/history/v3/account-log": ("history", 1),
    "/api/history/v2/account-log": ("history", 1),
}
FUTURES_FILLS_BEFORE_COST = 25  # fills with lastFillTime


def futures_account_log_cost(count: int) -> int:
    """History tokens for an account-log call returning up to `count` rows (docs table)."""
    for limit, cost in ((25, 1), (50, 2), (1000, 3), (5000, 6)):
        if count <= limit:
            return cost
    return 10


def spot_permission_hint(method: str) -> tuple[str, ...]:
    endpoint = SPOT_PRIVATE.get(method)
    return endpoint.permissions if endpoint else ()
