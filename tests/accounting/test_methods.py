"""Method definitions M-1 to M-3 (tax_rules.md section 5) and the one method table."""

from decimal import Decimal

import pytest

from portfolio.accounting import METHODS, Method
from tests.accounting.support import run

M1 = (
    "buy 5 X @ 111.11 USD on 2015-10-02",
    "buy 4 X @ 100.00 USD on 2015-10-01",
    "buy 6 X @ 122.22 USD on 2015-10-03",
    "sell 7 X @ 150 USD on 2015-10-04",
)


@pytest.mark.parametrize(
    ("method", "cost", "left"),
    [
        (
            "fifo",
            Decimal("733.33"),
            [(Decimal("2"), Decimal("222.22")), (Decimal("6"), Decimal("733.32"))],
        ),
        (
            "lifo",
            Decimal("844.43"),
            [(Decimal("4"), Decimal("400.00")), (Decimal("4"), Decimal("444.44"))],
        ),
        (
            "hifo",
            Decimal("844.43"),
            [(Decimal("4"), Decimal("400.00")), (Decimal("4"), Decimal("444.44"))],
        ),
    ],
)
def test_m1_lot_methods_order_by_acquisition_date_not_listing_order(method, cost, left):
    result = run(*M1, method=method)
    assert result.disposals[0].basis == cost
    assert [(lot.quantity, lot.cost_basis) for lot in result.open_lots] == left


def test_m1_average_cost_of_seven_units():
    result = run(*M1, method="average")
    basis = result.disposals[0].basis
    assert basis.quantize(Decimal("0.000001")) == Decimal("788.139333")
    [pool] = result.open_lots
    assert (pool.quantity, pool.cost_basis.quantize(Decimal("0.000001"))) == (
        Decimal("8"),
        Decimal("900.730667"),
    )
    assert basis + pool.cost_basis == Decimal("1688.87")


def test_m2_hifo_three_reductions_in_one_day():
    result = run(
        "buy 50 X @ 115 USD on 2020-01-15",
        "buy 50 X @ 116 USD on 2020-01-16",
        "buy 50 X @ 114 USD on 2020-01-17",
        "sell 40 X @ 120 USD on 2020-01-18 at 10:00",
        "sell 35 X @ 120 USD on 2020-01-18 at 11:00",
        "sell 30 X @ 120 USD on 2020-01-18 at 12:00",
        method="hifo",
    )
    pieces = [(u.quantity, u.basis / u.quantity) for d in result.disposals for u in d.lots]
    assert pieces == [
        (Decimal("40"), Decimal("116")),
        (Decimal("10"), Decimal("116")),
        (Decimal("25"), Decimal("115")),
        (Decimal("25"), Decimal("115")),
        (Decimal("5"), Decimal("114")),
    ]
    assert sum((d.basis for d in result.disposals), Decimal(0)) == Decimal("12120")
    assert [(lot.quantity, lot.cost_basis) for lot in result.open_lots] == [
        (Decimal("45"), Decimal("5130"))
    ]


def test_m2_fifo_analogue_leaves_25_of_the_second_lot():
    result = run(
        "buy 50 X @ 115 USD on 2020-01-15",
        "buy 50 X @ 116 USD on 2020-01-16",
        "sell 40 X @ 120 USD on 2020-01-18 at 10:00",
        "sell 35 X @ 120 USD on 2020-01-18 at 11:00",
    )
    assert [(u.quantity, u.lot_id) for d in result.disposals for u in d.lots] == [
        (Decimal("40"), "s0001"),
        (Decimal("10"), "s0001"),
        (Decimal("25"), "s0002"),
    ]
    assert [(lot.quantity, lot.cost_basis) for lot in result.open_lots] == [
        (Decimal("25"), Decimal("2900"))
    ]


def test_m3_hifo_takes_the_highest_rate_first():
    result = run(
        "buy 2 X @ 3 USD on 2020-01-01",
        "buy 5 X @ 1 USD on 2020-01-02",
        "sell 1 X @ 4 USD on 2020-01-03",
        "buy 1 X @ 2 USD on 2020-01-04",
        "sell 6 X @ 4 USD on 2020-01-05",
        method="hifo",
    )
    assert [(u.lot_id, u.quantity) for u in result.disposals[0].lots] == [("s0001", Decimal("1"))]
    assert [(u.lot_id, u.quantity) for u in result.disposals[1].lots] == [
        ("s0001", Decimal("1")),
        ("s0004", Decimal("1")),
        ("s0002", Decimal("4")),
    ]
    assert [(lot.lot_id, lot.quantity) for lot in result.open_lots] == [("s0002", Decimal("1"))]


def test_every_method_has_exactly_one_entry_in_the_table():
    assert set(METHODS) == set(Method)
    assert Method("uk") is Method.UK_SHARE_MATCHING


def test_fifo_by_acquisition_date_when_an_older_lot_is_deposited_later():
    result = run(
        "buy 1 X @ 200 USD on 2020-01-10",
        "deposit 1 X on 2020-02-01 basis 50 USD acquired 2019-01-01",
        "sell 1 X @ 300 USD on 2020-03-01",
    )
    assert (result.disposals[0].lots[0].lot_id, result.disposals[0].basis) == (
        "s0002",
        Decimal("50"),
    )
