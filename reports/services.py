"""Rebuild a user's accounting from the synced ledger and store what the engine returns.

The engine is pure; this service feeds it (ledger rows from the database, prices from the price
service) and writes its results in one transaction, so a reader sees the old run or the new one,
never half of one. A rebuild whose inputs (ledger rows and settings) are unchanged since the last
successful run is skipped: the stored run is still right. A rebuild after new rows resumes from
the previous run's checkpoint at a tax-year start where that is provably the same as computing
everything (``reports.incremental``), and copies the earlier years' rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import KrakenConnection
from accounts.services import profile_for
from portfolio.accounting import (
    ClassifiedEvents,
    EngineResult,
    LedgerRow,
    PriceSource,
    classify_ledger,
    portfolio_value_by_day,
)
from portfolio.prices.selectors import prices_unchanged_before, prices_version
from reports import incremental, inputs, storage
from reports.models import AccountingRun


@dataclass(frozen=True)
class Settings:
    jurisdiction: str
    method: str
    base_currency: str
    per_wallet: bool


def settings_for(*, user, jurisdiction: str | None = None, method: str | None = None) -> Settings:
    """The user's profile settings, with optional overrides (the tax_report command's flags)."""
    profile = profile_for(user=user)
    jurisdiction = jurisdiction or profile.jurisdiction
    # The US requires wallet-by-wallet identification from 2025 (each Kraken account is a
    # wallet); the UK and Canada pool across accounts by law; elsewhere one universal pool.
    return Settings(
        jurisdiction=jurisdiction,
        method=method or profile.cost_basis_method,
        base_currency=profile.base_currency,
        per_wallet=jurisdiction == "us",
    )


def _digest(rows: list[LedgerRow], settings: Settings, as_of: datetime, prices: str) -> str:
    sha = hashlib.sha256(repr(settings).encode())
    sha.update(prices.encode())
    sha.update(as_of.date().isoformat().encode())
    for row in rows:
        sha.update(
            f"{row.ledger_id}|{row.time.isoformat()}|{row.amount}|{row.fee}|{row.asset}".encode()
        )
    return sha.hexdigest()


def compute_for(
    *,
    rows: Iterable[LedgerRow],
    settings: Settings,
    as_of: datetime,
    prices: PriceSource | None,
) -> tuple[ClassifiedEvents, EngineResult]:
    classified = classify_ledger(rows)
    result = incremental.engine(classified.events, settings=settings, as_of=as_of, prices=prices)
    return classified, result


def accounting_rebuild(
    *,
    user,
    connection: KrakenConnection | None = None,
    jurisdiction: str | None = None,
    method: str | None = None,
    as_of: datetime | None = None,
    prices: PriceSource | None = None,
    daily_values: bool = True,
    force: bool = False,
) -> AccountingRun:
    """Compute and store the user's accounts; returns the stored (or unchanged) run.

    Incremental (from the latest run's checkpoint) where that is provably the same as computing
    everything (``reports.incremental``); ``force`` always computes everything.
    """
    as_of = as_of or timezone.now()
    settings = settings_for(user=user, jurisdiction=jurisdiction, method=method)
    rows = inputs.ledger_rows(user=user, connection=connection, per_connection=settings.per_wallet)
    version = prices_version(user=user)
    digest = _digest(rows, settings, as_of, version)
    latest = _latest(user=user, connection=connection, settings=settings)
    if latest is not None and latest.inputs_digest == digest and not force:
        return latest
    if prices is None:
        prices = inputs.price_source(user=user, connection=connection)
    run = AccountingRun.objects.create(
        user=user,
        connection=connection,
        jurisdiction=settings.jurisdiction,
        method=settings.method,
        base_currency=settings.base_currency,
        per_wallet=settings.per_wallet,
        as_of=as_of,
        inputs_digest=digest,
        prices_version=version,
    )
    try:
        chart_prices = prices if daily_values and rows else None
        inputs_ = _Inputs(rows, classify_ledger(rows), settings, as_of, prices, chart_prices)
        point = None
        if not force:
            point = incremental.resume_point(
                previous=latest,
                settings=settings,
                rows=rows,
                events=inputs_.classified.events,
                as_of=as_of,
            )
        if point is not None and not prices_unchanged_before(
            since_version=latest.prices_version, version=version, boundary=point.stored.boundary
        ):
            point = None  # earlier years are copied only if their prices cannot have changed
        if point is None:
            _rebuild_full(run, inputs_)
        else:
            _rebuild_from(run, point, inputs_)
    except Exception as exc:
        AccountingRun.objects.filter(pk=run.pk).update(
            state=AccountingRun.State.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    run.refresh_from_db()
    return run


@dataclass(frozen=True)
class _Inputs:
    rows: list[LedgerRow]
    classified: ClassifiedEvents
    settings: Settings
    as_of: datetime
    prices: PriceSource | None
    chart_prices: PriceSource | None


def _rebuild_full(run: AccountingRun, i: _Inputs) -> None:
    events = i.classified.events
    result = incremental.engine(events, settings=i.settings, as_of=i.as_of, prices=i.prices)
    checkpoint, more = incremental.full_checkpoint(
        rows=i.rows, events=events, settings=i.settings, as_of=i.as_of, prices=i.prices
    )
    days = daily_values_for(i.classified, i.settings, i.chart_prices, i.as_of)
    _store(
        run, i.classified, result, days, checkpoint=checkpoint, computed_events=len(events) + more
    )


def _rebuild_from(run: AccountingRun, point: incremental.ResumePoint, i: _Inputs) -> None:
    events = i.classified.events
    resumed = incremental.resume(
        point, rows=i.rows, events=events, settings=i.settings, as_of=i.as_of, prices=i.prices
    )
    days_from = incremental.days_to_copy(point, events, i.settings) if i.chart_prices else None
    days = daily_values_for(i.classified, i.settings, i.chart_prices, i.as_of, start=days_from)
    incremental.store(
        run, point, i.classified, resumed, settings=i.settings, days=days, days_from=days_from
    )


def _latest(*, user, connection, settings: Settings) -> AccountingRun | None:
    return (
        AccountingRun.objects.filter(
            user=user,
            connection=connection,
            jurisdiction=settings.jurisdiction,
            method=settings.method,
            base_currency=settings.base_currency,
            state=AccountingRun.State.SUCCEEDED,
        )
        .order_by("-started_at")
        .first()
    )


def daily_values_for(
    classified, settings: Settings, prices, as_of: datetime, start: date | None = None
):
    """The chart's value per day (the engine's ``portfolio_value_by_day`` over the events)."""
    if prices is None or not classified.events:
        return ()
    start = start or min(event.time for event in classified.events).date()
    end = as_of.date()
    return portfolio_value_by_day(
        classified.events,
        base_currency=settings.base_currency,
        prices=prices,
        start=start,
        end=end,
        jurisdiction=settings.jurisdiction,
    )


def _store(
    run: AccountingRun,
    classified: ClassifiedEvents,
    result: EngineResult,
    days,
    *,
    checkpoint: dict | None = None,
    computed_events: int | None = None,
) -> None:
    """Store a full computation and the checkpoint a later run may resume from, atomically."""
    with transaction.atomic():
        storage.insert_results(run, result)
        storage.insert_days(run, days)
        storage.store_checkpoint(run, checkpoint)
        storage.finish(
            run,
            classified,
            problems=storage.problems_json(result.problems),
            pnl=storage.pnl_json(result.pnl),
            kind=AccountingRun.Kind.FULL,
            computed_events=len(classified.events) if computed_events is None else computed_events,
        )
