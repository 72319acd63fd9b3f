"""Typed, immutable records of what Kraken returns. Amounts are Decimal, times aware UTC.

Every record keeps Kraken's own identifiers and, next to the normalised asset code, the raw code
Kraken used, so a synced row can always be traced back to the API response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a paged endpoint; `count` is Kraken's total for the query (None if omitted)."""

    items: tuple[T, ...]
    count: int | None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    ledger_id: str
    refid: str
    time: datetime
    timestamp: Decimal  # Kraken's unix seconds, exact: usable as a start/end cursor
    type: str
    subtype: str
    aclass: str
    asset: str
    raw_asset: str
    amount: Decimal
    fee: Decimal
    balance: Decimal
    wallet: str = ""
    subclass: str = ""
    amount_usd: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Trade:
    txid: str
    ordertxid: str
    postxid: str
    pair: str
    base: str
    quote: str
    time: datetime
    timestamp: Decimal
    type: str
    ordertype: str
    price: Decimal
    cost: Decimal
    fee: Decimal  # in the quote currency, even when Kraken deducted it in base (see the ledger)
    vol: Decimal
    margin: Decimal
    misc: str
    ledgers: tuple[str, ...] = ()
    trade_id: int | None = None
    maker: bool | None = None
    leverage: Decimal | None = None
    posstatus: str = ""
    cprice: Decimal | None = None
    ccost: Decimal | None = None
    cfee: Decimal | None = None
    cvol: Decimal | None = None
    cmargin: Decimal | None = None
    net: Decimal | None = None
    closing_trades: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClosedOrder:
    txid: str
    refid: str
    userref: int | None
    status: str
    reason: str
    opentm: datetime
    closetm: datetime | None
    timestamp: Decimal  # opentm as unix seconds
    pair: str  # descr.pair: the altname (XBTGBP), unlike Trade.pair
    type: str
    ordertype: str
    descr_price: Decimal
    descr_price2: Decimal
    leverage: str
    order: str
    vol: Decimal
    vol_exec: Decimal
    cost: Decimal
    fee: Decimal
    price: Decimal
    stopprice: Decimal
    limitprice: Decimal
    misc: str
    oflags: str
    trades: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AssetBalance:
    asset: str
    raw_asset: str
    balance: Decimal


@dataclass(frozen=True, slots=True)
class BalanceExEntry:
    asset: str
    raw_asset: str
    balance: Decimal
    hold_trade: Decimal
    credit: Decimal
    credit_used: Decimal

    @property
    def available(self) -> Decimal:
        """Kraken's rule: balance + credit - credit_used - hold_trade."""
        return self.balance + self.credit - self.credit_used - self.hold_trade


@dataclass(frozen=True, slots=True)
class TradeBalance:
    eb: Decimal
    tb: Decimal
    m: Decimal
    n: Decimal
    c: Decimal
    v: Decimal
    e: Decimal
    mf: Decimal
    ml: Decimal | None
    uv: Decimal | None


@dataclass(frozen=True, slots=True)
class OpenPosition:
    posid: str
    ordertxid: str
    posstatus: str
    pair: str
    time: datetime
    type: str
    ordertype: str
    cost: Decimal
    fee: Decimal
    vol: Decimal
    vol_closed: Decimal
    margin: Decimal
    value: Decimal | None
    net: Decimal | None
    terms: str
    rollovertm: str
    misc: str
    oflags: str


@dataclass(frozen=True, slots=True)
class AssetInfo:
    raw_asset: str
    asset: str
    aclass: str
    altname: str
    decimals: int
    display_decimals: int
    collateral_value: Decimal | None
    status: str


@dataclass(frozen=True, slots=True)
class AssetPair:
    pair_id: str
    altname: str
    wsname: str
    base: str
    quote: str
    raw_base: str
    raw_quote: str
    aclass_base: str
    aclass_quote: str
    pair_decimals: int
    lot_decimals: int
    cost_decimals: int | None
    lot_multiplier: int
    ordermin: Decimal | None
    costmin: Decimal | None
    tick_size: Decimal | None
    status: str
    fee_volume_currency: str


@dataclass(frozen=True, slots=True)
class OHLCBar:
    pair: str
    time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    vwap: Decimal
    volume: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class PublicTrade:
    pair: str
    price: Decimal
    volume: Decimal
    time: datetime
    timestamp: Decimal
    side: str  # "b" buy, "s" sell
    ordertype: str  # "m" market, "l" limit
    misc: str
    trade_id: int | None


@dataclass(frozen=True, slots=True)
class Ticker:
    pair: str
    ask: Decimal
    bid: Decimal
    last: Decimal
    volume_today: Decimal
    volume_24h: Decimal
    vwap_today: Decimal
    vwap_24h: Decimal
    trades_today: int
    trades_24h: int
    low_today: Decimal
    low_24h: Decimal
    high_today: Decimal
    high_24h: Decimal
    open: Decimal


@dataclass(frozen=True, slots=True)
class ExportStatus:
    id: str
    descr: str
    format: str
    report: str
    subtype: str
    status: str  # Queued | Processing | Processed
    fields: str
    createdtm: datetime | None
    starttm: datetime | None
    completedtm: datetime | None
    datastarttm: datetime | None
    dataendtm: datetime | None
    asset: str


@dataclass(frozen=True, slots=True)
class FuturesAccount:
    name: str
    type: str  # cashAccount | marginAccount | multiCollateralMarginAccount
    currency: str
    balances: dict[str, Decimal]  # normalised asset -> quantity
    auxiliary: dict[str, Decimal]
    figures: dict[str, Decimal]  # flex account totals: portfolioValue, availableMargin, ...


@dataclass(frozen=True, slots=True)
class FuturesFill:
    fill_id: str
    symbol: str
    side: str
    order_id: str
    size: Decimal
    price: Decimal
    fill_time: datetime
    fill_type: str
    cli_ord_id: str = ""


@dataclass(frozen=True, slots=True)
class FuturesPosition:
    symbol: str
    side: str
    price: Decimal
    size: Decimal
    fill_time: datetime | None
    unrealized_funding: Decimal | None
    pnl_currency: str
    max_fixed_leverage: Decimal | None


@dataclass(frozen=True, slots=True)
class FuturesOpenOrder:
    """One resting order from /derivatives/api/v3/openorders."""

    order_id: str
    symbol: str
    side: str
    order_type: str
    limit_price: Decimal | None
    stop_price: Decimal | None
    unfilled_size: Decimal
    filled_size: Decimal
    received_time: datetime | None
    status: str
    reduce_only: bool


@dataclass(frozen=True, slots=True)
class FuturesLogEntry:
    id: int
    date: datetime
    asset: str
    raw_asset: str
    info: str
    booking_uid: str
    margin_account: str
    old_balance: Decimal | None
    new_balance: Decimal | None
    old_average_entry_price: Decimal | None
    new_average_entry_price: Decimal | None
    trade_price: Decimal | None
    mark_price: Decimal | None
    realized_pnl: Decimal | None
    fee: Decimal | None
    execution: str
    collateral: str
    contract: str
    funding_rate: Decimal | None
    realized_funding: Decimal | None
    conversion_spread_percentage: Decimal | None
    liquidation_fee: Decimal | None = None
    exchange_rate: Decimal | None = None
    conversion_fee: Decimal | None = None
