"""Neutral transaction records shared by the generator, the BittyTax writer and our adapter."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

GBP = "GBP"
PENNY = Decimal("0.01")
SATOSHI = Decimal("0.00000001")
ZERO = Decimal("0")
UK_TZ = ZoneInfo("Europe/London")


class Kind(enum.StrEnum):
    DEPOSIT = "deposit"  # GBP paid in to the exchange (not a taxable event)
    BUY = "buy"  # crypto bought with GBP
    SELL = "sell"  # crypto sold for GBP
    TRADE = "trade"  # crypto-to-crypto, GBP value of both legs given
    STAKING = "staking"  # staking reward, income valued in GBP


@dataclass(frozen=True, slots=True)
class Record:
    """One transaction. All money in GBP (2 dp), crypto quantities 8 dp, timestamps UTC."""

    seq: int
    kind: Kind
    timestamp: datetime
    buy_asset: str | None = None
    buy_quantity: Decimal | None = None
    buy_value_gbp: Decimal | None = None
    sell_asset: str | None = None
    sell_quantity: Decimal | None = None
    sell_value_gbp: Decimal | None = None
    fee_gbp: Decimal = ZERO


def uk_day(timestamp: datetime) -> date:
    """The UK calendar day (Europe/London) of an aware timestamp: the day matching uses."""
    return timestamp.astimezone(UK_TZ).date()


def uk_tax_year(day: date) -> str:
    """UK tax year label ("2019/20") of a date: years run 6 April to 5 April."""
    start = day.year if (day.month, day.day) >= (4, 6) else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def tax_year_start(label: str) -> int:
    """Calendar year in which the labelled tax year starts ("2019/20" -> 2019)."""
    return int(label.split("/")[0])
