"""Ground-truth records of a simulated account, as immutable Python objects for tests.

Times are integer ``ticks`` of 0.1 ms (``time`` gives the exact Decimal seconds Kraken prints);
futures times are epoch milliseconds. Lists are oldest first; ``seq`` breaks ties in time order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .market import TICKS


def ticks_to_time(ticks: int) -> Decimal:
    return Decimal(ticks).scaleb(-4)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: str
    refid: str
    ticks: int
    type: str
    subtype: str
    asset: str
    amount: Decimal
    fee: Decimal
    balance: Decimal
    seq: int
    aclass: str = "currency"

    @property
    def time(self) -> Decimal:
        return ticks_to_time(self.ticks)


@dataclass(frozen=True, slots=True)
class Trade:
    txid: str
    ordertxid: str
    postxid: str
    pair: str  # pair id, e.g. XXBTZUSD
    ticks: int
    type: str  # buy | sell
    ordertype: str
    price: Decimal
    cost: Decimal
    fee: Decimal  # always in the quote currency, whatever the ledger deducted
    vol: Decimal
    margin: Decimal
    misc: str
    trade_id: int
    maker: bool
    ledgers: tuple[str, ...]
    seq: int
    posstatus: str | None = None

    @property
    def time(self) -> Decimal:
        return ticks_to_time(self.ticks)


@dataclass(frozen=True, slots=True)
class ClosedOrder:
    txid: str
    pair: str  # pair id; the API prints its altname in descr.pair
    type: str
    ordertype: str
    limit_price: Decimal
    opentm: int  # ticks
    closetm: int  # ticks
    status: str  # closed | canceled
    reason: str | None
    vol: Decimal
    vol_exec: Decimal
    cost: Decimal
    fee: Decimal
    avg_price: Decimal
    oflags: str
    trades: tuple[str, ...]
    userref: int
    seq: int
    leverage: str = "none"


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """A resting spot limit order (nothing executed): BalanceEx's hold_trade is what these hold."""

    txid: str
    pair: str  # pair id
    type: str  # buy | sell
    limit_price: Decimal
    vol: Decimal
    opentm: int  # ticks
    hold_asset: str
    hold: Decimal  # a buy holds vol x limit price of the quote, a sell holds vol of the base
    userref: int = 0
    oflags: str = "fciq"


@dataclass(frozen=True, slots=True)
class FuturesOpenOrder:
    order_id: str
    symbol: str
    side: str
    limit_price: Decimal
    size: Decimal
    ms: int


@dataclass(frozen=True, slots=True)
class MarginPosition:
    txid: str
    ordertxid: str
    pair: str
    ticks: int
    type: str
    price: Decimal
    cost: Decimal
    fee: Decimal
    vol: Decimal
    margin: Decimal
    leverage: int
    status: str  # open | closed | settled
    closed_ticks: int | None = None


@dataclass(frozen=True, slots=True)
class FuturesFill:
    fill_id: str
    symbol: str
    side: str
    order_id: str
    size: Decimal
    price: Decimal
    ms: int
    fill_type: str


@dataclass(frozen=True, slots=True)
class FuturesLogEntry:
    id: int
    ms: int
    asset: str
    info: str
    booking_uid: str
    margin_account: str
    old_balance: Decimal
    new_balance: Decimal
    old_average_entry_price: Decimal | None = None
    new_average_entry_price: Decimal | None = None
    trade_price: Decimal | None = None
    mark_price: Decimal | None = None
    realized_pnl: Decimal | None = None
    fee: Decimal | None = None
    execution: str | None = None
    contract: str | None = None
    funding_rate: Decimal | None = None
    realized_funding: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FuturesPosition:
    side: str  # long | short
    symbol: str
    price: Decimal  # average entry price
    ms: int  # last fill time
    size: Decimal
    unrealized_funding: Decimal


@dataclass(slots=True)
class Truth:
    """Everything the account's API answers derive from; mutated only by generation/append."""

    ledgers: list[LedgerEntry] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)
    closed_orders: list[ClosedOrder] = field(default_factory=list)
    balances: dict[str, Decimal] = field(default_factory=dict)
    holds: dict[str, Decimal] = field(default_factory=dict)
    open_orders: list[OpenOrder] = field(default_factory=list)
    futures_open_orders: list[FuturesOpenOrder] = field(default_factory=list)
    margin_positions: list[MarginPosition] = field(default_factory=list)
    futures_fills: list[FuturesFill] = field(default_factory=list)
    futures_log: list[FuturesLogEntry] = field(default_factory=list)
    futures_positions: list[FuturesPosition] = field(default_factory=list)
    futures_balances: dict[str, Decimal] = field(default_factory=dict)

    @property
    def open_margin_positions(self) -> list[MarginPosition]:
        return [p for p in self.margin_positions if p.status == "open"]

    @property
    def last_ticks(self) -> int:
        spot = self.ledgers[-1].ticks if self.ledgers else 0
        futures = self.futures_log[-1].ms * (TICKS // 1000) if self.futures_log else 0
        return max(spot, futures)
