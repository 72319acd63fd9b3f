"""Incremental rebuilds: resume the engine at a tax-year start and copy the rows before it.

A tax year's summary is not the sum of its parts (the German Freigrenze and the UK annual exempt
amount apply to the year's total), so the split is at the start of a tax year: every run of a
method that allows it stores the engine's open lots at the start of its latest tax year (the
``RunCheckpoint``); a later rebuild copies the earlier run's rows for the years before that
boundary and computes every year from it with all of its events, from the stored lots.

That is the same as a full rebuild only when everything before the boundary is the same, so a
rebuild resumes only if:

* the previous successful run has the same user, scope and settings, and a checkpoint;
* the jurisdiction's registry entry says a resume is valid for the method
  (``Jurisdiction.resumable``: no 30-day look-ahead, a method whose checkpoint keeps what it
  orders lots by: HIFO resumes exactly, as the
  checkpoint keeps each lot's original unit cost);
* no once-per-run warning depends on earlier events (the US universal-method warning is issued
  at the first disposal from 2025 only; rebuilds here are per wallet there, so it never is);
* the ledger rows before the boundary are unchanged, and so are the classified events before it
  with the policies and entered bases that book them (``checkpoints``): the classifier groups
  rows (trade legs by refid, transfer legs paired within a day), so a new row can change an event
  before the boundary even when the rows there are unchanged;
* the previous run had no missing price before the boundary (a price found since changes it);
* the previous run stored the books at each tax year's end (``year_ends_recorded``): they are
  copied for the years before the one the continued run starts recording.

The checkpoint also holds the lots withdrawn and not yet back, so a deposit after the boundary
takes them back as a full run would; the unknown-basis deposits before it are copied, and the
gains their units add after it are added to them. Anything else is a full rebuild, which stores a
checkpoint of its own.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from operator import attrgetter
from typing import TYPE_CHECKING

from django.db import transaction

from portfolio.accounting import (
    Checkpoint,
    EngineResult,
    Event,
    LedgerRow,
    PriceSource,
    compute,
    tax_year_period,
)
from portfolio.books import checkpoints, inputs, storage
from portfolio.books.models import (
    AccountingRun,
    DailyValue,
    DisposalRow,
    IncomeRow,
    RunCheckpoint,
    UnknownBasisDepositRow,
    YearEndLotRow,
    YearResult,
)

if TYPE_CHECKING:
    from portfolio.accounting import ClassifiedEvents
    from portfolio.books.services import Settings

#: The engine's arithmetic (28 digits, half-even): realized gains are summed as it sums them.
ENGINE_ARITHMETIC = Context(prec=28, rounding=ROUND_HALF_EVEN)
ZERO = Decimal(0)
_time = attrgetter("time")


def resumable(settings: Settings) -> bool:
    """The registry decides (``Jurisdiction.resumable``)."""
    return settings.rules.resumable(settings.method, settings.per_wallet)


def engine(
    events: Sequence[Event],
    *,
    settings: Settings,
    as_of: datetime,
    prices: PriceSource | None,
    opening: Checkpoint | None = None,
) -> EngineResult:
    return compute(
        events,
        method=settings.method,
        jurisdiction=inputs.jurisdiction_for(settings),
        base_currency=settings.base_currency,
        per_wallet=settings.per_wallet,
        as_of=as_of,
        prices=prices,
        opening=opening,
        entered_bases=inputs.engine_bases(settings),
    )


def latest_year_start(events: Sequence[Event], settings: Settings, as_of: datetime):
    """Start of the tax year of the latest event up to ``as_of`` (None: no event)."""
    last = bisect_right(events, as_of, key=_time)
    if not last:
        return None
    jur = settings.rules
    return tax_year_period(jur, jur.tax_year_of(jur.local_date(events[last - 1].time)))[0]


def boundary_year(settings: Settings, boundary: datetime) -> int:
    jur = settings.rules
    return jur.tax_year_of(jur.local_date(boundary))


def boundary_day(settings: Settings, boundary: datetime) -> date:
    return settings.rules.local_date(boundary)


def realized_after(start: dict[str, Decimal], disposals) -> dict[str, Decimal]:
    """Realized gain per asset: ``start`` plus the disposals' gains, added in their order."""
    realized = dict(start)
    with localcontext(ENGINE_ARITHMETIC):
        for d in disposals:
            realized[d.asset] = realized.get(d.asset, ZERO) + d.gain
    return realized


