"""The reference's example responses (sections 3 and 4) have the simulator's shapes and fields."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from portfolio.simulator import SimAccount

from .helpers import Futures, Spot

LEDGER = json.loads("""{"refid": "TJKLXF-PGMUI-4NTLXU", "time": 1688464484.1787, "type": "trade",
  "subtype": "", "aclass": "currency", "asset": "ZGBP", "amount": "-24.5000", "fee": "0.0490",
  "balance": "459567.9171"}""")
TRADE = json.loads("""{"ordertxid": "OQCLML-BW3P3-BUCMWZ", "postxid": "TKH2SE-M7IF5-CFI7LT",
  "pair": "XXBTZUSD",
  "time": 1688667796.8802, "type": "buy", "ordertype": "limit", "price": "30010.00000",
  "cost": "600.20000", "fee": "0.00000", "vol": "0.02000000", "margin": "0.00000",
  "misc": "", "trade_id": 40274859, "maker": true}""")
ORDER = json.loads("""{"refid": "None", "userref": 1, "status": "canceled",
    "reason": "User requested", "opentm": 1688148493.7708, "closetm": 1688148610.0482,
    "starttm": 0, "expiretm": 0,
    "descr": {"pair": "XBTGBP", "type": "buy", "ordertype": "stop-loss-limit", "price": "23667.0",
      "price2": "0", "leverage": "none", "order": "buy 0.00100000 XBTGBP @ limit 23667.0",
      "close": ""},
    "vol": "0.00100000", "vol_exec": "0.00000000", "cost": "0.00000", "fee": "0.00000",
    "price": "0.00000", "stopprice": "0.00000", "limitprice": "0.00000", "misc": "",
    "oflags": "fciq", "trigger": "index"}""")
POSITION = json.loads("""{"ordertxid": "OLWNFG-LLH4R-D6SFFP", "posstatus": "open",
    "pair": "XXBTZUSD",
    "time": 1605280097.8294, "type": "buy", "ordertype": "limit", "cost": "104610.52842",
    "fee": "289.06565", "vol": "8.82412861", "vol_closed": "0.20200000", "margin": "20922.10568",
    "value": "258797.5", "net": "+154186.9728", "terms": "0.0100% per 4 hours",
    "rollovertm": "1616672637", "misc": "", "oflags": ""}""")
TRADE_BALANCE = {"eb", "tb", "m", "n", "c", "v", "e", "mf", "ml"}
EXPORT_STATUS = {
    "id",
    "descr",
    "format",
    "report",
    "subtype",
    "status",
    "flags",
    "fields",
    "createdtm",
    "expiretm",
    "starttm",
    "completedtm",
    "datastarttm",
    "dataendtm",
    "aclass",
    "asset",
}
ASSET = {"aclass", "altname", "decimals", "display_decimals", "collateral_value", "status"}
PAIR = {
    "altname",
    "wsname",
    "aclass_base",
    "base",
    "aclass_quote",
    "quote",
    "lot",
    "cost_decimals",
    "pair_decimals",
    "lot_decimals",
    "lot_multiplier",
    "leverage_buy",
    "leverage_sell",
    "fees",
    "fees_maker",
    "fee_volume_currency",
    "margin_call",
    "margin_stop",
    "ordermin",
    "costmin",
    "tick_size",
    "status",
    "long_position_limit",
    "short_position_limit",
}
TICKER = {"a", "b", "c", "v", "p", "t", "l", "h", "o"}
FILL = {"fill_id", "symbol", "side", "order_id", "size", "price", "fillTime", "fillType"}
FUTURES_POSITION = {"side", "symbol", "price", "fillTime", "size", "unrealizedFunding"}
LOG_V2 = json.loads("""{"id": 10, "date": "2023-04-04T16:10:46.260Z", "asset": "eth",
   "info": "admin transfer",
   "booking_uid": "be3d0e19-887a-4a8e-b8f6-32b9ef7f04ab", "margin_account": "ETH",
   "old_balance": 0.0, "new_balance": 2.6868286287, "old_average_entry_price": null,
   "new_average_entry_price": null, "trade_price": null, "mark_price": null, "realized_pnl": null,
   "fee": null, "execution": null, "collateral": null, "contract": null, "funding_rate": null,
   "realized_funding": null, "conversion_spread_percentage": null}""")


def _same_types(example: dict[str, Any], served: dict[str, Any]) -> None:
    for key, value in example.items():
        if value is None or key == "trigger" or (key == "reason" and served[key] is None):
            continue  # filled orders carry reason null; trigger only exists on stop orders
        if isinstance(value, dict):
            _same_types(value, served[key])
        elif isinstance(value, float):
            assert isinstance(served[key], float | Decimal), key
        else:
            assert type(served[key]) is type(value), key


def test_ledger_entry_matches_the_example(spot: Spot) -> None:
    entry = next(iter(spot.result("Ledgers")["ledger"].values()))
    assert set(entry) == set(LEDGER)
    _same_types(LEDGER, entry)


def test_trade_matches_the_example_plus_documented_extras(spot: Spot) -> None:
    for trade in spot.result("TradesHistory", ledgers="true")["trades"].values():
        assert set(trade) - set(TRADE) <= {"leverage", "posstatus", "ledgers"}
        assert set(TRADE) <= set(trade)
        _same_types(TRADE, trade)


def test_closed_order_matches_the_example(spot: Spot) -> None:
    for order in spot.result("ClosedOrders", trades="true")["closed"].values():
        assert set(order) - {"trades"} == set(ORDER) - {"trigger"}
        assert set(order["descr"]) == set(ORDER["descr"])
        _same_types(ORDER, order)


def test_open_position_matches_the_example(spot: Spot, account: SimAccount) -> None:
    positions = spot.result("OpenPositions", docalcs="true")
    assert list(positions) == [p.txid for p in account.truth.open_margin_positions]
    position = next(iter(positions.values()))
    assert set(position) == set(POSITION)
    _same_types(POSITION, position)
    assert set(next(iter(spot.result("OpenPositions").values()))) == set(POSITION) - {
        "value",
        "net",
    }


def test_balance_shapes_are_string_decimals(spot: Spot) -> None:
    assert spot.result("Balance")["XXBT"].count(".") == 1
    assert len(spot.result("Balance")["XXBT"].split(".")[1]) == 10
    assert len(spot.result("Balance")["ZUSD"].split(".")[1]) == 4
    assert set(spot.result("BalanceEx")["ZUSD"]) == {"balance", "hold_trade"}
    assert set(spot.result("TradeBalance")) == TRADE_BALANCE


def test_public_shapes_match_the_examples(spot: Spot) -> None:
    assert set(spot.public("Assets", asset="XBT")["result"]["XXBT"]) == ASSET
    assert spot.public("Assets", asset="XBT")["result"]["XXBT"]["decimals"] == 10
    pair = spot.public("AssetPairs", pair="XBTUSD")["result"]["XXBTZUSD"]
    assert set(pair) == PAIR and (pair["base"], pair["quote"], pair["wsname"]) == (
        "XXBT",
        "ZUSD",
        "XBT/USD",
    )
    assert set(spot.public("Ticker", pair="XBTUSD")["result"]["XXBTZUSD"]) == TICKER
    assert set(spot.public("Time")["result"]) == {"unixtime", "rfc1123"}
    ohlc = spot.public("OHLC", pair="XBTUSD", interval=1440)["result"]
    assert set(ohlc) == {"XXBTZUSD", "last"} and len(ohlc["XXBTZUSD"][0]) == 8
    trades = spot.public("Trades", pair="XBTUSD", count=2)["result"]
    assert set(trades) == {"XXBTZUSD", "last"} and len(trades["XXBTZUSD"][0]) == 7
    assert isinstance(trades["last"], str)


def test_futures_shapes_match_the_examples(futures: Futures) -> None:
    accounts = futures.json("/derivatives/api/v3/accounts")
    assert (accounts["result"], set(accounts["accounts"])) == ("success", {"cash", "flex"})
    assert accounts["serverTime"].endswith("Z")
    assert set(futures.json("/derivatives/api/v3/fills")["fills"][0]) == FILL
    position = futures.json("/derivatives/api/v3/openpositions")["openPositions"][0]
    assert set(position) >= FUTURES_POSITION
    log = futures.json("/api/history/v2/account-log", "count=1")
    assert set(log) == {"accountUid", "logs"} and set(log["logs"][0]) == set(LOG_V2)
    v3 = futures.json("/api/history/v3/account-log", "count=1")["logs"][0]
    extra = {"liquidation_fee", "exchange_rate", "conversion_fee", "exchange_rate_from"}
    assert set(v3) == set(LOG_V2) | extra
