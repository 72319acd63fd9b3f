"""RetrieveExport's ZIP -> typed records, through the one CSV parser (csvfiles.py).

The bulk-export sync and the CSV import read Kraken's exports with the same code, so a header
variant understood by one is understood by the other.
"""

from __future__ import annotations

from portfolio.kraken.csvfiles import CsvRefused, export_records
from portfolio.kraken.records import LedgerEntry, Trade


def _only(kind: type, data: bytes) -> tuple:
    records = export_records(data)
    wrong = next((r for r in records if not isinstance(r, kind)), None)
    if wrong is not None:
        raise CsvRefused(
            "export.zip", f"expected {kind.__name__} rows, found {type(wrong).__name__}"
        )
    return records


def parse_ledger_export(data: bytes) -> tuple[LedgerEntry, ...]:
    return _only(LedgerEntry, data)


def parse_trades_export(data: bytes) -> tuple[Trade, ...]:
    return _only(Trade, data)


def parse_export_zip(data: bytes) -> tuple[LedgerEntry, ...] | tuple[Trade, ...]:
    """Ledger or trade records, chosen by the CSV header."""
    return export_records(data)
