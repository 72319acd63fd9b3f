"""Year-level rules against tax_rules.md: DE Freigrenze, UK AEA and CGT, CA inclusion, Form 8949."""

from decimal import Decimal

import pytest

from portfolio.accounting import (
    form_8949_rows,
    form_8949_totals,
    summarise_tax_year,
    uk_capital_gains_tax,
)
from tests.accounting.support import run

US_2 = (
    "buy 2.0 ETH @ 1600 USD on 2023-02-01 fee 20 USD",
    "buy 1.0 ETH @ 2500 USD on 2024-01-15 fee 10 USD",
    "sell 1.5 ETH @ 2300 USD on 2024-02-01 fee 15 USD",
    "sell 1.0 ETH @ 3800 USD on 2024-12-20 fee 20 USD",
)


def de(*lines):
    return run(*lines, method="fifo", jurisdiction="de", base="EUR")


def test_de2_taxable_500_is_below_the_600_freigrenze_of_2018_so_nothing_is_taxable():
    result = de(
        "buy 2 BTC @ 250 EUR on 2017-08-15",
        "buy 2 BTC @ 400 EUR on 2017-12-21",
        "sell 3 BTC @ 900 EUR on 2018-11-26",
    )
    summary = summarise_tax_year(result, 2018)
    assert (summary["short_term"]["gain"], summary["taxable_gain"]) == ("500.00", "0.00")
    assert summary["exemption"] == {"kind": "freigrenze", "threshold": "600.00", "applied": True}


def test_de4_netted_900_in_2024_is_below_1000_so_nothing_is_taxable():
    result = de(
        "buy 1 X for 1000 EUR on 2024-02-01",
        "sell 1 X for 2200 EUR on 2024-05-01",
        "buy 1 Y for 1000 EUR on 2024-02-01",
        "sell 1 Y for 700 EUR on 2024-05-01",
    )
    summary = summarise_tax_year(result, 2024)
    assert (summary["taxable_gain"], summary["exemption"]["threshold"]) == ("0.00", "1000.00")
    assert summary["exemption"]["applied"] is True


@pytest.mark.parametrize(
    ("y_sale", "taxable", "applied"),
    [("800.01", "1000.01", False), ("800.00", "1000.00", False), ("799.99", "0.00", True)],
)
def test_de4_freigrenze_cliff_at_exactly_1000_taxes_all_of_it(y_sale, taxable, applied):
    result = de(
        "buy 1 X for 1000 EUR on 2024-02-01",
        "sell 1 X for 2200 EUR on 2024-05-01",
        "buy 1 Y for 1000 EUR on 2024-02-01",
        f"sell 1 Y for {y_sale} EUR on 2024-05-01",
    )
    summary = summarise_tax_year(result, 2024)
    assert (summary["taxable_gain"], summary["exemption"]["applied"]) == (taxable, applied)


def test_de_freigrenze_is_600_in_2023_and_a_gain_of_exactly_600_is_taxable():
    result = de("buy 1 X for 1000 EUR on 2023-02-01", "sell 1 X for 1600 EUR on 2023-05-01")
    summary = summarise_tax_year(result, 2023)
    assert (summary["taxable_gain"], summary["exemption"]["applied"]) == ("600.00", False)


def test_de_gains_held_over_a_year_never_count_toward_the_freigrenze():
    result = de("buy 1 X for 1000 EUR on 2022-02-01", "sell 1 X for 9000 EUR on 2024-05-01")
    summary = summarise_tax_year(result, 2024)
    assert (summary["long_term"]["gain"], summary["taxable_gain"]) == ("8000.00", "0.00")


def test_de5_staking_income_of_300_is_at_or_above_256_and_fully_taxable():
    result = de("income 0.1 ETH @ 3000 EUR on 2024-06-01", "sell 0.1 ETH @ 3500 EUR on 2024-09-01")
    summary = summarise_tax_year(result, 2024)
    assert (summary["taxable_income"], summary["income_exemption"]["applied"]) == ("300.00", False)
    assert (summary["short_term"]["gain"], summary["taxable_gain"]) == ("50.00", "0.00")


def uk(*lines):
    return run(*lines, method="uk", jurisdiction="uk", base="GBP")


