"""UK share matching with withdrawals: withdrawn tokens stay in the s104 pool (CRYPTO22200).

Days are London days; the dates are in winter, so UTC times are London times.
"""

from __future__ import annotations

from decimal import Decimal

from tests.accounting.support import disposal, run

D = Decimal


def _uk(*lines: str):
    return run(*lines, method="uk", jurisdiction="uk", base="GBP")


def _outside(result):
    return [(h.withdrawal_id, h.lot_id, h.quantity, h.cost_basis) for h in result.outside]


def _on_kraken(result):
    return [(lot.lot_id, lot.quantity, lot.cost_basis) for lot in result.open_lots]


def test_buy_two_in_the_morning_withdraw_one_at_noon_sell_one_in_the_evening():
    result = _uk(
        "buy 2 BTC for 20000 GBP on 2024-02-05 at 09:00",
        "withdraw 1 BTC on 2024-02-05 at 12:00",
        "sell 1 BTC for 15000 GBP on 2024-02-05 at 18:00",
    )
    sale = disposal(result, "s0003")
    assert (sale.basis, sale.gain) == (D("10000"), D("5000"))  # same day: half of the 20000
    assert _outside(result) == [("s0002", "s104:BTC", D("1"), D("10000"))]
    assert _on_kraken(result) == [] and result.problems == ()


def test_a_withdrawal_between_two_purchases_of_a_day_takes_the_pool_they_make():
    """The day's purchases are one acquisition of 2 for 22000 (CRYPTO22252): the sale takes half
    of it, the other half enters the pool, and the unit withdrawn in between is that pool's unit,
    not a unit of unknown history at zero basis."""
    result = _uk(
        "buy 1 BTC for 10000 GBP on 2024-02-05 at 09:00",
        "withdraw 1 BTC on 2024-02-05 at 10:00",
        "buy 1 BTC for 12000 GBP on 2024-02-05 at 11:00",
        "sell 1 BTC for 15000 GBP on 2024-02-05 at 18:00",
    )
    sale = disposal(result, "s0004")
    assert (sale.basis, sale.gain) == (D("11000"), D("4000"))
    assert _outside(result) == [("s0002", "s104:BTC", D("1"), D("11000"))]
    assert _on_kraken(result) == [] and result.problems == ()
    [removal] = result.removals
    assert [(u.lot_id, u.quantity, u.basis) for u in removal.lots] == [
        ("s104:BTC", D("1"), D("11000"))
    ]


def test_a_round_trip_before_the_same_day_sale_changes_nothing():
    """Withdraw the morning's purchase and deposit it back before selling it that evening: the
    sale is matched with the purchase, and nothing is left on Kraken, outside or in the pool."""
    result = _uk(
        "buy 2 BTC for 20000 GBP on 2024-02-05 at 09:00",
        "withdraw 2 BTC on 2024-02-05 at 10:00",
        "deposit 2 BTC on 2024-02-05 at 14:00",
        "sell 2 BTC for 30000 GBP on 2024-02-05 at 18:00",
    )
    sale = disposal(result, "s0004")
    assert (sale.basis, sale.gain) == (D("20000"), D("10000"))
    assert result.open_lots == () and result.outside == ()
    assert result.problems == () and result.unknown_deposits == ()


def test_an_earlier_withdrawal_comes_back_first_and_the_pool_keeps_its_cost():
    """1 BTC at 5000 went out in January. On 5 Feb: buy 1 at 10000, withdraw 1, a deposit takes
    back January's unit (earliest withdrawal first), sell 1 matched with the day's purchase. By
    law the pool is 1 BTC at 5000 throughout; that one unit is outside."""
    result = _uk(
        "buy 1 BTC for 5000 GBP on 2024-01-02",
        "withdraw 1 BTC on 2024-01-03",
        "buy 1 BTC for 10000 GBP on 2024-02-05 at 09:00",
        "withdraw 1 BTC on 2024-02-05 at 10:00",
        "deposit 1 BTC on 2024-02-05 at 14:00",
        "sell 1 BTC for 12000 GBP on 2024-02-05 at 18:00",
    )
    sale = disposal(result, "s0006")
    assert (sale.basis, sale.gain) == (D("10000"), D("2000"))
    assert _outside(result) == [("s0004", "s104:BTC", D("1"), D("5000"))]
    assert _on_kraken(result) == [] and result.problems == ()


