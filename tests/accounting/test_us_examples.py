"""US worked examples US-1 to US-7 (tax_rules.md 1.2) with their exact answers."""

from datetime import date
from decimal import Decimal

import pytest

from portfolio.accounting import TablePriceSource, summarise_tax_year
from portfolio.accounting.jurisdictions import anniversary
from portfolio.accounting.jurisdictions.us import US, form_8949_box, form_8949_part
from tests.accounting.support import disposal, run, utc

US_1 = (
    "buy 1.0 BTC for 20000 USD on 2023-01-10 fee 100 USD",
    "buy 1.0 BTC for 60000 USD on 2024-03-15 fee 150 USD",
    "sell 1.0 BTC for 70000 USD on 2024-06-01 fee 200 USD",
)


def test_us1_fifo_sells_the_2023_lot_long_term_with_fees_in_basis_and_out_of_proceeds():
    result = run(*US_1, method="fifo", jurisdiction="us")
    sale = disposal(result, "s0003")
    assert (sale.proceeds, sale.basis, sale.gain, sale.term) == (
        Decimal("69800"),
        Decimal("20100"),
        Decimal("49700"),
        "long",
    )
    assert [u.lot_id for u in sale.lots] == ["s0001"]
    assert form_8949_box("long", 2024) == "F"
    assert form_8949_part("long") == "II"


@pytest.mark.parametrize("method", ["hifo", "lifo"])
def test_us1_hifo_and_lifo_sell_the_2024_lot_short_term(method):
    sale = disposal(run(*US_1, method=method, jurisdiction="us"), "s0003")
    assert (sale.proceeds, sale.basis, sale.gain, sale.term) == (
        Decimal("69800"),
        Decimal("60150"),
        Decimal("9650"),
        "short",
    )
    assert [u.lot_id for u in sale.lots] == ["s0002"]
    assert form_8949_box("short", 2024) == "C"


US_2 = (
    "buy 2.0 ETH @ 1600 USD on 2023-02-01 fee 20 USD",
    "buy 1.0 ETH @ 2500 USD on 2024-01-15 fee 10 USD",
    "sell 1.5 ETH @ 2300 USD on 2024-02-01 fee 15 USD",
    "sell 1.0 ETH @ 3800 USD on 2024-12-20 fee 20 USD",
)


def test_us2_sale_on_the_exact_anniversary_is_short_term():
    sale = disposal(run(*US_2, jurisdiction="us"), "s0003")
    assert (sale.proceeds, sale.basis, sale.gain, sale.term) == (
        Decimal("3435.0"),
        Decimal("2415.0"),
        Decimal("1020.0"),
        "short",
    )


def test_us2_second_sale_is_split_into_a_long_and_a_short_row_with_pro_rata_proceeds():
    sale = disposal(run(*US_2, jurisdiction="us"), "s0004")
    rows = [(u.term, u.quantity, u.proceeds, u.basis, u.gain) for u in sale.lots]
    assert rows == [
        ("long", Decimal("0.5"), Decimal("1890"), Decimal("805.0"), Decimal("1085.0")),
        ("short", Decimal("0.5"), Decimal("1890"), Decimal("1255"), Decimal("635")),
    ]
    assert sale.term == "mixed"


def test_us2_schedule_d_totals_for_2024():
    summary = summarise_tax_year(run(*US_2, jurisdiction="us"), 2024)
    assert summary["short_term"] == {
        "proceeds": "5325.00",
        "cost_basis": "3670.00",
        "gain": "1655.00",
        "count": 2,
        "sales": 2,
    }
    assert summary["long_term"] == {
        "proceeds": "1890.00",
        "cost_basis": "805.00",
        "gain": "1085.00",
        "count": 1,
        "sales": 1,
    }
    assert summary["disposals"] == {
        "proceeds": "7215.00",
        "cost_basis": "4475.00",
        "gain": "2740.00",
        "count": 3,  # Form 8949 rows: one per lot piece
        "sales": 2,
    }


@pytest.mark.parametrize(
    ("bought", "sold", "term"),
    [
        ("2024-01-01", "2025-01-01", "short"),  # 366 days, still the anniversary
        ("2024-01-01", "2025-01-02", "long"),
        ("2024-03-15", "2025-03-15", "short"),
        ("2024-03-15", "2025-03-16", "long"),
        ("2024-02-29", "2025-02-28", "short"),
        ("2024-02-29", "2025-03-01", "long"),
    ],
)
def test_us3_long_term_starts_the_day_after_the_calendar_anniversary(bought, sold, term):
    result = run(
        f"buy 1 BTC for 42000 USD on {bought}",
        f"sell 1 BTC for 95000 USD on {sold}",
        jurisdiction="us",
    )
    assert (result.disposals[0].term, result.disposals[0].gain) == (term, Decimal("53000"))


