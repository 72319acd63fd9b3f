"""Kraken history as verified time windows, oldest first, each safe to commit on its own.

Kraken pages newest first by offset within a (start, end] range (start exclusive, end inclusive),
50 rows a page, and reports `count`, the range's total. An offset cannot be checkpointed (new rows
shift it), so the walk turns pages into time windows:

1. The first call, (cursor, now], pins `end` to the newest row it returns: rows booked later fall
   outside the range. If that page already holds the whole range, it is the only window (so a
   sync with nothing new, or little, costs one call).
2. Otherwise ask for the *oldest* page of (s, end]: offset = count - 50. Its rows older than the
   page's newest timestamp T are exactly the rows of (s, t] (t = the newest of them): rows sharing
   T may continue on the next page, so they wait for the next window.
3. A window is only handed out once verified: the next call, (t, end], must report
   count(s, end] - len(window). A page with rows outside its range, duplicates or a count that
   moved (a late row, a faulty reply) is fetched again; an unverified window is dropped and walked
   again. The last window (offset 0) is verified by its own count.
4. If 50 rows share one timestamp, that timestamp's rows are walked whole as one window.

The caller commits each window with its cursor before asking for the next, so a crash loses at
most the window in hand, and a retried window writes the same rows again (upserts by id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from portfolio.kraken.errors import PagingError
from portfolio.kraken.paging import walk_range
from portfolio.kraken.records import Page

T = TypeVar("T")
PAGE_SIZE = 50
FetchPage = Callable[[Decimal | None, Decimal | None, int], Page[T]]


@dataclass
class Window(Generic[T]):
    items: list[T]  # distinct, oldest first
    start: Decimal | None  # exclusive
    cursor: Decimal  # inclusive: every row in (start, cursor] is in items
    total: int  # rows in (first start, end] when the walk began, for progress


@dataclass
class WalkStats:
    calls: int = 0
    refetches: int = 0
    duplicates: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Spec(Generic[T]):
    fetch: FetchPage[T]
    stamp: Callable[[T], Decimal]
    ident: Callable[[T], str]
    stats: WalkStats
    endpoint: str
    max_refetches: int

    def get(self, start: Decimal | None, end: Decimal | None, ofs: int) -> Page[T]:
        self.stats.calls += 1
        return self.fetch(start, end, ofs)

    def distinct(self, page: Page[T]) -> list[T]:
        rows: dict[str, T] = {}
        for item in page.items:
            if self.ident(item) in rows:
                self.stats.duplicates += 1
            rows[self.ident(item)] = item
        return sorted(rows.values(), key=lambda x: (self.stamp(x), self.ident(x)))

    def inside(self, rows: list[T], start: Decimal | None, end: Decimal) -> bool:
        return all((start is None or self.stamp(r) > start) and self.stamp(r) <= end for r in rows)

    def refetch(self, reason: str, refetches: int) -> int:
        self.stats.refetches += 1
        self.stats.notes.append(f"{self.endpoint}: {reason}; fetched again")
        if refetches + 1 > self.max_refetches:
            raise PagingError(
                f"Paging {self.endpoint} did not settle: {reason}",
                kraken_error="paging",
                endpoint=self.endpoint,
            )
        return refetches + 1


def history_windows(
    fetch: FetchPage[T],
    *,
    stamp: Callable[[T], Decimal],
    ident: Callable[[T], str],
    start: Decimal | None,
    stats: WalkStats | None = None,
    endpoint: str = "",
    max_refetches: int = 8,
    first: Page[T] | None = None,
) -> Iterator[Window[T]]:
    """Verified windows covering (start, newest], oldest first.

    `first` is the answer to fetch(start, None, 0) when the caller already has it (it probed the
    history's size), so it is not asked twice.
    """
    spec = _Spec(fetch, stamp, ident, stats or WalkStats(), endpoint, max_refetches)
    if first is None:
        first = spec.get(start, None, 0)
    if not first.items:
        return
    rows = spec.distinct(first)
    end = max(stamp(r) for r in rows)
    total = first.count if first.count is not None else len(rows)
    if total <= PAGE_SIZE and len(rows) == total and spec.inside(rows, start, end):
        yield Window(rows, start, end, total)
        return
    yield from _walk(spec, start, end, total)


def _walk(spec: _Spec[T], start: Decimal | None, end: Decimal, total: int) -> Iterator[Window[T]]:
    pending: Window[T] | None = None
    s, expected, refetches = start, total, 0
    while True:
        ofs = max(0, expected - PAGE_SIZE)
        page = spec.get(s, end, ofs)
        if page.count != expected:
            refetches = spec.refetch(f"count {page.count}, expected {expected}", refetches)
            if pending is not None:
                s, expected = pending.start, (page.count or 0) + len(pending.items)
                pending = None
            else:
                expected = page.count or 0
            continue
        if pending is not None:
            yield pending
            pending = None
        rows = spec.distinct(page)
        if not spec.inside(rows, s, end) or len(rows) != min(expected, PAGE_SIZE):
            refetches = spec.refetch(f"a page of {len(rows)} rows did not fit", refetches)
            continue
        refetches = 0
        if ofs == 0:
            yield Window(rows, s, end, total)
            return
        newest = max(spec.stamp(r) for r in rows)
        keep = [r for r in rows if spec.stamp(r) < newest]
        if not keep:
            window = _one_timestamp(spec, s, newest, total)
            yield window
            s, expected = newest, expected - len(window.items)
            continue
        pending = Window(keep, s, spec.stamp(keep[-1]), total)
        s, expected = pending.cursor, expected - len(keep)


def _one_timestamp(spec: _Spec[T], start: Decimal | None, moment: Decimal, total: int) -> Window[T]:
    """Every row of (start, moment] when at least a page of rows shares `moment`."""

    def fetch(s, e, ofs):  # type: ignore[no-untyped-def]
        return spec.get(s, e, ofs)

    rows = list(
        walk_range(
            fetch,
            ident=spec.ident,
            stamp=spec.stamp,
            start=start,
            end=moment,
            endpoint=spec.endpoint,
        )
    )
    rows.sort(key=lambda x: (spec.stamp(x), spec.ident(x)))
    return Window(rows, start, moment, total)
