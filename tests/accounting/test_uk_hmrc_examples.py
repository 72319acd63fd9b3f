"""HMRC CRYPTO22251-22257, CRYPTO22280 and CG51560 (tax_rules.md 2.2-2.3).

Exact Decimal answers are asserted; HMRC's published whole-pound figures within one pound.
"""

from decimal import Decimal

import pytest

from portfolio.accounting import TablePriceSource, summarise_tax_year
from portfolio.accounting.jurisdictions.uk import UK, annual_exempt_amount
from tests.accounting.support import cents, disposal, gains, run, total_gain, utc, within_a_pound


def uk(*lines, prices=None):
    return run(*lines, method="uk", jurisdiction="uk", base="GBP", prices=prices)


def pool(result, asset):
    [lot] = [lot for lot in result.open_lots if lot.asset == asset]
    return lot.quantity, lot.cost_basis


def test_crypto22251_victoria_sells_from_the_s104_pool_at_average_cost():
    result = uk(
        "buy 100 A for 1000 GBP on 2019-05-01",
        "buy 50 A for 125000 GBP on 2020-09-18",
        "sell 50 A for 300000 GBP on 2020-12-01",
    )
    sale = result.disposals[0]
    assert (sale.basis, sale.gain) == (Decimal("42000"), Decimal("258000"))
    assert pool(result, "A") == (Decimal("100"), Decimal("84000"))


def test_crypto22252_martyn_same_day_morning_sale_matches_the_afternoon_purchase():
    result = uk(
        "buy 5000 B for 500 GBP on 2019-05-01",
        "sell 1000 B for 800 GBP on 2020-06-23 at 08:00",
        "buy 1600 B for 1000 GBP on 2020-06-23 at 13:00",
        "sell 500 B for 600 GBP on 2020-06-23 at 19:00",
    )
    cost = sum((d.basis for d in result.disposals), Decimal(0))
    assert (cost, total_gain(result)) == (Decimal("937.50"), Decimal("462.50"))
    assert within_a_pound(cost, 938) and within_a_pound(total_gain(result), 462)
    assert pool(result, "B") == (Decimal("5100"), Decimal("562.50"))


RACHEL = (
    "buy 2000 C for 1000 GBP on 2019-05-01",
    "sell 1000 C for 400 GBP on 2020-03-31",
    "sell 500 C for 150 GBP on 2020-04-20",
    "buy 700 C for 175 GBP on 2020-04-21",
    "buy 500 C for 100 GBP on 2020-04-28",
    "buy 500 C for 150 GBP on 2020-05-01",
)


def test_crypto22253_rachel_thirty_day_matches_cross_the_tax_year_end():
    result = uk(*RACHEL)
    march, april = disposal(result, "s0002"), disposal(result, "s0003")
    assert [(u.lot_id, u.quantity, u.basis) for u in march.lots] == [
        ("30-day:2020-04-21", Decimal("700"), Decimal("175")),
        ("30-day:2020-04-28", Decimal("300"), Decimal("60")),
    ]
    assert (march.gain, march.tax_year) == (Decimal("165"), 2019)
    assert [(u.lot_id, u.quantity, u.basis) for u in april.lots] == [
        ("30-day:2020-04-28", Decimal("200"), Decimal("40")),
        ("30-day:2020-05-01", Decimal("300"), Decimal("90")),
    ]
    assert (april.gain, april.tax_year) == (Decimal("20"), 2020)
    assert pool(result, "C") == (Decimal("2200"), Decimal("1060"))


def test_crypto22253_day_31_is_outside_the_window():
    result = uk(
        "buy 2000 C for 1000 GBP on 2019-05-01",
        "sell 1000 C for 400 GBP on 2020-03-31",
        "buy 500 C for 150 GBP on 2020-05-01",
    )
    assert [u.lot_id for u in result.disposals[0].lots] == ["s104:C"]