def test_us3_29_february_anniversary_is_28_february():
    assert anniversary(date(2024, 2, 29)) == date(2025, 2, 28)


def test_us4_staking_income_at_fmv_becomes_basis_and_the_sale_is_long_term():
    result = run(
        "income 2 M @ 50 USD on 2024-05-01 at 10:00",
        "sell 2 M @ 80 USD on 2025-06-01",
        jurisdiction="us",
    )
    assert [(i.value, i.tax_year) for i in result.income] == [(Decimal("100"), 2024)]
    sale = result.disposals[0]
    assert (sale.proceeds, sale.basis, sale.gain, sale.term) == (
        Decimal("160"),
        Decimal("100"),
        Decimal("60"),
        "long",
    )
    assert form_8949_box("long", 2025) == "L"


def test_us4_staking_reward_sold_on_the_anniversary_is_short_term():
    result = run(
        "income 2 M @ 50 USD on 2024-05-01 at 10:00",
        "sell 2 M @ 80 USD on 2025-05-01",
        jurisdiction="us",
    )
    assert (result.disposals[0].gain, result.disposals[0].term) == (Decimal("60"), "short")


US_5 = (
    "buy 1 BTC for 90000 USD on 2025-01-05 wallet a",
    "buy 1 BTC for 100000 USD on 2025-02-01 wallet b",
    "sell 1 BTC for 95000 USD on 2025-03-01 wallet b",
)


def test_us5_per_wallet_fifo_sells_the_wallet_b_lot_at_a_loss():
    result = run(*US_5, jurisdiction="us", per_wallet=True)
    assert (result.disposals[0].gain, result.disposals[0].term) == (Decimal("-5000"), "short")
    assert [p.code for p in result.problems] == []


def test_us5_universal_fifo_after_2025_is_flagged_as_not_allowed():
    result = run(*US_5, jurisdiction="us", per_wallet=False)
    assert result.disposals[0].gain == Decimal("5000")
    assert [p.code for p in result.problems] == ["universal_method"]


def test_us5_transfer_keeps_the_2023_acquisition_date_and_basis():
    result = run(
        "buy 1 BTC for 25000 USD on 2023-06-01 wallet a",
        "buy 1 BTC for 90000 USD on 2025-01-05 wallet a",
        "transfer 1 BTC from a to c on 2025-04-01",
        "sell 1 BTC for 80000 USD on 2025-04-15 wallet c",
        jurisdiction="us",
        per_wallet=True,
    )
    sale = result.disposals[0]
    assert (sale.gain, sale.term, sale.lots[0].acquired) == (
        Decimal("55000"),
        "long",
        utc("2023-06-01T12:00"),
    )
    assert [(lot.wallet, lot.cost_basis) for lot in result.open_lots] == [("a", Decimal("90000"))]


def test_us6_swap_realizes_fmv_received_and_the_new_lot_costs_that_fmv():
    prices = TablePriceSource(
        {("BTC", "USD"): [(utc("2024-08-01T00:00"), Decimal("62000"))]}, "fixture"
    )
    result = run(
        "buy 1 ETH for 3400 USD on 2024-03-01",
        "swap 1 ETH for 0.05 BTC on 2024-08-01",
        jurisdiction="us",
        prices=prices,
    )
    sale = result.disposals[0]
    assert (sale.proceeds, sale.gain, sale.term) == (
        Decimal("3100.00"),
        Decimal("-300.00"),
        "short",
    )
    assert sale.proceeds_source == "fixture:BTC/USD@2024-08-01T12:00:00+00:00"
    [lot] = result.open_lots
    assert (lot.asset, lot.cost_basis, lot.acquired) == (
        "BTC",
        Decimal("3100.00"),
        utc("2024-08-01T12:00"),
    )


def test_us7_no_wash_sale_the_loss_stays_and_the_rebuy_starts_a_new_lot():
    result = run(
        "buy 1 BTC for 100000 USD on 2023-05-01",
        "sell 1 BTC for 90000 USD on 2024-12-30",
        "buy 1 BTC for 90500 USD on 2024-12-31",
        jurisdiction="us",
    )
    assert (result.disposals[0].gain, result.disposals[0].term) == (Decimal("-10000"), "long")
    [lot] = result.open_lots
    assert (lot.cost_basis, lot.acquired) == (Decimal("90500"), utc("2024-12-31T12:00"))


def test_us_tax_year_is_the_calendar_year_in_new_york_time():
    start, end = US.tax_year_period(2024)
    assert (start.isoformat(), end.isoformat()) == (
        "2024-01-01T00:00:00-05:00",
        "2025-01-01T00:00:00-05:00",
    )
