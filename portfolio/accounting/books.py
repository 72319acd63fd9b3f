"""Lot books: the cost-basis methods, in ONE table keyed by ``Method``.

Rules implemented (the lot-selection methods as tax authorities and tax software define them):

* FIFO - earliest *acquisition* first, ordered by acquisition date/time, never by record or transfer
  order (IRS VC FAQ Q41; Treas. Reg. 1.1012-1(j); EStG par. 23 Abs. 1 Satz 1 Nr. 2 Satz 3).
* LIFO - latest acquisition first (US specific identification by standing order).
* HIFO - highest unit cost first, a US specific identification by standing order (IRS VC FAQ
  Q39-Q40); ties by acquisition time, then lot id.
* AVERAGE - one running pool: cost of a sale = pool cost x units sold / units held; the per-unit
  average changes only on acquisitions (ITA s47 ACB; TCGA s104 pool).
* UK_SHARE_MATCHING - same day, then the next 30 days, then the s104 pool: the look-ahead matches
  are
  made by ``uk_matching`` before the pass, and what is left uses an AVERAGE book as the pool.

A book holds the lots of one asset (and one wallet when matching per wallet). ``take`` returns the
pieces consumed as ``(lot, quantity, basis)``; a fully consumed lot gives up its whole remaining
cost,
so basis is conserved exactly (partial
bases are rounded to 1e-12 of the currency so that subtraction stays exact). What the book cannot
cover is returned as a shortfall.
"""

from __future__ import annotations

import enum
import heapq
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

ZERO = Decimal(0)
#: Sorts after every acquisition time: where a lot's date is unknown.
NEVER = datetime.max.replace(tzinfo=UTC)
#: A partial lot's basis is rounded to 1e-12 so that taken + left equals the lot's cost exactly.
BASIS_EXPONENT = Decimal("1e-12")


class Method(enum.Enum):
    FIFO = "fifo"
    LIFO = "lifo"
    HIFO = "hifo"
    AVERAGE = "average"
    UK_SHARE_MATCHING = "uk"


class Lot:
    """A mutable lot inside a book (the engine exports immutable ``OpenLot`` copies).

    ``unit`` is the lot's original unit cost where a book orders by it (HIFO): kept through
    partial takes, checkpoints and moves, so a resumed run orders lots exactly as a full one.
    """

    __slots__ = ("lot_id", "acquired", "acq_date", "qty", "cost", "source", "unit")

    def __init__(
        self,
        lot_id: str,
        acquired: datetime | None,
        acq_date: date | None,
        qty: Decimal,
        cost: Decimal,
        source: str,
        unit: Decimal | None = None,
    ) -> None:
        self.lot_id = lot_id
        self.acquired = acquired
        self.acq_date = acq_date
        self.qty = qty
        self.cost = cost
        self.source = source
        self.unit = unit


Piece = tuple[Lot, Decimal, Decimal]  # (lot, quantity taken, basis taken)


def _acquired(lot: Lot) -> datetime:
    """A dated lot's acquisition time (the bisection in ``OrderedBook.add`` sees only those)."""
    return lot.acquired  # type: ignore[return-value]


def take_part(lot: Lot, want: Decimal) -> Decimal:
    """Take ``want`` (less than ``lot.qty``) from ``lot``; return the basis taken.

    The one place a lot is split: the part's basis is the lot's cost pro rata, rounded to
    ``BASIS_EXPONENT``, and the lot keeps the rest, so taken + left is the cost exactly.
    """
    basis = (lot.cost * want / lot.qty).quantize(BASIS_EXPONENT)
    lot.qty -= want
    lot.cost -= basis
    return basis


def cut(lot: Lot, want: Decimal) -> tuple[Decimal, Decimal]:
    """Take up to ``want`` from ``lot``; return (quantity, basis) taken."""
    if want >= lot.qty:
        taken, basis = lot.qty, lot.cost
        lot.qty, lot.cost = ZERO, ZERO
        return taken, basis
    return want, take_part(lot, want)


def part_of(lot: Lot, want: Decimal) -> Lot:
    """A new lot of up to ``want`` units taken from ``lot``, with its dates, source and unit."""
    qty, basis = cut(lot, want)
    return Lot(lot.lot_id, lot.acquired, lot.acq_date, qty, basis, lot.source, lot.unit)


