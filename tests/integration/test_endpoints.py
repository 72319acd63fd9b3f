"""Every read-only endpoint, called by the client over HTTP, equals the simulator's truth."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

import requests
from requests.adapters import HTTPAdapter

from portfolio.kraken import (
    KrakenFuturesClient,
    KrakenPublicClient,
    KrakenSpotClient,
    MemoryState,
    normalize_asset,
    parse_export_zip,
)
from portfolio.simulator import SimAccount, SimulatorServer
from portfolio.simulator.assets import ASSETS

from .conftest import futures_client
from .truth import (
    client_fill_row,
    client_ledger_row,
    client_log_row,
    client_trade_row,
    fill_row,
    ledger_row,
    log_row,
    trade_row,
    utc_from_ms,
    utc_from_ticks,
)

# -- spot private -------------------------------------------------------------------------------


def test_balance_lists_every_truth_balance_exactly(
    spot: KrakenSpotClient, account: SimAccount
) -> None:
    received = {(b.raw_asset, b.asset, b.balance) for b in spot.balance()}
    expected = {(a, normalize_asset(a), v) for a, v in account.truth.balances.items()}
    assert len(received) == 15
    assert received == expected


def test_balance_ex_adds_the_held_amounts(spot: KrakenSpotClient, account: SimAccount) -> None:
    holds = account.truth.holds
    received = {(b.raw_asset, b.balance, b.hold_trade) for b in spot.balance_ex()}
    expected = {(a, v, holds.get(a, Decimal(0))) for a, v in account.truth.balances.items()}
    assert received == expected


def test_trade_balance_is_internally_consistent(spot: KrakenSpotClient) -> None:
    balance = spot.trade_balance("ZUSD")
    assert balance.e == balance.tb + balance.n
    assert balance.mf == balance.e - balance.m
    assert balance.eb > 0


def test_query_ledgers_fetches_ids_in_batches_of_twenty(
    sim: SimulatorServer, spot: KrakenSpotClient, account: SimAccount
) -> None:
    wanted = account.truth.ledgers[100:145]
    before = sim.counters["calls"][account.spot_key].get("private/QueryLedgers", 0)
    received = sorted(client_ledger_row(e) for e in spot.query_ledgers([e.id for e in wanted]))
    assert received == sorted(ledger_row(e) for e in wanted)
    assert sim.counters["calls"][account.spot_key]["private/QueryLedgers"] - before == 3


def test_query_trades_returns_the_trades_asked_for(
    spot: KrakenSpotClient, account: SimAccount
) -> None:
    wanted = account.truth.trades[10:35]
    received = sorted(client_trade_row(t) for t in spot.query_trades([t.txid for t in wanted]))
    assert received == sorted(trade_row(t, with_ledgers=False) for t in wanted)


def test_open_positions_equal_the_open_margin_positions(
    spot: KrakenSpotClient, account: SimAccount
) -> None:
    positions = spot.open_positions(docalcs=True)
    (truth,) = account.truth.open_margin_positions
    (position,) = positions
    assert (position.posid, position.ordertxid, position.pair, position.type) == (
        truth.txid,
        truth.ordertxid,
        truth.pair,
        truth.type,
    )
    assert (position.cost, position.vol, position.margin, position.fee) == (
        truth.cost,
        truth.vol,
        truth.margin,
        truth.fee,
    )
    assert position.time == utc_from_ticks(truth.ticks)
    assert position.value is not None and position.net is not None


def test_websockets_token_is_a_token_and_its_lifetime(spot: KrakenSpotClient) -> None:
    token, expires = spot.websockets_token()
    assert len(token) == 30
    assert expires == 900


def _wait_processed(spot: KrakenSpotClient, report: str, export_id: str) -> None:
    for _ in range(100):
        (status,) = [s for s in spot.export_status(report) if s.id == export_id]
        if status.status == "Processed":
            return
        time.sleep(0.01)
    raise AssertionError("export never processed")


def test_ledger_export_zip_parses_to_the_truth_and_is_removed(
    spot: KrakenSpotClient, account: SimAccount
) -> None:
    export_id = spot.add_export(report="ledgers", description="all ledgers", starttm=0)
    _wait_processed(spot, "ledgers", export_id)
    records = parse_export_zip(spot.retrieve_export(export_id))
    received = sorted(
        (e.ledger_id, e.refid, e.time, e.type, e.asset, e.amount, e.fee, e.balance) for e in records
    )
    expected = sorted(
        (
            e.id,
            e.refid,
            utc_from_ticks(e.ticks // 10_000 * 10_000),  # the CSV keeps whole seconds
            e.type,
            normalize_asset(e.asset),
            e.amount,
            e.fee,
            e.balance,
        )
        for e in account.truth.ledgers
    )
    assert len(received) == 1501
    assert received == expected
    assert {e.raw_asset for e in records} <= {a.display for a in ASSETS.values()}
    assert spot.remove_export(export_id) is True
    assert [s.id for s in spot.export_status("ledgers") if s.id == export_id] == []


def test_trades_export_zip_parses_to_the_truth(spot: KrakenSpotClient, account: SimAccount) -> None:
    export_id = spot.add_export(report="trades", description="all trades", starttm=0)
    _wait_processed(spot, "trades", export_id)
    records = parse_export_zip(spot.retrieve_export(export_id))
    received = sorted(
        (t.txid, t.ordertxid, t.pair, t.price, t.cost, t.fee, t.vol, t.ledgers) for t in records
    )
    expected = sorted(
        (t.txid, t.ordertxid, t.pair, t.price, t.cost, t.fee, t.vol, t.ledgers)
        for t in account.truth.trades
    )
    assert len(received) == 451
    assert received == expected
    assert spot.remove_export(export_id) is True


# -- spot public --------------------------------------------------------------------------------


def test_server_time_is_now(public: KrakenPublicClient) -> None:
    before = int(time.time())  # Kraken's unixtime is whole seconds
    answered = public.server_time().timestamp()
    assert before <= answered <= time.time()  # between the asking and the answer, however slow


def test_assets_and_pairs_are_parsed_with_normalised_codes(public: KrakenPublicClient) -> None:
    assets = public.assets()
    pairs = public.asset_pairs(["XBTUSD", "ETHXBT"])
    assert set(assets) == set(ASSETS)
    assert (assets["XXBT"].asset, assets["XXBT"].altname, assets["XXBT"].decimals) == (
        "BTC",
        "XBT",
        10,
    )
    assert sorted(pairs) == ["XETHXXBT", "XXBTZUSD"]
    assert (pairs["XXBTZUSD"].base, pairs["XXBTZUSD"].quote) == ("BTC", "USD")
    assert (pairs["XETHXXBT"].raw_base, pairs["XETHXXBT"].raw_quote) == ("XETH", "XXBT")


def test_ticker_last_price_is_the_last_daily_close(public: KrakenPublicClient) -> None:
    (ticker,) = public.ticker(["XBTUSD"]).values()
    bars, _last = public.ohlc("XBTUSD", interval=1440)
    assert ticker.last == bars[-1].close
    assert ticker.open == bars[-1].open
    assert ticker.low_today == bars[-1].low and ticker.high_today == bars[-1].high


def test_ohlc_daily_and_weekly_give_720_recent_bars_with_the_open_one_last(
    public: KrakenPublicClient,
) -> None:
    daily, daily_last = public.ohlc("XBTUSD", interval=1440)
    weekly, weekly_last = public.ohlc("XBTUSD", interval=10080)
    assert len(daily) == 720
    assert int(daily[-1].time.timestamp()) == daily_last
    assert int(weekly[-1].time.timestamp()) == weekly_last
    assert weekly[-1].time <= daily[-1].time < weekly[-1].time + timedelta(days=7)
    old, old_last = public.ohlc("XBTUSD", interval=1440, since=0)
    # `since` cannot reach older candles (the open one may have traded on in between).
    assert (old[:-1], old[-1].time, old_last) == (daily[:-1], daily[-1].time, daily_last)


def test_recent_trades_page_on_by_the_last_cursor(
    public: KrakenPublicClient, account: SimAccount
) -> None:
    trade = account.truth.trades[200]
    since = str(trade.ticks * 100_000 - 1)
    first, cursor = public.recent_trades(trade.pair, since=since, count=3)
    second, _ = public.recent_trades(trade.pair, since=cursor, count=3)
    assert first[0].trade_id == trade.trade_id
    assert (first[0].price, first[0].volume, first[0].timestamp) == (
        trade.price,
        trade.vol,
        trade.time,
    )
    ids = [t.trade_id for t in first + second]
    assert len(ids) == 6 and ids == sorted(set(ids))


# -- futures ------------------------------------------------------------------------------------


def test_futures_accounts_hold_the_flex_usd_balance(
    futures: KrakenFuturesClient, futures_account: SimAccount
) -> None:
    accounts = futures.accounts()
    assert sorted(accounts) == ["cash", "flex"]
    usd = futures_account.truth.futures_balances["usd"]
    assert accounts["flex"].balances == {"USD": usd}
    assert accounts["flex"].figures["balanceValue"] == usd


def test_futures_open_positions_equal_the_truth(
    futures: KrakenFuturesClient, futures_account: SimAccount
) -> None:
    received = [(p.symbol, p.side, p.price, p.size, p.fill_time) for p in futures.open_positions()]
    expected = [
        (p.symbol, p.side, p.price, p.size, utc_from_ms(p.ms))
        for p in futures_account.truth.futures_positions
    ]
    assert received == expected


def test_paging_all_futures_fills_equals_the_truth(
    sim: SimulatorServer, futures: KrakenFuturesClient, futures_account: SimAccount
) -> None:
    key = futures_account.futures_key
    before = sim.counters["calls"].get(key, {}).get("futures/fills", 0)
    received = [client_fill_row(f) for f in futures.iter_fills()]
    assert len(received) == 233
    assert received == [fill_row(f) for f in reversed(futures_account.truth.futures_fills)]
    assert (
        sim.counters["calls"][key]["futures/fills"] - before == 3
    )  # the third page is short: the end


def test_paging_the_v3_account_log_equals_the_truth(
    sim: SimulatorServer, futures: KrakenFuturesClient, futures_account: SimAccount
) -> None:
    received = [client_log_row(e) for e in futures.iter_account_log()]
    assert len(received) == 698
    assert received == [log_row(e) for e in futures_account.truth.futures_log]
    assert futures.history_version == "v3"


class _NoHistoryV3(HTTPAdapter):
    """A deployment whose /api/history/v3 does not exist (404), as older Kraken hosts answer."""

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        if "/api/history/v3/" in (request.path_url or ""):
            response = requests.Response()
            response.status_code = 404
            response._content = b'{"result":"error","error":"notFound"}'
            response.request = request
            return response
        return super().send(request, **kwargs)  # type: ignore[arg-type]


def test_account_log_falls_back_to_v2_when_v3_is_missing(
    sim: SimulatorServer, futures_account: SimAccount, state: MemoryState
) -> None:
    session = requests.Session()
    session.mount("http://", _NoHistoryV3())
    client = futures_client(sim, futures_account, state, session=session)
    key = futures_account.futures_key
    before: Mapping[str, int] = dict(sim.counters["calls"].get(key, {}))
    received = [client_log_row(e) for e in client.iter_account_log()]
    assert received == [log_row(e) for e in futures_account.truth.futures_log]
    assert client.history_version == "v2"
    after = sim.counters["calls"][key]
    assert after.get("history/v3/account-log", 0) == before.get("history/v3/account-log", 0)
    assert after["history/v2/account-log"] - before.get("history/v2/account-log", 0) == 2
