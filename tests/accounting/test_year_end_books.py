"""The books at each tax year's end (``EngineResult.year_end``): the open lots on Kraken and the
lots held outside after every event before the year's first local day, exact Decimals."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from portfolio.accounting import HeldOutside, OpenLot, compute, get_jurisdiction, scenario
from tests.accounting.support import run

D = Decimal


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_fifo_units_withdrawn_before_the_year_end_are_outside_in_that_years_books():
    result = run(
        "buy 1 BTC for 20000 USD on 2022-03-01",
        "withdraw 0.4 BTC on 2023-11-10",
        "deposit 0.4 BTC on 2024-02-01",
        jurisdiction="us",
        as_of=utc(2025, 6, 1),
    )
    assert sorted(result.year_end) == [2022, 2023, 2024]
    bought = utc(2022, 3, 1, 12)
    end_2023 = result.year_end[2023]
    assert end_2023.year == 2023
    assert end_2023.open_lots == (
        OpenLot("s0001", "BTC", "all", bought, D("0.6"), D("12000.0"), "leg"),
    )
    assert end_2023.outside == (
        HeldOutside("s0002", utc(2023, 11, 10, 12), "s0001", "BTC", bought, D("0.4"),
                    D("8000.0"), "leg"),
    )  # fmt: skip
    end_2024 = result.year_end[2024]
    assert [(x.lot_id, x.acquired, x.quantity) for x in end_2024.open_lots] == [
        ("s0001", bought, D("0.6")),
        ("s0001", bought, D("0.4")),
    ]
    assert sum(x.cost_basis for x in end_2024.open_lots) == D("20000")
    assert end_2024.outside == ()
    assert result.year_end[2022].open_lots == (
        OpenLot("s0001", "BTC", "all", bought, D("1"), D("20000"), "leg"),
    )


def test_the_year_in_which_as_of_falls_has_no_record():
    result = run(
        "buy 1 BTC for 20000 USD on 2022-03-01",
        jurisdiction="us",
        as_of=utc(2024, 12, 31, 12),
    )
    assert sorted(result.year_end) == [2022, 2023]  # 2024 has not ended
    assert result.year_end[2023].open_lots == result.open_lots


def test_a_year_without_events_still_records_the_books_it_carries():
    result = run(
        "buy 1 BTC for 20000 USD on 2019-03-01",
        "sell 1 BTC for 30000 USD on 2022-05-01",
        jurisdiction="us",
        as_of=utc(2023, 6, 1),
    )
    assert [len(result.year_end[y].open_lots) for y in (2019, 2020, 2021, 2022)] == [1, 1, 1, 0]
    assert result.year_end[2021].open_lots[0].quantity == D("1")


def test_uk_pool_at_5_april_leaves_out_a_purchase_of_10_april():
    result = run(
        "buy 10 ETH for 10000 GBP on 2023-05-01",
        "buy 5 ETH for 6000 GBP on 2024-01-15",
        "sell 3 ETH for 4500 GBP on 2024-03-01",
        "buy 2 ETH for 5000 GBP on 2024-04-10",
        method="uk",
        jurisdiction="uk",
        base="GBP",
        as_of=utc(2025, 5, 1),
    )
    # the 2023-24 pool on 5 April 2024: 15 ETH for £16,000, less 3/15 of it sold on 1 March
    pool = result.year_end[2023]
    assert [(x.lot_id, x.quantity, x.cost_basis) for x in pool.open_lots] == [
        ("s104:ETH", D("12"), D("12800.00"))
    ]
    assert pool.open_lots[0].quantity == result.disposals[0].pool_quantity_after
    assert pool.open_lots[0].cost_basis == result.disposals[0].pool_cost_after
    later = result.year_end[2024]  # 5 April 2025: the purchase of 10 April joined
    assert [(x.quantity, x.cost_basis) for x in later.open_lots] == [(D("14"), D("17800.00"))]


def test_uk_units_withdrawn_over_the_year_end_stay_in_the_pool_as_a_share_outside():
    result = run(
        "buy 10 ETH for 10000 GBP on 2023-05-01",
        "withdraw 4 ETH on 2024-03-01",
        "deposit 4 ETH on 2024-05-01",
        method="uk",
        jurisdiction="uk",
        base="GBP",
        as_of=utc(2025, 5, 1),
    )
    end = result.year_end[2023]
    assert [(x.quantity, x.cost_basis) for x in end.open_lots] == [(D("6"), D("6000"))]
    assert [(x.lot_id, x.quantity, x.cost_basis) for x in end.outside] == [
        ("s104:ETH", D("4"), D("4000"))
    ]
    assert [(x.quantity, x.cost_basis) for x in result.year_end[2024].open_lots] == [
        (D("10"), D("10000"))
    ]
    assert result.year_end[2024].outside == ()


def test_the_year_boundary_is_the_profiles_local_midnight():
    """03:00 UTC on 1 January 2024 is still 31 December 2023 in New York."""
    jur = replace(get_jurisdiction("us"), tz=ZoneInfo("America/New_York"))
    result = compute(
        scenario(
            "buy 1 BTC for 20000 USD on 2023-06-01",
            "buy 2 BTC for 84000 USD on 2024-01-01 at 03:00",
            "buy 4 BTC for 160000 USD on 2024-01-01 at 06:00",
        ),
        method="fifo",
        jurisdiction=jur,
        base_currency="USD",
        as_of=utc(2025, 3, 1),
    )
    assert [(x.lot_id, x.quantity) for x in result.year_end[2023].open_lots] == [
        ("s0001", D("1")),
        ("s0002", D("2")),
    ]
    assert len(result.year_end[2024].open_lots) == 3


def test_a_utc_profile_puts_the_same_purchase_in_the_next_year():
    jur = replace(get_jurisdiction("us"), tz=ZoneInfo("UTC"))
    result = compute(
        scenario(
            "buy 1 BTC for 20000 USD on 2023-06-01",
            "buy 2 BTC for 84000 USD on 2024-01-01 at 03:00",
        ),
        method="fifo",
        jurisdiction=jur,
        base_currency="USD",
        as_of=utc(2025, 3, 1),
    )
    assert [x.lot_id for x in result.year_end[2023].open_lots] == ["s0001"]


def test_a_continued_run_records_the_years_from_its_opening():
    lines = (
        "buy 1 BTC for 20000 USD on 2021-03-01",
        "sell 0.25 BTC for 9000 USD on 2022-05-01",
        "buy 1 BTC for 30000 USD on 2023-05-01",
        "withdraw 0.5 BTC on 2023-12-01",
    )
    events = scenario(*lines)
    full = compute(
        events, method="fifo", jurisdiction="us", base_currency="USD", as_of=utc(2024, 6, 1)
    )
    head = compute(
        events[:2], method="fifo", jurisdiction="us", base_currency="USD", as_of=utc(2022, 6, 1)
    )
    tail = compute(
        events[2:],
        method="fifo",
        jurisdiction="us",
        base_currency="USD",
        as_of=utc(2024, 6, 1),
        opening=head.checkpoint(),
    )
    assert sorted(tail.year_end) == [2022, 2023]
    assert tail.year_end[2022] == full.year_end[2022]
    assert tail.year_end[2023] == full.year_end[2023]