def full_checkpoint(
    *,
    rows: Sequence[LedgerRow],
    events: Sequence[Event],
    settings: Settings,
    as_of: datetime,
    prices: PriceSource | None,
) -> tuple[dict | None, int]:
    """The checkpoint a full run stores (None where no later run could resume), and its events.

    The lots come from a run of the events before the boundary, not from the full result, which
    only has the lots at ``as_of``.
    """
    boundary = latest_year_start(events, settings, as_of) if resumable(settings) else None
    if boundary is None:
        return None, 0
    n = bisect_left(events, boundary, key=_time)
    before = boundary - checkpoints.JUST_BEFORE
    prefix = engine(events[:n], settings=settings, as_of=before, prices=prices)
    fields = checkpoints.fields(
        boundary=boundary,
        lots=prefix.open_lots,
        outside=prefix.outside,
        realized=realized_after({}, prefix.disposals),
        rows=rows[: bisect_left(rows, boundary, key=_time)],
        events=events[:n],
        settings=settings,
    )
    return fields, n


@dataclass(frozen=True)
class ResumePoint:
    previous: AccountingRun
    stored: RunCheckpoint
    start: int  # the first event at or after the boundary

    @property
    def boundary(self) -> datetime:
        return self.stored.boundary


def resume_point(
    *,
    previous: AccountingRun | None,
    settings: Settings,
    rows: Sequence[LedgerRow],
    events: Sequence[Event],
    as_of: datetime,
) -> ResumePoint | None:
    """Where this rebuild can resume from ``previous``, or None: rebuild in full (module doc)."""
    if previous is None or previous.per_wallet != settings.per_wallet or not resumable(settings):
        return None
    if not previous.year_ends_recorded:  # made before the year ends were: nothing to copy
        return None
    stored = RunCheckpoint.objects.filter(run=previous).first()
    if stored is None or stored.boundary > min(as_of, previous.as_of):
        return None
    boundary = stored.boundary
    start = bisect_left(events, boundary, key=_time)
    earlier_rows = rows[: bisect_left(rows, boundary, key=_time)]
    if checkpoints.rows_digest(earlier_rows) != stored.rows_digest:
        return None
    if checkpoints.events_digest(events[:start], settings) != stored.events_digest:
        return None
    if any(
        p["code"] == "missing_price" and storage.problem_time(p) < boundary
        for p in previous.problems
    ):
        return None
    return ResumePoint(previous, stored, start)


@dataclass(frozen=True)
class Resumed:
    result: EngineResult
    checkpoint: dict
    computed: int


def resume(
    point: ResumePoint,
    *,
    rows: Sequence[LedgerRow],
    events: Sequence[Event],
    settings: Settings,
    as_of: datetime,
    prices: PriceSource | None,
) -> Resumed:
    """Compute from the boundary; move the checkpoint to the latest tax year if it grew."""
    seed = checkpoints.opening(point.stored, settings)
    result = engine(
        events[point.start :], settings=settings, as_of=as_of, prices=prices, opening=seed
    )
    computed = len(events) - point.start
    latest = latest_year_start(events, settings, as_of)
    stored = point.stored
    if latest is None or latest <= point.boundary:
        return Resumed(result, checkpoints.kept(stored), computed)
    n = bisect_left(events, latest, key=_time)
    middle = engine(
        events[point.start : n],
        settings=settings,
        as_of=latest - checkpoints.JUST_BEFORE,
        prices=prices,
        opening=seed,
    )
    realized = {asset: Decimal(gain) for asset, gain in stored.realized.items()}
    checkpoint = checkpoints.fields(
        boundary=latest,
        lots=middle.open_lots,
        outside=middle.outside,
        realized=realized_after(realized, middle.disposals),
        rows=rows[: bisect_left(rows, latest, key=_time)],
        events=events[:n],
        settings=settings,
    )
    return Resumed(result, checkpoint, computed + n - point.start)


