"""Valuation helpers and fee rules shared by the planner.

Rules implemented (sources per point; each jurisdiction module gives the full list):

* A trade is valued by its base-currency leg, else its fiat leg at the FX rate, else the market
  value of the preferred crypto leg (the other leg if that has no price) - ``valuation``.
* Fees in the base currency or in fiat are transaction costs: added to basis on acquisitions
  (IRS VC FAQ; TCGA s38; ITA s47), deducted from proceeds or allowed as a cost on disposals.
* A fee paid in crypto is a disposal of that crypto at market value and its value is the cost
  (Treas. Reg. 1.1001-7(b)(1)(ii); HMRC CRYPTO22280).
* KFEE credits are recorded at 0.01 USD each but are neither a cost nor a disposal (received free).
* Network fees of moves follow ``Jurisdiction.network_fee`` (``policies.NetworkFee``): a
  disposal at market value, or the units leave the holding with their basis and no proceeds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from portfolio.accounting.events import Event, Leg
from portfolio.accounting.jurisdictions.base import Jurisdiction
from portfolio.accounting.ops import DISP, OUT, Op
from portfolio.accounting.policies import NetworkFee
from portfolio.accounting.results import Problem
from portfolio.accounting.valuation import KFEE, PriceNotFound, Valued, Valuer, is_cash

ZERO = Decimal(0)


class FeeRules:
    """State and helpers the planner's event handlers share."""

    def __init__(
        self, jur: Jurisdiction, valuer: Valuer, stream: Callable[[Op], None] | None = None
    ) -> None:
        self.jur, self.valuer, self.base = jur, valuer, valuer.base
        self.ops: list[Op] = []
        #: Where planned operations go: ``ops``, or straight into the pass when it needs no
        #: look-ahead (no list of a million operations, each used while still in the CPU cache).
        self.emit: Callable[[Op], None] = self.ops.append if stream is None else stream
        #: ``IncomeRecord`` and ``FeeRecord`` fields as flat lists (``tables``).
        self.income: list[Any] = []
        self.fees: list[Any] = []
        self.problems: list[Problem] = []
        self.years_by_day: dict[date, int] = {}
        self.reduce_proceeds = jur.fee_reduces_proceeds
        self.disposal_treatment = (
            "deducted from proceeds" if self.reduce_proceeds else "allowable cost"
        )

    def value(self, asset: str, qty: Decimal, at: datetime, event_id: str) -> Valued:
        try:
            return self.valuer.value(asset, qty, at)
        except PriceNotFound as exc:
            self.problems.append(Problem("missing_price", asset, at, str(exc), qty, event_id))
            return Valued(ZERO, f"missing price {asset}/{self.base}")

    def _consideration(
        self, own: Leg, other: Leg, at: datetime, event_id: str, prefer_other: bool
    ) -> Valued:
        """Trade value: base leg, else fiat leg, else the preferred crypto leg, else the other."""
        base = self.base
        if other.asset == base:
            return Valued(other.quantity, "leg")
        if own.asset == base:
            return Valued(own.quantity, "leg")
        if is_cash(other.asset) or is_cash(own.asset):
            leg = other if is_cash(other.asset) else own
            return self.value(leg.asset, leg.quantity, at, event_id)
        first, second = (other, own) if prefer_other else (own, other)
        try:
            return self.valuer.value(first.asset, first.quantity, at)
        except PriceNotFound:
            return self.value(second.asset, second.quantity, at, event_id)

    def tax_year_of(self, day: date) -> int:
        year = self.years_by_day.get(day)
        if year is None:
            year = self.years_by_day[day] = self.jur.tax_year_of(day)
        return year

    def _fees_of(
        self, event: Event, day: date, fees: tuple[Leg, ...], purpose: str, treatment: str
    ) -> Decimal:
        """Fast path for no fee or the usual single fee in base currency; else ``_fee_legs``."""
        if not fees:
            return ZERO
        if len(fees) == 1 and fees[0].asset == self.base:
            leg = fees[0]
            year = self.years_by_day.get(day)
            if year is None:
                year = self.tax_year_of(day)
            self.fees += (event.event_id, event.time, day, year, leg.asset, leg.quantity,
                          leg.quantity, "leg", purpose, treatment)  # fmt: skip
            return leg.quantity
        return self._fee_legs(event, day, fees, purpose, treatment)

    def _fee_legs(
        self, event: Event, day: date, fees: tuple[Leg, ...], purpose: str, treatment: str
    ) -> Decimal:
        """Record fees; crypto fees become disposals. Returns the deductible value in base."""
        total = ZERO
        for n, leg in enumerate(fees):
            if not leg.quantity:
                continue
            valued = self.value(leg.asset, leg.quantity, event.time, event.event_id)
            if leg.asset == KFEE:
                self._fee_record(event, day, leg, valued, purpose, "kfee credit, not deductible")
                continue
            total += valued.amount
            if is_cash(leg.asset):
                self._fee_record(event, day, leg, valued, purpose, treatment)
                continue
            self._fee_record(
                event, day, leg, valued, purpose, treatment + "; paid in crypto: disposal"
            )
            self.emit(
                Op(DISP, event.time, day, leg.asset, event.wallet, leg.quantity, valued.amount,
                   f"{event.event_id}:fee{n}", valued.source, reason="fee")
            )  # fmt: skip
        return total

    def _fee_record(
        self, event: Event, day: date, leg: Leg, valued: Valued, purpose: str, treatment: str
    ) -> None:
        self.fees += (event.event_id, event.time, day, self.tax_year_of(day), leg.asset,
                      leg.quantity, valued.amount, valued.source, purpose, treatment)  # fmt: skip

    def _network_fees(self, event: Event, day: date, fees: tuple[Leg, ...], purpose: str) -> None:
        """Fees of moves: per ``network_fee``, a disposal or a non-taxable reduction."""
        if self.jur.network_fee is NetworkFee.DISPOSAL:
            self._fee_legs(event, day, fees, purpose, "network fee")
            return
        for n, leg in enumerate(fees):
            valued = self.value(leg.asset, leg.quantity, event.time, event.event_id)
            treatment = "network fee: holding reduced, not a disposal"
            self._fee_record(event, day, leg, valued, purpose, treatment)
            if not is_cash(leg.asset):
                self.emit(
                    Op(OUT, event.time, day, leg.asset, event.wallet, leg.quantity, ZERO,
                       f"{event.event_id}:fee{n}", "", reason="fee")
                )  # fmt: skip