def test_withdrawn_units_share_the_pool_cost_across_a_30_day_repurchase():
    """The 5 Feb sale is matched with part of the 10 Feb purchases (30-day rule, CRYPTO22253); a
    unit withdrawn on 10 Feb between the two purchases stays in the pool, which ends as 2 BTC
    for 5000 + 8000 (the day's unmatched half), one on Kraken and one outside at 6500 each."""
    result = _uk(
        "buy 1 BTC for 5000 GBP on 2024-01-02",
        "sell 1 BTC for 8000 GBP on 2024-02-05",
        "buy 1 BTC for 7000 GBP on 2024-02-10 at 09:00",
        "withdraw 1 BTC on 2024-02-10 at 10:00",
        "buy 1 BTC for 9000 GBP on 2024-02-10 at 11:00",
    )
    sale = disposal(result, "s0002")
    assert (sale.basis, sale.gain) == (D("8000"), D("0"))  # half the day's 16000
    assert _outside(result) == [("s0004", "s104:BTC", D("1"), D("6500"))]
    assert _on_kraken(result) == [("s104:BTC", D("1"), D("6500"))]
    assert result.problems == ()


def test_a_30_day_repurchase_comes_back_from_outside_and_is_sold_from_the_pool():
    result = _uk(
        "buy 2 BTC for 10000 GBP on 2024-01-02",
        "sell 1 BTC for 8000 GBP on 2024-02-05",  # 30-day: the 20 Feb purchase
        "withdraw 1 BTC on 2024-02-06",
        "buy 1 BTC for 6000 GBP on 2024-02-20 at 09:00",
        "withdraw 1 BTC on 2024-02-20 at 10:00",
        "deposit 2 BTC on 2024-03-01",
        "sell 2 BTC for 20000 GBP on 2024-03-02",
    )
    assert disposal(result, "s0002").gain == D("2000")  # 8000 - 6000
    last = disposal(result, "s0007")
    assert (last.basis, last.gain) == (D("10000"), D("10000"))  # the pool: 2 BTC for 10000
    assert result.open_lots == () and result.outside == () and result.problems == ()


def test_only_what_is_not_on_kraken_is_missing_history():
    """Selling a unit that is outside, or withdrawing more than is on Kraken, is a shortfall."""
    result = _uk(
        "buy 1 BTC for 5000 GBP on 2024-01-02",
        "withdraw 1 BTC on 2024-01-03",
        "sell 1 BTC for 8000 GBP on 2024-01-04",
        "withdraw 0.5 BTC on 2024-01-05",
    )
    sale = disposal(result, "s0003")
    assert (sale.basis, sale.gain) == (D("0"), D("8000"))
    assert [(p.code, p.event_id, p.quantity) for p in result.problems] == [
        ("shortfall", "s0003", D("1")),
        ("shortfall", "s0004", D("0.5")),
    ]
    assert _outside(result) == [
        ("s0002", "s104:BTC", D("1"), D("5000")),
        ("s0004", "missing:s0004", D("0.5"), D("0")),
    ]
    assert _on_kraken(result) == []


