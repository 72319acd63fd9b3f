"""Result records of the engine: immutable, plain values, ready for selectors and report writers.

Rule implemented: the shape of an auditable computation. Each disposal names the lots it consumed
(lot id, quantity, basis), its proceeds with their source, basis, gain and term, so a reader can
trace every figure back to an event or a price. Mirrors Form 8949 columns (a)-(h): ``adjustment`` is
column (g) (used for the Canadian superficial-loss denial), so ``gain = proceeds - basis +
adjustment``.

``LotUse``, ``DisposalRecord``, ``IncomeRecord`` and ``FeeRecord`` are NamedTuples: immutable, and
several times cheaper to build than frozen dataclasses on the hot path of a million events. The
rest are frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal(0)


class LotUse(NamedTuple):
    """A piece of one lot consumed by a disposal. ``gain = proceeds - basis - costs``."""

    lot_id: str
    acquired: datetime | None
    quantity: Decimal
    basis: Decimal
    proceeds: Decimal
    costs: Decimal
    gain: Decimal
    term: str


class DisposalRecord(NamedTuple):
    event_id: str
    time: datetime
    date: date
    tax_year: int
    asset: str
    wallet: str
    quantity: Decimal
    proceeds: Decimal
    basis: Decimal
    gain: Decimal
    term: str  # short, long, none or mixed
    lots: tuple[LotUse, ...]
    reason: str
    proceeds_source: str
    costs: Decimal = ZERO
    adjustment: Decimal = ZERO
    #: UK share matching only (None elsewhere): the Section 104 pool of the asset right after
    #: this disposal, its quantity and allowable cost (HMRC CRYPTO22200, CG51550).
    pool_quantity_after: Decimal | None = None
    pool_cost_after: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OpenLot:
    lot_id: str
    asset: str
    wallet: str
    acquired: datetime | None
    quantity: Decimal
    cost_basis: Decimal
    source: str
    #: The lot's original unit cost where the method orders by it (HIFO), else None.
    unit_cost: Decimal | None = None


@dataclass(frozen=True, slots=True)
class HeldOutside:
    """Units withdrawn to the user's own wallet, with the lot they left from: they come back with
    its date and basis when the same asset is deposited again (earliest withdrawal first)."""

    withdrawal_id: str
    withdrawn: datetime
    lot_id: str
    asset: str
    acquired: datetime | None
    quantity: Decimal
    cost_basis: Decimal
    source: str
    unit_cost: Decimal | None = None


class YearEnd(NamedTuple):
    """The books at the end of tax year ``year`` (``Jurisdiction.tax_year_period(year)[1]``, the
    next year's first local midnight): the lots open on Kraken and those held outside it, after
    every event before it. A NamedTuple: one is built for every year, and cheaply."""

    year: int
    open_lots: tuple[OpenLot, ...]
    outside: tuple[HeldOutside, ...]


@dataclass(frozen=True, slots=True)
class UnknownBasisDeposit:
    """The part of a deposit beyond what was held outside Kraken: units of unknown history.

    ``basis``/``acquired`` are what the policy gave them (``basis_source`` says which policy);
    ``gain`` is what the disposals of these units have added to the gains so far.
    """

    event_id: str
    time: datetime
    asset: str
    wallet: str
    deposited: Decimal
    returned: Decimal
    quantity: Decimal
    basis: Decimal
    acquired: datetime
    basis_source: str
    gain: Decimal = ZERO


class IncomeRecord(NamedTuple):
    event_id: str
    time: datetime
    date: date
    tax_year: int
    asset: str
    quantity: Decimal
    value: Decimal
    source: str
    income_type: str
    taxable: bool = True


class FeeRecord(NamedTuple):
    event_id: str
    time: datetime
    date: date
    tax_year: int
    asset: str
    quantity: Decimal
    value: Decimal
    source: str
    purpose: str
    treatment: str


@dataclass(frozen=True, slots=True)
class RemovalRecord:
    """Lots that left the tracked accounts (withdrawal, non-taxable fee), with basis and dates."""

    event_id: str
    time: datetime
    asset: str
    wallet: str
    quantity: Decimal
    lots: tuple[LotUse, ...]
    reason: str


def plain(quantity: Decimal) -> str:
    """A quantity for a message: no trailing zeros, no exponent ('25.927268', '100')."""
    return format(quantity.normalize(), "f")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the user must look at: a shortfall, a missing price, an unknown basis."""

    code: str
    asset: str
    time: datetime
    message: str
    quantity: Decimal = ZERO
    event_id: str = ""


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums of disposals: ``count`` lot pieces (Form 8949 rows), ``sales`` disposal events."""

    proceeds: Decimal = ZERO
    cost_basis: Decimal = ZERO
    gain: Decimal = ZERO
    count: int = 0
    sales: int = 0


@dataclass(frozen=True, slots=True)
class YearSummary:
    year: int
    start: date
    end: date
    disposals: Totals
    short_term: Totals
    long_term: Totals
    income_total: Decimal
    income_count: int
    fees_total: Decimal
    #: The disposals' gains and their losses (a positive amount): gain = gains - losses.
    gains: Decimal = ZERO
    losses: Decimal = ZERO
    #: Disposals of fee units (network and trade fees paid in crypto), by term; in the totals too.
    fee_short_term: Totals = Totals()
    fee_long_term: Totals = Totals()
    fee_disposals: Totals = Totals()


@dataclass(frozen=True, slots=True)
class AssetPnl:
    asset: str
    holding: Decimal
    cost_basis: Decimal
    realized: Decimal
    market_value: Decimal | None
    unrealized: Decimal | None
    price_source: str
    #: Units withdrawn to the user's own wallets and not yet back, and their basis.
    outside: Decimal = ZERO
    outside_basis: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Engine state at ``as_of``: seed ``compute(opening=...)`` with it to append later events."""

    as_of: datetime
    method: str
    jurisdiction: str
    base_currency: str
    per_wallet: bool
    lots: tuple[OpenLot, ...]
    outside: tuple[HeldOutside, ...] = ()


@dataclass(frozen=True, slots=True)
class EngineResult:
    method: str
    jurisdiction: str
    base_currency: str
    per_wallet: bool
    as_of: datetime
    open_lots: tuple[OpenLot, ...]
    #: Read-only sequences (``tables.Records``): equal to tuples of the records, built on access.
    disposals: Sequence[DisposalRecord]
    income: Sequence[IncomeRecord]
    fees: Sequence[FeeRecord]
    removals: tuple[RemovalRecord, ...]
    problems: tuple[Problem, ...]
    years: dict[int, YearSummary] = field(default_factory=dict)
    pnl: tuple[AssetPnl, ...] = ()
    #: Units held outside Kraken at ``as_of`` (withdrawn, not yet deposited back).
    outside: tuple[HeldOutside, ...] = ()
    unknown_deposits: tuple[UnknownBasisDeposit, ...] = ()
    #: The books at each tax year's end (``YearEnd``), by year: every year from that of the first
    #: event (or of the opening checkpoint) to the last one that ended by ``as_of``, empty or not.
    year_end: dict[int, YearEnd] = field(default_factory=dict)

    def held_outside(self) -> dict[str, Decimal]:
        """Quantity held outside Kraken per asset."""
        out: dict[str, Decimal] = {}
        for lot in self.outside:
            out[lot.asset] = out.get(lot.asset, ZERO) + lot.quantity
        return out

    def holdings(self) -> dict[str, Decimal]:
        """Quantity held on Kraken per asset, summed over open lots (and wallets)."""
        out: dict[str, Decimal] = {}
        for lot in self.open_lots:
            out[lot.asset] = out.get(lot.asset, ZERO) + lot.quantity
        return out

    def checkpoint(self) -> Checkpoint:
        return Checkpoint(
            self.as_of,
            self.method,
            self.jurisdiction,
            self.base_currency,
            self.per_wallet,
            self.open_lots,
            self.outside,
        )

    @property
    def realized_total(self) -> Decimal:
        return sum((p.realized for p in self.pnl), ZERO)

    @property
    def unrealized_total(self) -> Decimal | None:
        values = [p.unrealized for p in self.pnl]
        if any(v is None for v in values):
            return None
        return sum((v for v in values if v is not None), ZERO)
