"""Accounting events: the immutable input records of the engine.

Rule implemented: what happened, not how it is taxed. Each event says which asset moved, how much,
when (an aware datetime) and in which wallet. Taxation is decided later by the engine and the
jurisdiction. The modelling follows the property view of crypto (IRS Notice 2014-21; HMRC
CRYPTO22100):

* ``Acquisition`` – units bought or received in an exchange. A crypto-to-crypto exchange is a
  ``Disposal`` of the given asset plus an ``Acquisition`` of the received one (IRS VC FAQ Q&A on
  exchanges; HMRC CRYPTO22257); use ``exchange()`` to build the pair.
* ``Disposal`` – a sale, the given side of an exchange, or spending.
* ``Income`` – staking/earn rewards, interest, bonuses, airdrops (Rev. Rul. 2023-14; CRYPTO21200).
* ``Fee`` – a stand-alone fee in any asset, KFEE credits included.
* ``Deposit`` / ``Withdrawal`` – moves into or out of the tracked accounts; not taxable in
  themselves. A network fee paid in crypto is handled as the jurisdiction says.
* ``Transfer`` – an internal move between the user's own wallets (spot <-> staking, spot <->
  futures). Cost basis and acquisition dates carry over (Treas. Reg. 1.1012-1(j); BMF 2022).
* ``Margin`` – opening, rollover, settlement and realized PnL of a margin position.

Quantities are ``Decimal`` and positive; direction is given by the event type (only
``Margin.amount``
is signed). Fees are ``Leg``s (asset + quantity) so a fee can be in any asset.

Total order used by the engine (documented tie-break): ``(time, KIND_RANK, event_id)``. At one
instant, units arrive before they leave, so a buy and a sell with the same timestamp never create a
false shortfall; the input order of simultaneous events never matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Literal

ZERO = Decimal(0)
MarginAction = Literal["open", "rollover", "settle", "pnl"]
DisposalReason = Literal["sale", "exchange", "spend"]


@dataclass(frozen=True, slots=True)
class Leg:
    """An amount of one asset (a consideration, a fee)."""

    asset: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Acquisition:
    """Units acquired. ``paid`` is what was given; ``value`` an explicit cost in base currency."""

    event_id: str
    time: datetime
    asset: str
    quantity: Decimal
    paid: Leg | None = None
    fees: tuple[Leg, ...] = ()
    value: Decimal | None = None
    wallet: str = "spot"
    refid: str = ""
    kind: ClassVar[str] = "acquisition"


@dataclass(frozen=True, slots=True)
class Disposal:
    """Units disposed of. ``received`` is what came back; ``value`` explicit proceeds."""

    event_id: str
    time: datetime
    asset: str
    quantity: Decimal
    received: Leg | None = None
    fees: tuple[Leg, ...] = ()
    value: Decimal | None = None
    wallet: str = "spot"
    refid: str = ""
    reason: DisposalReason = "sale"
    kind: ClassVar[str] = "disposal"


@dataclass(frozen=True, slots=True)
class Income:
    """Units received as income, valued at market when received (or at ``value``)."""

    event_id: str
    time: datetime
    asset: str
    quantity: Decimal
    income_type: str = "staking"  # staking, earn, interest, bonus, airdrop, fork, rebate
    value: Decimal | None = None
    wallet: str = "spot"
    refid: str = ""
    kind: ClassVar[str] = "income"


@dataclass(frozen=True, slots=True)
class Fee:
    """A stand-alone fee (not part of a trade), e.g. a KFEE debit or an account fee."""

    event_id: str
    time: datetime
    asset: str
    quantity: Decimal
    purpose: str = "other"
    value: Decimal | None = None
    wallet: str = "spot"
    refid: str = ""
    kind: ClassVar[str] = "fee"


@dataclass(frozen=True, slots=True)
class Deposit:
    """Units arriving from outside; ``basis``/``acquired`` carry known history if there is any."""

    event_id: str
    time: datetime
    asset: str
    quantity: Decimal
    basis: Decimal | None = None
    acquired: datetime | None = None
    fees: tuple[Leg, ...] = ()
    wallet: str = "spot"
    refid: str = ""
    kind: ClassVar[str] = "deposit"


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """Units leaving the tracked accounts (``quantity`` excludes the network fee in ``fees``)."""

    event_id: str
    time: datetime
    asset: str
    quantity: Decimal
    fees: tuple[Leg, ...] = ()
    wallet: str = "spot"
    refid: str = ""
    kind: ClassVar[str] = "withdrawal"


@dataclass(frozen=True, slots=True)
class Transfer:
    """An internal move between the user's wallets; lots keep their dates and basis."""

    event_id: str
    time: datetime
    asset: str
    quantity: Decimal
    from_wallet: str
    to_wallet: str
    fees: tuple[Leg, ...] = ()
    refid: str = ""
    kind: ClassVar[str] = "transfer"

    @property
    def wallet(self) -> str:
        return self.from_wallet


@dataclass(frozen=True, slots=True)
class Margin:
    """A margin position event. ``amount`` is signed realized PnL (pnl/settle) or zero (open)."""

    event_id: str
    time: datetime
    asset: str
    amount: Decimal
    action: MarginAction = "pnl"
    fees: tuple[Leg, ...] = ()
    wallet: str = "spot"
    refid: str = ""
    kind: ClassVar[str] = "margin"

    @property
    def quantity(self) -> Decimal:
        return abs(self.amount)


Event = Acquisition | Disposal | Income | Fee | Deposit | Withdrawal | Transfer | Margin

#: Tie-break at one instant: arrivals first, then moves, then departures.
KIND_RANK: dict[type, int] = {
    Deposit: 0,
    Acquisition: 1,
    Income: 2,
    Transfer: 3,
    Margin: 4,
    Disposal: 5,
    Fee: 6,
    Withdrawal: 7,
}


def sort_key(event: Event) -> tuple[datetime, int, str]:
    """The engine's total order over events."""
    return (event.time, KIND_RANK[type(event)], event.event_id)


def exchange(
    event_id: str,
    time: datetime,
    give: Leg,
    get: Leg,
    *,
    fees: tuple[Leg, ...] = (),
    wallet: str = "spot",
    refid: str = "",
) -> tuple[Disposal, Acquisition]:
    """A crypto-to-crypto exchange: a disposal of ``give`` and an acquisition of ``get``.

    The whole fee is attached to the disposal (Treas. Reg. 1.1001-7(b)(2), T.D. 10000).
    """
    ref = refid or event_id
    disposal = Disposal(
        f"{event_id}:give",
        time,
        give.asset,
        give.quantity,
        get,
        fees,
        None,
        wallet,
        ref,
        "exchange",
    )
    acquisition = Acquisition(
        f"{event_id}:get", time, get.asset, get.quantity, give, (), None, wallet, ref
    )
    return disposal, acquisition
