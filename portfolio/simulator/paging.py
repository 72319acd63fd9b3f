"""Kraken's history paging over precomputed sorted arrays.

Items are held oldest first with an integer sort key ``ticks * KEY_SCALE + seq``. ``start`` is
exclusive and ``end`` inclusive; either is a unix timestamp (fractions allowed, compared at Kraken's
0.1 ms resolution) or an id, which stands for that item's exact position. ``count`` is the number of
items between the bounds after filters; a page is ``limit`` items newest first, skipping ``ofs``.
Bounds are found with ``bisect``, so a page costs O(log n + limit) however long the history.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

from .errors import INVALID_ARGUMENTS, KrakenError
from .market import TICKS

KEY_SCALE = 10**7
PAGE_SIZE = 50
T = TypeVar("T")


def sort_key(ticks: int, seq: int) -> int:
    return ticks * KEY_SCALE + seq


class SortedView(Generic[T]):
    def __init__(self, items: Sequence[T], keys: list[int]) -> None:
        self.items = items
        self.keys = keys

    def window(self, start: int | None, end: int | None) -> tuple[int, int]:
        """Index range of items with key > start and key <= end."""
        lo = bisect.bisect_right(self.keys, start) if start is not None else 0
        hi = bisect.bisect_right(self.keys, end) if end is not None else len(self.keys)
        return lo, max(lo, hi)

    def page(self, lo: int, hi: int, ofs: int, limit: int = PAGE_SIZE) -> list[T]:
        top = hi - ofs
        if top <= lo:
            return []
        return list(reversed(self.items[max(lo, top - limit) : top]))


def bound_key(raw: str | None, lookup: Callable[[str], int | None]) -> int | None:
    """The sort-key bound for a ``start``/``end`` parameter (timestamp or id)."""
    if raw is None or raw == "":
        return None
    try:
        seconds = Decimal(str(raw))
    except InvalidOperation:
        key = lookup(str(raw))
        if key is None:
            raise KrakenError(INVALID_ARGUMENTS) from None
        return key
    if not seconds.is_finite():
        raise KrakenError(INVALID_ARGUMENTS)
    ticks = int((seconds * TICKS).to_integral_value(rounding="ROUND_FLOOR"))
    return ticks * KEY_SCALE + KEY_SCALE - 1


def parse_offset(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    try:
        value = int(str(raw))
    except ValueError:
        raise KrakenError(INVALID_ARGUMENTS) from None
    if value < 0:
        raise KrakenError(INVALID_ARGUMENTS)
    return value


def parse_bool(raw: object) -> bool:
    return str(raw).lower() in {"true", "1", "yes"}
