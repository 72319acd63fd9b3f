"""Closed margin positions: one record each, never a disposal of fiat.

Rule implemented: a Kraken margin position is a borrowing plus a trade; what it realizes is its
profit or loss when it closes, not a sale of the quote currency. Kraken books it as ledger rows
(kraken_api.md 3.5, "How to interpret Ledger history fields"):

* ``margin`` rows: the opening (amount 0, fee = trade fee + opening fee) and each close (amount =
  the realized P/L, Kraken's ``net``; fee = the closing trade's fee). The refid is the trade txid.
* ``rollover`` rows: the rollover fee (refid = the position txid).
* ``settled`` rows: settling the position (refid = the position txid); the base/quote legs are an
  exchange booked by the engine, the fee is the settlement fee.

A ledger row belongs to the position named by its trade's ``postxid`` (TradesHistory) or, without
one, by its refid. A position is closed when it has a P/L or settlement row or a closing trade;
open positions have no record. Volume, pair and side come from the opening trade (its ``txid`` is
the position's, or it is the earliest trade of the position). How a jurisdiction counts the
result is its ``margin_rule`` (``jurisdictions``); this module only records it, in the tax year of
the close (in the user's zone), valued in the base currency at the close.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from portfolio.accounting.jurisdictions import Jurisdiction
from portfolio.accounting.kraken_events import LedgerRow
from portfolio.accounting.kraken_rules import economic_asset
from portfolio.accounting.results import Problem
from portfolio.accounting.valuation import PriceNotFound, PriceSource, Valuer

ZERO = Decimal(0)
MARGIN_TYPES = frozenset({"margin", "rollover", "settled", "margin trade"})


@dataclass(frozen=True, slots=True)
class MarginTrade:
    """The TradesHistory fields that tie ledger rows to a position."""

    txid: str
    postxid: str
    pair: str
    time: datetime
    side: str  # buy | sell
    vol: Decimal


@dataclass(frozen=True, slots=True)
class MarginPositionRecord:
    position: str
    pair: str
    side: str  # long | short | "" (no trade known)
    opened: datetime | None
    closed: datetime
    volume: Decimal
    currency: str
    pnl: Decimal  # Kraken's net: the sum of the closing rows' amounts
    trade_fees: Decimal
    rollover_fees: Decimal
    settlement_fees: Decimal
    ledger_ids: tuple[str, ...]

    @property
    def fees(self) -> Decimal:
        return self.trade_fees + self.rollover_fees + self.settlement_fees

    @property
    def net(self) -> Decimal:
        return self.pnl - self.fees


@dataclass(frozen=True, slots=True)
class ValuedMargin:
    """A closed position in the base currency, in the tax year of its close."""

    record: MarginPositionRecord
    tax_year: int
    pnl: Decimal
    fees: Decimal
    source: str

    @property
    def net(self) -> Decimal:
        return self.pnl - self.fees


class _Position:
    def __init__(self) -> None:
        self.rows: list[LedgerRow] = []
        self.trades: list[MarginTrade] = []


def margin_positions(
    rows: Iterable[LedgerRow], trades: Iterable[MarginTrade] = ()
) -> tuple[MarginPositionRecord, ...]:
    """Every closed margin position in ``rows``, in the order they closed."""
    margin_rows = [r for r in rows if _kind(r) in MARGIN_TYPES]
    refids = {r.refid for r in margin_rows}
    # Only the trades behind margin rows: spot trades carry a postxid too (Kraken's placeholder).
    by_txid = {t.txid: t for t in trades if t.txid in refids}
    positions: dict[str, _Position] = {}
    for trade in by_txid.values():
        if trade.postxid:
            positions.setdefault(trade.postxid, _Position()).trades.append(trade)
    for row in margin_rows:
        behind = by_txid.get(row.refid)
        name = behind.postxid if behind is not None and behind.postxid else row.refid
        positions.setdefault(name, _Position()).rows.append(row)
    records = [_record(name, p) for name, p in positions.items() if p.rows]
    closed = [r for r in records if r is not None]
    return tuple(sorted(closed, key=lambda r: (r.closed, r.position)))


def _record(name: str, p: _Position) -> MarginPositionRecord | None:
    trades = sorted(p.trades, key=lambda t: (t.time, t.txid))
    opening = next((t for t in trades if t.txid == name), trades[0] if trades else None)
    closing = [t for t in trades if t is not opening]
    pnl_rows = [r for r in p.rows if _kind(r) == "margin" and r.amount]
    settled = [r for r in p.rows if _kind(r) == "settled"]
    ends = [r.time for r in pnl_rows + settled] + [t.time for t in closing]
    if not ends:
        return None  # still open
    margin_rows = [r for r in p.rows if _kind(r) in ("margin", "margin trade")]
    rollovers = [r for r in p.rows if _kind(r) == "rollover"]
    currency = next((_asset(r) for r in margin_rows + rollovers), "")
    return MarginPositionRecord(
        position=name,
        pair=opening.pair if opening else "",
        side={"buy": "long", "sell": "short"}.get(opening.side, "") if opening else "",
        opened=opening.time if opening else min(r.time for r in p.rows),
        closed=max(ends),
        volume=opening.vol if opening else ZERO,
        currency=currency,
        pnl=sum((r.amount for r in margin_rows), ZERO),
        trade_fees=sum((r.fee for r in margin_rows), ZERO),
        rollover_fees=sum((r.fee - min(r.amount, ZERO) for r in rollovers), ZERO),
        settlement_fees=sum((r.fee for r in settled), ZERO),
        ledger_ids=tuple(r.ledger_id for r in sorted(p.rows, key=lambda r: (r.time, r.ledger_id))),
    )


def _kind(row: LedgerRow) -> str:
    return row.type.strip().lower()


def _asset(row: LedgerRow) -> str:
    return economic_asset(row.asset, row.wallet)[0]


def value_margin(
    records: Iterable[MarginPositionRecord],
    *,
    jurisdiction: Jurisdiction,
    base_currency: str,
    prices: PriceSource | None,
) -> tuple[tuple[ValuedMargin, ...], tuple[Problem, ...]]:
    """Each record in the base currency at its close; a missing price is a problem, valued 0."""
    valuer, out, problems = Valuer(base_currency, prices), [], []
    for record in records:
        year = jurisdiction.tax_year_of(jurisdiction.local_date(record.closed))
        try:
            pnl = valuer.value(record.currency, record.pnl, record.closed)
            fees = valuer.value(record.currency, record.fees, record.closed).amount
        except PriceNotFound as exc:
            problems.append(
                Problem("missing_price", record.currency, record.closed, str(exc), record.pnl)
            )
            out.append(ValuedMargin(record, year, ZERO, ZERO, "missing price"))
            continue
        out.append(ValuedMargin(record, year, pnl.amount, fees, pnl.source))
    return tuple(out), tuple(problems)


@dataclass
class MarginTotals:
    realized_pnl: Decimal = ZERO
    fees: Decimal = ZERO
    count: int = 0

    @property
    def net(self) -> Decimal:
        return self.realized_pnl - self.fees


def margin_by_year(valued: Iterable[ValuedMargin]) -> dict[int, MarginTotals]:
    out: dict[int, MarginTotals] = {}
    for v in valued:
        totals = out.setdefault(v.tax_year, MarginTotals())
        totals.realized_pnl += v.pnl
        totals.fees += v.fees
        totals.count += 1
    return dict(sorted(out.items()))
