"""Open orders: spot OpenOrders and futures openorders, stored as a snapshot replacing the last.

Fetched right after BalanceEx so the holds they explain belong to the same moment. What a spot
order holds follows Kraken's BalanceEx rule (see portfolio.models.orders.OpenOrder): a buy holds
the unexecuted volume x limit price of the quote, rounded up to the quote's decimals, a sell the
unexecuted volume of the base.
"""

from __future__ import annotations

from decimal import ROUND_UP, Decimal

from django.utils import timezone

from portfolio.kraken.assets import normalize_asset
from portfolio.kraken.records import ClosedOrder, FuturesOpenOrder
from portfolio.models import Asset, AssetPair, DataSet, OpenOrder, OrderMarket
from portfolio.sync.context import SyncContext


def open_orders_sync(*, ctx: SyncContext) -> int:
    spot = ctx.clients.spot.open_orders()
    futures = ctx.clients.futures.open_orders() if ctx.clients.futures is not None else ()
    cid, now = ctx.connection.pk, timezone.now()
    pairs = {p.altname: p for p in AssetPair.objects.filter(connection_id=cid)}
    places = dict(Asset.objects.filter(connection_id=cid).values_list("raw_asset", "decimals"))
    rows = [_spot_row(o, pairs, places) for o in spot] + [_futures_row(o) for o in futures]
    for row in rows:
        row.connection_id, row.sync_run, row.taken_at = cid, ctx.run, now

    def write() -> None:
        OpenOrder.objects.filter(connection_id=cid).delete()
        OpenOrder.objects.bulk_create(rows)

    ctx.progress(DataSet.OPEN_ORDERS, fetched=len(rows), total=len(rows), state="done")
    ctx.commit(DataSet.OPEN_ORDERS, write, position=None)
    return len(rows)


def spot_hold(
    *, side: str, remaining: Decimal, price: Decimal, quote_places: int | None
) -> Decimal:
    """What a spot limit order keeps out of "available" (in the quote for a buy, else the base)."""
    if side != "buy":
        return remaining
    held = remaining * price
    if quote_places is None:
        return held
    return held.quantize(Decimal(1).scaleb(-quote_places), rounding=ROUND_UP)


def _spot_row(order: ClosedOrder, pairs: dict[str, AssetPair], places: dict) -> OpenOrder:
    pair = pairs.get(order.pair)
    remaining = order.vol - order.vol_exec
    raw = ""
    if pair is not None:
        raw = pair.raw_quote if order.type == "buy" else pair.raw_base
    hold = Decimal(0)
    if pair is not None and order.ordertype == "limit":
        hold = spot_hold(
            side=order.type,
            remaining=remaining,
            price=order.descr_price,
            quote_places=places.get(pair.raw_quote),
        )
    return OpenOrder(
        market=OrderMarket.SPOT,
        order_id=order.txid,
        pair=order.pair,
        side=order.type,
        order_type=order.ordertype,
        price=order.descr_price or None,
        volume=order.vol,
        executed=order.vol_exec,
        hold_asset=normalize_asset(raw) if raw else "",
        hold_raw_asset=raw,
        hold=hold,
        opened_at=order.opentm,
        status=order.status,
        description=order.order[:200],
    )


def _futures_row(order: FuturesOpenOrder) -> OpenOrder:
    return OpenOrder(
        market=OrderMarket.FUTURES,
        order_id=order.order_id,
        pair=order.symbol,
        side=order.side,
        order_type=order.order_type,
        price=order.limit_price,
        volume=order.unfilled_size + order.filled_size,
        executed=order.filled_size,
        opened_at=order.received_time,
        status=order.status,
    )
