"""Selectors for the open-orders page: each connection's resting orders and, per asset, the
balance Kraken reports (BalanceEx) split into what orders hold and what is available."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import KrakenConnection
from portfolio.models import BalanceSnapshot, OpenOrder, OrderMarket


@dataclass(frozen=True)
class AssetHold:
    asset: str
    total: Decimal  # BalanceEx balance
    held: Decimal  # BalanceEx hold_trade
    available: Decimal  # balance + credit - credit_used - hold_trade (Kraken's rule)
    orders_hold: Decimal  # the sum of what our stored orders hold

    @property
    def explained(self) -> bool:
        """The orders account for exactly what Kraken says is held."""
        return self.orders_hold == self.held


@dataclass
class ConnectionOrders:
    connection: KrakenConnection
    spot: list[OpenOrder] = field(default_factory=list)
    futures: list[OpenOrder] = field(default_factory=list)
    holds: list[AssetHold] = field(default_factory=list)
    taken_at: object = None


def open_orders_for(*, user) -> list[ConnectionOrders]:
    """Every connection of the user with its stored open orders and held balances (3 queries)."""
    connections = list(KrakenConnection.objects.filter(user=user, csv_only=False))
    by_id = {c.pk: ConnectionOrders(connection=c) for c in connections}
    orders = OpenOrder.objects.filter(connection__in=connections).order_by(
        "connection_id", "market", "pair", "-opened_at", "order_id"
    )
    held_by_orders: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for order in orders:
        view = by_id[order.connection_id]
        (view.spot if order.market == OrderMarket.SPOT else view.futures).append(order)
        view.taken_at = view.taken_at or order.taken_at
        if order.hold_raw_asset:
            held_by_orders[(order.connection_id, order.hold_raw_asset)] += order.hold
    for view in by_id.values():
        view.holds = _holds(view.connection, held_by_orders)
    return list(by_id.values())


def _holds(connection, held_by_orders) -> list[AssetHold]:
    snapshot = (
        BalanceSnapshot.objects.filter(connection=connection).prefetch_related("lines").first()
    )
    if snapshot is None:
        return []
    out = []
    for line in snapshot.lines.all():
        ours = held_by_orders.get((connection.pk, line.raw_asset), Decimal(0))
        if not line.hold_trade and not ours:
            continue
        total = line.balance_ex if line.balance_ex is not None else line.balance
        available = total + line.credit - line.credit_used - line.hold_trade
        out.append(AssetHold(line.asset, total, line.hold_trade, available, ours))
    return out
