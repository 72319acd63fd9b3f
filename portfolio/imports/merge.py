"""Merge parsed CSV rows into a connection, keyed on Kraken's own ids.

A row whose id is not stored yet is added. A stored row with the same id is kept as it is: when
the two agree (times compared to the second, the CSV's precision) the row counts as already
present; when they disagree the stored row (usually the API's, exact) wins and the difference is
reported as a conflict. The futures account log CSV has no log id, only the booking uid, so its
rows are keyed on that and stored with negative log ids (a later API sync replaces them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Min
from django.utils import timezone

from portfolio.kraken.csvfiles import FUTURES_LOG, LEDGER_TYPES, LEDGERS, TRADES
from portfolio.models import FuturesLogEntry, LedgerEntry, Trade
from portfolio.models.fields import DataSource
from portfolio.sync import rows as R
from reports.bulk import bulk_insert

from .summary import FileSummary, ImportSummary


@dataclass(frozen=True)
class MergeSpec:
    model: type[models.Model]
    key: str  # the model field holding Kraken's id
    ident: Callable[[Any], str]
    to_row: Callable[[int, Any], models.Model]
    time_field: str
    compared: tuple[str, ...]  # model field == record attribute of the same name


def _ledger_row(connection_id: int, record: Any) -> models.Model:
    return R.ledger_row(connection_id, record, DataSource.CSV)


def _trade_row(connection_id: int, record: Any) -> models.Model:
    return R.trade_row(connection_id, record, DataSource.CSV)


SPECS = {
    LEDGERS: MergeSpec(
        model=LedgerEntry,
        key="ledger_id",
        ident=lambda r: r.ledger_id,
        to_row=_ledger_row,
        time_field="time",
        compared=("refid", "type", "subtype", "asset", "amount", "fee", "balance"),
    ),
    TRADES: MergeSpec(
        model=Trade,
        key="txid",
        ident=lambda r: r.txid,
        to_row=_trade_row,
        time_field="time",
        compared=("ordertxid", "type", "base", "quote", "price", "cost", "fee", "vol"),
    ),
    FUTURES_LOG: MergeSpec(
        model=FuturesLogEntry,
        key="booking_uid",
        ident=lambda r: r.booking_uid,
        to_row=R.log_row,
        time_field="date",
        compared=("info", "asset", "new_balance", "fee", "realized_pnl"),
    ),
}


def _differences(spec: MergeSpec, stored: dict, record: Any) -> list[str]:
    found = [
        f"{name} {stored[name]} here, {getattr(record, name)} in the file"
        for name in spec.compared
        if stored[name] != getattr(record, name)
    ]
    moment: datetime = stored[spec.time_field]
    theirs: datetime = getattr(record, spec.time_field)
    if moment.replace(microsecond=0) != theirs:
        found.append(f"time {moment:%Y-%m-%d %H:%M:%S} here, {theirs:%Y-%m-%d %H:%M:%S}")
    return found


class Merger:
    """Merges one file's rows batch by batch (inside the import's transaction)."""

    def __init__(self, *, connection_id: int, kind: str, summary: ImportSummary) -> None:
        self.connection_id, self.kind, self.spec = connection_id, kind, SPECS[kind]
        self.summary = summary
        self.next_log_id = 0
        if kind == FUTURES_LOG:
            lowest = FuturesLogEntry.objects.filter(connection_id=connection_id).aggregate(
                low=Min("log_id")
            )["low"]
            self.next_log_id = min(lowest or 0, 0) - 1

    def merge(self, file: FileSummary, batch: Sequence[tuple[int, Any]]) -> None:
        spec = self.spec
        unique = {spec.ident(record) for _, record in batch}
        for _, record in batch:
            if self.kind == LEDGERS and record.type not in LEDGER_TYPES:
                self.summary.unknown_types[record.type] += 1
        stored = {
            row[spec.key]: row
            for row in spec.model.objects.filter(
                connection_id=self.connection_id, **{f"{spec.key}__in": list(unique)}
            ).values(spec.key, spec.time_field, *spec.compared)
        }
        fresh = []
        for line, record in batch:
            ident = spec.ident(record)
            if ident in stored:  # stored before, or earlier in this batch
                self._compare(file, line, ident, stored[ident], record)
            else:
                fresh.append(self._row(record))
                stored[ident] = self._as_stored(record)
        _insert(spec.model, fresh)
        file.added += len(fresh)

    def _compare(self, file: FileSummary, line: int, ident: str, stored: dict, record) -> None:
        differences = _differences(self.spec, stored, record)
        if not differences:
            file.already_present += 1
            return
        file.conflicts += 1
        self.summary.conflict(
            f"{file.name}, line {line}: {ident} differs from the stored row "
            f"({'; '.join(differences[:3])}); kept the stored row"
        )

    def _as_stored(self, record: Any) -> dict:
        names = (self.spec.time_field, *self.spec.compared)
        return {name: getattr(record, name) for name in names}

    def _row(self, record: Any) -> models.Model:
        row = self.spec.to_row(self.connection_id, record)
        if self.kind == FUTURES_LOG:
            row.log_id = self.next_log_id
            self.next_log_id -= 1
        return row


def _insert(model: type[models.Model], rows: list[models.Model]) -> None:
    if not rows:
        return
    now = timezone.now()
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    attnames = [model._meta.get_field(n).attname for n in names]
    for row in rows:
        if hasattr(row, "synced_at"):
            row.synced_at = now
    bulk_insert(model, names, (tuple(getattr(r, a) for a in attnames) for r in rows))
