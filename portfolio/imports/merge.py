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

from django.db import connection, models
from django.db.models import Min
from django.utils import timezone

from portfolio.books.bulk import bulk_insert
from portfolio.kraken.csvfiles import FUTURES_LOG, LEDGER_TYPES, LEDGERS, TRADES
from portfolio.models import FuturesLogEntry, LedgerEntry, Trade
from portfolio.models.fields import DataSource
from portfolio.sync import rows as R

from .copy import CopyStream, copy_line
from .summary import FileSummary, ImportSummary

STORED, EARLIER = "the stored row", "an earlier row of this import"


@dataclass(frozen=True)
class MergeSpec:
    model: type[models.Model]
    key: str  # the model field holding Kraken's id
    ident: Callable[[Any], str]
    to_row: Callable[[int, Any], models.Model]
    time_field: str
    compared: tuple[str, ...]  # model field == record attribute of the same name
    # For the big table, rows go straight from records to insert values (no model instances),
    # and on PostgreSQL to COPY's text lines.
    fields: tuple[str, ...] = ()
    values: Callable[[int, Any, Any], tuple] | None = None
    line: Callable[[str, str, Any], str | None] | None = None


def _ledger_row(connection_id: int, record: Any) -> models.Model:
    return R.ledger_row(connection_id, record, DataSource.CSV)


def _trade_row(connection_id: int, record: Any) -> models.Model:
    return R.trade_row(connection_id, record, DataSource.CSV)


LEDGER_FIELDS = (
    "connection", "ledger_id", "refid", "time", "type", "subtype", "aclass", "subclass", "asset",
    "raw_asset", "wallet", "amount", "fee", "balance", "amount_usd", "source", "synced_at",
)  # fmt: skip


def _ledger_values(connection_id: int, e: Any, now: Any) -> tuple:
    return (
        connection_id, e.ledger_id, e.refid, e.time, e.type, e.subtype, e.aclass, e.subclass,
        e.asset, e.raw_asset, e.wallet, e.amount, e.fee, e.balance, e.amount_usd, DataSource.CSV,
        now,
    )  # fmt: skip


def _ledger_line(prefix: str, suffix: str, e: Any) -> str | None:
    """The COPY line of a ledger entry between `prefix` (its connection) and `suffix` (source
    and time stored); None when a text needs escaping (then the general way does it)."""
    texts = (
        f"{e.ledger_id}\t{e.refid}\t{e.time.isoformat()}\t{e.type}\t{e.subtype}\t{e.aclass}\t"
        f"{e.subclass}\t{e.asset}\t{e.raw_asset}\t{e.wallet}"
    )
    if texts.count("\t") != 9 or "\\" in texts or "\n" in texts or "\r" in texts:
        return None
    usd = "\\N" if e.amount_usd is None else e.amount_usd  # numbers: str() is valid numeric
    return f"{prefix}{texts}\t{e.amount}\t{e.fee}\t{e.balance}\t{usd}{suffix}"


SPECS = {
    LEDGERS: MergeSpec(
        model=LedgerEntry,
        key="ledger_id",
        ident=lambda r: r.ledger_id,
        to_row=_ledger_row,
        time_field="time",
        compared=("refid", "type", "subtype", "asset", "amount", "fee", "balance"),
        fields=LEDGER_FIELDS,
        values=_ledger_values,
        line=_ledger_line,
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
        # Nothing of this kind stored yet: the ids of this import are all there is to compare
        # with, so they are remembered here instead of looked up batch by batch.
        self.seen: set[str] | None = (
            None if self.spec.model.objects.filter(connection_id=connection_id).exists() else set()
        )
        self.now = timezone.now()
        self.stream: CopyStream | None = None
        if connection.vendor == "postgresql" and self.spec.line is not None:
            self.stream = CopyStream(self.spec.model, self.spec.fields)
            self.prefix = f"{connection_id}\t"
            self.suffix = f"\t{copy_line((DataSource.CSV, self.now))}"
        self.next_log_id = 0
        if kind == FUTURES_LOG:
            lowest = FuturesLogEntry.objects.filter(connection_id=connection_id).aggregate(
                low=Min("log_id")
            )["low"]
            self.next_log_id = min(lowest or 0, 0) - 1

    def merge(self, file: FileSummary, batch: Sequence[tuple[int, Any]]) -> None:
        spec = self.spec
        if self.kind == LEDGERS:
            for _, record in batch:
                if record.type not in LEDGER_TYPES:
                    self.summary.unknown_types[record.type] += 1
        stored = {} if self.seen is not None else self._stored({spec.ident(r) for _, r in batch})
        pending: dict[str, Any] = {}
        for line, record in batch:
            ident = spec.ident(record)
            if ident in stored:
                self._compare(file, line, ident, stored[ident], record)
            elif ident in pending:
                earlier = self._as_stored(pending[ident])
                self._compare(file, line, ident, earlier, record, what=EARLIER)
            elif self.seen is not None and ident in self.seen:  # in an earlier batch: stored
                earlier = self._stored({ident})[ident]
                self._compare(file, line, ident, earlier, record, what=EARLIER)
            else:
                pending[ident] = record
                if self.seen is not None:
                    self.seen.add(ident)
        self._insert(list(pending.values()))
        file.added += len(pending)

    def flush(self) -> None:
        """Store what was written so far (ends the open COPY): before any query."""
        if self.stream is not None:
            self.stream.close()

    def close(self, error: BaseException | None = None) -> None:
        if self.stream is not None:
            self.stream.close(error)

    def _stored(self, idents: set[str]) -> dict[str, dict]:
        self.flush()
        spec = self.spec
        rows = spec.model.objects.filter(
            connection_id=self.connection_id, **{f"{spec.key}__in": list(idents)}
        ).values(spec.key, spec.time_field, *spec.compared)
        return {row[spec.key]: row for row in rows}

    def _insert(self, records: list[Any]) -> None:
        if not records:
            return
        spec, now = self.spec, self.now
        if self.stream is not None and spec.line is not None and spec.values is not None:
            line, values, prefix, suffix = spec.line, spec.values, self.prefix, self.suffix
            self.stream.write(
                [
                    line(prefix, suffix, r) or copy_line(values(self.connection_id, r, now))
                    for r in records
                ]
            )
            return
        if spec.values is not None:
            values = spec.values
            bulk_insert(
                spec.model, spec.fields, (values(self.connection_id, r, now) for r in records)
            )
            return
        _insert(spec.model, [self._row(r) for r in records], now)

    def _compare(
        self, file: FileSummary, line: int, ident: str, stored: dict, record, what: str = STORED
    ) -> None:
        differences = _differences(self.spec, stored, record)
        if not differences:
            file.already_present += 1
            return
        file.conflicts += 1
        self.summary.conflict(
            f"{file.name}, line {line}: {ident} differs from {what} "
            f"({'; '.join(differences[:3])}); kept {what.replace('an earlier', 'the earlier')}"
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


def _insert(model: type[models.Model], rows: list[models.Model], now: Any) -> None:
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    attnames = [model._meta.get_field(n).attname for n in names]
    for row in rows:
        if hasattr(row, "synced_at"):
            row.synced_at = now
    bulk_insert(model, names, (tuple(getattr(r, a) for a in attnames) for r in rows))
