"""Reads the API needs that no page has: the prices behind the latest valuation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portfolio.accounting.valuation import PriceNotFound
from portfolio.books import inputs
from portfolio.books.models import AccountingRun
from portfolio.books.selectors import missing_prices_for


@dataclass(frozen=True)
class PriceUsed:
    asset: str
    quantity: Decimal
    market_value: Decimal | None
    price: Decimal | None
    source: str


def valuation_prices(*, user, run: AccountingRun) -> dict:
    """Each held asset's unit price in the run's base currency at the run's valuation moment,
    by the stored-price rule the run used (no network), with the source it names."""
    prices = inputs.price_source(user=user, as_of=run.as_of)
    used = []
    for asset, row in sorted(run.pnl.items()):
        quantity = Decimal(row["holding"])
        if quantity == 0:
            continue
        price, source = None, row.get("price_source", "")
        if prices is not None:
            try:
                found = prices.price(asset, run.base_currency, run.as_of)
            except PriceNotFound:
                pass
            else:
                price, source = found.value, found.source
        value = row.get("market_value")
        used.append(
            PriceUsed(asset, quantity, None if value is None else Decimal(value), price, source)
        )
    return {
        "run": run,
        "quote": run.base_currency,
        "at": run.as_of,
        "prices": used,
        "missing": missing_prices_for(run=run),
    }
