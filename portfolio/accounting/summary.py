"""Summaries: yearly totals, PnL per asset, and the ``tax_report --format json`` shape.

Rules implemented:

* A disposal belongs to the tax year of its local sale date (``Jurisdiction.tax_year_of``; UK years
  run 6 April - 5 April, HMRC; others are calendar years).
* Short- and long-term totals come from the lot pieces, so a sale that consumed both kinds of lot is
  split as Form 8949 requires (its Instructions: Part I short term, Part II long term). ``count``
  is the number of lot pieces (one Form 8949 row each, with its own acquisition date), ``sales``
  the disposal events (a sale touching both terms is one sale in each).
* ``fee_disposals`` sums the disposals of fee units (network fees and trade fees paid in crypto,
  ``policies.NetworkFee.DISPOSAL``) by term and in all; the term totals include them. In DE,
  ``short_term`` is the taxable part (sold within a year) and ``long_term`` the exempt part. Where
  the jurisdiction has no holding period (UK, CA, generic) both are zero; the totals are in
  ``disposals``.
* ``disposals.gain`` includes adjustments (Form 8949 column (g), the Canadian superficial loss), so
  there ``gain = proceeds - cost_basis + adjustment``.
* Income totals count only taxable income; fees total every fee recorded in the year.
* Exported amounts are rounded half-up to the currency's minor unit, only here (STYLE: quantize only
  for display and export).
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from portfolio.accounting.jurisdictions import Jurisdiction, get_jurisdiction
from portfolio.accounting.results import (
    AssetPnl,
    EngineResult,
    HeldOutside,
    OpenLot,
    Problem,
    Totals,
    YearSummary,
)
from portfolio.accounting.totals import RunningTotals
from portfolio.accounting.valuation import PriceNotFound, Valuer
from portfolio.accounting.yearly_rules import YEAR_RULES

ZERO = Decimal(0)
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "VND", "UGX", "XOF"})


def yearly_summaries(jur: Jurisdiction, sums: RunningTotals) -> dict[int, YearSummary]:
    """A ``YearSummary`` per tax year from the running sums (``totals``) of every record."""
    total, inc, fee = sums.total, sums.income, sums.fees
    terms = {"short": sums.parts[0], "long": sums.parts[1]}
    fees = {"all": sums.fee_total, "short": sums.fee_parts[0], "long": sums.fee_parts[1]}
    return {
        year: _year(jur, year, total, terms, inc, fee, fees)
        for year in sorted(set(total) | set(inc) | set(fee))
    }


def _totals(acc: dict[int, list[Any]], year: int) -> Totals:
    row = acc.get(year)
    return Totals(row[0], row[1], row[2], row[3], row[6]) if row else Totals()


def _year(
    jur: Jurisdiction,
    year: int,
    total: dict[int, list[Any]],
    terms: dict[str, dict[int, list[Any]]],
    inc: dict[int, list[Any]],
    fee: dict[int, list[Any]],
    fee_disposals: dict[str, dict[int, list[Any]]],
) -> YearSummary:
    start, end = jur.tax_year_dates(year)
    income = inc.get(year, [ZERO, ZERO, ZERO, 0])
    gains, losses = total[year][4:6] if year in total else (ZERO, ZERO)
    return YearSummary(
        year,
        start,
        end,
        _totals(total, year),
        _totals(terms["short"], year),
        _totals(terms["long"], year),
        income[0],
        income[3],
        fee.get(year, [ZERO])[0],
        gains,
        losses,
        *(_totals(fee_disposals[k], year) for k in ("short", "long", "all")),
    )


def _sums(lots: tuple[OpenLot, ...] | tuple[HeldOutside, ...]) -> dict[str, list[Decimal]]:
    held: dict[str, list[Decimal]] = {}
    for lot in lots:
        row = held.setdefault(lot.asset, [ZERO, ZERO])
        row[0] += lot.quantity
        row[1] += lot.cost_basis
    return held


def asset_pnl(
    open_lots: tuple[OpenLot, ...],
    outside: tuple[HeldOutside, ...],
    realized: dict[str, Decimal],
    as_of: datetime,
    valuer: Valuer,
    problems: list[Problem],
) -> tuple[AssetPnl, ...]:
    """Realized PnL (the sum of gains, ``RunningTotals.realized``) and unrealized PnL at ``as_of``
    (needs prices) per asset, of the units on Kraken; the units held outside apart."""
    held, away = _sums(open_lots), _sums(outside)
    out = []
    for asset in sorted(set(realized) | set(held) | set(away)):
        qty, cost = held.get(asset, [ZERO, ZERO])
        value, source = _market_value(asset, qty, as_of, valuer, problems)
        unrealized = None if value is None else value - cost
        out.append(
            AssetPnl(asset, qty, cost, realized.get(asset, ZERO), value, unrealized, source,
                     *away.get(asset, (ZERO, ZERO)))
        )  # fmt: skip
    return tuple(out)


def _market_value(
    asset: str, qty: Decimal, as_of: datetime, valuer: Valuer, problems: list[Problem]
) -> tuple[Decimal | None, str]:
    if not qty:
        return ZERO, "nothing held"
    if valuer.prices is None:
        return None, "no price source"
    try:
        valued = valuer.value(asset, qty, as_of)
    except PriceNotFound as exc:
        problems.append(Problem("missing_price", asset, as_of, str(exc), qty))
        return None, "missing price"
    return valued.amount, valued.source


def money(amount: Decimal, currency: str) -> str:
    """An export string rounded half-up to the currency's minor unit, never in exponent form."""
    exponent = Decimal(1) if currency in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return format(amount.quantize(exponent, rounding=ROUND_HALF_UP), "f")


def _totals_dict(totals: Totals, currency: str) -> dict[str, Any]:
    return {
        "proceeds": money(totals.proceeds, currency),
        "cost_basis": money(totals.cost_basis, currency),
        "gain": money(totals.gain, currency),
        "count": totals.count,
        "sales": totals.sales,
    }


def summarise_tax_year(result: EngineResult, year: int) -> dict[str, Any]:
    """The dict ``tax_report --format json`` prints for the tax year starting in ``year``."""
    jur = get_jurisdiction(result.jurisdiction)
    empty: dict[str, dict[int, list[Any]]] = {"short": {}, "long": {}, "all": {}}
    summary = result.years.get(year) or _year(jur, year, {}, empty, {}, {}, empty)
    cur = result.base_currency
    extra = YEAR_RULES.get(result.jurisdiction)
    return {
        "year": year,
        "jurisdiction": result.jurisdiction,
        "method": result.method,
        "base_currency": cur,
        "period": {"start": summary.start.isoformat(), "end": summary.end.isoformat()},
        "disposals": _totals_dict(summary.disposals, cur),
        "short_term": _totals_dict(summary.short_term, cur),
        "long_term": _totals_dict(summary.long_term, cur),
        "fee_disposals": {
            "short_term": _totals_dict(summary.fee_short_term, cur),
            "long_term": _totals_dict(summary.fee_long_term, cur),
            "all": _totals_dict(summary.fee_disposals, cur),
        },
        "income": {"total": money(summary.income_total, cur), "count": summary.income_count},
        "fees": money(summary.fees_total, cur),
        **(extra(summary, money, cur) if extra is not None else {}),
    }
