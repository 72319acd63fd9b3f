"""Read the stored accounting results for pages: always scoped to their owner."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum
from django.http import Http404

from portfolio.accounting.futures import FuturesTotals
from portfolio.accounting.jurisdictions import JURISDICTIONS, METHOD_LABELS
from portfolio.books.models import (
    AccountingRun,
    DailyValue,
    DisposalRow,
    FuturesRow,
    IncomeRow,
    MarginRow,
    UnknownBasisDepositRow,
    YearResult,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class CurrentRun:
    """The figures a page may show: ``run`` is computed with the settings the page labels."""

    run: AccountingRun | None
    latest: AccountingRun | None
    pending: bool  # the latest run was made with other settings: a rebuild is pending
    wanted: str  # the settings the page labels, for the pending notice


def run_settings(run: AccountingRun) -> tuple[str, str, str, str]:
    return (run.jurisdiction, run.method, run.base_currency, run.time_zone)


def current_run_for(*, user, settings) -> CurrentRun:
    """The latest run if it was made with ``settings`` (the profile's, ``settings_for``)."""
    latest = latest_run_for(user=user)
    wanted = (settings.jurisdiction, settings.method, settings.base_currency, settings.time_zone)
    rules = JURISDICTIONS.get(settings.jurisdiction)
    label = " · ".join(  # as the profile page names them
        (
            (rules.label or rules.name) if rules is not None else settings.jurisdiction,
            METHOD_LABELS.get(settings.method, settings.method),
            settings.base_currency,
            settings.time_zone,
        )
    )
    if latest is None:
        return CurrentRun(None, None, False, label)
    if run_settings(latest) != wanted:
        return CurrentRun(None, latest, True, label)
    return CurrentRun(latest, latest, False, label)


def latest_run_for(*, user, connection=None) -> AccountingRun | None:
    """The newest successful run (all connections): the one a rebuild last made or confirmed."""
    return (
        AccountingRun.objects.filter(
            user=user, connection=connection, state=AccountingRun.State.SUCCEEDED
        )
        .order_by(F("confirmed_at").desc(nulls_last=True), "-finished_at", "-pk")
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
    #: Withdrawn to the user's own wallets and not yet back (``quantity`` is on Kraken).
    held_outside: Decimal = ZERO
    outside_cost_basis: Decimal = ZERO
    wallet: str = ""
    is_cash: bool = False


def _cash(run: AccountingRun) -> list[Holding]:
    """Fiat balances as holdings: their basis is their value (no currency gains are tracked)."""
    out = []
    for row in run.cash:
        value = _d(row["value"])
        out.append(
            Holding(
                asset=row["asset"],
                quantity=Decimal(row["quantity"]),
                cost_basis=value if value is not None else ZERO,
                market_value=value,
                unrealized=None if value is None else ZERO,
                realized=ZERO,
                price_source=row["source"],
                wallet=row["wallet"],
                is_cash=True,
            )
        )
    return out


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
    unknown_bases: int = 0


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def holdings_of(run: AccountingRun) -> list[Holding]:
    """Every asset the run has figures for (held, held outside, or sold out), by asset."""
    return [
        Holding(
            asset=asset,
            quantity=Decimal(row["holding"]),
            cost_basis=Decimal(row["cost_basis"]),
            market_value=_d(row["market_value"]),
            unrealized=_d(row["unrealized"]),
            realized=Decimal(row["realized"]),
            price_source=row["price_source"],
            held_outside=Decimal(row.get("held_outside", "0")),
            outside_cost_basis=Decimal(row.get("outside_cost_basis", "0")),
        )
        for asset, row in sorted(run.pnl.items())
    ]


def overview_for(*, run: AccountingRun) -> Overview:
    holdings = holdings_of(run)
    held = [h for h in holdings if h.quantity != 0 or h.held_outside != 0] + _cash(run)
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
        unknown_bases=UnknownBasisDepositRow.objects.filter(run=run).count(),
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


def unknown_bases_for(*, run: AccountingRun) -> QuerySet[UnknownBasisDepositRow]:
    """The run's deposits of unknown basis (beyond what was withdrawn before), oldest first."""
    return UnknownBasisDepositRow.objects.filter(run=run).order_by("time", "event_id")


def unknown_basis_of(*, user, event_id: str) -> UnknownBasisDepositRow:
    """The user's unknown-basis deposit ``event_id`` (its ledger id, which entered bases are
    keyed by) in their latest run: a link that outlives the rebuilds renumbering the rows. 404
    for a deposit that is not one of this user's unknown-basis deposits."""
    run = latest_run_for(user=user)
    found = (
        UnknownBasisDepositRow.objects.filter(run=run, run__user=user, event_id=event_id).first()
        if run is not None
        else None
    )
    if found is None:
        raise Http404("no such deposit")
    return found


def margin_for(*, run: AccountingRun, year: int) -> QuerySet[MarginRow]:
    return MarginRow.objects.filter(run=run, tax_year=year).order_by("closed", "position")


def futures_by_contract(*, run: AccountingRun, year: int) -> list[tuple[str, FuturesTotals]]:
    """The year's futures entries summed per contract, in the run's base currency."""
    rows = (
        FuturesRow.objects.filter(run=run, tax_year=year)
        .values("contract")
        .annotate(
            pnl=Sum("pnl_value"), funding=Sum("funding_value"), fees=Sum("fee_value"), n=Count("id")
        )
        .order_by("contract")
    )
    return [(r["contract"], FuturesTotals(r["pnl"], r["funding"], r["fees"], r["n"])) for r in rows]


def missing_prices_for(*, run: AccountingRun, limit: int = 200) -> list[dict]:
    """The run's "missing_price" problems (asset and moment), one per asset and moment."""
    seen, out = set(), []
    for problem in run.problems:
        key = (problem.get("asset"), problem.get("time"))
        if problem.get("code") == "missing_price" and key not in seen:
            seen.add(key)
            out.append(problem)
    return out[:limit]
