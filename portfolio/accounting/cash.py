"""Cash: fiat balances are holdings, valued at Kraken's rate to the base currency.

Rule implemented: fiat is not lot-tracked (no foreign-currency gains, see the package notes), but
it is part of what the user holds. A fiat balance is the sum of its ledger rows' ``amount - fee``
(Kraken's ``balance`` column is that running sum) in the spot wallet, plus the futures wallet's
fiat balance from the futures account log (the change of each wallet row; transfers between spot
and futures move the value from one wallet to the other, so the total is unchanged). Values use
the same price service as every other holding (``valuation.Valuer``): the base currency at its
own amount, any other fiat at Kraken's rate at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from portfolio.accounting.futures import FuturesLogRow, is_contract
from portfolio.accounting.kraken_events import LedgerRow
from portfolio.accounting.kraken_rules import economic_asset
from portfolio.accounting.valuation import FIAT, PriceNotFound, PriceSource, Valuer

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class CashMove:
    time: datetime
    asset: str
    wallet: str  # spot | futures
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CashHolding:
    asset: str
    wallet: str
    quantity: Decimal
    value: Decimal | None  # None: no rate to the base currency
    source: str


def ledger_cash_moves(rows: Iterable[LedgerRow]) -> list[CashMove]:
    out = []
    for row in rows:
        asset = economic_asset(row.asset, row.wallet)[0]
        if asset in FIAT and (row.amount or row.fee):
            out.append(CashMove(row.time, asset, "spot", row.amount - row.fee))
    return out


def futures_cash_moves(log: Iterable[FuturesLogRow]) -> list[CashMove]:
    out = []
    for row in log:
        if row.asset in FIAT and not is_contract(row.asset) and row.new_balance is not None:
            change = row.new_balance - (row.old_balance or ZERO)
            if change:
                out.append(CashMove(row.date, row.asset, "futures", change))
    return out


def cash_balances(moves: Iterable[CashMove], at: datetime) -> dict[tuple[str, str], Decimal]:
    """(asset, wallet) -> balance after every move at or before ``at``."""
    out: dict[tuple[str, str], Decimal] = {}
    for move in moves:
        if move.time <= at:
            key = (move.asset, move.wallet)
            out[key] = out.get(key, ZERO) + move.amount
    return out


def cash_holdings(
    moves: Iterable[CashMove], *, base_currency: str, prices: PriceSource | None, at: datetime
) -> tuple[CashHolding, ...]:
    """The non-zero fiat balances at ``at``, each valued in the base currency."""
    valuer, out = Valuer(base_currency, prices), []
    for (asset, wallet), quantity in sorted(cash_balances(moves, at).items()):
        if not quantity:
            continue
        try:
            value, source = valuer.value(asset, quantity, at)
        except PriceNotFound:
            value, source = None, "missing price"
        out.append(CashHolding(asset, wallet, quantity, value, source))
    return tuple(out)
