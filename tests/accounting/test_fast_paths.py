"""Fast paths agree with the straightforward computation they replace (hypothesis)."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.accounting import Acquisition, Disposal, Leg, compute, order_events, sort_key
from portfolio.accounting.books import Lot, OrderedBook, cut
from portfolio.accounting.localdates import LocalDates

START = datetime(2020, 1, 1, tzinfo=UTC)
#: Zones with daylight saving, a midnight transition (Beirut), a skipped day (Apia), odd offsets.
ZONES = ["America/New_York", "Europe/London", "Asia/Beirut", "Pacific/Apia", "Asia/Kathmandu",
         "Australia/Lord_Howe", "America/Santiago", "UTC"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.lists(st.integers(0, 6 * 366 * 86_400), min_size=1, max_size=300),
    st.booleans(),
)
def test_cached_local_dates_equal_astimezone(zone, seconds, in_order):
    tz = ZoneInfo(zone)
    dates = LocalDates(tz)
    offsets = sorted(seconds) if in_order else seconds
    for second in offsets:
        when = START + timedelta(seconds=second)
        assert dates(when) == when.astimezone(tz).date()
        other_zone = when.astimezone(ZoneInfo("Asia/Tokyo"))  # any aware datetime works
        assert dates(other_zone) == when.astimezone(tz).date()


def _event(n: int, minute: int, kind: int, asset: str = "BTC"):
    when = START + timedelta(minutes=minute)
    if kind:
        return Disposal(f"e{n:04d}", when, asset, Decimal(1), Leg("USD", Decimal(10)))
    return Acquisition(f"e{n:04d}", when, asset, Decimal(1), Leg("USD", Decimal(5)))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 1)), max_size=60),
    st.integers(0, 60),
)
def test_order_events_equals_the_keyed_sort_with_or_without_ties(raw, cutoff):
    events = [_event(n, minute, kind) for n, (minute, kind) in enumerate(raw)]
    as_of = START + timedelta(minutes=cutoff)
    expected = sorted((e for e in events if e.time <= as_of), key=sort_key)
    assert order_events(events, as_of) == expected
    strictly_increasing = sorted(events, key=sort_key)
    assert order_events(strictly_increasing, as_of) == expected


def _reference_take(lots: list[list[Decimal]], want: Decimal):
    """The original book loop over ``_cut``: pieces (index, qty, basis) and the shortfall."""
    pieces = []
    book = [Lot(str(i), None, None, q, c, "") for i, (q, c) in enumerate(lots)]
    for lot in book:
        if want <= 0:
            break
        taken, basis = cut(lot, want)
        pieces.append((lot.lot_id, taken, basis))
        want -= taken
    return pieces, want, [(lot.qty, lot.cost) for lot in book]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**8)), min_size=1, max_size=8),
    st.integers(1, 5 * 10**6),
)
def test_inlined_fifo_take_equals_the_cut_loop(raw, want_units):
    lots = [[Decimal(q).scaleb(-4), Decimal(c).scaleb(-2)] for q, c in raw]
    want = Decimal(want_units).scaleb(-4)
    expected_pieces, expected_short, expected_left = _reference_take(lots, want)
    book = OrderedBook()
    originals = [Lot(str(i), None, None, q, c, "") for i, (q, c) in enumerate(lots)]
    for lot in originals:
        book.add(lot)
    pieces, short = book.take(want)
    assert [(lot.lot_id, q, b) for lot, q, b in pieces] == expected_pieces
    assert short == expected_short
    assert [(lot.qty, lot.cost) for lot in originals] == expected_left


def test_compute_leaves_its_records_out_of_the_young_generations_and_gc_enabled():
    events = [_event(n, n, n % 3 == 2) for n in range(3000)]
    gc.collect()
    result = compute(events, method="fifo", jurisdiction="us", base_currency="USD",
                     as_of=START + timedelta(days=30))  # fmt: skip
    assert gc.isenabled() and gc.get_count()[0] < 700
    assert len(result.disposals) == 1000
