"""The bulk export path for a long first history (reference 3.9).

AddExport for (1, E] where E is the whole second at or before the newest row the probe saw;
ExportStatus until Processed; RetrieveExport (a ZIP); parse the CSV inside; insert the rows;
RemoveExport. The export's id is kept on the cursor as soon as it exists, so a crashed run resumes
waiting for the same export instead of asking for another. Export rows carry times to the second
only, so the cursor after the export is E - 1: the API pages walk (E - 1, newest] and rewrite the
overlap with exact rows (an upsert by id: nothing twice). Stored API rows are never overwritten by
export rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from portfolio.kraken.errors import KrakenError, PermissionDeniedError
from portfolio.kraken.parsing import utc_from_unix
from portfolio.kraken.records import Page
from portfolio.models import SyncCursor
from portfolio.sync import rows as R
from portfolio.sync.context import SyncContext


class ExportLost(KrakenError):
    """The export disappeared from ExportStatus (expired or deleted): ask for a new one."""

    transient = True


@dataclass(frozen=True)
class Exported:
    start: Decimal  # the cursor the API pages continue from
    rows: int


def export_if_large(
    *, ctx: SyncContext, spec: Any, cursor: SyncCursor, probe: Page[Any]
) -> Exported | None:
    """Run (or resume) the export when the probe says the history is long; None otherwise."""
    pending = cursor.state.get("export_id")
    count = probe.count or 0
    if not pending and (count <= settings.KRAKEN_SYNC_EXPORT_THRESHOLD or not probe.items):
        return None
    end = int(cursor.state.get("export_end") or max(spec.stamp(x) for x in probe.items))
    ctx.progress(spec.dataset, fetched=0, total=count, state="exporting")
    try:
        export_id = pending or _add_export(ctx, spec, end)
        _wait_until_processed(ctx, spec.report, export_id)
        data = ctx.clients.spot.retrieve_export(export_id)
    except ExportLost:
        _forget(ctx, spec)
        raise
    except KrakenError as error:
        if error.transient:
            raise
        # Permission, an endpoint without exports (EGeneral:Unknown method), a refused report:
        # paging reaches the same rows, only more slowly.
        why = "not allowed" if isinstance(error, PermissionDeniedError) else "unavailable"
        ctx.note(
            f"{spec.report}: export {why} ({error.kraken_error or type(error).__name__}); "
            "paging the whole history instead."
        )
        _forget(ctx, spec)
        return None
    records = spec.parse_export(data)
    rows = [spec.to_row(ctx.connection.pk, r, R.export_source()) for r in records]
    start = Decimal(end - 1)
    ctx.progress(spec.dataset, fetched=len(rows), total=max(count, len(rows)), state="running")
    ctx.commit(
        spec.dataset,
        lambda: R.insert_missing(spec.model, rows),
        position=start,
        position_time=utc_from_unix(start),
        state={},
    )
    ctx.count("export_rows", len(rows))
    _remove(ctx, export_id)
    return Exported(start=start, rows=len(rows))


def _add_export(ctx: SyncContext, spec: Any, end: int) -> str:
    export_id = ctx.clients.spot.add_export(
        report=spec.report,
        description=f"kraken-portfolio sync {ctx.run.pk} {spec.report}",
        starttm=1,
        endtm=end,
    )
    ctx.note(
        f"{spec.report}: export {export_id} requested up to {utc_from_unix(end):%Y-%m-%d %H:%M:%S}"
    )
    ctx.commit(
        spec.dataset, lambda: None, position=None, state={"export_id": export_id, "export_end": end}
    )
    return export_id


def _wait_until_processed(ctx: SyncContext, report: str, export_id: str) -> None:
    deadline = time.monotonic() + settings.KRAKEN_SYNC_EXPORT_TIMEOUT_SECONDS
    while True:
        statuses = {s.id: s for s in ctx.clients.spot.export_status(report)}
        status = statuses.get(export_id)
        if status is None:
            raise ExportLost(f"Kraken no longer lists export {export_id}", endpoint="ExportStatus")
        if status.status == "Processed":
            return
        if time.monotonic() > deadline:
            raise KrakenError(
                f"Kraken's export {export_id} was not ready in time; the next sync waits again.",
                endpoint="ExportStatus",
                transient=True,
            )
        ctx.save_progress()
        time.sleep(settings.KRAKEN_SYNC_EXPORT_POLL_SECONDS)


def _forget(ctx: SyncContext, spec: Any) -> None:
    """Drop a pending export's id (without creating a cursor for a data set not yet stored)."""
    stored = SyncCursor.objects.filter(connection_id=ctx.connection.pk, dataset=spec.dataset)
    ctx.commit(spec.dataset, lambda: stored.update(state={}), position=None)


def _remove(ctx: SyncContext, export_id: str) -> None:
    try:
        ctx.clients.spot.remove_export(export_id)
    except KrakenError as error:
        ctx.note(f"Could not remove export {export_id} ({error.kraken_error}); Kraken expires it.")
