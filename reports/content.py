"""What a tax report holds, gathered from the books' stored results: it never computes gains.

``report_for`` reads one stored run (``portfolio.books``) and the sync state of the connections
it covers; the writers (``reports.tables`` for CSV, ``reports.pdf``) only format what it holds.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.http import Http404
from django.utils import timezone

from accounts.models import KrakenConnection
from accounts.selectors import connections_for
from portfolio.accounting import summarise_tax_year
from portfolio.accounting.jurisdictions import METHOD_LABELS, get_jurisdiction
from portfolio.books import selectors
from portfolio.books.models import AccountingRun, YearResult
from portfolio.books.services import settings_for
from portfolio.books.storage import problem_time
from portfolio.models import SyncRun
from portfolio.selectors import latest_reconciliation
from reports import rows as report_rows
from reports.estimates import TaxEstimate, estimate_for


@cache
def engine_version() -> str:
    """The application's version (pyproject.toml): the engine ships with it."""
    with open(Path(django_settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


@dataclass(frozen=True)
class ConnectionState:
    label: str
    source: str  # "API" or "CSV imports"
    last_sync: datetime | None
    last_sync_state: str
    reconciled: bool | None  # None: never reconciled
    reconciled_at: datetime | None
    reconciliation_problems: list[str]


@dataclass
class Report:
    user: str
    run: AccountingRun
    year: int
    start: date
    end: date
    settings: dict[str, str]
    generated_at: datetime
    engine_version: str
    connections: list[ConnectionState]
    summary: dict[str, Any]
    estimate: TaxEstimate
    problems: list[dict]
    rows: report_rows.Rows
    values: list[tuple[date, Any]] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.run.base_currency

    @property
    def unreconciled(self) -> list[ConnectionState]:
        return [c for c in self.connections if not c.reconciled]

    @property
    def has_disposals(self) -> bool:
        return bool(self.rows.disposals)


def run_for_report(*, user, connection: KrakenConnection | None = None) -> AccountingRun:
    """The stored run a report prints: the one for the user's current settings (all
    connections), or the latest finished one of ``connection``. 404 when there is none."""
    if connection is None:
        run = selectors.current_run_for(user=user, settings=settings_for(user=user)).run
    else:
        run = selectors.latest_run_for(user=user, connection=connection)
    if run is None:
        raise Http404("No computed accounts for these settings yet: sync, then rebuild.")
    return run


def connection_states(*, user, connection: KrakenConnection | None) -> list[ConnectionState]:
    scope = [connection] if connection is not None else list(connections_for(user=user))
    states = []
    for conn in scope:
        last = SyncRun.objects.filter(connection=conn).order_by("-created_at", "-id").first()
        rec = latest_reconciliation(connection=conn)
        states.append(
            ConnectionState(
                label=conn.label,
                source="CSV imports" if getattr(conn, "csv_only", False) else "API",
                last_sync=last.finished_at or last.created_at if last else None,
                last_sync_state=last.state if last else "never synced",
                reconciled=None if rec is None else rec.ok,
                reconciled_at=rec.created_at if rec else None,
                reconciliation_problems=[str(p) for p in (rec.problems if rec else [])][:20],
            )
        )
    return states


def _settings_of(run: AccountingRun, user) -> dict[str, str]:
    profile = settings_for(user=user)
    rules = get_jurisdiction(run.jurisdiction)
    return {
        "jurisdiction": rules.name,
        "method": METHOD_LABELS.get(run.method, run.method),
        "base currency": run.base_currency,
        "time zone": run.time_zone or str(rules.tz),
        "wallets": "each Kraken account its own books" if run.per_wallet else "universal books",
        "unknown basis": profile.unknown_basis or "jurisdiction default",
        "network fees": profile.network_fee or "jurisdiction default",
        "exchange fees": profile.exchange_fee or "jurisdiction default",
    }


def _problems(run: AccountingRun, start: datetime, end: datetime) -> list[dict]:
    """The run's problems dated in the tax year: every one changes a figure (a zero basis, an
    unvalued amount), so each goes on the first page."""
    return [p for p in run.problems or [] if start <= problem_time(p) < end]


def _summary(run: AccountingRun, year: int) -> dict[str, Any]:
    """The stored summary of the year; a year the books hold nothing for gets the engine's
    summary of an empty year (every total zero), so its report says so rather than failing."""
    stored = YearResult.objects.filter(run=run, year=year).first()
    if stored is not None:
        return stored.summary
    nothing = SimpleNamespace(
        years={}, jurisdiction=run.jurisdiction, method=run.method, base_currency=run.base_currency
    )
    return {**summarise_tax_year(nothing, year), "margin": None, "futures": None}  # type: ignore[arg-type]


def report_for(
    *, user, year: int, connection: KrakenConnection | None = None, run: AccountingRun | None = None
) -> Report:
    """Everything the report prints for ``year``, read from the stored run."""
    run = run or run_for_report(user=user, connection=connection)
    rules = get_jurisdiction(run.jurisdiction).with_time_zone(run.time_zone or None)
    start, end = rules.tax_year_period(year)
    zone = ZoneInfo(str(rules.tz))
    summary = _summary(run, year)
    rows = report_rows.rows_for(run=run, year=year, zone=zone, year_end=end)
    values = [
        (v.date, v.value)
        for v in run.daily_values.filter(date__gte=start.date(), date__lt=end.date())
    ]
    return Report(
        user=user.get_username(),
        run=run,
        year=year,
        start=start.date(),
        end=rules.tax_year_dates(year)[1],
        settings=_settings_of(run, user),
        generated_at=timezone.now(),
        engine_version=engine_version(),
        connections=connection_states(user=user, connection=connection),
        summary=summary,
        estimate=estimate_for(run=run, year=year, summary=summary, rows=rows),
        problems=_problems(run, start, end),
        rows=rows,
        values=values,
    )
