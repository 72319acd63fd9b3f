from datetime import UTC, datetime
from decimal import Decimal

import pytest

from portfolio.kraken import parsing
from portfolio.kraken.parsing_futures import (
    futures_account,
    futures_fill,
    futures_log_entry,
    futures_position,
)

TRADES = b"""{"error": [], "result": {"trades": {"THVRQM-33VKH-UCI7BS": {
  "ordertxid": "OQCLML-BW3P3-BUCMWZ", "postxid": "TKH2SE-M7IF5-CFI7LT", "pair": "XXBTZUSD",
  "time": 1688667796.8802, "type": "buy", "ordertype": "limit", "price": "30010.00000",
  "cost": "600.20000", "fee": "0.00000", "vol": "0.02000000", "margin": "0.00000",
  "misc": "", "trade_id": 40274859, "maker": true}}, "count": 2}}"""

LEDGERS = b"""{"error": [], "result": {"ledger": {
  "L4UESK-KG3EQ-UFO4T5": {"refid": "TJKLXF-PGMUI-4NTLXU", "time": 1688464484.1787,
  "type": "trade", "subtype": "", "aclass": "currency", "asset": "ZGBP", "amount": "-24.5000",
  "fee": "0.0490", "balance": "459567.9171"}}, "count": 2}}"""


def test_loads_turns_every_json_fraction_into_decimal():
    body = parsing.loads(b'{"a": 0.1, "b": 1688667796.8802, "c": 7}')
    assert body == {"a": Decimal("0.1"), "b": Decimal("1688667796.8802"), "c": 7}
    assert type(body["a"]) is Decimal


def test_dec_refuses_floats():
    with pytest.raises(ValueError, match="not a Kraken decimal"):
        parsing.dec(0.1)


def test_trade_from_trades_history_example():
    result = parsing.loads(TRADES)["result"]
    trade = parsing.trade("THVRQM-33VKH-UCI7BS", result["trades"]["THVRQM-33VKH-UCI7BS"])
    assert trade.time == datetime(2023, 7, 6, 18, 23, 16, 880200, tzinfo=UTC)
    assert trade.timestamp == Decimal("1688667796.8802")
    assert (trade.base, trade.quote) == ("BTC", "USD")
    assert trade.price == Decimal("30010.00000")
    assert trade.cost == Decimal("600.20000")
    assert trade.vol == Decimal("0.02000000")
    assert trade.fee == Decimal("0.00000")
    assert trade.trade_id == 40274859
    assert trade.maker is True


def test_ledger_entry_from_ledgers_example():
    raw = parsing.loads(LEDGERS)["result"]["ledger"]["L4UESK-KG3EQ-UFO4T5"]
    entry = parsing.ledger_entry("L4UESK-KG3EQ-UFO4T5", raw)
    assert entry.asset == "GBP"
    assert entry.raw_asset == "ZGBP"
    assert entry.amount == Decimal("-24.5000")
    assert entry.fee == Decimal("0.0490")
    assert entry.balance == Decimal("459567.9171")
    assert entry.time == datetime(2023, 7, 4, 9, 54, 44, 178700, tzinfo=UTC)
    assert entry.time.tzinfo is UTC


def test_balances_keep_raw_and_normalised_codes_and_survive_a_missing_result():
    rows = parsing.balances({"XXBT": "1011.1908877900", "ETH2.S": "198.3970800000"})
    assert [(r.asset, r.raw_asset, r.balance) for r in rows] == [
        ("BTC", "XXBT", Decimal("1011.1908877900")),
        ("ETH2.S", "ETH2.S", Decimal("198.3970800000")),
    ]
    assert parsing.balances(None) == ()


def test_balance_ex_available_follows_krakens_rule():
    (entry,) = parsing.balance_ex({"XXBT": {"balance": "2.1031709100", "hold_trade": "0.1401"}})
    assert entry.available == Decimal("1.9630709100")
    assert entry.credit == Decimal("0")


def test_closed_order_uses_descr_altname_pair():
    raw = parsing.loads(b"""{"refid": "None", "userref": 1, "status": "canceled",
      "reason": "User requested", "opentm": 1688148493.7708, "closetm": 1688148610.0482,
      "starttm": 0, "expiretm": 0, "descr": {"pair": "XBTGBP", "type": "buy",
      "ordertype": "stop-loss-limit", "price": "23667.0", "price2": "0", "leverage": "none",
      "order": "buy 0.00100000 XBTGBP @ limit 23667.0", "close": ""}, "vol": "0.00100000",
      "vol_exec": "0.00000000", "cost": "0.00000", "fee": "0.00000", "price": "0.00000",
      "stopprice": "0.00000", "limitprice": "0.00000", "misc": "", "oflags": "fciq"}""")
    order = parsing.closed_order("O37652-RJWRT-IMO74O", raw)
    assert order.pair == "XBTGBP"
    assert order.descr_price == Decimal("23667.0")
    assert order.closetm == datetime(2023, 6, 30, 18, 10, 10, 48200, tzinfo=UTC)