def days_to_copy(point: ResumePoint, events: Sequence[Event], settings: Settings) -> date | None:
    """The day from which daily values are computed, the earlier ones copied (None: compute all).

    Copied only if the previous run has every day before it: a day left out then (no price yet)
    may have one now.
    """
    if not events:
        return None
    first, day = events[0].time.date(), boundary_day(settings, point.boundary)
    if first >= day:
        return None
    kept = DailyValue.objects.filter(run=point.previous, date__gte=first, date__lt=day).count()
    return day if kept == (day - first).days else None


def merged_pnl(stored: RunCheckpoint, result: EngineResult) -> dict:
    """The run's PnL: the continued run's, with the gains realized before the boundary."""
    start = {asset: Decimal(gain) for asset, gain in stored.realized.items()}
    realized = realized_after(start, result.disposals)
    pnl = storage.pnl_json(result.pnl)
    for asset in sorted(set(realized) | set(pnl)):
        entry = pnl.get(asset)
        if entry is None:  # sold out before the boundary: what the engine reports for it
            entry = {
                "holding": "0",
                "cost_basis": "0",
                "held_outside": "0",
                "outside_cost_basis": "0",
                "market_value": "0",
                "unrealized": "0",
                "price_source": "nothing held",
            }
        entry["realized"] = str(realized.get(asset, ZERO))
        pnl[asset] = entry
    return dict(sorted(pnl.items()))


def store(
    run: AccountingRun,
    point: ResumePoint,
    classified: ClassifiedEvents,
    resumed: Resumed,
    *,
    settings: Settings,
    days,
    days_from: date | None,
    also: Callable[[], None] | None = None,
) -> None:
    """Copy the previous run's rows before the boundary and add the recomputed ones, atomically."""
    year, source = boundary_year(settings, point.boundary), point.previous.pk
    problems = [p for p in point.previous.problems if storage.problem_time(p) < point.boundary]
    problems += storage.problems_json(resumed.result.problems)
    with transaction.atomic():
        for model, column in ((DisposalRow, "tax_year"), (IncomeRow, "tax_year")):
            storage.copy_rows(model, source=source, target=run.pk, before=(column, year))
        storage.copy_rows(
            UnknownBasisDepositRow, source=source, target=run.pk, before=("time", point.boundary)
        )
        storage.add_unknown_gains(run, resumed.result.disposals)
        storage.copy_rows(YearResult, source=source, target=run.pk, before=("year", year))
        # the continued run records the books from the year its opening falls in (the one
        # before the boundary's): the previous run's years before that are copied
        recorded = min(resumed.result.year_end, default=year)
        storage.copy_rows(
            YearEndLotRow, source=source, target=run.pk, before=("tax_year", recorded)
        )
        if days_from is not None:
            storage.copy_rows(DailyValue, source=source, target=run.pk, before=("date", days_from))
        storage.insert_results(run, resumed.result)
        storage.insert_days(run, days)
        storage.store_checkpoint(run, resumed.checkpoint)
        if also is not None:  # the run's other rows, in the same transaction
            also()
        storage.finish(
            run,
            classified,
            problems=problems,
            pnl=merged_pnl(point.stored, resumed.result),
            kind=AccountingRun.Kind.INCREMENTAL,
            based_on=point.previous,
            recomputed_from=point.boundary,
            computed_events=resumed.computed,
        )
