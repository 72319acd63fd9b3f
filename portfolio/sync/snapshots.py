"""Reference data and point-in-time state: Assets, AssetPairs, Balance(Ex), TradeBalance, positions.

Each is one call (two for balances) and one transaction: reference rows are upserted by Kraken's
code, snapshots are new rows stamped with the time they were taken, open positions replace the
stored set.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone

from portfolio.models import (
    Asset,
    AssetPair,
    BalanceLine,
    BalanceSnapshot,
    DataSet,
    MarginPosition,
    TradeBalanceSnapshot,
)
from portfolio.sync.context import SyncContext


def _upsert(model, rows, unique: list[str]) -> None:
    skip = {"id", "connection", *unique}
    update = [f.name for f in model._meta.concrete_fields if f.name not in skip]
    model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["connection", *unique], update_fields=update
    )


def reference_data_sync(*, ctx: SyncContext) -> None:
    """Assets and AssetPairs (public endpoints)."""
    cid = ctx.connection.pk
    assets = ctx.clients.public.assets()
    asset_rows = [Asset(connection_id=cid, **asdict(a)) for a in assets.values()]
    ctx.progress(DataSet.ASSETS, fetched=len(asset_rows), total=len(asset_rows), state="done")
    ctx.commit(DataSet.ASSETS, lambda: _upsert(Asset, asset_rows, ["raw_asset"]), position=None)
    pairs = ctx.clients.public.asset_pairs()
    pair_rows = [AssetPair(connection_id=cid, **asdict(p)) for p in pairs.values()]
    ctx.progress(DataSet.ASSET_PAIRS, fetched=len(pair_rows), total=len(pair_rows), state="done")
    ctx.commit(
        DataSet.ASSET_PAIRS, lambda: _upsert(AssetPair, pair_rows, ["pair_id"]), position=None
    )


def balances_sync(*, ctx: SyncContext) -> BalanceSnapshot:
    """Balance and BalanceEx, merged per asset into one snapshot."""
    balances = ctx.clients.spot.balance()
    extended = {b.raw_asset: b for b in ctx.clients.spot.balance_ex()}
    taken_at = timezone.now()
    snapshot = BalanceSnapshot(connection_id=ctx.connection.pk, sync_run=ctx.run, taken_at=taken_at)
    lines = []
    for entry in balances:
        ex = extended.pop(entry.raw_asset, None)
        lines.append(_line(entry.asset, entry.raw_asset, entry.balance, ex))
    for raw, ex in extended.items():  # in BalanceEx only
        lines.append(_line(ex.asset, raw, ex.balance, ex))

    def write() -> None:
        snapshot.save()
        for line in lines:
            line.snapshot = snapshot
        BalanceLine.objects.bulk_create(lines)

    ctx.progress(DataSet.BALANCES, fetched=len(lines), total=len(lines), state="done")
    ctx.commit(DataSet.BALANCES, write, position=None)
    return snapshot


def _line(asset, raw_asset, balance, ex) -> BalanceLine:
    return BalanceLine(
        asset=asset,
        raw_asset=raw_asset,
        balance=balance,
        balance_ex=ex.balance if ex else None,
        hold_trade=ex.hold_trade if ex else 0,
        credit=ex.credit if ex else 0,
        credit_used=ex.credit_used if ex else 0,
    )


def trade_balance_sync(*, ctx: SyncContext) -> None:
    """TradeBalance (in USD) and the open margin positions, which replace the stored ones."""
    figures = ctx.clients.spot.trade_balance("ZUSD")
    positions = ctx.clients.spot.open_positions(docalcs=True)
    cid = ctx.connection.pk
    snapshot = TradeBalanceSnapshot(
        connection_id=cid,
        sync_run=ctx.run,
        taken_at=timezone.now(),
        asset="ZUSD",
        **asdict(figures),
    )
    rows = [MarginPosition(connection_id=cid, **asdict(p)) for p in positions]

    def write() -> None:
        snapshot.save()
        MarginPosition.objects.filter(connection_id=cid).exclude(
            posid__in=[r.posid for r in rows]
        ).delete()
        _upsert(MarginPosition, rows, ["posid"])

    ctx.progress(DataSet.TRADE_BALANCE, fetched=len(rows), total=len(rows), state="done")
    ctx.commit(DataSet.TRADE_BALANCE, write, position=None)
