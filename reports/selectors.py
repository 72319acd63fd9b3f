"""Read the stored accounting results for pages: always scoped to their owner."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from reports.models import AccountingRun, DailyValue, DisposalRow, IncomeRow, YearResult

ZERO = Decimal(0)


def latest_run_for(*, user, connection=None) -> AccountingRun | None:
    """The newest successful run for the user's current settings scope (all connections)."""
    return (
        AccountingRun.objects.filter(
            user=user, connection=connection, state=AccountingRun.State.SUCCEEDED
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Holding:
    asset: str
    quantity: Decimal
    cost_basis: Decimal
    market_value: Decimal | None
    unrealized: Decimal | None
    realized: Decimal
    price_source: str


@dataclass(frozen=True)
class Overview:
    run: AccountingRun
    holdings: list[Holding]
    market_value: Decimal | None
    cost_basis: Decimal
    unrealized: Decimal | None
    realized: Decimal
    income: Decimal
    years: list[YearResult]


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def overview_for(*, run: AccountingRun) -> Overview:
    holdings = [
        Holding(
            asset=asset,
            quantity=Decimal(row["holding"]),
            cost_basis=Decimal(row["cost_basis"]),
            market_value=_d(row["market_value"]),
            unrealized=_d(row["unrealized"]),
            realized=Decimal(row["realized"]),
            price_source=row["price_source"],
        )
        for asset, row in sorted(run.pnl.items())
    ]
    held = [h for h in holdings if h.quantity != 0]
    values = [h.market_value for h in held]
    market = None if any(v is None for v in values) else sum(values, ZERO)  # type: ignore[arg-type]
    unrealized = [h.unrealized for h in held]
    years = list(YearResult.objects.filter(run=run).order_by("-year"))
    income = sum((Decimal(y.summary["income"]["total"]) for y in years), ZERO)
    return Overview(
        run=run,
        holdings=held,
        market_value=market,
        cost_basis=sum((h.cost_basis for h in held), ZERO),
        unrealized=None if any(u is None for u in unrealized) else sum(unrealized, ZERO),  # type: ignore[arg-type]
        realized=sum((h.realized for h in holdings), ZERO),
        income=income,
        years=years,
    )


def value_series(*, run: AccountingRun, max_points: int = 400) -> list[DailyValue]:
    """The daily values, thinned evenly to at most `max_points` (always keeping the last)."""
    days = list(DailyValue.objects.filter(run=run).order_by("date"))
    if len(days) <= max_points:
        return days
    step = len(days) / max_points
    picked = [days[int(i * step)] for i in range(max_points)]
    if picked[-1] is not days[-1]:
        picked[-1] = days[-1]
    return picked


def year_for(*, run: AccountingRun, year: int) -> YearResult:
    found = YearResult.objects.filter(run=run, year=year).first()
    if found is None:
        raise Http404(f"no results for tax year {year}")
    return found


def disposals_for(*, run: AccountingRun, year: int) -> QuerySet[DisposalRow]:
    return DisposalRow.objects.filter(run=run, tax_year=year).order_by("time", "event_id")


def income_for(*, run: AccountingRun, year: int) -> QuerySet[IncomeRow]:
    return IncomeRow.objects.filter(run=run, tax_year=year).order_by("time", "event_id")


def missing_prices_for(*, run: AccountingRun, limit: int = 200) -> list[dict]:
    """The run's "missing_price" problems (asset and moment), one per asset and moment."""
    seen, out = set(), []
    for problem in run.problems:
        key = (problem.get("asset"), problem.get("time"))
        if problem.get("code") == "missing_price" and key not in seen:
            seen.add(key)
            out.append(problem)
    return out[:limit]
