"""The window walk over an in-memory Kraken: ties at window edges, faulty pages, late rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from portfolio.kraken.errors import PagingError
from portfolio.kraken.records import Page
from portfolio.sync.windows import PAGE_SIZE, WalkStats, history_windows


@dataclass(frozen=True)
class Row:
    id: str
    stamp: Decimal


class Book:
    """Kraken's paging: (start, end] newest first by offset, 50 a page, with a count."""

    def __init__(self, stamps: list[Decimal]) -> None:
        self.rows = [Row(f"L{i:05d}", s) for i, s in enumerate(stamps)]
        self.calls = 0
        self.faults: list[str] = []
        self.before_call = None

    def fetch(self, start, end, ofs) -> Page[Row]:
        self.calls += 1
        if self.before_call:
            self.before_call(self)
        inside = [
            r
            for r in self.rows
            if (start is None or r.stamp > start) and (end is None or r.stamp <= end)
        ]
        inside.sort(key=lambda r: (r.stamp, r.id), reverse=True)
        page = inside[ofs : ofs + PAGE_SIZE]
        fault = self.faults.pop(0) if self.faults else None
        if fault == "duplicate" and len(page) > 1:
            page = [*page[:-1], page[0]]
        if fault == "shifted":
            page = inside[ofs + 1 : ofs + 1 + PAGE_SIZE]
        if fault == "count":
            return Page(tuple(page), len(inside) + 1)
        return Page(tuple(page), len(inside))


def walk(book: Book, start=None, stats=None) -> list:
    return list(
        history_windows(
            book.fetch, stamp=lambda r: r.stamp, ident=lambda r: r.id, start=start, stats=stats
        )
    )


def assert_exact_cover(book: Book, windows) -> None:
    ids = [r.id for w in windows for r in w.items]
    assert sorted(ids) == sorted(r.id for r in book.rows)
    assert len(ids) == len(set(ids))
    for w in windows:  # every window holds exactly the rows of (start, cursor]
        expected = {
            r.id
            for r in book.rows
            if (w.start is None or r.stamp > w.start) and r.stamp <= w.cursor
        }
        assert {r.id for r in w.items} == expected


def test_windows_cover_the_history_oldest_first_with_about_one_call_per_page():
    book = Book([Decimal(1000 + i) for i in range(437)])
    windows = walk(book)
    assert_exact_cover(book, windows)
    assert [w.cursor for w in windows] == sorted(w.cursor for w in windows)
    assert book.calls == 1 + 9  # the probe, then the oldest page of each window


def test_rows_sharing_a_timestamp_across_a_page_edge_wait_for_the_next_window():
    stamps = [Decimal(1000 + i // 7) for i in range(300)]  # 7 rows per timestamp
    book = Book(stamps)
    windows = walk(book)
    assert_exact_cover(book, windows)
    for w in windows:
        assert len({r.stamp for r in w.items if r.stamp == w.cursor}) <= 1


def test_more_than_a_page_of_rows_on_one_timestamp_is_one_window():
    stamps = [Decimal(1000)] * 10 + [Decimal(2000)] * 120 + [Decimal(3000 + i) for i in range(80)]
    book = Book(stamps)
    windows = walk(book)
    assert_exact_cover(book, windows)
    assert any(len(w.items) == 120 and w.cursor == Decimal(2000) for w in windows)


@pytest.mark.parametrize("fault", ["duplicate", "shifted", "count"])
def test_a_faulty_page_is_fetched_again_and_nothing_is_skipped(fault):
    book = Book([Decimal(1000 + i) for i in range(260)])
    book.faults = [None, None, fault, None, fault]
    stats = WalkStats()
    windows = walk(book, stats=stats)
    assert_exact_cover(book, windows)
    assert stats.refetches >= 1


def test_a_row_booked_late_inside_the_range_is_found():
    book = Book([Decimal(1000 + 2 * i) for i in range(200)])

    def book_late(b: Book) -> None:
        if b.calls == 3:
            b.rows.append(Row("LATE", Decimal("1101")))

    book.before_call = book_late
    windows = walk(book)
    assert_exact_cover(book, windows)
    assert "LATE" in {r.id for w in windows for r in w.items}


def test_nothing_new_is_one_call_and_no_window():
    book = Book([Decimal(1000 + i) for i in range(80)])
    assert walk(book, start=Decimal(2000)) == []
    assert book.calls == 1


def test_a_page_that_never_settles_raises_a_transient_paging_error():
    book = Book([Decimal(1000 + i) for i in range(200)])
    book.faults = ["count"] * 50
    with pytest.raises(PagingError) as error:
        walk(book)
    assert error.value.transient