def test_asset_pair_and_asset_info():
    pair = parsing.asset_pair(
        "XETHXXBT",
        {
            "altname": "ETHXBT",
            "wsname": "ETH/XBT",
            "base": "XETH",
            "quote": "XXBT",
            "pair_decimals": 5,
            "lot_decimals": 8,
            "cost_decimals": 6,
            "ordermin": "0.01",
            "costmin": "0.00002",
            "tick_size": "0.00001",
        },
    )
    assert (pair.base, pair.quote, pair.ordermin) == ("ETH", "BTC", Decimal("0.01"))
    info = parsing.asset_info(
        "XXBT",
        {
            "aclass": "currency",
            "altname": "XBT",
            "decimals": 10,
            "display_decimals": 5,
            "collateral_value": 1,
            "status": "enabled",
        },
    )
    assert (info.asset, info.decimals, info.collateral_value) == ("BTC", 10, Decimal(1))


def test_ohlc_public_trades_and_ticker_rows():
    bar = parsing.ohlc_bar(
        "XXBTZUSD",
        [1688671200, "30306.1", "30306.2", "30305.7", "30305.7", "30306.1", "3.39243896", 23],
    )
    assert (bar.time, bar.high, bar.count) == (
        datetime(2023, 7, 6, 19, 20, tzinfo=UTC),
        Decimal("30306.2"),
        23,
    )
    row = parsing.loads(
        b'["30243.40000", "0.34507674", 1688669597.8277369, "b", "m", "", 61044952]'
    )
    trade = parsing.public_trade("XXBTZUSD", row)
    assert (trade.price, trade.side, trade.trade_id) == (Decimal("30243.40000"), "b", 61044952)
    assert trade.time == datetime(2023, 7, 6, 18, 53, 17, 827737, tzinfo=UTC)


def test_futures_accounts_fills_positions_and_log():
    body = parsing.loads(b"""{"cash": {"type": "cashAccount", "balances": {"xbt": 0.0524990493,
      "usd": 5000.0}}, "flex": {"type": "multiCollateralMarginAccount", "currencies": {"BTC":
      {"quantity": 0.0524990493, "value": 4822.46}}, "portfolioValue": 22082.18306965742}}""")
    cash = futures_account("cash", body["cash"])
    assert cash.balances == {"BTC": Decimal("0.0524990493"), "USD": Decimal("5000.0")}
    flex = futures_account("flex", body["flex"])
    assert flex.balances == {"BTC": Decimal("0.0524990493")}
    assert flex.figures["portfolioValue"] == Decimal("22082.18306965742")
    fill = futures_fill(
        parsing.loads(b"""{"fill_id": "3d57", "symbol": "PF_XBTUSD",
      "side": "buy", "order_id": "693a", "size": 5490, "price": 9400,
      "fillTime": "2020-07-22T13:37:27.077Z", "fillType": "maker"}""")
    )
    assert fill.fill_time == datetime(2020, 7, 22, 13, 37, 27, 77000, tzinfo=UTC)
    assert (fill.size, fill.price) == (Decimal(5490), Decimal(9400))
    position = futures_position(
        parsing.loads(b"""{"side": "short", "symbol": "pi_xbtusd",
      "price": 9392.749993345933, "fillTime": "2020-07-22T14:39:12.376Z", "size": 10000,
      "unrealizedFunding": 1.045432180096817E-5}""")
    )
    assert position.unrealized_funding == Decimal("0.00001045432180096817")
    log = futures_log_entry(
        parsing.loads(b"""{"id": 10, "date": "2023-04-04T16:10:46.260Z",
      "asset": "eth", "info": "admin transfer", "booking_uid": "be3d", "margin_account": "ETH",
      "old_balance": 0.0, "new_balance": 2.6868286287, "fee": null, "execution": null}""")
    )
    assert (log.asset, log.raw_asset, log.new_balance, log.fee) == (
        "ETH",
        "eth",
        Decimal("2.6868286287"),
        None,
    )
