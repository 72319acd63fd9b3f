"""Ledgers, TradesHistory and ClosedOrders: the whole history, then only what is new.

Each data set walks verified windows oldest to newest from its cursor (see windows.py) and commits
every window together with the cursor advance. A first sync (or --full) of a history longer than
settings.KRAKEN_SYNC_EXPORT_THRESHOLD rows goes through Kraken's bulk export first (exports.py);
the pages then cover what the export does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models

from portfolio.kraken import parse_ledger_export, parse_trades_export
from portfolio.kraken.parsing import EPOCH, utc_from_unix
from portfolio.kraken.records import Page
from portfolio.models import ClosedOrder, DataSet, LedgerEntry, SyncCursor, Trade
from portfolio.sync import rows as R
from portfolio.sync.context import SyncContext
from portfolio.sync.prefetch import prefetched_batches
from portfolio.sync.windows import WalkStats, Window, history_windows


def exact_unix(moment: datetime) -> Decimal:
    """Unix seconds of an aware datetime, exactly (to the microsecond)."""
    delta = moment - EPOCH
    return Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds).scaleb(-6)


@dataclass(frozen=True)
class HistorySpec:
    dataset: str
    endpoint: str
    model: type[models.Model]
    fetch: Callable[[Any, Decimal | None, Decimal | None, int], Page[Any]]
    stamp: Callable[[Any], Decimal]
    ident: Callable[[Any], str]
    to_row: Callable[[int, Any, str], models.Model]
    report: str = ""  # the export report, if Kraken can export this data set
    parse_export: Callable[[bytes], tuple[Any, ...]] | None = None


LEDGERS = HistorySpec(
    dataset=DataSet.LEDGERS,
    endpoint="Ledgers",
    model=LedgerEntry,
    fetch=lambda spot, s, e, ofs: spot.ledgers_page(start=s, end=e, ofs=ofs),
    stamp=lambda x: x.timestamp,
    ident=lambda x: x.ledger_id,
    to_row=R.ledger_row,
    report="ledgers",
    parse_export=parse_ledger_export,
)
TRADES = HistorySpec(
    dataset=DataSet.TRADES,
    endpoint="TradesHistory",
    model=Trade,
    fetch=lambda spot, s, e, ofs: spot.trades_history_page(start=s, end=e, ofs=ofs),
    stamp=lambda x: x.timestamp,
    ident=lambda x: x.txid,
    to_row=R.trade_row,
    report="trades",
    parse_export=parse_trades_export,
)
CLOSED_ORDERS = HistorySpec(
    dataset=DataSet.CLOSED_ORDERS,
    endpoint="ClosedOrders",
    model=ClosedOrder,
    fetch=lambda spot, s, e, ofs: spot.closed_orders_page(
        start=s, end=e, ofs=ofs, closetime="close"
    ),
    stamp=lambda x: exact_unix(x.closetm or x.opentm),
    ident=lambda x: x.txid,
    to_row=lambda cid, order, _source: R.closed_order_row(cid, order),
)


def _start(ctx: SyncContext, cursor: SyncCursor) -> Decimal | None:
    return None if ctx.full or not cursor.position else Decimal(cursor.position)


def history_probe(*, ctx: SyncContext, spec: HistorySpec) -> Page[Any]:
    """The newest page after the cursor: the walk's first call, made early to check permissions
    before anything is written, and to size the history for the export decision."""
    cursor = ctx.cursor(spec.dataset)
    return spec.fetch(ctx.clients.spot, _start(ctx, cursor), None, 0)


def history_sync(*, ctx: SyncContext, spec: HistorySpec, probe: Page[Any] | None = None) -> int:
    """Bring one data set up to date; the number of rows written."""
    cursor = ctx.cursor(spec.dataset)
    start = _start(ctx, cursor)
    spot = ctx.clients.spot
    stats = WalkStats()

    def fetch(s: Decimal | None, e: Decimal | None, ofs: int) -> Page[Any]:
        return spec.fetch(spot, s, e, ofs)

    first = probe
    written = 0
    if spec.report and (start is None or cursor.state.get("export_id")):
        from portfolio.sync.exports import export_if_large

        if first is None:
            first = fetch(start, None, 0)
        exported = export_if_large(ctx=ctx, spec=spec, cursor=cursor, probe=first)
        if exported is not None:
            start, first, written = exported.start, None, exported.rows
    windows = history_windows(
        fetch,
        stamp=spec.stamp,
        ident=spec.ident,
        start=start,
        stats=stats,
        endpoint=spec.endpoint,
        first=first,
    )
    for batch in prefetched_batches(windows, depth=settings.KRAKEN_SYNC_PREFETCH_WINDOWS):
        written += _commit_window(ctx, spec, _merged(batch), fetched=written)
    _finish(ctx, spec, stats, written)
    return written


def _commit_window(
    ctx: SyncContext, spec: HistorySpec, window: Window[Any], *, fetched: int
) -> int:
    rows = [spec.to_row(ctx.connection.pk, item, R.api_source()) for item in window.items]
    changed = R.changed_ids(spec.model, rows)
    for ident in changed[:20]:
        ctx.note(f"{spec.endpoint}: {ident} changed since it was stored; kept Kraken's latest")
    ctx.count("changed_rows", len(changed))
    total = max(window.total, fetched + len(rows))
    ctx.progress(spec.dataset, fetched=fetched + len(rows), total=total, state="running")
    ctx.commit(
        spec.dataset,
        lambda: R.upsert(spec.model, rows),
        position=window.cursor,
        position_time=utc_from_unix(window.cursor),
    )
    return len(rows)


def _merged(batch: list[Window[Any]]) -> Window[Any]:
    """Consecutive windows as one: their rows, the first start and the last cursor."""
    if len(batch) == 1:
        return batch[0]
    items = [item for window in batch for item in window.items]
    return Window(items, batch[0].start, batch[-1].cursor, batch[-1].total)


def _finish(ctx: SyncContext, spec: HistorySpec, stats: WalkStats, written: int) -> None:
    ctx.count("refetched_pages", stats.refetches)
    ctx.count("duplicate_rows", stats.duplicates)
    for note in stats.notes[:20]:
        ctx.note(note)
    entry = ctx.run.progress.get(spec.dataset, {})
    total = entry.get("total") or written
    ctx.progress(spec.dataset, fetched=written, total=max(total, written), state="done")


def export_threshold() -> int:
    return settings.KRAKEN_SYNC_EXPORT_THRESHOLD
