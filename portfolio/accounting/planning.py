"""Planning: turn valued events into the engine's primitive operations.

Rules implemented (with their sources):

* Acquisition cost = the consideration in base currency (a base-currency leg at its own amount, a
  foreign fiat leg at the FX rate), plus acquisition fees (IRS VC FAQ; TCGA s38; ITA s47). In a
  crypto-to-crypto exchange it is the value of the tokens given (UK, CRYPTO22257) or the fair market
  value of the tokens received (US VC FAQ, DE, CA) - ``Jurisdiction.cost_from_value_given``.
* Disposal proceeds = the value received; a disposal fee reduces proceeds (US 1.1001-7(b)(1)(i)) or
  is an allowable cost (UK CRYPTO22150) - ``Jurisdiction.fee_reduces_proceeds``.
* A fee paid in crypto is a disposal of that crypto at market value, and that value is the fee
  (1.1001-7(b)(1)(ii); CRYPTO22280). A fee charged in the asset being received is netted from the
  quantity received instead (the classifier's rule; no separate disposal).
* KFEE credits were received free: a KFEE fee is recorded at 0.01 USD per credit, but is neither a
  cost nor a disposal.
* A withdrawal is not a disposal (the units are held outside Kraken, ``runner``); its network fee
  leaves after the withdrawn amount: a disposal at market value, or the units leave with their
  basis and no proceeds - ``Jurisdiction.network_fee`` (``policies.NetworkFee``).
* Income at market value when received becomes the cost of the units (Rev. Rul. 2023-14;
  CRYPTO21200); unconditional airdrops are zero-cost acquisitions where they are not income.
* Fiat (and KFEE) is valued but never lot-tracked. A deposit without a basis takes back units
  held outside first; the rest gets the basis the user entered for it, else the one
  ``Jurisdiction.unknown_basis`` gives it, and a visible ``unknown_basis`` problem (``runner``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from portfolio.accounting.events import (
    Acquisition,
    Deposit,
    Disposal,
    Event,
    Fee,
    Income,
    Leg,
    Margin,
    Transfer,
    Withdrawal,
)
from portfolio.accounting.fee_rules import FeeRules
from portfolio.accounting.jurisdictions.base import Jurisdiction
from portfolio.accounting.localdates import LocalDates
from portfolio.accounting.ops import ACQ, DEP, DISP, MARGIN, MOVE, OUT, Op, make
from portfolio.accounting.valuation import Valued, Valuer, is_cash

ZERO = Decimal(0)
__all__ = ["ACQ", "DEP", "DISP", "MARGIN", "MOVE", "OUT", "Op", "Planner"]


class Planner(FeeRules):
    """Values each event once and emits ``Op``s, income and fee records, and problems."""

    def __init__(
        self, jur: Jurisdiction, valuer: Valuer, stream: Callable[[Op], None] | None = None
    ) -> None:
        super().__init__(jur, valuer, stream)
        self._tz = jur.tz
        self.local_date = LocalDates(jur.tz)

    def handlers(self) -> dict[type, Callable[[Any, date], None]]:
        """The handler of each event type (a fresh table: kept on self it would be a cycle)."""
        return {
            Acquisition: self._acquisition,
            Disposal: self._disposal,
            Income: self._income,
            Fee: self._fee,
            Deposit: self._deposit,
            Withdrawal: self._withdrawal,
            Transfer: self._transfer,
            Margin: self._margin,
        }

    def plan(self, events: list[Event]) -> None:
        handlers, local_date = self.handlers(), self.local_date
        for event in events:
            handlers[type(event)](event, local_date(event.time))

    # -- handlers ----------------------------------------------------------------------------
    def _acquisition(self, e: Acquisition, day: date) -> None:
        paid = e.paid
        if paid is not None and paid.asset == self.base and e.value is None:
            cost = Valued(paid.quantity, "leg") if is_cash(e.asset) else None
            if cost is None:  # the common trade, kept lean: no Valued, a C-built Op
                fees = self._fees_of(e, day, e.fees, "acquisition", "added to basis")
                self.emit(
                    make(Op, (ACQ, e.time, day, e.asset, e.wallet, e.quantity,
                              paid.quantity + fees, e.event_id, "leg", ZERO, None, ""))
                )  # fmt: skip
                return
        elif e.value is not None:
            cost = Valued(e.value, "explicit")
        elif paid is None:
            cost = self.value(e.asset, e.quantity, e.time, e.event_id)
        else:
            own = Leg(e.asset, e.quantity)
            cost = self._consideration(
                own, paid, e.time, e.event_id, self.jur.cost_from_value_given
            )
        fees = self._fees_of(e, day, e.fees, "acquisition", "added to basis")
        if not is_cash(e.asset):
            self.emit(
                make(Op, (ACQ, e.time, day, e.asset, e.wallet, e.quantity, cost.amount + fees,
                          e.event_id, cost.source, ZERO, None, ""))
            )  # fmt: skip

    def _disposal(self, e: Disposal, day: date) -> None:
        received = e.received
        if received is not None and received.asset == self.base and e.value is None:
            proceeds = Valued(received.quantity, "leg")
        elif e.value is not None:
            proceeds = Valued(e.value, "explicit")
        elif received is None:
            proceeds = self.value(e.asset, e.quantity, e.time, e.event_id)
        else:
            proceeds = self._consideration(
                Leg(e.asset, e.quantity), received, e.time, e.event_id, True
            )
        reduce = self.reduce_proceeds
        fees = self._fees_of(e, day, e.fees, "disposal", self.disposal_treatment)
        if is_cash(e.asset):
            return
        amount, costs = (proceeds.amount - fees, ZERO) if reduce else (proceeds.amount, fees)
        self.emit(
            make(Op, (DISP, e.time, day, e.asset, e.wallet, e.quantity, amount, e.event_id,
                      proceeds.source, costs, None, e.reason))
        )  # fmt: skip

    def _income(self, e: Income, day: date) -> None:
        valued = (
            Valued(e.value, "explicit")
            if e.value is not None
            else self.value(e.asset, e.quantity, e.time, e.event_id)
        )
        taxable = self.jur.airdrop_is_income or e.income_type not in ("airdrop", "fork")
        self.income += (e.event_id, e.time, day, self.tax_year_of(day), e.asset, e.quantity,
                        valued.amount, valued.source, e.income_type, taxable)  # fmt: skip
        if not is_cash(e.asset):
            cost = valued.amount if taxable else ZERO
            source = valued.source if taxable else "not income: zero cost"
            self.emit(
                make(Op, (ACQ, e.time, day, e.asset, e.wallet, e.quantity, cost, e.event_id,
                          source, ZERO, None, ""))
            )  # fmt: skip

    def _fee(self, e: Fee, day: date) -> None:
        self._network_fees(e, day, (Leg(e.asset, e.quantity),), e.purpose)

    def _deposit(self, e: Deposit, day: date) -> None:
        """Units arrive, then any fee leaves. Without a basis on the event the runner takes back
        units held outside first; only the rest is of unknown history (``runner``)."""
        if not is_cash(e.asset):
            known = None
            if e.basis is not None:
                acquired = e.acquired or e.time
                known = (acquired, day if acquired is e.time else self.local_date(acquired))
            self.emit(
                make(Op, (DEP, e.time, day, e.asset, e.wallet, e.quantity, e.basis or ZERO,
                          e.event_id, "deposit basis" if known else "", ZERO, known, ""))
            )  # fmt: skip
        if e.fees:
            self._network_fees(e, day, e.fees, "deposit")

    def _withdrawal(self, e: Withdrawal, day: date) -> None:
        """The withdrawn amount leaves first, then the network fee, each in method order."""
        if not is_cash(e.asset):
            self.emit(
                make(Op, (OUT, e.time, day, e.asset, e.wallet, e.quantity, ZERO, e.event_id, "",
                          ZERO, None, "withdrawal"))
            )  # fmt: skip
        if e.fees:
            self._network_fees(e, day, e.fees, "withdrawal")

    def _transfer(self, e: Transfer, day: date) -> None:
        if e.fees:
            self._network_fees(e, day, e.fees, "transfer")
        if not is_cash(e.asset) and e.from_wallet != e.to_wallet:
            self.emit(
                make(Op, (MOVE, e.time, day, e.asset, e.from_wallet, e.quantity, ZERO,
                          e.event_id, "", ZERO, e.to_wallet, ""))
            )  # fmt: skip

    def _margin(self, e: Margin, day: date) -> None:
        if e.fees:
            self._fee_legs(e, day, e.fees, f"margin {e.action}", "margin cost")
        # The realized PnL itself is the closed position's record (``margin.margin_positions``),
        # never a disposal; only a PnL paid in crypto moves lots (units in or out at market).
        if e.action in ("open", "rollover") or not e.amount or is_cash(e.asset):
            return
        valued = self.value(e.asset, abs(e.amount), e.time, e.event_id)
        code = ACQ if e.amount > ZERO else DISP
        self.emit(
            Op(
                code,
                e.time,
                day,
                e.asset,
                e.wallet,
                abs(e.amount),
                valued.amount,
                f"{e.event_id}:{'credit' if code == ACQ else 'debit'}",
                valued.source,
                reason="margin settlement",
            )
        )
