"""The Section 104 pool after each UK disposal (HMRC CRYPTO22251-22256; CG51550 pooling).

HMRC's pages give the pool after each example; the engine records it on every disposal under UK
share matching (quantity and allowable cost of the asset's pool right after it), and None under
the other methods and jurisdictions. Exact Decimal figures; HMRC's published ones are rounded.
"""

from decimal import Decimal

from tests.accounting.support import run, within_a_pound

D = Decimal


def uk(*lines):
    return run(*lines, method="uk", jurisdiction="uk", base="GBP")


def after(result):
    return [(d.pool_quantity_after, d.pool_cost_after) for d in result.disposals]


def test_crypto22251_victoria_pool_after_the_s104_sale():
    result = uk(
        "buy 100 A for 1000 GBP on 2019-05-01",
        "buy 50 A for 125000 GBP on 2020-09-18",
        "sell 50 A for 300000 GBP on 2020-12-01",
    )
    assert after(result) == [(D("100"), D("84000"))]


def test_crypto22252_martyn_same_day_sales_leave_the_pool_and_the_day_adds_the_rest():
    """Both sales match the day's purchase; its 100 unmatched tokens join the pool at the
    purchase (13:00), so the evening sale shows HMRC's pool of 5,100 / £562.50 (official £562)."""
    result = uk(
        "buy 5000 B for 500 GBP on 2019-05-01",
        "sell 1000 B for 800 GBP on 2020-06-23 at 08:00",
        "buy 1600 B for 1000 GBP on 2020-06-23 at 13:00",
        "sell 500 B for 600 GBP on 2020-06-23 at 19:00",
    )
    assert after(result) == [(D("5000"), D("500")), (D("5100"), D("562.50"))]
    assert within_a_pound(result.disposals[1].pool_cost_after, 562)


def test_crypto22254_daniel_same_day_then_s104_within_one_day():
    """The day's 6,500 bought match the first sale (5,000) and 1,500 of the second; its other 500
    come from the pool at 1,000 x 500/8,000 = £62.50: pool 7,500 / £937.50 (official £937)."""
    result = uk(
        "buy 8000 D for 1000 GBP on 2019-05-01",
        "sell 5000 D for 500 GBP on 2021-01-31 at 09:00",
        "buy 4000 D for 320 GBP on 2021-01-31 at 10:00",
        "buy 1000 D for 75 GBP on 2021-01-31 at 11:00",
        "buy 1000 D for 70 GBP on 2021-01-31 at 12:00",
        "sell 2000 D for 142 GBP on 2021-01-31 at 13:00",
        "buy 500 D for 35 GBP on 2021-01-31 at 14:00",
    )
    first, second = result.disposals
    assert [u.lot_id for u in first.lots] == ["same-day:2021-01-31"]
    assert [u.lot_id for u in second.lots] == ["same-day:2021-01-31", "s104:D"]
    assert after(result) == [(D("8000"), D("1000")), (D("7500"), D("937.50"))]


def test_crypto22255_melanie_thirty_day_then_s104():
    """3,500 of the 4,000 sold come from the pool of 14,000 / £200,000 (£50,000); the 500 bought
    on 11 Sep match the rest and never enter it: pool after 10,500 / £150,000."""
    result = uk(
        "buy 14000 E for 200000 GBP on 2019-05-01",
        "sell 4000 E for 160000 GBP on 2020-08-30",
        "buy 500 E for 17500 GBP on 2020-09-11",
    )
    [sale] = result.disposals
    assert [u.lot_id for u in sale.lots] == ["30-day:2020-09-11", "s104:E"]
    assert after(result) == [(D("10500"), D("150000"))]


def test_crypto22256_gulferaz_same_day_and_thirty_day_then_a_s104_disposal():
    """31 Jul (same day + 30 days) and 5 Aug (30 days) leave the pool of 100,000 / £300,000 alone;
    6 Aug's unmatched 10,000 (£45,000) join it (110,000 / £345,000); the 7 Aug sale of 100,000
    takes £313,636.36 (official £313,637), leaving 10,000 / £31,363.64."""
    result = uk(
        "buy 100000 F for 300000 GBP on 2019-05-01",
        "buy 10000 F for 45000 GBP on 2020-07-31 at 09:00",
        "sell 30000 F for 150000 GBP on 2020-07-31 at 10:00",
        "sell 20000 F for 100000 GBP on 2020-08-05",
        "buy 50000 F for 225000 GBP on 2020-08-06",
        "sell 100000 F for 150000 GBP on 2020-08-07",
    )
    july, august, last = result.disposals
    assert [u.lot_id for u in july.lots] == ["same-day:2020-07-31", "30-day:2020-08-06"]
    assert [u.lot_id for u in last.lots] == ["s104:F"]
    assert after(result)[:2] == [(D("100000"), D("300000"))] * 2
    quantity, cost = after(result)[2]
    assert (quantity, cost) == (D("10000"), D("345000") - last.basis)
    assert cost == D("31363.636363636364") and within_a_pound(last.basis, 313637)
    # the pool after the last disposal is the pool the run ends with
    [lot] = result.open_lots
    assert (lot.quantity, lot.cost_basis) == (quantity, cost)


def test_a_sale_beyond_the_pool_leaves_it_empty():
    result = uk("buy 10 G for 100 GBP on 2020-05-01", "sell 15 G for 300 GBP on 2020-06-01")
    assert after(result) == [(D("0"), D("0"))]


def test_other_methods_and_jurisdictions_record_no_pool():
    lines = ("buy 10 A for 100 USD on 2020-05-01", "sell 4 A for 80 USD on 2020-06-01")
    for method, jurisdiction in (("fifo", "us"), ("average", "generic"), ("hifo", "generic")):
        result = run(*lines, method=method, jurisdiction=jurisdiction)
        assert after(result) == [(None, None)]
