"""Import Kraken's downloadable OHLCVT files into the shared price store, without any call.

Kraken publishes, per pair and interval, every candle since the pair was listed: a zip of CSV
files named ``<PAIR ALTNAME>_<MINUTES>.csv`` (intervals 1, 5, 15, 30, 60, 240, 720 and 1440; only
candles with trades), each row ``timestamp,open,high,low,close,volume,trades`` without a header.
The full file is gigabytes, so it is read member by member and row by row, never whole; rows are
inserted in batches, skipping candles already stored, so importing a file twice changes nothing.
Each member is one transaction: a member with a bad row is rolled back whole and the import stops
with its name and line. A file that is not a zip, is truncated, or holds no such member is refused
before anything is stored.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction

from portfolio.prices.models import PriceCoverage, PriceQuote

FILE_INTERVALS = (1, 5, 15, 30, 60, 240, 720, 1440)
MEMBER = re.compile(r"^(?:.*/)?([A-Z0-9]+)_(\d+)\.csv$")
BATCH = 5000
_COLUMNS = (
    "pair",
    "interval",
    "time",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "trades",
    "source",
    "fetched_at",
)


class OHLCVTError(ValueError):
    """The file is not a Kraken OHLCVT file (or a member of it is damaged)."""


@dataclass
class ImportReport:
    members: int = 0
    rows: int = 0
    skipped: list[str] = field(default_factory=list)


def _members(
    archive: zipfile.ZipFile, pairs: set[str] | None
) -> list[tuple[zipfile.ZipInfo, str, int]]:
    found, foreign = [], []
    for info in archive.infolist():
        if info.is_dir():
            continue
        match = MEMBER.match(info.filename)
        if match is None or int(match.group(2)) not in FILE_INTERVALS:
            foreign.append(info.filename)
            continue
        if pairs is None or match.group(1) in pairs:
            found.append((info, match.group(1), int(match.group(2))))
    if not found and not any(MEMBER.match(i.filename) for i in archive.infolist()):
        raise OHLCVTError(
            "not a Kraken OHLCVT file: no member named PAIR_MINUTES.csv"
            f" (found {', '.join(foreign[:3]) or 'nothing'})"
        )
    return sorted(found, key=lambda m: (m[1], m[2]))


def open_ohlcvt(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise OHLCVTError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise OHLCVTError(
            f"{path} is not a complete zip file (truncated or foreign): {exc}"
        ) from None


def ohlcvt_import(
    *,
    path: Path,
    pairs: set[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportReport:
    """Store every candle of the file's members (only ``pairs`` when given); idempotent."""
    report = ImportReport()
    with open_ohlcvt(path) as archive:
        members = _members(archive, pairs)
        total = sum(info.file_size for info, _p, _i in members)
        done = 0
        for info, pair, interval in members:
            if progress:
                progress(done, total, f"{pair} {interval}m")
            report.rows += _import_member(archive, info, pair, interval)
            report.members += 1
            done += info.file_size
        if progress:
            progress(total, total, "done")
    return report


def _import_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, pair: str, interval: int
) -> int:
    rows = 0
    first = last = None
    try:
        with transaction.atomic(), archive.open(info) as raw:
            text = io.TextIOWrapper(raw, encoding="ascii", newline="")
            batch: list[tuple] = []
            for time, values in _rows(csv.reader(text), info.filename, interval):
                first = first or time
                last = time
                batch.append((pair, interval, time, *values))
                if len(batch) >= BATCH:
                    rows += _insert(batch)
                    batch = []
            rows += _insert(batch)
            if first is not None and last is not None:
                PriceCoverage.objects.create(
                    pair=pair,
                    interval=interval,
                    start=first,
                    end=last + timedelta(minutes=interval),
                    source=PriceQuote.Source.FILE,
                )
    except (zipfile.BadZipFile, UnicodeDecodeError, EOFError) as exc:
        raise OHLCVTError(f"{info.filename} is damaged: {exc}") from None
    return rows


def _rows(reader, name: str, interval: int) -> Iterator[tuple[datetime, tuple]]:
    for line, row in enumerate(reader, start=1):
        if not row:
            continue
        try:
            if len(row) != 7:
                raise ValueError(f"{len(row)} columns, expected 7")
            stamp = int(row[0])
            if stamp % (interval * 60):
                raise ValueError(f"timestamp {stamp} is not the start of a {interval}m candle")
            o, h, lo, c, v = (Decimal(x) for x in row[1:6])
            if not (lo <= min(o, c) and max(o, c) <= h and lo > 0):
                raise ValueError("open/high/low/close out of order")
            yield datetime.fromtimestamp(stamp, UTC), (o, h, lo, c, v, int(row[6]))
        except (ValueError, InvalidOperation) as exc:
            raise OHLCVTError(f"{name} line {line}: {exc}") from None


def _insert(batch: list[tuple]) -> int:
    if not batch:
        return 0
    table = PriceQuote._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        (pair, interval, adapt(time), o, h, lo, c, v, trades)
        for pair, interval, time, o, h, lo, c, v, trades in batch
    ]
    now = adapt(datetime.now(UTC))
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in _COLUMNS)
    sql = (
        f"INSERT INTO {q(table)} ({columns}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
        f" ON CONFLICT ({q('pair')}, {q('interval')}, {q('time')}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*p, "file", now) for p in params])
    return len(batch)