class OrderedBook:
    """FIFO (take from the left) or LIFO (take from the right), lots in acquisition order.

    A lot of unknown date goes last and stays a boundary: a later, older lot goes after it.
    ``undated`` says whether the book ever held one; until then the lots are in acquisition order
    throughout, and an older lot arriving late (a transfer, units coming back from outside Kraken)
    finds its place by bisection instead of a walk over every newer lot.
    """

    __slots__ = ("lots", "from_right", "undated")

    def __init__(self, from_right: bool = False) -> None:
        self.lots: deque[Lot] = deque()
        self.from_right = from_right
        self.undated = False

    def add(self, lot: Lot) -> None:
        lots, acquired = self.lots, lot.acquired
        last = lots[-1].acquired if lots else None
        if acquired is None or last is None or acquired >= last:
            if acquired is None:
                self.undated = True
            lots.append(lot)
            return
        if not self.undated:  # after every lot acquired at or before it, as the walk below
            lots.insert(bisect_right(lots, acquired, key=_acquired), lot)
            return
        index = len(lots)  # with undated lots: after the last lot that is undated or not newer
        for previous in reversed(lots):  # an iterator: indexing a deque's middle is not O(1)
            if previous.acquired is None or previous.acquired <= acquired:
                break
            index -= 1
        lots.insert(index, lot)

    def take(self, want: Decimal) -> tuple[list[Piece], Decimal]:
        """``cut`` with its whole-lot case inlined: this loop runs for every lot piece."""
        lots, pieces, end = self.lots, [], -1 if self.from_right else 0
        pop = lots.pop if self.from_right else lots.popleft
        while want > ZERO and lots:
            lot = lots[end]
            qty = lot.qty
            if want >= qty:  # the whole lot
                pieces.append((lot, qty, lot.cost))
                lot.qty = lot.cost = ZERO
                want -= qty
                pop()
            else:
                pieces.append((lot, want, take_part(lot, want)))
                want -= want
        return pieces, want

    def open_lots(self) -> Iterator[Lot]:
        return iter(self.lots)

    def add_cost(self, amount: Decimal) -> bool:
        return False


class HifoBook:
    """Highest unit cost first, through a heap keyed (-unit cost, acquired, sequence); a lot of
    unknown acquisition date (missing history) comes last among lots of its unit cost."""

    __slots__ = ("heap", "seq")

    def __init__(self) -> None:
        self.heap: list[tuple[Decimal, datetime | None, int, Lot]] = []
        self.seq = 0

    def add(self, lot: Lot) -> None:
        self.seq += 1
        unit = lot.unit
        if unit is None:
            unit = lot.unit = lot.cost / lot.qty if lot.qty else ZERO
        heapq.heappush(self.heap, (-unit, lot.acquired or NEVER, self.seq, lot))

    def take(self, want: Decimal) -> tuple[list[Piece], Decimal]:
        heap, pieces = self.heap, []
        while want > ZERO and heap:
            lot = heap[0][3]
            taken, basis = cut(lot, want)
            pieces.append((lot, taken, basis))
            want -= taken
            if lot.qty == ZERO:
                heapq.heappop(heap)
        return pieces, want

    def open_lots(self) -> Iterator[Lot]:
        return (entry[3] for entry in sorted(self.heap, key=lambda e: (e[1], e[2])))

    def add_cost(self, amount: Decimal) -> bool:
        return False


class AverageBook:
    """One pool per asset (and wallet): average cost; also the UK s104 pool."""

    __slots__ = ("pool",)

    def __init__(self) -> None:
        self.pool: Lot | None = None

    def add(self, lot: Lot) -> None:
        pool = self.pool
        if pool is None:
            self.pool = Lot("pool", None, None, lot.qty, lot.cost, "pool")
        else:
            pool.qty += lot.qty
            pool.cost += lot.cost

    def take(self, want: Decimal) -> tuple[list[Piece], Decimal]:
        pool = self.pool
        if pool is None or pool.qty == ZERO:
            return [], want
        taken, basis = cut(pool, want)
        return [(pool, taken, basis)], want - taken

    def open_lots(self) -> Iterator[Lot]:
        pool = self.pool
        return iter([pool] if pool is not None and (pool.qty or pool.cost) else [])

    def add_cost(self, amount: Decimal) -> bool:
        """Add a cost adjustment (a denied superficial loss) to the pool; False if it is empty."""
        if self.pool is None or self.pool.qty == ZERO:
            return False
        self.pool.cost += amount
        return True


Book = OrderedBook | HifoBook | AverageBook


@dataclass(frozen=True, slots=True)
class MethodRule:
    new_book: Callable[[], Book]
    description: str
    uk_prematch: bool = False


#: The one table of cost-basis methods.
METHODS: dict[Method, MethodRule] = {
    Method.FIFO: MethodRule(OrderedBook, "first in, first out by acquisition time"),
    Method.LIFO: MethodRule(lambda: OrderedBook(from_right=True), "last in, first out"),
    Method.HIFO: MethodRule(HifoBook, "highest unit cost first"),
    Method.AVERAGE: MethodRule(AverageBook, "average cost pool (ACB)"),
    Method.UK_SHARE_MATCHING: MethodRule(
        AverageBook, "same day, then 30 days after, then the s104 pool", uk_prematch=True
    ),
}
