"""Kraken's OHLCVT files: imported without a call, idempotent, refused when damaged or foreign;
with the simulator's file imported, income and crypto-to-crypto legs are valued within 0.1% of
the simulator's price at that moment."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portfolio.books import inputs
from portfolio.books.models import IncomeRow
from portfolio.books.prices import prices_fill_for
from portfolio.books.services import accounting_rebuild
from portfolio.models import PriceCoverage, PriceQuote
from portfolio.prices.ohlcvt import OHLCVTError, ohlcvt_import
from portfolio.simulator.assets import PAIRS
from portfolio.simulator.market import TICKS
from portfolio.simulator.ohlcvt import write_ohlcvt
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)
USD_PAIRS = {
    "BTC": "XXBTZUSD",
    "ETH": "XETHZUSD",
    "DOT": "DOTUSD",
    "SOL": "SOLUSD",
    "USDT": "USDTZUSD",
}
CRYPTO_PAIRS = ("XETHXXBT", "DOTXBT", "SOLXBT")
INCOME = ("staking", "earn")


def small_file(simulator, tmp_path: Path) -> Path:
    path = tmp_path / "ohlcvt.zip"
    write_ohlcvt(
        simulator.market,
        path,
        now=simulator.now(),
        first_day=dt.date(2025, 6, 1),
        last_day=dt.date(2025, 6, 2),
        pairs=["XXBTZUSD"],
        intervals=(1, 60, 1440),
    )
    return path


def test_import_stores_every_candle_once_and_is_idempotent(simulator, tmp_path):
    path = small_file(simulator, tmp_path)
    first = ohlcvt_import(path=path)
    stored = PriceQuote.objects.count()
    assert first.members == 3 and stored == first.rows
    assert PriceQuote.objects.filter(pair="XBTUSD", interval=1440).count() == 2
    assert 1200 * 2 < PriceQuote.objects.filter(pair="XBTUSD", interval=1).count() <= 1440 * 2
    assert set(PriceQuote.objects.values_list("source", flat=True)) == {"file"}
    ohlcvt_import(path=path)
    assert PriceQuote.objects.count() == stored


def test_the_command_imports_only_the_pairs_asked_for(simulator, tmp_path):
    path = small_file(simulator, tmp_path)
    call_command("prices_import", str(path), "--pairs", "ETHUSD", "--no-progress")
    assert PriceQuote.objects.count() == 0
    call_command("prices_import", str(path), "--pairs", "XBTUSD", "--no-progress")
    assert PriceQuote.objects.filter(pair="XBTUSD").exists()


def test_a_truncated_file_is_refused_and_nothing_is_stored(simulator, tmp_path):
    path = small_file(simulator, tmp_path)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CommandError, match="not a complete zip file"):
        call_command("prices_import", str(cut), "--no-progress")
    assert PriceQuote.objects.count() == 0 and PriceCoverage.objects.count() == 0


def test_a_foreign_file_is_refused_and_nothing_is_stored(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("timestamp,open\n1,2\n")
    with pytest.raises(OHLCVTError, match="not a complete zip file"):
        ohlcvt_import(path=text)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("report.csv", "a,b,c\n")
    with pytest.raises(OHLCVTError, match="not a Kraken OHLCVT file"):
        ohlcvt_import(path=other)
    assert PriceQuote.objects.count() == 0


def test_a_bad_row_rolls_back_its_member_with_its_name_and_line(tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("XBTUSD_60.csv", "1748736000,1,2,0.5,1.5,3,4\n1748739600,1,2,x,1,1,1\n")
    with pytest.raises(OHLCVTError, match="XBTUSD_60.csv line 2"):
        ohlcvt_import(path=bad)
    assert PriceQuote.objects.count() == 0


def market_price(simulator, asset: str, at: dt.datetime) -> Decimal:
    ticks = int(at.timestamp() * TICKS)
    return simulator.market.price_at(PAIRS[USD_PAIRS[asset]], ticks)


def within(value: Decimal, expected: Decimal, share: Decimal) -> bool:
    return abs(value - expected) <= expected * share


@pytest.fixture
def account_with_file(simulator, tmp_path):
    account = simulator.add_account(seed=78, size=300)
    connection = connect(simulator, account)
    assert sync(connection).state == "succeeded"
    # a small file: the days of the account's income and crypto-to-crypto trades only
    moments = [e.time for e in account.truth.ledgers if e.type in INCOME] + [
        t.time for t in account.truth.trades if t.pair in CRYPTO_PAIRS
    ]
    days = {dt.datetime.fromtimestamp(int(m), dt.UTC).date() for m in moments}
    path = tmp_path / "market.zip"
    write_ohlcvt(
        simulator.market,
        path,
        now=simulator.now(),
        first_day=min(days),
        last_day=max(days),
        pairs=[*USD_PAIRS.values(), *CRYPTO_PAIRS],
        intervals=(1, 5, 1440),
        only_days=days,
    )
    return account, connection, path


def test_with_the_file_income_and_crypto_legs_are_within_a_tenth_of_a_percent(
    simulator, account_with_file
):
    account, connection, path = account_with_file
    user = connection.user
    call_command("prices_import", str(path), "--no-progress")
    as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    run = accounting_rebuild(user=user, as_of=as_of, force=True, daily_values=False)
    income = IncomeRow.objects.filter(run=run, asset__in=USD_PAIRS)
    assert income.count() >= 10, list(IncomeRow.objects.filter(run=run).values("asset", "time"))
    for row in income:
        assert "m candle" in row.source and "(file" in row.source, row.source
        price = row.value / row.quantity
        assert within(price, market_price(simulator, row.asset, row.time), Decimal("0.001"))
    prices = inputs.price_source(user=user)
    crypto = [t for t in account.truth.trades if t.pair in CRYPTO_PAIRS]
    assert len(crypto) >= 3
    for trade in crypto:
        at = dt.datetime.fromtimestamp(float(trade.time), dt.UTC)
        for asset in (PAIRS[trade.pair].base, "XXBT"):
            code = {"XETH": "ETH", "XXBT": "BTC"}.get(asset, asset)
            value = prices.price(code, "USD", at).value
            assert within(value, market_price(simulator, code, at), Decimal("0.001"))


def test_without_the_file_a_value_lies_within_the_candle_the_rule_names(
    simulator, account_with_file
):
    _account, connection, _path = account_with_file
    user = connection.user
    prices_fill_for(user=user)
    as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    run = accounting_rebuild(user=user, as_of=as_of, force=True, daily_values=False)
    rows = IncomeRow.objects.filter(run=run, asset__in=USD_PAIRS)
    assert rows.count() >= 5
    for row in rows:
        # the rule's promise: the close of a stored candle at or before the moment's candle
        candle = _named_candle(row.source)
        assert candle.time <= row.time < candle.time + dt.timedelta(minutes=2 * candle.interval)
        assert abs(row.value - row.quantity * candle.close) <= Decimal("1e-10")


def _named_candle(source: str) -> PriceQuote:
    # "Kraken XBTUSD 1440m candle 2025-06-01 00:00 UTC close (api)"
    words = source.split()
    pair, interval = words[1], int(words[2].rstrip("m"))
    start = dt.datetime.fromisoformat(f"{words[4]}T{words[5]}+00:00")
    return PriceQuote.objects.get(pair=pair, interval=interval, time=start)
