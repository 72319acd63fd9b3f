"""Invariants of units held outside Kraken, HIFO checkpoints, and the caller's collector."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.accounting import Acquisition, Deposit, Disposal, Leg, Withdrawal, compute
from tests.accounting.test_streaming import exact

START = datetime(2021, 1, 1, tzinfo=UTC)
AS_OF = datetime(2030, 1, 1, tzinfo=UTC)
ZERO = Decimal(0)
CONFIGS = [("fifo", "us"), ("lifo", "us"), ("hifo", "us"), ("average", "generic"), ("uk", "uk")]

step = st.tuples(
    st.sampled_from(["buy", "buy", "sell", "withdraw", "withdraw", "deposit", "deposit"]),
    st.sampled_from(["BTC", "ETH"]),
    st.integers(1, 10_000),  # 1e-3 units (buy), or 1e-4 of the holding (sell, withdraw, deposit)
    st.integers(1, 100_000),  # price in cents
)


def build(raw, *, excess: bool, per_day: int = 1):
    """Events ``per_day`` a day (hours apart); sales and withdrawals stay within the holding on
    Kraken, deposits within what is outside unless ``excess``. Returns events, bought - sold, and
    the excess."""
    on, out, net, extra, events = {}, {}, {}, ZERO, []
    for n, (kind, asset, size, cents) in enumerate(raw):
        day, slot = divmod(n, per_day)
        when, eid = START + timedelta(days=day, hours=3 * slot), f"e{n:03d}"
        have, away = on.get(asset, ZERO), out.get(asset, ZERO)
        if kind == "buy":
            qty = Decimal(size) / 1000
            paid = Leg("USD", qty * cents / 100)
            events.append(Acquisition(eid, when, asset, qty, paid))
            on[asset], net[asset] = have + qty, net.get(asset, ZERO) + qty
            continue
        base = have if kind != "deposit" else away
        qty = (base * size / 10_000).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
        if kind == "deposit" and excess:
            qty += Decimal(size) / 100_000
        if qty <= 0:
            continue
        if kind == "sell":
            events.append(Disposal(eid, when, asset, qty, Leg("USD", qty * cents / 100)))
            on[asset], net[asset] = have - qty, net.get(asset, ZERO) - qty
        elif kind == "withdraw":
            events.append(Withdrawal(eid, when, asset, qty))
            on[asset], out[asset] = have - qty, away + qty
        else:
            events.append(Deposit(eid, when, asset, qty))
            back = min(qty, away)
            on[asset], out[asset] = have + qty, away - back
            extra += qty - back
    return events, net, extra


def _run(events, method, jurisdiction, **kwargs):
    return compute(events, method=method, jurisdiction=jurisdiction, base_currency="USD",
                   as_of=AS_OF, **kwargs)  # fmt: skip


def _sums(result):
    total: dict[str, Decimal] = {}
    for asset, qty in [*result.holdings().items(), *result.held_outside().items()]:
        total[asset] = total.get(asset, ZERO) + qty
    return {asset: qty for asset, qty in total.items() if qty}


@settings(max_examples=150, deadline=None)
@given(st.lists(step, min_size=1, max_size=40), st.sampled_from(CONFIGS))
def test_units_outside_plus_units_on_kraken_equal_bought_minus_sold(raw, config):
    events, net, _ = build(raw, excess=False)
    result = _run(events, *config)
    assert _sums(result) == {asset: qty for asset, qty in net.items() if qty}
    assert result.unknown_deposits == ()
    assert not [p for p in result.problems if p.code in ("shortfall", "unknown_basis")]


one_token = st.tuples(
    st.sampled_from(["buy", "buy", "sell", "withdraw", "deposit"]),
    st.just("BTC"),
    st.integers(1, 10_000),
    st.integers(1, 100_000),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(one_token, min_size=1, max_size=40), st.integers(2, 6), st.booleans())
def test_uk_matching_with_withdrawals_on_the_day_of_matched_sales_keeps_units_and_basis(
    raw, per_day, excess
):
    """Several events a day: the same-day rule matches sales with that day's purchases while
    withdrawals and deposits come and go in between. No unit on Kraken leaves at zero basis, units
    outside plus units on Kraken are bought minus sold (plus the excess deposited), and every
    pound paid is in a disposal's basis, outside or on Kraken."""
    events, net, extra = build(raw, excess=excess, per_day=per_day)
    result = _run(events, "uk", "uk")
    assert not [p for p in result.problems if p.code == "shortfall"]
    assert sum(_sums(result).values(), ZERO) == sum(net.values(), ZERO) + extra
    assert _sums(result) == {a: q for a, q in _sums(result).items() if q > 0}
    paid = sum((e.paid.quantity for e in events if isinstance(e, Acquisition)), ZERO)
    used = sum((d.basis for d in result.disposals), ZERO)
    held = sum((x.cost_basis for x in (*result.open_lots, *result.outside)), ZERO)
    assert paid == used + held


@settings(max_examples=100, deadline=None)
@given(st.lists(step, min_size=1, max_size=40), st.sampled_from(CONFIGS))
def test_only_deposits_beyond_what_is_outside_are_of_unknown_basis(raw, config):
    events, net, extra = build(raw, excess=True)
    result = _run(events, *config)
    unknown = sum((u.quantity for u in result.unknown_deposits), ZERO)
    assert unknown == extra
    assert sum(_sums(result).values(), ZERO) == sum(net.values(), ZERO) + extra
    for u in result.unknown_deposits:
        assert u.returned + u.quantity == u.deposited and u.quantity > 0


@settings(max_examples=100, deadline=None)
@given(st.lists(step, min_size=2, max_size=40), st.integers(1, 39))
def test_hifo_resumed_from_a_checkpoint_equals_a_full_run(raw, cut):
    events, _, _ = build(raw, excess=True)
    cut = min(cut, len(events))
    if not events:
        return
    full = _run(events, "hifo", "us")
    at = events[cut - 1].time
    first = compute(events[:cut], method="hifo", jurisdiction="us", base_currency="USD", as_of=at)
    rest = _run(events[cut:], "hifo", "us", opening=first.checkpoint())
    assert exact(first.disposals + rest.disposals) == exact(full.disposals)
    assert exact(rest.open_lots) == exact(full.open_lots)
    assert exact(rest.outside) == exact(full.outside)


@pytest.mark.parametrize("enabled", [True, False])
def test_compute_leaves_the_callers_collector_as_it_found_it(enabled):
    events, _, _ = build([("buy", "BTC", 5, 100), ("withdraw", "BTC", 5000, 1)], excess=False)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        _run(events, "fifo", "us")
        assert gc.isenabled() is enabled
        wrong = _run(events[:1], "lifo", "us").checkpoint()  # refused inside the run
        with pytest.raises(ValueError, match="other settings"):
            _run(events[1:], "fifo", "us", opening=wrong)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
