"""Ground-truth invariants of generated histories, and the API agreeing with them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from portfolio.simulator import SimAccount
from portfolio.simulator.assets import ASSETS, PAIRS
from portfolio.simulator.generator import Generator
from portfolio.simulator.market import Market
from portfolio.simulator.records import Truth

from .helpers import Spot


def _generate(seed: int, size: int) -> Truth:
    truth = Truth()
    Generator(seed=seed, market=Market(0), truth=truth).generate(size=size)
    return truth


def test_each_ledger_balance_is_previous_balance_plus_amount_minus_fee(account: SimAccount) -> None:
    running: dict[str, Decimal] = defaultdict(Decimal)
    for entry in account.truth.ledgers:
        running[entry.asset] += entry.amount - entry.fee
        assert entry.balance == running[entry.asset], entry
        assert entry.balance >= 0, entry


def test_amounts_use_each_assets_decimals(account: SimAccount) -> None:
    for entry in account.truth.ledgers:
        places = ASSETS[entry.asset].decimals
        for value in (entry.amount, entry.fee, entry.balance):
            assert -value.as_tuple().exponent == places, entry


def test_balance_endpoint_equals_the_last_ledger_balances(spot: Spot, account: SimAccount) -> None:
    last = {e.asset: e.balance for e in account.truth.ledgers}
    served = {asset: Decimal(value) for asset, value in spot.result("Balance").items()}
    assert served == last == account.truth.balances


def test_balance_ex_adds_the_open_order_hold(spot: Spot, account: SimAccount) -> None:
    served = spot.result("BalanceEx")
    hold = account.truth.holds["ZUSD"]
    assert hold > 0
    assert Decimal(served["ZUSD"]["hold_trade"]) == hold
    assert Decimal(served["ZUSD"]["balance"]) == account.truth.balances["ZUSD"]
    # every hold is the sum of what the open orders hold (OpenOrders); other assets hold nothing
    by_orders: dict[str, Decimal] = {}
    for order in account.truth.open_orders:
        by_orders[order.hold_asset] = by_orders.get(order.hold_asset, Decimal(0)) + order.hold
    held = {a: Decimal(v["hold_trade"]) for a, v in served.items() if Decimal(v["hold_trade"])}
    assert held == by_orders


def test_trade_balance_is_internally_consistent(spot: Spot) -> None:
    tb = {k: Decimal(v) for k, v in spot.result("TradeBalance").items()}
    assert tb["e"] == tb["tb"] + tb["n"]
    assert tb["mf"] == tb["e"] - tb["m"]
    assert tb["m"] > 0


def test_every_spot_trade_has_its_ledger_legs_by_refid(account: SimAccount) -> None:
    by_refid = defaultdict(list)
    for entry in account.truth.ledgers:
        by_refid[entry.refid].append(entry)
    for trade in account.truth.trades:
        legs = [e for e in by_refid[trade.txid] if e.type in ("trade", "margin")]
        assert [e.id for e in legs] == list(trade.ledgers)
        if trade.margin:
            assert [e.type for e in legs] == ["margin"]
            continue
        pair = PAIRS[trade.pair]
        sign = 1 if trade.type == "buy" else -1
        quote, base, *kfee = legs
        assert (quote.asset, quote.amount) == (pair.quote, -sign * trade.cost)
        assert (base.asset, base.amount) == (pair.base, sign * trade.vol)
        assert all(e.asset == "KFEE" and e.amount == 0 and e.fee > 0 for e in kfee)


def test_fee_in_quote_is_what_the_quote_leg_deducted_unless_paid_in_kfee_or_base(
    account: SimAccount,
) -> None:
    index = {e.id: e for e in account.truth.ledgers}
    modes = Counter()
    for trade in (t for t in account.truth.trades if not t.margin):
        legs = [index[i] for i in trade.ledgers]
        if len(legs) == 3:
            modes["kfee"] += 1
            assert legs[0].fee == legs[1].fee == 0
        elif legs[1].fee:
            modes["base"] += 1
            assert legs[0].fee == 0
        else:
            modes["quote"] += 1
            assert legs[0].fee == trade.fee
    assert min(modes.values()) > 0 and len(modes) == 3


def test_instant_buys_are_spend_receive_pairs_only_in_the_ledger(account: SimAccount) -> None:
    txids = {t.txid for t in account.truth.trades}
    pairs = defaultdict(list)
    for entry in account.truth.ledgers:
        if entry.type in ("spend", "receive"):
            pairs[entry.refid].append(entry.type)
    assert pairs
    assert all(kinds == ["spend", "receive"] for kinds in pairs.values())
    assert not txids & set(pairs)


def test_history_covers_every_required_kind_of_entry(account: SimAccount) -> None:
    kinds = {(e.type, e.subtype) for e in account.truth.ledgers}
    assets = {e.asset for e in account.truth.ledgers}
    expected_kinds = {
        ("deposit", ""),
        ("withdrawal", ""),
        ("trade", ""),
        ("spend", ""),
        ("receive", ""),
        ("staking", ""),
        ("transfer", "spottostaking"),
        ("transfer", "stakingfromspot"),
        ("earn", "allocation"),
        ("earn", "reward"),
        ("earn", "migration"),
        ("margin", ""),
        ("rollover", ""),
        ("transfer", "spottofutures"),
    }
    assert expected_kinds <= kinds
    assert {"ZUSD", "ZEUR", "ZGBP", "XXBT", "KFEE", "DOT.S", "ETH2.S", "USDT.F", "SOL.B"} <= assets
    assert {PAIRS[t.pair].quote for t in account.truth.trades} >= {"ZUSD", "ZEUR", "XXBT"}


def test_withdrawals_carry_network_fees(account: SimAccount) -> None:
    crypto = [
        e
        for e in account.truth.ledgers
        if e.type == "withdrawal" and e.amount < 0 and e.asset == "XXBT"
    ]
    assert crypto and all(e.fee == Decimal("0.0001500000") for e in crypto)


def test_history_spans_2021_to_2025(account: SimAccount) -> None:
    first, last = account.truth.ledgers[0], account.truth.ledgers[-1]
    as_date = lambda e: dt.datetime.fromtimestamp(e.ticks / 10_000, dt.UTC)  # noqa: E731
    assert as_date(first).date() == dt.date(2021, 1, 1)
    assert as_date(last).year == 2025
    assert {as_date(e).year for e in account.truth.ledgers} == {2021, 2022, 2023, 2024, 2025}


def test_ids_follow_krakens_formats(account: SimAccount) -> None:
    import re

    pattern = re.compile(r"^[LTO][A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{6}$")
    assert all(pattern.match(e.id) and e.id[0] == "L" for e in account.truth.ledgers)
    assert all(pattern.match(t.txid) and t.txid[0] == "T" for t in account.truth.trades)
    assert all(pattern.match(o.txid) and o.txid[0] == "O" for o in account.truth.closed_orders)
    assert any(e.refid.startswith("FT") for e in account.truth.ledgers if e.type == "deposit")


def test_one_margin_position_stays_open_and_closed_ones_end_in_margin_or_settled(
    account: SimAccount,
) -> None:
    positions = account.truth.margin_positions
    assert [p.status for p in positions].count("open") == 1
    refids = {e.refid for e in account.truth.ledgers if e.type in ("settled", "rollover")}
    for position in positions:
        if position.status == "settled":
            assert position.txid in refids


def test_same_seed_and_size_give_identical_data() -> None:
    first, second = _generate(11, 600), _generate(11, 600)
    assert first.ledgers == second.ledgers
    assert first.trades == second.trades
    assert first.closed_orders == second.closed_orders
    assert first.futures_log == second.futures_log
    assert first.balances == second.balances


def test_another_seed_gives_other_data() -> None:
    assert _generate(11, 300).ledgers != _generate(12, 300).ledgers


def test_size_is_the_approximate_number_of_ledger_entries() -> None:
    truth = _generate(5, 3000)
    assert 3000 <= len(truth.ledgers) <= 3060


def test_the_trader_mix_is_almost_all_trades_and_still_balances():
    from portfolio.simulator.server import SimulatorServer

    server = SimulatorServer()
    account = server.add_account(seed=9, size=4000, mix="trader")
    again = server.add_account(seed=9, size=4000, mix="trader")
    ledgers = account.truth.ledgers
    trade_rows = sum(1 for row in ledgers if row.type == "trade")
    assert trade_rows / len(ledgers) > 0.95
    assert len(account.truth.trades) > 0.45 * len(ledgers)  # two legs a trade, a few KFEE rows
    assert [row.id for row in again.truth.ledgers] == [row.id for row in ledgers]
    running: dict[str, Decimal] = {}
    for row in ledgers:
        running[row.asset] = running.get(row.asset, Decimal(0)) + row.amount - row.fee
        assert row.balance == running[row.asset]
