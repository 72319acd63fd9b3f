"""The price service against the simulator's public API, over real HTTP."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import requests

from portfolio.accounting import PriceNotFound
from portfolio.kraken import KrakenPublicClient, RateTier
from portfolio.models import PriceQuote
from portfolio.prices.service import PriceService

pytestmark = pytest.mark.django_db


def public(simulator) -> KrakenPublicClient:
    return KrakenPublicClient(base_url=simulator.base_url, tier=RateTier(Decimal(5), Decimal(500)))


def today() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def daily_vwap(simulator, pair: str, day: datetime) -> Decimal:
    body = public_get(simulator, "OHLC", {"pair": pair, "interval": 1440})
    rows = {int(row[0]): row for row in body["result"][pair]}
    row = rows[int(day.timestamp())]
    return Decimal(row[5]) if Decimal(row[5]) > 0 else Decimal(row[4])


def public_get(simulator, method: str, params: dict) -> dict:
    """A raw public call, waiting out the simulator's public rate limit like a polite client."""
    for _ in range(50):
        body = requests.get(
            f"{simulator.base_url}/0/public/{method}", params=params, timeout=10
        ).json()
        if body["error"] != ["EGeneral:Too many requests"]:
            return body
        time.sleep(0.05)
    raise AssertionError("the simulator kept refusing public calls")


def trades_vwap(simulator, pair: str, day: datetime) -> Decimal:
    since = str(int(day.timestamp()) * 1_000_000_000)
    body = public_get(simulator, "Trades", {"pair": pair, "since": since, "count": 1000})
    end = (day + timedelta(days=1)).timestamp()
    rows = [r for r in body["result"][pair] if r[2] < end]
    volume = sum(Decimal(r[1]) for r in rows)
    return (sum(Decimal(r[0]) * Decimal(r[1]) for r in rows) / volume).quantize(Decimal("1e-10"))


def test_a_recent_day_is_priced_from_its_daily_bar(simulator):
    day = today() - timedelta(days=40)
    price = PriceService(public=public(simulator)).price("BTC", "USD", day + timedelta(hours=13))
    assert price.value == daily_vwap(simulator, "XXBTZUSD", day)
    assert price.source == f"Kraken XXBTZUSD daily VWAP {day:%Y-%m-%d}"


def test_an_old_day_is_priced_from_that_days_public_trades(simulator):
    day = datetime(2022, 3, 9, tzinfo=UTC)
    price = PriceService(public=public(simulator)).price("ETH", "USD", day + timedelta(hours=8))
    assert price.value == trades_vwap(simulator, "XETHZUSD", day)
    assert price.source == "Kraken XETHZUSD trades VWAP 2022-03-09"


def test_no_direct_pair_goes_through_a_cross_rate(simulator):
    day = datetime(2022, 6, 1, tzinfo=UTC)
    service = PriceService(public=public(simulator))
    dot_gbp = service.price("DOT", "GBP", day)
    # no DOT/GBP and no GBP/USD pair: DOT -> BTC -> GBP
    expected = trades_vwap(simulator, "DOTXBT", day) * trades_vwap(simulator, "XXBTZGBP", day)
    assert dot_gbp.value == expected
    assert dot_gbp.source == (
        "Kraken DOTXBT trades VWAP 2022-06-01 × Kraken XXBTZGBP trades VWAP 2022-06-01"
    )


def test_an_inverted_pair_divides(simulator):
    day = datetime(2023, 2, 2, tzinfo=UTC)
    usd_in_btc = PriceService(public=public(simulator)).price("USD", "BTC", day)
    assert usd_in_btc.value == Decimal(1) / trades_vwap(simulator, "XXBTZUSD", day)
    assert usd_in_btc.source == "1/(Kraken XXBTZUSD trades VWAP 2023-02-02)"


def test_a_price_is_fetched_once_then_served_from_the_database(simulator):
    day = datetime(2021, 11, 17, tzinfo=UTC)
    first = PriceService(public=public(simulator)).price("SOL", "USD", day)
    stored = PriceQuote.objects.count()
    assert stored >= 1
    simulator.reset_counters()
    again = PriceService(public=public(simulator)).price("SOL", "USD", day)
    assert again == first
    calls = simulator.counters["calls"]
    public_calls = sum(
        n for key, by in calls.items() for ep, n in by.items() if "Trades" in ep or "OHLC" in ep
    )
    assert public_calls == 0
    assert PriceQuote.objects.count() == stored


def test_one_trades_call_prices_every_complete_day_it_covers(simulator):
    start = datetime(2021, 8, 2, tzinfo=UTC)
    days = [start + timedelta(days=n) for n in range(20)]
    service = PriceService(public=public(simulator))
    simulator.reset_counters()
    prices = [service.price("DOT", "USD", d + timedelta(hours=12)) for d in days]
    per_endpoint = {ep: n for by in simulator.counters["calls"].values() for ep, n in by.items()}
    assert per_endpoint["public/Trades"] == 1
    assert [p.value for p in prices] == [trades_vwap(simulator, "DOTUSD", d) for d in days]


def test_charts_use_weekly_bars_for_old_days_instead_of_a_call_per_day(simulator):
    service = PriceService(public=public(simulator), coarse=True)
    simulator.reset_counters()
    days = [datetime(2021, 5, 1, tzinfo=UTC) + timedelta(days=n) for n in range(60)]
    values = [service.price("BTC", "USD", d) for d in days]
    calls = simulator.counters["calls"]
    per_endpoint = {ep: n for by in calls.values() for ep, n in by.items()}
    assert per_endpoint.get("public/Trades", 0) == 0
    assert per_endpoint.get("public/OHLC", 0) <= 2
    assert all(v.source.startswith("Kraken XXBTZUSD weekly VWAP, week of ") for v in values)
    assert len({v.value for v in values}) >= 8  # about one value per week


def test_an_asset_kraken_does_not_list_has_no_price(simulator):
    with pytest.raises(PriceNotFound, match="no price for NOPE/USD"):
        PriceService(public=public(simulator)).price(
            "NOPE", "USD", datetime(2022, 1, 1, tzinfo=UTC)
        )


def test_a_recent_moment_is_priced_from_its_hourly_bar(simulator):
    body = public_get(simulator, "OHLC", {"pair": "XXBTZUSD", "interval": 60})
    bars = [row for row in body["result"]["XXBTZUSD"][:-1] if Decimal(row[5]) > 0]
    hour = datetime.fromtimestamp(bars[-1][0], UTC)
    price = PriceService(public=public(simulator)).price("BTC", "USD", hour + timedelta(minutes=25))
    assert price.value == Decimal(bars[-1][5])
    assert price.source == f"Kraken XXBTZUSD hourly VWAP {hour:%Y-%m-%d %H:%M} UTC"


def test_an_hour_without_trades_falls_back_to_the_day(simulator):
    body = public_get(simulator, "OHLC", {"pair": "XETHZUSD", "interval": 60})
    traded = {int(row[0]) for row in body["result"]["XETHZUSD"] if Decimal(row[5]) > 0}
    start = datetime.fromtimestamp(int(body["result"]["XETHZUSD"][0][0]), UTC)
    quiet = next(
        start + timedelta(hours=n)
        for n in range(1, 700)
        if int((start + timedelta(hours=n)).timestamp()) not in traded
    )
    price = PriceService(public=public(simulator)).price("ETH", "USD", quiet + timedelta(minutes=5))
    day = quiet.replace(hour=0)
    assert price.source == f"Kraken XETHZUSD daily VWAP {day:%Y-%m-%d}"
    assert price.value == daily_vwap(simulator, "XETHZUSD", day)
