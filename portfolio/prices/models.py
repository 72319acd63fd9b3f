"""The shared price store: completed candles of Kraken pairs, what was fetched, manual prices.

Prices are public, so candles and coverage serve every user; a manual price belongs to the user
who entered it. Loaded into the portfolio app through portfolio.models.
"""

from django.conf import settings
from django.db import models


class PriceQuote(models.Model):
    """One completed candle of a pair (by its altname, as Kraken's OHLCVT files name it).

    A candle is stored only once its period has ended and is never changed afterwards; a second
    source of the same candle only adds a VWAP the first one lacked.
    """

    class Source(models.TextChoices):
        API = "api", "Kraken OHLC API"
        FILE = "file", "Kraken OHLCVT file"
        TRADES = "trades", "Kraken public Trades"

    pair = models.CharField(max_length=32)
    interval = models.PositiveIntegerField(help_text="Minutes.")
    time = models.DateTimeField(help_text="Start of the candle (UTC).")
    open = models.DecimalField(max_digits=30, decimal_places=10)
    high = models.DecimalField(max_digits=30, decimal_places=10)
    low = models.DecimalField(max_digits=30, decimal_places=10)
    close = models.DecimalField(max_digits=30, decimal_places=10)
    vwap = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    volume = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    trades = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.API)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "portfolio"
        constraints = [
            models.UniqueConstraint(fields=["pair", "interval", "time"], name="unique_price_quote")
        ]
        indexes = [models.Index(fields=["pair", "time"], name="price_pair_time")]

    def __str__(self) -> str:
        return f"{self.pair} {self.interval}m {self.time:%Y-%m-%d %H:%M}"


class PriceCoverage(models.Model):
    """A span [start, end) of one pair and interval for which every candle with trades is stored.

    Bookkeeping for the fill ("never fetched twice"); the valuation rule reads candles only.
    """

    pair = models.CharField(max_length=32)
    interval = models.PositiveIntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    source = models.CharField(max_length=8, choices=PriceQuote.Source.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "portfolio"
        indexes = [models.Index(fields=["pair", "interval", "end"], name="price_cover_pair")]

    def __str__(self) -> str:
        return f"{self.pair} {self.interval}m {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


class ManualPrice(models.Model):
    """A price one user entered by hand for an asset at a moment (used where Kraken has none)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manual_prices"
    )
    asset = models.CharField(max_length=32)
    quote = models.CharField(max_length=32)
    time = models.DateTimeField()
    price = models.DecimalField(max_digits=30, decimal_places=10)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "portfolio"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "asset", "quote", "time"], name="unique_manual_price"
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset}/{self.quote} {self.time:%Y-%m-%d %H:%M} = {self.price}"
