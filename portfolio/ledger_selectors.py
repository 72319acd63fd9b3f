"""Ledger entries and trades for the transactions page: filtered, searched, keyset-paginated.

Keyset pagination (WHERE (time, id) < cursor ORDER BY time DESC, id DESC LIMIT n+1) reads the same
few index pages for the first and the last page of 100,000 rows: no OFFSET, and no COUNT(*).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import KrakenConnection
from portfolio.models import Asset, LedgerEntry, Trade

#: Kraken's ledger entry types (Ledgers API, "type"), for the filter's choices.
LEDGER_TYPES = (
    "trade", "deposit", "withdrawal", "transfer", "margin", "rollover", "spend", "receive",
    "settled", "adjustment", "staking", "earn", "reward", "sale", "credit", "dividend",
    "nfttrade", "conversion",
)  # fmt: skip
TRADE_TYPES = ("buy", "sell")
PAGE_SIZE = 50


@dataclass(frozen=True)
class TxFilters:
    kind: str = "ledger"  # or "trades"
    connection: int | None = None
    asset: str = ""
    type: str = ""
    start: date | None = None
    end: date | None = None
    q: str = ""

    def as_params(self) -> dict[str, str]:
        values = {
            "kind": self.kind,
            "connection": self.connection,
            "asset": self.asset,
            "type": self.type,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "q": self.q,
        }
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    newer: str | None = None  # cursor for the page before (newer rows)
    older: str | None = None  # cursor for the page after (older rows)
    params: dict[str, str] = field(default_factory=dict)

    @property
    def is_first(self) -> bool:
        return self.newer is None

    def _query(self, **extra: str) -> str:
        return "?" + urlencode({**self.params, **extra})

    @property
    def first_query(self) -> str:
        return self._query()

    @property
    def last_query(self) -> str:
        return self._query(last="1")

    @property
    def newer_query(self) -> str:
        return self._query(before=self.newer) if self.newer else ""

    @property
    def older_query(self) -> str:
        return self._query(after=self.older) if self.older else ""

    @property
    def is_last(self) -> bool:
        return self.older is None


def encode_cursor(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode()


def decode_cursor(text: str) -> tuple[datetime, int] | None:
    """The (time, id) a cursor names, or None for anything malformed."""
    try:
        moment, pk = base64.urlsafe_b64decode(text.encode()).decode().split("|")
        parsed = parse_datetime(moment)
        return (parsed, int(pk)) if parsed is not None else None
    except (ValueError, UnicodeDecodeError):
        return None


def _bounds(start: date | None, end: date | None) -> Q:
    zone = timezone.get_current_timezone()
    q = Q()
    if start:
        q &= Q(time__gte=datetime.combine(start, time.min, zone))
    if end:
        q &= Q(time__lt=datetime.combine(end + timedelta(days=1), time.min, zone))
    return q


def _search_ids(text: str) -> set[str]:
    """An id as typed, or an engine event id ('TXID:fee0', 'missing:LID'): each part is tried."""
    text = text.strip()
    return {text, *(part for part in text.split(":") if part)} if text else set()


def _filtered(filters: TxFilters, connection_ids: list[int]) -> QuerySet:
    ids = [c for c in connection_ids if filters.connection in (None, c)]
    if filters.kind == "trades":
        qs = Trade.objects.filter(connection_id__in=ids)
        if filters.asset:
            qs = qs.filter(Q(base=filters.asset) | Q(quote=filters.asset))
        if filters.q:
            found = _search_ids(filters.q)
            qs = qs.filter(Q(txid__in=found) | Q(ordertxid__in=found))
    else:
        qs = LedgerEntry.objects.filter(connection_id__in=ids)
        if filters.asset:
            qs = qs.filter(asset=filters.asset)
        if filters.q:
            found = _search_ids(filters.q)
            qs = qs.filter(Q(ledger_id__in=found) | Q(refid__in=found))
    if filters.type:
        qs = qs.filter(type=filters.type)
    return qs.filter(_bounds(filters.start, filters.end)).annotate(
        connection_label=F("connection__label")
    )


def transactions_page(
    *, user, filters: TxFilters, after: str = "", before: str = "", last: bool = False,
    size: int = PAGE_SIZE, connections: list[KrakenConnection] | None = None,
) -> KeysetPage:  # fmt: skip
    """One page of the user's entries (or trades), newest first: ``after`` a cursor for older
    rows, ``before`` one for newer rows, ``last`` for the oldest page."""
    connection_ids = (
        [c.pk for c in connections]
        if connections is not None
        else list(KrakenConnection.objects.filter(user=user).values_list("pk", flat=True))
    )
    qs = _filtered(filters, connection_ids)
    params = filters.as_params()
    older_than, newer_than = decode_cursor(after) if after else None, None
    if before and not older_than:
        newer_than = decode_cursor(before)
    if newer_than or last:
        if newer_than:
            t, pk = newer_than
            qs = qs.filter(Q(time__gt=t) | Q(time=t, pk__gt=pk))
        rows = list(qs.order_by("time", "pk")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return _page(rows, params, newer=more_newer, older=bool(rows) and not last)
    if older_than:
        t, pk = older_than
        qs = qs.filter(Q(time__lt=t) | Q(time=t, pk__lt=pk))
    rows = list(qs.order_by("-time", "-pk")[: size + 1])
    return _page(rows[:size], params, newer=older_than is not None, older=len(rows) > size)


def _page(rows: list, params: dict[str, str], *, newer: bool, older: bool) -> KeysetPage:
    return KeysetPage(
        rows=rows,
        newer=encode_cursor(rows[0].time, rows[0].pk) if newer and rows else None,
        older=encode_cursor(rows[-1].time, rows[-1].pk) if older and rows else None,
        params=params,
    )


def filter_choices(*, connections: list[KrakenConnection], decimals: dict[str, int]) -> dict:
    """The connections, assets and types the filter form offers (small tables only)."""
    assets = sorted(decimals)
    return {"connections": connections, "assets": assets, "ledger_types": LEDGER_TYPES,
            "trade_types": TRADE_TYPES}  # fmt: skip


def asset_decimals_for(*, user) -> dict[str, int]:
    """Each asset's decimals as Kraken lists them (the widest across the user's connections)."""
    out: dict[str, int] = {}
    rows = Asset.objects.filter(connection__user=user).values_list("asset", "decimals")
    for asset, decimals in rows:
        out[asset] = max(decimals, out.get(asset, 0))
    return out


def ledger_entries_for_asset(*, user, asset: str, size: int = 20) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(connection__user=user, asset=asset)
        .annotate(connection_label=F("connection__label"))
        .order_by("-time", "-pk")[:size]
    )
