"""The synced Kraken tables, read-only, filtered and cursor-paginated."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from portfolio.api import filters
from portfolio.api.serializers import synced as s
from portfolio.api.views.base import OwnedList, connection_ids
from portfolio.models import (
    BalanceLine,
    BalanceSnapshot,
    ClosedOrder,
    FuturesFill,
    FuturesLogEntry,
    FuturesPosition,
    LedgerEntry,
    Trade,
)

TAGS = ["synced data"]


def _listed(summary: str):
    return extend_schema_view(get=extend_schema(tags=TAGS, summary=summary))


@_listed("Ledger entries, oldest first")
class LedgerEntryList(OwnedList):
    model = LedgerEntry
    serializer_class = s.LedgerEntrySerializer
    filterset_class = filters.LedgerFilter
    cursor_ordering = ("time", "id")


@_listed("Trades, oldest first")
class TradeList(OwnedList):
    model = Trade
    serializer_class = s.TradeSerializer
    filterset_class = filters.TradeFilter
    cursor_ordering = ("time", "id")


@_listed("Closed orders, by opening time")
class ClosedOrderList(OwnedList):
    model = ClosedOrder
    serializer_class = s.ClosedOrderSerializer
    filterset_class = filters.ClosedOrderFilter
    cursor_ordering = ("opentm", "id")


@_listed("Balances in each connection's latest Balance snapshot")
class BalanceList(OwnedList):
    model = BalanceLine
    serializer_class = s.BalanceSerializer
    filterset_class = filters.BalanceFilter
    cursor_ordering = ("id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BalanceLine.objects.none()
        latest = [
            snapshot.pk
            for snapshot in (
                BalanceSnapshot.objects.filter(connection_id=pk).order_by("-taken_at").first()
                for pk in connection_ids(self.request.user)
            )
            if snapshot is not None
        ]
        return BalanceLine.objects.filter(snapshot_id__in=latest).select_related("snapshot")


@_listed("Kraken Futures fills, oldest first")
class FuturesFillList(OwnedList):
    model = FuturesFill
    serializer_class = s.FuturesFillSerializer
    filterset_class = filters.FuturesFillFilter
    cursor_ordering = ("fill_time", "id")


@_listed("Kraken Futures account log, oldest first")
class FuturesLogList(OwnedList):
    model = FuturesLogEntry
    serializer_class = s.FuturesLogEntrySerializer
    filterset_class = filters.FuturesLogFilter
    cursor_ordering = ("date", "id")


@_listed("Open Kraken Futures positions (as of the last sync)")
class FuturesPositionList(OwnedList):
    model = FuturesPosition
    serializer_class = s.FuturesPositionSerializer
    filterset_class = filters.PositionFilter
    cursor_ordering = ("id",)
