"""Kraken Futures: account snapshots and open positions, fills and the account log.

The account log has consecutive ids from 1 and can be read oldest first, so its cursor is the last
stored id and every page (up to 500 rows) is a window. Fills page newest first by time (100 a
call); the new ones since the cursor are gathered, then written with the cursor in one window.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from portfolio.kraken.parsing import utc_from_iso
from portfolio.models import DataSet, FuturesAccountSnapshot, FuturesFill, FuturesLogEntry
from portfolio.models import FuturesPosition as PositionRow
from portfolio.sync import rows as R
from portfolio.sync.context import SyncContext
from portfolio.sync.rows import as_json


def futures_accounts_sync(*, ctx: SyncContext) -> None:
    client = ctx.clients.futures
    assert client is not None
    accounts = client.accounts()
    positions = client.open_positions()
    cid, taken_at = ctx.connection.pk, timezone.now()
    snapshots = [
        FuturesAccountSnapshot(
            connection_id=cid,
            sync_run=ctx.run,
            taken_at=taken_at,
            name=a.name,
            type=a.type,
            currency=a.currency,
            balances=as_json(a.balances),
            auxiliary=as_json(a.auxiliary),
            figures=as_json(a.figures),
        )
        for a in accounts.values()
    ]
    rows = [
        PositionRow(
            connection_id=cid,
            symbol=p.symbol,
            side=p.side,
            price=p.price,
            size=p.size,
            fill_time=p.fill_time,
            unrealized_funding=p.unrealized_funding,
            pnl_currency=p.pnl_currency,
            max_fixed_leverage=p.max_fixed_leverage,
        )
        for p in positions
    ]

    def write() -> None:
        FuturesAccountSnapshot.objects.bulk_create(snapshots)
        PositionRow.objects.filter(connection_id=cid).delete()
        PositionRow.objects.bulk_create(rows)

    ctx.progress(
        DataSet.FUTURES_ACCOUNTS, fetched=len(snapshots), total=len(snapshots), state="done"
    )
    ctx.commit(DataSet.FUTURES_ACCOUNTS, write, position=None)


def futures_fills_sync(*, ctx: SyncContext) -> int:
    """Fills at or after the cursor (inclusive: a fill sharing the cursor's time is upserted)."""
    client = ctx.clients.futures
    assert client is not None
    cursor = ctx.cursor(DataSet.FUTURES_FILLS)
    since = None if ctx.full or not cursor.position else utc_from_iso(cursor.position)
    fills = list(client.iter_fills(since=since))
    rows = [R.fill_row(ctx.connection.pk, f) for f in fills]
    newest = max((f.fill_time for f in fills), default=since)
    ctx.progress(DataSet.FUTURES_FILLS, fetched=len(rows), total=len(rows), state="done")
    ctx.commit(
        DataSet.FUTURES_FILLS,
        lambda: R.upsert(FuturesFill, rows),
        position=_iso(newest) if newest else None,
        position_time=newest,
    )
    return len(rows)


def futures_log_sync(*, ctx: SyncContext) -> int:
    """Account log rows after the stored id, oldest first, one window per page."""
    client = ctx.clients.futures
    assert client is not None
    cursor = ctx.cursor(DataSet.FUTURES_LOG)
    last_id = 0 if ctx.full or not cursor.position else int(cursor.position)
    written = 0
    while True:
        page = client.account_log(from_id=last_id + 1, sort="asc")
        fresh = [e for e in page if e.id > last_id]
        if not fresh:
            break
        rows = [R.log_row(ctx.connection.pk, e) for e in fresh]
        last_id = max(e.id for e in fresh)
        written += len(rows)
        ctx.progress(DataSet.FUTURES_LOG, fetched=written, total=None, state="running")
        ctx.commit(
            DataSet.FUTURES_LOG,
            lambda rows=rows: _replace_imported(ctx.connection.pk, rows),
            position=last_id,
            position_time=max(e.date for e in fresh),
        )
        if len(page) < 500:
            break
    ctx.progress(DataSet.FUTURES_LOG, fetched=written, total=written, state="done")
    return written


def _replace_imported(connection_id: int, rows: list[FuturesLogEntry]) -> None:
    """Upsert the API's log rows; rows imported from the account log CSV (which has no log id,
    so they carry negative ones) with the same booking uid give way to them."""
    FuturesLogEntry.objects.filter(
        connection_id=connection_id, log_id__lt=0, booking_uid__in=[r.booking_uid for r in rows]
    ).delete()
    R.upsert(FuturesLogEntry, rows)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
