"""German worked examples DE-1 to DE-5 (tax_rules.md 3.2)."""

from decimal import Decimal

import pytest

from portfolio.accounting import summarise_tax_year
from portfolio.accounting.jurisdictions.de import (
    freigrenze,
    taxable_other_income,
    taxable_private_sales,
)
from tests.accounting.support import run


def de(*lines):
    return run(*lines, method="fifo", jurisdiction="de", base="EUR")


def test_de1_fifo_sale_splits_into_an_exempt_lot_over_a_year_and_a_taxable_lot():
    result = de(
        "buy 5 BTC @ 268.10 EUR on 2015-11-08 at 10:48:55",
        "buy 15 BTC @ 612.45 EUR on 2016-07-01 at 13:05:04",
        "buy 3 BTC @ 603.415 EUR on 2016-10-25 at 06:51:44",
        "sell 8 BTC @ 700 EUR on 2016-12-02 at 13:05:04",
    )
    uses = [(u.lot_id, u.quantity, u.basis, u.term) for u in result.disposals[0].lots]
    assert uses == [
        ("s0001", Decimal("5"), Decimal("1340.50"), "long"),
        ("s0002", Decimal("3"), Decimal("1837.35"), "short"),
    ]
    assert [(lot.lot_id, lot.quantity) for lot in result.open_lots] == [
        ("s0002", Decimal("12")),
        ("s0003", Decimal("3")),
    ]
    summary = summarise_tax_year(result, 2016)
    assert summary["short_term"]["cost_basis"] == "1837.35"  # taxable part
    assert summary["long_term"]["cost_basis"] == "1340.50"  # exempt part


def test_de1_single_lot_sold_within_the_year_is_all_taxable():
    result = de(
        "buy 5 BTC @ 268.10 EUR on 2015-11-08 at 10:48:55",
        "sell 5 BTC @ 612.45 EUR on 2016-07-01 at 13:05:04",
    )
    assert (result.disposals[0].basis, result.disposals[0].term) == (Decimal("1340.50"), "short")


def test_de2_fifo_exempt_part_and_taxable_part_under_the_freigrenze():
    result = de(
        "buy 2 BTC @ 250 EUR on 2017-08-15",
        "buy 2 BTC @ 400 EUR on 2017-12-21",
        "sell 3 BTC @ 900 EUR on 2018-11-26",
    )
    summary = summarise_tax_year(result, 2018)
    assert summary["long_term"]["gain"] == "1300.00"
    assert summary["short_term"]["gain"] == "500.00"
    assert taxable_private_sales(Decimal("500"), 2018) == Decimal("0")
    assert taxable_private_sales(Decimal("500"), 2024) == Decimal("0")
    assert taxable_private_sales(Decimal("1000"), 2024) == Decimal("1000")
    assert [(lot.quantity, lot.cost_basis) for lot in result.open_lots] == [
        (Decimal("1"), Decimal("400"))
    ]


@pytest.mark.parametrize(("sold", "term"), [("2025-01-01", "short"), ("2025-01-02", "long")])
def test_de3_anniversary_day_is_still_within_the_year(sold, term):
    result = de("buy 1 ETH for 2000 EUR on 2024-01-01", f"sell 1 ETH for 3000 EUR on {sold}")
    assert (result.disposals[0].gain, result.disposals[0].term) == (Decimal("1000"), term)


def test_de4_freigrenze_is_a_cliff_on_the_netted_result():
    assert freigrenze(2023) == Decimal("600") and freigrenze(2024) == Decimal("1000")
    result = de(
        "buy 1 X for 1000 EUR on 2024-02-01",
        "sell 1 X for 2200 EUR on 2024-05-01",
        "buy 1 Y for 1000 EUR on 2024-02-01",
        "sell 1 Y for 700 EUR on 2024-05-01",
    )
    net = Decimal(summarise_tax_year(result, 2024)["short_term"]["gain"])
    assert net == Decimal("900.00")
    assert taxable_private_sales(net, 2024) == Decimal("0")
    assert taxable_private_sales(Decimal("1000.01"), 2024) == Decimal("1000.01")
    assert taxable_private_sales(Decimal("999.99"), 2024) == Decimal("0")


def test_de4_buy_and_sell_fees_are_werbungskosten():
    result = de(
        "buy 1 X for 2000 EUR on 2024-02-01 fee 10 EUR",
        "sell 1 X for 3000 EUR on 2024-05-01 fee 5 EUR",
    )
    assert result.disposals[0].gain == Decimal("985")


def test_de5_staking_reward_is_other_income_and_its_value_is_the_cost_of_a_later_sale():
    result = de("income 0.1 ETH @ 3000 EUR on 2024-06-01", "sell 0.1 ETH @ 3500 EUR on 2024-09-01")
    assert [i.value for i in result.income] == [Decimal("300.0")]
    assert taxable_other_income(Decimal("300")) == Decimal("300")
    assert taxable_other_income(Decimal("255.99")) == Decimal("0")
    assert (result.disposals[0].gain, result.disposals[0].term) == (Decimal("50.0"), "short")
