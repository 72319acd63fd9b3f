import pytest

from portfolio.kraken.assets import base_asset, normalize_asset, pair_index, split_pair
from portfolio.kraken.parsing import asset_pair


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("XXBT", "BTC"),
        ("XBT", "BTC"),
        ("ZUSD", "USD"),
        ("ZEUR", "EUR"),
        ("XETH", "ETH"),
        ("XXDG", "DOGE"),
        ("XDG", "DOGE"),
        ("XXLM", "XLM"),
        ("XTZ", "XTZ"),  # Tezos: three letters, not a prefixed code
        ("ZRX", "ZRX"),
        ("DOT", "DOT"),
        ("USDT", "USDT"),
        ("KFEE", "KFEE"),
        ("XXBT.M", "BTC.M"),
        ("XBT.M", "BTC.M"),
        ("ETH2.S", "ETH2.S"),
        ("ETH2", "ETH2"),
        ("DOT.S", "DOT.S"),
        ("DOT28.S", "DOT28.S"),
        ("DOT.P", "DOT.P"),
        ("USDT.F", "USDT.F"),
        ("USD.M", "USD.M"),
        ("ZEUR.HOLD", "EUR.HOLD"),
        ("SOL03.S", "SOL03.S"),
        ("SPCXx", "SPCXx"),  # tokenized stock: the lower-case x is part of the code
    ],
)
def test_normalize_asset(raw, normalized):
    assert normalize_asset(raw) == normalized


def test_bonded_staking_stays_distinguishable_from_flexible_staking_and_spot():
    codes = {normalize_asset("DOT28.S"), normalize_asset("DOT.S"), normalize_asset("DOT")}
    assert codes == {"DOT28.S", "DOT.S", "DOT"}


@pytest.mark.parametrize(
    ("normalized", "base"),
    [
        ("DOT28.S", "DOT"),
        ("BTC.M", "BTC"),
        ("ETH2.S", "ETH"),
        ("ETH2", "ETH"),
        ("USD.HOLD", "USD"),
        ("ATOM21.S", "ATOM"),
        ("FLOWH.S", "FLOW"),
        ("BTC", "BTC"),
    ],
)
def test_base_asset(normalized, base):
    assert base_asset(normalized) == base


@pytest.mark.parametrize(
    ("pair", "split"),
    [
        ("XXBTZUSD", ("BTC", "USD")),
        ("XETHXXBT", ("ETH", "BTC")),
        ("XBTUSDT", ("BTC", "USDT")),
        ("ETHXBT", ("ETH", "BTC")),
        ("DOTUSD", ("DOT", "USD")),
        ("USDTZUSD", ("USDT", "USD")),
        ("CHZUSD", ("CHZ", "USD")),
        ("XTZEUR", ("XTZ", "EUR")),
        ("ICXXBT", ("ICX", "BTC")),
        ("XBTPYUSD", ("BTC", "PYUSD")),
        ("ETH2.SETH", ("ETH2.S", "ETH")),
        ("XXBTZEUR.d", ("BTC", "EUR")),
        ("XBT/USD", ("BTC", "USD")),
        ("BTC/USD", ("BTC", "USD")),
        ("XDGUSD", ("DOGE", "USD")),
    ],
)
def test_split_pair_without_asset_pairs(pair, split):
    assert split_pair(pair) == split


def test_split_pair_prefers_asset_pairs_data_for_id_altname_and_wsname():
    raw = {
        "altname": "ETHXBT",
        "wsname": "ETH/XBT",
        "base": "XETH",
        "quote": "XXBT",
        "pair_decimals": 5,
        "lot_decimals": 8,
    }
    index = pair_index({"XETHXXBT": asset_pair("XETHXXBT", raw)})
    assert split_pair("XETHXXBT", index) == ("ETH", "BTC")
    assert split_pair("ETHXBT", index) == ("ETH", "BTC")
    assert split_pair("ETH/XBT", index) == ("ETH", "BTC")


def test_split_pair_raises_when_no_quote_fits():
    with pytest.raises(ValueError, match="look it up in AssetPairs"):
        split_pair("FOOBAR")
