"""Kraken records -> model rows, and idempotent writes keyed on Kraken's own ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields as dataclass_fields
from typing import Any

from django.db import models

from portfolio.kraken import records
from portfolio.models import ClosedOrder, FuturesFill, FuturesLogEntry, LedgerEntry, Trade
from portfolio.models.fields import DataSource

# The fields whose change between two answers about one id is worth recording on the run.
WATCHED = {
    LedgerEntry: ("amount", "fee", "balance", "asset"),
    Trade: ("price", "cost", "fee", "vol"),
    ClosedOrder: ("status", "vol_exec", "cost", "fee"),
    FuturesFill: ("size", "price"),
    FuturesLogEntry: ("old_balance", "new_balance", "fee"),
}
KEYS = {
    LedgerEntry: "ledger_id",
    Trade: "txid",
    ClosedOrder: "txid",
    FuturesFill: "fill_id",
    FuturesLogEntry: "log_id",
}


def ledger_row(connection_id: int, entry: records.LedgerEntry, source: str) -> LedgerEntry:
    return LedgerEntry(
        connection_id=connection_id,
        ledger_id=entry.ledger_id,
        refid=entry.refid,
        time=entry.time,
        type=entry.type,
        subtype=entry.subtype,
        aclass=entry.aclass,
        subclass=entry.subclass,
        asset=entry.asset,
        raw_asset=entry.raw_asset,
        wallet=entry.wallet,
        amount=entry.amount,
        fee=entry.fee,
        balance=entry.balance,
        amount_usd=entry.amount_usd,
        source=source,
    )


def trade_row(connection_id: int, trade: records.Trade, source: str) -> Trade:
    data = {f.name: getattr(trade, f.name) for f in dataclass_fields(trade)}
    data.pop("timestamp")
    data["ledgers"] = list(data["ledgers"])
    data["closing_trades"] = list(data["closing_trades"])
    return Trade(connection_id=connection_id, source=source, **data)


def closed_order_row(connection_id: int, order: records.ClosedOrder) -> ClosedOrder:
    data = {f.name: getattr(order, f.name) for f in dataclass_fields(order)}
    data.pop("timestamp")
    data["trades"] = list(data["trades"])
    return ClosedOrder(connection_id=connection_id, **data)


def fill_row(connection_id: int, fill: records.FuturesFill) -> FuturesFill:
    data = {f.name: getattr(fill, f.name) for f in dataclass_fields(fill)}
    return FuturesFill(connection_id=connection_id, **data)


def log_row(connection_id: int, entry: records.FuturesLogEntry) -> FuturesLogEntry:
    data = {f.name: getattr(entry, f.name) for f in dataclass_fields(entry)}
    data["log_id"] = data.pop("id")
    return FuturesLogEntry(connection_id=connection_id, **data)


def _updatable(model: type[models.Model], key: str) -> list[str]:
    skip = {"id", "connection", key}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


def changed_ids(model: type[models.Model], rows: Sequence[models.Model]) -> list[str]:
    """Ids among `rows` already stored with different watched values."""
    if not rows:
        return []
    key, watched = KEYS[model], WATCHED[model]
    by_id = {getattr(r, key): r for r in rows}
    stored = model.objects.filter(
        connection_id=rows[0].connection_id, **{f"{key}__in": list(by_id)}
    ).values(key, *watched)
    return [
        str(old[key])
        for old in stored
        if any(old[name] != getattr(by_id[old[key]], name) for name in watched)
    ]


def upsert(model: type[models.Model], rows: Iterable[models.Model]) -> int:
    """Insert new ids, overwrite stored ones with Kraken's latest answer; rows written."""
    batch = list(rows)
    if not batch:
        return 0
    key = KEYS[model]
    model.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["connection", key],
        update_fields=_updatable(model, key),
        batch_size=500,
    )
    return len(batch)


def insert_missing(model: type[models.Model], rows: Iterable[models.Model]) -> int:
    """Insert ids not stored yet; stored rows (maybe exact API rows) are left alone."""
    batch = list(rows)
    model.objects.bulk_create(batch, ignore_conflicts=True, batch_size=500)
    return len(batch)


def export_source() -> str:
    return DataSource.EXPORT


def api_source() -> str:
    return DataSource.API


def as_json(value: Any) -> Any:
    """Decimals in JSON fields are stored as strings, exactly."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    return str(value) if value is not None else None
