"""Reading back what an import or a sync stored, in the terms a CSV can carry."""

from __future__ import annotations

from accounts.services import ConnectionInput, connection_create
from portfolio.models import FuturesLogEntry, LedgerEntry, Trade


def csv_connection(user, label: str = "From CSV"):
    return connection_create(user=user, data=ConnectionInput(label=label, csv_only=True))


def second(moment):
    return moment.replace(microsecond=0)


def ledger_rows(connection) -> dict[str, tuple]:
    fields = ("ledger_id", "refid", "time", "type", "subtype", "aclass", "asset")
    numbers = ("amount", "fee", "balance")
    return {
        row[0]: (*row[1:2], second(row[2]), *row[3:])
        for row in LedgerEntry.objects.filter(connection=connection).values_list(*fields, *numbers)
    }


def trade_rows(connection) -> dict[str, tuple]:
    fields = ("txid", "ordertxid", "time", "base", "quote", "type", "ordertype", "price", "cost")
    more = ("fee", "vol", "margin", "misc")  # the sync does not ask for ledger ids
    return {
        row[0]: (row[1], second(row[2]), *row[3:])
        for row in Trade.objects.filter(connection=connection).values_list(*fields, *more)
    }


def futures_rows(connection, *, contract: bool = True) -> dict[str, tuple]:
    fields = ("booking_uid", "date", "info", "asset", "margin_account", "old_balance")
    more = ("new_balance", "new_average_entry_price", "trade_price", "mark_price", "realized_pnl")
    last = ("fee", "funding_rate", "realized_funding", "contract")
    rows = FuturesLogEntry.objects.filter(connection=connection).values_list(*fields, *more, *last)
    return {row[0]: (second(row[1]), *row[2:-1], row[-1] if contract else "") for row in rows}


def everything(connection) -> dict[str, set]:
    """Every stored column of the history tables (ids and sync timestamps aside)."""
    skip = {"id", "synced_at", "connection_id"}
    return {
        model.__name__: {
            tuple(sorted((k, str(v)) for k, v in row.items() if k not in skip))
            for row in model.objects.filter(connection=connection).values()
        }
        for model in (LedgerEntry, Trade, FuturesLogEntry)
    }


def counts() -> tuple[int, int, int]:
    return (LedgerEntry.objects.count(), Trade.objects.count(), FuturesLogEntry.objects.count())
