"""The tax-year page's disposals: filtered, sorted, paginated, each with the rule it matched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404

from portfolio.accounting.jurisdictions import get_jurisdiction
from portfolio.books.models import AccountingRun, DisposalRow, YearResult

#: Lot-id prefixes the engine gives UK matches (portfolio/accounting/uk_matching.py, runner.py).
RULES = {
    "same-day": "Same day",
    "30-day": "30 days",
    "s104": "Section 104",
}
SORTS = {
    "date": "time",
    "asset": "asset",
    "quantity": "quantity",
    "proceeds": "proceeds",
    "basis": "basis",
    "gain": "gain",
}
SORT_COLUMNS = (
    ("date", "Date"), ("asset", "Asset"), ("quantity", "Quantity"), ("proceeds", "Proceeds"),
    ("basis", "Cost basis"), ("gain", "Gain"),
)  # fmt: skip
PAGE_SIZE = 50


def rule_of(lot_id: str) -> str:
    prefix = lot_id.split(":", 1)[0]
    if prefix in RULES:
        return RULES[prefix]
    return "Unknown history" if prefix == "missing" else "Lot"


@dataclass(frozen=True)
class DisposalView:
    row: DisposalRow
    rules: list[str]
    pool_unit_cost: Decimal | None  # the s104 pool's cost per unit, where the pool was used

    @property
    def lots(self) -> list[dict]:
        return [{**lot, "rule": rule_of(lot["lot_id"])} for lot in self.row.lots]

    @property
    def pool_after(self) -> tuple[Decimal, Decimal] | None:
        """UK: the s104 pool (quantity, allowable cost) right after the disposal; None where the
        run did not record it (other jurisdictions, runs stored before it was recorded)."""
        row = self.row
        if row.pool_quantity_after is None or row.pool_cost_after is None:
            return None
        return row.pool_quantity_after, row.pool_cost_after


def disposal_view(row: DisposalRow) -> DisposalView:
    rules, pool = [], None
    for lot in row.lots:
        label = rule_of(lot["lot_id"])
        if label not in rules:
            rules.append(label)
        if label == "Section 104" and Decimal(lot["quantity"]):
            pool = Decimal(lot["basis"]) / Decimal(lot["quantity"])
    return DisposalView(row, rules, pool)


@dataclass(frozen=True)
class DisposalFilters:
    asset: str = ""
    term: str = ""
    rule: str = ""  # a key of RULES
    sort: str = "date"
    descending: bool = False

    def as_params(self) -> dict[str, str]:
        values = {"asset": self.asset, "term": self.term, "rule": self.rule, "sort": self.sort,
                  "dir": "desc" if self.descending else ""}  # fmt: skip
        return {k: v for k, v in values.items() if v}


def disposals_page(
    *, run: AccountingRun, year: int, filters: DisposalFilters, page: int = 1
) -> tuple[Page, list[DisposalView]]:
    qs: QuerySet = DisposalRow.objects.filter(run=run, tax_year=year)
    if filters.asset:
        qs = qs.filter(asset=filters.asset)
    if filters.term:
        qs = qs.filter(term=filters.term)
    if filters.rule in RULES:
        qs = qs.annotate(lots_text=Cast("lots", TextField())).filter(
            lots_text__contains=f"{filters.rule}:"
        )
    column = SORTS.get(filters.sort, "time")
    order = F(column).desc() if filters.descending else F(column).asc()
    tie = "-pk" if filters.descending else "pk"
    paginator = Paginator(qs.order_by(order, tie), PAGE_SIZE)
    current = paginator.get_page(page)
    return current, [disposal_view(row) for row in current.object_list]


def disposal_assets(*, run: AccountingRun, year: int) -> list[str]:
    rows = DisposalRow.objects.filter(run=run, tax_year=year).values_list("asset", flat=True)
    return list(rows.order_by("asset").distinct())  # no default ordering columns in the DISTINCT


def year_or_current(*, run: AccountingRun, year: int, today: date) -> YearResult:
    """The stored year, or an empty one for a year between the first stored one and the current
    tax year (nothing happened in it yet); any other year is not found."""
    found = YearResult.objects.filter(run=run, year=year).first()
    if found is not None:
        return found
    jur = get_jurisdiction(run.jurisdiction)
    current = jur.tax_year_of(today)
    first = (
        YearResult.objects.filter(run=run).order_by("year").values_list("year", flat=True).first()
    )
    if year > current or year < min(first or current, current):
        raise Http404(f"no results for tax year {year}")
    start, end = jur.tax_year_dates(year)
    zero = {"proceeds": "0", "cost_basis": "0", "gain": "0", "count": 0, "sales": 0}
    summary = {
        "year": year,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "disposals": zero, "short_term": zero, "long_term": zero,
        "income": {"total": "0", "count": 0}, "fees": "0",
    }  # fmt: skip
    return YearResult(run=run, year=year, summary=summary)


def year_choices(*, run: AccountingRun, today: date) -> list[int]:
    """The stored years and the current one, newest first: the year picker's list."""
    current = get_jurisdiction(run.jurisdiction).tax_year_of(today)
    years = set(YearResult.objects.filter(run=run).values_list("year", flat=True)) | {current}
    return sorted(years, reverse=True)


def default_year(*, run: AccountingRun | None, jurisdiction: str, today: date) -> int:
    """The year the "Tax year" menu opens: the latest with activity in ``run`` (not after the
    current one), else the current tax year."""
    current = get_jurisdiction(jurisdiction).tax_year_of(today)
    if run is None:
        return current
    stored = YearResult.objects.filter(run=run, year__lte=current).order_by("-year")
    return stored.values_list("year", flat=True).first() or current
