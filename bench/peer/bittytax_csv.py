"""Write neutral records as a BittyTax "transaction records" CSV, every value in GBP.

Layout checked against the installed BittyTax 0.6.0 (README table and ``t_row.py`` header):
Type, Buy Quantity, Buy Asset, Buy Value in GBP, Sell Quantity, Sell Asset,
Sell Value in GBP, Fee Quantity, Fee Asset, Fee Value in GBP, Wallet, Timestamp, Note.
Timestamps are ISO 8601 with an explicit UTC offset (BittyTax assumes UTC when none is
given and converts to Europe/London itself).  Because every Buy/Sell/Fee value is filled
in, BittyTax needs no price look-up at all.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from bench.peer.records import GBP, Kind, Record

HEADER = [
    "Type",
    "Buy Quantity",
    "Buy Asset",
    "Buy Value in GBP",
    "Sell Quantity",
    "Sell Asset",
    "Sell Value in GBP",
    "Fee Quantity",
    "Fee Asset",
    "Fee Value in GBP",
    "Wallet",
    "Timestamp",
    "Note",
]
WALLET = "Kraken"
_TYPE = {
    Kind.DEPOSIT: "Deposit",
    Kind.BUY: "Trade",
    Kind.SELL: "Trade",
    Kind.TRADE: "Trade",
    Kind.STAKING: "Staking",
}


def _s(value: Decimal | str | None) -> str:
    return "" if value is None else str(value)


def row(record: Record) -> list[str]:
    """One BittyTax row for a record."""
    fee = record.fee_gbp if record.fee_gbp > 0 else None
    return [
        _TYPE[record.kind],
        _s(record.buy_quantity),
        _s(record.buy_asset),
        _s(record.buy_value_gbp),
        _s(record.sell_quantity),
        _s(record.sell_asset),
        _s(record.sell_value_gbp),
        _s(fee),
        GBP if fee is not None else "",
        _s(fee),
        WALLET,
        record.timestamp.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        f"#{record.seq} {record.kind.value}",
    ]


def write_csv(records: Iterable[Record], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(row(r) for r in records)
    return path
