"""The public market agrees with the account: every trade inside its day's OHLC and on the tape."""

from __future__ import annotations

from decimal import Decimal

from portfolio.simulator import SimAccount
from portfolio.simulator.assets import PAIRS

from .helpers import Spot

DAY = 86_400


def test_every_account_trade_lies_within_its_days_candle(spot: Spot, account: SimAccount) -> None:
    for trade in account.truth.trades[::7]:
        day = int(trade.time) // DAY * DAY
        rows = spot.public("OHLC", pair=trade.pair, interval=1440, since=day - 1)["result"][
            trade.pair
        ]
        time_, _open, high, low, *_ = rows[0]
        assert time_ == day
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
    trade = account.truth.trades[len(account.truth.trades) // 2]
    day = int(trade.time) // DAY * DAY
    candle = spot.public("OHLC", pair=trade.pair, interval=1440, since=day - 1)["result"][
        trade.pair
    ][0]
    prints = spot.public("Trades", pair=trade.pair, since=day * 10**9 - 1, count=1000)["result"][
        trade.pair
    ]
    same_day = [p for p in prints if p[2] < day + DAY]
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


def test_ticker_is_keyed_by_pair_id_when_asked_by_altname(spot: Spot) -> None:
    assert list(spot.public("Ticker", pair="ETHXBT")["result"]) == ["XETHXXBT"]


def test_trades_paging_by_last_cursor_continues_without_overlap(spot: Spot) -> None:
    first = spot.public("Trades", pair="XBTUSD", since=1_650_000_000, count=5)["result"]
    second = spot.public("Trades", pair="XBTUSD", since=first["last"], count=5)["result"]
    ids = [r[6] for r in first["XXBTZUSD"] + second["XXBTZUSD"]]
    assert len(set(ids)) == 10 and ids == sorted(ids)
