"""Point-in-time state from Kraken: balances, trade balance, margin positions, reference data."""

from django.db import models

from portfolio.models.fields import amount_field, connection_field, optional_amount_field


class BalanceSnapshot(models.Model):
    """Balance and BalanceEx as answered at `taken_at` (one line per asset)."""

    connection = connection_field("balance_snapshots")
    sync_run = models.ForeignKey(
        "portfolio.SyncRun", on_delete=models.SET_NULL, null=True, blank=True
    )
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["-taken_at"]
        get_latest_by = "taken_at"
        indexes = [models.Index(fields=["connection", "taken_at"], name="balsnap_conn_time")]

    def __str__(self) -> str:
        return f"Balances of {self.connection_id} at {self.taken_at:%Y-%m-%d %H:%M}"


class BalanceLine(models.Model):
    snapshot = models.ForeignKey(BalanceSnapshot, on_delete=models.CASCADE, related_name="lines")
    asset = models.CharField(max_length=32)
    raw_asset = models.CharField(max_length=32)
    balance = amount_field(help_text="Balance endpoint.")
    balance_ex = optional_amount_field()
    hold_trade = amount_field(default=0)
    credit = amount_field(default=0)
    credit_used = amount_field(default=0)

    class Meta:
        ordering = ["asset"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "raw_asset"], name="unique_balance_line_per_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.balance} {self.asset}"


class TradeBalanceSnapshot(models.Model):
    connection = connection_field("trade_balance_snapshots")
    sync_run = models.ForeignKey(
        "portfolio.SyncRun", on_delete=models.SET_NULL, null=True, blank=True
    )
    taken_at = models.DateTimeField()
    asset = models.CharField(max_length=16, default="ZUSD")
    eb = amount_field()
    tb = amount_field()
    m = amount_field()
    n = amount_field()
    c = amount_field()
    v = amount_field()
    e = amount_field()
    mf = amount_field()
    ml = optional_amount_field()
    uv = optional_amount_field()

    class Meta:
        ordering = ["-taken_at"]
        get_latest_by = "taken_at"
        indexes = [models.Index(fields=["connection", "taken_at"], name="tbsnap_conn_time")]

    def __str__(self) -> str:
        return f"Trade balance {self.eb} at {self.taken_at:%Y-%m-%d %H:%M}"


class MarginPosition(models.Model):
    """An open spot margin position (OpenPositions); the set is replaced on every sync."""

    connection = connection_field("margin_positions")
    posid = models.CharField(max_length=64)
    ordertxid = models.CharField(max_length=64, blank=True)
    posstatus = models.CharField(max_length=16, blank=True)
    pair = models.CharField(max_length=32)
    time = models.DateTimeField()
    type = models.CharField(max_length=8)
    ordertype = models.CharField(max_length=32, blank=True)
    cost = amount_field()
    fee = amount_field()
    vol = amount_field()
    vol_closed = amount_field(default=0)
    margin = amount_field(default=0)
    value = optional_amount_field()
    net = optional_amount_field()
    terms = models.CharField(max_length=64, blank=True)
    rollovertm = models.CharField(max_length=32, blank=True)
    misc = models.CharField(max_length=128, blank=True)
    oflags = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["time"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "posid"], name="unique_margin_position_per_connection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.posid} {self.type} {self.vol} {self.pair}"


class Asset(models.Model):
    """Kraken's Assets list as seen through this connection's API URL."""

    connection = connection_field("assets")
    raw_asset = models.CharField(max_length=32)
    asset = models.CharField(max_length=32)
    aclass = models.CharField(max_length=32, blank=True)
    altname = models.CharField(max_length=32, blank=True)
    decimals = models.PositiveSmallIntegerField()
    display_decimals = models.PositiveSmallIntegerField()
    collateral_value = optional_amount_field()
    status = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["asset"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "raw_asset"], name="unique_asset_per_connection"
            )
        ]

    def __str__(self) -> str:
        return self.asset


class AssetPair(models.Model):
    connection = connection_field("asset_pairs")
    pair_id = models.CharField(max_length=32)
    altname = models.CharField(max_length=32, blank=True)
    wsname = models.CharField(max_length=32, blank=True)
    base = models.CharField(max_length=32)
    quote = models.CharField(max_length=32)
    raw_base = models.CharField(max_length=32)
    raw_quote = models.CharField(max_length=32)
    aclass_base = models.CharField(max_length=32, blank=True)
    aclass_quote = models.CharField(max_length=32, blank=True)
    pair_decimals = models.PositiveSmallIntegerField()
    lot_decimals = models.PositiveSmallIntegerField()
    cost_decimals = models.PositiveSmallIntegerField(null=True, blank=True)
    lot_multiplier = models.PositiveIntegerField(default=1)
    ordermin = optional_amount_field()
    costmin = optional_amount_field()
    tick_size = optional_amount_field()
    status = models.CharField(max_length=32, blank=True)
    fee_volume_currency = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["pair_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "pair_id"], name="unique_asset_pair_per_connection"
            )
        ]

    def __str__(self) -> str:
        return self.pair_id
