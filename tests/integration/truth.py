"""The simulator's ground truth in the shape of the client's records, for exact comparisons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from portfolio.kraken import normalize_asset
from portfolio.kraken.records import ClosedOrder, FuturesFill, FuturesLogEntry, LedgerEntry, Trade
from portfolio.simulator import records as sim

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_from_ticks(ticks: int) -> datetime:
    """Simulator ticks are 0.1 ms."""
    return EPOCH + timedelta(microseconds=ticks * 100)


def utc_from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def ledger_row(e: sim.LedgerEntry) -> tuple[Any, ...]:
    return (
        e.id,
        e.refid,
        utc_from_ticks(e.ticks),
        e.time,
        e.type,
        e.subtype,
        e.aclass,
        e.asset,
        normalize_asset(e.asset),
        e.amount,
        e.fee,
        e.balance,
    )


def client_ledger_row(e: LedgerEntry) -> tuple[Any, ...]:
    return (
        e.ledger_id,
        e.refid,
        e.time,
        e.timestamp,
        e.type,
        e.subtype,
        e.aclass,
        e.raw_asset,
        e.asset,
        e.amount,
        e.fee,
        e.balance,
    )


def trade_row(t: sim.Trade, *, with_ledgers: bool = True) -> tuple[Any, ...]:
    return (
        t.txid,
        t.ordertxid,
        t.postxid,
        t.pair,
        utc_from_ticks(t.ticks),
        t.time,
        t.type,
        t.ordertype,
        t.price,
        t.cost,
        t.fee,
        t.vol,
        t.margin,
        t.misc,
        t.trade_id,
        t.maker,
        t.posstatus or "",
        t.ledgers if with_ledgers else (),
    )


def client_trade_row(t: Trade) -> tuple[Any, ...]:
    return (
        t.txid,
        t.ordertxid,
        t.postxid,
        t.pair,
        t.time,
        t.timestamp,
        t.type,
        t.ordertype,
        t.price,
        t.cost,
        t.fee,
        t.vol,
        t.margin,
        t.misc,
        t.trade_id,
        t.maker,
        t.posstatus,
        t.ledgers,
    )


def order_row(o: sim.ClosedOrder, altname: str) -> tuple[Any, ...]:
    return (
        o.txid,
        o.status,
        utc_from_ticks(o.opentm),
        utc_from_ticks(o.closetm),
        altname,
        o.type,
        o.ordertype,
        o.vol,
        o.vol_exec,
        o.cost,
        o.fee,
        o.avg_price,
        o.oflags,
        o.userref,
        o.trades,
    )


def client_order_row(o: ClosedOrder) -> tuple[Any, ...]:
    return (
        o.txid,
        o.status,
        o.opentm,
        o.closetm,
        o.pair,
        o.type,
        o.ordertype,
        o.vol,
        o.vol_exec,
        o.cost,
        o.fee,
        o.price,
        o.oflags,
        o.userref,
        o.trades,
    )


def fill_row(f: sim.FuturesFill) -> tuple[Any, ...]:
    return (
        f.fill_id,
        f.symbol,
        f.side,
        f.order_id,
        f.size,
        f.price,
        utc_from_ms(f.ms),
        f.fill_type,
    )


def client_fill_row(f: FuturesFill) -> tuple[Any, ...]:
    return (f.fill_id, f.symbol, f.side, f.order_id, f.size, f.price, f.fill_time, f.fill_type)


def log_row(e: sim.FuturesLogEntry) -> tuple[Any, ...]:
    return (
        e.id,
        utc_from_ms(e.ms),
        e.asset,
        normalize_asset(e.asset.upper()),
        e.info,
        e.booking_uid,
        e.margin_account,
        e.old_balance,
        e.new_balance,
        e.old_average_entry_price,
        e.new_average_entry_price,
        e.trade_price,
        e.mark_price,
        e.realized_pnl,
        e.fee,
        e.execution or "",
        e.contract or "",
        e.funding_rate,
        e.realized_funding,
    )


def client_log_row(e: FuturesLogEntry) -> tuple[Any, ...]:
    return (
        e.id,
        e.date,
        e.raw_asset,
        e.asset,
        e.info,
        e.booking_uid,
        e.margin_account,
        e.old_balance,
        e.new_balance,
        e.old_average_entry_price,
        e.new_average_entry_price,
        e.trade_price,
        e.mark_price,
        e.realized_pnl,
        e.fee,
        e.execution,
        e.contract,
        e.funding_rate,
        e.realized_funding,
    )
