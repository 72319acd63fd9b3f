"""The public market agrees with the account: every trade inside its candle and on the tape.

The tape prints in most minutes, never later than the simulator's clock.

OHLC answers only the 720 most recent candles of an interval (reference 3.10), so daily candles
reach back about two years and weekly ones about fourteen.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from portfolio.simulator import SimAccount
from portfolio.simulator.assets import PAIRS
from portfolio.simulator.spot_public import INTERVALS

from .helpers import Spot

DAY = 86_400
WEEK = 7 * DAY


def _daily_window_start(spot: Spot) -> int:
    return spot.public("OHLC", pair="XXBTZUSD", interval=1440)["result"]["XXBTZUSD"][0][0]


def test_every_recent_account_trade_lies_within_its_days_candle(
    spot: Spot, account: SimAccount
) -> None:
    oldest_day = _daily_window_start(spot)
    recent = [t for t in account.truth.trades if int(t.time) >= oldest_day]
    assert len(recent) >= 20  # the fixture's history reaches into the daily window
    for trade in recent[::3]:
        day = int(trade.time) // DAY * DAY
        rows = spot.public("OHLC", pair=trade.pair, interval=1440, since=day - 1)["result"][
            trade.pair
        ]
        time_, _open, high, low, *_ = rows[0]
        assert time_ == day
        assert Decimal(low) <= trade.price <= Decimal(high), trade


def test_every_account_trade_lies_within_its_weeks_candle(spot: Spot, account: SimAccount) -> None:
    for trade in account.truth.trades[::7]:
        week = int(trade.time) // WEEK * WEEK  # Kraken's weeks start on the epoch's Thursday
        rows = spot.public("OHLC", pair=trade.pair, interval=10080, since=week - 1)["result"][
            trade.pair
        ]
        time_, _open, high, low, *_ = rows[0]
        assert time_ == week
        assert Decimal(low) <= trade.price <= Decimal(high), trade


def test_every_account_trade_appears_in_public_trades(spot: Spot, account: SimAccount) -> None:
    for trade in account.truth.trades[::5]:
        since_ns = trade.ticks * 100_000 - 1
        rows = spot.public("Trades", pair=PAIRS[trade.pair].altname, since=since_ns, count=1)[
            "result"
        ][trade.pair]
        price, volume, time_, side, ordertype, misc, trade_id = rows[0]
        assert trade_id == trade.trade_id
        assert (Decimal(price), Decimal(volume)) == (trade.price, trade.vol)
        assert Decimal(str(time_)) == trade.time
        assert side == ("b" if trade.type == "buy" else "s")


def test_daily_candle_is_the_aggregate_of_that_days_trades(spot: Spot, account: SimAccount) -> None:
    oldest_day = _daily_window_start(spot)
    trade = next(t for t in account.truth.trades if int(t.time) >= oldest_day + DAY)
    day = int(trade.time) // DAY * DAY
    candle = spot.public("OHLC", pair=trade.pair, interval=1440, since=day - 1)["result"][
        trade.pair
    ][0]
    same_day, since = [], day * 10**9 - 1
    while not same_day or same_day[-1][2] < day + DAY:  # a day holds more than 1,000 prints
        page = spot.public("Trades", pair=trade.pair, since=since, count=1000)["result"]
        same_day += page[trade.pair]
        since = page["last"]
    same_day = [p for p in same_day if p[2] < day + DAY]
    assert len(same_day) > 720  # a liquid pair prints in most minutes
    prices = [Decimal(p[0]) for p in same_day]
    assert Decimal(candle[1]) == prices[0] and Decimal(candle[4]) == prices[-1]
    assert Decimal(candle[2]) == max(prices) and Decimal(candle[3]) == min(prices)
    assert candle[7] == len(same_day)
    assert Decimal(candle[6]) == sum(Decimal(p[1]) for p in same_day)


def test_ohlc_rejects_an_unsupported_interval(spot: Spot) -> None:
    assert spot.public("OHLC", pair="XBTUSD", interval=7) == {
        "error": ["EGeneral:Invalid arguments"]
    }


def test_ohlc_without_since_gives_at_most_720_recent_daily_candles(spot: Spot) -> None:
    result = spot.public("OHLC", pair="XXBTZUSD", interval=1440)["result"]
    rows = result["XXBTZUSD"]
    assert len(rows) == 720
    assert [b[0] - a[0] for a, b in zip(rows, rows[1:], strict=False)] == [DAY] * 719
    assert result["last"] == rows[-1][0]


def test_ohlc_since_cannot_reach_past_the_720_most_recent_candles(spot: Spot) -> None:
    newest = spot.public("OHLC", pair="XXBTZUSD", interval=1440)["result"]
    old = spot.public("OHLC", pair="XXBTZUSD", interval=1440, since=1_577_836_800)["result"]
    assert old == newest
    assert newest["XXBTZUSD"][0][0] > 1_577_836_800 + 720 * DAY


def test_ohlc_since_filters_within_the_recent_window(spot: Spot) -> None:
    rows = spot.public("OHLC", pair="XXBTZUSD", interval=1440)["result"]["XXBTZUSD"]
    since = rows[-11][0]
    tail = spot.public("OHLC", pair="XXBTZUSD", interval=1440, since=since)["result"]
    assert tail["XXBTZUSD"] == rows[-10:]
    assert tail["last"] == rows[-1][0]


def test_ohlc_current_candle_is_present_whatever_since_says(spot: Spot) -> None:
    rows = spot.public("OHLC", pair="XXBTZUSD", interval=1440)["result"]["XXBTZUSD"]
    ahead = spot.public("OHLC", pair="XXBTZUSD", interval=1440, since=rows[-1][0] + 10 * DAY)
    assert ahead["result"]["XXBTZUSD"] == [rows[-1]]


@pytest.mark.parametrize("interval", INTERVALS)
def test_ohlc_serves_every_interval_with_the_open_candle_last(spot: Spot, interval: int) -> None:
    width = interval * 60
    rows = spot.public("OHLC", pair="XXBTZUSD", interval=interval)["result"]["XXBTZUSD"]
    times = [r[0] for r in rows]
    newest_print = spot.public("Trades", pair="XXBTZUSD", count=1)["result"]["XXBTZUSD"][-1]
    assert 1 <= len(rows) <= 720
    assert all(t % width == 0 for t in times) and times == sorted(set(times))
    assert times[-1] == int(newest_print[2]) // width * width  # the still-open candle
    assert (times[-1] - times[0]) // width <= 719


def test_weekly_candle_aggregates_its_daily_candles(spot: Spot) -> None:
    weeks = spot.public("OHLC", pair="XETHZUSD", interval=10080)["result"]["XETHZUSD"]
    days = spot.public("OHLC", pair="XETHZUSD", interval=1440)["result"]["XETHZUSD"]
    week = weeks[-3]  # a full, committed week inside the daily window
    inside = [d for d in days if week[0] <= d[0] < week[0] + WEEK]
    assert len(inside) == 7
    assert week[1] == inside[0][1] and week[4] == inside[-1][4]
    assert Decimal(week[2]) == max(Decimal(d[2]) for d in inside)
    assert Decimal(week[3]) == min(Decimal(d[3]) for d in inside)
    assert week[7] == sum(d[7] for d in inside)


def test_ticker_is_keyed_by_pair_id_when_asked_by_altname(spot: Spot) -> None:
    assert list(spot.public("Ticker", pair="ETHXBT")["result"]) == ["XETHXXBT"]


def test_trades_paging_by_last_cursor_continues_without_overlap(spot: Spot) -> None:
    first = spot.public("Trades", pair="XBTUSD", since=1_650_000_000, count=5)["result"]
    second = spot.public("Trades", pair="XBTUSD", since=first["last"], count=5)["result"]
    ids = [r[6] for r in first["XXBTZUSD"] + second["XXBTZUSD"]]
    assert len(set(ids)) == 10 and ids == sorted(ids)


def test_nothing_later_than_the_clock_is_served() -> None:
    import datetime as dt

    from portfolio.simulator import SimulatorServer

    noon = int(dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC).timestamp())
    with SimulatorServer(speed=1000, clock=lambda: noon * 10_000) as server:
        spot = Spot(server.base_url, "", "")
        newest = spot.public("Trades", pair="XBTUSD", count=1000)["result"]["XXBTZUSD"]
        assert max(row[2] for row in newest) <= noon and len(newest) == 1000
        ahead = spot.public("Trades", pair="XBTUSD", since=noon * 10**9)["result"]["XXBTZUSD"]
        assert ahead == []
        minutes = spot.public("OHLC", pair="XBTUSD", interval=1)["result"]["XXBTZUSD"]
        assert len(minutes) > 500  # most of the last 720 minutes traded
        assert minutes[-1][0] <= noon and minutes[0][0] >= noon - 720 * 60
        days = spot.public("OHLC", pair="XBTUSD", interval=1440)["result"]["XXBTZUSD"]
        assert days[-1][0] == noon - 12 * 3600 and days[-1][7] < max(d[7] for d in days[:-1])
        ticker = spot.public("Ticker", pair="XBTUSD")["result"]["XXBTZUSD"]
        assert Decimal(ticker["c"][0]) == Decimal(newest[-1][0])
