"""Cached public market data. Loaded into the portfolio app through portfolio.models."""

from django.db import models


class PriceQuote(models.Model):
    """One OHLC bar (interval in minutes) or one trade-derived point (interval 0) for a pair."""

    pair_id = models.CharField(max_length=32)
    interval = models.PositiveIntegerField()
    time = models.DateTimeField()
    open = models.DecimalField(max_digits=30, decimal_places=10)
    high = models.DecimalField(max_digits=30, decimal_places=10)
    low = models.DecimalField(max_digits=30, decimal_places=10)
    close = models.DecimalField(max_digits=30, decimal_places=10)
    vwap = models.DecimalField(max_digits=30, decimal_places=10)
    volume = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "portfolio"
        constraints = [
            models.UniqueConstraint(
                fields=["pair_id", "interval", "time"], name="unique_price_quote"
            )
        ]
        indexes = [models.Index(fields=["pair_id", "time"], name="price_pair_time")]

    def __str__(self) -> str:
        return f"{self.pair_id} {self.interval}m {self.time:%Y-%m-%d %H:%M}"
