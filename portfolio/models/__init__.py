"""The core app's models, one module per concern."""

from portfolio.models.futures import (
    FuturesAccountSnapshot,
    FuturesFill,
    FuturesLogEntry,
    FuturesPosition,
)
from portfolio.models.imports import ImportRecord, ImportState
from portfolio.models.orders import OpenOrder, OrderMarket
from portfolio.models.snapshots import (
    Asset,
    AssetPair,
    BalanceLine,
    BalanceSnapshot,
    MarginPosition,
    TradeBalanceSnapshot,
)
from portfolio.models.spot import ClosedOrder, DerivedTrade, DerivedTradeKind, LedgerEntry, Trade
from portfolio.models.sync import (
    ACTIVE_STATES,
    DataSet,
    Reconciliation,
    SyncCursor,
    SyncRun,
    SyncState,
    SyncTrigger,
)
from portfolio.prices.models import (  # the shared price store (app_label portfolio)
    ManualPrice,
    PriceCoverage,
    PriceQuote,
)

__all__ = [
    "ACTIVE_STATES",
    "Asset",
    "AssetPair",
    "BalanceLine",
    "BalanceSnapshot",
    "ClosedOrder",
    "OpenOrder",
    "OrderMarket",
    "DataSet",
    "DerivedTrade",
    "DerivedTradeKind",
    "FuturesAccountSnapshot",
    "FuturesFill",
    "FuturesLogEntry",
    "FuturesPosition",
    "ImportRecord",
    "ImportState",
    "LedgerEntry",
    "ManualPrice",
    "MarginPosition",
    "PriceCoverage",
    "PriceQuote",
    "Reconciliation",
    "SyncCursor",
    "SyncRun",
    "SyncState",
    "SyncTrigger",
    "Trade",
    "TradeBalanceSnapshot",
]
