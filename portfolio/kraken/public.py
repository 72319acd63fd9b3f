"""Kraken spot public endpoints (GET, no key): server time, assets, pairs, prices."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import requests

from portfolio.kraken import parsing
from portfolio.kraken.common import Params, encode, make_session, make_transport
from portfolio.kraken.endpoints import SPOT_PUBLIC
from portfolio.kraken.errors import ForbiddenEndpointError
from portfolio.kraken.ratelimit import PUBLIC_TIER, RateTier
from portfolio.kraken.records import AssetInfo, AssetPair, OHLCBar, PublicTrade, Ticker
from portfolio.kraken.state import SharedState
from portfolio.kraken.transport import Budget, Call, RetryPolicy, spot_result


class KrakenPublicClient:
    """Public spot data. Calls share one ~1/s budget per base URL across all processes."""

    def __init__(
        self,
        *,
        base_url: str = "https://api.kraken.com",
        state: SharedState | None = None,
        timeout: float = 30,
        max_retries: int = 6,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        tier: RateTier = PUBLIC_TIER,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = make_session(session)
        self.tier = tier
        self.state, self.transport = make_transport(
            state=state, sleep=sleep, max_retries=max_retries, retry=retry
        )

    def call(self, method: str, params: Params | None = None) -> Any:
        """GET /0/public/<method>; the `result` of the envelope."""
        if method not in SPOT_PUBLIC:
            raise ForbiddenEndpointError(
                f"{method} is not a whitelisted public endpoint",
                kraken_error="forbidden",
                endpoint=method,
            )
        url = f"{self.base_url}/0/public/{method}"
        query = encode(params or {})

        def send(_nonce: int | None) -> requests.Response:
            full = f"{url}?{query}" if query else url
            return self.session.get(full, timeout=self.timeout)

        budget = Budget(f"public:{self.base_url}", self.tier, Decimal(1))
        return self.transport.execute(
            Call(method, send, lambda r: spot_result(r, method), budget=budget)
        )

    def server_time(self) -> datetime:
        return parsing.utc_from_unix(self.call("Time")["unixtime"])

    def system_status(self) -> str:
        """Kraken's state: "online", "maintenance", "cancel_only" or "post_only"."""
        return str(self.call("SystemStatus")["status"])

    def assets(
        self, assets: Sequence[str] | None = None, aclass: str | None = None
    ) -> dict[str, AssetInfo]:
        result = self.call("Assets", {"asset": assets or None, "aclass": aclass})
        return {code: parsing.asset_info(code, raw) for code, raw in result.items()}

    def asset_pairs(self, pairs: Sequence[str] | None = None) -> dict[str, AssetPair]:
        result = self.call("AssetPairs", {"pair": pairs or None})
        return {pair_id: parsing.asset_pair(pair_id, raw) for pair_id, raw in result.items()}

    def ticker(self, pairs: Sequence[str] | None = None) -> dict[str, Ticker]:
        result = self.call("Ticker", {"pair": pairs or None})
        return {pair: parsing.ticker(pair, raw) for pair, raw in result.items()}

    def ohlc(
        self, pair: str, *, interval: int = 1, since: int | None = None
    ) -> tuple[tuple[OHLCBar, ...], int]:
        """Bars (the last one is the still-open candle) and Kraken's `last` cursor."""
        result = self.call("OHLC", {"pair": pair, "interval": interval, "since": since})
        last = int(result.pop("last"))
        bars = tuple(parsing.ohlc_bar(key, row) for key, rows in result.items() for row in rows)
        return bars, last

    def recent_trades(
        self, pair: str, *, since: str | None = None, count: int | None = None
    ) -> tuple[tuple[PublicTrade, ...], str]:
        """Public trades and Kraken's `last` cursor (a nanosecond id string)."""
        result = self.call("Trades", {"pair": pair, "since": since, "count": count})
        last = str(result.pop("last"))
        rows = tuple(parsing.public_trade(key, row) for key, rows in result.items() for row in rows)
        return rows, last
