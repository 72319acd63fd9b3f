"""Kraken's CSV exports -> typed records, one streaming parser for every way they arrive.

The same parser reads the files a person downloads from Kraken's web interface (the ledgers CSV,
the trades CSV, the Kraken Futures account log CSV, or the ZIP they come in) and the ZIP that
RetrieveExport answers (reference 3.9). Kraken's columns drift over the years: ``wallet`` from
2024, ``subclass`` and ``amountusd`` later, quoted or bare headers, a trailing empty column, display
asset names (BTC) or codes (XXBT), pairs as XBTUSD or BTC/USD. Every known column is read by its
name; a column this parser does not know refuses the file (a silent guess could misread amounts).

Numbers are Decimal; times are "YYYY-MM-DD HH:MM:SS" UTC. Rows with an empty id (txid, or uid in
the futures log) are failed or pending transactions: skipped and counted. Text cells are checked
against the characters Kraken uses for them, so a spreadsheet formula (``=HYPERLINK(...)``) is
refused, never stored; nothing read here is evaluated.

Every refusal is a CsvRefused naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from portfolio.kraken.csvcolumns import (
    FUTURES_LOG,
    ID_COLUMN,
    LEDGER_TYPES,
    LEDGERS,
    TRADES,
    CsvRefused,
    header_kind,
)
from portfolio.kraken.csvrows import BUILDERS, fast_ledgers, generic
from portfolio.kraken.records import FuturesLogEntry, LedgerEntry, Trade

__all__ = [
    "FUTURES_LOG",
    "LEDGERS",
    "LEDGER_TYPES",
    "TRADES",
    "CsvFile",
    "CsvRefused",
    "CsvRow",
    "export_records",
    "iter_export",
    "read_csv",
]
ZIP_MAGIC = b"PK\x03\x04"
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    record: LedgerEntry | Trade | FuturesLogEntry | None  # None: an empty id, skipped


@dataclass
class CsvFile:
    name: str
    kind: str
    rows: Iterator[CsvRow]


def _rows(file: str, reader: Any, kind: str, names: list[str], width: int) -> Iterator[CsvRow]:
    index = {name: i for i, name in enumerate(names)}
    id_at = index[ID_COLUMN[kind]]
    build = fast_ledgers(index) if kind == LEDGERS else generic(BUILDERS[kind])
    for values in reader:
        line = reader.line_num
        if not values or values == [""]:
            continue
        if len(values) != len(names) and not (len(values) == width and values[-1] == ""):
            raise CsvRefused(
                file, f"{len(values)} columns where the header has {len(names)}", line=line
            )
        if not values[id_at].strip():
            yield CsvRow(line, None)
            continue
        yield CsvRow(line, build(file, line, index, values))


def _lines(file: str, binary: IO[bytes]) -> Iterator[str]:
    """Text lines, decoded one by one so a bad byte is reported with its line."""
    for number, raw in enumerate(binary, 1):
        try:
            yield (raw[3:] if number == 1 and raw.startswith(BOM) else raw).decode("utf-8")
        except UnicodeDecodeError:
            raise CsvRefused(file, "not UTF-8 text", line=number) from None


def read_csv(file: str, binary: IO[bytes], *, tsv: bool = False) -> CsvFile:
    """Open one CSV (or TSV) stream: read its header now, its rows as they are iterated."""
    reader = csv.reader(_lines(file, binary), dialect="excel-tab" if tsv else "excel", strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise CsvRefused(file, f"unreadable header ({error})", line=1) from None
    if header is None or not any(h.strip() for h in header):
        raise CsvRefused(file, "the file is empty")
    kind, names = header_kind(file, header)

    def rows() -> Iterator[CsvRow]:
        try:
            yield from _rows(file, reader, kind, names, len(header))
        except csv.Error as error:
            raise CsvRefused(file, f"malformed CSV ({error})", line=reader.line_num) from None

    return CsvFile(name=file, kind=kind, rows=rows())


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def zip_members(file: str, archive: zipfile.ZipFile, *, max_bytes: int | None) -> list[str]:
    """The CSV/TSV members of an export ZIP; anything else in it refuses the whole ZIP."""
    members = [i for i in archive.infolist() if not i.is_dir()]
    if not members:
        raise CsvRefused(file, "the ZIP is empty")
    for info in members:
        if not info.filename.lower().endswith((".csv", ".tsv")):
            raise CsvRefused(
                file, f"the ZIP holds {info.filename!r}, which is not a Kraken CSV export"
            )
    unpacked = sum(i.file_size for i in members)
    if max_bytes is not None and unpacked > max_bytes:
        raise CsvRefused(
            file, f"the ZIP unpacks to {unpacked} bytes, over the limit of {max_bytes} bytes"
        )
    return [i.filename for i in members]


def iter_export(file: str, binary: IO[bytes], *, max_bytes: int | None = None) -> Iterator[CsvFile]:
    """Every CSV in one upload (a CSV, a TSV or a ZIP of them), each read as it is iterated."""
    head = binary.read(4)
    binary.seek(0)
    if not is_zip(head):
        yield read_csv(file, binary, tsv=file.lower().endswith(".tsv"))
        return
    try:
        archive = zipfile.ZipFile(binary)
    except zipfile.BadZipFile as error:
        raise CsvRefused(file, f"a damaged ZIP ({error})") from None
    with archive:
        for member in zip_members(file, archive, max_bytes=max_bytes):
            with archive.open(member) as stream:
                yield read_csv(f"{file}/{member}", stream, tsv=member.lower().endswith(".tsv"))


def export_records(data: bytes, name: str = "export.zip") -> tuple[Any, ...]:
    """All records of an in-memory export (RetrieveExport's ZIP); skipped rows left out."""
    records: list[Any] = []
    for csv_file in iter_export(name, io.BytesIO(data)):
        records.extend(row.record for row in csv_file.rows if row.record is not None)
    return tuple(records)
