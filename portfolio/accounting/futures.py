"""Kraken Futures in the books: realized PnL, funding and fees from the account log.

Rule implemented (kraken_api.md 4.4; Kraken support "Interpreting the logs"): every futures trade
writes two log rows, the wallet row (``asset`` = the collateral currency, e.g. ``usd``) carrying
``realized_pnl`` and ``fee``, and the position row (``asset`` = the contract, e.g. ``pf_xbtusd``)
carrying the size change and, in some exports, the same PnL and fee again. Only wallet rows are
counted, so each PnL and fee counts once. ``funding rate change`` rows carry ``realized_funding``.
Transfers (``cross-exchange transfer``, ``transfer``, ``admin transfer``) move value between the
spot and futures wallets: they change the wallet balance and are never income or disposals.

How a jurisdiction taxes the result is its ``futures_rule`` (``jurisdictions``); this module
records it per log entry, in the tax year of the entry's date (in the user's zone), valued in the
base currency at that moment. The wallet balance recomputed from the log (the sum of each wallet
row's change) is what the ``/accounts`` endpoint must report (reconciliation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from portfolio.accounting.jurisdictions import Jurisdiction
from portfolio.accounting.results import Problem
from portfolio.accounting.valuation import PriceNotFound, PriceSource, Valuer

ZERO = Decimal(0)
#: Log entries that only move value between the user's wallets.
TRANSFER_INFOS = frozenset({"cross-exchange transfer", "transfer", "admin transfer"})


@dataclass(frozen=True, slots=True)
class FuturesLogRow:
    """One account-log row, assets normalised by the client (``USD``, ``BTC``, ``PF_XBTUSD``)."""

    log_id: int
    date: datetime
    asset: str
    info: str
    margin_account: str = ""
    old_balance: Decimal | None = None
    new_balance: Decimal | None = None
    realized_pnl: Decimal | None = None
    fee: Decimal | None = None
    realized_funding: Decimal | None = None
    contract: str = ""


@dataclass(frozen=True, slots=True)
class FuturesRecord:
    """PnL, funding and fee booked by one wallet row of the log, in its currency."""

    log_id: int
    time: datetime
    contract: str
    currency: str
    info: str
    realized_pnl: Decimal
    funding: Decimal
    fee: Decimal

    @property
    def net(self) -> Decimal:
        return self.realized_pnl + self.funding - self.fee


@dataclass(frozen=True, slots=True)
class ValuedFutures:
    record: FuturesRecord
    tax_year: int
    realized_pnl: Decimal
    funding: Decimal
    fee: Decimal
    source: str

    @property
    def net(self) -> Decimal:
        return self.realized_pnl + self.funding - self.fee


def is_contract(asset: str) -> bool:
    """Contract symbols have a product prefix (``PF_XBTUSD``, ``FI_XBTUSD_201225``)."""
    return "_" in asset


def futures_records(rows: Iterable[FuturesLogRow]) -> tuple[FuturesRecord, ...]:
    """A record per wallet row that books PnL, funding or a fee, in log order."""
    out = []
    for row in sorted(rows, key=lambda r: r.log_id):
        if is_contract(row.asset) or row.info.strip().lower() in TRANSFER_INFOS:
            continue
        pnl, funding, fee = (v or ZERO for v in (row.realized_pnl, row.realized_funding, row.fee))
        if pnl or funding or fee:
            out.append(
                FuturesRecord(
                    row.log_id,
                    row.date,
                    row.contract.upper(),
                    row.asset,
                    row.info,
                    pnl,
                    funding,
                    fee,
                )  # fmt: skip
            )
    return tuple(out)


def wallet_balances(rows: Iterable[FuturesLogRow]) -> dict[tuple[str, str], Decimal]:
    """(margin account, currency) -> balance recomputed from the log: the sum of every change."""
    balances: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        if is_contract(row.asset) or row.new_balance is None:
            continue
        key = (row.margin_account, row.asset)
        balances[key] = balances.get(key, ZERO) + row.new_balance - (row.old_balance or ZERO)
    return balances


def value_futures(
    records: Iterable[FuturesRecord],
    *,
    jurisdiction: Jurisdiction,
    base_currency: str,
    prices: PriceSource | None,
) -> tuple[tuple[ValuedFutures, ...], tuple[Problem, ...]]:
    """Each record in the base currency at its time; a missing price is a problem, valued 0."""
    valuer, out, problems = Valuer(base_currency, prices), [], []
    for r in records:
        year = jurisdiction.tax_year_of(jurisdiction.local_date(r.time))
        if r.currency == base_currency:
            source, unit = "leg", Decimal(1)
        else:
            try:
                price = valuer.unit_price(r.currency, r.time)
            except PriceNotFound as exc:
                problems.append(Problem("missing_price", r.currency, r.time, str(exc), r.net))
                out.append(ValuedFutures(r, year, ZERO, ZERO, ZERO, "missing price"))
                continue
            source, unit = price.source, price.value
        out.append(
            ValuedFutures(r, year, r.realized_pnl * unit, r.funding * unit, r.fee * unit, source)
        )
    return tuple(out), tuple(problems)


@dataclass
class FuturesTotals:
    realized_pnl: Decimal = ZERO
    funding: Decimal = ZERO
    fees: Decimal = ZERO
    count: int = 0

    @property
    def net(self) -> Decimal:
        return self.realized_pnl + self.funding - self.fees

    def add(self, v: ValuedFutures) -> None:
        self.realized_pnl += v.realized_pnl
        self.funding += v.funding
        self.fees += v.fee
        self.count += 1


def futures_by_year(valued: Iterable[ValuedFutures]) -> dict[int, FuturesTotals]:
    out: dict[int, FuturesTotals] = {}
    for v in valued:
        out.setdefault(v.tax_year, FuturesTotals()).add(v)
    return dict(sorted(out.items()))


def futures_by_contract(valued: Iterable[ValuedFutures], year: int) -> dict[str, FuturesTotals]:
    """Per contract, for the tax year ``year`` (entries without a contract under "")."""
    out: dict[str, FuturesTotals] = {}
    for v in valued:
        if v.tax_year == year:
            out.setdefault(v.record.contract, FuturesTotals()).add(v)
    return dict(sorted(out.items()))