def test_crypto22254_daniel_same_day_disposals_are_one_and_the_rest_comes_from_the_pool():
    result = uk(
        "buy 8000 D for 1000 GBP on 2019-05-01",
        "sell 5000 D for 500 GBP on 2020-01-31 at 09:00",
        "buy 4000 D for 320 GBP on 2020-01-31 at 10:00",
        "buy 1000 D for 75 GBP on 2020-01-31 at 11:00",
        "buy 1000 D for 70 GBP on 2020-01-31 at 12:00",
        "sell 2000 D for 142 GBP on 2020-01-31 at 13:00",
        "buy 500 D for 35 GBP on 2020-01-31 at 14:00",
    )
    pool_cost = sum(
        (u.basis for d in result.disposals for u in d.lots if u.lot_id == "s104:D"), Decimal(0)
    )
    assert (pool_cost, total_gain(result)) == (Decimal("62.50"), Decimal("79.50"))
    assert within_a_pound(pool_cost, 63) and within_a_pound(total_gain(result), 79)
    assert pool(result, "D") == (Decimal("7500"), Decimal("937.50"))


def test_crypto22255_melanie_thirty_day_then_pool_with_proceeds_split_pro_rata():
    result = uk(
        "buy 14000 E for 200000 GBP on 2019-05-01",
        "sell 4000 E for 160000 GBP on 2020-08-30",
        "buy 500 E for 17500 GBP on 2020-09-11",
    )
    sale = result.disposals[0]
    assert sale.gain == Decimal("92500")
    assert [(u.lot_id, u.proceeds, u.basis, u.gain) for u in sale.lots] == [
        ("30-day:2020-09-11", Decimal("20000"), Decimal("17500"), Decimal("2500")),
        ("s104:E", Decimal("140000"), Decimal("50000"), Decimal("90000")),
    ]
    assert pool(result, "E") == (Decimal("10500"), Decimal("150000"))


def test_crypto22256_gulferaz_same_day_thirty_day_and_pool():
    result = uk(
        "buy 100000 F for 300000 GBP on 2019-05-01",
        "buy 10000 F for 45000 GBP on 2020-07-31",
        "sell 30000 F for 150000 GBP on 2020-07-31",
        "sell 20000 F for 100000 GBP on 2020-08-05",
        "buy 50000 F for 225000 GBP on 2020-08-06",
        "sell 100000 F for 150000 GBP on 2020-08-07",
    )
    assert gains(result) == [Decimal("15000.00"), Decimal("10000.00"), Decimal("-163636.36")]
    assert [u.lot_id for u in disposal(result, "s0003").lots] == [
        "same-day:2020-07-31",
        "30-day:2020-08-06",
    ]
    assert within_a_pound(disposal(result, "s0006").basis, 313637)
    assert cents(total_gain(result)) == Decimal("-138636.36")
    assert within_a_pound(total_gain(result), -138637)
    quantity, cost = pool(result, "F")
    assert (quantity, cents(cost)) == (Decimal("10000"), Decimal("31363.64"))


ELINA = (
    "buy 100000 G for 300000 GBP on 2019-05-01",
    "swap 1000 G for 10000 H on 2020-08-31 given 3200 GBP received 3200 GBP",
    "swap 5000 H for 600 G on 2020-08-31 given 1700 GBP received 1920 GBP",
    "swap 550 G for 5000 H on 2020-08-31 given 1760 GBP received 1650 GBP",
    "swap 2000 H for 180 G on 2020-09-04 given 560 GBP received 558 GBP",
    "swap 400 G for 4000 H on 2020-09-16 given 1080 GBP received 1080 GBP",
    "swap 12000 H for 900 G on 2020-10-27 given 2400 GBP received 2430 GBP",
)


def test_crypto22257_elina_crypto_to_crypto_across_two_pools():
    result = uk(*ELINA)
    by_asset_day = {}
    for d in result.disposals:
        key = (d.asset, d.date.isoformat())
        by_asset_day[key] = by_asset_day.get(key, Decimal(0)) + d.gain
    assert {k: cents(v) for k, v in by_asset_day.items()} == {
        ("G", "2020-08-31"): Decimal("280.00"),
        ("H", "2020-08-31"): Decimal("266.67"),
        ("H", "2020-09-04"): Decimal("18.00"),
        ("G", "2020-09-16"): Decimal("-120.00"),
        ("H", "2020-10-27"): Decimal("-1416.67"),
    }
    assert within_a_pound(by_asset_day[("H", "2020-08-31")], 267)
    assert within_a_pound(by_asset_day[("H", "2020-10-27")], -1417)
    assert cents(total_gain(result)) == Decimal("-972.00")
    assert pool(result, "G") == (Decimal("99730"), Decimal("298890"))
    assert [lot.asset for lot in result.open_lots] == ["G"]


