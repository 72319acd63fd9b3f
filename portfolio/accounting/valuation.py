"""Valuation of legs in the user's base currency.

Rule implemented: every amount is converted to the base currency at the market price at the moment
of the event (IRS Notice 2014-21 Q-5 "fair market value ... in U.S. dollars" at the date and time;
HMRC CRYPTO22100 "sterling value"; CRA: converted at the rate on the transaction date).

* A leg in the base currency is taken at its own amount ("leg" source).
* For a trade, the fiat leg is preferred when one leg is fiat in the base currency; otherwise a
  fiat leg converted at the FX rate; otherwise the market price of the crypto (see ``engine``).
* Any other asset is priced through ``PriceSource.price(asset, quote, at)``; when no direct quote
  exists the valuer tries a cross rate through a pivot (USD, EUR, BTC): ETH/BTC x BTC/EUR.
* Every value keeps a ``source`` string naming the leg or the prices it came from.
* A missing price raises ``PriceNotFound`` from the source; the engine records it as a problem and
  values the leg at zero (a visible problem, never a silent guess).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, Protocol

ZERO = Decimal(0)

#: Fiat currencies: valued, never lot-tracked (foreign-currency gains are out of scope).
FIAT: frozenset[str] = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "JPY",
        "AUD",
        "CHF",
        "ARS",
        "CLP",
        "COP",
        "DKK",
        "GEL",
        "GHS",
        "LKR",
        "MXN",
        "PLN",
        "SEK",
        "UGX",
        "VND",
        "XOF",
        "NZD",
    ]
)
#: Kraken fee credits: a fixed 0.01 USD each, received free, never lot-tracked.
KFEE = "KFEE"
KFEE_USD = Decimal("0.01")
PIVOTS = ("USD", "EUR", "BTC")


class PriceNotFound(LookupError):
    """No price for ``asset`` in ``quote`` at ``at``."""

    def __init__(self, asset: str, quote: str, at: datetime) -> None:
        super().__init__(f"no price for {asset}/{quote} at {at.isoformat()}")
        self.asset, self.quote, self.at = asset, quote, at


@dataclass(frozen=True, slots=True)
class Price:
    value: Decimal
    source: str


class PriceSource(Protocol):
    """A market price of one unit of ``asset`` in ``quote`` at ``at``; raises PriceNotFound."""

    def price(self, asset: str, quote: str, at: datetime) -> Price: ...


class Valued(NamedTuple):
    amount: Decimal
    source: str


def is_cash(asset: str) -> bool:
    """Fiat and KFEE are valued but not lot-tracked."""
    return asset in FIAT or asset == KFEE


class TablePriceSource:
    """A price source over an in-memory table {(asset, quote): [(time, price), ...]}.

    The price at ``at`` is the latest quote at or before ``at`` (tests, benchmarks, fixtures).
    """

    def __init__(
        self, table: dict[tuple[str, str], list[tuple[datetime, Decimal]]], name: str = "table"
    ):
        self._table = {k: sorted(v) for k, v in table.items()}
        self._name = name

    def price(self, asset: str, quote: str, at: datetime) -> Price:
        rows = self._table.get((asset, quote))
        if rows:
            best = None
            for time, value in rows:
                if time > at:
                    break
                best = value
            if best is not None:
                return Price(best, f"{self._name}:{asset}/{quote}@{at.isoformat()}")
        raise PriceNotFound(asset, quote, at)


class Valuer:
    """Values legs in the base currency, caching prices per (asset, time)."""

    def __init__(self, base: str, prices: PriceSource | None) -> None:
        self.base = base
        self.prices = prices
        self._cache: dict[tuple[str, datetime], Price] = {}

    def unit_price(self, asset: str, at: datetime) -> Price:
        """The price of one unit of ``asset`` in base currency, direct or through a pivot."""
        key = (asset, at)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        price = self._kfee_price(at) if asset == KFEE else self._lookup(asset, at)
        self._cache[key] = price
        return price

    def value(self, asset: str, quantity: Decimal, at: datetime) -> Valued:
        if asset == self.base:
            return Valued(quantity, "leg")
        price = self.unit_price(asset, at)
        return Valued(quantity * price.value, price.source)

    def _kfee_price(self, at: datetime) -> Price:
        if self.base == "USD":
            return Price(KFEE_USD, "KFEE fixed 0.01 USD")
        fx = self._lookup("USD", at)
        return Price(KFEE_USD * fx.value, f"KFEE fixed 0.01 USD x {fx.source}")

    def _lookup(self, asset: str, at: datetime) -> Price:
        if self.prices is None:
            raise PriceNotFound(asset, self.base, at)
        try:
            return self.prices.price(asset, self.base, at)
        except PriceNotFound:
            pass
        for pivot in PIVOTS:
            if pivot in (asset, self.base):
                continue
            try:
                first = self.prices.price(asset, pivot, at)
                second = self.prices.price(pivot, self.base, at)
            except PriceNotFound:
                continue
            return Price(first.value * second.value, f"{first.source} x {second.source}")
        raise PriceNotFound(asset, self.base, at)
