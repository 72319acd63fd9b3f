"""A simulated Kraken account: credentials, permissions, limiters, ground truth and sorted views."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterable
from typing import Any

from .exports import ExportStore
from .generator import Generator
from .limits import (
    DERIVATIVES_BUDGET,
    HISTORY_BUDGET,
    TIERS,
    FuturesNonces,
    NonceTracker,
    spot_counter,
    token_bucket,
)
from .market import Market
from .paging import SortedView, sort_key
from .records import ClosedOrder, LedgerEntry, Trade, Truth

# Kraken's key permission groups, by the names its key-creation page uses.
PERMISSIONS = frozenset(
    {
        "query_funds",
        "query_open_orders_and_trades",
        "query_closed_orders_and_trades",
        "query_ledger_entries",
        "export_data",
        "access_websockets_api",
    }
)
_TRADE_FILTERS = {
    "all": lambda t: True,
    "any position": lambda t: t.margin != 0,
    "closed position": lambda t: t.posstatus == "closed",
    "closing position": lambda t: "closing" in t.misc,
    "no position": lambda t: t.margin == 0,
}


def normalize_permissions(names: Iterable[str] | None) -> frozenset[str]:
    """Accept "Query Ledger Entries", "query-ledger-entries" or "query_ledger_entries"."""
    if names is None:
        return PERMISSIONS
    out = set()
    for name in names:
        key = name.strip().lower().replace("&", "and").replace("-", " ").replace(" ", "_")
        key = key.replace("__", "_")
        if key not in PERMISSIONS:
            raise ValueError(f"unknown permission {name!r}; known: {sorted(PERMISSIONS)}")
        out.add(key)
    return frozenset(out)


def _derive(label: str, size: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha512(f"{label}:{counter}".encode()).digest()
        counter += 1
    return out[:size]


class AccountViews:
    """Sorted, filtered views of the truth, cached until the account changes."""

    def __init__(self, truth: Truth) -> None:
        self.truth = truth
        self._cache: dict[Any, Any] = {}

    def invalidate(self) -> None:
        self._cache.clear()

    def _cached(self, key: Any, build: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def ledger_index(self) -> dict[str, LedgerEntry]:
        return self._cached("ledger_index", lambda: {e.id: e for e in self.truth.ledgers})

    def ledger_key(self, ident: str) -> int | None:
        entry = self.ledger_index().get(ident)
        return sort_key(entry.ticks, entry.seq) if entry else None

    def ledgers(
        self, assets: frozenset[str] | None, types: frozenset[str] | None
    ) -> SortedView[LedgerEntry]:
        def build() -> SortedView[LedgerEntry]:
            rows = [
                e
                for e in self.truth.ledgers
                if (assets is None or e.asset in assets) and (types is None or e.type in types)
            ]
            return SortedView(rows, [sort_key(e.ticks, e.seq) for e in rows])

        return self._cached(("ledgers", assets, types), build)

    def trade_index(self) -> dict[str, Trade]:
        return self._cached("trade_index", lambda: {t.txid: t for t in self.truth.trades})

    def trade_key(self, ident: str) -> int | None:
        trade = self.trade_index().get(ident)
        return sort_key(trade.ticks, trade.seq) if trade else None

    def trades(self, kind: str) -> SortedView[Trade]:
        keep = _TRADE_FILTERS[kind]

        def build() -> SortedView[Trade]:
            rows = [t for t in self.truth.trades if keep(t)]
            return SortedView(rows, [sort_key(t.ticks, t.seq) for t in rows])

        return self._cached(("trades", kind), build)

    def orders(self, by_open: bool) -> SortedView[ClosedOrder]:
        def build() -> SortedView[ClosedOrder]:
            rows = sorted(self.truth.closed_orders, key=lambda o: _order_key(o, by_open))
            return SortedView(rows, [_order_key(o, by_open) for o in rows])

        return self._cached(("orders", by_open), build)

    def order_key(self, ident: str) -> int | None:
        """An order id used as a bound stands for its opening time (reference 3.8)."""
        index = self._cached("order_index", lambda: {o.txid: o for o in self.truth.closed_orders})
        order = index.get(ident)
        return _order_key(order, by_open=True) if order else None


def _order_key(order: ClosedOrder, by_open: bool) -> int:
    return sort_key(order.opentm if by_open else order.closetm, order.seq)


class SimAccount:
    """One account: spot and futures credentials over a deterministic history."""

    def __init__(
        self,
        *,
        index: int,
        seed: int,
        size: int,
        tier: str,
        permissions: Iterable[str] | None,
        market: Market,
        speed: float,
        nonce_window: int,
        lock: threading.RLock,
        mix: str = "default",
    ) -> None:
        if tier not in TIERS:
            raise ValueError(f"unknown tier {tier!r}; known: {sorted(TIERS)}")
        self.seed, self.size, self.tier = seed, size, tier
        self.permissions = normalize_permissions(permissions)
        label = f"kraken-sim:{index}:{seed}"
        self.spot_key = base64.b64encode(_derive(f"{label}:spot-key", 42)).decode()
        self.spot_secret = base64.b64encode(_derive(f"{label}:spot-secret", 64)).decode()
        self.futures_key = base64.b64encode(_derive(f"{label}:futures-key", 42)).decode()
        self.futures_secret = base64.b64encode(_derive(f"{label}:futures-secret", 64)).decode()
        self.account_uid = _uuid_from(_derive(f"{label}:uid", 16))
        self._lock = lock
        self.truth = Truth()
        self._generator = Generator(seed=seed, market=market, truth=self.truth)
        self._generator.generate(size=size, mix=mix)
        self.views = AccountViews(self.truth)
        self.nonces = NonceTracker(window=nonce_window)
        self.counter = spot_counter(tier, speed)
        self.futures_nonces = FuturesNonces()
        self.derivatives_budget = token_bucket(DERIVATIVES_BUDGET, speed)
        self.history_budget = token_bucket(HISTORY_BUDGET, speed)
        self.exports = ExportStore(seed=seed, speed=speed)

    def append_activity(self, n: int) -> list[LedgerEntry]:
        """Add exactly ``n`` new ledger rows, all newer than anything already there."""
        with self._lock:
            before = len(self.truth.ledgers)
            self._generator.append(n)
            self.views.invalidate()
            return self.truth.ledgers[before:]

    def credentials(self) -> dict[str, str]:
        return {
            "spot_key": self.spot_key,
            "spot_secret": self.spot_secret,
            "futures_key": self.futures_key,
            "futures_secret": self.futures_secret,
            "tier": self.tier,
            "permissions": ",".join(sorted(self.permissions)),
        }


def _uuid_from(raw: bytes) -> str:
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
