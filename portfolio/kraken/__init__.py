"""Read-only Kraken spot and futures clients. Plain Python: no Django import here.

    from portfolio.kraken import KrakenSpotClient, FileState, TIERS
    client = KrakenSpotClient(api_key=..., api_secret=..., tier=TIERS["pro"],
                              state=FileState("/var/lib/portfolio/kraken"))
    for entry in client.iter_ledgers(start=last_seen, progress=report):
        ...

Choose the shared state by deployment: MemoryState (default; one process), FileState(directory)
(several processes on one host, e.g. with SQLite), RedisState(url) (Celery workers anywhere).
"""

from portfolio.kraken.assets import base_asset, normalize_asset, pair_index, split_pair
from portfolio.kraken.errors import ERROR_TABLE, KrakenError
from portfolio.kraken.exports import parse_export_zip, parse_ledger_export, parse_trades_export
from portfolio.kraken.futures import KrakenFuturesClient
from portfolio.kraken.public import KrakenPublicClient
from portfolio.kraken.ratelimit import (
    FUTURES_DERIVATIVES_TIER,
    FUTURES_HISTORY_TIER,
    PUBLIC_TIER,
    TIERS,
    RateTier,
    scaled,
)
from portfolio.kraken.records import Page
from portfolio.kraken.signing import futures_signature, spot_signature
from portfolio.kraken.spot import KrakenSpotClient
from portfolio.kraken.state import FileState, MemoryState, RedisState, SharedState
from portfolio.kraken.transport import RetryPolicy

__all__ = [
    "ERROR_TABLE",
    "FUTURES_DERIVATIVES_TIER",
    "FUTURES_HISTORY_TIER",
    "PUBLIC_TIER",
    "TIERS",
    "FileState",
    "KrakenError",
    "KrakenFuturesClient",
    "KrakenPublicClient",
    "KrakenSpotClient",
    "MemoryState",
    "Page",
    "RateTier",
    "RedisState",
    "RetryPolicy",
    "SharedState",
    "base_asset",
    "futures_signature",
    "normalize_asset",
    "pair_index",
    "parse_export_zip",
    "parse_ledger_export",
    "parse_trades_export",
    "scaled",
    "split_pair",
    "spot_signature",
]
