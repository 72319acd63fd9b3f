"""Kraken Futures read-only client: accounts, open positions, fills and the account log.

Futures keys are separate from spot keys. Signing (Authent) hashes the query string as sent plus
the nonce plus the path without "/derivatives". Two budgets are modelled in shared state:
/derivatives (500 per 10 s) and /history (100 tokens per 10 min). The account log lives at
/api/history/v3 in current docs; a server that answers 404 there is asked at v2 instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import requests

from portfolio.kraken.common import Params, encode, make_session, make_transport
from portfolio.kraken.endpoints import (
    FUTURES_FILLS_BEFORE_COST,
    FUTURES_PRIVATE,
    futures_account_log_cost,
)
from portfolio.kraken.errors import (
    BadResponseError,
    ForbiddenEndpointError,
    NotFoundError,
    error_from_kraken,
)
from portfolio.kraken.paging import Progress
from portfolio.kraken.parsing import loads
from portfolio.kraken.parsing_futures import (
    futures_account,
    futures_fill,
    futures_log_entry,
    futures_open_order,
    futures_position,
)
from portfolio.kraken.ratelimit import FUTURES_DERIVATIVES_TIER, FUTURES_HISTORY_TIER, RateTier
from portfolio.kraken.records import (
    FuturesAccount,
    FuturesFill,
    FuturesLogEntry,
    FuturesOpenOrder,
    FuturesPosition,
)
from portfolio.kraken.signing import futures_signature
from portfolio.kraken.state import SharedState
from portfolio.kraken.transport import Budget, Call, RetryPolicy, check_http_status

ACCOUNT_LOG_PAGE = 500
FILLS_PAGE = 100  # /fills returns at most 100 fills a call


class KrakenFuturesClient:
    def __init__(
        self,
        *,
        api_key: str,
        api_secret: str,
        base_url: str = "https://futures.kraken.com",
        state: SharedState | None = None,
        timeout: float = 30,
        max_retries: int = 6,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        derivatives_tier: RateTier = FUTURES_DERIVATIVES_TIER,
        history_tier: RateTier = FUTURES_HISTORY_TIER,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._api_key = api_key
        self._api_secret = api_secret
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = make_session(session)
        self.tiers = {"derivatives": derivatives_tier, "history": history_tier}
        self.history_version = "v3"
        self.state, self.transport = make_transport(
            state=state, sleep=sleep, max_retries=max_retries, retry=retry
        )

    def __repr__(self) -> str:
        return f"KrakenFuturesClient(base_url={self.base_url!r})"

    def call(self, path: str, params: Params | None = None, *, cost: int | None = None) -> Any:
        """Signed GET of a whitelisted futures path; the decoded JSON body."""
        if path not in FUTURES_PRIVATE:
            raise ForbiddenEndpointError(
                f"{path} is not on the read-only whitelist", kraken_error="forbidden", endpoint=path
            )
        budget_name, default_cost = FUTURES_PRIVATE[path]
        tier = self.tiers[budget_name]
        budget = Budget(
            f"futures-{budget_name}:{self._api_key}", tier, Decimal(cost or default_cost)
        )
        query = encode(params or {})

        def send(nonce: int | None) -> requests.Response:
            sign = futures_signature(
                secret=self._api_secret, endpoint_path=path, nonce=str(nonce), post_data=query
            )
            headers = {"APIKey": self._api_key, "Nonce": str(nonce), "Authent": sign}
            url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
            return self.session.get(url, headers=headers, timeout=self.timeout)

        lock_key = f"futures:{self._api_key}"
        return self.transport.execute(
            Call(path, send, lambda r: futures_result(r, path), lock_key=lock_key, budget=budget)
        )

    def accounts(self) -> dict[str, FuturesAccount]:
        body = self.call("/derivatives/api/v3/accounts")
        return {name: futures_account(name, raw) for name, raw in body["accounts"].items()}

    def open_positions(self) -> tuple[FuturesPosition, ...]:
        body = self.call("/derivatives/api/v3/openpositions")
        return tuple(futures_position(raw) for raw in body.get("openPositions") or [])

    def open_orders(self) -> tuple[FuturesOpenOrder, ...]:
        body = self.call("/derivatives/api/v3/openorders")
        return tuple(futures_open_order(raw) for raw in body.get("openOrders") or [])

    def fills(self, last_fill_time: datetime | None = None) -> tuple[FuturesFill, ...]:
        """The 100 newest fills, or the 100 before `last_fill_time` (costs 25 instead of 2)."""
        params = {"lastFillTime": _iso(last_fill_time)} if last_fill_time else {}
        cost = FUTURES_FILLS_BEFORE_COST if last_fill_time else None
        body = self.call("/derivatives/api/v3/fills", params, cost=cost)
        return tuple(futures_fill(raw) for raw in body.get("fills") or [])

    def iter_fills(self, *, since: datetime | None = None) -> Iterator[FuturesFill]:
        """Every fill at or after `since`, newest first, each once.

        `since` is the time of the newest fill the caller already holds: paging stops at the
        page that reaches it (fills sharing that millisecond come with it) or at a page short
        of Kraken's 100, which is the oldest there is, so nothing new costs one call.
        """
        seen: set[str] = set()
        cursor: datetime | None = None
        while True:
            page = self.fills(cursor)
            fresh = [f for f in page if f.fill_id not in seen]
            for fill in fresh:
                seen.add(fill.fill_id)
                if since is None or fill.fill_time >= since:
                    yield fill
            if len(page) < FILLS_PAGE or not fresh:
                return
            oldest = min(f.fill_time for f in page)
            if (since is not None and oldest <= since) or (cursor is not None and oldest >= cursor):
                return
            cursor = oldest

    def account_log(
        self,
        *,
        since: datetime | None = None,
        before: datetime | None = None,
        from_id: int | None = None,
        to_id: int | None = None,
        count: int = ACCOUNT_LOG_PAGE,
        sort: str = "desc",
    ) -> tuple[FuturesLogEntry, ...]:
        params = {
            "since": _ms(since),
            "before": _ms(before),
            "from": from_id,
            "to": to_id,
            "count": count,
            "sort": sort,
        }
        cost = futures_account_log_cost(count)
        try:
            body = self.call(self._log_path(), params, cost=cost)
        except NotFoundError as error:
            if self.history_version != "v3" or error.kraken_error != "HTTP 404":
                raise
            self.history_version = "v2"
            body = self.call(self._log_path(), params, cost=cost)
        return tuple(futures_log_entry(raw) for raw in body.get("logs") or [])

    def iter_account_log(
        self, *, from_id: int = 1, progress: Progress | None = None
    ) -> Iterator[FuturesLogEntry]:
        """Every log row with id >= from_id, oldest first (ids are consecutive from 1)."""
        received = 0
        while True:
            page = self.account_log(from_id=from_id, sort="asc")
            yield from page
            received += len(page)
            if progress is not None:
                progress(received, None)
            if len(page) < ACCOUNT_LOG_PAGE:
                return
            from_id = max(e.id for e in page) + 1

    def _log_path(self) -> str:
        return f"/api/history/{self.history_version}/account-log"


def futures_result(response: requests.Response, endpoint: str) -> Any:
    """The decoded body, or the mapped exception for `result: error` / HTTP failures."""
    try:
        body = loads(response.content)
    except ValueError:
        body = None
    if response.status_code == 404:  # checked first: it drives the v3 -> v2 fallback
        raise NotFoundError(
            f"Kraken Futures has no {endpoint}", kraken_error="HTTP 404", endpoint=endpoint
        )
    if isinstance(body, dict) and body.get("error") and body.get("result") != "success":
        raise error_from_kraken(str(body["error"]), endpoint=endpoint)
    check_http_status(response, endpoint)
    if not isinstance(body, dict):
        raise BadResponseError(
            f"Kraken Futures' reply is not a JSON object ({endpoint})",
            kraken_error="invalid JSON",
            endpoint=endpoint,
        )
    return body


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)
