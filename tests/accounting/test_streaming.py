"""The fused loop, the compact records and the run-wise totals equal the paths they replace."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from functools import partial
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.accounting import (
    Acquisition,
    Deposit,
    Disposal,
    Income,
    Leg,
    Transfer,
    Withdrawal,
    compute,
    engine,
    streaming,
)
from portfolio.accounting import runner as runner_module
from portfolio.accounting.books import Method
from portfolio.accounting.jurisdictions import get_jurisdiction
from portfolio.accounting.planning import Planner
from portfolio.accounting.runner import Runner
from portfolio.accounting.streaming import plan_and_run
from portfolio.accounting.summary import _year
from portfolio.accounting.tables import Records
from portfolio.accounting.totals import RunningTotals
from portfolio.accounting.valuation import TablePriceSource, Valuer

START = datetime(2021, 1, 1, tzinfo=UTC)
AS_OF = datetime(2030, 1, 1, tzinfo=UTC)
STREAMED = [("fifo", "us"), ("lifo", "us"), ("hifo", "us"), ("average", "generic"), ("fifo", "de")]
PRICES = TablePriceSource(
    {(a, "USD"): [(START, Decimal(p))] for a, p in (("BTC", 30000), ("ETH", 2000), ("EUR", 1.1))}
)
FEES = [(), ("USD", "0.5"), ("USD", "0"), ("ETH", "0.001"), ("EUR", "1"), ("KFEE", "10")]

shape = st.tuples(
    st.sampled_from(
        [
            "buy",
            "buy",
            "sell",
            "part",
            "part",
            "income",
            "airdrop",
            "transfer",
            "withdraw",
            "deposit",
        ]
    ),  # fmt: skip
    st.sampled_from(["BTC", "ETH", "USD"]),
    st.sampled_from(["spot", "staking"]),
    st.integers(1, 5000),  # quantity in 1e-3 units
    st.sampled_from(FEES + [("USD", "0.5"), ("USD", "0.5")]),
    st.sampled_from(["leg", "leg", "leg", "value", "none", "eur"]),
    st.integers(0, 900),  # day
    st.sampled_from([0, 0, 13]),  # hour: same-time ties
)


def _events(raw):
    """Events from raw steps; a "part" sale takes size/5000 of what was bought of the asset."""
    events, bought, zero = [], {}, Decimal(0)
    for n, (kind, asset, wallet, size, fee, how, day, hour) in enumerate(raw):
        eid, when, qty = f"e{n:03d}", START + timedelta(days=day, hours=hour), Decimal(size) / 1000
        if kind in ("buy", "income"):
            bought[asset] = bought.get(asset, zero) + qty
        elif kind == "part":
            kind, qty = "sell", (bought.get(asset, zero) * size / 5000).quantize(Decimal("0.001"))
            bought[asset] = bought.get(asset, zero) - qty
            if qty <= 0:
                continue
        fees = (Leg(fee[0], Decimal(fee[1])),) if fee else ()
        other = "staking" if wallet == "spot" else "spot"
        leg = {"leg": Leg("USD", qty * 7), "value": None, "none": None, "eur": Leg("EUR", qty)}[how]
        value = qty * 5 if how == "value" else None
        if kind == "buy":
            events.append(Acquisition(eid, when, asset, qty, leg, fees, value, wallet))
        elif kind == "sell":
            events.append(Disposal(eid, when, asset, qty, leg, fees, value, wallet, "", "sale"))
        elif kind in ("income", "airdrop"):
            events.append(Income(eid, when, asset, qty, "staking" if kind == "income" else kind,
                                 value, wallet))  # fmt: skip
        elif kind == "transfer":
            events.append(Transfer(eid, when, asset, qty, wallet, other, fees))
        elif kind == "withdraw":
            events.append(Withdrawal(eid, when, asset, qty, fees, wallet))
        else:
            events.append(Deposit(eid, when, asset, qty, value, None, fees, wallet))
    return events


def exact(value):
    """A comparable form that tells Decimal('1.0') from Decimal('1.00')."""
    if isinstance(value, Decimal):
        return repr(value)
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, Records)):
        return [exact(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f: exact(getattr(value, f)) for f in value.__dataclass_fields__}
    return value


def _whole(result):
    return exact([result.open_lots, result.disposals, result.income, result.fees,
                  result.removals, result.problems, result.years, result.pnl])  # fmt: skip


def _year_ends(result):
    return exact([(y, b.open_lots, b.outside) for y, b in sorted(result.year_end.items())])


def _run(events, method, jurisdiction, per_wallet):
    return compute(events, method=method, jurisdiction=jurisdiction, base_currency="USD",
                   per_wallet=per_wallet, as_of=AS_OF, prices=PRICES)  # fmt: skip


def _two_passes(events, method, jurisdiction, per_wallet):
    """Plan every event into a list of operations, then run the list: the path before fusing."""
    jur, method = get_jurisdiction(jurisdiction), Method(method)
    with localcontext(engine.ENGINE_CONTEXT):
        valuer = Valuer("USD", PRICES)
        planner = Planner(jur, valuer)
        planner.plan(engine.order_events(events, AS_OF))
        runner = Runner(jur, method, per_wallet, planner.ops)
        runner.run()
        runner.value_of = planner.value
        sums = RunningTotals(jur.has_term)  # all records at once, not chunk by chunk
        run = engine._Run(jur, method, "USD", per_wallet, AS_OF, PRICES, None, {})
        return engine._assemble(run, valuer, planner, runner, sums)


def _general(events, method, jurisdiction, per_wallet):
    """``compute`` with the general planner handlers only (no inline shapes)."""
    with (
        mock.patch.object(engine, "plan_and_run", partial(plan_and_run, fast=False)),
        mock.patch.object(engine, "plan_fast", lambda events, planner, tick: planner.plan(events)),
    ):
        return _run(events, method, jurisdiction, per_wallet)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(shape, min_size=1, max_size=50),
    st.sampled_from(STREAMED + [("uk", "uk"), ("average", "ca")]),
    st.booleans(),
)
def test_inline_shapes_and_streaming_equal_the_general_two_pass_path(raw, config, per_wallet):
    events = _events(raw)
    fast = _run(events, *config, per_wallet)
    general = _general(events, *config, per_wallet)
    assert _whole(fast) == _whole(general)
    assert _year_ends(fast) == _year_ends(general)
    if config in STREAMED:
        assert _whole(fast) == _whole(_two_passes(events, *config, per_wallet))


trade = st.tuples(
    st.sampled_from(["buy", "buy", "part", "part", "sell"]),
    st.sampled_from(["BTC", "ETH"]),
    st.just("spot"),
    st.integers(1, 5000),
    st.sampled_from([(), ("USD", "0.5"), ("USD", "0.25")]),
    st.just("leg"),
    st.integers(0, 900),
    st.sampled_from([0, 0, 13]),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(trade, min_size=5, max_size=60),
    st.sampled_from(
        [("fifo", "us"), ("lifo", "us"), ("fifo", "de"), ("lifo", "generic"), ("uk", "uk")]
    ),  # fmt: skip
)
def test_sales_over_several_lots_in_one_loop_equal_take_then_split(raw, config):
    """``sell_in_order``: many sales over several lots, some beyond the holding."""
    events = _events(raw)
    fast = _run(events, *config, False)
    assert _whole(fast) == _whole(_general(events, *config, False))
    if config[0] != "uk":
        assert _whole(fast) == _whole(_two_passes(events, *config, False))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(shape, min_size=1, max_size=60),
    st.sampled_from(STREAMED + [("uk", "uk"), ("average", "ca")]),
    st.integers(1, 7),
)
def test_totals_added_chunk_by_chunk_equal_totals_added_at_the_end(raw, config, chunk):
    events = _events(raw)
    with (
        mock.patch.object(runner_module, "CHUNK", chunk),
        mock.patch.object(streaming, "CHUNK", chunk),
    ):
        chunked = _run(events, *config, False)
    assert _whole(chunked) == _whole(_general(events, *config, False))


def _reference_years(result):
    """The record-by-record loop the run-wise totals replace (summary before ``totals``).

    ``count`` is lot pieces (one Form 8949 row each), ``sales`` disposal events; fee disposals
    are summed apart too, by the term of each piece.
    """
    jur = get_jurisdiction(result.jurisdiction)
    total, terms, inc, fee = {}, {"short": {}, "long": {}}, {}, {}
    fees = {"short": {}, "long": {}, "all": {}}

    def add(acc, year, proceeds, basis, gain, n, sales=0):
        row = acc.setdefault(year, [Decimal(0)] * 3 + [0, Decimal(0), Decimal(0), 0])
        row[0] += proceeds
        row[1] += basis
        row[2] += gain
        row[3] += n
        row[6] += sales
        return row

    def by_piece(accs, d):
        seen = set()
        for u in d.lots:
            add(accs[u.term], d.tax_year, u.proceeds, u.basis + u.costs, u.gain, 1,
                0 if u.term in seen else 1)  # fmt: skip
            seen.add(u.term)

    with localcontext(engine.ENGINE_CONTEXT):
        for d in result.disposals:
            row = add(total, d.tax_year, d.proceeds, d.basis, d.gain, len(d.lots), 1)
            if d.gain > 0:
                row[4] += d.gain
            elif d.gain < 0:
                row[5] -= d.gain
            if d.reason == "fee":
                add(fees["all"], d.tax_year, d.proceeds, d.basis, d.gain, len(d.lots), 1)
                if d.term != "none":
                    by_piece(fees, d)
            if not jur.has_term:
                continue
            if not d.lots or d.term != "mixed":
                add(terms[d.term], d.tax_year, d.proceeds, d.basis, d.gain, len(d.lots), 1)
                continue
            by_piece(terms, d)
        for i in result.income:
            if i.taxable:
                add(inc, i.tax_year, i.value, 0, 0, 1)
        for f in result.fees:
            add(fee, f.tax_year, f.value, 0, 0, 1)
        years = sorted(set(total) | set(inc) | set(fee))
        return {y: _year(jur, y, total, terms, inc, fee, fees) for y in years}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(shape, min_size=1, max_size=60),
    st.sampled_from(STREAMED + [("uk", "uk"), ("average", "ca")]),
    st.booleans(),
)
def test_run_wise_yearly_totals_equal_the_record_by_record_loop(raw, config, per_wallet):
    """Histories over 2.5 years: sales of mixed terms, several runs per tax year (UK)."""
    result = _run(_events(raw), *config, per_wallet)
    assert exact(result.years) == exact(_reference_years(result))


def test_records_behave_like_the_tuple_they_replace():
    events = _events([("buy", "BTC", "spot", 3000, ("USD", "0.5"), "leg", d, 0) for d in (0, 1)]
                     + [("sell", "BTC", "spot", 4000, (), "leg", 400, 0),
                        ("sell", "BTC", "spot", 10, ("USD", "0.5"), "leg", 401, 0)])  # fmt: skip
    result = _run(events, "fifo", "us", False)
    disposals, fees = result.disposals, result.fees
    as_tuple = tuple(disposals)
    assert (len(disposals), len(fees), len(result.income)) == (2, 3, 0)
    assert disposals == as_tuple and as_tuple == disposals and disposals != list(as_tuple)
    assert disposals[-1] == as_tuple[1] and disposals[0:5] == as_tuple
    assert disposals + () == as_tuple and () + disposals == as_tuple
    assert [u.lot_id for u in disposals[0].lots] == ["e000", "e001"]
    assert disposals[1].lots[0].quantity == Decimal("0.010")
    assert hash(disposals) == hash(as_tuple) and repr(disposals) == repr(as_tuple)
    assert disposals.index(as_tuple[1]) == 1 and as_tuple[0] in disposals
    with pytest.raises(IndexError):
        disposals[2]
    assert disposals[0]._replace(gain=Decimal(0)).gain == Decimal(0)
    assert pickle.loads(pickle.dumps(result)) == result


@settings(max_examples=100, deadline=None)
@given(
    st.lists(shape, min_size=1, max_size=50), st.sampled_from(STREAMED), st.booleans()
)  # fmt: skip
def test_the_books_at_a_year_end_are_those_of_a_run_ending_just_before_it(raw, config, per_wallet):
    """Methods without look-ahead: what came after the year's end cannot change its books."""
    events = _events(raw)
    result = _run(events, *config, per_wallet)
    if not events:
        assert result.year_end == {}
        return
    jur = get_jurisdiction(config[1])
    first = jur.tax_year_of(jur.local_date(min(e.time for e in events)))
    assert sorted(result.year_end) == list(range(first, jur.tax_year_of(jur.local_date(AS_OF))))
    for year, books in result.year_end.items():
        end = jur.tax_year_period(year)[1]
        cut = compute(events, method=config[0], jurisdiction=config[1], base_currency="USD",
                      per_wallet=per_wallet, as_of=end - timedelta(microseconds=1),
                      prices=PRICES)  # fmt: skip
        assert exact([books.open_lots, books.outside]) == exact([cut.open_lots, cut.outside])
