from datetime import UTC, datetime
from decimal import Decimal

from portfolio.kraken.exports import parse_export_zip, parse_trades_export
from tests.kraken.fake_kraken import export_zip

TRADES_CSV = (
    "txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,margin,misc,ledgers\n"
    "TTTTTT-AAAAA-BBBBBB,OOOOOO-AAAAA-BBBBBB,BTC/USD,2023-12-14 15:24:51,buy,limit,"
    '42000.1,42.0001,0.0672,0.00100000,0.00000,,"LA1,LA2"\n'
)


def test_ledger_export_rows_become_ledger_entries_and_failed_rows_are_skipped():
    (entry,) = parse_export_zip(export_zip())
    assert entry.ledger_id == "LXCY6M-XDSKI-5VM4X6"
    assert entry.time == datetime(2023, 12, 14, 15, 24, 51, tzinfo=UTC)
    assert entry.timestamp == Decimal(1702567491)
    assert (entry.asset, entry.wallet) == ("BTC", "spot / main")
    assert entry.amount == Decimal("-0.0007197400")
    assert entry.balance == Decimal("0.0037099500")


def test_trades_export_with_display_pair_names():
    (trade,) = parse_trades_export(export_zip(TRADES_CSV, "trades.csv"))
    assert (trade.base, trade.quote) == ("BTC", "USD")
    assert trade.cost == Decimal("42.0001")
    assert trade.ledgers == ("LA1", "LA2")
