"""Routes from an asset to a currency through Kraken's pairs."""

from portfolio.prices.routes import Leg, Route, find_route

PAIRS = {
    ("BTC", "USD"): "XXBTZUSD",
    ("BTC", "EUR"): "XXBTZEUR",
    ("ETH", "BTC"): "XETHXXBT",
    ("EUR", "USD"): "ZEURZUSD",
    ("DOT", "EUR"): "DOTEUR",
    ("GBP", "USD"): "ZGBPZUSD",
}


def test_same_currency_needs_no_pair():
    assert find_route(PAIRS, "USD", "USD") == Route("USD", "USD", ())


def test_direct_pair_is_preferred():
    assert find_route(PAIRS, "BTC", "USD").legs == (Leg("XXBTZUSD", inverted=False),)


def test_inverse_pair_divides():
    assert find_route(PAIRS, "USD", "EUR").legs == (Leg("ZEURZUSD", inverted=True),)


def test_cross_through_usd_first():
    assert find_route(PAIRS, "DOT", "USD").legs == (
        Leg("DOTEUR", inverted=False),
        Leg("ZEURZUSD", inverted=False),
    )


def test_cross_through_btc_when_no_fiat_pair():
    assert find_route(PAIRS, "ETH", "USD").legs == (
        Leg("XETHXXBT", inverted=False),
        Leg("XXBTZUSD", inverted=False),
    )


def test_cross_into_gbp_through_usd():
    assert find_route(PAIRS, "BTC", "GBP").legs == (
        Leg("XXBTZUSD", inverted=False),
        Leg("ZGBPZUSD", inverted=True),
    )


def test_no_route_is_none():
    assert find_route(PAIRS, "DOGE", "USD") is None
