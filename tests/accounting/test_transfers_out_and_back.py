"""Withdrawals held outside Kraken, deposits taking them back, unknown basis, fees, time zones."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portfolio.accounting import TablePriceSource, get_jurisdiction, summarise_tax_year
from portfolio.accounting.policies import EnteredBasis, ExchangeFee, NetworkFee, UnknownBasis
from tests.accounting.support import disposal, run, utc

D = Decimal
PRICES = TablePriceSource(
    {
        ("BTC", "USD"): [
            (utc("2020-01-01T00:00"), D("30000")),
            (utc("2022-01-01T00:00"), D("40000")),
        ],
        ("BTC", "GBP"): [(utc("2020-01-01T00:00"), D("25000"))],
    }
)


def _compute(lines, jurisdiction, *, method="fifo", base="USD", entered=None):
    return run(*lines, method=method, jurisdiction=jurisdiction, base=base, prices=PRICES,
               entered=entered)  # fmt: skip


def test_coins_withdrawn_and_deposited_back_keep_their_2021_basis_and_are_long_term():
    result = run(
        "buy 1 BTC @ 20000 USD on 2021-01-03",
        "withdraw 1 BTC on 2022-01-10",
        "deposit 1 BTC on 2023-01-01",
        "sell 1 BTC @ 30000 USD on 2024-02-01",
        jurisdiction="us",
    )
    sale = disposal(result, "s0004")
    assert (sale.basis, sale.gain, sale.term) == (D("20000"), D("10000"), "long")
    assert [(u.lot_id, u.acquired) for u in sale.lots] == [("s0001", utc("2021-01-03T12:00"))]
    assert result.problems == () and result.unknown_deposits == () and result.outside == ()


def test_a_withdrawal_is_held_outside_with_its_lots_not_disposed_of():
    result = run(
        "buy 1 BTC @ 20000 USD on 2021-01-03",
        "buy 1 BTC @ 30000 USD on 2021-06-01",
        "withdraw 1.5 BTC on 2022-01-10",
        jurisdiction="us",
    )
    assert result.disposals == ()
    assert [(h.withdrawal_id, h.lot_id, h.quantity, h.cost_basis) for h in result.outside] == [
        ("s0003", "s0001", D("1"), D("20000")),
        ("s0003", "s0002", D("0.5"), D("15000.000000000000")),
    ]
    assert result.holdings() == {"BTC": D("0.5")}
    assert result.held_outside() == {"BTC": D("1.5")}
    [pnl] = result.pnl
    assert (pnl.holding, pnl.cost_basis, pnl.outside, pnl.outside_basis) == (
        D("0.5"),
        D("15000.000000000000"),
        D("1.5"),
        D("35000.000000000000"),
    )


def test_a_partial_return_takes_the_earliest_withdrawal_first_in_the_order_its_lots_left():
    result = run(
        "buy 1 BTC @ 20000 USD on 2021-01-03",
        "buy 1 BTC @ 30000 USD on 2022-06-01",
        "withdraw 1.5 BTC on 2022-07-01",  # lot 1 whole, then 0.5 of lot 2
        "deposit 1.2 BTC on 2023-01-01",  # back: lot 1, then 0.2 of lot 2
        "sell 1.7 BTC @ 40000 USD on 2024-03-01",
        jurisdiction="us",
    )
    sale = disposal(result, "s0005")
    assert [(u.lot_id, u.quantity, u.basis, u.term) for u in sale.lots] == [
        ("s0001", D("1"), D("20000"), "long"),
        ("s0002", D("0.5"), D("15000.000000000000"), "long"),
        ("s0002", D("0.2"), D("6000.000000000000"), "long"),
    ]
    assert sale.basis == D("41000.000000000000")
    assert [(h.lot_id, h.quantity, h.cost_basis) for h in result.outside] == [
        ("s0002", D("0.3"), D("9000.000000000000"))
    ]
    assert result.unknown_deposits == () and result.holdings() == {}


def test_a_deposit_larger_than_what_left_has_only_its_excess_of_unknown_basis():
    result = run(
        "buy 1 BTC @ 20000 USD on 2021-01-03",
        "withdraw 0.4 BTC on 2022-01-10",
        "deposit 1 BTC on 2023-01-01",
        "sell 1.6 BTC @ 50000 USD on 2023-06-01",
        jurisdiction="us",
    )
    sale = disposal(result, "s0004")
    assert [(u.lot_id, u.quantity, u.basis, u.gain, u.term) for u in sale.lots] == [
        ("s0001", D("0.6"), D("12000.000000000000"), D("18000.000000000000"), "long"),
        ("s0001", D("0.4"), D("8000.000000000000"), D("12000.000000000000"), "long"),
        ("s0003", D("0.6"), D("0"), D("30000.000000000000"), "short"),
    ]
    [unknown] = result.unknown_deposits
    assert (unknown.event_id, unknown.deposited, unknown.returned, unknown.quantity) == (
        "s0003",
        D("1"),
        D("0.4"),
        D("0.6"),
    )
    assert (unknown.basis, unknown.acquired, unknown.gain) == (
        D("0"),
        utc("2023-01-01T12:00"),
        D("30000.000000000000"),
    )
    assert [(p.code, p.quantity) for p in result.problems] == [("unknown_basis", D("0.6"))]


def test_unknown_basis_at_market_value_on_the_deposit_day():
    us = replace(get_jurisdiction("us"), unknown_basis=UnknownBasis.MARKET)
    result = _compute(
        ["deposit 0.5 BTC on 2023-01-01", "sell 0.5 BTC @ 50000 USD on 2023-06-01"], us
    )
    [unknown] = result.unknown_deposits
    assert (unknown.basis, unknown.gain) == (D("20000.0"), D("5000.0"))
    assert unknown.basis_source.startswith("market value at deposit")


def test_unknown_basis_entered_by_the_user_gives_its_basis_and_date():
    us = replace(get_jurisdiction("us"), unknown_basis=UnknownBasis.ENTERED)
    lines = ["deposit 0.5 BTC on 2023-01-01", "sell 0.5 BTC @ 50000 USD on 2023-06-01"]
    entered = {"s0001": EnteredBasis(D("4000"), utc("2019-03-01T10:00"))}
    sale = disposal(_compute(lines, us, entered=entered), "s0002")
    assert (sale.basis, sale.gain, sale.term) == (D("4000"), D("21000"), "long")
    missing = _compute(lines, us)  # nothing entered yet: zero, and said so
    assert missing.unknown_deposits[0].basis_source == "unknown basis: zero until entered"
    assert disposal(missing, "s0002").gain == D("25000")


ENTERED_LINES = (
    "buy 1 BTC @ 20000 USD on 2021-01-03",
    "withdraw 0.4 BTC on 2022-01-10",
    "deposit 1 BTC on 2023-01-01",  # 0.4 back, 0.6 beyond what left
    "sell 1 BTC @ 50000 USD on 2023-06-01",
)


@pytest.mark.parametrize("policy", [UnknownBasis.ZERO, UnknownBasis.MARKET])
def test_an_entered_basis_is_used_whatever_the_policy(policy):
    us = replace(get_jurisdiction("us"), unknown_basis=policy)
    entered = {"s0003": EnteredBasis(D("9000"), utc("2020-05-01T10:00"))}
    result = _compute(ENTERED_LINES, us, entered=entered)
    [unknown] = result.unknown_deposits
    assert (unknown.quantity, unknown.basis, unknown.acquired, unknown.basis_source) == (
        D("0.6"),
        D("9000"),
        utc("2020-05-01T10:00"),
        "basis entered by the user",
    )
    sale = disposal(result, "s0004")
    # FIFO: the entered 2020 date puts the 0.6 first, then 0.4 of the 2021 lot at 20,000 a coin
    assert [(u.lot_id, u.quantity, u.basis, u.acquired) for u in sale.lots] == [
        ("s0003", D("0.6"), D("9000"), utc("2020-05-01T10:00")),
        ("s0001", D("0.4"), D("8000.000000000000"), utc("2021-01-03T12:00")),
    ]
    assert (sale.basis, sale.gain, unknown.gain) == (
        D("17000.000000000000"),
        D("33000.000000000000"),
        D("21000.000000000000"),  # 0.6 x 50,000 - 9,000
    )


def test_a_deposit_with_nothing_entered_keeps_the_policys_basis():
    entered = {"other": EnteredBasis(D("9000"), utc("2020-05-01T10:00"))}
    sale = disposal(_compute(ENTERED_LINES, "us", entered=entered), "s0004")
    assert [(u.lot_id, u.basis) for u in sale.lots] == [
        ("s0001", D("12000.000000000000")),  # the 0.6 left on Kraken, 2021
        ("s0001", D("8000.000000000000")),  # the 0.4 back, 2021: nothing of the zero-basis part
    ]


def test_problem_messages_give_quantities_without_trailing_zeros():
    result = run(
        "withdraw 0.4000 BTC on 2022-01-10",
        "deposit 1.5000 BTC on 2023-01-01",
        "sell 2.0000 BTC @ 50000 USD on 2023-06-01",
        jurisdiction="us",
    )
    assert [(p.code, p.message) for p in result.problems] == [
        ("shortfall", "withdrawal of 0.4 BTC exceeds the holding by 0.4: zero basis used"),
        ("unknown_basis", "deposit of 1.1 BTC beyond what was withdrawn: unknown basis: zero"),
        ("shortfall", "sale of 2 BTC exceeds the holding by 0.5: zero basis used"),
    ]


FEE_LINES = (
    "buy 0.5 BTC @ 20000 USD on 2021-01-03",
    "buy 1 BTC @ 30000 USD on 2021-06-01",
    "withdraw 0.5 BTC on 2022-03-01 fee 0.001 BTC",
)


def test_network_fee_is_a_disposal_after_the_withdrawn_amount_left_us_default():
    result = _compute(FEE_LINES, "us")
    [fee] = result.disposals
    assert (fee.reason, fee.quantity, fee.proceeds, fee.basis, fee.gain, fee.term) == (
        "fee",
        D("0.001"),
        D("40.000"),
        D("30.000000000000"),
        D("10.000000000000"),
        "short",
    )
    assert fee.lots[0].lot_id == "s0002"  # the withdrawn 0.5 took lot 1 whole first
    summary = summarise_tax_year(result, 2022)
    row = {"proceeds": "40.00", "cost_basis": "30.00", "gain": "10.00", "count": 1, "sales": 1}
    nothing = {"proceeds": "0.00", "cost_basis": "0.00", "gain": "0.00", "count": 0, "sales": 0}
    assert summary["fee_disposals"] == {"short_term": row, "long_term": nothing, "all": row}
    assert summary["short_term"] == row  # the term totals include them


def test_network_fee_carried_out_with_its_basis_and_no_proceeds():
    us = replace(get_jurisdiction("us"), network_fee=NetworkFee.CARRY)
    result = _compute(FEE_LINES, us)
    assert result.disposals == ()
    assert [(r.reason, r.lots[0].lot_id, r.quantity, r.lots[0].basis) for r in result.removals] == [
        ("withdrawal", "s0001", D("0.5"), D("10000")),
        ("fee", "s0002", D("0.001"), D("30.000000000000")),
    ]
    assert result.holdings() == {"BTC": D("0.999")}
    assert [(h.lot_id, h.quantity) for h in result.outside] == [("s0001", D("0.5"))]
    assert summarise_tax_year(result, 2022)["fee_disposals"]["all"]["count"] == 0


UK_SWAP = (
    "buy 10 ETH for 10000 GBP on 2024-05-01",
    "swap 1 ETH for 0.05 BTC on 2024-08-01 worth 3000 GBP fee 20 GBP",
)


@pytest.mark.parametrize(
    ("policy", "gain", "btc_cost"),
    [
        (ExchangeFee.DISPOSAL, D("1980"), D("3000")),  # the whole fee to the disposal
        (ExchangeFee.SPLIT, D("1990"), D("3010")),  # half to each side
    ],
)
def test_uk_fee_of_a_crypto_to_crypto_trade_whole_or_split(policy, gain, btc_cost):
    uk = replace(get_jurisdiction("uk"), exchange_fee=policy)
    result = _compute(UK_SWAP, uk, method="uk", base="GBP")
    assert disposal(result, "s0002:give").gain == gain
    btc = [lot for lot in result.open_lots if lot.asset == "BTC"]
    assert [(lot.quantity, lot.cost_basis) for lot in btc] == [(D("0.05"), btc_cost)]
    assert sum(f.value for f in result.fees) == D("20")


def _zone(code, zone):
    return replace(get_jurisdiction(code), tz=ZoneInfo(zone))


PLUS_ONE, MINUS_FIVE = "Etc/GMT-1", "Etc/GMT+5"  # POSIX signs: Etc/GMT-1 is UTC+1


@pytest.mark.parametrize(
    ("zone", "year", "term"),
    [
        (PLUS_ONE, 2025, "long"),  # 00:30 on 1 Jan 2025 local: after the anniversary
        (MINUS_FIVE, 2024, "short"),  # 18:30 on 31 Dec 2024 local: on the anniversary
    ],
)
def test_sale_at_half_past_midnight_on_new_year_in_utc_plus_one_versus_utc_minus_five(
    zone, year, term
):
    lines = (
        "buy 1 BTC @ 20000 USD on 2023-12-31",  # 12:00 UTC: 31 Dec in both zones
        "sell 1 BTC @ 30000 USD on 2024-12-31 at 23:30",  # 00:30 on 1 January in UTC+1
    )
    result = _compute(lines, _zone("us", zone))
    sale = disposal(result, "s0002")
    assert (sale.tax_year, sale.term) == (year, term)
    assert summarise_tax_year(result, year)[f"{term}_term"]["gain"] == "10000.00"
    de = disposal(_compute(lines, _zone("de", zone), base="USD"), "s0002")
    assert (de.tax_year, de.term) == (year, term)  # DE: exempt only after one year


@pytest.mark.parametrize(
    ("zone", "gain"),
    [
        (MINUS_FIVE, D("5000")),  # bought and sold on 10 June: same-day rule, cost 30000
        (PLUS_ONE, D("15000")),  # sold on 11 June local: the s104 pool at 20000
    ],
)
def test_uk_same_day_rule_uses_the_zone_of_the_jurisdiction_given(zone, gain):
    lines = (
        "buy 1 BTC for 10000 GBP on 2024-01-01",
        "buy 1 BTC for 30000 GBP on 2024-06-10",  # 12:00 UTC
        "sell 1 BTC for 35000 GBP on 2024-06-10 at 23:30",
    )
    result = _compute(lines, _zone("uk", zone), method="uk", base="GBP")
    assert disposal(result, "s0003").gain == gain
