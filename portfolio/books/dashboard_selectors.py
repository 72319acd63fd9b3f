"""Read the stored results for the overview and holdings pages: a fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from portfolio.books.models import AccountingRun, DailyValue, IncomeRow
from portfolio.books.selectors import ZERO, Holding, Overview, _cash, holdings_of

HOLDING_SORTS = {
    "asset": lambda h: h.asset,
    "quantity": lambda h: h.quantity,
    "cost": lambda h: h.cost_basis,
    "value": lambda h: h.market_value if h.market_value is not None else ZERO,
    "unrealized": lambda h: h.unrealized if h.unrealized is not None else ZERO,
    "realized": lambda h: h.realized,
    "outside": lambda h: h.held_outside,
}


@dataclass(frozen=True)
class HoldingsTotals:
    cost_basis: Decimal
    market_value: Decimal | None  # None when a holding has no price
    unrealized: Decimal | None
    realized: Decimal
    outside_cost_basis: Decimal


@dataclass(frozen=True)
class HoldingsTable:
    rows: list[Holding]
    totals: HoldingsTotals
    sort: str
    descending: bool


def _sum_or_none(values: list[Decimal | None]) -> Decimal | None:
    return None if any(v is None for v in values) else sum(values, ZERO)  # type: ignore[arg-type]


def holdings_table(
    *, overview: Overview, sort: str = "value", descending: bool = True
) -> HoldingsTable:
    """Every asset the run knows (held, held outside, or sold out with a realized gain) and cash.

    The totals add the rows shown, so the realized total is the overview's realized card.
    """
    held = {h.asset for h in overview.holdings if not h.is_cash}
    sold_out = [h for h in holdings_of(overview.run) if h.asset not in held and h.realized != 0]
    rows = [h for h in overview.holdings] + sold_out
    key = HOLDING_SORTS.get(sort, HOLDING_SORTS["value"])
    rows.sort(key=key, reverse=descending)
    totals = HoldingsTotals(
        cost_basis=sum((h.cost_basis for h in rows), ZERO),
        market_value=_sum_or_none([h.market_value for h in rows]),
        unrealized=_sum_or_none([h.unrealized for h in rows]),
        realized=sum((h.realized for h in rows), ZERO),
        outside_cost_basis=sum((h.outside_cost_basis for h in rows), ZERO),
    )
    return HoldingsTable(rows, totals, sort if sort in HOLDING_SORTS else "value", descending)


@dataclass(frozen=True)
class Slice:
    asset: str
    value: Decimal
    percent: Decimal


def allocation(*, overview: Overview) -> list[Slice]:
    """Each priced holding's share of the priced total (cash included), largest first."""
    priced = [h for h in overview.holdings if h.market_value is not None and h.market_value > 0]
    by_asset: dict[str, Decimal] = {}
    for h in priced:
        by_asset[h.asset] = by_asset.get(h.asset, ZERO) + h.market_value  # type: ignore[operator]
    total = sum(by_asset.values(), ZERO)
    if total == 0:
        return []
    slices = [Slice(a, v, v * 100 / total) for a, v in by_asset.items()]
    return sorted(slices, key=lambda s: s.value, reverse=True)


def income_by_month(*, run: AccountingRun, limit: int | None = None) -> list[tuple[date, Decimal]]:
    """The income of each month that had any (the last ``limit`` of them when given), in the
    user's zone, oldest first."""
    rows = (
        IncomeRow.objects.filter(run=run)
        .annotate(month=TruncMonth("time", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(total=Sum("value"))
        .order_by("-month")
    )
    if limit is not None:
        rows = rows[:limit]
    return [(_as_date(r["month"]), r["total"]) for r in reversed(list(rows))]


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def daily_values(*, run: AccountingRun) -> list[tuple[date, Decimal]]:
    return list(DailyValue.objects.filter(run=run).order_by("date").values_list("date", "value"))


def cash_total(*, run: AccountingRun) -> tuple[list[Holding], Decimal | None]:
    rows = _cash(run)
    return rows, _sum_or_none([h.market_value for h in rows])


HOLDING_COLUMNS = (
    ("asset", "Asset", False),
    ("quantity", "On Kraken", True),
    ("cost", "Cost basis", True),
    ("value", "Value", True),
    ("unrealized", "Unrealized", True),
    ("realized", "Realized", True),
    ("outside", "Held outside", True),
    ("outside_cost", "Outside basis", True),
)
HOLDING_SORTS["outside_cost"] = lambda h: h.outside_cost_basis


def _percent(part: Decimal | None, whole: Decimal) -> Decimal | None:
    return None if part is None or whole == 0 else part * 100 / whole


def pnl_percentages(*, overview: Overview) -> dict[str, Decimal | None]:
    """Unrealized gain as a share of the crypto held's cost; realized gain as a share of the
    cost of everything disposed of (all years). ``crypto_cost`` is that first base, the figure
    the dashboard's cost card shows: cash has no gain, so its basis would only dilute the share."""
    held_cost = sum((h.cost_basis for h in overview.holdings if not h.is_cash), ZERO)
    sold_cost = sum((Decimal(y.summary["disposals"]["cost_basis"]) for y in overview.years), ZERO)
    return {
        "crypto_cost": held_cost,
        "unrealized_pct": _percent(overview.unrealized, held_cost),
        "realized_pct": _percent(overview.realized, sold_cost),
    }
