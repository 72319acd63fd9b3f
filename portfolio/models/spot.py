"""Kraken spot history: ledger entries, trades, closed orders, and ledger-only trades."""

from django.db import models

from portfolio.models.fields import (
    DataSource,
    amount_field,
    connection_field,
    optional_amount_field,
)


class LedgerEntry(models.Model):
    """One row of Kraken's ledger (Ledgers API or ledgers export), as Kraken reported it."""

    connection = connection_field("ledger_entries")
    ledger_id = models.CharField(max_length=64)
    refid = models.CharField(max_length=64, blank=True)
    time = models.DateTimeField()
    type = models.CharField(max_length=32)
    subtype = models.CharField(max_length=32, blank=True)
    aclass = models.CharField(max_length=32, blank=True)
    subclass = models.CharField(max_length=32, blank=True)
    asset = models.CharField(max_length=32, help_text="Normalised code (BTC, not XXBT).")
    raw_asset = models.CharField(max_length=32)
    wallet = models.CharField(max_length=64, blank=True)
    amount = amount_field()
    fee = amount_field()
    balance = amount_field()
    amount_usd = optional_amount_field()
    source = models.CharField(max_length=8, choices=DataSource.choices, default=DataSource.API)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["time", "ledger_id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "ledger_id"], name="unique_ledger_entry_per_connection"
            )
        ]
        indexes = [
            models.Index(fields=["connection", "time"], name="ledger_conn_time"),
            models.Index(fields=["connection", "asset", "time"], name="ledger_conn_asset_time"),
            models.Index(fields=["connection", "refid"], name="ledger_conn_refid"),
        ]

    def __str__(self) -> str:
        return f"{self.ledger_id} {self.type} {self.amount} {self.asset}"


class Trade(models.Model):
    """One TradesHistory row (every field Kraken reports, position fields when present)."""

    connection = connection_field("trades")
    txid = models.CharField(max_length=64)
    ordertxid = models.CharField(max_length=64, blank=True)
    postxid = models.CharField(max_length=64, blank=True)
    pair = models.CharField(max_length=32)
    base = models.CharField(max_length=32, blank=True)
    quote = models.CharField(max_length=32, blank=True)
    time = models.DateTimeField()
    type = models.CharField(max_length=8)
    ordertype = models.CharField(max_length=32, blank=True)
    price = amount_field()
    cost = amount_field()
    fee = amount_field(help_text="In the quote currency, whatever the ledger deducted.")
    vol = amount_field()
    margin = amount_field(default=0)
    leverage = optional_amount_field()
    misc = models.CharField(max_length=128, blank=True)
    ledgers = models.JSONField(default=list, blank=True)
    trade_id = models.BigIntegerField(null=True, blank=True)
    maker = models.BooleanField(null=True, blank=True)
    posstatus = models.CharField(max_length=16, blank=True)
    cprice = optional_amount_field()
    ccost = optional_amount_field()
    cfee = optional_amount_field()
    cvol = optional_amount_field()
    cmargin = optional_amount_field()
    net = optional_amount_field()
    closing_trades = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=8, choices=DataSource.choices, default=DataSource.API)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["time", "txid"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "txid"], name="unique_trade_per_connection"
            )
        ]
        indexes = [
            models.Index(fields=["connection", "time"], name="trade_conn_time"),
            models.Index(fields=["connection", "pair", "time"], name="trade_conn_pair_time"),
        ]

    def __str__(self) -> str:
        return f"{self.txid} {self.type} {self.vol} {self.pair}"


class ClosedOrder(models.Model):
    connection = connection_field("closed_orders")
    txid = models.CharField(max_length=64)
    refid = models.CharField(max_length=64, blank=True)
    userref = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16)
    reason = models.CharField(max_length=255, blank=True)
    opentm = models.DateTimeField()
    closetm = models.DateTimeField(null=True, blank=True)
    pair = models.CharField(max_length=32, help_text="descr.pair: Kraken's altname.")
    type = models.CharField(max_length=8)
    ordertype = models.CharField(max_length=32)
    descr_price = amount_field(default=0)
    descr_price2 = amount_field(default=0)
    leverage = models.CharField(max_length=16, blank=True)
    order = models.CharField(max_length=255, blank=True)
    vol = amount_field()
    vol_exec = amount_field()
    cost = amount_field()
    fee = amount_field()
    price = amount_field()
    stopprice = amount_field(default=0)
    limitprice = amount_field(default=0)
    misc = models.CharField(max_length=128, blank=True)
    oflags = models.CharField(max_length=64, blank=True)
    trades = models.JSONField(default=list, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["opentm", "txid"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "txid"], name="unique_closed_order_per_connection"
            )
        ]
        indexes = [
            models.Index(fields=["connection", "closetm"], name="order_conn_closetm"),
            models.Index(fields=["connection", "opentm", "id"], name="order_conn_opentm_id"),
        ]

    def __str__(self) -> str:
        return f"{self.txid} {self.status}"


class DerivedTradeKind(models.TextChoices):
    SPEND_RECEIVE = "spend_receive", "Instant buy/sell (spend + receive)"
    LEDGER_TRADE = "ledger_trade", "Ledger trade without a TradesHistory row"
    CONVERSION = "conversion", "Conversion or adjustment"


class DerivedTrade(models.Model):
    """An exchange of one asset for another seen only in the ledger (reconciliation keeps it)."""

    connection = connection_field("derived_trades")
    refid = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=DerivedTradeKind.choices)
    time = models.DateTimeField()
    spent_asset = models.CharField(max_length=32)
    spent_amount = amount_field(help_text="Positive: what left the account, before fees.")
    received_asset = models.CharField(max_length=32)
    received_amount = amount_field()
    fee_asset = models.CharField(max_length=32, blank=True)
    fee = amount_field(default=0)
    ledger_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["time", "refid"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "refid"], name="unique_derived_trade_per_connection"
            )
        ]
        indexes = [models.Index(fields=["connection", "time"], name="derived_conn_time")]

    def __str__(self) -> str:
        return f"{self.refid}: {self.spent_amount} {self.spent_asset} -> {self.received_asset}"
