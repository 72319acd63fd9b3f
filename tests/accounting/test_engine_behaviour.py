"""Engine behaviour beyond the published examples: problems, valuation, fees, moves, results."""

from datetime import date
from decimal import Decimal

import pytest

from portfolio.accounting import (
    TablePriceSource,
    compute,
    get_jurisdiction,
    portfolio_value_by_day,
    scenario,
    summarise_tax_year,
)
from tests.accounting.support import AS_OF, run, utc

PRICES = TablePriceSource(
    {
        ("BTC", "USD"): [
            (utc("2020-01-01T00:00"), Decimal("30000")),
            (utc("2024-01-02T00:00"), Decimal("40000")),
        ],
        ("EUR", "USD"): [(utc("2020-01-01T00:00"), Decimal("1.1"))],
        ("ETH", "BTC"): [(utc("2020-01-01T00:00"), Decimal("0.05"))],
        ("BTC", "EUR"): [(utc("2020-01-01T00:00"), Decimal("27000"))],
        ("BNB", "USD"): [(utc("2020-01-01T00:00"), Decimal("300"))],
    },
    "fixture",
)


def test_disposal_beyond_the_holding_is_a_shortfall_problem_at_zero_basis():
    result = run("buy 1 BTC for 100 USD on 2021-01-01", "sell 3 BTC for 600 USD on 2021-02-01")
    [problem] = result.problems
    assert (problem.code, problem.asset, problem.time, problem.quantity) == (
        "shortfall",
        "BTC",
        utc("2021-02-01T12:00"),
        Decimal("2"),
    )
    sale = result.disposals[0]
    assert [(u.lot_id, u.quantity, u.basis) for u in sale.lots] == [
        ("s0001", Decimal("1"), Decimal("100")),
        ("missing:s0002", Decimal("2"), Decimal("0")),
    ]
    assert (sale.basis, sale.gain) == (Decimal("100"), Decimal("500"))
    assert result.open_lots == ()


def test_missing_price_is_recorded_as_a_problem_and_valued_at_zero():
    result = run("income 1 XYZ on 2021-01-01")
    assert [(p.code, p.asset) for p in result.problems] == [("missing_price", "XYZ")]
    assert result.income[0].value == Decimal("0")


def test_eur_trade_for_a_usd_user_is_valued_at_the_fx_rate():
    result = run("buy 1 BTC for 20000 EUR on 2021-01-01", prices=PRICES)
    [lot] = result.open_lots
    assert (lot.cost_basis, lot.source) == (
        Decimal("22000.0"),
        "fixture:EUR/USD@2021-01-01T12:00:00+00:00",
    )


def test_eth_btc_trade_for_a_eur_user_goes_through_a_cross_rate():
    result = run(
        "buy 1 BTC for 20000 EUR on 2021-01-01",
        "swap 0.5 BTC for 10 ETH on 2021-06-01",
        base="EUR",
        prices=PRICES,
    )
    sale = result.disposals[0]
    assert sale.proceeds == Decimal("13500.00")  # 10 ETH x 0.05 BTC x 27000 EUR
    assert sale.proceeds_source == (
        "fixture:ETH/BTC@2021-06-01T12:00:00+00:00 x fixture:BTC/EUR@2021-06-01T12:00:00+00:00"
    )


def test_base_currency_leg_is_preferred_over_market_prices():
    result = run("buy 1 BTC for 25000 USD on 2021-01-01", prices=PRICES)
    assert (result.open_lots[0].cost_basis, result.open_lots[0].source) == (Decimal("25000"), "leg")


def test_kfee_fee_is_recorded_at_a_cent_per_credit_but_is_not_a_cost():
    result = run("buy 1 BTC for 100 USD on 2021-01-01 fee 500 KFEE")
    assert [(f.value, f.treatment) for f in result.fees] == [
        (Decimal("5.00"), "kfee credit, not deductible")
    ]
    assert result.open_lots[0].cost_basis == Decimal("100")


