"""walk_range against an in-memory ledger that changes while it is paged."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from portfolio.kraken.errors import PagingError
from portfolio.kraken.paging import walk_range
from portfolio.kraken.records import Page


@dataclass(frozen=True)
class Row:
    id: str
    stamp: Decimal


class Book:
    """Kraken's paging rules over a list: newest first, start exclusive, end inclusive."""

    def __init__(self, size: int) -> None:
        self.rows = [Row(f"L{i:04d}", Decimal(1000 + i)) for i in range(size)]
        self.calls: list[tuple[object, object, int]] = []
        self.before_page = lambda book: None
        self.lie_about_count = 0

    def fetch(self, start, end, ofs) -> Page[Row]:
        self.calls.append((start, end, ofs))
        self.before_page(self)
        rows = sorted(self.rows, key=lambda r: r.stamp, reverse=True)
        rows = [
            r
            for r in rows
            if (start is None or r.stamp > Decimal(start))
            and (end is None or r.stamp <= Decimal(end))
        ]
        return Page(tuple(rows[ofs : ofs + 50]), len(rows) + self.lie_about_count)


def walk(book: Book, **kwargs) -> list[Row]:
    return list(walk_range(book.fetch, ident=lambda r: r.id, stamp=lambda r: r.stamp, **kwargs))


def test_walks_the_whole_range_newest_first_once_each_and_reports_progress():
    book = Book(120)
    progress: list[tuple[int, int | None]] = []
    rows = walk(book, progress=lambda got, total: progress.append((got, total)))
    assert [r.id for r in rows] == [f"L{i:04d}" for i in reversed(range(120))]
    assert progress == [(50, 120), (100, 120), (120, 120)]
    assert [c[2] for c in book.calls] == [0, 50, 100]


def test_start_is_exclusive_and_end_inclusive():
    rows = walk(Book(120), start=Decimal(1010), end=Decimal(1020))
    assert [r.stamp for r in rows] == [Decimal(x) for x in range(1020, 1010, -1)]


def test_entries_arriving_during_the_walk_neither_shift_nor_duplicate_it():
    book = Book(120)

    def arrive(b: Book) -> None:
        b.rows.append(Row(f"N{len(b.rows):04d}", Decimal(5000 + len(b.rows))))

    book.before_page = arrive
    rows = walk(book)
    assert len(rows) == 121  # the row that arrived before the first page, none after
    assert len({r.id for r in rows}) == 121
    assert book.calls[1][1] == Decimal(5120)  # end pinned to the first page's newest entry


def test_a_late_entry_inside_the_range_is_caught_by_a_second_walk():
    book = Book(120)

    def late(b: Book) -> None:
        if len(b.calls) == 2:
            b.rows.append(Row("LATE", Decimal("1100.5")))  # booked inside the range, newer side

    book.before_page = late
    rows = walk(book)
    assert len(rows) == 121
    assert "LATE" in {r.id for r in rows}
    assert len({r.id for r in rows}) == 121


def test_a_count_that_never_settles_raises_a_transient_paging_error():
    book = Book(120)
    book.lie_about_count = 5
    with pytest.raises(PagingError) as raised:
        walk(book, endpoint="Ledgers")
    assert raised.value.transient is True
    assert str(raised.value) == "Paging Ledgers did not settle: 120 of 125 received"


def test_non_strict_walk_stops_at_the_first_empty_page():
    book = Book(70)
    book.lie_about_count = 30
    rows = walk(book, strict=False)
    assert len(rows) == 70


def test_empty_range_yields_nothing():
    assert walk(Book(0)) == []
