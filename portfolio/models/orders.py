"""Resting orders as Kraken listed them at the last sync, with what each holds."""

from django.db import models

from portfolio.kraken.assets import pair_quote
from portfolio.kraken.order_names import order_kind, order_status
from portfolio.models.fields import amount_field, connection_field, optional_amount_field


class OrderMarket(models.TextChoices):
    SPOT = "spot", "Spot"
    FUTURES = "futures", "Futures"


class OpenOrder(models.Model):
    """One open order. A snapshot: each sync replaces the connection's whole set (spot from
    OpenOrders, futures from /derivatives/api/v3/openorders), so an order filled or cancelled
    since is gone. `hold` is what a spot order keeps out of "available" in BalanceEx: a buy holds
    the unexecuted volume x limit price of the quote, a sell the unexecuted volume of the base
    (Kraken: "held amounts only include spot non margin orders"); futures orders hold none."""

    connection = connection_field("open_orders")
    sync_run = models.ForeignKey(
        "portfolio.SyncRun", on_delete=models.SET_NULL, null=True, blank=True
    )
    market = models.CharField(max_length=8, choices=OrderMarket.choices)
    order_id = models.CharField(max_length=64)
    pair = models.CharField(max_length=32, help_text="spot altname (XBTUSD) or futures symbol")
    side = models.CharField(max_length=8)
    order_type = models.CharField(max_length=32)
    price = optional_amount_field()
    volume = amount_field()
    executed = amount_field(default=0)
    hold_asset = models.CharField(max_length=32, blank=True)
    hold_raw_asset = models.CharField(max_length=32, blank=True)
    hold = amount_field(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, blank=True)
    description = models.CharField(max_length=200, blank=True)
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["market", "pair", "-opened_at", "order_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "market", "order_id"], name="unique_open_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.volume} {self.pair} ({self.order_id})"

    @property
    def kind_label(self) -> str:
        """ "Buy limit" for Kraken's buy/lmt."""
        return order_kind(self.side, self.order_type)

    @property
    def status_label(self) -> str:
        return order_status(self.status)

    @property
    def quote_currency(self) -> str:
        """The currency its limit price is in ("USD" for XBTUSD and PF_XBTUSD)."""
        return pair_quote(self.pair)

    @property
    def remaining(self):
        return self.volume - self.executed
