"""An import as a job: stage the uploaded files, run the import, keep its summary, clean up.

Each import is the detail (an ImportRecord) of a Job of kind "import" on "connection:<id>": at
most one import per connection is queued or running. Uploading the same files again while they
wait or run joins that import (nothing is staged twice); other files are refused until it ends.
The job's heartbeat tells a living import from a dead one (a worker killed mid-import leaves no
rows, its transaction rolled back, and the next upload runs); ``jobs list`` shows it and
``jobs cancel`` stops it, with nothing written.

The uploaded files wait in settings.KRAKEN_IMPORT_DIR (shared by the web process and the worker,
like the database). The import itself is one transaction, so its progress cannot be read from
the database while it runs on SQLite (one writer): it is also written to a small file beside
the staged uploads. On SQLite the heartbeat cannot be written during that transaction either;
JOB_STALE_SECONDS must exceed the longest import there (PostgreSQL beats throughout).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import KrakenConnection
from jobs.models import Job, JobKind, JobState
from jobs.runner import JobStopped, Progress, job_run
from jobs.services import job_enqueue, job_request, job_wait, jobs_expire_stale
from portfolio.kraken.csvfiles import CsvRefused
from portfolio.models import ImportRecord, ImportState, Reconciliation
from portfolio.sync.reconcile import reconciliation_run

from .service import ImportFile, import_files, size_check
from .summary import ImportSummary

ACTIVE = (ImportState.QUEUED, ImportState.RUNNING)


@dataclass(frozen=True)
class Upload:
    name: str
    size: int
    chunks: Iterable[bytes]


class ImportBusy(CsvRefused):
    """Another import into the connection is queued or running (a refusal like any other, so
    whatever handles CsvRefused shows it; its message names no file)."""

    def __init__(self, record: ImportRecord | None) -> None:
        number = f"Import #{record.pk}" if record is not None else "Another import"
        self.file, self.line, self.column = "upload", None, ""
        self.message = (
            f"{number} into this connection is still queued or running; "
            "upload these files when it has finished"
        )
        ValueError.__init__(self, self.message)


def import_target(connection: KrakenConnection | int) -> str:
    return f"connection:{getattr(connection, 'pk', connection)}"


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in base)[:100] or "upload"


def _staging() -> Path:
    return Path(settings.KRAKEN_IMPORT_DIR).resolve()


def _staged_folder(record: ImportRecord) -> Path | None:
    """The folder this app staged the record's files in (never a file given on the command line)."""
    if not record.files or "path" not in record.files[0]:
        return None
    folder = Path(record.files[0]["path"]).resolve().parent
    return folder if folder.parent == _staging() else None


def _write(folder: Path, uploads: list[Upload]) -> list[dict]:
    files = []
    for index, item in enumerate(uploads):
        path, digest = folder / f"{index:02d}-{_safe_name(item.name)}", hashlib.sha256()
        with path.open("wb") as out:
            for chunk in item.chunks:
                digest.update(chunk)
                out.write(chunk)
        files.append(
            {"name": item.name, "path": str(path), "size": item.size, "sha256": digest.hexdigest()}
        )
    return files


def _same_files(a: list[dict], b: list[dict]) -> bool:
    return [(f["name"], f.get("sha256")) for f in a] == [(f["name"], f.get("sha256")) for f in b]


def import_stage(
    *, connection: KrakenConnection, uploads: Iterable[Upload], enqueue: bool = True
) -> ImportRecord:
    """Check sizes, store the files for the worker and create the queued import and its job,
    handed to a worker after the commit. The same files while they wait or run: that import.
    ImportBusy (nothing staged) while other files are being imported."""
    items = list(uploads)
    if not items:
        raise CsvRefused("upload", "choose at least one file")
    for item in items:
        size_check(name=item.name, size=item.size)
    folder = _staging() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        files = _write(folder, items)
        record, created = _request(connection, files, import_enqueue if enqueue else None)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not created:
        shutil.rmtree(folder, ignore_errors=True)  # the files of the import it joined are used
    return record


def _request(
    connection: KrakenConnection, files: list[dict], enqueue: Callable[[Job], None] | None
) -> tuple[ImportRecord, bool]:
    target = import_target(connection)
    jobs_expire_stale(kind=JobKind.IMPORT, target=target)
    names = ", ".join(f["name"] for f in files)
    with transaction.atomic():
        job, created = job_request(
            kind=JobKind.IMPORT,
            target=target,
            owner=connection.user,
            reason=f"import of {names}"[:200],
            enqueue=enqueue,
            expire=False,
        )
        if created:
            return ImportRecord.objects.create(connection=connection, job=job, files=files), True
    joined = ImportRecord.objects.filter(job=job).first()
    if joined is not None and _same_files(joined.files, files):
        return joined, False
    raise ImportBusy(joined)


def import_enqueue(job: Job) -> None:
    """Hand an import job to a worker (in this process when Celery runs eagerly)."""
    from portfolio.tasks import import_connection_files  # tasks import this module

    record = ImportRecord.objects.filter(job=job).first()
    if record is not None:
        job_enqueue(import_connection_files, job, record.pk)


def imports_follow_jobs(job_ids: list[int], state: str, error: str) -> None:
    """An import Job cancelled or failed as dead outside its worker: its record says the same,
    and its staged files go (a worker still reading them has them open)."""
    records = ImportRecord.objects.filter(job_id__in=job_ids, state__in=ACTIVE)
    for record in records:
        folder = _staged_folder(record)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    cancelled = state == JobState.CANCELLED
    records.update(
        state=ImportState.CANCELLED if cancelled else ImportState.FAILED,
        error=f"{error} Nothing was imported." if cancelled else error,
        finished_at=timezone.now(),
    )


