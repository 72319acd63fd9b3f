"""Prices for valuation: Kraken's public OHLC and Trades, cached in the database.

`PriceService.price(asset, quote, at)` answers "the price of one `asset` in `quote` at `at`"
with the source of the number, through a USD, EUR or BTC cross where Kraken has no direct pair.
It satisfies the accounting engine's `PriceSource` protocol.
"""