def test_fee_paid_in_a_third_crypto_is_a_disposal_of_it_and_a_cost_of_the_trade():
    result = run(
        "buy 10 BNB for 1000 USD on 2021-01-01",
        "buy 1 BTC for 30000 USD on 2021-02-01 fee 1 BNB",
        jurisdiction="us",
        prices=PRICES,
    )
    [fee_sale] = result.disposals
    assert (
        fee_sale.event_id,
        fee_sale.asset,
        fee_sale.proceeds,
        fee_sale.basis,
        fee_sale.reason,
    ) == ("s0002:fee0", "BNB", Decimal("300"), Decimal("100"), "fee")
    assert {lot.asset: lot.cost_basis for lot in result.open_lots}["BTC"] == Decimal("30300")


def test_us_network_fee_in_crypto_is_a_disposal():
    result = run(
        "buy 1 BTC for 10000 USD on 2021-01-01",
        "withdraw 0.5 BTC on 2021-03-01 fee 0.001 BTC",
        jurisdiction="us",
        prices=PRICES,
    )
    assert [(d.quantity, d.proceeds, d.basis) for d in result.disposals] == [
        (Decimal("0.001"), Decimal("30.000"), Decimal("10.000"))
    ]
    assert [(r.quantity, r.lots[0].basis) for r in result.removals] == [
        (Decimal("0.5"), Decimal("5000.0"))
    ]
    assert result.holdings() == {"BTC": Decimal("0.499")}


def test_de_network_fee_reduces_the_holding_without_a_disposal():
    result = run(
        "buy 1 BTC for 10000 EUR on 2021-01-01",
        "withdraw 0.5 BTC on 2021-03-01 fee 0.001 BTC",
        jurisdiction="de",
        base="EUR",
        prices=PRICES,
    )
    assert result.disposals == ()
    assert [r.reason for r in result.removals] == ["withdrawal", "fee"]
    assert result.holdings() == {"BTC": Decimal("0.499")}


def test_internal_transfer_is_a_no_op_in_universal_mode():
    result = run(
        "buy 1 BTC for 100 USD on 2021-01-01 wallet a", "transfer 1 BTC from a to b on 2021-02-01"
    )
    assert [(lot.wallet, lot.quantity) for lot in result.open_lots] == [("all", Decimal("1"))]


def test_transfer_beyond_the_wallet_holding_brings_a_zero_basis_lot_and_a_problem():
    result = run("transfer 1 BTC from a to b on 2021-02-01", per_wallet=True)
    assert [p.code for p in result.problems] == ["shortfall"]
    assert [(lot.wallet, lot.cost_basis) for lot in result.open_lots] == [("b", Decimal("0"))]


def test_margin_pnl_is_never_a_disposal_and_crypto_settlement_moves_lots():
    result = run(
        "margin pnl 120 USD on 2021-01-01",
        "margin pnl -0.001 BTC on 2021-01-02",
        jurisdiction="us",
        prices=PRICES,
    )
    rows = [(d.reason, d.asset, d.gain, d.term) for d in result.disposals]
    assert rows == [("margin settlement", "BTC", Decimal("30.000"), "short")]
    assert [p.code for p in result.problems] == ["shortfall"]


def test_events_after_as_of_are_ignored():
    result = run(
        "buy 1 BTC for 100 USD on 2021-01-01",
        "sell 1 BTC for 200 USD on 2022-01-01",
        as_of=utc("2021-06-01T00:00"),
    )
    assert (result.disposals, result.holdings()) == ((), {"BTC": Decimal("1")})


def test_unrealized_pnl_uses_prices_as_of():
    result = run(
        "buy 1 BTC for 20000 USD on 2021-01-01",
        "sell 0.5 BTC for 15000 USD on 2021-02-01",
        prices=PRICES,
    )
    [pnl] = result.pnl
    assert (pnl.holding, pnl.cost_basis, pnl.realized, pnl.market_value, pnl.unrealized) == (
        Decimal("0.5"),
        Decimal("10000"),
        Decimal("5000"),
        Decimal("20000.0"),
        Decimal("10000.0"),
    )
    assert (result.realized_total, result.unrealized_total) == (Decimal("5000"), Decimal("10000.0"))


def test_unrealized_pnl_is_none_without_a_price_source():
    result = run("buy 1 BTC for 20000 USD on 2021-01-01")
    assert (result.pnl[0].unrealized, result.unrealized_total) == (None, None)


NOTHING = {"proceeds": "0.00", "cost_basis": "0.00", "gain": "0.00", "count": 0, "sales": 0}


