"""Units held outside Kraken: withdrawn to the user's own wallets, and deposited back.

Rule implemented: a crypto withdrawal is not a disposal: moving coins between one's own wallets
keeps their acquisition date and basis (US: Treas. Reg. 1.1012-1(j), where the date units were
transferred into a wallet is disregarded; DE: BMF letter of 10 May 2022, walletbezogene
Betrachtung; CA: no change of beneficial ownership, ITA s248(1) "disposition" (e); in the UK the
tokens stay in the s104 pool, CRYPTO22200). The units leave Kraken
with their lots, taken in method order, and are held outside. A later deposit of the same asset
takes back units held outside first: earliest withdrawal first, and within a withdrawal in the
order its lots left, each with its original acquisition date and basis (a partly returned lot is
split by ``books.part_of``). Only the part of a deposit beyond what is held outside is of unknown
history; ``unknown_basis_lot`` books it at the basis and acquisition date the user entered for
that deposit, whatever the policy: entered figures are the user's records, which every policy
gives way to (basis is what the taxpayer can substantiate, IRC 6001; TCGA 1992 s38). Only a
deposit with nothing entered is booked as ``Jurisdiction.unknown_basis`` says
(``policies.UnknownBasis``): zero, market value on the deposit day, or zero until entered.

Under UK matching the withdrawn units stay in the s104 pool while outside, as the law has it
(``uk_outside.UkRunner``). Deviation, documented: under average cost (Canadian ACB) the units
leave the pool at its average cost and come back at that cost, instead of staying in the pool.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from portfolio.accounting.books import Lot, part_of
from portfolio.accounting.jurisdictions import Jurisdiction
from portfolio.accounting.ops import Op
from portfolio.accounting.policies import EnteredBasis, UnknownBasis
from portfolio.accounting.results import HeldOutside
from portfolio.accounting.valuation import Valued

ZERO = Decimal(0)
ValueOf = Callable[[str, Decimal, datetime, str], Valued]


class Outside:
    """Per asset, the lots withdrawn and not yet back: (withdrawal id, time, lot), in order."""

    __slots__ = ("queues",)

    def __init__(self) -> None:
        self.queues: dict[str, deque[tuple[str, datetime, Lot]]] = {}

    def hold(self, asset: str, withdrawal_id: str, when: datetime, lot: Lot) -> None:
        self.queue_of(asset).append((withdrawal_id, when, lot))

    def queue_of(self, asset: str) -> deque[tuple[str, datetime, Lot]]:
        """The asset's queue, to append (withdrawal id, time, lot) to in withdrawal order."""
        queue = self.queues.get(asset)
        if queue is None:
            queue = self.queues[asset] = deque()
        return queue

    def take_back(self, asset: str, want: Decimal) -> tuple[list[Lot], Decimal]:
        """Up to ``want`` units back, earliest withdrawal first; returns the lots and what is
        left of ``want`` (the part of unknown history)."""
        lots, queue = [], self.queues.get(asset)
        while want > ZERO and queue:
            lot = queue[0][2]
            if lot.qty <= want:
                queue.popleft()
                want -= lot.qty
            else:
                lot = part_of(lot, want)
                want = ZERO
            lots.append(lot)
        return lots, want

    def seed(self, held: Iterable[HeldOutside], local_date: Callable[[datetime], date]) -> None:
        for h in held:
            acq_date = local_date(h.acquired) if h.acquired else None
            lot = Lot(h.lot_id, h.acquired, acq_date, h.quantity, h.cost_basis, h.source,
                      h.unit_cost)  # fmt: skip
            self.hold(h.asset, h.withdrawal_id, h.withdrawn, lot)

    def records(self) -> Iterable[HeldOutside]:
        for asset, queue in sorted(self.queues.items()):
            for withdrawal_id, withdrawn, lot in queue:
                yield HeldOutside(withdrawal_id, withdrawn, lot.lot_id, asset, lot.acquired,
                                  lot.qty, lot.cost, lot.source, lot.unit)  # fmt: skip


def unknown_basis_lot(
    jur: Jurisdiction,
    op: Op,
    qty: Decimal,
    entered: Mapping[str, EnteredBasis],
    value_of: ValueOf | None,
) -> Lot:
    """The lot of ``qty`` deposited units of unknown history: the basis and date the user entered
    for the deposit, else as ``jur.unknown_basis`` says."""
    policy, mine = jur.unknown_basis, entered.get(op.event_id)
    if mine is not None:
        source = "basis entered by the user"
        return Lot(op.event_id, mine.acquired, jur.local_date(mine.acquired), qty, mine.basis,
                   source)  # fmt: skip
    acquired, acq_date, cost, source = op.time, op.date, ZERO, "unknown basis: zero"
    if policy is UnknownBasis.MARKET and value_of is not None:
        valued = value_of(op.asset, qty, op.time, op.event_id)
        cost, source = valued.amount, f"market value at deposit ({valued.source})"
    elif policy is UnknownBasis.ENTERED:
        source = "unknown basis: zero until entered"
    return Lot(op.event_id, acquired, acq_date, qty, cost, source)