UK_TAX_1 = (
    "buy 1 X for 10000 GBP on 2024-06-01",
    "sell 1 X for 20000 GBP on 2024-10-01",
    "buy 1 Y for 10000 GBP on 2024-06-01",
    "sell 1 Y for 15000 GBP on 2024-12-01",
)


def test_uk_tax_1_split_year_aea_against_the_later_gain_cgt_2480():
    result = uk(*UK_TAX_1)
    assert uk_capital_gains_tax(result, 2024, band="higher") == Decimal("2480.00")
    summary = summarise_tax_year(result, 2024)
    assert (summary["net_gain"], summary["annual_exempt_amount"]) == ("15000.00", "3000.00")
    assert summary["taxable_gain"] == "12000.00"


@pytest.mark.parametrize(
    ("year", "sold", "band", "tax"),
    [
        (2023, "2023-09-01", "higher", "400.00"),
        (2023, "2023-09-01", "basic", "200.00"),
        (2025, "2025-09-01", "higher", "1200.00"),
        (2025, "2025-09-01", "basic", "900.00"),
    ],
)
def test_uk_tax_1_variants_gain_8000_less_the_years_aea(year, sold, band, tax):
    result = uk(f"buy 1 X for 2000 GBP on {year}-05-01", f"sell 1 X for 10000 GBP on {sold}")
    assert uk_capital_gains_tax(result, year, band=band) == Decimal(tax)
    aea = {2023: "6000.00", 2025: "3000.00"}[year]
    assert summarise_tax_year(result, year)["annual_exempt_amount"] == aea


def test_uk_crypto22257_net_loss_leaves_nothing_taxable_and_gains_and_losses_are_shown():
    result = uk(
        "buy 100000 G for 300000 GBP on 2020-01-01",
        "swap 1000 G for 10000 H on 2020-08-31 given 3200 GBP received 3200 GBP",
        "swap 5000 H for 600 G on 2020-08-31 given 1700 GBP received 1920 GBP",
        "swap 550 G for 5000 H on 2020-08-31 given 1760 GBP received 1650 GBP",
        "swap 2000 H for 180 G on 2020-09-04 given 560 GBP received 558 GBP",
        "swap 400 G for 4000 H on 2020-09-16 given 1080 GBP received 1080 GBP",
        "swap 12000 H for 900 G on 2020-10-27 given 2400 GBP received 2430 GBP",
    )
    summary = summarise_tax_year(result, 2020)
    assert (summary["gains"], summary["losses"]) == ("564.67", "1536.67")
    assert (summary["net_gain"], summary["taxable_gain"]) == ("-972.00", "0.00")
    assert summary["annual_exempt_amount"] == "12300.00"


def test_uk_crypto22251_gain_less_the_2020_21_aea_of_12300():
    result = uk(
        "buy 100 A for 1000 GBP on 2020-05-01",
        "buy 50 A for 125000 GBP on 2020-09-18",
        "sell 50 A for 300000 GBP on 2020-12-01",
    )
    assert summarise_tax_year(result, 2020)["taxable_gain"] == "245700.00"
    assert uk_capital_gains_tax(result, 2020, band="basic") == Decimal("24570.00")
    assert uk_capital_gains_tax(result, 2020, band="higher") == Decimal("49140.00")


def test_uk_year_without_a_recorded_aea_gives_null():
    summary = summarise_tax_year(uk("buy 1 X for 1 GBP on 2010-05-01"), 2010)
    assert (summary["annual_exempt_amount"], summary["taxable_gain"]) == (None, None)


def ca(*lines):
    return run(*lines, method="average", jurisdiction="ca", base="CAD")


def test_ca1_half_of_the_net_capital_gain_is_taxable():
    result = ca(
        "buy 100 X @ 50 CAD on 2014-03-03 fee 10 CAD",
        "sell 50 X @ 120 CAD on 2014-05-01 fee 10 CAD",
        "buy 50 X @ 130 CAD on 2014-07-18 fee 10 CAD",
        "sell 40 X @ 90 CAD on 2014-09-25 fee 10 CAD",
    )
    summary = summarise_tax_year(result, 2014)
    assert (summary["disposals"]["gain"], summary["inclusion_rate"]) == ("3469.00", "0.5")
    assert summary["taxable_capital_gain"] == "1734.50"