def test_crypto22280_terri_fee_paid_in_tokens_is_a_disposal_and_an_allowable_cost():
    prices = TablePriceSource({("T", "GBP"): [(utc("2020-01-01T00:00"), Decimal("5"))]})
    result = uk(
        "buy 10000 T for 20000 GBP on 2019-05-01",
        "sell 1000 T for 5000 GBP on 2020-06-01 fee 1 T",
        prices=prices,
    )
    proceeds = sum((d.proceeds for d in result.disposals), Decimal(0))
    cost = sum((d.basis for d in result.disposals), Decimal(0))
    assert (proceeds, cost, total_gain(result)) == (
        Decimal("5005"),
        Decimal("2007"),
        Decimal("2998"),
    )
    assert [(f.asset, f.quantity, f.value) for f in result.fees] == [
        ("T", Decimal("1"), Decimal("5"))
    ]
    assert pool(result, "T") == (Decimal("8999"), Decimal("17998"))


@pytest.mark.parametrize(
    ("rebuy", "expected"), [("2009-03-31", Decimal("4000")), ("2009-03-30", Decimal("-6000"))]
)
def test_cg51560_repurchase_on_day_31_goes_to_the_pool_and_on_day_30_matches(rebuy, expected):
    result = uk(
        "buy 10000 S for 10000 GBP on 2008-01-01",
        "sell 2000 S for 6000 GBP on 2009-02-28",
        f"buy 3000 S for 18000 GBP on {rebuy}",
    )
    assert result.disposals[0].gain == expected


def test_uk_days_are_london_days_so_2330_utc_in_summer_is_the_next_day():
    result = uk(
        "buy 100 K for 100 GBP on 2019-05-01",
        "buy 10 K for 50 GBP on 2020-06-30 at 23:30",
        "sell 10 K for 80 GBP on 2020-07-01",
    )
    assert [(u.lot_id, u.basis) for u in result.disposals[0].lots] == [
        ("same-day:2020-07-01", Decimal("50"))
    ]


def test_uk_stake_1_reward_is_income_and_its_value_enters_the_pool():
    result = uk(
        "buy 1 ETH for 2000 GBP on 2024-01-01",
        "income 0.1 ETH worth 200 GBP on 2024-06-01",
        "sell 0.1 ETH for 250 GBP on 2024-09-01",
    )
    assert [i.value for i in result.income] == [Decimal("200")]
    assert result.disposals[0].gain == Decimal("50")
    summary = summarise_tax_year(result, 2024)
    assert summary["income"] == {"total": "200.00", "count": 1}
    assert summary["period"] == {"start": "2024-04-06", "end": "2025-04-05"}


def test_uk_unconditional_airdrop_is_not_income_and_costs_nothing():
    result = uk(
        "income 5 AIR worth 100 GBP on 2024-06-01 type airdrop",
        "sell 5 AIR for 120 GBP on 2024-08-01",
    )
    assert [(i.value, i.taxable) for i in result.income] == [(Decimal("100"), False)]
    assert result.disposals[0].gain == Decimal("120")


def test_uk_annual_exempt_amounts_by_tax_year():
    assert [annual_exempt_amount(y) for y in (2022, 2023, 2024, 2025)] == [
        Decimal("12300"),
        Decimal("6000"),
        Decimal("3000"),
        Decimal("3000"),
    ]
    start, end = UK.tax_year_period(2024)
    assert (start.isoformat(), end.isoformat()) == (
        "2024-04-06T00:00:00+01:00",
        "2025-04-06T00:00:00+01:00",
    )
