"""The shape of a jurisdiction: a small, immutable bundle of rules the engine consults.

Rule implemented: nothing by itself; each field names a rule and the modules ``us``, ``uk``,
``de``, ``ca`` and ``generic`` fill it with their sources. Dates are taken in the jurisdiction's
local time zone (``tz``); replace it with the user's zone via ``dataclasses.replace``, and the
policy defaults (``network_fee``, ``unknown_basis``, ``exchange_fee``) with the user's choices the
same way: the engine takes every tax date and policy from the ``Jurisdiction`` it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from portfolio.accounting.policies import ExchangeFee, NetworkFee, UnknownBasis

Term = Literal["short", "long", "none"]

#: Methods whose books can be resumed from a checkpoint of open lots (no 30-day look-ahead, and
#: the checkpoint keeps what the method orders lots by: for HIFO, each lot's original unit cost).
RESUMABLE_METHODS = frozenset({"fifo", "lifo", "hifo", "average"})


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
    #: Short label for choices (forms, admin).
    label: str = ""
    #: What a disposal's lot pieces are called here (one per acquisition date a sale used);
    #: pages call the disposal events themselves "sales".
    pieces_label: str = "lot pieces"
    #: Identification is wallet by wallet: a rebuild keeps one set of books per Kraken account for
    #: the whole history (the allocation of basis to the units in each wallet).
    wallet_by_wallet: bool = False
    #: How a closed margin position's realized PnL counts here, with its source.
    margin_rule: str = ""
    #: How futures realized PnL, funding and fees count here, with its source.
    futures_rule: str = ""
    extras: dict[str, Callable[..., object]] = field(default_factory=dict)

    def with_time_zone(self, zone: str | ZoneInfo | None) -> Jurisdiction:
        """This jurisdiction with tax dates taken in ``zone`` (the user's), or as it is."""
        if zone is None or zone == "":
            return self
        tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        return self if tz == self.tz else replace(self, tz=tz)

    def allows(self, method: str) -> bool:
        return method in self.allowed_methods

    def method_or_default(self, method: str | None) -> str:
        """``method`` where this jurisdiction allows it, else its default method."""
        return method if method and method in self.allowed_methods else self.default_method

    def looks_ahead(self, method: str) -> bool:
        """Rules that match a disposal with acquisitions up to 30 days after it."""
        return method == "uk" or self.superficial_loss

    def resumable(self, method: str, per_wallet: bool) -> bool:
        """Whether a rebuild may resume from a checkpoint of open lots (``RESUMABLE_METHODS``).

        Not with a 30-day look-ahead (UK matching, the Canadian superficial-loss rule), and not
        where wallet-by-wallet identification starts mid-history while the books are universal.
        """
        return (
            method in RESUMABLE_METHODS
            and not self.looks_ahead(method)
            and (per_wallet or self.per_wallet_from is None)
        )

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

    def tax_year_label(self, year: int) -> str:
        """The tax year as this jurisdiction names it: "2025" for a calendar year, "2025–26" for
        one that starts in 2025 and ends in 2026 (the UK's 6 April to 5 April)."""
        if self.year_start == (1, 1):
            return str(year)
        return f"{year}\u2013{(year + 1) % 100:02d}"

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
