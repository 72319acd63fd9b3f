"""RetrieveExport's ZIP -> typed records.

The ZIP holds one CSV (or TSV) file. Kraken's columns drift over the years (``wallet`` from 2024,
``subclass`` and ``amountusd`` later, display asset names like BTC and pairs like BTC/USD), so
rows are read by header name, unknown columns are ignored and missing optional ones default.
Times are "YYYY-MM-DD HH:MM:SS" in UTC. Ledger rows with an empty txid are failed or pending
transactions and are skipped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from portfolio.kraken.assets import normalize_asset
from portfolio.kraken.parsing import EPOCH, dec, dec_or_none, trade
from portfolio.kraken.records import LedgerEntry, Trade


def export_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of the one CSV/TSV file inside an export ZIP, as header -> text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith((".csv", ".tsv"))]
        if len(names) != 1:
            raise ValueError(f"expected one CSV in the export, found {names}")
        text = archive.read(names[0]).decode("utf-8-sig")
    dialect = "excel-tab" if names[0].lower().endswith(".tsv") else "excel"
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def csv_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def _timestamp(moment: datetime) -> Decimal:
    return Decimal(int((moment - EPOCH).total_seconds()))


def parse_ledger_export(data: bytes) -> tuple[LedgerEntry, ...]:
    entries = []
    for row in export_rows(data):
        if not row.get("txid"):
            continue
        moment = csv_time(row["time"])
        entries.append(
            LedgerEntry(
                ledger_id=row["txid"],
                refid=row.get("refid", ""),
                time=moment,
                timestamp=_timestamp(moment),
                type=row.get("type", ""),
                subtype=row.get("subtype", ""),
                aclass=row.get("aclass", ""),
                asset=normalize_asset(row["asset"]),
                raw_asset=row["asset"],
                amount=dec(row["amount"]),
                fee=dec(row.get("fee") or "0"),
                balance=dec(row["balance"]),
                wallet=row.get("wallet", ""),
                subclass=row.get("subclass", ""),
                amount_usd=dec_or_none(row.get("amountusd")),
            )
        )
    return tuple(entries)


def parse_trades_export(data: bytes) -> tuple[Trade, ...]:
    trades = []
    for row in export_rows(data):
        if not row.get("txid"):
            continue
        moment = csv_time(row["time"])
        raw: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
        raw["time"] = str(_timestamp(moment))
        raw["ledgers"] = [x for x in row.get("ledgers", "").split(",") if x]
        raw["trades"] = [x for x in row.get("trades", "").split(",") if x]
        raw.setdefault("fee", "0")
        raw.setdefault("margin", "0")
        trades.append(trade(row["txid"], raw))
    return tuple(trades)


def parse_export_zip(data: bytes) -> tuple[LedgerEntry, ...] | tuple[Trade, ...]:
    """Ledger or trade records, chosen by the CSV header (ledgers have `refid` and `asset`)."""
    rows = export_rows(data)
    if rows and "asset" in rows[0] and "refid" in rows[0]:
        return parse_ledger_export(data)
    return parse_trades_export(data)