def test_summary_has_exactly_the_report_shape():
    result = run(
        "buy 1 BTC @ 20000 USD on 2021-01-03",
        "sell 0.5 BTC @ 30000 USD on 2022-02-01 fee 10 USD",
        jurisdiction="us",
    )
    assert summarise_tax_year(result, 2022) == {
        "year": 2022,
        "jurisdiction": "us",
        "method": "fifo",
        "base_currency": "USD",
        "period": {"start": "2022-01-01", "end": "2022-12-31"},
        "disposals": {
            "proceeds": "14990.00",
            "cost_basis": "10000.00",
            "gain": "4990.00",
            "count": 1,
            "sales": 1,
        },
        "short_term": NOTHING,
        "long_term": {
            "proceeds": "14990.00",
            "cost_basis": "10000.00",
            "gain": "4990.00",
            "count": 1,
            "sales": 1,
        },
        "fee_disposals": {"short_term": NOTHING, "long_term": NOTHING, "all": NOTHING},
        "income": {"total": "0.00", "count": 0},
        "fees": "10.00",
    }


def test_summary_of_a_year_without_activity_is_all_zero():
    summary = summarise_tax_year(
        run("buy 1 BTC for 1 USD on 2021-01-01", jurisdiction="uk", base="GBP"), 2019
    )
    assert (summary["period"], summary["disposals"]["count"], summary["fees"]) == (
        {"start": "2019-04-06", "end": "2020-04-05"},
        0,
        "0.00",
    )


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("us", "2024-01-01", "2024-12-31"),
        ("uk", "2024-04-06", "2025-04-05"),
        ("de", "2024-01-01", "2024-12-31"),
        ("ca", "2024-01-01", "2024-12-31"),
        ("generic", "2024-01-01", "2024-12-31"),
    ],
)
def test_tax_year_boundaries_per_jurisdiction(code, start, end):
    assert get_jurisdiction(code).tax_year_dates(2024) == (
        date.fromisoformat(start),
        date.fromisoformat(end),
    )


def test_checkpoint_continues_where_the_full_run_would():
    lines = [
        "buy 1 BTC for 100 USD on 2021-01-01",
        "buy 1 BTC for 300 USD on 2021-02-01",
        "sell 0.5 BTC for 400 USD on 2021-03-01",
        "sell 1 BTC for 500 USD on 2021-04-01",
    ]
    events = scenario(*lines)
    full = compute(events, method="hifo", jurisdiction="us", base_currency="USD", as_of=AS_OF)
    first = compute(
        events[:3],
        method="hifo",
        jurisdiction="us",
        base_currency="USD",
        as_of=utc("2021-03-15T00:00"),
    )
    rest = compute(
        events[3:],
        method="hifo",
        jurisdiction="us",
        base_currency="USD",
        as_of=AS_OF,
        opening=first.checkpoint(),
    )
    assert first.disposals + rest.disposals == full.disposals
    assert rest.open_lots == full.open_lots


def test_checkpoint_refuses_uk_matching():
    first = run("buy 1 BTC for 100 GBP on 2021-01-01", method="uk", jurisdiction="uk", base="GBP")
    with pytest.raises(ValueError, match="look-ahead"):
        compute(
            [],
            method="uk",
            jurisdiction="uk",
            base_currency="GBP",
            as_of=AS_OF,
            opening=first.checkpoint(),
        )


def test_naive_as_of_is_refused():
    with pytest.raises(ValueError, match="aware"):
        compute(
            [],
            method="fifo",
            jurisdiction="us",
            base_currency="USD",
            as_of=utc("2021-01-01T00:00").replace(tzinfo=None),
        )


def test_portfolio_value_day_by_day():
    values = portfolio_value_by_day(
        scenario("buy 1 BTC for 100 USD on 2024-01-01", "sell 0.5 BTC for 50 USD on 2024-01-02"),
        base_currency="USD",
        prices=PRICES,
        start=date(2023, 12, 31),
        end=date(2024, 1, 2),
    )
    assert values == (
        (date(2023, 12, 31), Decimal("0"), ()),
        (date(2024, 1, 1), Decimal("40000"), ()),
        (date(2024, 1, 2), Decimal("20000.0"), ()),
    )
