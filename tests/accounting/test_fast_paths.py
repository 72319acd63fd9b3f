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


def _walked(lots: list[Lot], lot: Lot) -> None:
    """The straightforward rule ``OrderedBook.add`` implements: append unless the lot is older
    than the last one, then insert it after the last lot that is undated or not newer."""
    index = len(lots)
    if lot.acquired is not None and lots and lots[-1].acquired is not None:
        while index > 0:
            previous = lots[index - 1].acquired
            if previous is None or previous <= lot.acquired:
                break
            index -= 1
    lots.insert(index, lot)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["add", "add", "add", "take"]),
            st.one_of(st.none(), st.integers(0, 40)),
            st.integers(1, 30),
        ),  # fmt: skip
        max_size=80,
    ),
    st.booleans(),
    st.booleans(),
)
def test_lots_arriving_late_find_the_place_the_walk_gives(steps, from_right, dated_only):
    """Bisection (every lot dated) and the reverse scan (some undated) place a late lot where
    walking back over every newer lot placed it; takes in between keep them equal."""
    book, reference = OrderedBook(from_right), []
    for n, (kind, minute, size) in enumerate(steps):
        if kind == "take":
            book.take(Decimal(size) / 10)
            want, end = Decimal(size) / 10, -1 if from_right else 0
            while want > 0 and reference:
                taken = min(want, reference[end].qty)
                want -= taken
                reference[end] = _copy(reference[end], reference[end].qty - taken)
                if not reference[end].qty:
                    reference.pop(end)
            continue
        if minute is None and dated_only:
            continue
        acquired = None if minute is None else START + timedelta(minutes=minute)
        book.add(Lot(f"l{n}", acquired, None, Decimal(size), Decimal(size), "test"))
        _walked(reference, Lot(f"l{n}", acquired, None, Decimal(size), Decimal(size), "test"))
        assert [(x.lot_id, x.qty) for x in book.lots] == [(x.lot_id, x.qty) for x in reference]


def _copy(lot: Lot, qty: Decimal) -> Lot:
    return Lot(lot.lot_id, lot.acquired, lot.acq_date, qty, lot.cost, lot.source)
