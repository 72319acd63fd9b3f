"""An import as a job: stage the uploaded files, run the import, keep its summary, clean up.

The uploaded files wait in settings.KRAKEN_IMPORT_DIR (shared by the web process and the worker,
like the database). The import itself is one transaction, so its progress cannot be read from
the database while it runs: it is written to a small file beside the staged uploads instead.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import KrakenConnection
from portfolio.kraken.csvfiles import CsvRefused
from portfolio.models import ImportRecord, ImportState, Reconciliation
from portfolio.sync.reconcile import reconciliation_run

from .service import ImportFile, import_files, size_check
from .summary import ImportSummary


@dataclass(frozen=True)
class Upload:
    name: str
    size: int
    chunks: Iterable[bytes]


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in base)[:100] or "upload"


def import_stage(*, connection: KrakenConnection, uploads: Iterable[Upload]) -> ImportRecord:
    """Check sizes, store the files for the worker and create the queued import."""
    items = list(uploads)
    if not items:
        raise CsvRefused("upload", "choose at least one file")
    for item in items:
        size_check(name=item.name, size=item.size)
    folder = Path(settings.KRAKEN_IMPORT_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    files = []
    for index, item in enumerate(items):
        path = folder / f"{index:02d}-{_safe_name(item.name)}"
        with path.open("wb") as out:
            for chunk in item.chunks:
                out.write(chunk)
        files.append({"name": item.name, "path": str(path), "size": item.size})
    return ImportRecord.objects.create(connection=connection, files=files)


def _progress_path(record: ImportRecord) -> Path | None:
    if not record.files or "path" not in record.files[0]:
        return None
    return Path(record.files[0]["path"]).parent / "progress.json"


def import_progress(*, record: ImportRecord) -> dict:
    """{done, total, note} of an import: live from the worker while it runs."""
    path = _progress_path(record)
    if record.state == ImportState.RUNNING and path is not None and path.exists():
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return record.progress
    return record.progress


class _ProgressFile:
    def __init__(self, path: Path | None) -> None:
        self.path, self.last = path, 0.0
        self.latest: dict = {}

    def __call__(self, done: int, total: int, note: str) -> None:
        self.latest = {"done": done, "total": total, "note": note}
        now = time.monotonic()
        if self.path is None or now - self.last < 0.5:
            return
        self.last = now
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.latest))
        os.replace(partial, self.path)


def import_record_run(*, record_id: int) -> ImportRecord | None:
    """Run a queued import to its end; None when there was nothing to run."""
    now = timezone.now()
    claimed = ImportRecord.objects.filter(pk=record_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, started_at=now, heartbeat_at=now
    )
    record = ImportRecord.objects.select_related("connection").filter(pk=record_id).first()
    if not claimed or record is None:
        return None
    files = [ImportFile(f["name"], Path(f["path"])) for f in record.files]
    progress = _ProgressFile(_progress_path(record))
    try:
        summary = import_files(connection=record.connection, files=files, progress=progress)
    except CsvRefused as refused:
        _finish(record, ImportState.FAILED, progress.latest, error=str(refused))
    else:
        _finish(record, ImportState.SUCCEEDED, progress.latest, summary=summary)
        after_import(connection=record.connection)
    finally:
        staging = Path(settings.KRAKEN_IMPORT_DIR).resolve()
        if files and files[0].path.resolve().parent.parent == staging:  # only what we staged
            shutil.rmtree(files[0].path.parent, ignore_errors=True)
    return record


def _finish(record, state, progress, *, error: str = "", summary: ImportSummary | None = None):
    record.state, record.error, record.progress = state, error, progress
    record.summary = summary.as_json() if summary is not None else {}
    record.finished_at = timezone.now()
    record.save(update_fields=["state", "error", "progress", "summary", "finished_at"])


def import_record_log(
    *,
    connection: KrakenConnection,
    names: list[str],
    summary: ImportSummary | None = None,
    error: str = "",
) -> ImportRecord:
    """Keep an import run elsewhere (the command line) so the connection's page lists it too."""
    now = timezone.now()
    return ImportRecord.objects.create(
        connection=connection,
        state=ImportState.FAILED if error else ImportState.SUCCEEDED,
        files=[{"name": name} for name in names],
        started_at=now,
        finished_at=now,
        summary=summary.as_json() if summary is not None else {},
        error=error,
    )


def after_import(*, connection: KrakenConnection) -> Reconciliation:
    """What follows a successful sync follows an import: reconcile, then rebuild the books."""
    result = reconciliation_run(connection=connection)
    if settings.ACCOUNTING_REBUILD_AFTER_SYNC:
        from portfolio.books.rebuilds import (
            prices_then_rebuild,  # reports depend on portfolio, not back
        )

        prices_then_rebuild(user=connection.user, reason=f"import into {connection.label}")
    return result
