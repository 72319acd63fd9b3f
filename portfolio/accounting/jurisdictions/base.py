"""The shape of a jurisdiction: a small, immutable bundle of rules the engine consults.

Rule implemented: nothing by itself; each field names a rule and the modules ``us``, ``uk``,
``de``, ``ca`` and ``generic`` fill it with their sources. Dates are taken in the jurisdiction's
local time zone (``tz``); replace it with the user's zone via ``dataclasses.replace``, and the
policy defaults (``network_fee``, ``unknown_basis``, ``exchange_fee``) with the user's choices the
same way: the engine takes every tax date and policy from the ``Jurisdiction`` it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from portfolio.accounting.policies import ExchangeFee, NetworkFee, UnknownBasis

Term = Literal["short", "long", "none"]


def anniversary(day: date) -> date:
    """Same month/day one year later; 29 Feb maps to 28 Feb (last-day-of-month convention)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 2, 28)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    code: str
    name: str
    tz: ZoneInfo
    default_method: str
    allowed_methods: frozenset[str]
    #: (month, day) on which the tax year starts; a tax year is named by the year it starts in.
    year_start: tuple[int, int] = (1, 1)
    #: Long-term (or, in DE, exempt) when the sale date is after the anniversary of acquisition.
    has_term: bool = False
    #: A disposal fee reduces proceeds (True) or is an allowable cost added to basis (False).
    fee_reduces_proceeds: bool = True
    #: Cost of a unit received in a crypto-to-crypto exchange: value given (True) or value received.
    cost_from_value_given: bool = False
    #: A network/withdrawal fee paid in crypto: a disposal at market value, or the units leave with
    #: their basis (``policies.NetworkFee``; the default, with its source, in each module).
    network_fee: NetworkFee = NetworkFee.DISPOSAL
    #: Basis of deposited units beyond what is held outside Kraken (``policies.UnknownBasis``).
    unknown_basis: UnknownBasis = UnknownBasis.ZERO
    #: Fee of a crypto-to-crypto trade: all to the disposal, or split (``policies.ExchangeFee``).
    exchange_fee: ExchangeFee = ExchangeFee.DISPOSAL
    #: Airdrops (unconditional) are income; otherwise acquired at zero cost.
    airdrop_is_income: bool = True
    #: Canadian superficial-loss rule (ITA s54).
    superficial_loss: bool = False
    #: First date from which lot identification must be per wallet, if any.
    per_wallet_from: date | None = None
    exempt_long_term: bool = False
    extras: dict[str, Callable[..., object]] = field(default_factory=dict)

    def local_date(self, when: datetime) -> date:
        return when.astimezone(self.tz).date()

    def tax_year_of(self, day: date) -> int:
        month, dom = self.year_start
        return day.year if (day.month, day.day) >= (month, dom) else day.year - 1

    def tax_year_period(self, year: int) -> tuple[datetime, datetime]:
        """[start, end) of the tax year starting in calendar ``year``, as aware local datetimes."""
        month, dom = self.year_start
        start = datetime.combine(date(year, month, dom), time(0), self.tz)
        end = datetime.combine(date(year + 1, month, dom), time(0), self.tz)
        return start, end

    def tax_year_dates(self, year: int) -> tuple[date, date]:
        """First and last calendar day of the tax year (inclusive)."""
        start, end = self.tax_year_period(year)
        return start.date(), date.fromordinal(end.date().toordinal() - 1)

    def term(self, acquired: date | None, sold: date) -> Term:
        """short/long by calendar anniversary: long only if sold strictly after the anniversary."""
        if not self.has_term:
            return "none"
        if acquired is None:
            return "short"
        return "long" if sold > anniversary(acquired) else "short"


ONE = Decimal(1)
