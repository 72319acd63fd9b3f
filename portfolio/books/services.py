"""Rebuild a user's accounting from the synced ledger and store what the engine returns.

The engine is pure; this service feeds it (ledger rows from the database, prices from the price
service) and writes its results in one transaction, so a reader sees the old run or the new one,
never half of one. A rebuild whose inputs (ledger rows and settings) are unchanged since the last
successful run is skipped: the stored run is still right. A rebuild after new rows resumes from
the previous run's checkpoint at a tax-year start where that is provably the same as computing
everything (``portfolio.books.incremental``), and copies the earlier years' rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

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
    summarise_tax_year,
)
from portfolio.accounting.jurisdictions import Jurisdiction, get_jurisdiction
from portfolio.books import derivatives, incremental, inputs, storage
from portfolio.books.models import AccountingRun
from portfolio.prices.selectors import prices_unchanged_before, prices_version


@dataclass(frozen=True)
class Settings:
    jurisdiction: str
    method: str
    base_currency: str
    per_wallet: bool
    #: The profile's policies ("" = the jurisdiction's default; values of ``policies`` enums).
    unknown_basis: str = ""
    network_fee: str = ""
    exchange_fee: str = ""
    #: Bases the user entered: (deposit event id, basis, acquired ISO time), sorted.
    entered: tuple[tuple[str, str, str], ...] = ()
    time_zone: str = ""

    @property
    def rules(self) -> Jurisdiction:
        """The jurisdiction's rules with tax dates in the user's zone."""
        return get_jurisdiction(self.jurisdiction).with_time_zone(self.time_zone)


def settings_for(
    *,
    user,
    jurisdiction: str | None = None,
    method: str | None = None,
    time_zone: str | None = None,
) -> Settings:
    """The user's profile settings, with optional overrides (the tax_report command's flags).

    Everything about the jurisdiction comes from the engine's registry: a method it does not
    allow (the profile's, under another jurisdiction's flag) gives way to its default, and its
    wallet rule decides whether each Kraken account keeps its own books.
    """
    profile = profile_for(user=user)
    rules = get_jurisdiction(jurisdiction or profile.jurisdiction)
    if method is not None and not rules.allows(method):
        raise ValueError(f"{rules.label or rules.name} does not allow the method {method!r}")
    return Settings(
        jurisdiction=rules.code,
        method=rules.method_or_default(method or profile.cost_basis_method),
        base_currency=profile.base_currency,
        per_wallet=rules.wallet_by_wallet,
        time_zone=time_zone or profile.time_zone or str(rules.tz),
        unknown_basis=profile.unknown_basis,
        network_fee=profile.network_fee,
        exchange_fee=profile.exchange_fee,
        entered=inputs.entered_bases(user=user),
    )


def _digest(rows: list[LedgerRow], settings: Settings, as_of: datetime, more: str = "") -> str:
    """What a run is computed from: rows, settings, the day, and `more` (the derivatives' inputs
    and the version of the stored prices)."""
    sha = hashlib.sha256(repr(settings).encode())
    sha.update(more.encode())
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
    job=None,
    on_progress: Callable[..., None] | None = None,
) -> AccountingRun:
    """Compute and store the user's accounts; returns the stored (or unchanged) run.

    Incremental (from the latest run's checkpoint) where that is provably the same as computing
    everything (``books.incremental``); ``force`` always computes everything. `job` is the
    rebuild Job this runs in (``books.rebuilds``); `on_progress(stage=...)` hears each stage and
    may raise to stop before anything is stored.
    """
    progress = on_progress or (lambda **_: None)
    progress(stage="reading the ledger")
    as_of = as_of or timezone.now()
    settings = settings_for(user=user, jurisdiction=jurisdiction, method=method)
    rows = inputs.ledger_rows(user=user, connection=connection, per_connection=settings.per_wallet)
    version = prices_version(user=user)
    digest = _digest(
        rows,
        settings,
        as_of,
        derivatives.inputs_digest(user=user, connection=connection) + "|prices:" + version,
    )
    latest = _latest(user=user, connection=connection, settings=settings)
    if latest is not None and latest.inputs_digest == digest and not force:
        # still right: it is again the run that pages show (the settings may have changed back)
        AccountingRun.objects.filter(pk=latest.pk).update(confirmed_at=timezone.now())
        latest.refresh_from_db()
        return latest
    if prices is None:
        prices = inputs.price_source(user=user, connection=connection, as_of=as_of)
    run = AccountingRun.objects.create(
        user=user,
        connection=connection,
        jurisdiction=settings.jurisdiction,
        method=settings.method,
        base_currency=settings.base_currency,
        per_wallet=settings.per_wallet,
        time_zone=settings.time_zone,
        as_of=as_of,
        inputs_digest=digest,
        prices_version=version,
        job=job,
    )
    try:
        progress(stage="classifying the ledger", done=0, total=len(rows))
        chart_prices = prices if daily_values and rows else None
        books = derivatives.derivatives_for(
            user=user, connection=connection, rows=rows, settings=settings, as_of=as_of,
            prices=prices,
        )  # fmt: skip
        inputs_ = _Inputs(rows, classify_ledger(rows), settings, as_of, prices, chart_prices, books)
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
        progress(stage="computing the books", done=len(rows), total=len(rows))
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
    books: derivatives.Derivatives


def _rebuild_full(run: AccountingRun, i: _Inputs) -> None:
    events = i.classified.events
    result = incremental.engine(events, settings=i.settings, as_of=i.as_of, prices=i.prices)
    checkpoint, more = incremental.full_checkpoint(
        rows=i.rows, events=events, settings=i.settings, as_of=i.as_of, prices=i.prices
    )
    days = daily_values_for(
        i.classified, i.settings, i.chart_prices, i.as_of, cash=i.books.cash_moves
    )
    _store(
        run, i.classified, result, days, checkpoint=checkpoint, computed_events=len(events) + more,
        books=i.books, prices=i.prices,
    )  # fmt: skip


def _rebuild_from(run: AccountingRun, point: incremental.ResumePoint, i: _Inputs) -> None:
    events = i.classified.events
    resumed = incremental.resume(
        point, rows=i.rows, events=events, settings=i.settings, as_of=i.as_of, prices=i.prices
    )
    days_from = incremental.days_to_copy(point, events, i.settings) if i.chart_prices else None
    days = daily_values_for(
        i.classified, i.settings, i.chart_prices, i.as_of, start=days_from, cash=i.books.cash_moves
    )
    incremental.store(
        run, point, i.classified, resumed, settings=i.settings, days=days, days_from=days_from,
        also=partial(_store_books, run, i.books, resumed.result, i.prices),
    )  # fmt: skip


def _store_books(run: AccountingRun, books: derivatives.Derivatives, result, prices) -> None:
    empty = partial(summarise_tax_year, result)
    derivatives.store(run, books, empty_summary=empty, prices=prices)


def _latest(*, user, connection, settings: Settings) -> AccountingRun | None:
    return (
        AccountingRun.objects.filter(
            user=user,
            connection=connection,
            jurisdiction=settings.jurisdiction,
            method=settings.method,
            base_currency=settings.base_currency,
            time_zone=settings.time_zone,
            state=AccountingRun.State.SUCCEEDED,
        )
        .order_by("-started_at")
        .first()
    )


def daily_values_for(
    classified,
    settings: Settings,
    prices,
    as_of: datetime,
    start: date | None = None,
    cash=(),
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
        jurisdiction=settings.rules,
        cash=cash,
    )


def _store(
    run: AccountingRun,
    classified: ClassifiedEvents,
    result: EngineResult,
    days,
    *,
    checkpoint: dict | None = None,
    computed_events: int | None = None,
    books: derivatives.Derivatives,
    prices: PriceSource | None,
) -> None:
    """Store a full computation and the checkpoint a later run may resume from, atomically."""
    with transaction.atomic():
        storage.insert_results(run, result)
        storage.insert_days(run, days)
        storage.store_checkpoint(run, checkpoint)
        _store_books(run, books, result, prices)
        storage.finish(
            run,
            classified,
            problems=storage.problems_json(result.problems),
            pnl=storage.pnl_json(result.pnl),
            kind=AccountingRun.Kind.FULL,
            computed_events=len(classified.events) if computed_events is None else computed_events,
        )
