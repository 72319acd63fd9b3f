"""Primitive operations: what the planner hands to the chronological pass.

Rule implemented: none by itself. Each event becomes zero or more operations with its values
already in the base currency: ACQ (a lot arrives at a cost), DEP (a lot arrives with carried
history), DISP (units leave for proceeds), MOVE (an internal transfer), OUT (units leave without a
disposal), MARGIN (realized margin PnL).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

ZERO = Decimal(0)
ACQ, DEP, DISP, MOVE, OUT, MARGIN = range(6)


class Op(NamedTuple):
    code: int
    time: datetime
    date: date
    asset: str
    wallet: str
    qty: Decimal
    amount: Decimal  # cost (ACQ/DEP), proceeds (DISP), signed PnL value (MARGIN)
    event_id: str
    source: str
    costs: Decimal = ZERO  # allowable costs added to basis (DISP)
    other: Any = None  # to_wallet (MOVE), acquired (DEP)
    reason: str = ""


_T = TypeVar("_T")
#: ``make(Record, (field, ...))`` builds a NamedTuple from all its fields at C speed: the generated
#: ``__new__`` is a Python function, about twice as slow, and the hot loops build millions of them.
make: Callable[[type[_T], tuple[Any, ...]], _T] = tuple.__new__  # type: ignore[assignment]
