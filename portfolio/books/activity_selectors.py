"""Read the stored results for the asset, income, margin and futures pages (owner-scoped by run)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from portfolio.books import chart_data
from portfolio.books.models import (
    AccountingRun,
    DisposalRow,
    FuturesRow,
    IncomeRow,
    LotRow,
    MarginRow,
    YearResult,
)
from portfolio.books.selectors import ZERO, Holding, _cash, holdings_of
from portfolio.models import AssetPair
from portfolio.prices.models import PriceQuote

PAGE_SIZE = 50
RECENT = 25


@dataclass(frozen=True)
class AssetDetail:
    holding: Holding
    lots: list[LotRow]
    disposals: list[DisposalRow]  # the newest RECENT
    disposal_count: int
    income: list[IncomeRow]  # the newest RECENT
    income_total: Decimal
    income_count: int

    @property
    def average_cost(self) -> Decimal | None:
        held = sum((lot.quantity for lot in self.lots if not lot.held_outside), ZERO)
        cost = sum((lot.cost_basis for lot in self.lots if not lot.held_outside), ZERO)
        return cost / held if held else None


def asset_pages(*, run: AccountingRun | None) -> frozenset[str]:
    """The assets that have a holdings page (``asset_detail`` finds them): none without a run."""
    if run is None:
        return frozenset()
    return frozenset([*run.pnl, *(row["asset"] for row in run.cash)])


def asset_detail(*, run: AccountingRun, asset: str) -> AssetDetail | None:
    holding = next((h for h in holdings_of(run) + _cash(run) if h.asset == asset), None)
    if holding is None:
        return None
    disposals = DisposalRow.objects.filter(run=run, asset=asset)
    income = IncomeRow.objects.filter(run=run, asset=asset)
    income_sum = income.aggregate(total=Sum("value"), n=Count("id"))
    return AssetDetail(
        holding=holding,
        lots=list(LotRow.objects.filter(run=run, asset=asset).order_by("acquired", "pk")),
        disposals=list(disposals.order_by("-time", "-pk")[:RECENT]),
        disposal_count=disposals.count(),
        income=list(income.order_by("-time", "-pk")[:RECENT]),
        income_total=income_sum["total"] or ZERO,
        income_count=income_sum["n"],
    )


def _points(rows) -> list[list]:
    return [[moment.isoformat(), float(value)] for moment, value in rows]


def asset_chart(*, run: AccountingRun, user, asset: str, max_points: int = 300) -> dict:
    """The asset's price in the base currency (Kraken's candles of a direct pair) and the
    average cost per unit of what each disposal sold, then of what is held now."""
    names = (
        AssetPair.objects.filter(connection__user=user, base=asset, quote=run.base_currency)
        .values_list("altname", "pair_id")
        .first()
    )
    pair, prices = "", []
    if names:  # the price store names a pair by its altname (portfolio.prices.service)
        pair = names[0] or names[1]
        candles = PriceQuote.objects.filter(pair__in=[n for n in names if n]).order_by("time")
        prices = chart_data.thin(list(candles.values_list("time", "close")), max_points)
    sold = DisposalRow.objects.filter(run=run, asset=asset, quantity__gt=0).order_by("time", "pk")
    costs = [(t, basis / qty) for t, basis, qty in sold.values_list("time", "basis", "quantity")]
    lots = LotRow.objects.filter(run=run, asset=asset, held_outside=False).aggregate(
        q=Sum("quantity"), c=Sum("cost_basis")
    )
    costs = chart_data.thin(costs, max_points)
    if lots["q"]:
        costs.append((run.as_of, lots["c"] / lots["q"]))
    return {"price": _points(prices), "avg_cost": _points(costs), "pair": pair}


def _income_qs(run: AccountingRun, year: int | None, asset: str) -> QuerySet[IncomeRow]:
    qs = IncomeRow.objects.filter(run=run)
    if year is not None:
        qs = qs.filter(tax_year=year)
    if asset:
        qs = qs.filter(asset=asset)
    return qs


def income_page(*, run: AccountingRun, year: int | None, asset: str, page: int) -> Page:
    qs = _income_qs(run, year, asset).order_by("-time", "-pk")
    return Paginator(qs, PAGE_SIZE).get_page(page)


def income_totals(*, run: AccountingRun, year: int | None, asset: str) -> list[dict]:
    """Per asset and type: count, quantity and value, largest value first."""
    rows = (
        _income_qs(run, year, asset)
        .values("asset", "income_type")
        .annotate(n=Count("id"), quantity=Sum("quantity"), value=Sum("value"))
        .order_by("-value", "asset")
    )
    return list(rows)


def income_choices(*, run: AccountingRun) -> dict:
    qs = IncomeRow.objects.filter(run=run)
    return {
        "years": list(qs.values_list("tax_year", flat=True).order_by("-tax_year").distinct()),
        "assets": list(qs.values_list("asset", flat=True).order_by("asset").distinct()),
    }


def years_of(*, run: AccountingRun) -> list[int]:
    return list(YearResult.objects.filter(run=run).order_by("-year").values_list("year", flat=True))


def _margin_qs(run: AccountingRun, year: int | None) -> QuerySet[MarginRow]:
    qs = MarginRow.objects.filter(run=run)
    return qs.filter(tax_year=year) if year is not None else qs


def margin_page(*, run: AccountingRun, year: int | None, page: int) -> Page:
    qs = _margin_qs(run, year).order_by("-closed", "-pk")
    return Paginator(qs, PAGE_SIZE).get_page(page)


def margin_totals(*, run: AccountingRun, year: int | None) -> dict:
    sums = _margin_qs(run, year).aggregate(
        pnl=Sum("pnl_value"), fees=Sum("fees_value"), n=Count("id")
    )
    pnl, fees = sums["pnl"] or ZERO, sums["fees"] or ZERO
    return {"pnl": pnl, "fees": fees, "net": pnl - fees, "count": sums["n"]}


def _futures_qs(run: AccountingRun, year: int | None) -> QuerySet[FuturesRow]:
    qs = FuturesRow.objects.filter(run=run)
    return qs.filter(tax_year=year) if year is not None else qs


def futures_by_contract_month(*, run: AccountingRun, year: int | None) -> list[dict]:
    """Realized PnL, funding and fees per contract and month (user's zone), in the base currency."""
    rows = (
        _futures_qs(run, year)
        .annotate(month=TruncMonth("time", tzinfo=timezone.get_current_timezone()))
        .values("contract", "month")
        .annotate(
            pnl=Sum("pnl_value"), funding=Sum("funding_value"), fees=Sum("fee_value"), n=Count("id")
        )  # fmt: skip
        .order_by("contract", "-month")
    )
    return [{**r, "net": r["pnl"] + r["funding"] - r["fees"]} for r in rows]


def futures_totals(*, run: AccountingRun, year: int | None) -> dict:
    sums = _futures_qs(run, year).aggregate(
        pnl=Sum("pnl_value"), funding=Sum("funding_value"), fees=Sum("fee_value"), n=Count("id")
    )
    pnl, funding, fees = (sums[k] or ZERO for k in ("pnl", "funding", "fees"))
    return {
        "pnl": pnl,
        "funding": funding,
        "fees": fees,
        "net": pnl + funding - fees,
        "count": sums["n"],
    }
