"""Margin positions and futures entries of a rebuild: computed by the engine, stored per run.

They are cheap next to the lot books, so every run (full or incremental) computes them for the
whole history, and each tax year's summary gains its ``margin`` and ``futures`` blocks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from portfolio.accounting import PriceSource
from portfolio.accounting.cash import (
    CashMove,
    cash_holdings,
    futures_cash_moves,
    ledger_cash_moves,
)
from portfolio.accounting.futures import (
    FuturesTotals,
    ValuedFutures,
    futures_by_year,
    futures_records,
    value_futures,
)
from portfolio.accounting.margin import (
    MarginTotals,
    ValuedMargin,
    margin_by_year,
    margin_positions,
    value_margin,
)
from portfolio.accounting.summary import money
from portfolio.books import inputs
from portfolio.books.bulk import bulk_insert
from portfolio.books.models import AccountingRun, FuturesRow, MarginRow, YearResult

if TYPE_CHECKING:
    from portfolio.accounting import LedgerRow, Problem
    from portfolio.books.services import Settings


@dataclass(frozen=True)
class Derivatives:
    margin: tuple[ValuedMargin, ...]
    futures: tuple[tuple[int, ValuedFutures], ...]  # (connection id, entry)
    problems: tuple[Problem, ...]
    cash_moves: tuple[CashMove, ...] = ()

    def margin_years(self) -> dict[int, MarginTotals]:
        return margin_by_year(self.margin)

    def futures_years(self) -> dict[int, FuturesTotals]:
        return futures_by_year(v for _, v in self.futures)


def derivatives_for(
    *,
    user,
    connection,
    rows: list[LedgerRow],
    settings: Settings,
    as_of: datetime,
    prices: PriceSource | None,
) -> Derivatives:
    """The user's closed margin positions and futures entries up to ``as_of``, valued."""
    jur, base = settings.rules, settings.base_currency
    trades = inputs.margin_trades(user=user, connection=connection)
    records = [r for r in margin_positions(rows, trades) if r.closed <= as_of]
    margin, problems = value_margin(records, jurisdiction=jur, base_currency=base, prices=prices)
    futures: list[tuple[int, ValuedFutures]] = []
    cash = ledger_cash_moves(rows)
    for connection_id, log in inputs.futures_log(user=user, connection=connection).items():
        cash += futures_cash_moves(log)
        entries = [r for r in futures_records(log) if r.time <= as_of]
        valued, more = value_futures(entries, jurisdiction=jur, base_currency=base, prices=prices)
        futures += [(connection_id, v) for v in valued]
        problems += more
    return Derivatives(margin, tuple(futures), problems, tuple(cash))


def inputs_digest(*, user, connection) -> str:
    """What margin and futures records are computed from besides the ledger: trades and log."""
    sha = hashlib.sha256(repr(inputs.margin_trades(user=user, connection=connection)).encode())
    sha.update(repr(inputs.futures_log(user=user, connection=connection)).encode())
    return sha.hexdigest()


def margin_block(totals: MarginTotals | None, currency: str) -> dict[str, Any]:
    totals = totals or MarginTotals()
    return {
        "realized_pnl": money(totals.realized_pnl, currency),
        "fees": money(totals.fees, currency),
        "net": money(totals.net, currency),
        "count": totals.count,
    }


def futures_block(totals: FuturesTotals | None, currency: str) -> dict[str, Any]:
    totals = totals or FuturesTotals()
    return {
        "realized_pnl": money(totals.realized_pnl, currency),
        "funding": money(totals.funding, currency),
        "fees": money(totals.fees, currency),
        "net": money(totals.net, currency),
        "count": totals.count,
    }


def with_blocks(summary: dict, d: Derivatives, year: int, currency: str) -> dict:
    """A ``summarise_tax_year`` dict with the year's margin and futures blocks."""
    return {
        **summary,
        "margin": margin_block(d.margin_years().get(year), currency),
        "futures": futures_block(d.futures_years().get(year), currency),
    }


def store(run: AccountingRun, d: Derivatives, *, empty_summary, prices: PriceSource | None) -> None:
    """The rows of ``d`` for ``run``; every tax year's summary gains its two blocks.

    ``empty_summary(year)`` is the summary of a year with no disposals or income (a year with
    only margin or futures entries still gets its page). Call inside the run's transaction.
    """
    cur = run.base_currency
    bulk_insert(MarginRow, ("run", *MARGIN_FIELDS), ((run.pk, *_margin(v)) for v in d.margin))
    bulk_insert(
        FuturesRow,
        ("run", "connection", *FUTURES_FIELDS),
        ((run.pk, cid, *_futures(v)) for cid, v in d.futures),
    )
    stored = {y.year: y for y in YearResult.objects.filter(run=run)}
    for year in sorted(set(d.margin_years()) | set(d.futures_years())):
        if year not in stored:
            stored[year] = YearResult(run=run, year=year, summary=empty_summary(year))
    for year, result in stored.items():
        result.summary = with_blocks(result.summary, d, year, cur)
        result.save()
    AccountingRun.objects.filter(pk=run.pk).update(cash=cash_json(d, run, prices))


def cash_json(d: Derivatives, run: AccountingRun, prices: PriceSource | None) -> list[dict]:
    holdings = cash_holdings(
        d.cash_moves, base_currency=run.base_currency, prices=prices, at=run.as_of
    )
    return [
        {
            "asset": h.asset,
            "wallet": h.wallet,
            "quantity": str(h.quantity),
            "value": None if h.value is None else str(h.value),
            "source": h.source,
        }
        for h in holdings
    ]


MARGIN_FIELDS = (
    "position", "pair", "side", "opened", "closed", "tax_year", "volume", "currency", "pnl",
    "trade_fees", "rollover_fees", "settlement_fees", "pnl_value", "fees_value", "source",
    "ledger_ids",
)  # fmt: skip
FUTURES_FIELDS = (
    "log_id", "time", "tax_year", "contract", "currency", "info", "realized_pnl", "funding",
    "fee", "pnl_value", "funding_value", "fee_value", "source",
)  # fmt: skip


def _margin(v: ValuedMargin) -> tuple:
    r = v.record
    return (r.position, r.pair, r.side, r.opened, r.closed, v.tax_year, r.volume, r.currency,
            r.pnl, r.trade_fees, r.rollover_fees, r.settlement_fees, v.pnl, v.fees, v.source,
            list(r.ledger_ids))  # fmt: skip


def _futures(v: ValuedFutures) -> tuple:
    r = v.record
    return (r.log_id, r.time, v.tax_year, r.contract, r.currency, r.info, r.realized_pnl,
            r.funding, r.fee, v.realized_pnl, v.funding, v.fee, v.source)  # fmt: skip
