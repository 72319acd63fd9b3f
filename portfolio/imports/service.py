"""Import Kraken's CSV exports into a connection: all of it in one transaction, or nothing.

Files are refused by size before a byte is read (settings.KRAKEN_IMPORT_MAX_BYTES; a ZIP also by
the size it unpacks to), then streamed: rows are parsed and merged in batches, so memory stays
flat however long the file. Any refusal (a file that is not an export, an unknown column, a
malformed row) raises CsvRefused naming the file, line and column, and the transaction rolls
back: the database is as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.models import KrakenConnection
from portfolio.kraken.csvfiles import CsvFile, CsvRefused, iter_export

from .merge import Merger
from .summary import FileSummary, ImportSummary

BATCH = 5000
TICK = 4  # batches between progress reports (each ends PostgreSQL's open COPY: see merge.py)
Progress = Callable[[int, int, str], None]  # (bytes done, bytes in all, what is happening)


@dataclass(frozen=True)
class ImportFile:
    name: str  # what the person called it: error messages name this
    path: Path


def _as_files(files: Iterable[ImportFile | Path | str]) -> list[ImportFile]:
    return [f if isinstance(f, ImportFile) else ImportFile(Path(f).name, Path(f)) for f in files]


def size_check(*, name: str, size: int, limit: int | None = None) -> None:
    """Refuse a file by its size alone (before reading it)."""
    limit = settings.KRAKEN_IMPORT_MAX_BYTES if limit is None else limit
    if size == 0:
        raise CsvRefused(name, "the file is empty")
    if size > limit:
        raise CsvRefused(
            name, f"{size} bytes is over the import limit of {limit} bytes; nothing was read"
        )


def import_files(
    *,
    connection: KrakenConnection,
    files: Sequence[ImportFile | Path | str],
    progress: Progress | None = None,
) -> ImportSummary:
    """Merge every row of `files` into `connection`; the summary, or CsvRefused and no change."""
    staged = _as_files(files)
    sizes = [f.path.stat().st_size for f in staged]
    for item, size in zip(staged, sizes, strict=True):
        size_check(name=item.name, size=size)
    total, done = sum(sizes), 0
    summary = ImportSummary()
    report = progress or (lambda done, total, note: None)
    with transaction.atomic():
        KrakenConnection.objects.select_for_update().filter(pk=connection.pk).exists()
        for item, size in zip(staged, sizes, strict=True):
            _import_one(
                connection, item, summary, lambda at, note, d=done: report(d + at, total, note)
            )
            done += size
            report(done, total, f"read {item.name}")
    return summary


def _import_one(
    connection: KrakenConnection,
    item: ImportFile,
    summary: ImportSummary,
    report: Callable[[int, str], None],
) -> None:
    with item.path.open("rb") as handle:
        for csv_file in iter_export(item.name, handle, max_bytes=settings.KRAKEN_IMPORT_MAX_BYTES):
            note = f"reading {csv_file.name}"
            _merge_file(connection, csv_file, summary, lambda n=note: report(handle.tell(), n))


def _merge_file(
    connection: KrakenConnection,
    csv_file: CsvFile,
    summary: ImportSummary,
    tick: Callable[[], None],
) -> None:
    file = FileSummary(name=csv_file.name, kind=csv_file.kind)
    summary.files.append(file)
    merger = Merger(connection_id=connection.pk, kind=csv_file.kind, summary=summary)
    batch: list[tuple[int, Any]] = []
    batches = 0
    try:
        for row in csv_file.rows:
            file.rows_read += 1
            if row.record is None:
                file.skipped += 1
                continue
            batch.append((row.line, row.record))
            if len(batch) >= BATCH:
                merger.merge(file, batch)
                batch, batches = [], batches + 1
                if batches % TICK == 0:
                    merger.flush()  # a progress report may use the connection
                    tick()
        if batch:
            merger.merge(file, batch)
    except BaseException as error:
        merger.close(error)
        raise
    merger.close()