def _progress_path(record: ImportRecord) -> Path | None:
    folder = _staged_folder(record)
    return folder / "progress.json" if folder is not None else None


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
    """The import's progress, to a file beside the staged upload and to its job."""

    def __init__(self, path: Path | None, job_progress: Progress | None = None) -> None:
        self.path, self.last, self.job_progress = path, 0.0, job_progress
        self.latest: dict = {}

    def __call__(self, done: int, total: int, note: str) -> None:
        self.latest = {"done": done, "total": total, "note": note}
        if self.job_progress is not None:
            self.job_progress(done=done, total=total, stage=note)  # raises JobStopped if stopped
        now = time.monotonic()
        if self.path is None or now - self.last < 0.5:
            return
        self.last = now
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.latest))
        os.replace(partial, self.path)


@dataclass
class ImportOutcome:
    summary: ImportSummary | None = None
    reconciliation: Reconciliation | None = None
    refused: CsvRefused | None = None


Watcher = Callable[[int, int, str], None]


def _import_work(
    record: ImportRecord,
    outcome: ImportOutcome,
    watch: Watcher | None = None,
    files: list[ImportFile] | None = None,
):
    """The job's body: the files staged for `record` (or `files`, the command line's own)."""

    def work(job: Job, progress: Progress) -> None:
        now = timezone.now()
        ImportRecord.objects.filter(pk=record.pk, state__in=ACTIVE).update(
            state=ImportState.RUNNING, started_at=now, heartbeat_at=now
        )
        staged = files or [ImportFile(f["name"], Path(f["path"])) for f in record.files]
        report = _ProgressFile(_progress_path(record), progress)

        def both(done: int, total: int, note: str) -> None:
            if watch is not None:
                watch(done, total, note)
            report(done, total, note)

        try:
            outcome.summary = import_files(
                connection=record.connection, files=staged, progress=both
            )
        except CsvRefused as refused:
            outcome.refused = refused
            _finish(record, ImportState.FAILED, report.latest, error=str(refused))
            raise
        finally:
            folder = _staged_folder(record)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        _finish(record, ImportState.SUCCEEDED, report.latest, summary=outcome.summary)
        progress(stage="reconciling")
        outcome.reconciliation = after_import(connection=record.connection)

    return work


def import_record_run(*, record_id: int) -> ImportRecord | None:
    """Run a queued import to its end as its job; None when there was nothing to run (it ended,
    or a living worker has it). A job taken over from a dead worker runs again: that worker's
    transaction rolled back."""
    record = ImportRecord.objects.select_related("connection").filter(pk=record_id).first()
    if record is None:
        return None
    if record.job_id is None:  # queued before imports were jobs: it has no life to follow
        ImportRecord.objects.filter(pk=record.pk, state__in=ACTIVE).update(
            state=ImportState.FAILED,
            error="Queued before an upgrade; upload the files again.",
            finished_at=timezone.now(),
        )
        return None
    ended = job_run(job_id=record.job_id, work=_import_work(record, ImportOutcome()))
    if ended is None:
        return None
    record.refresh_from_db()
    return record


def import_here(
    *, connection: KrakenConnection, paths: list[Path], watch: Watcher | None = None
) -> tuple[ImportRecord, ImportOutcome]:
    """Import files in this process (the command line) as a job, after any import into the
    connection that is queued or running (never after a dead one). Raises CsvRefused (nothing
    written) or JobStopped (cancelled: nothing written)."""
    files = [{"name": p.name, "size": p.stat().st_size} for p in paths]  # not where they are
    while True:
        jobs_expire_stale(kind=JobKind.IMPORT, target=import_target(connection))
        with transaction.atomic():
            job, created = job_request(
                kind=JobKind.IMPORT,
                target=import_target(connection),
                owner=connection.user,
                reason="kraken_import",
                expire=False,
            )
            if created:
                record = ImportRecord.objects.create(connection=connection, job=job, files=files)
                break
        job_wait(job=job)
    outcome = ImportOutcome()
    given = [ImportFile(p.name, p) for p in paths]
    ended = job_run(job_id=job.pk, work=_import_work(record, outcome, watch, given)) or job
    record.refresh_from_db()
    if outcome.refused is not None:
        raise outcome.refused
    if ended.state != JobState.SUCCEEDED:
        raise JobStopped(ended.error or f"Job #{ended.pk} {ended.state}.")
    return record, outcome


def _finish(record, state, progress, *, error: str = "", summary: ImportSummary | None = None):
    record.state, record.error, record.progress = state, error, progress
    record.summary = summary.as_json() if summary is not None else {}
    record.finished_at = timezone.now()
    record.save(update_fields=["state", "error", "progress", "summary", "finished_at"])


def after_import(*, connection: KrakenConnection) -> Reconciliation:
    """What follows a successful sync follows an import: reconcile, then rebuild the books."""
    result = reconciliation_run(connection=connection)
    if settings.ACCOUNTING_REBUILD_AFTER_SYNC:
        from portfolio.books.rebuilds import (
            prices_then_rebuild,  # reports depend on portfolio, not back
        )

        prices_then_rebuild(user=connection.user, reason=f"import into {connection.label}")
    return result