def test_ca2_gain_415_gives_a_taxable_capital_gain_of_207_50_and_a_loss_gives_zero():
    result = ca(
        "buy 100 X @ 63 CAD on 2012-01-10 fee 10 CAD",
        "buy 60 X @ 72 CAD on 2012-05-08 fee 10 CAD",
        "sell 50 X @ 75 CAD on 2012-09-28 fee 10 CAD",
        "sell 10 X @ 1 CAD on 2013-09-28",
    )
    assert summarise_tax_year(result, 2012)["taxable_capital_gain"] == "207.50"
    assert summarise_tax_year(result, 2013)["taxable_capital_gain"] == "0.00"


def test_us_summary_gains_no_keys():
    summary = summarise_tax_year(run(*US_2, jurisdiction="us"), 2024)
    assert "taxable_gain" not in summary and "exemption" not in summary


def test_us2_form_8949_rows_split_the_mixed_sale_and_go_to_boxes_c_and_f():
    rows = form_8949_rows(run(*US_2, jurisdiction="us"), 2024)
    picked = [
        (r["part"], r["box"], r["description"], r["date_acquired"], r["date_sold"],
         r["proceeds"], r["cost_basis"], r["adjustment_code"], r["adjustment"], r["gain"])
        for r in rows
    ]  # fmt: skip
    assert picked == [
        ("I", "C", "1.5 ETH", "02/01/2023", "02/01/2024", "3435.00", "2415.00", "", "", "1020.00"),
        ("I", "C", "0.5 ETH", "01/15/2024", "12/20/2024", "1890.00", "1255.00", "", "", "635.00"),
        ("II", "F", "0.5 ETH", "02/01/2023", "12/20/2024", "1890.00", "805.00", "", "", "1085.00"),
    ]
    assert form_8949_totals(rows) == {
        "C": {"proceeds": "5325.00", "cost_basis": "3670.00", "adjustment": "0", "gain": "1655.00"},
        "F": {"proceeds": "1890.00", "cost_basis": "805.00", "adjustment": "0", "gain": "1085.00"},
    }


def test_us1_fifo_row_is_long_term_box_f_with_net_proceeds():
    result = run(
        "buy 1.0 BTC @ 20000 USD on 2023-01-10 fee 100 USD",
        "buy 1.0 BTC @ 60000 USD on 2024-03-15 fee 150 USD",
        "sell 1.0 BTC @ 70000 USD on 2024-06-01 fee 200 USD",
        jurisdiction="us",
    )
    [row] = form_8949_rows(result, 2024)
    assert (row["box"], row["term"], row["description"], row["proceeds"], row["gain"]) == (
        "F", "long", "1 BTC", "69800.00", "49700.00",
    )  # fmt: skip


def test_us4_from_2025_rows_go_to_the_digital_asset_boxes_i_and_l_one_row_per_lot():
    result = run(
        "income 2 M @ 50 USD on 2024-05-01 type staking",
        "buy 1 M @ 70 USD on 2025-03-01",
        "sell 3 M @ 80 USD on 2025-06-01",
        jurisdiction="us",
    )
    rows = form_8949_rows(result, 2025)
    assert [(r["box"], r["date_acquired"], r["gain"]) for r in rows] == [
        ("I", "03/01/2025", "10.00"),
        ("L", "05/01/2024", "60.00"),
    ]
    two_lots = run(
        "buy 1 M @ 70 USD on 2025-03-01", "buy 1 M @ 75 USD on 2025-03-02",
        "sell 2 M @ 80 USD on 2025-06-01", jurisdiction="us",
    )  # fmt: skip
    rows = form_8949_rows(two_lots, 2025)  # a row per lot piece, each with its own date
    assert [(r["box"], r["date_acquired"], r["description"], r["gain"]) for r in rows] == [
        ("I", "03/01/2025", "1 M", "10.00"),
        ("I", "03/02/2025", "1 M", "5.00"),
    ]
    assert summarise_tax_year(two_lots, 2025)["short_term"]["count"] == len(rows)
