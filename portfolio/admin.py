"""Admin for every synced model: read-mostly views for operators auditing a sync."""

from django.contrib import admin

from portfolio import models


@admin.register(models.SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ("id", "connection", "state", "trigger", "full", "created_at", "finished_at")
    list_filter = ("state", "trigger")
    search_fields = ("connection__label", "connection__user__username", "error")


@admin.register(models.SyncCursor)
class SyncCursorAdmin(admin.ModelAdmin):
    list_display = ("connection", "dataset", "position", "position_time", "updated_at")
    list_filter = ("dataset",)


@admin.register(models.Reconciliation)
class ReconciliationAdmin(admin.ModelAdmin):
    list_display = ("id", "connection", "ok", "derived_trades", "created_at")
    list_filter = ("ok",)


@admin.register(models.ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ("id", "connection", "state", "created_at", "finished_at")
    list_filter = ("state",)
    search_fields = ("connection__label", "connection__user__username", "error")


@admin.register(models.LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("ledger_id", "connection", "time", "type", "subtype", "asset", "amount", "fee")
    list_filter = ("type", "source")
    search_fields = ("ledger_id", "refid", "asset")
    date_hierarchy = "time"


@admin.register(models.Trade)
class TradeAdmin(admin.ModelAdmin):
    list_display = ("txid", "connection", "time", "pair", "type", "price", "vol", "cost", "fee")
    list_filter = ("type", "source")
    search_fields = ("txid", "ordertxid", "pair")
    date_hierarchy = "time"


@admin.register(models.ClosedOrder)
class ClosedOrderAdmin(admin.ModelAdmin):
    list_display = ("txid", "connection", "opentm", "closetm", "pair", "status", "vol_exec")
    list_filter = ("status",)
    search_fields = ("txid", "pair")


@admin.register(models.DerivedTrade)
class DerivedTradeAdmin(admin.ModelAdmin):
    list_display = ("refid", "connection", "time", "kind", "spent_asset", "received_asset")
    list_filter = ("kind",)
    search_fields = ("refid",)


class BalanceLineInline(admin.TabularInline):
    model = models.BalanceLine
    extra = 0


@admin.register(models.BalanceSnapshot)
class BalanceSnapshotAdmin(admin.ModelAdmin):
    list_display = ("id", "connection", "taken_at")
    inlines = [BalanceLineInline]


@admin.register(models.BalanceLine)
class BalanceLineAdmin(admin.ModelAdmin):
    list_display = ("snapshot", "asset", "balance", "balance_ex", "hold_trade")
    search_fields = ("asset",)


@admin.register(models.TradeBalanceSnapshot)
class TradeBalanceSnapshotAdmin(admin.ModelAdmin):
    list_display = ("connection", "taken_at", "eb", "tb", "e", "mf")


@admin.register(models.MarginPosition)
class MarginPositionAdmin(admin.ModelAdmin):
    list_display = ("posid", "connection", "pair", "type", "vol", "cost", "margin")


@admin.register(models.Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("raw_asset", "asset", "connection", "altname", "decimals", "status")
    search_fields = ("raw_asset", "asset", "altname")


@admin.register(models.AssetPair)
class AssetPairAdmin(admin.ModelAdmin):
    list_display = ("pair_id", "connection", "base", "quote", "pair_decimals", "ordermin")
    search_fields = ("pair_id", "altname", "base", "quote")


@admin.register(models.FuturesAccountSnapshot)
class FuturesAccountSnapshotAdmin(admin.ModelAdmin):
    list_display = ("connection", "name", "type", "taken_at")


@admin.register(models.FuturesPosition)
class FuturesPositionAdmin(admin.ModelAdmin):
    list_display = ("connection", "symbol", "side", "size", "price")


@admin.register(models.FuturesFill)
class FuturesFillAdmin(admin.ModelAdmin):
    list_display = ("fill_id", "connection", "fill_time", "symbol", "side", "size", "price")
    search_fields = ("fill_id", "order_id", "symbol")


@admin.register(models.FuturesLogEntry)
class FuturesLogEntryAdmin(admin.ModelAdmin):
    list_display = ("log_id", "connection", "date", "info", "asset", "new_balance", "fee")
    list_filter = ("info",)


@admin.register(models.PriceQuote)
class PriceQuoteAdmin(admin.ModelAdmin):
    list_display = ("pair", "interval", "time", "close", "source")
    search_fields = ("pair",)


@admin.register(models.PriceCoverage)
class PriceCoverageAdmin(admin.ModelAdmin):
    list_display = ("pair", "interval", "start", "end", "source", "recorded_at")
    search_fields = ("pair",)


@admin.register(models.ManualPrice)
class ManualPriceAdmin(admin.ModelAdmin):
    list_display = ("user", "asset", "quote", "time", "price", "note")
    search_fields = ("asset",)


@admin.register(models.OpenOrder)
class OpenOrderAdmin(admin.ModelAdmin):
    list_display = ("order_id", "connection", "market", "pair", "side", "volume", "opened_at")
    list_filter = ("market", "side")
    search_fields = ("order_id", "pair", "connection__label", "connection__user__username")
