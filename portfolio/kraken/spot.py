"""Kraken spot private endpoints (read-only) and paging over ledgers, trades and closed orders."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import requests

from portfolio.kraken import parsing
from portfolio.kraken.common import Params, encode, make_session, make_transport
from portfolio.kraken.endpoints import SPOT_PRIVATE
from portfolio.kraken.errors import ForbiddenEndpointError
from portfolio.kraken.paging import Cursor, Progress, walk_range
from portfolio.kraken.parsing import EPOCH
from portfolio.kraken.public import KrakenPublicClient
from portfolio.kraken.ratelimit import TIERS, RateTier
from portfolio.kraken.records import (
    AssetBalance,
    BalanceExEntry,
    ClosedOrder,
    ExportStatus,
    LedgerEntry,
    OpenPosition,
    Page,
    Trade,
    TradeBalance,
)
from portfolio.kraken.signing import spot_signature
from portfolio.kraken.state import SharedState
from portfolio.kraken.transport import Budget, Call, RetryPolicy, spot_result

QUERY_BATCH = 20  # QueryLedgers / QueryTrades take at most 20 ids


class KrakenSpotClient:
    """Read-only spot client. Public endpoints are on `.public` (same state and session).

    Every call runs under the key's shared lock and rate counter (see transport); `state`
    decides how far that sharing reaches: MemoryState (default), FileState or RedisState.
    """

    def __init__(
        self,
        *,
        api_key: str,
        api_secret: str,
        base_url: str = "https://api.kraken.com",
        tier: RateTier = TIERS["starter"],
        state: SharedState | None = None,
        timeout: float = 30,
        max_retries: int = 6,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._api_key = api_key
        self._api_secret = api_secret
        self.base_url = base_url.rstrip("/")
        self.tier = tier
        self.timeout = timeout
        self.session = make_session(session)
        self.state, self.transport = make_transport(
            state=state, sleep=sleep, max_retries=max_retries, retry=retry
        )
        self.public = KrakenPublicClient(
            base_url=base_url,
            state=self.state,
            timeout=timeout,
            max_retries=max_retries,
            session=self.session,
            sleep=sleep,
            retry=retry,
        )

    def __repr__(self) -> str:
        return f"KrakenSpotClient(base_url={self.base_url!r})"  # never the key

    # -- transport -------------------------------------------------------------------------

    def call(self, method: str, params: Params | None = None, *, raw: bool = False) -> Any:
        """POST /0/private/<method> for a whitelisted method; the envelope's `result`.

        With raw=True a successful binary reply (RetrieveExport's ZIP) is returned as bytes.
        """
        endpoint = SPOT_PRIVATE.get(method)
        if endpoint is None:
            raise ForbiddenEndpointError(
                f"{method} is not on the read-only whitelist; this client never trades",
                kraken_error="forbidden",
                endpoint=method,
            )
        path = f"/0/private/{method}"
        budget = Budget(f"spot:{self._api_key}", self.tier, Decimal(endpoint.cost))

        def send(nonce: int | None) -> requests.Response:
            body = encode({"nonce": nonce, **(params or {})})
            sign = spot_signature(
                secret=self._api_secret, url_path=path, nonce=str(nonce), body=body
            )
            headers = {
                "API-Key": self._api_key,
                "API-Sign": sign,
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            }
            return self.session.post(
                self.base_url + path, data=body.encode(), headers=headers, timeout=self.timeout
            )

        def interpret(response: requests.Response) -> Any:
            if raw and response.status_code == 200 and _is_binary(response):
                return response.content
            return spot_result(response, method, endpoint.permissions)

        call = Call(method, send, interpret, lock_key=self._api_key, budget=budget)
        return self.transport.execute(call)

    # -- balances ---------------------------------------------------------------------------

    def balance(self) -> tuple[AssetBalance, ...]:
        return parsing.balances(self.call("Balance"))

    def balance_ex(self) -> tuple[BalanceExEntry, ...]:
        return parsing.balance_ex(self.call("BalanceEx"))

    def trade_balance(self, asset: str = "ZUSD") -> TradeBalance:
        return parsing.trade_balance(self.call("TradeBalance", {"asset": asset}))

    def open_positions(self, *, docalcs: bool = False) -> tuple[OpenPosition, ...]:
        result = self.call("OpenPositions", {"docalcs": docalcs}) or {}
        return tuple(parsing.open_position(posid, raw) for posid, raw in result.items())

    # -- open orders (the same order shape as ClosedOrders, status "open") ---------------------

    def open_orders(self) -> tuple[ClosedOrder, ...]:
        result = self.call("OpenOrders") or {}
        return tuple(
            parsing.closed_order(txid, raw) for txid, raw in result.get("open", {}).items()
        )

    def query_orders(
        self, txids: Sequence[str], *, trades: bool = False
    ) -> tuple[ClosedOrder, ...]:
        """Orders open or closed by txid, 50 a call."""
        out: list[ClosedOrder] = []
        for start in range(0, len(txids), 50):
            batch = ",".join(txids[start : start + 50])
            result = self.call("QueryOrders", {"txid": batch, "trades": trades}) or {}
            out.extend(parsing.closed_order(txid, raw) for txid, raw in result.items())
        return tuple(out)

    def websockets_token(self) -> tuple[str, int]:
        result = self.call("GetWebSocketsToken")
        return result["token"], int(result["expires"])

    # -- ledgers ----------------------------------------------------------------------------

    def ledgers_page(
        self,
        *,
        start: Cursor = None,
        end: Cursor = None,
        ofs: int = 0,
        asset: str | Sequence[str] | None = None,
        type: str | None = None,
        without_count: bool = False,
    ) -> Page[LedgerEntry]:
        """One page (up to 50, newest first) of (start, end]; `count` is the range total."""
        params = {
            "start": start,
            "end": end,
            "ofs": ofs or None,
            "asset": asset,
            "type": type,
            "without_count": without_count or None,
        }
        result = self.call("Ledgers", params) or {}
        items = tuple(
            parsing.ledger_entry(i, raw) for i, raw in (result.get("ledger") or {}).items()
        )
        return Page(items, _count(result))

    def iter_ledgers(
        self,
        *,
        start: Cursor = None,
        end: Cursor = None,
        asset: str | None = None,
        type: str | None = None,
        progress: Progress | None = None,
    ) -> Iterator[LedgerEntry]:
        """Every ledger entry in (start, end], newest first, each once (see paging)."""

        def fetch(s: Cursor, e: Cursor, ofs: int) -> Page[LedgerEntry]:
            return self.ledgers_page(start=s, end=e, ofs=ofs, asset=asset, type=type)

        # Kraken's count is unreliable for filtered ledger queries: verify only unfiltered ones.
        strict = asset is None and type in (None, "all")
        return walk_range(
            fetch,
            ident=lambda x: x.ledger_id,
            stamp=lambda x: x.timestamp,
            start=start,
            end=end,
            progress=progress,
            strict=strict,
            endpoint="Ledgers",
        )

    def query_ledgers(self, ids: Sequence[str]) -> tuple[LedgerEntry, ...]:
        entries: list[LedgerEntry] = []
        for batch in _batches(ids):
            result = self.call("QueryLedgers", {"id": batch}) or {}
            entries.extend(parsing.ledger_entry(i, raw) for i, raw in result.items())
        return tuple(entries)

    # -- trades and orders ------------------------------------------------------------------

    def trades_history_page(
        self,
        *,
        start: Cursor = None,
        end: Cursor = None,
        ofs: int = 0,
        type: str = "all",
        trades: bool = False,
        ledgers: bool = False,
    ) -> Page[Trade]:
        params = {
            "start": start,
            "end": end,
            "ofs": ofs or None,
            "type": type,
            "trades": trades or None,
            "ledgers": ledgers or None,
        }
        result = self.call("TradesHistory", params) or {}
        items = tuple(parsing.trade(t, raw) for t, raw in (result.get("trades") or {}).items())
        return Page(items, _count(result))

    def iter_trades(
        self,
        *,
        start: Cursor = None,
        end: Cursor = None,
        ledgers: bool = False,
        progress: Progress | None = None,
    ) -> Iterator[Trade]:
        def fetch(s: Cursor, e: Cursor, ofs: int) -> Page[Trade]:
            return self.trades_history_page(start=s, end=e, ofs=ofs, ledgers=ledgers)

        return walk_range(
            fetch,
            ident=lambda x: x.txid,
            stamp=lambda x: x.timestamp,
            start=start,
            end=end,
            progress=progress,
            endpoint="TradesHistory",
        )

    def query_trades(self, txids: Sequence[str], *, trades: bool = False) -> tuple[Trade, ...]:
        found: list[Trade] = []
        for batch in _batches(txids):
            result = self.call("QueryTrades", {"txid": batch, "trades": trades or None}) or {}
            found.extend(parsing.trade(t, raw) for t, raw in result.items())
        return tuple(found)

    def closed_orders_page(
        self,
        *,
        start: Cursor = None,
        end: Cursor = None,
        ofs: int = 0,
        trades: bool = False,
        closetime: str = "both",
    ) -> Page[ClosedOrder]:
        params = {
            "start": start,
            "end": end,
            "ofs": ofs or None,
            "trades": trades or None,
            "closetime": closetime,
        }
        result = self.call("ClosedOrders", params) or {}
        items = tuple(
            parsing.closed_order(t, raw) for t, raw in (result.get("closed") or {}).items()
        )
        return Page(items, _count(result))

    def iter_closed_orders(
        self,
        *,
        start: Cursor = None,
        end: Cursor = None,
        trades: bool = False,
        progress: Progress | None = None,
    ) -> Iterator[ClosedOrder]:
        """Every order closed in (start, end], newest close first, each once.

        Pages by close time (closetime=close) with the close time as the walk's stamp, so the
        bound the walk pins and the order Kraken pages in are the same time; with the default
        closetime=both an order opened before the pinned end but closed after it changes the
        count mid-walk. Close time is also the right cursor for incremental syncs.
        """

        def fetch(s: Cursor, e: Cursor, ofs: int) -> Page[ClosedOrder]:
            return self.closed_orders_page(
                start=s, end=e, ofs=ofs, trades=trades, closetime="close"
            )

        return walk_range(
            fetch,
            ident=lambda x: x.txid,
            stamp=lambda x: _exact_unix(x.closetm or x.opentm),
            start=start,
            end=end,
            progress=progress,
            endpoint="ClosedOrders",
        )

    # -- exports ----------------------------------------------------------------------------

    def add_export(
        self,
        *,
        report: str,
        description: str,
        format: str = "CSV",
        fields: str = "all",
        starttm: Cursor = None,
        endtm: Cursor = None,
    ) -> str:
        params = {
            "report": report,
            "description": description,
            "format": format,
            "fields": fields,
            "starttm": starttm,
            "endtm": endtm,
        }
        return str(self.call("AddExport", params)["id"])

    def export_status(self, report: str) -> tuple[ExportStatus, ...]:
        return tuple(
            parsing.export_status(raw) for raw in self.call("ExportStatus", {"report": report})
        )

    def retrieve_export(self, export_id: str) -> bytes:
        """The export's ZIP file as bytes; see exports.parse_export_zip."""
        data = self.call("RetrieveExport", {"id": export_id}, raw=True)
        if not isinstance(data, bytes):
            raise ValueError(f"RetrieveExport returned JSON instead of a ZIP: {data!r}")
        return data

    def remove_export(self, export_id: str, *, type: str = "delete") -> bool:
        return bool(self.call("RemoveExport", {"id": export_id, "type": type}).get(type))


def _count(result: dict[str, Any]) -> int | None:
    count = result.get("count")
    return None if count is None else int(count)


def _exact_unix(moment: datetime) -> Decimal:
    delta = moment - EPOCH
    return Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds).scaleb(-6)


def _batches(ids: Sequence[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), QUERY_BATCH):
        yield list(ids[i : i + QUERY_BATCH])


def _is_binary(response: requests.Response) -> bool:
    kind = response.headers.get("Content-Type", "")
    return "zip" in kind or "octet-stream" in kind or response.content[:2] == b"PK"
