"""Walking a whole [start, end] range of a Kraken paged endpoint without gaps or duplicates.

Kraken pages newest first, 50 at a time, addressed by ``ofs`` within the range; ``start`` is
exclusive, ``end`` inclusive, and ``count`` is the range's total. New entries can land while we
page; three rules keep the walk exact:

1. Pin ``end``. With no end given, the first page's newest timestamp becomes the end, so entries
   arriving later fall outside the range instead of shifting every offset by one.
2. Deduplicate by id, so a shifted offset can repeat an entry but never yield it twice.
3. Verify against ``count``: if the total changes mid-walk (a late entry booked inside the range),
   or the walk ends short of it, walk the range again from offset 0 (deduplicated, so only the
   missing entries come out). After ``max_restarts`` walks that still disagree, raise PagingError
   (transient: a later sync can retry). Filtered queries, whose count Kraken is known to get wrong,
   can pass ``strict=False`` to stop at the first empty page instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from portfolio.kraken.errors import PagingError
from portfolio.kraken.records import Page

T = TypeVar("T")
Cursor = Decimal | int | str | None
FetchPage = Callable[[Cursor, Cursor, int], Page[T]]
Progress = Callable[[int, int | None], None]


@dataclass(slots=True)
class _Walk(Generic[T]):
    end: Cursor
    expected: int | None = None
    ofs: int = 0
    restarts: int = 0


def walk_range(
    fetch: FetchPage[T],
    *,
    ident: Callable[[T], str],
    stamp: Callable[[T], Decimal],
    start: Cursor = None,
    end: Cursor = None,
    progress: Progress | None = None,
    strict: bool = True,
    max_restarts: int = 3,
    endpoint: str = "",
) -> Iterator[T]:
    """Yield every entry in (start, end] once, newest first; calls `progress(received, total)`."""
    seen: set[str] = set()
    walk: _Walk[T] = _Walk(end=end)
    while True:
        page = fetch(start, walk.end, walk.ofs)
        if walk.end is None and page.items:
            walk.end = max(stamp(item) for item in page.items)
        if _count_changed(walk, page):
            _restart(walk, max_restarts, endpoint, "the total changed while paging")
            walk.expected = page.count
            continue
        for item in page.items:
            if ident(item) not in seen:
                seen.add(ident(item))
                yield item
        walk.ofs += len(page.items)
        if progress is not None:
            progress(len(seen), walk.expected)
        if page.items and (walk.expected is None or walk.ofs < walk.expected):
            continue
        if strict and walk.expected is not None and len(seen) < walk.expected:
            _restart(walk, max_restarts, endpoint, f"{len(seen)} of {walk.expected} received")
            continue
        return


def _count_changed(walk: _Walk[T], page: Page[T]) -> bool:
    if page.count is None:
        return False
    if walk.expected is None:
        walk.expected = page.count
        return False
    return page.count != walk.expected


def _restart(walk: _Walk[T], max_restarts: int, endpoint: str, reason: str) -> None:
    walk.restarts += 1
    if walk.restarts > max_restarts:
        raise PagingError(
            f"Paging {endpoint or 'a range'} did not settle: {reason}",
            kraken_error="paging",
            endpoint=endpoint,
        )
    walk.ofs = 0
