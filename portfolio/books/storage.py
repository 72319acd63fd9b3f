"""Write an engine result as a run's rows, or copy rows from an earlier run (INSERT ... SELECT)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

from portfolio.accounting import ClassifiedEvents, EngineResult, Problem, summarise_tax_year
from portfolio.books.bulk import bulk_insert
from portfolio.books.models import (
    AccountingRun,
    DailyValue,
    DisposalRow,
    IncomeRow,
    LotRow,
    RunCheckpoint,
    UnknownBasisDepositRow,
    YearEndLotRow,
    YearResult,
)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _lot_uses(disposal) -> list[dict]:
    return [
        {
            "lot_id": u.lot_id,
            "acquired": u.acquired.isoformat() if u.acquired else None,
            "quantity": str(u.quantity),
            "basis": str(u.basis),
            "proceeds": str(u.proceeds),
            "gain": str(u.gain),
            "term": u.term,
        }
        for u in disposal.lots
    ]


LOT_FIELDS = ("lot_id", "asset", "wallet", "acquired", "quantity", "cost_basis", "source")
DISPOSAL_FIELDS = (
    "event_id",
    "time",
    "tax_year",
    "asset",
    "wallet",
    "quantity",
    "proceeds",
    "basis",
    "gain",
    "term",
    "reason",
    "proceeds_source",
    "pool_quantity_after",
    "pool_cost_after",
)
INCOME_FIELDS = (
    "event_id",
    "time",
    "tax_year",
    "asset",
    "quantity",
    "value",
    "income_type",
    "taxable",
    "source",
)


UNKNOWN_FIELDS = (
    "event_id",
    "time",
    "asset",
    "wallet",
    "deposited",
    "returned",
    "quantity",
    "basis",
    "acquired",
    "basis_source",
    "gain",
)


def insert_results(run: AccountingRun, result: EngineResult) -> None:
    """The result's open lots (on Kraken and held outside), disposals, income, unknown-basis
    deposits and tax years, as rows of ``run``."""
    bulk_insert(
        LotRow,
        ("run", *LOT_FIELDS),
        ((run.pk, *(getattr(x, f) for f in LOT_FIELDS)) for x in result.open_lots),
    )
    bulk_insert(
        LotRow,
        ("run", *LOT_FIELDS, "held_outside", "withdrawal_id"),
        (
            (run.pk, x.lot_id, x.asset, "", x.acquired, x.quantity, x.cost_basis, x.source, True,
             x.withdrawal_id)
            for x in result.outside
        ),
    )  # fmt: skip
    bulk_insert(
        UnknownBasisDepositRow,
        ("run", *UNKNOWN_FIELDS),
        ((run.pk, *(getattr(x, f) for f in UNKNOWN_FIELDS)) for x in result.unknown_deposits),
    )
    bulk_insert(
        DisposalRow,
        ("run", *DISPOSAL_FIELDS, "lots"),
        (
            (run.pk, *(getattr(d, f) for f in DISPOSAL_FIELDS), _lot_uses(d))
            for d in result.disposals
        ),
    )
    bulk_insert(
        IncomeRow,
        ("run", *INCOME_FIELDS),
        ((run.pk, *(getattr(i, f) for f in INCOME_FIELDS)) for i in result.income),
    )
    bulk_insert(
        YearResult,
        ("run", "year", "summary"),
        ((run.pk, year, summarise_tax_year(result, year)) for year in sorted(result.years)),
    )
    insert_year_ends(run, result)


YEAR_END_FIELDS = ("run", "tax_year", *LOT_FIELDS, "held_outside", "withdrawal_id")


def insert_year_ends(run: AccountingRun, result: EngineResult) -> None:
    """The books at the end of each tax year the result recorded (``EngineResult.year_end``)."""
    bulk_insert(YearEndLotRow, YEAR_END_FIELDS, _year_end_rows(run.pk, result))


def _year_end_rows(run_id: int, result: EngineResult) -> Iterable[tuple]:
    for year, books in sorted(result.year_end.items()):
        for x in books.open_lots:
            yield (run_id, year, x.lot_id, x.asset, x.wallet, x.acquired, x.quantity,
                   x.cost_basis, x.source, False, "")  # fmt: skip
        for o in books.outside:
            yield (run_id, year, o.lot_id, o.asset, "", o.acquired, o.quantity, o.cost_basis,
                   o.source, True, o.withdrawal_id)  # fmt: skip


def insert_days(run: AccountingRun, days) -> None:
    # A day with a holding that has no price yet (today's candle is still open) has no
    # value: leaving it out is honest, showing it as a drop to zero is not.
    bulk_insert(
        DailyValue,
        ("run", "date", "value"),
        ((run.pk, day, value) for day, value, missing in days if not missing),
    )


def copy_rows(
    model: type[models.Model], *, source: int, target: int, before: tuple[str, object]
) -> int:
    """Copy ``source``'s rows whose ``before[0]`` is below ``before[1]`` to run ``target``.

    One INSERT ... SELECT: the rows never leave the database.
    """
    meta, qn = model._meta, connection.ops.quote_name
    run_column = qn(meta.get_field("run").column)
    columns = ", ".join(qn(f.column) for f in meta.concrete_fields if f.name not in ("id", "run"))
    table, bound = qn(meta.db_table), qn(meta.get_field(before[0]).column)
    value = before[1]
    if isinstance(value, date):
        value = connection.ops.adapt_datefield_value(value)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({run_column}, {columns}) SELECT %s, {columns} FROM {table} "
            f"WHERE {run_column} = %s AND {bound} < %s",
            [target, source, value],
        )
        return cursor.rowcount


def problems_json(problems: Iterable[Problem]) -> list[dict]:
    """Problems as stored: in time order (stable), so runs built in parts store the same list."""
    return [
        {
            "code": p.code,
            "asset": p.asset,
            "time": p.time.isoformat(),
            "message": p.message,
            "quantity": str(p.quantity),
        }
        for p in sorted(problems, key=lambda p: p.time)
    ]


def problem_time(problem: dict) -> datetime:
    return datetime.fromisoformat(problem["time"])


def pnl_json(pnl) -> dict:
    return {
        p.asset: {
            "holding": str(p.holding),
            "cost_basis": str(p.cost_basis),
            "realized": str(p.realized),
            "market_value": _s(p.market_value),
            "unrealized": _s(p.unrealized),
            "price_source": p.price_source,
            "held_outside": str(p.outside),
            "outside_cost_basis": str(p.outside_basis),
        }
        for p in pnl
    }


def add_unknown_gains(run: AccountingRun, disposals) -> None:
    """Add to ``run``'s unknown-basis deposits (copied from before a boundary) the gains that
    ``disposals`` (computed from the boundary) took from their units."""
    rows = {r.event_id: r for r in UnknownBasisDepositRow.objects.filter(run=run)}
    if not rows:
        return
    changed = set()
    for d in disposals:
        for use in d.lots:
            row = rows.get(use.lot_id)
            if row is not None:  # added in the order a full run adds them
                row.gain += use.gain
                changed.add(use.lot_id)
    for event_id in sorted(changed):
        rows[event_id].save(update_fields=["gain"])


def finish(
    run: AccountingRun,
    classified: ClassifiedEvents,
    *,
    problems: list[dict],
    pnl: dict,
    **fields: object,
) -> None:
    """Mark ``run`` succeeded with its run-level results (``fields``: kind, boundary, counts)."""
    now = timezone.now()
    AccountingRun.objects.filter(pk=run.pk).update(
        state=AccountingRun.State.SUCCEEDED,
        finished_at=now,
        confirmed_at=now,
        year_ends_recorded=True,
        event_count=len(classified.events),
        warnings=[
            {"code": w.code, "refid": w.refid, "message": w.message} for w in classified.warnings
        ],
        problems=problems,
        pnl=pnl,
        **fields,
    )


def store_checkpoint(run: AccountingRun, checkpoint: dict | None) -> None:
    if checkpoint is not None:
        RunCheckpoint.objects.create(run=run, **checkpoint)
