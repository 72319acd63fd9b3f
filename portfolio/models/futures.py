"""Kraken Futures: account snapshots, open positions, fills and the account log."""

from django.db import models

from portfolio.kraken.assets import pair_quote
from portfolio.models.fields import amount_field, connection_field, optional_amount_field


class FuturesAccountSnapshot(models.Model):
    """One futures account (cash, a margin account, flex) as /accounts answered at `taken_at`."""

    connection = connection_field("futures_account_snapshots")
    sync_run = models.ForeignKey(
        "portfolio.SyncRun", on_delete=models.SET_NULL, null=True, blank=True
    )
    taken_at = models.DateTimeField()
    name = models.CharField(max_length=64)
    type = models.CharField(max_length=64)
    currency = models.CharField(max_length=32, blank=True)
    balances = models.JSONField(default=dict, help_text="Asset -> quantity, decimal strings.")
    auxiliary = models.JSONField(default=dict)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-taken_at", "name"]
        indexes = [models.Index(fields=["connection", "taken_at"], name="futacct_conn_time")]

    def __str__(self) -> str:
        return f"{self.name} at {self.taken_at:%Y-%m-%d %H:%M}"


class FuturesPosition(models.Model):
    """An open futures position; the set is replaced on every sync."""

    connection = connection_field("futures_positions")
    symbol = models.CharField(max_length=64)
    side = models.CharField(max_length=8)
    price = amount_field()
    size = amount_field()
    fill_time = models.DateTimeField(null=True, blank=True)
    unrealized_funding = optional_amount_field()
    pnl_currency = models.CharField(max_length=16, blank=True)
    max_fixed_leverage = optional_amount_field()
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "symbol"], name="unique_futures_position_per_connection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.size} {self.symbol}"

    @property
    def quote_currency(self) -> str:
        """The currency its price is in ("USD" for PF_XBTUSD)."""
        return pair_quote(self.symbol)


class FuturesFill(models.Model):
    connection = connection_field("futures_fills")
    fill_id = models.CharField(max_length=64)
    symbol = models.CharField(max_length=64)
    side = models.CharField(max_length=8)
    order_id = models.CharField(max_length=64, blank=True)
    cli_ord_id = models.CharField(max_length=128, blank=True)
    size = amount_field()
    price = amount_field()
    fill_time = models.DateTimeField()
    fill_type = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["fill_time", "fill_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "fill_id"], name="unique_futures_fill_per_connection"
            )
        ]
        indexes = [models.Index(fields=["connection", "fill_time"], name="futfill_conn_time")]

    def __str__(self) -> str:
        return f"{self.fill_id} {self.side} {self.size} {self.symbol}"


class FuturesLogEntry(models.Model):
    connection = connection_field("futures_log_entries")
    log_id = models.BigIntegerField()
    date = models.DateTimeField()
    asset = models.CharField(max_length=64)
    raw_asset = models.CharField(max_length=64)
    info = models.CharField(max_length=64)
    booking_uid = models.CharField(max_length=64, blank=True)
    margin_account = models.CharField(max_length=64, blank=True)
    old_balance = optional_amount_field()
    new_balance = optional_amount_field()
    old_average_entry_price = optional_amount_field()
    new_average_entry_price = optional_amount_field()
    trade_price = optional_amount_field()
    mark_price = optional_amount_field()
    realized_pnl = optional_amount_field()
    fee = optional_amount_field()
    execution = models.CharField(max_length=64, blank=True)
    collateral = models.CharField(max_length=32, blank=True)
    contract = models.CharField(max_length=64, blank=True)
    funding_rate = optional_amount_field()
    realized_funding = optional_amount_field()
    conversion_spread_percentage = optional_amount_field()
    liquidation_fee = optional_amount_field()
    exchange_rate = optional_amount_field()
    conversion_fee = optional_amount_field()

    class Meta:
        ordering = ["log_id"]
        verbose_name_plural = "futures log entries"
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "log_id"], name="unique_futures_log_per_connection"
            )
        ]
        indexes = [
            models.Index(fields=["connection", "date"], name="futlog_conn_date"),
            models.Index(fields=["connection", "asset", "date"], name="futlog_conn_asset_date"),
        ]

    def __str__(self) -> str:
        return f"#{self.log_id} {self.info} {self.asset}"
