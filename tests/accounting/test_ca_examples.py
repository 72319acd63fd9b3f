"""Canadian worked examples CA-1 to CA-5 (tax_rules.md 4.2): ACB and superficial losses."""

from datetime import date, timedelta
from decimal import Decimal

from tests.accounting.support import run


def ca(*lines):
    return run(*lines, method="average", jurisdiction="ca", base="CAD")


def acb(result, asset="X"):
    [lot] = [lot for lot in result.open_lots if lot.asset == asset]
    return lot.quantity, lot.cost_basis


def day(n: int) -> str:
    return (date(2017, 1, 1) + timedelta(days=n)).isoformat()


def test_ca1_acb_with_commissions_and_gains():
    lines = [
        "buy 100 X @ 50 CAD on 2014-03-03 fee 10 CAD",
        "sell 50 X @ 120 CAD on 2014-05-01 fee 10 CAD",
        "buy 50 X @ 130 CAD on 2014-07-18 fee 10 CAD",
        "sell 40 X @ 90 CAD on 2014-09-25 fee 10 CAD",
    ]
    assert acb(ca(*lines[:1])) == (Decimal("100"), Decimal("5010"))
    assert acb(ca(*lines[:3])) == (Decimal("100"), Decimal("9015"))
    result = ca(*lines)
    assert [d.gain for d in result.disposals] == [Decimal("3485"), Decimal("-16")]
    assert [d.adjustment for d in result.disposals] == [
        Decimal("0"),
        Decimal("0"),
    ]  # not superficial
    assert acb(result) == (Decimal("60"), Decimal("5409"))


def test_ca1_fee_free_variants_match_the_pool_values():
    lines = [
        "buy 100 X @ 50 CAD on 2014-03-03",
        "sell 50 X @ 120 CAD on 2014-05-01",
        "buy 50 X @ 130 CAD on 2014-07-18",
        "sell 40 X @ 90 CAD on 2014-09-25",
    ]
    assert [acb(ca(*lines[:n]))[1] for n in (1, 2, 3, 4)] == [
        Decimal("5000"),
        Decimal("2500"),
        Decimal("9000"),
        Decimal("5400"),
    ]
    second = [
        "buy 1 X @ 100 CAD on 2020-01-01",
        "buy 1 X @ 200 CAD on 2020-01-02",
        "sell 0.5 X @ 300 CAD on 2020-01-03",
        "buy 0.5 X @ 500 CAD on 2020-01-04",
    ]
    assert acb(ca(*second[:3])) == (Decimal("1.5"), Decimal("225.0"))
    assert acb(ca(*second)) == (Decimal("2.0"), Decimal("475.0"))


def test_ca2_average_cost_of_units_sold():
    result = ca(
        "buy 100 X @ 63 CAD on 2012-01-10 fee 10 CAD",
        "buy 60 X @ 72 CAD on 2012-05-08 fee 10 CAD",
        "sell 50 X @ 75 CAD on 2012-09-28 fee 10 CAD",
    )
    sale = result.disposals[0]
    assert (sale.basis, sale.gain) == (Decimal("3325"), Decimal("415"))
    assert acb(result) == (Decimal("110"), Decimal("7315"))


def test_ca3_superficial_loss_is_denied_and_added_to_the_acb_across_the_year_end():
    result = ca(
        "buy 500 X @ 50 CAD on 2022-06-01",
        "sell 400 X @ 42 CAD on 2023-12-15",
        "buy 400 X @ 40 CAD on 2024-01-07",
        "sell 500 X @ 45 CAD on 2024-10-05",
    )
    first, last = result.disposals
    assert (first.proceeds - first.basis, first.adjustment, first.gain) == (
        Decimal("-3200"),
        Decimal("3200"),
        Decimal("0"),
    )
    assert (last.basis, last.gain) == (Decimal("24200"), Decimal("-1700"))


def test_ca3_acb_after_the_repurchase_includes_the_denied_loss():
    result = ca(
        "buy 500 X @ 50 CAD on 2022-06-01",
        "sell 400 X @ 42 CAD on 2023-12-15",
        "buy 400 X @ 40 CAD on 2024-01-07",
    )
    assert acb(result) == (Decimal("500"), Decimal("24200"))


def test_ca4_partial_superficial_loss_is_prorated():
    result = ca(
        f"buy 100 X @ 3.00 CAD on {day(1)} fee 2 CAD",
        f"sell 99 X @ 2.00 CAD on {day(50)}",
        f"buy 25 X @ 2.20 CAD on {day(51)} fee 2 CAD",
    )
    sale = result.disposals[0]
    assert (sale.proceeds, sale.basis) == (Decimal("198.00"), Decimal("298.98"))
    assert (sale.adjustment, sale.gain) == (Decimal("25.50"), Decimal("-75.48"))
    assert acb(result) == (Decimal("26"), Decimal("85.52"))


def test_ca5_full_superficial_loss_and_its_control_case():
    lines = [
        f"buy 10 X @ 1 CAD on {day(1)} fee 2 CAD",
        f"sell 5 X @ 0.20 CAD on {day(50)}",
        f"buy 5 X @ 0.20 CAD on {day(51)} fee 2 CAD",
    ]
    result = ca(*lines)
    assert (result.disposals[0].gain, result.disposals[0].adjustment) == (
        Decimal("0"),
        Decimal("5.00"),
    )
    assert acb(result) == (Decimal("10"), Decimal("14.00"))
    control = ca(*lines[:2])
    assert control.disposals[0].gain == Decimal("-5.00")
    assert acb(control) == (Decimal("5"), Decimal("6"))


def test_ca5_repeated_partial_denials_with_a_small_remaining_holding():
    result = ca(
        f"buy 10 X @ 1 CAD on {day(1)} fee 2 CAD",
        f"sell 5 X @ 0.20 CAD on {day(2)}",
        f"sell 4 X @ 0.20 CAD on {day(15)}",
        f"sell 1 X @ 0.20 CAD on {day(100)}",
    )
    assert [d.gain for d in result.disposals] == [
        Decimal("-4.00"),
        Decimal("-3.60"),
        Decimal("-2.40"),
    ]
    assert result.open_lots == ()