def test_a_withdrawal_beyond_the_pool_after_a_30_day_repurchase_is_a_shortfall():
    """Hypothesis found this: the 5 Feb sale, with nothing on Kraken, is matched with half of the
    6 Feb purchase (30-day rule), so the pool is 1 BTC for 6000. Withdrawing both units takes the
    pool's one; the other is missing history (a shortfall), never a pool of -1 BTC at -6000."""
    result = _uk(
        "sell 1 BTC for 8000 GBP on 2024-02-05",
        "buy 2 BTC for 12000 GBP on 2024-02-06",
        "withdraw 2 BTC on 2024-02-07",
    )
    sale = disposal(result, "s0001")
    assert (sale.basis, sale.gain) == (D("6000"), D("2000"))
    assert [(p.code, p.event_id, p.quantity) for p in result.problems] == [
        ("shortfall", "s0003", D("1"))
    ]
    assert _outside(result) == [
        ("s0003", "s104:BTC", D("1"), D("6000")),
        ("s0003", "missing:s0003", D("1"), D("0")),
    ]
    assert _on_kraken(result) == []


def test_a_sale_from_the_pool_beyond_kraken_is_paid_back_by_its_30_day_repurchase():
    """The 5 Feb sale is matched with the 10 Feb purchase, so the 6 Feb sale takes the pool's
    unit, which the 5 Feb sale had already taken off Kraken. The 10 Feb purchase only makes up
    for that: nothing is on Kraken or in the pool, and the withdrawal is missing history."""
    result = _uk(
        "buy 1 BTC for 5000 GBP on 2024-01-02",
        "sell 1 BTC for 8000 GBP on 2024-02-05",
        "sell 1 BTC for 8000 GBP on 2024-02-06",
        "buy 1 BTC for 6000 GBP on 2024-02-10",
        "withdraw 1 BTC on 2024-02-11",
    )
    assert [(d.event_id, d.basis) for d in result.disposals] == [
        ("s0002", D("6000")),
        ("s0003", D("5000")),
    ]
    assert [(p.code, p.event_id, p.quantity) for p in result.problems] == [
        ("shortfall", "s0005", D("1"))
    ]
    assert _outside(result) == [("s0005", "missing:s0005", D("1"), D("0"))]
    assert _on_kraken(result) == []


def test_pool_shares_outside_add_up_to_the_pool_cost_exactly():
    """Three thirds of a pool of 20, each rounded to 1e-12 alone, came to 20.000000000001 and left
    an empty pool on Kraken at -1e-12 (Hypothesis found it): the shares add up to 20 exactly."""
    result = _uk(
        "buy 3 BTC for 20 GBP on 2024-01-02",
        "withdraw 1 BTC on 2024-01-03",
        "withdraw 1 BTC on 2024-01-04",
        "withdraw 1 BTC on 2024-01-05",
    )
    assert _outside(result) == [
        ("s0002", "s104:BTC", D("1"), D("6.666666666667")),
        ("s0003", "s104:BTC", D("1"), D("6.666666666666")),
        ("s0004", "s104:BTC", D("1"), D("6.666666666667")),
    ]
    assert sum(h.cost_basis for h in result.outside) == D("20")
    assert _on_kraken(result) == [] and result.problems == ()


def test_a_sale_of_the_day_s_purchase_after_withdrawing_it_brings_it_back_as_missing_history():
    """On 5 Feb the sale is matched with that morning's purchase, so the pool stays 1 BTC for
    5000; both units were withdrawn before the sale. Only the pool's unit can be outside: the
    other must have come back without a deposit on record (reported), never a pool of -1 BTC."""
    result = _uk(
        "buy 1 BTC for 5000 GBP on 2024-01-02",
        "buy 1 BTC for 12000 GBP on 2024-02-05 at 09:00",
        "withdraw 2 BTC on 2024-02-05 at 10:00",
        "sell 1 BTC for 8000 GBP on 2024-02-05 at 11:00",
    )
    sale = disposal(result, "s0004")
    assert (sale.basis, sale.gain) == (D("12000"), D("-4000"))
    assert [(p.code, p.event_id, p.quantity) for p in result.problems] == [
        ("missing_history", "s0004", D("1"))
    ]
    assert _outside(result) == [("s0003", "s104:BTC", D("1"), D("5000"))]
    assert _on_kraken(result) == []
